"""Private: what the OpenAPI document says of a viewset beyond Ninja's own: the error answers
of each operation (its ``responses``), summaries, operationIds, and the viewset's docstring as
its tag's description.

Documented inline (no component, no extra model), so registration stays cheap. What each
operation can answer is read from its configuration record (``_plans.ActionConfig``),
resolved once per operation at registration.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ninja_viewsets.idempotency import IDEMPOTENCY_HEADER
from ninja_viewsets.pagination import CursorPagination

if TYPE_CHECKING:
    from ninja import NinjaAPI

    from ninja_viewsets._plans import ActionConfig
    from ninja_viewsets._signature import OperationSpec

__all__ = [
    "TAG_DESCRIPTIONS",
    "document_tags",
    "error_responses",
    "idempotency_documentation",
    "operation_ident",
    "standard_summary",
    "tag_description",
]

#: The attribute of an endpoint holding ``{tag: description}`` for its API's ``tags``.
TAG_DESCRIPTIONS = "ninja_viewsets_tags"

_WRITES = ("POST", "PUT", "PATCH", "DELETE")


# One error of Ninja's (pydantic's) validation shape: typed, so generated clients read `loc`.
_VALIDATION_ITEM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "msg": {"type": "string"},
    },
    "required": ["type", "loc", "msg"],
}


def _error_body(description: str, *, validation: bool = False) -> dict[str, Any]:
    detail: dict[str, Any] = (
        {"type": "array", "items": _VALIDATION_ITEM} if validation else {"type": "string"}
    )
    properties: dict[str, Any] = {"detail": detail}
    if not validation:
        properties["code"] = {"type": "string"}
    schema = {"type": "object", "properties": properties, "required": ["detail"]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_responses(config: ActionConfig, spec: OperationSpec, method: str) -> dict[int, Any]:
    """The error answers an operation can really give, for its OpenAPI ``responses``."""
    result: dict[int, Any] = {}
    idempotent = method in config.idempotent_methods
    if spec.parameters or spec.path_params:
        result[422] = _error_body("Invalid parameters or body", validation=True)
    if idempotent:
        reused = _error_body("Idempotency-Key already used with another request")
        if 422 in result:
            shapes = [r["content"]["application/json"]["schema"] for r in (result[422], reused)]
            description = "Invalid parameters or body, or an Idempotency-Key already used"
            result[422] = {
                "description": f"{description} with another request",
                "content": {"application/json": {"schema": {"anyOf": shapes}}},
            }
        else:
            result[422] = reused
    bad_request = [
        reason
        for reason, applies in (
            ("malformed request body", spec.body is not None),
            ("invalid cursor", isinstance(spec.paginator, CursorPagination)),
            ("invalid Idempotency-Key", idempotent),
        )
        if applies
    ]
    if bad_request:
        result[400] = _error_body(_sentence(bad_request))
    if spec.body is not None:
        if spec.uploads:
            result[413] = _error_body("Request body or a file over its size limit")
            result[415] = _error_body(
                "Unsupported media type (send application/json or multipart/form-data)"
            )
        else:
            result[413] = _error_body("Request body over DATA_UPLOAD_MAX_MEMORY_SIZE")
            result[415] = _error_body("Unsupported media type (send application/json)")
    if config.may_deny or config.has_auth:
        result[401] = _error_body("Not authenticated")
    if config.may_deny:
        result[403] = _error_body("Permission denied")
    if spec.path_params:
        result[404] = _error_body("Not found")
    conflicts = []
    if config.generic and method in _WRITES:
        conflicts.append("conflicts with the stored data (a database constraint)")
    if idempotent:
        conflicts.append("a request with this Idempotency-Key is still in progress (Retry-After)")
    if conflicts:
        result[409] = _error_body(_sentence(conflicts))
    if config.optimistic_concurrency:
        if spec.action in ("update", "partial_update", "destroy"):
            result[412] = _error_body("If-Match does not match the current ETag")
        if spec.action == "retrieve":
            result[304] = {"description": "Not modified (If-None-Match matches the ETag)"}
    if config.throttled:
        result[429] = _error_body("Throttled (see Retry-After)")
    result[503] = _error_body("The database is unavailable (see Retry-After)")
    return result


def _sentence(reasons: list[str]) -> str:
    text = " or ".join(reasons)
    return text[:1].upper() + text[1:]


def idempotency_documentation(spec: OperationSpec) -> dict[str, Any]:
    """``openapi_extra`` of an operation honouring ``Idempotency-Key`` (``IdempotencyMixin``):
    the optional header, and ``Idempotent-Replayed`` on the success answers (a replay). Its
    400, 409 and 422 are in :func:`error_responses`."""
    replayed = {
        "Idempotent-Replayed": {
            "description": "`true` when this answer is the replay of the first one given to "
            "this Idempotency-Key (nothing was written again)",
            "schema": {"type": "string", "enum": ["true"]},
        }
    }
    return {
        "parameters": [
            {
                "name": IDEMPOTENCY_HEADER,
                "in": "header",
                "required": False,
                "description": "A unique value of the client's (a UUID): the request may be "
                "retried with it and is carried out once. The same key with the same request "
                "answers the first answer again (status, body, headers, plus "
                "`Idempotent-Replayed: true`); with another request it is a 422; while the "
                "first is still running, the retry waits for it (409 past the wait). Only "
                "answers below 400 are kept.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            }
        ],
        "responses": {status: {"headers": replayed} for status in _success_statuses(spec)},
    }


def _success_statuses(spec: OperationSpec) -> list[int]:
    """The 2xx statuses Ninja documents for the operation (its ``response``)."""
    if not isinstance(spec.response, dict):
        return [200]
    statuses: list[int] = []
    for key in spec.response:
        for status in key if isinstance(key, tuple | set | frozenset | list) else (key,):
            if isinstance(status, int) and 200 <= status < 300 and status not in statuses:
                statuses.append(status)
    return statuses


def operation_ident(basename: str) -> str:
    """The basename as the start of an operationId: a valid identifier in every language's
    generator (``book-review`` -> ``book_review``, so ``book_review_list``)."""
    ident = re.sub(r"\W+", "_", basename).strip("_") or "operation"
    return f"_{ident}" if ident[0].isdigit() else ident


_STANDARD = {
    "list": "List {plural}",
    "create": "Create {one}",
    "retrieve": "Retrieve {one}",
    "update": "Update {one}",
    "partial_update": "Partially update {one}",
    "destroy": "Delete {one}",
}


def standard_summary(config: ActionConfig, action: str) -> str | None:
    """ "List books", "Create a book"...: a standard action's summary from the model's verbose
    names, or ``None`` (an extra action, or no model)."""
    template = _STANDARD.get(action)
    get_model = getattr(config.instance, "get_model", None)
    model = get_model() if template is not None and get_model is not None else None
    if template is None or model is None:
        return None
    name = str(model._meta.verbose_name)
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return template.format(plural=model._meta.verbose_name_plural, one=f"{article} {name}")


def tag_description(viewset: type[Any]) -> str | None:
    """The first paragraph of the viewset's own docstring (its lines joined), or ``None``.

    Only the class's own docstring, as DRF's view descriptions: a viewset without one has no
    description, never its base's (``ModelViewSet``'s, or a project base class's).
    """
    doc = vars(viewset).get("__doc__")
    if not isinstance(doc, str) or not doc.strip():
        return None
    paragraph = inspect.cleandoc(doc).split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def document_tags(api: NinjaAPI, descriptions: Mapping[str, str]) -> None:
    """List ``{tag: description}`` in ``api.openapi_extra["tags"]`` (Ninja copies it into the
    document's top-level ``tags``), after the entries already there.

    A tag listed there already keeps its entry: the user's (``NinjaAPI(openapi_extra=...)``)
    or an earlier viewset's with the same tag; an entry of the user's without a description
    gets this one. The user's dict is never changed: ``api.openapi_extra`` becomes a copy.
    """
    extra = api.openapi_extra or {}
    listed = list(extra.get("tags") or [])
    index = {entry.get("name"): i for i, entry in enumerate(listed) if isinstance(entry, dict)}
    changed = False
    for name, description in descriptions.items():
        if name not in index:
            index[name] = len(listed)
            listed.append({"name": name, "description": description})
            changed = True
        elif "description" not in listed[index[name]]:
            listed[index[name]] = {**listed[index[name]], "description": description}
            changed = True
    if changed:
        api.openapi_extra = {**extra, "tags": listed}
