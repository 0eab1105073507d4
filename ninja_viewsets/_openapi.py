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

from ninja_viewsets.pagination import CursorPagination

if TYPE_CHECKING:
    from ninja import NinjaAPI

    from ninja_viewsets._plans import ActionConfig
    from ninja_viewsets._signature import OperationSpec

__all__ = [
    "TAG_DESCRIPTIONS",
    "document_tags",
    "error_responses",
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
