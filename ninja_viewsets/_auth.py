"""Private: the viewset's Ninja ``auth`` plus a last resort that lets us answer the 401.

Ninja answers a failed authentication itself, with no ``WWW-Authenticate`` header and before
the viewset runs. The router appends :class:`Unauthenticated` to the viewset's auth list: when
every real authenticator failed it marks the request, and the viewset then raises
``NotAuthenticated`` with the challenge of the first authenticator that has a scheme. OpenAPI
still documents only the real authenticators (this one has no security scheme).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from ninja_viewsets._ninja import NOT_SET

__all__ = ["ANONYMOUS", "Unauthenticated", "challenge", "with_fallback"]


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


class Unauthenticated:
    """The last authenticator: accepts the request as :data:`ANONYMOUS`."""

    is_async = True

    def __init__(self, real: Sequence[Any]) -> None:
        self.challenge = challenge(real)

    async def __call__(self, request: HttpRequest) -> Any:
        forced = getattr(request, "_viewset_forced_auth", None)  # ninja_viewsets.testing
        if forced is not None:
            return forced
        request._viewset_challenge = self.challenge  # type: ignore[attr-defined]
        return ANONYMOUS


def with_fallback(auth: Any) -> Any:
    """``auth`` as Ninja expects it, with :class:`Unauthenticated` appended."""
    if auth is NOT_SET or auth is None:
        return auth
    real = list(auth) if isinstance(auth, list | tuple) else [auth]
    return [*real, Unauthenticated(real)]
