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

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, NamedTuple

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from pydantic import BaseModel

from ninja_viewsets import conf
from ninja_viewsets._compat import NATIVE_STATUS, respond, split_status
from ninja_viewsets._direct_json import Convert, _direct_json, _plain
from ninja_viewsets._formats import (
    BaseRenderer,
    CSVRenderer,
    JSONLinesRenderer,
    JSONRenderer,
    NotAcceptable,
    csv_columns,
)
from ninja_viewsets._ninja import (
    RESPONSE_PREFIX,
    ResponseObject,
    Unrepresentable,
    is_default_json,
    is_streaming,
    json_serializer,
    plain_serializer,
    response_annotation,
    result_to_response,
)
from ninja_viewsets.conf import get_setting

if TYPE_CHECKING:
    from pydantic_core import SchemaSerializer

    from ninja_viewsets._sparse import SparseRequest

__all__ = [
    "BaseRenderer",
    "CSVRenderer",
    "JSONLinesRenderer",
    "JSONRenderer",
    "NotAcceptable",
    "csv_columns",
    "current_operation",
    "render",
    "renders_plainly",
    "to_response",
]

#: The Ninja operation serving the current request (set by the viewset URL's dispatch).
current_operation: ContextVar[Any] = ContextVar("ninja_viewsets_operation", default=None)


class _Plan(NamedTuple):
    """How one operation's response model is written, decided on its first response."""

    serializer: SchemaSerializer | None  # validated path; None: Ninja renders
    direct: tuple[Convert, SchemaSerializer] | None  # plain path; None: always validate


_plans: dict[type[BaseModel], _Plan] = {}


def _plan(response_model: type[BaseModel], *, cache: bool = True) -> _Plan:
    """``response_model`` (Ninja's per-operation wrapper, one field ``response``) planned once
    (``cache=False``: a per-request representation's, kept by its ``SparseRequest``)."""
    try:
        return _plans[response_model]
    except KeyError:
        pass
    serializer = json_serializer(response_model)
    found = _plain(response_annotation(response_model)) if serializer else None
    direct = None if found is None else (found[0], plain_serializer(found[1]))
    plan = _Plan(serializer, direct)
    if cache:
        _plans[response_model] = plan
    return plan


# operation -> (settings generation, whether its responses are rendered here)
_renders: dict[Any, tuple[int, bool]] = {}


def _renders_json(operation: Any) -> bool:
    return (
        not is_streaming(operation)  # an async generator: Ninja writes each item
        and bool(get_setting("JSON_RENDERING"))
        and is_default_json(operation.api.renderer)
    )


def renders_plainly(operation: Any) -> bool:
    """Whether the operation's success responses are written here from attribute values alone:
    the default JSON renderer, schemas without resolvers, validators or aliases (nothing of the
    user's runs while they render, so nothing there can fail after a write)."""
    if operation is None or not _renders_json(operation):
        return False
    for status, model in operation.response_models.items():
        if isinstance(status, int) and status >= 300:
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return False
        if _plan(model).direct is None:
            return False
    return True


def render(
    request: HttpRequest,
    result: Any,
    response: HttpResponse | None,
    *,
    sparse: SparseRequest | None = None,
) -> Any:
    """``result`` as the JSON ``HttpResponse`` Ninja would build, or ``result`` unchanged.

    ``response`` is the operation's temporal response (with the headers the action set).
    Validation is Ninja's own: the same response model, input and context, so errors and
    resolvers behave the same. ``sparse``: the representation the request chose
    (``?fields=``...): its schema renders the success response, always (Ninja's own rendering
    only knows the documented schema).
    """
    operation = current_operation.get()
    if operation is None or response is None or isinstance(result, HttpResponseBase):
        return result
    renders = _renders.get(operation)
    if renders is None or renders[0] != conf.generation:
        renders = _renders[operation] = (conf.generation, _renders_json(operation))
    fast = renders[1]
    # sparse fields: the chosen schema renders it, by Ninja's three passes if not here
    if not fast and (sparse is None or is_streaming(operation)):
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
    if sparse is not None:
        response_model = sparse.response_model(response_model)
        plan = sparse.render_plans.get(response_model)
        if plan is None:
            plan = _plan(response_model, cache=False) if fast else _Plan(None, None)
            if sparse.cached:
                sparse.render_plans[response_model] = plan
    else:
        plan = _plan(response_model)
    if plan.serializer is None:
        return (
            result
            if sparse is None
            else _ninja_json(request, response_model, status, body, response)
        )
    content = _direct_json(operation, plan, body, request)
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
        content = None
    if content is None or not content.startswith(RESPONSE_PREFIX):  # exclude_none dropped it
        if sparse is None:
            return result
        return _ninja_json(request, response_model, status, body, response)
    response.status_code = status
    response.content = content[len(RESPONSE_PREFIX) : -1]
    return response


def _ninja_json(
    request: HttpRequest,
    response_model: type[BaseModel],
    status: int,
    body: Any,
    response: HttpResponse,
) -> HttpResponse:
    """Ninja's own three passes (validate, dump, its renderer), with ``response_model``."""
    operation = current_operation.get()
    context = {"request": request, "response_status": status}
    validated = response_model.model_validate(ResponseObject(body), context=context)
    data = validated.model_dump(
        by_alias=operation.by_alias,
        exclude_unset=operation.exclude_unset,
        exclude_defaults=operation.exclude_defaults,
        exclude_none=operation.exclude_none,
    ).get("response")
    rendered: HttpResponse = operation.api.create_response(
        request, data, status=status, temporal_response=response
    )
    return rendered


def to_response(
    request: HttpRequest,
    result: Any,
    response: HttpResponse | None,
    *,
    sparse: SparseRequest | None = None,
) -> Any:
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
        rendered = to_response(
            request, respond(known or next(iter(models)), body), response, sparse=sparse
        )
        rendered.status_code = status
        return rendered
    rendered = render(request, result, response, sparse=sparse)
    if isinstance(rendered, HttpResponseBase):
        return rendered
    # Ninja's own rendering (no fast path applies), here so that its errors are ours
    return result_to_response(operation, request, rendered, response)
