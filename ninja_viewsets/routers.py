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

``register()`` plans, then applies: the viewset is first resolved into a ``Plan`` (routes,
operation specs, endpoints, OpenAPI errors, every configuration check) without touching Ninja,
then the plan is added to Ninja in one step. A configuration error leaves the router (and the
API it is mounted on) exactly as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja import Router
from pydantic import BaseModel

from ninja_viewsets._fallback import keep_fallback_last, plant_fallback
from ninja_viewsets._ninja import is_frozen, operation_of, plant_path_view, restoring_path_views
from ninja_viewsets._openapi import TAG_DESCRIPTIONS, tag_description
from ninja_viewsets._operations import ViewSetOperation, ViewSetPathView
from ninja_viewsets._plans import (
    ActionConfig,
    DynamicRoute,
    OperationPlan,
    PathPlan,
    Plan,
    Route,
    check_schema_names,
    lookup_converter,
    plan_operation,
    resolve_action,
    split_initkwargs,
)
from ninja_viewsets._signature import STANDARD_ACTIONS, build_spec
from ninja_viewsets.generics import lookup_type
from ninja_viewsets.nesting import Nesting, RegisteredViewSet
from ninja_viewsets.viewsets import ViewSet, ViewSetMixin

__all__ = [
    "ActionConfig",
    "DefaultRouter",
    "DynamicRoute",
    "OperationPlan",
    "PathPlan",
    "Plan",
    "RegisteredViewSet",
    "Route",
    "SimpleRouter",
    "ViewSetOperation",
    "ViewSetPathView",
]

_PATH_PARAM = re.compile(r"\{(?:\w+:)?(\w+)\}")
_VIEW_ATTRIBUTES = ("basename", "detail", "suffix", "name", "description")


class SimpleRouter(Router):
    """A Ninja ``Router`` that routes viewsets; mount it with ``api.add_router("/", router)``."""

    routes: list[Route | DynamicRoute] = [
        Route(
            url="{prefix}{trailing_slash}",
            # bulk_*: ninja_viewsets.bulk, routed only on viewsets that have them
            mapping={
                "get": "list",
                "post": "create",
                "patch": "bulk_update",
                "delete": "bulk_destroy",
            },
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

    lookup_value_regex: str | None = None  # a viewset's own `lookup_value_regex` wins

    def __init__(self, *, trailing_slash: bool = True, **router_options: Any) -> None:
        super().__init__(**router_options)
        self.trailing_slash = "/" if trailing_slash else ""
        self.registry: list[RegisteredViewSet] = []
        self._schema_names: dict[str, type[BaseModel]] = {}

    def add_api_operation(
        self, path: str, methods: list[str], view_func: Callable[..., Any], **kwargs: Any
    ) -> None:
        """Ninja's, keeping the catch-all for unrouted URLs last: ``@router.get(...)`` after
        ``register()`` is served by its own route, in Django's URLconf and in Ninja's test
        clients alike."""
        super().add_api_operation(path, methods, view_func, **kwargs)
        keep_fallback_last(self, path)

    # -- registration: plan, then apply --------------------------------------------------

    def register(
        self, prefix: str, viewset: type[ViewSetMixin], basename: str | None = None
    ) -> RegisteredViewSet:
        """Route ``viewset`` under ``prefix``; configuration errors raise here, not later,
        and leave the router as it was.

        Returns a handle whose ``register(prefix, viewset, parent_query_lookup=...)`` nests
        another viewset under one object of this one (see ``ninja_viewsets.nesting``).
        """
        if basename is None:
            basename = self.get_default_basename(viewset)
        return self._register(prefix.strip("/"), viewset, basename)

    def _register(
        self,
        prefix: str,
        viewset: type[ViewSetMixin],
        basename: str,
        *,
        nesting: Nesting | None = None,
        top: bool = True,
    ) -> RegisteredViewSet:
        if is_frozen(self) or any(  # Ninja 1.6+ froze it; on 1.5 its views were built
            getattr(view, "urls_built", False) for view in self.path_operations.values()
        ):
            raise ImproperlyConfigured(
                f"Cannot register {viewset.__name__} under {prefix!r}: the API's URLs were "
                f"already built (api.urls was read, e.g. by the URLconf). Register every "
                f"viewset before `api.urls` is read: at import time, next to the router."
            )
        plan = self.plan(prefix, viewset, basename, nesting=nesting)
        self.apply(plan)
        handle = RegisteredViewSet(self, prefix, viewset, basename, nesting)
        handle.top = top
        self.registry.append(handle)
        plant_fallback(self)  # unrouted URLs: JSON 404 / the route with the slash (_fallback)
        return handle

    def plan(
        self,
        prefix: str,
        viewset: type[ViewSetMixin],
        basename: str,
        *,
        nesting: Nesting | None = None,
    ) -> Plan:
        """Resolve ``viewset`` under ``prefix`` into a ``Plan``; raises on any configuration
        error. Touches neither this router nor Ninja."""
        if any(r.basename == basename for r in self.registry):
            raise ImproperlyConfigured(
                f'Router with basename "{basename}" is already registered. Please provide a '
                f'unique basename for viewset "{viewset.__name__}".'
            )
        schema_names = dict(self._schema_names)
        paths = []
        for route in self.get_routes(viewset):
            mapping = self.get_method_map(viewset, route.mapping)
            if not mapping:
                continue
            paths.append(
                self.plan_path(
                    viewset,
                    self._format(route.url, prefix, viewset),
                    mapping,
                    basename=basename,
                    url_name=route.name.format(basename=basename),
                    initkwargs={**route.initkwargs, "basename": basename, "detail": route.detail},
                    nesting=nesting,
                    schema_names=schema_names,
                )
            )
        return Plan(viewset, basename, tuple(paths), schema_names)

    def plan_path(
        self,
        viewset: type[ViewSetMixin],
        path: str,
        mapping: dict[str, str],
        *,
        basename: str | None,
        url_name: str | None,
        initkwargs: dict[str, Any],
        nesting: Nesting | None = None,
        schema_names: dict[str, type[BaseModel]],
    ) -> PathPlan:
        """The operations of every method of one URL (``mapping``: ``{method: action}``)."""
        lookup, lookup_tp = self.get_lookup(viewset)
        parents = {link.kwarg: link.type for link in nesting.links} if nesting else {}
        path_types = {
            name: (lookup_tp if name == lookup else parents.get(name, str))
            for name in _PATH_PARAM.findall(path)
        }
        attributes, options = split_initkwargs(viewset, initkwargs)
        attributes["action_map"] = mapping
        if nesting is not None:
            attributes["nesting"] = nesting
        ident = basename or viewset.__name__.lower()
        operations = []
        seen_actions: set[str] = set()
        for method, action in mapping.items():
            config = resolve_action(viewset, action, attributes)
            spec = build_spec(
                viewset, action, dict(path_types), attributes, dict(options), probe=config.instance
            )
            check_schema_names(viewset, spec, schema_names)
            # one action on several methods: the first keeps {basename}_{action}
            suffix = f"_{method}" if action in seen_actions else ""
            seen_actions.add(action)
            operations.append(
                plan_operation(
                    viewset, method.upper(), spec, config, attributes, ident, url_name, suffix
                )
            )
        return PathPlan(path, tuple(operations), viewset, attributes)

    def apply(self, plan: Plan) -> None:
        """Add ``plan``'s operations to Ninja, all or none (a failure restores the views)."""
        with restoring_path_views(self):
            for path in plan.paths:
                self.apply_path(path)
        self._schema_names = plan.schema_names

    def apply_path(self, plan: PathPlan) -> ViewSetPathView:
        view = plant_path_view(self, plan.path, ViewSetPathView)
        for operation in plan.operations:
            self.add_api_operation(
                plan.path, operation.methods, operation.endpoint, **operation.options
            )
            if operation_of(operation.endpoint) not in view.operations:  # pragma: no cover
                raise AssertionError(f"Ninja put {plan.path!r} under another key")
        view.set_fallback(plan.viewset, plan.attributes)
        return view

    # -- the route table -----------------------------------------------------------------

    def get_default_basename(self, viewset: type[ViewSetMixin]) -> str:
        queryset = getattr(viewset, "queryset", None)
        if queryset is None:
            raise ImproperlyConfigured(
                f"`basename` argument not specified, and could not automatically determine the "
                f"name from the viewset, as it does not have a `.queryset` attribute: pass "
                f"register(prefix, {viewset.__name__}, basename=...)."
            )
        return str(queryset.model._meta.object_name.lower())

    def get_routes(self, viewset: type[ViewSetMixin]) -> list[Route]:
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
                    if extra.detail == route.detail:
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

    def get_method_map(
        self, viewset: type[ViewSetMixin], method_map: dict[str, str]
    ) -> dict[str, str]:
        """Only the methods whose action the viewset implements."""
        return {m: a for m, a in method_map.items() if callable(getattr(viewset, a, None))}

    def get_lookup(self, viewset: type[ViewSetMixin]) -> tuple[str, type]:
        field_name = getattr(viewset, "lookup_field", "pk")
        name = getattr(viewset, "lookup_url_kwarg", None) or field_name
        queryset = getattr(viewset, "queryset", None)
        model = queryset.model if queryset is not None else None
        return name, lookup_type(model, field_name)

    def get_lookup_converter(self, viewset: type[ViewSetMixin]) -> str | None:
        """The URL converter of the lookup: from ``lookup_value_regex`` (the viewset's, else
        the router's), or ``None`` for Ninja's default. A value that does not match is a 404
        from the URL resolver: no query runs."""
        regex = getattr(viewset, "lookup_value_regex", None) or self.lookup_value_regex
        return lookup_converter(regex) if regex else None

    def _format(self, template: str, prefix: str, viewset: type[ViewSetMixin]) -> str:
        lookup, _ = self.get_lookup(viewset)
        converter = self.get_lookup_converter(viewset)
        param = "{" + (f"{converter}:" if converter else "") + lookup + "}"
        url = template.replace("{prefix}", prefix).replace("{lookup}", param)
        url = url.replace("{trailing_slash}", self.trailing_slash)
        return "/" + url.lstrip("/")

    def urls_for(self, request: HttpRequest | None = None) -> Iterator[tuple[str, str]]:
        """``(prefix, list URL)`` of every registered viewset that has a list route."""
        from ninja_viewsets._reverse import absolute_uri, reverse_in_api

        for reg in self.registry:
            if not getattr(reg, "top", True):  # nested resources live under their parents
                continue
            try:
                url = reverse_in_api(f"{reg.basename}-list", request=request)
            except Exception:
                continue
            yield reg.prefix, absolute_uri(request, url) if request is not None else url


class DefaultRouter(SimpleRouter):
    """``SimpleRouter`` plus an API root at the router's root: ``{prefix: list URL}``."""

    include_root_view = True
    _root_view_name = "api-root"

    @property
    def root_view_name(self) -> str:
        """The URL name of the API root (``"api-root"``); settable, as in DRF, until the API's
        URLs are built."""
        return self._root_view_name

    @root_view_name.setter
    def root_view_name(self, value: str) -> None:
        self._root_view_name = value
        view = self.path_operations.get("/")
        for operation in getattr(view, "operations", ()):
            operation.url_name = value

    def __init__(self, *, trailing_slash: bool = True, **router_options: Any) -> None:
        super().__init__(trailing_slash=trailing_slash, **router_options)
        if self.include_root_view:
            router = self

            async def api_root(request: HttpRequest) -> dict[str, str]:
                """The list URL of every resource of this API."""
                return dict(router.urls_for(request))

            description = tag_description(APIRootView)
            if description:
                setattr(api_root, TAG_DESCRIPTIONS, {"api-root": description})
            view = plant_path_view(self, "/", ViewSetPathView)
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
