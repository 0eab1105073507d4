"""Private: the plain records of a registration, resolved before anything touches Ninja.

A router's URL table is ``Route`` / ``DynamicRoute`` records (``SimpleRouter.routes``).
``SimpleRouter.plan()`` resolves a viewset into a ``Plan`` (one ``PathPlan`` per URL, one
``OperationPlan`` per routed method, each from the ``ActionConfig`` of its action);
``SimpleRouter.apply()`` adds it to Ninja in one step.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.urls import register_converter
from django.urls.converters import StringConverter
from pydantic import BaseModel

from ninja_viewsets._auth import with_fallback
from ninja_viewsets._ninja import NOT_SET, Param
from ninja_viewsets._openapi import (
    TAG_DESCRIPTIONS,
    error_responses,
    idempotency_documentation,
    operation_ident,
    standard_summary,
    tag_description,
)
from ninja_viewsets._schemas import check_component_names
from ninja_viewsets._signature import OPERATION_OPTIONS, make_endpoint, schema_classes
from ninja_viewsets.decorators import is_action, pretty_name
from ninja_viewsets.idempotency import IdempotencyMixin
from ninja_viewsets.permissions import AllowAny
from ninja_viewsets.viewsets import ViewSetMixin

if TYPE_CHECKING:
    from ninja_viewsets._signature import OperationSpec

__all__ = [
    "ActionConfig",
    "DynamicRoute",
    "OperationPlan",
    "PathPlan",
    "Plan",
    "Route",
    "check_schema_names",
    "lookup_converter",
    "plan_operation",
    "resolve_action",
    "split_initkwargs",
]

_VIEW_ATTRIBUTES = ("basename", "detail", "suffix", "name", "description")


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


@dataclass(frozen=True)
class ActionConfig:
    """One operation's viewset instance, resolved once at registration: what it can answer."""

    action: str
    instance: Any = field(repr=False)
    generic: bool  # a GenericAPIView: queryset, objects, writes
    may_deny: bool  # a permission may refuse (401/403)
    throttled: bool  # a throttle may refuse (429)
    has_auth: bool  # Ninja authenticates the operation (401)
    auth: Any  # the operation's ``auth=``
    optional_credentials: bool  # anonymous requests reach the viewset
    optimistic_concurrency: bool
    idempotent_methods: tuple[str, ...] = ()  # methods honouring Idempotency-Key


def resolve_action(viewset: type[Any], action: str, attributes: dict[str, Any]) -> ActionConfig:
    """``viewset`` configured for ``action`` (as a request would see it, before the request)."""
    instance = viewset(**attributes)
    instance.action = action
    raw_auth = instance.get_authenticators()  # or NINJA_VIEWSETS["DEFAULT_AUTHENTICATION"]
    auth = with_fallback(raw_auth)
    required = attributes.get(
        "authentication_required", getattr(viewset, "authentication_required", True)
    )
    permissions = _decided_at_registration(instance, "get_permissions")
    throttles = _decided_at_registration(instance, "get_throttles")
    return ActionConfig(
        action=action,
        instance=instance,
        generic=hasattr(instance, "get_queryset"),
        may_deny=permissions is None or not all(isinstance(p, AllowAny) for p in permissions),
        throttled=throttles is None or bool(throttles),
        has_auth=raw_auth is not NOT_SET and raw_auth is not None,
        auth=auth,
        optional_credentials=auth not in (NOT_SET, None) and not required,
        optimistic_concurrency=bool(getattr(instance, "optimistic_concurrency", False)),
        idempotent_methods=(
            tuple(instance.idempotent_methods)  # as IdempotencyMixin.run() compares them
            if isinstance(instance, IdempotencyMixin)
            else ()
        ),
    )


def _decided_at_registration(instance: Any, method: str) -> list[Any] | None:
    """``instance.<method>()`` (the permissions or throttles of its action), or ``None`` when
    an override of it reads the request: then it is decided per request."""
    if getattr(type(instance), method, None) is getattr(ViewSetMixin, method):
        return list(getattr(instance, method)())  # the class attribute or the setting
    try:
        return list(getattr(instance, method)())
    except Exception:  # the user's override reads self.request (None here): per request
        return None


@dataclass(frozen=True)
class OperationPlan:
    """One Ninja operation to add: ``add_api_operation(path, methods, endpoint, **options)``."""

    methods: list[str]
    endpoint: Callable[..., Any] = field(repr=False)
    options: dict[str, Any] = field(repr=False)
    spec: OperationSpec = field(repr=False)


@dataclass(frozen=True)
class PathPlan:
    """Every operation of one URL, and the viewset answering its other methods."""

    path: str
    operations: tuple[OperationPlan, ...]
    viewset: type[Any]
    attributes: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Plan:
    """A viewset resolved for registration: nothing in it has touched Ninja yet."""

    viewset: type[Any]
    basename: str
    paths: tuple[PathPlan, ...]
    schema_names: dict[str, type[BaseModel]] = field(repr=False)


def plan_operation(
    viewset: type[Any],
    method: str,
    spec: OperationSpec,
    config: ActionConfig,
    attributes: dict[str, Any],
    ident: str,
    url_name: str | None,
    suffix: str,
) -> OperationPlan:
    """The Ninja operation of one routed method: id, summary, tags, auth, documented errors."""
    options = dict(spec.options)
    default_id = f"{operation_ident(ident)}_{spec.action}"
    operation_id = options.pop("operation_id", default_id) + suffix
    if "summary" in options:
        summary = options.pop("summary")
    elif is_action(getattr(viewset, spec.action, None)) and attributes.get("name"):
        summary = attributes["name"]
    else:
        summary = standard_summary(config, spec.action) or pretty_name(spec.action)
    extra = options.pop("openapi_extra", None) or {}
    errors = error_responses(config, spec, method)
    openapi_extra = {**extra, "responses": {**errors, **extra.get("responses", {})}}
    if config.optional_credentials:  # anonymous requests reach the viewset: `{}`
        openapi_extra["security"] = [*extra.get("security", []), {}]
    if method in config.idempotent_methods:
        idempotency = idempotency_documentation(spec)
        openapi_extra["parameters"] = [*idempotency["parameters"], *extra.get("parameters", [])]
        responses = openapi_extra["responses"]
        for status, documented in idempotency["responses"].items():
            given = responses.get(status, {})  # {}: Ninja documents it, headers merge in
            headers = {**documented["headers"], **given.get("headers", {})}
            responses[status] = {**given, "headers": headers}
    tags = options.pop("tags", [ident])
    options.update(
        response=spec.response,
        operation_id=operation_id,
        summary=summary,
        description=spec.description,
        tags=tags,
        url_name=url_name,
        auth=config.auth,
        openapi_extra=openapi_extra,
    )
    endpoint = make_endpoint(viewset, spec, attributes, name=operation_id)
    description = tag_description(viewset) if ident in tags else None
    if description:  # the API's `tags` lists it when Ninja binds the operation (_operations)
        setattr(endpoint, TAG_DESCRIPTIONS, {ident: description})
    return OperationPlan([method], endpoint, options, spec)


def split_initkwargs(
    viewset: type[Any], initkwargs: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(viewset attributes, Ninja operation options)`` of a route's initkwargs."""
    attributes, options = {}, {}
    for key, value in initkwargs.items():
        if key in OPERATION_OPTIONS or key == "paginate":
            options[key] = value
        elif key in _VIEW_ATTRIBUTES or hasattr(viewset, key):
            attributes[key] = value
        else:
            raise TypeError(
                f"{viewset.__name__}: @action received {key!r}, which is neither an "
                f"attribute of the viewset nor an operation option "
                f"({', '.join(sorted(OPERATION_OPTIONS))})."
            )
    return attributes, options


_converters: dict[str, str] = {}


def lookup_converter(regex: str) -> str:
    """The name of a Django path converter matching ``regex`` (registered once per regex)."""
    if regex not in _converters:
        try:
            re.compile(regex)
        except re.error as exc:
            raise ImproperlyConfigured(
                f"lookup_value_regex {regex!r} is not a valid regular expression: {exc}."
            ) from None
        name = f"nvlookup{len(_converters)}"
        register_converter(type(name, (StringConverter,), {"regex": regex}), name)
        _converters[regex] = name
    return _converters[regex]


def check_schema_names(
    viewset: type[Any], spec: OperationSpec, known: dict[str, type[BaseModel]]
) -> None:
    """OpenAPI keys components by class name: two different classes must not share one."""
    classes = schema_classes(spec.response)
    for param in spec.parameters:
        if not isinstance(param.default, Param):  # query models are flattened: no component
            classes += schema_classes(param.annotation)
    check_component_names(viewset, classes, known)
