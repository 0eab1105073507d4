"""The policy checks of a viewset request: authentication, permissions, throttles, parent.

    class BookViewSet(ModelViewSet):
        permission_classes = [IsAuthenticated]

        def get_permissions(self):  # per action
            if self.action == "list":
                return [AllowAny()]
            return super().get_permissions()

DRF's ``APIView`` policy methods: ``get_*()`` instantiate the classes the viewset names (or
``NINJA_VIEWSETS`` defaults), ``check_*()`` raise 401, 403, 404 or 429. The request engine
(``ninja_viewsets.views``) calls them from ``initial()``; the mixins call
``check_object_permissions()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ninja_viewsets._async import acall
from ninja_viewsets._auth import challenge, effective_auth
from ninja_viewsets._ninja import NOT_SET
from ninja_viewsets.conf import get_setting
from ninja_viewsets.exceptions import NotAuthenticated, PermissionDenied
from ninja_viewsets.throttling import Throttled

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ninja_viewsets.nesting import Nesting
    from ninja_viewsets.permissions import BasePermission

__all__ = ["PolicyChecks"]


class PolicyChecks:
    """Who may run an action, how often, and (nested) under which parent."""

    permission_classes: Sequence[Any] | None = None  # None: NINJA_VIEWSETS default
    # with `auth`: True (Ninja's meaning) answers 401 when no authenticator accepts the
    # request; False (DRF's meaning) lets it through anonymous and the permissions decide
    authentication_required: bool = True
    parent_permissions: bool = False  # nested: require the parent's object permissions too
    nesting: Nesting | None = None  # set by the router on nested resources
    parent_object: Any = None  # nested: the parent named in the URL
    throttle_classes: Sequence[Any] | None = None  # None: NINJA_VIEWSETS default
    throttle_scope: str | None = None  # for ScopedRateThrottle
    auth: Any = NOT_SET  # any Ninja auth; passed to every operation of this viewset
    kwargs: dict[str, Any]
    request_plan: Any = None  # the operation's policies, resolved once (_request_plans.RequestPlan)

    def get_authenticators(self) -> Any:
        """This operation's Ninja ``auth``: the action's or the viewset's ``auth``, else
        ``NINJA_VIEWSETS["DEFAULT_AUTHENTICATION"]`` (read at ``register()``)."""
        return effective_auth(self.auth, get_setting("DEFAULT_AUTHENTICATION"))

    def get_permissions(self) -> list[BasePermission]:
        """Instantiate this action's permission classes (override to branch on ``self.action``)."""
        classes = self.permission_classes
        if classes is None:
            classes = get_setting("DEFAULT_PERMISSION_CLASSES")
        return [permission() for permission in classes]

    async def check_permissions(self, request: HttpRequest) -> None:
        """Raise 401/403 unless every permission allows the request (in order, stops early)."""
        plan = self.request_plan
        if plan is not None and plan.permissions is not None:  # those that may say no
            permissions: list[BasePermission] = [cls() for cls in plan.permissions]
        else:
            permissions = self.get_permissions()
        for permission in permissions:
            if not await acall(permission.has_permission, request, self):
                self.permission_denied(
                    request,
                    message=getattr(permission, "message", None),
                    code=getattr(permission, "code", None),
                )

    async def check_parent(self, request: HttpRequest) -> None:
        """Nested resources: 404 unless the parent in the URL exists (and is visible).

        One query, through the parent viewset's ``get_queryset()``; with
        ``parent_permissions = True`` the parent's object permissions are checked too.
        """
        assert self.nesting is not None
        parent_view, self.parent_object = await self.nesting.fetch_parent(request, self.kwargs)
        if self.parent_permissions:
            await parent_view.check_object_permissions(request, self.parent_object)

    def get_throttles(self) -> list[Any]:
        """Instantiate this action's throttle classes (override to branch on ``self.action``)."""
        classes = self.throttle_classes
        if classes is None:
            classes = get_setting("DEFAULT_THROTTLE_CLASSES")
        return [throttle() for throttle in classes]

    async def check_throttles(self, request: HttpRequest) -> None:
        """Raise 429 with ``Retry-After`` (the longest wait) when any throttle refuses."""
        waits = []
        plan = self.request_plan
        if plan is not None and plan.throttles is not None:
            throttles = [cls() for cls in plan.throttles]
        else:
            throttles = self.get_throttles()
        for throttle in throttles:
            if not await acall(throttle.allow_request, request, self):
                waits.append(throttle.wait())
        if waits:
            known = [w for w in waits if w is not None]
            raise Throttled(max(known) if known else None)

    async def check_object_permissions(self, request: HttpRequest, obj: Any) -> None:
        """Raise 401/403 unless every permission allows access to ``obj``."""
        plan = self.request_plan
        if plan is not None and plan.object_permissions is not None:
            permissions: list[BasePermission] = [cls() for cls in plan.object_permissions]
        else:
            permissions = self.get_permissions()
        for permission in permissions:
            if not await acall(permission.has_object_permission, request, self, obj):
                self.permission_denied(
                    request,
                    message=getattr(permission, "message", None),
                    code=getattr(permission, "code", None),
                )

    def permission_denied(
        self, request: HttpRequest, message: str | None = None, code: str | None = None
    ) -> None:
        """401 when the request is not authenticated, 403 otherwise."""
        user = getattr(request, "user", None)
        authenticated = bool(getattr(request, "auth", None)) or bool(
            user is not None and user.is_authenticated
        )
        if not authenticated:
            scheme = challenge(_as_list(self.get_authenticators()))
            raise NotAuthenticated(headers={"WWW-Authenticate": scheme} if scheme else None)
        raise PermissionDenied(message, code=code)


def _as_list(auth: Any) -> list[Any]:
    if auth is NOT_SET or auth is None:
        return []
    return list(auth) if isinstance(auth, list | tuple) else [auth]
