"""Private: what the requests of one operation need of the viewset's policies, resolved once.

    plan = spec.memo.plan = RequestPlan(view, spec, key)   # views.APIView.run, first request
    plan.permissions   # the permission classes that may refuse (None: decided per request)

A policy that can only say yes costs nothing per request (see ``RequestPlan``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ninja_viewsets._async import is_async
from ninja_viewsets._formats import renderer_classes_of
from ninja_viewsets._policies import PolicyChecks
from ninja_viewsets.conf import get_setting
from ninja_viewsets.filters import inert_for
from ninja_viewsets.generics import GenericAPIView
from ninja_viewsets.permissions import AllowAny, BasePermission
from ninja_viewsets.renderers import current_operation, renders_plainly

if TYPE_CHECKING:
    from ninja_viewsets._endpoints import OperationSpec
    from ninja_viewsets.views import APIView

__all__ = ["RequestPlan"]


class RequestPlan:
    """What the requests of one operation need of the viewset's policies, resolved once.

    Read on the operation's first request from the viewset configured for it (its class and
    the route's attributes) and the settings, and again when ``NINJA_VIEWSETS`` changes or a
    policy attribute is given another value. A policy that can only say yes costs nothing per
    request: a permission class whose hook is ``BasePermission``'s or ``AllowAny``'s, an empty
    throttle list, a built-in filter backend with nothing to do (``filters.inert_for``).
    ``None`` for a policy: a hook of it is overridden (``get_permissions()``,
    ``check_throttles()``...), which then decides per request, as in DRF.
    """

    __slots__ = (
        "async_handler",
        "backends",
        "key",
        "library_handler",
        "lone_write",
        "object_permissions",
        "permissions",
        "renderers",
        "throttles",
    )

    def __init__(self, view: APIView, spec: OperationSpec, key: tuple[Any, ...]) -> None:
        cls = type(view)
        self.key = key
        self.renderers = tuple(renderer_classes_of(view))
        handler = getattr(view, spec.action)
        self.async_handler = is_async(handler)
        self.library_handler = _is_library(handler)
        classes: Sequence[Any] | None = None
        if cls.get_permissions is PolicyChecks.get_permissions:
            classes = view.permission_classes
            if classes is None:
                classes = get_setting("DEFAULT_PERMISSION_CLASSES")
        self.permissions: tuple[Any, ...] | None = None
        if classes is not None and cls.check_permissions is PolicyChecks.check_permissions:
            self.permissions = tuple(c for c in classes if not _grants(c, "has_permission"))
        self.object_permissions: tuple[Any, ...] | None = None
        if (
            classes is not None
            and cls.check_object_permissions is PolicyChecks.check_object_permissions
        ):
            self.object_permissions = tuple(
                c for c in classes if not _grants(c, "has_object_permission")
            )
        self.throttles: tuple[Any, ...] | None = None
        if (
            cls.get_throttles is PolicyChecks.get_throttles
            and cls.check_throttles is PolicyChecks.check_throttles
        ):
            throttles = view.throttle_classes
            if throttles is None:
                throttles = get_setting("DEFAULT_THROTTLE_CLASSES")
            self.throttles = tuple(throttles)
        self.lone_write = _lone_write(view, spec)
        self.backends: tuple[Any, ...] | None = None  # the filter backends that may filter
        if (
            isinstance(view, GenericAPIView)
            and type(view).get_filter_backends is GenericAPIView.get_filter_backends
            and type(view).filter_queryset is GenericAPIView.filter_queryset
        ):
            backends = view.get_filter_backends()
            self.backends = tuple(b for b in backends if not inert_for(b, view))


# what runs around the library's own write, per action: all of it the library's, or the write
# keeps its transaction
_WRITE_HOOKS = {
    "create": ("create", "perform_create", "get_success_headers", "refetch", "refetch_now"),
    "update": ("update", "perform_update", "reload_relations", "reload_relations_now"),
    "partial_update": (
        "partial_update",
        "update",
        "perform_update",
        "reload_relations",
        "reload_relations_now",
    ),
}


def _lone_write(view: APIView, spec: OperationSpec) -> bool:
    """Whether the library's own create / update may write without a transaction of its own.

    Its write is then one statement (the mixins check the rest per request: no many-to-many
    values, Django's own ``save()``, no signal receivers), and nothing after it can fail: no
    hook of the user's around it, and a response written from attribute values (no resolver,
    validator, property or custom renderer). Nothing is left to roll back, so the request
    spends no BEGIN / COMMIT, as the hand-written ``acreate`` / ``asave`` does not.
    """
    hooks = _WRITE_HOOKS.get(spec.action)
    if hooks is None or not isinstance(view, GenericAPIView):
        return False
    names = (*hooks, "set_etag", "get_etag", "render_now")
    if not all(_is_library(getattr(view, name, None)) for name in names):
        return False
    return not spec.response_plan.sync and renders_plainly(current_operation.get())


def _grants(permission_class: Any, hook: str) -> bool:
    """Whether ``permission_class.<hook>`` always answers yes (and does nothing else)."""
    if not isinstance(permission_class, type) or not issubclass(permission_class, BasePermission):
        return False  # a composition (``A | B``): its operands decide
    method = getattr(permission_class, hook)
    return method is getattr(BasePermission, hook) or method is getattr(AllowAny, hook)


def _is_library(handler: Any) -> bool:
    return str(getattr(handler, "__module__", "")).startswith("ninja_viewsets.")
