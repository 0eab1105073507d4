"""Routers: register viewsets onto a Ninja ``Router`` under DRF's URL conventions.

    router = DefaultRouter()
    router.register("users", UserViewSet)          # basename "user" from the queryset
    router.register("accounts", AccountViewSet, basename="account")
    api = NinjaAPI()
    api.add_router("/", router)

    # /users/                 users-list    GET list, POST create
    # /users/{pk}/            user-detail   GET retrieve, PUT update, PATCH partial_update,
    #                                       DELETE destroy
    # /users/recent_users/    user-recent-users        (@action(detail=False))
    # /users/{pk}/set_password/  user-set-password     (@action(detail=True))

The URL table is data (``routes``): list, list-level actions, detail, detail-level actions, in
that order, so ``/users/recent_users/`` never reaches ``retrieve``. Every method of one URL is
registered on this router under one path string, with a unique operation id
``{basename}_{action}``, the url name ``{basename}-{url_name}`` and the tag ``basename``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from inspect import getdoc
from itertools import count
from typing import Any, cast

from asgiref.sync import sync_to_async
from django.core.exceptions import (
    ImproperlyConfigured,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from ninja import NinjaAPI, Router, Schema
from ninja.constants import NOT_SET
from ninja.operation import AsyncOperation, Operation, PathView
from ninja.params.models import Param
from ninja.signature import is_async
from pydantic import BaseModel

from ninja_viewsets._auth import with_fallback
from ninja_viewsets._signature import (
    OPERATION_OPTIONS,
    STANDARD_ACTIONS,
    OperationSpec,
    build_spec,
    make_endpoint,
    schema_classes,
)
from ninja_viewsets.decorators import is_action, pretty_name
from ninja_viewsets.exceptions import (
    APIException,
    MethodNotAllowed,
    ParseError,
    RequestTooLarge,
)
from ninja_viewsets.generics import lookup_type
from ninja_viewsets.nesting import Nesting, RegisteredViewSet
from ninja_viewsets.pagination import CursorPagination
from ninja_viewsets.permissions import AllowAny
from ninja_viewsets.renderers import current_operation
from ninja_viewsets.viewsets import ViewSet

__all__ = ["DefaultRouter", "DynamicRoute", "RegisteredViewSet", "Route", "SimpleRouter"]

HTTP_METHOD_NAMES = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
_PATH_PARAM = re.compile(r"\{(?:\w+:)?(\w+)\}")
_UUID_PARAM = re.compile(r"\{uuid:(\w+)\}", re.IGNORECASE)  # as Ninja's add_api_operation


@dataclass(frozen=True)
class Route:
    """A standard route: URL template, ``{http method: action}``, url name, level."""

    url: str
    mapping: dict[str, str]
    name: str
    detail: bool
    initkwargs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DynamicRoute:
    """The template for ``@action`` routes of one level (``detail`` True or False)."""

    url: str
    name: str
    detail: bool
    initkwargs: dict[str, Any] = field(default_factory=dict)


class SimpleRouter(Router):
    """A Ninja ``Router`` that routes viewsets; mount it with ``api.add_router("/", router)``."""

    routes: list[Route | DynamicRoute] = [
        Route(
            url="{prefix}{trailing_slash}",
            mapping={"get": "list", "post": "create"},
            name="{basename}-list",
            detail=False,
            initkwargs={"suffix": "List"},
        ),
        DynamicRoute(
            url="{prefix}/{url_path}{trailing_slash}", name="{basename}-{url_name}", detail=False
        ),
        Route(
            url="{prefix}/{lookup}{trailing_slash}",
            mapping={
                "get": "retrieve",
                "put": "update",
                "patch": "partial_update",
                "delete": "destroy",
            },
            name="{basename}-detail",
            detail=True,
            initkwargs={"suffix": "Instance"},
        ),
        DynamicRoute(
            url="{prefix}/{lookup}/{url_path}{trailing_slash}",
            name="{basename}-{url_name}",
            detail=True,
        ),
    ]

    def __init__(self, *, trailing_slash: bool = True, **router_options: Any) -> None:
        super().__init__(**router_options)
        self.trailing_slash = "/" if trailing_slash else ""
        self.registry: list[RegisteredViewSet] = []
        self._schema_names: dict[str, type[BaseModel]] = {}

    # -- registration --------------------------------------------------------------------

    def register(
        self, prefix: str, viewset: type[Any], basename: str | None = None
    ) -> RegisteredViewSet:
        """Route ``viewset`` under ``prefix``; configuration errors raise here, not later.

        Returns a handle whose ``register(prefix, viewset, parent_query_lookup=...)`` nests
        another viewset under one object of this one (see ``ninja_viewsets.nesting``).
        """
        if basename is None:
            basename = self.get_default_basename(viewset)
        return self._register(prefix.strip("/"), viewset, basename)

    def _register(
        self,
        prefix: str,
        viewset: type[Any],
        basename: str,
        *,
        nesting: Nesting | None = None,
        top: bool = True,
    ) -> RegisteredViewSet:
        if any(r.basename == basename for r in self.registry):
            raise ImproperlyConfigured(
                f'Router with basename "{basename}" is already registered. Please provide a '
                f'unique basename for viewset "{viewset.__name__}".'
            )
        for route in self.get_routes(viewset):
            mapping = self.get_method_map(viewset, route.mapping)
            if not mapping:
                continue
            path = self._format(route.url, prefix, viewset)
            self.add_viewset_path(
                viewset,
                path,
                mapping,
                basename=basename,
                url_name=route.name.format(basename=basename),
                initkwargs={**route.initkwargs, "basename": basename, "detail": route.detail},
                nesting=nesting,
            )
        handle = RegisteredViewSet(self, prefix, viewset, basename, nesting)
        handle.top = top
        self.registry.append(handle)
        return handle

    def get_default_basename(self, viewset: type[Any]) -> str:
        queryset = getattr(viewset, "queryset", None)
        if queryset is None:
            raise ImproperlyConfigured(
                f"`basename` argument not specified, and could not automatically determine the "
                f"name from the viewset, as it does not have a `.queryset` attribute: pass "
                f"register(prefix, {viewset.__name__}, basename=...)."
            )
        return str(queryset.model._meta.object_name.lower())

    def get_routes(self, viewset: type[Any]) -> list[Route]:
        """The concrete routes of ``viewset``: standard ones and one per ``@action``."""
        extra_actions = viewset.get_extra_actions()
        clashes = [a.__name__ for a in extra_actions if a.__name__ in STANDARD_ACTIONS]
        if clashes:
            raise ImproperlyConfigured(
                f"Cannot use the @action decorator on the following methods of "
                f"{viewset.__name__}, as they are existing routes: {', '.join(clashes)}."
            )
        routes: list[Route] = []
        for route in self.routes:
            if isinstance(route, DynamicRoute):
                for extra in extra_actions:
                    if extra.detail == route.detail:  # type: ignore[attr-defined]
                        routes.append(self._dynamic(route, extra))
            else:
                routes.append(route)
        return routes

    @staticmethod
    def _dynamic(route: DynamicRoute, action: Any) -> Route:
        url_path = action.url_path.strip("/")
        return Route(
            url=route.url.replace("{url_path}", url_path),
            mapping=dict(action.mapping),
            name=route.name.replace("{url_name}", action.url_name),
            detail=route.detail,
            initkwargs={**route.initkwargs, **action.kwargs},
        )

    def get_method_map(self, viewset: type[Any], method_map: dict[str, str]) -> dict[str, str]:
        """Only the methods whose action the viewset implements."""
        return {m: a for m, a in method_map.items() if callable(getattr(viewset, a, None))}

    def get_lookup(self, viewset: type[Any]) -> tuple[str, type]:
        field_name = getattr(viewset, "lookup_field", "pk")
        name = getattr(viewset, "lookup_url_kwarg", None) or field_name
        model = viewset.queryset.model if getattr(viewset, "queryset", None) is not None else None
        return name, lookup_type(model, field_name)

    def _format(self, template: str, prefix: str, viewset: type[Any]) -> str:
        lookup, _ = self.get_lookup(viewset)
        url = template.replace("{prefix}", prefix).replace("{lookup}", "{" + lookup + "}")
        url = url.replace("{trailing_slash}", self.trailing_slash)
        url = "/" + url.lstrip("/")
        return url

    # -- operations on Ninja -------------------------------------------------------------

    def add_viewset_path(
        self,
        viewset: type[Any],
        path: str,
        mapping: dict[str, str],
        *,
        basename: str | None,
        url_name: str | None,
        initkwargs: dict[str, Any],
        nesting: Nesting | None = None,
    ) -> None:
        """Register every method of one URL (``mapping``) as Ninja operations on ``path``."""
        lookup, lookup_tp = self.get_lookup(viewset)
        parents = {link.kwarg: link.type for link in nesting.links} if nesting else {}
        path_types = {
            name: (lookup_tp if name == lookup else parents.get(name, str))
            for name in _PATH_PARAM.findall(path)
        }
        attributes, options = {}, {}
        for key, value in initkwargs.items():
            if key in OPERATION_OPTIONS or key == "paginate":
                options[key] = value
            elif key in ("basename", "detail", "suffix", "name", "description") or hasattr(
                viewset, key
            ):
                attributes[key] = value
            else:
                raise TypeError(
                    f"{viewset.__name__}: @action received {key!r}, which is neither an "
                    f"attribute of the viewset nor an operation option "
                    f"({', '.join(sorted(OPERATION_OPTIONS))})."
                )
        attributes["action_map"] = mapping
        if nesting is not None:
            attributes["nesting"] = nesting
        if not mapping:
            return
        ident = basename or viewset.__name__.lower()
        seen_actions: set[str] = set()
        view = self._path_view(path)
        for method, action in mapping.items():
            spec = build_spec(viewset, action, dict(path_types), attributes, dict(options))
            self._check_schema_names(viewset, spec)
            methods = [method.upper()]
            # one action on several methods: the first keeps {basename}_{action}
            suffix = f"_{method}" if action in seen_actions else ""
            seen_actions.add(action)
            endpoint = self._add(
                viewset, path, methods, spec, attributes, ident, url_name, suffix=suffix
            )
            if endpoint._ninja_operation not in view.operations:  # type: ignore[attr-defined]
                raise AssertionError(f"Ninja put {path!r} under another key")  # pragma: no cover
        view.set_fallback(viewset, attributes)

    def _path_view(self, path: str) -> ViewSetPathView:
        """The view that will hold ``path``'s operations, a ``ViewSetPathView`` before the first
        one is added (so its operations are ``ViewSetOperation``s). Ninja keys views by its
        own normalized path: ``{uuid:x}`` becomes ``{uuidstr:x}``."""
        key = _UUID_PARAM.sub(r"{uuidstr:\1}", path)
        view = self.path_operations.get(key)
        if view is None:
            view = self.path_operations[key] = ViewSetPathView()
        elif not isinstance(view, ViewSetPathView):  # the user's own operations on this URL
            view.__class__ = ViewSetPathView  # a PathView with a fallback; same state
        return cast(ViewSetPathView, view)

    def _add(
        self,
        viewset: type[Any],
        path: str,
        methods: list[str],
        spec: OperationSpec,
        attributes: dict[str, Any],
        ident: str,
        url_name: str | None,
        *,
        suffix: str = "",
    ) -> Callable[..., Any]:
        options = dict(spec.options)
        operation_id = options.pop("operation_id", f"{ident}_{spec.action}") + suffix
        if "summary" in options:
            summary = options.pop("summary")
        elif is_action(getattr(viewset, spec.action, None)) and attributes.get("name"):
            summary = attributes["name"]
        else:
            summary = pretty_name(spec.action)
        raw_auth = attributes.get("auth", getattr(viewset, "auth", NOT_SET))
        auth = with_fallback(raw_auth)
        tags = options.pop("tags", [ident])
        errors = error_responses(viewset, spec, attributes, methods[0], raw_auth)
        extra = options.pop("openapi_extra", None) or {}
        options["openapi_extra"] = {**extra, "responses": {**errors, **extra.get("responses", {})}}
        if auth not in (NOT_SET, None) and not attributes.get(
            "authentication_required", getattr(viewset, "authentication_required", True)
        ):  # anonymous requests reach the viewset: the credentials are optional (`{}`)
            options["openapi_extra"]["security"] = [*extra.get("security", []), {}]
        endpoint = make_endpoint(viewset, spec, attributes, name=operation_id)
        self.add_api_operation(
            path,
            methods,
            endpoint,
            response=spec.response,
            operation_id=operation_id,
            summary=summary,
            description=spec.description,
            tags=tags,
            url_name=url_name,
            auth=auth,
            **options,
        )
        return endpoint

    def _check_schema_names(self, viewset: type[Any], spec: OperationSpec) -> None:
        """OpenAPI keys components by class name: two different classes must not share one."""
        classes = schema_classes(spec.response)
        for param in spec.parameters:
            if not isinstance(param.default, Param):  # query models are flattened: no component
                classes += schema_classes(param.annotation)
        for cls in classes:
            known = self._schema_names.setdefault(cls.__name__, cls)
            if known is not cls:
                raise ImproperlyConfigured(
                    f"{viewset.__name__}: two different schemas are named {cls.__name__!r} "
                    f"({known.__module__}.{known.__qualname__} and {cls.__module__}."
                    f"{cls.__qualname__}); OpenAPI would show only one. Rename one of them."
                )

    def urls_for(self, request: HttpRequest | None = None) -> Iterator[tuple[str, str]]:
        """``(prefix, list URL)`` of every registered viewset that has a list route."""
        from ninja_viewsets.viewsets import reverse_in_api

        for reg in self.registry:
            if not getattr(reg, "top", True):  # nested resources live under their parents
                continue
            try:
                url = reverse_in_api(f"{reg.basename}-list", request=request)
            except Exception:
                continue
            yield reg.prefix, request.build_absolute_uri(url) if request is not None else url


class DefaultRouter(SimpleRouter):
    """``SimpleRouter`` plus an API root at the router's root: ``{prefix: list URL}``."""

    root_view_name = "api-root"
    include_root_view = True

    def __init__(self, *, trailing_slash: bool = True, **router_options: Any) -> None:
        super().__init__(trailing_slash=trailing_slash, **router_options)
        if self.include_root_view:
            router = self

            async def api_root(request: HttpRequest) -> dict[str, str]:
                """The list URL of every resource of this API."""
                return dict(router.urls_for(request))

            view = self._path_view("/")
            self.add_api_operation(
                "/",
                ["GET"],
                api_root,
                response=dict[str, str],
                operation_id="api_root",
                summary="API root",
                url_name=self.root_view_name,
                tags=["api-root"],
            )
            view.set_fallback(APIRootView, {"name": "Api Root"})


class APIRootView(ViewSet):
    """The list URL of every resource of this API."""


def _error_body(description: str, *, validation: bool = False) -> dict[str, Any]:
    detail: dict[str, Any] = (
        {"type": "array", "items": {"type": "object"}} if validation else {"type": "string"}
    )
    properties: dict[str, Any] = {"detail": detail}
    if not validation:
        properties["code"] = {"type": "string"}
    schema = {"type": "object", "properties": properties, "required": ["detail"]}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_responses(
    viewset: type[Any], spec: OperationSpec, attributes: dict[str, Any], method: str, auth: Any
) -> dict[int, Any]:
    """The error answers an operation can really give, for its OpenAPI ``responses``.

    Documented inline (no component, no extra model), so registration stays cheap.
    """
    probe = viewset(**attributes)
    probe.action = spec.action
    generic = hasattr(probe, "get_queryset")
    write = method in ("POST", "PUT", "PATCH", "DELETE")
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
    try:
        permissions = probe.get_permissions()
        may_deny = not all(isinstance(p, AllowAny) for p in permissions)
    except Exception:  # get_permissions() reads the request: decided per request
        may_deny = True
    if may_deny or (auth is not NOT_SET and auth is not None):
        result[401] = _error_body("Not authenticated")
    if may_deny:
        result[403] = _error_body("Permission denied")
    if spec.path_params:
        result[404] = _error_body("Not found")
    if generic and write:
        result[409] = _error_body("Conflicts with the stored data (a database constraint)")
    if getattr(probe, "optimistic_concurrency", False):
        if spec.action in ("update", "partial_update", "destroy"):
            result[412] = _error_body("If-Match does not match the current ETag")
        if spec.action == "retrieve":
            result[304] = {"description": "Not modified (If-None-Match matches the ETag)"}
    try:
        throttled = bool(probe.get_throttles())
    except Exception:  # get_throttles() reads the request
        throttled = True
    if throttled:
        result[429] = _error_body("Throttled (see Retry-After)")
    result[503] = _error_body("The database is unavailable (see Retry-After)")
    return result


_response_models: dict[tuple[Any, str], type[Schema] | None] = {}


class ViewSetOperation(AsyncOperation):
    """Ninja's async operation, sharing its response wrappers: Ninja builds one pydantic model
    (``NinjaResponseSchema``, field ``response``) per status of every operation, about half of
    an operation's registration time. A viewset's retrieve, create, update and partial update
    all answer the same schema; they now share one wrapper per response type, process-wide.
    The wrappers are immutable once built (Ninja's own ``clone()`` shares models too)."""

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


class ViewSetPathView(PathView):
    """A viewset URL's operations, and the answer for the methods it does not route.

    ``HEAD`` runs the ``GET`` operation (no second operation, nothing in OpenAPI); ``OPTIONS``
    answers the view's name and description; any other method is a JSON 405 with ``Allow``.
    Only Ninja's public surface is used: ``get_view()`` (what ``Router.urls_paths`` mounts),
    ``operations``, and each operation's ``methods`` and ``run()``.
    """

    fallback_viewset: type[Any]
    fallback_attributes: dict[str, Any]
    allow: tuple[str, ...]

    def set_fallback(self, viewset: type[Any], attributes: dict[str, Any]) -> None:
        self.fallback_viewset, self.fallback_attributes = viewset, attributes
        methods = [m for op in self.operations for m in op.methods]
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")
        self.allow = tuple(dict.fromkeys([*methods, "OPTIONS"]))

    def add_operation(
        self, path: str, methods: list[str], view_func: Callable[..., Any], **options: Any
    ) -> Operation:
        """Ninja's ``PathView.add_operation``, with a ``ViewSetOperation`` for async functions
        (every viewset endpoint); the user's own sync functions on this URL stay Ninja's."""
        if not is_async(view_func):
            return super().add_operation(path, methods, view_func, **options)
        if options.get("url_name"):
            self.url_name = options["url_name"]
        self.is_async = True
        operation = ViewSetOperation(path, methods, view_func, **options)
        self.operations.append(operation)
        view_func._ninja_operation = operation  # type: ignore[attr-defined]  # as Ninja's
        return operation

    def operation_for(self, method: str) -> Any:
        """The Ninja operation serving ``method`` (``HEAD``: the ``GET`` one), or ``None``."""
        for wanted in (method, "GET") if method == "HEAD" else (method,):
            for operation in self.operations:
                if wanted in operation.methods:
                    return operation
        return None

    def get_view(self) -> Callable[..., Any]:
        """The Django view of this URL (Ninja's public hook: ``Router.urls_paths`` calls it)."""
        path_view = self

        async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            return await path_view.dispatch(request, *args, **kwargs)

        view.csrf_exempt = True  # type: ignore[attr-defined]  # as Ninja's: auth checks CSRF
        return view

    async def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        operation = self.operation_for(str(request.method))
        if operation is None:
            return self.fallback(request)
        token = current_operation.set(operation)  # renderers.render() answers as it
        try:
            if operation.is_async:
                return cast(HttpResponseBase, await operation.run(request, *args, **kwargs))
            return cast(
                HttpResponseBase, await sync_to_async(operation.run)(request, *args, **kwargs)
            )
        except SuspiciousOperation as exc:  # Ninja leaves these to Django's HTML pages
            # Django refused the request while Ninja read it: a body over
            # DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, ...
            refused = RequestTooLarge() if isinstance(exc, RequestDataTooBig) else ParseError()
            return self.error(refused)
        finally:
            current_operation.reset(token)

    def fallback(self, request: HttpRequest) -> HttpResponseBase:
        """``OPTIONS``: the view's name and description; any other method: a JSON 405."""
        if request.method == "OPTIONS":
            viewset = self.fallback_viewset
            response = JsonResponse(
                {
                    "name": viewset(**self.fallback_attributes).get_view_name(),
                    "description": getdoc(viewset) or "",
                }
            )
            response["Allow"] = ", ".join(self.allow)
            return response
        return self.error(MethodNotAllowed(str(request.method), list(self.allow)))

    def error(self, exc: APIException) -> HttpResponseBase:
        """``exc`` as the viewset's own error response (its ``handle_exception``)."""
        viewset = self.fallback_viewset(**self.fallback_attributes)
        return cast(HttpResponseBase, viewset.handle_exception(exc))

    def clone(self) -> ViewSetPathView:  # Ninja 1.7+ clones each URL's view per mounted API
        cloned = cast(ViewSetPathView, super().clone())
        cloned.__class__ = ViewSetPathView
        cloned.fallback_viewset = self.fallback_viewset
        cloned.fallback_attributes = self.fallback_attributes
        cloned.allow = self.allow
        return cloned


_as_view_ids = count()


class _AsViewRouter(SimpleRouter):
    """``as_view()``'s router: the URL kwargs arrive converted by the project's URLconf.

    Without a ``queryset`` to type the lookup from, it keeps the converter's type
    (``<int:pk>``: an int), as in DRF, instead of insisting on a string.
    """

    def get_lookup(self, viewset: type[Any]) -> tuple[str, Any]:
        name, tp = super().get_lookup(viewset)
        return (name, Any) if getattr(viewset, "queryset", None) is None else (name, tp)


def build_view(
    viewset: type[Any], actions: dict[str, str], initkwargs: dict[str, Any]
) -> Callable[..., Any]:
    """``ViewSet.as_view(actions)``: the same operations, served by a private Ninja API."""
    router = _AsViewRouter()
    detail = any(
        a in ("retrieve", "update", "partial_update", "destroy")
        or getattr(getattr(viewset, a, None), "detail", False)
        for a in actions.values()
    )
    lookup, _ = router.get_lookup(viewset)
    path = "/{" + lookup + "}" if detail else "/"
    mapping = {m.lower(): a for m, a in actions.items()}
    missing = [a for a in mapping.values() if not callable(getattr(viewset, a, None))]
    if missing:
        raise TypeError(f"{viewset.__name__} has no action(s) {missing} to bind.")
    router.add_viewset_path(
        viewset,
        path,
        mapping,
        basename=initkwargs.get("basename"),
        url_name="view",
        initkwargs={"detail": None, **initkwargs},
    )
    ident = next(_as_view_ids)
    api = NinjaAPI(
        urls_namespace=f"ninja_viewsets_as_view_{ident}", docs_url=None, openapi_url=None
    )
    api.add_router("", router)
    callback: Any = next(p.callback for p in api.urls[0] if getattr(p, "name", None) == "view")

    async def view(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return await callback(request, *args, **kwargs)

    view.cls = viewset  # type: ignore[attr-defined]
    view.initkwargs = initkwargs  # type: ignore[attr-defined]
    view.actions = actions  # type: ignore[attr-defined]
    view.csrf_exempt = True  # type: ignore[attr-defined]
    view.login_required = False  # type: ignore[attr-defined]
    view.__name__ = viewset.__name__
    view.__doc__ = viewset.__doc__
    return view
