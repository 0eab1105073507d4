"""Private: the plain records of a registration, resolved before anything touches Ninja.

``SimpleRouter.plan()`` resolves a viewset into a ``Plan`` (one ``PathPlan`` per URL, one
``OperationPlan`` per routed method, each from the ``ActionConfig`` of its action);
``SimpleRouter.apply()`` adds it to Ninja in one step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ninja_viewsets._auth import with_fallback
from ninja_viewsets._ninja import NOT_SET
from ninja_viewsets.permissions import AllowAny
from ninja_viewsets.viewsets import ViewSetMixin

if TYPE_CHECKING:
    from ninja_viewsets._signature import OperationSpec

__all__ = ["ActionConfig", "OperationPlan", "PathPlan", "Plan", "resolve_action"]


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
