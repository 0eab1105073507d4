"""Private: the viewset's Ninja ``auth`` plus a last resort that lets us answer the 401.

Ninja answers a failed authentication itself, with no ``WWW-Authenticate`` header and before
the viewset runs. The router appends :class:`Unauthenticated` to the viewset's auth list: when
every real authenticator failed it marks the request, and the viewset then raises
``NotAuthenticated`` (no credentials) or ``AuthenticationFailed`` (credentials presented and
wrong, as DRF: a 401 even where anonymous requests are allowed) with the challenge of the first
authenticator that has a scheme. OpenAPI still documents only the real authenticators (this
one has no security scheme).

An anonymous request has ``request.auth = None`` from the end of authentication on (before
Ninja's own throttles run), as for an operation without auth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, APIKeyHeader, APIKeyQuery

from ninja_viewsets._ninja import NOT_SET

__all__ = [
    "ANONYMOUS",
    "Unauthenticated",
    "ViewSetRequest",
    "anonymous_as_none",
    "carries_cookie_credentials",
    "challenge",
    "effective_auth",
    "failure_message",
    "with_fallback",
]


class ViewSetRequest(HttpRequest):
    """A request as Ninja's authentication and this library leave it: the attributes set on
    Django's ``HttpRequest`` at runtime, named for the type checker (``cast`` to it)."""

    auth: Any  # Ninja: what the authenticator returned
    _viewset_challenge: str | None  # the WWW-Authenticate challenge of the operation
    _viewset_auth_failed: str  # credentials presented and refused: why
    _viewset_anonymous: bool  # every authenticator failed (auth reset to None)


class _Anonymous:
    """``request.auth`` while the viewset has not yet refused the request (truthy for Ninja)."""

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "ANONYMOUS"


ANONYMOUS = _Anonymous()


def challenge(auth: Sequence[Any]) -> str | None:
    """The ``WWW-Authenticate`` value for ``auth`` (``Bearer``, ``Basic realm="api"``)."""
    for item in auth:
        scheme = getattr(item, "openapi_scheme", None)
        if scheme == "bearer":
            return "Bearer"
        if scheme == "basic":
            return 'Basic realm="api"'
    return None


def failure_message(auth: Any, request: HttpRequest) -> str | None:
    """What failed when ``auth`` refused a request that carries its kind of credentials
    (``None``: the request has none for it, so it may be anonymous).

    An ``Authorization`` header of the authenticator's scheme, its API key header or query
    parameter, or its cookie; a session cookie is not a credential (an expired session is an
    anonymous request, as in DRF).
    """
    scheme = getattr(auth, "openapi_scheme", None)
    if isinstance(scheme, str) and getattr(auth, "openapi_type", None) == "http":
        value = request.headers.get(getattr(auth, "header", "Authorization"), "")
        if value.split(" ", 1)[0].lower() != scheme.lower():
            return None
        return "Invalid username/password." if scheme == "basic" else "Invalid token."
    name = getattr(auth, "param_name", None)
    if isinstance(auth, APIKeyHeader) and request.headers.get(str(name)):
        return "Invalid API key."
    if isinstance(auth, APIKeyQuery) and request.GET.get(str(name)):
        return "Invalid API key."
    if isinstance(auth, APIKeyCookie) and name != settings.SESSION_COOKIE_NAME:
        return "Invalid API key." if request.COOKIES.get(str(name)) else None
    return None


def carries_cookie_credentials(auth: Sequence[Any], request: HttpRequest) -> bool:
    """Whether ``request`` has the cookie of one of ``auth``'s cookie authenticators (or
    ``auth`` has none: nothing to decide)."""
    cookies = [item for item in auth if isinstance(item, APIKeyCookie)]
    return not cookies or any(request.COOKIES.get(str(item.param_name)) for item in cookies)


class Unauthenticated:
    """The last authenticator: accepts the request as :data:`ANONYMOUS`."""

    is_async = True

    def __init__(self, real: Sequence[Any]) -> None:
        self.real = list(real)
        self.challenge = challenge(real)

    async def __call__(self, request: HttpRequest) -> Any:
        forced = getattr(request, "_viewset_forced_auth", None)  # ninja_viewsets.testing
        if forced is not None:
            return forced
        state = cast(ViewSetRequest, request)
        state._viewset_challenge = self.challenge
        for auth in self.real:
            message = failure_message(auth, request)
            if message is not None:  # presented and refused: a 401, never anonymous
                state._viewset_auth_failed = message
                break
        return ANONYMOUS


def anonymous_as_none(request: HttpRequest) -> None:
    """After Ninja's authentication: an anonymous request's ``auth`` is ``None``."""
    if getattr(request, "auth", None) is ANONYMOUS:
        state = cast(ViewSetRequest, request)
        state.auth = None
        state._viewset_anonymous = True


def effective_auth(auth: Any, default: Any) -> Any:
    """``auth``, or ``default`` (``NINJA_VIEWSETS["DEFAULT_AUTHENTICATION"]``: Ninja auth
    objects or classes, which are instantiated) when it is not set."""
    if auth is not NOT_SET:
        return auth
    if default is None:
        return NOT_SET
    items = default if isinstance(default, list | tuple) else [default]
    return [item() if isinstance(item, type) else item for item in items]


def with_fallback(auth: Any) -> Any:
    """``auth`` as Ninja expects it, with :class:`Unauthenticated` appended."""
    if auth is NOT_SET or auth is None:
        return auth
    real = list(auth) if isinstance(auth, list | tuple) else [auth]
    return [*real, Unauthenticated(real)]
