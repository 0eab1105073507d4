"""``@action``: mark a viewset method as an extra routable action.

    class UserViewSet(ModelViewSet):
        queryset = User.objects.all()

        @action(detail=True, methods=["post"])
        async def set_password(self, request, pk: int, payload: PasswordIn) -> StatusOut:
            ...

        @action(detail=True, methods=["put"], url_path="password")
        async def password(self, request, pk: int, payload: PasswordIn) -> UserOut: ...

        @password.mapping.delete
        async def delete_password(self, request, pk: int) -> None: ...

The decorator only records metadata on the function (``detail``, ``mapping``, ``url_path``,
``url_name``, ``kwargs``); the router reads it and builds the Ninja operations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPMethod
from typing import Any, Protocol, TypeGuard, TypeVar, cast

__all__ = ["Action", "MethodMapper", "action"]

F = TypeVar("F", bound=Callable[..., Any])

HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")


class Action(Protocol):
    """What ``@action`` leaves on a function (the router's input)."""

    __name__: str
    detail: bool
    mapping: MethodMapper
    url_path: str
    url_name: str
    kwargs: dict[str, Any]

    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...


def _method_name(method: str | HTTPMethod) -> str:
    name = method.value if isinstance(method, HTTPMethod) else str(method)
    name = name.lower()
    if name not in HTTP_METHODS:
        raise ValueError(f"@action: unknown HTTP method {method!r}; use one of {HTTP_METHODS}.")
    return name


def action(
    *,
    detail: bool | None = None,
    methods: Iterable[str | HTTPMethod] | None = None,
    url_path: str | None = None,
    url_name: str | None = None,
    name: str | None = None,
    description: str | None = None,
    **overrides: Any,
) -> Callable[[F], F]:
    """Mark a viewset method as routable.

    ``detail=True`` routes it under ``{prefix}/{lookup}/{url_path}/``, ``detail=False`` under
    ``{prefix}/{url_path}/``. ``overrides`` (``permission_classes``, ``output_schema``, ``auth``,
    ``response``, ...) apply to this action only; the router rejects names that are neither a
    viewset attribute nor a known operation option.
    """
    if detail is None:
        raise TypeError("@action() missing required argument: 'detail' (True or False).")
    if "suffix" in overrides and name is not None:
        raise TypeError("@action(): `name` and `suffix` are mutually exclusive arguments.")
    http_methods = ["get"] if methods is None else [_method_name(m) for m in methods]
    if not http_methods:
        raise TypeError("@action(methods=[]): give at least one HTTP method.")

    def decorator(func: F) -> F:
        fn = cast(Any, func)
        fn.mapping = MethodMapper(fn, http_methods)
        fn.detail = detail
        fn.url_path = url_path if url_path is not None else func.__name__
        fn.url_name = url_name if url_name is not None else func.__name__.replace("_", "-")
        kwargs: dict[str, Any] = {}
        if "suffix" not in overrides:
            kwargs["name"] = name if name is not None else pretty_name(func.__name__)
        kwargs["description"] = description if description is not None else func.__doc__
        kwargs.update(overrides)
        fn.kwargs = kwargs
        return func

    return decorator


def pretty_name(name: str) -> str:
    """``set_password`` -> ``Set password`` (DRF's default action name)."""
    return name.replace("_", " ").strip().capitalize()


class MethodMapper(dict[str, str]):
    """``{http method: method name}`` of one action; ``.mapping.delete`` adds a handler.

    ``@password.mapping.delete`` routes DELETE on the action's URL to the decorated method.
    """

    def __init__(self, action: Callable[..., Any], methods: Iterable[str]) -> None:
        super().__init__()
        self.action = action
        for method in methods:
            self[method] = action.__name__

    def _map(self, method: str, func: F) -> F:
        if method in self:
            raise ValueError(f"Method '{method}' has already been mapped to '.{self[method]}'.")
        if func.__name__ == self.action.__name__:
            raise ValueError(
                f"Method mapping does not behave like the property decorator: give the "
                f"{method.upper()} handler a name other than '{func.__name__}'."
            )
        self[method] = func.__name__
        return func

    def get(self, func: F) -> F:  # type: ignore[override]
        return self._map("get", func)

    def post(self, func: F) -> F:
        return self._map("post", func)

    def put(self, func: F) -> F:
        return self._map("put", func)

    def patch(self, func: F) -> F:
        return self._map("patch", func)

    def delete(self, func: F) -> F:
        return self._map("delete", func)

    def head(self, func: F) -> F:
        return self._map("head", func)

    def options(self, func: F) -> F:
        return self._map("options", func)

    def trace(self, func: F) -> F:
        return self._map("trace", func)

    def __repr__(self) -> str:
        return f"MethodMapper({self.action.__name__!r}, {dict(self)!r})"


def is_action(obj: Any) -> TypeGuard[Action]:
    """True for a function decorated with ``@action`` (not for its mapped secondaries)."""
    return isinstance(getattr(obj, "mapping", None), MethodMapper)
