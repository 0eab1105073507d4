"""Private: the one seam to django-ninja's and pydantic-core's internals.

Everything ninja-viewsets uses that Ninja or pydantic-core do not document as public is named
here, and nowhere else, with branches where the supported releases (django-ninja 1.5 to 1.7)
differ. ``tests/test_ninja_seam.py`` checks that each of these still exists with the shape used
here, so an incompatible release fails that test by name before it fails a user's request.

What each internal is for, and the public hook upstream that would retire it, is listed in
``SEAM`` at the end of this module (the seam test reads it).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple, TypeVar, cast
from uuid import UUID

import ninja
import ninja.errors
import pydantic
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from ninja import NinjaAPI, Router, Schema
from ninja.conf import settings as ninja_settings
from ninja.constants import NOT_SET
from ninja.errors import ValidationErrorContext
from ninja.operation import AsyncOperation, Operation, PathView, ResponseObject
from ninja.pagination import LimitOffsetPagination, PageNumberPagination, PaginationBase
from ninja.params import models as params_models
from ninja.params.models import BodyModel, Param, ParamModel, PathModel
from ninja.params.models import Path as PathParam
from ninja.renderers import BaseRenderer, JSONRenderer
from ninja.responses import NinjaJSONEncoder
from ninja.signature import is_async
from ninja.testing import TestAsyncClient, TestClient
from ninja.testing.client import NinjaResponse
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError, SchemaSerializer, core_schema

__all__ = [
    "DEFERRED_VALUES",
    "LEAF_SCHEMAS",
    "NINJA_VERSION",
    "NOT_SET",
    "RESPONSE_PREFIX",
    "SEAM",
    "STREAMING",
    "AsyncClientBase",
    "BodyModel",
    "Internal",
    "NinjaJSONEncoder",
    "Param",
    "PathParam",
    "ResponseObject",
    "SeamOperation",
    "SeamPathView",
    "SyncClientBase",
    "Unrepresentable",
    "default_page_size",
    "default_throttle_rates",
    "exception_handler_of",
    "is_async",
    "is_default_json",
    "is_stream",
    "is_streaming",
    "json_serializer",
    "list_schema",
    "ninja_page_methods",
    "ninja_validators_only",
    "nullable_schema",
    "operation_of",
    "plain_serializer",
    "plant_path_view",
    "record_schema",
    "response_annotation",
    "result_to_response",
    "same_float_text",
    "schema_resolvers",
    "unwrap_getter",
]

V = TypeVar("V", bound=PathView)

#: The attribute marking an endpoint that validates its non-path values itself, after its
#: policies: it names the keyword the endpoint receives the validator under.
DEFERRED_VALUES = "ninja_viewsets_deferred"

NINJA_VERSION: tuple[int, int] = cast(
    tuple[int, int], tuple(int(part) for part in ninja.__version__.split(".")[:2])
)

try:  # django-ninja >= 1.6: SSE[T] / JSONL[T] responses
    from ninja.streaming import _StreamAlias

    STREAMING = True
except ImportError:  # pragma: no cover - django-ninja 1.5 has no streaming responses
    _StreamAlias = None  # type: ignore[assignment,misc]
    STREAMING = False


def is_streaming(operation: Any) -> bool:
    """Whether a Ninja operation answers a stream (``SSE[T]`` / ``JSONL[T]``)."""
    return getattr(operation, "stream_format", None) is not None


def is_stream(response: Any) -> bool:
    """Whether ``response`` is Ninja's ``SSE[T]`` / ``JSONL[T]`` marker (1.6+)."""
    return _StreamAlias is not None and isinstance(response, _StreamAlias)


# -- the path views Ninja mounts -----------------------------------------------------------------

_UUID_PARAM = re.compile(r"\{uuid:(\w+)\}", re.IGNORECASE)  # as Router.add_api_operation


def path_key(path: str) -> str:
    """The key Ninja files ``path`` under in ``Router.path_operations``: ``{uuid:x}`` becomes
    ``{uuidstr:x}`` (Ninja lets pydantic, not Django, convert UUIDs)."""
    return _UUID_PARAM.sub(r"{uuidstr:\1}", path)


def plant_path_view(router: Router, path: str, view_class: type[V]) -> V:
    """The view that will hold ``path``'s operations on ``router``: a ``view_class`` planted
    before the first operation is added, so ``add_api_operation`` fills it (and its
    ``add_operation`` picks the operation class). A plain ``PathView`` already there (the
    user's own operations on this URL) becomes a ``view_class`` with the same state."""
    key = path_key(path)
    view = router.path_operations.get(key)
    if view is None:
        view = router.path_operations[key] = view_class()
    elif not isinstance(view, view_class):
        view.__class__ = view_class
    return cast(V, view)


def operation_of(endpoint: Callable[..., Any]) -> Operation:
    """The Ninja operation ``add_api_operation`` built for ``endpoint``."""
    return cast(Operation, endpoint._ninja_operation)  # type: ignore[attr-defined]


_response_models: dict[tuple[Any, str], type[Schema] | None] = {}


class SeamOperation(AsyncOperation):
    """Ninja's async operation, sharing its response wrappers: Ninja builds one pydantic model
    (``NinjaResponseSchema``, field ``response``) per status of every operation, about half of
    an operation's registration time. A viewset's retrieve, create, update and partial update
    all answer the same schema; they share one wrapper per response type, process-wide.
    The wrappers are immutable once built (Ninja's own ``clone()`` shares models too)."""

    async def _run_authentication(self, request: HttpRequest) -> HttpResponse | None:  # type: ignore[override]
        error = await super()._run_authentication(request)
        self.authenticated(request)
        return error

    def authenticated(self, request: HttpRequest) -> None:
        """Called after Ninja's authentication, before its throttles (override)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.defer_models()

    def defer_models(self) -> None:
        """Split the endpoint's parameter models (once, at registration): an endpoint marked
        with ``DEFERRED_VALUES`` (the keyword it takes a validator under) is called with its
        path values only, and validates the query, body, headers... itself when it is ready
        (after its policies). Other endpoints are Ninja's: everything before the call."""
        self.deferred_param: str | None = getattr(self.view_func, DEFERRED_VALUES, None)
        self.path_models = [m for m in self.models if issubclass(m, PathModel)]
        self.deferred_models = [m for m in self.models if not issubclass(m, PathModel)]

    def clone(self) -> Operation:  # called by django-ninja >= 1.6
        cloned = super().clone()
        for name in ("deferred_param", "path_models", "deferred_models"):
            setattr(cloned, name, getattr(self, name))
        return cloned

    async def run(self, request: HttpRequest, **kw: Any) -> HttpResponseBase:  # type: ignore[override]
        """Ninja's run, in DRF's order for an endpoint that defers its values (see
        :meth:`defer_models`): authentication and the API's throttles, the path values (a
        malformed one is answered first, as URL routing would), then the endpoint, which runs
        its policies before it calls :meth:`deferred_values`.

        A streaming operation's endpoint is awaited (it runs the viewset) and answers either
        the action's async generator, streamed as Ninja streams it, or an error response."""
        deferred = self.deferred_param
        if deferred is None and self.stream_format is None:
            return await super().run(request, **kw)
        error = await self._run_checks(request)
        if error:
            return error
        try:
            temporal_response = self.api.create_temporal_response(request)
            if deferred is None:
                values = self._get_values(request, kw, temporal_response)
            else:
                values = self.resolve(request, kw, self.path_models)
                values[deferred] = partial(self.deferred_values, request, kw)
                if self.signature.response_arg:
                    values[self.signature.response_arg] = temporal_response
            result = await self.view_func(request, **values)
            if self.stream_format is None or isinstance(result, HttpResponseBase):
                return self._result_to_response(request, result, temporal_response)
            return cast(
                HttpResponseBase,
                await self._async_stream_response(request, result, temporal_response),
            )
        except Exception as e:
            return self.api.on_exception(request, e)

    def deferred_values(self, request: HttpRequest, path_params: dict[str, Any]) -> dict[str, Any]:
        """The values the endpoint deferred (query, body, headers...), validated as Ninja
        validates them: a ``ninja.errors.ValidationError`` (422) lists every error."""
        return self.resolve(request, path_params, self.deferred_models)

    def resolve(
        self, request: HttpRequest, path_params: dict[str, Any], models: list[Any]
    ) -> dict[str, Any]:
        """Ninja's ``Operation._get_values`` for ``models`` (without the temporal response)."""
        values: dict[str, Any] = {}
        contexts: list[ValidationErrorContext] = []
        for model in models:
            try:
                values.update(model.resolve(request, self.api, path_params))
            except pydantic.ValidationError as e:
                contexts.append(ValidationErrorContext(pydantic_validation_error=e, model=model))
        if contexts:
            raise self.api.validation_error_from_error_contexts(contexts)
        return values

    def _create_response_model(self, response_param: Any) -> type[Schema] | None:
        # typing compares unions as sets (``A | B == B | A``); the repr keeps their order,
        # which pydantic and the OpenAPI ``anyOf`` follow
        key = (response_param, repr(response_param))
        try:
            return _response_models[key]
        except KeyError:
            model = _response_models[key] = super()._create_response_model(response_param)
            return model
        except TypeError:  # an unhashable annotation: Ninja's own, one per operation
            return super()._create_response_model(response_param)


class SeamPathView(PathView):
    """A ``PathView`` whose async operations are ``operation_class`` instances and whose
    ``clone()`` (Ninja 1.6+ clones each URL's view per mounted API) keeps its class and the
    attributes named in ``cloned_attributes``."""

    operation_class: type[AsyncOperation] = SeamOperation
    cloned_attributes: tuple[str, ...] = ()

    def add_operation(
        self, path: str, methods: list[str], view_func: Callable[..., Any], **options: Any
    ) -> Operation:
        """Ninja's ``PathView.add_operation`` with ``operation_class`` for async functions and
        async generators answering a stream; the user's own sync functions stay Ninja's."""
        streaming = is_stream(options.get("response")) and inspect.isasyncgenfunction(view_func)
        if not (is_async(view_func) or streaming):
            return super().add_operation(path, methods, view_func, **options)
        if options.get("url_name"):
            self.url_name = options["url_name"]
        self.is_async = True
        operation = self.operation_class(path, methods, view_func, **options)
        self.operations.append(operation)
        view_func._ninja_operation = operation  # type: ignore[attr-defined]  # as Ninja's
        return operation

    def clone(self) -> PathView:  # called by django-ninja >= 1.6
        cloned = super().clone()
        cloned.__class__ = type(self)
        for name in self.cloned_attributes:
            setattr(cloned, name, getattr(self, name))
        return cloned


def result_to_response(
    operation: Operation, request: HttpRequest, result: Any, response: HttpResponse
) -> HttpResponseBase:
    """``result`` rendered by Ninja's own path (validation, then the API's renderer)."""
    return operation._result_to_response(request, result, response)


def exception_handler_of(api: NinjaAPI, exc: Exception) -> tuple[Any, bool, bool] | None:
    """The handler ``api`` has for ``exc``: ``(handler, catch_all, ninja_default)``, or ``None``.

    ``catch_all``: it is the handler for every ``Exception`` (a specific type has none);
    ``ninja_default``: one of those every ``NinjaAPI`` starts with (``ninja.errors``).
    """
    handler = api._lookup_exception_handler(exc)
    if handler is None:
        return None
    catch_all = handler is api._lookup_exception_handler(Exception())
    func = getattr(handler, "func", handler)  # Ninja's defaults are partial(..., api=api)
    return handler, catch_all, getattr(func, "__module__", None) == ninja.errors.__name__


# -- rendering: Ninja's response wrapper and Schema internals ----------------------------------

#: Ninja validates an operation's result through a wrapper model with one field, ``response``;
#: its JSON starts with this.
RESPONSE_PREFIX = b'{"response":'


def response_annotation(response_model: type[BaseModel]) -> Any:
    """The annotation an operation answers (the field of Ninja's response wrapper)."""
    return response_model.model_fields["response"].annotation


def is_default_json(renderer: BaseRenderer) -> bool:
    """Whether ``renderer`` writes JSON exactly as Ninja's stock ``JSONRenderer``."""
    return (
        type(renderer) is JSONRenderer
        and renderer.encoder_class is NinjaJSONEncoder
        and not renderer.json_dumps_params
    )


def schema_resolvers(cls: type[BaseModel]) -> dict[str, Any]:
    """The ``resolve_<field>`` methods of a Ninja ``Schema`` (empty for other models)."""
    return dict(getattr(cls, "_ninja_resolvers", None) or {})


def ninja_validators_only(cls: type[BaseModel]) -> bool:
    """Whether the only validator of ``cls`` is Ninja ``Schema``'s own (which wraps the input
    in a ``DjangoGetter``): no user validator, serializer or computed field."""
    decorators = cls.__pydantic_decorators__
    if (
        decorators.validators
        or decorators.field_validators
        or decorators.root_validators
        or decorators.field_serializers
        or decorators.model_serializers
        or decorators.computed_fields
    ):
        return False
    return all(name == "_run_root_validator" for name in decorators.model_validators)


def unwrap_getter(data: Any) -> Any:
    """The object a Ninja ``Schema`` validator received, without its ``DjangoGetter``."""
    return getattr(data, "_obj", data)


# -- pydantic-core: the response wrapper's schema, rewritten to write Ninja's JSON ----------------

# Django's own text for these (what NinjaJSONEncoder writes), not pydantic's.
_django_format: Callable[[Any], Any] = DjangoJSONEncoder().default
_TEMPORAL = {
    kind: core_schema.plain_serializer_function_ser_schema(_django_format, when_used="json")
    for kind in ("datetime", "time", "timedelta")
}
# Leaf types whose pydantic JSON is what json.dumps(NinjaJSONEncoder) writes for them.
_SAME_JSON = {
    "str", "int", "bool", "none", "decimal", "date", "uuid", "literal", "url",
    "multi-host-url", "definition-ref",
}  # fmt: skip
# Nodes holding other schemas under these keys (validators, containers, defaults...).
_CONTAINERS = {
    "model", "model-fields", "model-field", "computed-field", "definitions", "list", "tuple",
    "set", "frozenset", "dict", "nullable", "default", "union", "tagged-union", "function-before",
    "function-after", "function-wrap", "lax-or-strict", "json-or-python", "chain",
    "custom-error",
}  # fmt: skip
# Keys holding values, not schemas (a default may be a dict with a "type" key).
_VERBATIM = {"metadata", "ref", "function", "default", "default_factory", "generic_origin"}


def same_float_text(value: float) -> bool:
    """Whether pydantic-core writes ``value`` as ``json.dumps`` does. Both write the shortest
    repr, but below 1e-4 pydantic-core has no exponent (``0.00001``, Python ``1e-05``) or a
    short one (``1e-9``, Python ``1e-09``), and some releases write ``1e16`` for ``1e+16``."""
    return value == 0 or 1e-4 <= abs(value) < 1e16 or value != value or abs(value) == _INF


_INF = float("inf")


def _float_json(value: float) -> float:
    if same_float_text(value):
        return value
    raise ValueError(f"{value!r} is written differently by json.dumps: Ninja renders it")


_FLOAT = core_schema.plain_serializer_function_ser_schema(
    _float_json, when_used="json", return_schema=core_schema.float_schema()
)
# NaN / Infinity, as json.dumps writes them
_INF_NAN: core_schema.CoreConfig = {"ser_json_inf_nan": "constants"}


class _Unsupported(Exception):
    """The schema has a node whose JSON may differ from Ninja's: keep Ninja's renderer."""


#: What ``to_json`` raises when a value cannot be written as Ninja writes it.
Unrepresentable = PydanticSerializationError


def json_serializer(response_model: type[BaseModel]) -> SchemaSerializer | None:
    """A serializer writing validated ``response_model`` instances as Ninja's JSON (Django's
    temporal formats, ``NaN`` as ``json.dumps``), or ``None`` when the schema has a node whose
    JSON may differ from Ninja's (a custom serializer, a plain ``Enum``, ``Any``...)."""
    try:
        return SchemaSerializer(_rewrite(response_model.__pydantic_core_schema__), _INF_NAN)
    except _Unsupported:
        return None


def _rewrite(node: Any) -> Any:
    """``node`` with Django's temporal formats; raises ``_Unsupported`` for unknown nodes."""
    if isinstance(node, list | tuple):
        return type(node)(_rewrite(item) for item in node)
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if kind is None:  # a mapping of fields / choices / config: rewrite its values
        return {key: _rewrite(value) for key, value in node.items()}
    if "serialization" in node:  # the user's own serializer: Ninja calls it in python mode
        raise _Unsupported(kind)
    if kind in _TEMPORAL:
        return {**node, "serialization": _TEMPORAL[kind]}
    if kind == "float":  # a value json.dumps writes otherwise fails: Ninja renders
        return {**node, "serialization": _FLOAT}
    if kind == "enum":  # str/int enums are their value in both; a plain Enum is str(member)
        if node.get("sub_type") not in ("str", "int"):
            raise _Unsupported(kind)
        return node
    if kind in _SAME_JSON:
        return node
    if kind not in _CONTAINERS:
        raise _Unsupported(kind)
    if kind in ("union", "tagged-union") and _names_a_model(node):
        raise _Unsupported(kind)  # a union picks its model by class: see _stand_in()
    out = {}
    for key, value in node.items():
        if key in _VERBATIM:
            out[key] = value
        elif key == "cls" and kind == "model":
            out[key] = _stand_in(value)
        elif key == "config":
            out[key] = {**value, **_INF_NAN}
        else:
            out[key] = _rewrite(value)
    return out


def _stand_in(cls: type) -> type:
    """A plain class standing for model ``cls`` in the rewritten schema.

    pydantic-core reuses a complete model's own serializer for a ``model`` node naming its
    class (the rewritten fields would be ignored); a node naming another class is built from
    the schema. Outside unions the serializer does not check the value's class, so the
    validated instances of ``cls`` serialize through it unchanged.
    """
    return _stand_ins.setdefault(cls, type(cls.__name__, (), {"__module__": cls.__module__}))


_stand_ins: dict[type, type] = {}


def _names_a_model(node: Any) -> bool:
    if isinstance(node, dict):
        if node.get("type") in ("model", "definition-ref", "dataclass", "typed-dict"):
            return True
        return any(_names_a_model(v) for k, v in node.items() if k not in _VERBATIM)
    if isinstance(node, list | tuple):
        return any(_names_a_model(v) for v in node)
    return False


#: Serialization schemas of the leaf types the direct path writes (as Ninja's JSON).
LEAF_SCHEMAS: dict[Any, Any] = {
    int: core_schema.int_schema(),
    str: core_schema.str_schema(),
    bool: core_schema.bool_schema(),
    float: core_schema.float_schema(),
    Decimal: core_schema.decimal_schema(),
    date: core_schema.date_schema(),
    datetime: {"type": "datetime", "serialization": _TEMPORAL["datetime"]},
    time: {"type": "time", "serialization": _TEMPORAL["time"]},
    timedelta: {"type": "timedelta", "serialization": _TEMPORAL["timedelta"]},
    UUID: core_schema.uuid_schema(),
}


def nullable_schema(schema: Any) -> Any:
    return core_schema.nullable_schema(schema)


def list_schema(schema: Any) -> Any:
    return core_schema.list_schema(schema)


def record_schema(fields: dict[str, Any]) -> Any:
    """A dict with these keys, each written by its schema (a plain schema's fields)."""
    return core_schema.typed_dict_schema(
        {name: core_schema.typed_dict_field(schema) for name, schema in fields.items()}
    )


def plain_serializer(schema: Any) -> SchemaSerializer:
    """A serializer of plain data built by the schemas above."""
    return SchemaSerializer(schema, _INF_NAN)


# -- pagination and throttling defaults -----------------------------------------------------------


def default_page_size() -> int:
    """``NINJA_PAGINATION_PER_PAGE`` as Ninja reads it."""
    return int(ninja_settings.PAGINATION_PER_PAGE)


def default_throttle_rates() -> dict[str, str | None]:
    """Ninja's built-in ``NINJA_DEFAULT_THROTTLE_RATES`` (before the project's settings)."""
    field = type(ninja_settings).model_fields["DEFAULT_THROTTLE_RATES"]
    return dict(field.default)


def ninja_page_methods(paginator_class: type[PaginationBase]) -> bool:
    """Whether ``paginator_class`` paginates with Ninja's own page-number or limit/offset code
    (so their sync version can run in one thread hop), not a method of its own."""
    pair = (
        paginator_class.paginate_queryset,
        getattr(paginator_class, "apaginate_queryset", None),
    )
    return pair in _NINJA_PAGE_METHODS


_NINJA_PAGE_METHODS = {
    (cls.paginate_queryset, cls.apaginate_queryset)
    for cls in (PageNumberPagination, LimitOffsetPagination)
}


# -- the test clients -----------------------------------------------------------------------------


class SyncClientBase(TestClient):
    """Ninja's ``TestClient``, also driving async views (their coroutine, on this thread)."""

    def _call(self, func: Callable[..., Any], request: Any, kwargs: dict[str, Any]) -> Any:
        if inspect.iscoroutinefunction(func):
            from asgiref.sync import async_to_sync

            return NinjaResponse(async_to_sync(func)(request, **kwargs))
        return super()._call(func, request, kwargs)


class AsyncClientBase(TestAsyncClient):
    """Ninja's ``TestAsyncClient``, also calling sync views (in a thread)."""

    async def _call(self, func: Callable[..., Any], request: Any, kwargs: dict[str, Any]) -> Any:
        if not inspect.iscoroutinefunction(func):
            from asgiref.sync import sync_to_async

            return NinjaResponse(await sync_to_async(func)(request, **kwargs))
        return await super()._call(func, request, kwargs)


class Internal(NamedTuple):
    """One internal the seam uses: where, why, and the public hook upstream that would retire
    it; ``since``: the first django-ninja minor that has it (the seam gates on it)."""

    owner: Any
    name: str
    why: str
    hook: str
    since: tuple[int, int] = (1, 5)


#: Every internal used above.
SEAM: tuple[Internal, ...] = (
    Internal(
        BodyModel,
        "get_request_data",
        "read a body with file fields from JSON or multipart/form-data (ninja_viewsets._uploads)",
        "a Body param accepting several media types",
    ),
    Internal(
        Router,
        "path_operations",
        "plant a SeamPathView before add_api_operation fills it",
        "a path_view_class option on Router / add_api_operation",
    ),
    Internal(
        PathView,
        "add_operation",
        "build SeamOperation (shared response wrappers) instead of AsyncOperation",
        "an operation_class option on add_api_operation",
    ),
    Internal(
        PathView,
        "clone",
        "keep the view's class and fallback when Ninja (1.6+) clones it per mount",
        "clone() built with type(self)",
        (1, 6),
    ),
    Internal(
        PathView,
        "operations",
        "dispatch by method, list the allowed methods",
        "a documented PathView API",
    ),
    Internal(
        AsyncOperation,
        "_create_response_model",
        "share one response wrapper per annotation (half of registration time)",
        "a cache of response wrappers in Ninja",
    ),
    Internal(
        AsyncOperation,
        "_run_authentication",
        "an anonymous request's auth is None before Ninja's throttles run",
        "a hook after authentication on Operation",
    ),
    Internal(
        NinjaAPI,
        "_lookup_exception_handler",
        "hand an exception to the handler the user added with add_exception_handler",
        "a public NinjaAPI.get_exception_handler(exc)",
    ),
    Internal(
        ninja.errors,
        "_default_exception",
        "tell Ninja's default handlers (module ninja.errors) from the user's",
        "a marker on Ninja's default exception handlers",
    ),
    Internal(
        AsyncOperation,
        "_async_stream_response",
        "stream an action's async generator after the viewset's checks answered",
        "an awaitable endpoint allowed for SSE[T] / JSONL[T] in AsyncOperation.run",
        (1, 6),
    ),
    Internal(
        AsyncOperation,
        "_run_checks",
        "Ninja's auth and throttle checks before a streaming viewset endpoint",
        "the same hook",
    ),
    Internal(
        Operation,
        "_get_values",
        "parse the request as Ninja does before a streaming viewset endpoint",
        "the same hook",
    ),
    Internal(
        Operation,
        "models",
        "validate the path values before a viewset's policies, the rest after them",
        "an Operation hook between the auth/throttle checks and the parameters' validation",
    ),
    Internal(
        ParamModel,
        "resolve",
        "validate one parameter source (path, query, body...) as Ninja's _get_values does",
        "the same hook",
    ),
    Internal(
        params_models,
        "PathModel",
        "tell the path values (validated first, as URL routing) from the rest",
        "the same hook",
    ),
    Internal(
        ninja.errors,
        "ValidationErrorContext",
        "collect every source's errors into Ninja's one 422, as _get_values does",
        "the same hook",
    ),
    Internal(
        NinjaAPI,
        "validation_error_from_error_contexts",
        "Ninja's 422 (and its custom hooks) for the deferred values",
        "the same hook",
    ),
    Internal(
        Operation,
        "signature",
        "hand the endpoint Ninja's temporal response (signature.response_arg)",
        "the same hook",
    ),
    Internal(
        Operation,
        "clone",
        "keep the split of the parameter models when Ninja (1.6+) clones an operation",
        "clone() copying the instance's __dict__",
        (1, 6),
    ),
    Internal(
        Operation,
        "response_models",
        "the wrapper model per status, for the one-pass JSON renderer",
        "a renderer hook receiving the validated response",
    ),
    Internal(
        ResponseObject,
        "__init__",
        "validate as Ninja does (the same input wrapper)",
        "a public validate_response(operation, status, result)",
    ),
    Internal(
        Operation,
        "_result_to_response",
        "render an action's result by Ninja's own path inside the viewset (its errors are ours)",
        "a public Operation.render_result(request, result, temporal_response)",
    ),
    Internal(
        Schema,
        "_run_root_validator",
        "recognise Ninja's own validator among a schema's validators",
        "a public marker for Ninja's DjangoGetter validator",
    ),
    Internal(
        Schema,
        "_ninja_resolvers",
        "a schema with resolve_<field> methods needs validation",
        "a public Schema.resolvers()",
    ),
)
