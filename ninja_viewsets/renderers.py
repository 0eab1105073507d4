"""JSON rendering: the response schema serializes itself, straight to JSON bytes.

Ninja answers a typed operation in three passes: validate the result against the response
schema, ``model_dump()`` it to Python objects, then ``json.dumps()`` them with
``NinjaJSONEncoder`` (a Python-level call per ``Decimal``, ``datetime`` or ``UUID``). For a
viewset's operations the last two passes are one: pydantic-core writes the validated schema
as JSON directly (about 2x faster on a 20-row page). And when the schema is plain (fields of
``int``, ``str``, ``bool``, ``float``, ``Decimal``, date and time types, ``UUID``, optional,
nested plain schemas, lists of them: no validators, resolvers, aliases, constraints or computed
fields), the first pass goes too: each value the ORM already typed is read and its type checked
exactly (validation would return that very value), then written. A value of any other type
sends the whole response through validation, as Ninja does.

The JSON is the same as Ninja's: the same values and keys, datetimes and times in Django's
format (milliseconds, ``Z`` for UTC), ``Decimal`` and ``UUID`` as strings, ``NaN`` and
``Infinity`` as ``json.dumps`` writes them, and the operation's ``by_alias`` / ``exclude_*``
options. Only the spacing differs (compact: ``{"id":1}``) and non-ASCII characters are written
as UTF-8 rather than ``\\u`` escapes. Ninja's own path is kept whenever the result could
render differently:

- the API has another renderer than Ninja's ``JSONRenderer`` (or one with a custom encoder or
  ``json_dumps_params``);
- the response schema has a custom serializer (``field_serializer``, ``model_serializer``,
  ``PlainSerializer``...), an ``Any`` field, a plain ``Enum`` or another type this module does
  not know to render exactly as Ninja does;
- the operation has no response schema for the status, or answers an ``HttpResponse``;
- a float that ``json.dumps`` writes otherwise than pydantic-core (below ``1e-4``, from
  ``1e16``: ``1e-05``, ``1e+16``), or a streaming (``SSE`` / ``JSONL``) operation.

``tests/test_renderers_corpus.py`` checks it token for token against Ninja's own JSON over a
corpus of schemas (aliases, resolvers, unions, enums, ``Decimal``, ``UUID``, time zones, nested
lists, ``by_alias`` / ``exclude_*``, ``json_encoders``, pagination envelopes).

``NINJA_VIEWSETS = {"JSON_RENDERING": False}`` turns it off (Ninja renders every response).

Other formats: ``renderer_classes = [JSONRenderer, CSVRenderer, JSONLinesRenderer]`` on a
viewset or an ``@action``, picked by ``?format=`` or ``Accept``; a CSV / JSON Lines list streams
(see ``ninja_viewsets._formats`` and docs/exports.md).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from contextvars import ContextVar
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db.models import Manager, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Schema
from pydantic import BaseModel

from ninja_viewsets import conf
from ninja_viewsets._compat import NATIVE_STATUS, respond, split_status
from ninja_viewsets._formats import (
    BaseRenderer,
    CSVRenderer,
    JSONLinesRenderer,
    JSONRenderer,
    NotAcceptable,
    csv_columns,
)
from ninja_viewsets._ninja import (
    LEAF_SCHEMAS,
    RESPONSE_PREFIX,
    ResponseObject,
    Unrepresentable,
    is_default_json,
    is_streaming,
    json_serializer,
    list_schema,
    ninja_validators_only,
    nullable_schema,
    plain_serializer,
    record_schema,
    response_annotation,
    result_to_response,
    same_float_text,
    schema_resolvers,
)
from ninja_viewsets.conf import get_setting

if TYPE_CHECKING:
    from pydantic_core import SchemaSerializer

__all__ = [
    "BaseRenderer",
    "CSVRenderer",
    "JSONLinesRenderer",
    "JSONRenderer",
    "NotAcceptable",
    "csv_columns",
    "current_operation",
    "render",
    "to_response",
]

#: The Ninja operation serving the current request (set by the viewset URL's dispatch).
current_operation: ContextVar[Any] = ContextVar("ninja_viewsets_operation", default=None)

Convert = Callable[[Any], Any]  # a response body to plain data (the direct path)


class _Plan(NamedTuple):
    """How one operation's response model is written, decided on its first response."""

    serializer: SchemaSerializer | None  # validated path; None: Ninja renders
    direct: tuple[Convert, SchemaSerializer] | None  # plain path; None: always validate


_plans: dict[type[BaseModel], _Plan] = {}


def _plan(response_model: type[BaseModel]) -> _Plan:
    """``response_model`` (Ninja's per-operation wrapper, one field ``response``) planned once."""
    try:
        return _plans[response_model]
    except KeyError:
        pass
    serializer = json_serializer(response_model)
    found = _plain(response_annotation(response_model)) if serializer else None
    direct = None if found is None else (found[0], plain_serializer(found[1]))
    plan = _plans[response_model] = _Plan(serializer, direct)
    return plan


# operation -> (settings generation, whether its responses are rendered here)
_renders: dict[Any, tuple[int, bool]] = {}


def _renders_json(operation: Any) -> bool:
    return (
        not is_streaming(operation)  # an async generator: Ninja writes each item
        and bool(get_setting("JSON_RENDERING"))
        and is_default_json(operation.api.renderer)
    )


def render(request: HttpRequest, result: Any, response: HttpResponse | None) -> Any:
    """``result`` as the JSON ``HttpResponse`` Ninja would build, or ``result`` unchanged.

    ``response`` is the operation's temporal response (with the headers the action set).
    Validation is Ninja's own: the same response model, input and context, so errors and
    resolvers behave the same.
    """
    operation = current_operation.get()
    if operation is None or response is None or isinstance(result, HttpResponseBase):
        return result
    renders = _renders.get(operation)
    if renders is None or renders[0] != conf.generation:
        renders = _renders[operation] = (conf.generation, _renders_json(operation))
    if not renders[1]:
        return result
    status, body = split_status(result)
    if status is None:
        if NATIVE_STATUS and isinstance(body, tuple):  # deprecated (status, body): Ninja's
            return result
        models = operation.response_models
        status = next(iter(models)) if len(models) == 1 else 200
    response_model = operation.response_models.get(status)
    if response_model is None:
        response_model = operation.response_models.get(Ellipsis)
    if not isinstance(response_model, type) or not issubclass(response_model, BaseModel):
        return result  # no schema (or none for this status): Ninja decides
    plan = _plan(response_model)
    if plan.serializer is None:
        return result
    content = _direct_json(operation, plan, body)
    if content is not None:
        response.status_code = status
        response.content = content
        return response
    context = {"request": request, "response_status": status}
    validated = response_model.model_validate(ResponseObject(body), context=context)
    try:
        content = plan.serializer.to_json(
            validated,
            by_alias=operation.by_alias,
            exclude_unset=operation.exclude_unset,
            exclude_defaults=operation.exclude_defaults,
            exclude_none=operation.exclude_none,
            context=context,
        )
    except Unrepresentable:  # e.g. a float json.dumps writes otherwise (1e-05): Ninja's
        return result
    if not content.startswith(RESPONSE_PREFIX):  # e.g. exclude_none dropped a None body
        return result
    response.status_code = status
    response.content = content[len(RESPONSE_PREFIX) : -1]
    return response


# -- the direct path: plain schemas over typed values, no second validation ---------------------
#
# A schema whose fields are plain types (``int``, ``str``, ``Decimal``, ``datetime``...,
# optional, nested plain schemas, lists of them) validates a value of exactly its type to that
# very value: reading the ORM's already-typed attributes and checking each value's type gives
# what validation would, at a fraction of its cost. Any value of another type, or a schema with
# anything more (validators, resolvers, aliases, constraints, computed fields, custom config),
# takes the validated path above instead.

# model_config keys that change nothing for a value of exactly the field's type.
_INERT_CONFIG = {
    "from_attributes", "title", "json_schema_extra", "populate_by_name", "validate_by_name",
    "protected_namespaces", "defer_build", "arbitrary_types_allowed", "extra",
}  # fmt: skip


class _Fallback(Exception):
    """A value is not what the plain path can vouch for: validate it instead."""


def _optional(annotation: Any) -> tuple[Any, bool]:
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0], True
    return annotation, False


def _plain(annotation: Any, seen: frozenset[Any] = frozenset()) -> tuple[Convert, Any] | None:
    """(converter to plain data, its serialization schema) for ``annotation``, or ``None``."""
    inner, optional = _optional(annotation)
    if inner in LEAF_SCHEMAS:
        found: tuple[Convert, Any] | None = (_leaf(inner, optional), LEAF_SCHEMAS[inner])
    elif typing.get_origin(inner) is list and len(typing.get_args(inner)) == 1:
        item = _plain(typing.get_args(inner)[0], seen)
        found = None if item is None else _list_of(*item)
    elif isinstance(inner, type) and issubclass(inner, BaseModel) and inner not in seen:
        found = _schema(inner, seen | {inner})
    else:
        return None
    if found is None or not optional:
        return found
    convert, schema = found

    def nullable(value: Any) -> Any:
        return None if value is None else convert(value)

    return nullable, nullable_schema(schema)


def _leaf(kind: type, optional: bool) -> Convert:
    """The value itself, when it is exactly of type ``kind`` (or ``None`` when optional)."""
    allowed = (kind, type(None)) if optional else (kind,)
    if kind is float:

        def float_leaf(value: Any) -> Any:
            if type(value) in allowed and (value is None or same_float_text(value)):
                return value
            raise _Fallback  # another type, or a float json.dumps writes otherwise (1e-05)

        return float_leaf

    def leaf(value: Any) -> Any:
        if type(value) in allowed:
            return value
        raise _Fallback

    return leaf


def _list_of(convert: Convert, schema: Any) -> tuple[Convert, Any]:
    def items(value: Any) -> Any:
        if isinstance(value, Manager):  # a to-many relation: its prefetched rows
            value = value.all()
        if isinstance(value, list | tuple | QuerySet):
            return [convert(v) for v in value]
        raise _Fallback

    return items, list_schema(schema)


def _schema(cls: type[BaseModel], seen: frozenset[Any]) -> tuple[Convert, Any] | None:
    if (
        not (issubclass(cls, Schema) or cls.model_config.get("from_attributes"))
        or schema_resolvers(cls)
        or not set(cls.model_config) <= _INERT_CONFIG
        or cls.model_config.get("extra", "ignore") != "ignore"  # "forbid" refuses a dict's extras
        or cls.__pydantic_root_model__
        or not ninja_validators_only(cls)
    ):
        return None
    fields: list[tuple[str, Convert]] = []
    schemas: dict[str, Any] = {}
    for name, info in cls.model_fields.items():
        if (
            info.alias is not None
            or info.validation_alias is not None
            or info.serialization_alias is not None
            or info.metadata
            or info.discriminator is not None
            or info.exclude
        ):
            return None
        found = _plain(info.annotation, seen)
        if found is None:
            return None
        fields.append((name, found[0]))
        schemas[name] = found[1]
    getters = [(name, attrgetter(name), convert) for name, convert in fields]

    def convert(value: Any) -> Any:
        if isinstance(value, dict):  # a paginator's page, or a dict an action built
            try:
                return {name: conv(value[name]) for name, _, conv in getters}
            except KeyError:
                raise _Fallback from None
        try:
            return {name: conv(get(value)) for name, get, conv in getters}
        except AttributeError:
            raise _Fallback from None

    return convert, record_schema(schemas)


def _direct_json(operation: Any, plan: _Plan, body: Any) -> bytes | None:
    """``body`` as JSON by the plain path, or ``None`` (then it is validated)."""
    if plan.direct is None or (
        operation.by_alias
        or operation.exclude_unset
        or operation.exclude_defaults
        or operation.exclude_none
    ):
        return None
    convert, serializer = plan.direct
    try:
        plain = convert(body)
    except Exception:  # _Fallback, or e.g. a relation not loaded: validation reports it as Ninja
        return None
    return serializer.to_json(plain)


def to_response(request: HttpRequest, result: Any, response: HttpResponse | None) -> Any:
    """What an action returned, as the response Ninja would build (inside the transaction).

    A ``Status(code, body)`` whose code the operation has no schema for is answered with
    ``code``: a success rendered with the operation's success schema (``Status(202, obj)`` from
    an action typed ``-> BookOut``), an error (4xx, 5xx) as plain JSON.
    """
    operation = current_operation.get()
    if (
        operation is None
        or response is None
        or isinstance(result, HttpResponseBase)
        or is_streaming(operation)  # an async generator: Ninja streams it
    ):
        return result
    status, body = split_status(result)
    models = operation.response_models
    if status is not None and status not in models and Ellipsis not in models:
        response.status_code = status
        if body is None:
            return response
        if status >= 400:  # an error body of the action's own making: plain JSON
            return operation.api.create_response(request, body, temporal_response=response)
        known = next((c for c in models if isinstance(c, int) and 200 <= c < 300), None)
        rendered = to_response(request, respond(known or next(iter(models)), body), response)
        rendered.status_code = status
        return rendered
    rendered = render(request, result, response)
    if isinstance(rendered, HttpResponseBase):
        return rendered
    # Ninja's own rendering (no fast path applies), here so that its errors are ours
    return result_to_response(operation, request, rendered, response)
