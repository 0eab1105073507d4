"""How the router types a bulk action: its parameters, responses and documented errors.

    BulkOperation([("payload", list[TagIn], Body(...))], {201: list[TagOut]}, "payload",
                  lookup=False)

A bulk mixin's ``bulk_operation(action)`` returns one (see ``_signature``); the item and
result schemas are built here once per schema and cached.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, PlainValidator, TypeAdapter, create_model

__all__ = ["BulkOperation", "bulk_result_schema"]


class BulkOperation:
    """How the router types a bulk action: its parameters, responses (and the errors it
    documents beyond the usual ones) and the name of its body parameter."""

    __slots__ = ("body", "parameters", "response", "responses")

    def __init__(
        self,
        parameters: list[tuple[str, Any, Any]],
        response: Any,
        body: str | None,
        *,
        lookup: bool = False,
    ) -> None:
        self.parameters, self.response, self.body = parameters, response, body
        self.responses = _error_docs(lookup)


# one error of Ninja's validation shape, as _openapi documents it (generated clients read `loc`)
_VALIDATION_ITEM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "msg": {"type": "string"},
    },
    "required": ["type", "loc", "msg"],
}


def _error(description: str, detail: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = {"detail": detail}
    if detail.get("type") == "string":
        properties["code"] = {"type": "string"}
    schema = {"type": "object", "properties": properties, "required": ["detail"]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error_docs(lookup: bool) -> dict[int, Any]:
    items = {"type": "array", "items": _VALIDATION_ITEM}
    docs = {
        422: _error(
            'Invalid items: each error\'s `loc` is `["body", "payload", <index>, <field>]` '
            '(a single object: `["body", "payload", <field>]`); nothing was written',
            items,
        ),
        413: _error(
            "More items than NINJA_VIEWSETS['BULK_MAX_ITEMS'] (or a body over "
            "DATA_UPLOAD_MAX_MEMORY_SIZE)",
            {"type": "string"},
        ),
    }
    if lookup:
        docs[404] = _error(
            "An id is not among the objects this viewset serves: nothing was written",
            {"type": "string"},
        )
    return docs


def _raw(value: Any) -> Any:
    return value  # validated per item by the action, so errors carry the item's index


def _as_sent(annotation: Any) -> Any:
    """``annotation`` in OpenAPI, the JSON as sent to the action (validated there per item)."""
    return Annotated[annotation, PlainValidator(_raw, json_schema_input_type=annotation)]


_results: dict[Any, type[BaseModel]] = {}
_lookup_items: dict[tuple[type[BaseModel], str, type], type[BaseModel]] = {}
_adapters: dict[Any, TypeAdapter[Any]] = {}


def _adapter(tp: Any) -> TypeAdapter[Any]:
    if tp not in _adapters:
        _adapters[tp] = TypeAdapter(tp)
    return _adapters[tp]


def bulk_result_schema(output: Any) -> type[BaseModel]:
    """One item of a 207: ``index`` in the batch, ``status``, and ``data`` or ``detail``."""
    if output not in _results:
        _results[output] = create_model(
            f"{getattr(output, '__name__', 'Item')}BulkResult",
            __base__=Schema,
            index=(int, ...),
            status=(int, ...),
            data=(type(None) if output is None else output | None, None),
            detail=(Any, None),
        )
    return _results[output]


def _with_lookup(schema: type[BaseModel], key: str, tp: type) -> type[BaseModel]:
    """``schema`` (a patch schema) with the lookup ``key`` required: one item of a bulk PATCH."""
    cache = (schema, key, tp)
    if cache not in _lookup_items:
        fields: dict[str, Any] = {key: (tp, ...)}
        _lookup_items[cache] = create_model(f"{schema.__name__}Bulk", __base__=schema, **fields)
    return _lookup_items[cache]
