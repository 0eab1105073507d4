"""Private (the seam): Ninja's routers, path views and operations, test clients, defaults."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar, cast

import ninja
import ninja.errors
import pydantic
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from ninja import NinjaAPI, Router, Schema
from ninja.conf import settings as ninja_settings
from ninja.errors import ValidationErrorContext
from ninja.operation import AsyncOperation, Operation, PathView
from ninja.pagination import LimitOffsetPagination, PageNumberPagination, PaginationBase
from ninja.params.models import PathModel
from ninja.signature import is_async
from ninja.testing import TestAsyncClient, TestClient
from ninja.testing.client import NinjaResponse

__all__ = [
    "DEFERRED_VALUES",
    "NINJA_VERSION",
    "STREAMING",
    "AsyncClientBase",
    "SeamOperation",
    "SeamPathView",
    "SyncClientBase",
    "default_page_size",
    "default_throttle_rates",
    "exception_handler_of",
    "is_async",
    "is_frozen",
    "is_stream",
    "is_streaming",
    "ninja_page_methods",
    "operation_of",
    "path_key",
    "plant_path_view",
    "restoring_path_views",
    "result_to_response",
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


def is_frozen(router: Router) -> bool:
    """Whether Ninja has frozen ``router`` (1.6+: once ``api.urls`` was read)."""
    return bool(getattr(router, "_frozen", False))


@contextmanager
def restoring_path_views(router: Router) -> Iterator[None]:
    """Puts ``router``'s path views back as they were (their operations and classes, no new
    view) when the block raises: a registration is all or nothing."""
    saved = [
        (key, view, list(view.operations), view.__class__)
        for key, view in router.path_operations.items()
    ]
    api = getattr(router, "api", None)  # Ninja 1.5 binds operations of a mounted router
    extra = getattr(api, "openapi_extra", None)  # as they are added (SeamOperation.bound)
    try:
        yield
    except BaseException:
        if api is not None and extra is not None:
            api.openapi_extra = extra
        known = {key for key, *_ in saved}
        for key in [k for k in router.path_operations if k not in known]:
            del router.path_operations[key]
        for _key, view, operations, cls in saved:
            view.operations[:] = operations
            view.__class__ = cls
        raise


def operation_of(endpoint: Callable[..., Any]) -> Operation:
    """The Ninja operation ``add_api_operation`` built for ``endpoint``."""
    return cast(Operation, vars(endpoint)["_ninja_operation"])


_response_models: dict[tuple[Any, str], type[Schema] | None] = {}


_NO_CSRF = "_dont_enforce_csrf_checks"  # read by Django's CsrfViewMiddleware
_UNSET = object()


class SeamOperation(AsyncOperation):
    """Ninja's async operation, sharing its response wrappers: Ninja builds one pydantic model
    (``NinjaResponseSchema``, field ``response``) per status of every operation, about half of
    an operation's registration time. A viewset's retrieve, create, update and partial update
    all answer the same schema; they share one wrapper per response type, process-wide.
    The wrappers are immutable once built (Ninja's own ``clone()`` shares models too)."""

    async def _run_authentication(self, request: HttpRequest) -> HttpResponse | None:  # type: ignore[override]
        # Ninja's cookie authenticators check CSRF before they read their cookie; without the
        # cookie there is no credential a forged request could ride on: Django's own switch
        # (its test client's) turns the check off for this authentication only
        before = vars(request).get(_NO_CSRF, _UNSET)
        skip = not self.checks_csrf(request) and before in (_UNSET, False)
        if skip:
            setattr(request, _NO_CSRF, True)
        try:
            error = await super()._run_authentication(request)
        finally:
            if skip and before is _UNSET:
                delattr(request, _NO_CSRF)
            elif skip:
                setattr(request, _NO_CSRF, before)
        self.authenticated(request)
        return error

    def checks_csrf(self, request: HttpRequest) -> bool:
        """Whether the cookie authenticators check CSRF on ``request`` (override)."""
        return True

    def authenticated(self, request: HttpRequest) -> None:
        """Called after Ninja's authentication, before its throttles (override)."""

    @property
    def api(self) -> NinjaAPI:
        return cast(NinjaAPI, self.__dict__.get("_seam_api"))

    @api.setter
    def api(self, api: NinjaAPI) -> None:
        # Ninja assigns the API when it binds the operation to it: Operation.__init__ (None),
        # then PathView.set_api_instance on api.add_router and on each later operation of a
        # mounted router (1.5), or the clone of each mount when the URLs or the OpenAPI
        # document are first built (1.6+); always before the document reads api.openapi_extra
        self.__dict__["_seam_api"] = api
        if api is not None:
            self.bound(api)

    def bound(self, api: NinjaAPI) -> None:
        """Called when Ninja binds this operation to ``api``, before ``api`` builds its URLs
        or its OpenAPI document from it (override); maybe more than once per API."""

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
        stream_format = getattr(self, "stream_format", None)  # Ninja 1.6+: streaming responses
        if deferred is None and stream_format is None:
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
                # nothing but path values (a retrieve, a destroy): nothing left to validate
                if self.deferred_models:
                    values[deferred] = partial(self.deferred_values, request, kw)
                if self.signature.response_arg:
                    values[self.signature.response_arg] = temporal_response
            result = await self.view_func(request, **values)
            if stream_format is None or isinstance(result, HttpResponseBase):
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
        vars(view_func)["_ninja_operation"] = operation  # as Ninja's
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
