"""Private: the error answers of a viewset operation, documented in its OpenAPI ``responses``.

Documented inline (no component, no extra model), so registration stays cheap. What each
operation can answer is read from its configuration record (``_plans.ActionConfig``),
resolved once per operation at registration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ninja_viewsets.pagination import CursorPagination

if TYPE_CHECKING:
    from ninja_viewsets._plans import ActionConfig
    from ninja_viewsets._signature import OperationSpec

__all__ = ["error_responses"]

_WRITES = ("POST", "PUT", "PATCH", "DELETE")


def _error_body(description: str, *, validation: bool = False) -> dict[str, Any]:
    detail: dict[str, Any] = (
        {"type": "array", "items": {"type": "object"}} if validation else {"type": "string"}
    )
    properties: dict[str, Any] = {"detail": detail}
    if not validation:
        properties["code"] = {"type": "string"}
    schema = {"type": "object", "properties": properties, "required": ["detail"]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_responses(config: ActionConfig, spec: OperationSpec, method: str) -> dict[int, Any]:
    """The error answers an operation can really give, for its OpenAPI ``responses``."""
    result: dict[int, Any] = {}
    if spec.parameters or spec.path_params:
        result[422] = _error_body("Invalid parameters or body", validation=True)
    bad_request = [
        reason
        for reason, applies in (
            ("malformed request body", spec.body is not None),
            ("invalid cursor", isinstance(spec.paginator, CursorPagination)),
        )
        if applies
    ]
    if bad_request:
        result[400] = _error_body(" or ".join(bad_request).capitalize())
    if spec.body is not None:
        result[413] = _error_body("Request body over DATA_UPLOAD_MAX_MEMORY_SIZE")
        result[415] = _error_body("Unsupported media type (send application/json)")
    if config.may_deny or config.has_auth:
        result[401] = _error_body("Not authenticated")
    if config.may_deny:
        result[403] = _error_body("Permission denied")
    if spec.path_params:
        result[404] = _error_body("Not found")
    if config.generic and method in _WRITES:
        result[409] = _error_body("Conflicts with the stored data (a database constraint)")
    if config.optimistic_concurrency:
        if spec.action in ("update", "partial_update", "destroy"):
            result[412] = _error_body("If-Match does not match the current ETag")
        if spec.action == "retrieve":
            result[304] = {"description": "Not modified (If-None-Match matches the ETag)"}
    if config.throttled:
        result[429] = _error_body("Throttled (see Retry-After)")
    result[503] = _error_body("The database is unavailable (see Retry-After)")
    return result
