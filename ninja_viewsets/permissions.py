"""Permissions, DRF-style, async first.

    class IsOwner(BasePermission):
        message = "You do not own this account."

        async def has_object_permission(self, request, view, obj):
            return obj.owner_id == request.user.pk

    class AccountViewSet(ModelViewSet):
        permission_classes = [IsAuthenticated & IsOwner | IsAdminUser]

Both hooks may be ``async def`` or plain ``def``; a sync hook runs in Django's ORM thread, so it
may use the sync ORM (``obj.owner == request.user``). ``request.user`` is loaded before any
permission runs. ``&``, ``|`` and ``~`` compose
permission classes with DRF's semantics: evaluated left to right, stopping early; ``&`` binds
tighter than ``|``; an OR's object check is ``(A.has_permission and A.has_object_permission) or
(B.has_permission and B.has_object_permission)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from ninja_viewsets._async import acall
from ninja_viewsets.exceptions import MethodNotAllowed, NotFound

if TYPE_CHECKING:
    from ninja_viewsets.viewsets import ViewSetMixin

__all__ = [
    "SAFE_METHODS",
    "AllowAny",
    "BasePermission",
    "DjangoModelPermissions",
    "DjangoModelPermissionsOrAnonReadOnly",
    "DjangoObjectPermissions",
    "IsAdminUser",
    "IsAuthenticated",
    "IsAuthenticatedOrReadOnly",
]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _OperandHolder:
    """A composed permission *class*: calling it builds the composed instance."""

    def __init__(self, operator_class: type, *operands: Any) -> None:
        self.operator_class = operator_class
        self.operands = operands

    def __and__(self, other: Any) -> _OperandHolder:
        return _OperandHolder(AND, self, other)

    def __rand__(self, other: Any) -> _OperandHolder:
        return _OperandHolder(AND, other, self)

    def __or__(self, other: Any) -> _OperandHolder:
        return _OperandHolder(OR, self, other)

    def __ror__(self, other: Any) -> _OperandHolder:
        return _OperandHolder(OR, other, self)

    def __invert__(self) -> _OperandHolder:
        return _OperandHolder(NOT, self)

    def __call__(self, *args: Any, **kwargs: Any) -> BasePermission:
        instances = [operand(*args, **kwargs) for operand in self.operands]
        combined: BasePermission = self.operator_class(*instances)
        return combined

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, _OperandHolder)
            and self.operator_class == other.operator_class
            and self.operands == other.operands
        )

    def __hash__(self) -> int:
        return hash((self.operator_class, self.operands))

    def __repr__(self) -> str:
        symbols: dict[type, str] = {AND: "&", OR: "|", NOT: "~"}
        symbol = symbols[self.operator_class]
        names = [getattr(o, "__name__", repr(o)) for o in self.operands]
        return f"~{names[0]}" if symbol == "~" else f"({f' {symbol} '.join(names)})"


class _PermissionMeta(type):
    """Lets permission *classes* be combined with ``&``, ``|`` and ``~``."""

    def __and__(cls, other: Any) -> _OperandHolder:
        return _OperandHolder(AND, cls, other)

    def __or__(cls, other: Any) -> _OperandHolder:  # type: ignore[override]
        return _OperandHolder(OR, cls, other)

    def __rand__(cls, other: Any) -> _OperandHolder:
        return _OperandHolder(AND, other, cls)

    def __ror__(cls, other: Any) -> _OperandHolder:  # type: ignore[override]
        return _OperandHolder(OR, other, cls)

    def __invert__(cls) -> _OperandHolder:
        return _OperandHolder(NOT, cls)


class BasePermission(metaclass=_PermissionMeta):
    """Override ``has_permission`` and/or ``has_object_permission`` (sync or async).

    ``message`` and ``code`` become the 403 body ``{"detail": message, "code": code}``.
    """

    message: ClassVar[str | None] = None
    code: ClassVar[str | None] = None

    async def has_permission(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        return True

    async def has_object_permission(
        self, request: HttpRequest, view: ViewSetMixin, obj: Any
    ) -> bool:
        return True


class AND(BasePermission):
    def __init__(self, op1: BasePermission, op2: BasePermission) -> None:
        self.op1, self.op2 = op1, op2

    async def has_permission(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        return bool(await acall(self.op1.has_permission, request, view)) and bool(
            await acall(self.op2.has_permission, request, view)
        )

    async def has_object_permission(
        self, request: HttpRequest, view: ViewSetMixin, obj: Any
    ) -> bool:
        return bool(await acall(self.op1.has_object_permission, request, view, obj)) and bool(
            await acall(self.op2.has_object_permission, request, view, obj)
        )


class OR(BasePermission):
    def __init__(self, op1: BasePermission, op2: BasePermission) -> None:
        self.op1, self.op2 = op1, op2

    async def has_permission(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        return bool(await acall(self.op1.has_permission, request, view)) or bool(
            await acall(self.op2.has_permission, request, view)
        )

    async def has_object_permission(
        self, request: HttpRequest, view: ViewSetMixin, obj: Any
    ) -> bool:
        for op in (self.op1, self.op2):
            if await acall(op.has_permission, request, view) and await acall(
                op.has_object_permission, request, view, obj
            ):
                return True
        return False


class NOT(BasePermission):
    def __init__(self, op1: BasePermission) -> None:
        self.op1 = op1

    async def has_permission(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        return not await acall(self.op1.has_permission, request, view)

    async def has_object_permission(
        self, request: HttpRequest, view: ViewSetMixin, obj: Any
    ) -> bool:
        return not await acall(self.op1.has_object_permission, request, view, obj)


def _is_authenticated(request: HttpRequest) -> bool:
    """A logged-in user, or any credential a Ninja authenticator accepted (``request.auth``)."""
    if getattr(request, "auth", None):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class AllowAny(BasePermission):
    """Allow every request (the default)."""

    async def has_permission(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        return True


class IsAuthenticated(BasePermission):
    """Allow only authenticated requests: a logged-in user or an accepted ``auth`` credential."""

    async def has_permission(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        return _is_authenticated(request)


class IsAdminUser(BasePermission):
    """Allow only staff users (``user.is_staff``)."""

    async def has_permission(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_staff)


class IsAuthenticatedOrReadOnly(BasePermission):
    """Anyone may read (GET, HEAD, OPTIONS); only authenticated users may write."""

    async def has_permission(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        return request.method in SAFE_METHODS or _is_authenticated(request)


def _model_of(view: ViewSetMixin) -> type[Any]:
    get_queryset = getattr(view, "get_queryset", None)
    if get_queryset is None:
        raise ImproperlyConfigured(
            f"Django model permissions need a queryset: {type(view).__name__} has no "
            f"`get_queryset()` (use a GenericViewSet or set `queryset`)."
        )
    queryset = get_queryset()
    if queryset is None:
        raise ImproperlyConfigured(
            f"{type(view).__name__}.get_queryset() returned None: Django model permissions "
            f"read the model from it. Return a queryset (`Model.objects.none()` for no rows), "
            f"or set `_ignore_model_permissions = True` on the view to skip the model check."
        )
    model: type[Any] = queryset.model
    return model


class DjangoModelPermissions(BasePermission):
    """The user needs Django's model permissions for writes (``add``/``change``/``delete``).

    POST needs ``add``, PUT and PATCH ``change``, DELETE ``delete``; reads need nothing (add
    ``%(app_label)s.view_%(model_name)s`` to ``perms_map`` to require ``view``). Anonymous
    requests are refused. The model is the one of ``view.get_queryset()``.
    """

    perms_map: dict[str, list[str]] = {
        "GET": [],
        "OPTIONS": [],
        "HEAD": [],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }
    authenticated_users_only = True

    def get_required_permissions(self, method: str, model: type[Any]) -> list[str]:
        kwargs = {"app_label": model._meta.app_label, "model_name": model._meta.model_name}
        if method not in self.perms_map:
            raise MethodNotAllowed(method, sorted(self.perms_map))
        return [perm % kwargs for perm in self.perms_map[method]]

    async def has_permission(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        user = getattr(request, "user", None)
        if user is None or (not user.is_authenticated and self.authenticated_users_only):
            return False
        if getattr(view, "_ignore_model_permissions", False):  # DRF's escape hatch
            return True
        perms = self.get_required_permissions(str(request.method), _model_of(view))
        return bool(await user.ahas_perms(perms))


class DjangoModelPermissionsOrAnonReadOnly(DjangoModelPermissions):
    """``DjangoModelPermissions``, but anonymous users may read."""

    authenticated_users_only = False


class DjangoObjectPermissions(DjangoModelPermissions):
    """Object-level permissions through the authentication backends (e.g. django-guardian).

    Requires the model permissions too. A user who cannot read the object gets 404 (its
    existence is not revealed); one who can read but not write it gets 403.
    """

    perms_map: dict[str, list[str]] = {
        "GET": [],
        "OPTIONS": [],
        "HEAD": [],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    async def has_object_permission(
        self, request: HttpRequest, view: ViewSetMixin, obj: Any
    ) -> bool:
        user: Any = request.user
        model = _model_of(view)
        perms = self.get_required_permissions(str(request.method), model)
        if not await user.ahas_perms(perms, obj):
            if request.method in SAFE_METHODS:
                raise NotFound()
            read_perms = self.get_required_permissions("GET", model)
            if not await user.ahas_perms(read_perms, obj):
                raise NotFound()
            return False
        return True
