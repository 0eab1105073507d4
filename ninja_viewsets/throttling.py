"""Async rate throttles: correct across processes, never blocking the event loop.

    class BookViewSet(ModelViewSet):
        throttle_classes = [AnonRateThrottle, UserRateThrottle]

    class Burst(UserRateThrottle):
        rate = "3/m"

    @action(detail=True, methods=["post"], throttle_classes=[Burst])
    async def review(self, request, pk: int, payload: ReviewIn) -> ReviewOut: ...

    NINJA_DEFAULT_THROTTLE_RATES = {"anon": "100/h", "user": "1000/h", "uploads": "10/m"}
    NINJA_VIEWSETS = {"DEFAULT_THROTTLE_CLASSES": ["ninja_viewsets.throttling.AnonRateThrottle"]}

Counting uses the Django cache's async API with atomic ``add`` + ``incr`` on a fixed window
(``{key}:{window number}``), so with a shared cache (Redis) a limit of N per period holds in
total across every worker and process. Throttles run after permissions: denied requests are not
counted. A throttled request answers 429 with ``Retry-After``.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

import django
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle as NinjaSimpleRateThrottle

from ninja_viewsets._ninja import default_throttle_rates
from ninja_viewsets.exceptions import APIException

if TYPE_CHECKING:
    from ninja_viewsets.viewsets import ViewSetMixin

__all__ = [
    "AnonRateThrottle",
    "BaseThrottle",
    "ScopedRateThrottle",
    "SimpleRateThrottle",
    "Throttled",
    "UserRateThrottle",
]

# Django 6 made BaseCache.aincr defer to the backend's atomic incr()
_NATIVE_ATOMIC_AINCR = django.VERSION >= (6, 0)

_NINJA_DEFAULT_RATES = default_throttle_rates()


class Throttled(APIException):
    status_code = 429
    default_code = "throttled"

    def __init__(self, wait: float | None = None) -> None:
        if wait is None:
            super().__init__("Request was throttled.")
            return
        seconds = max(1, math.ceil(wait))
        unit = "second" if seconds == 1 else "seconds"
        super().__init__(
            f"Request was throttled. Expected available in {seconds} {unit}.",
            headers={"Retry-After": str(seconds)},
        )


class BaseThrottle:
    """Override ``async allow_request(request, view)``; ``wait()`` gives the seconds to wait."""

    async def allow_request(self, request: HttpRequest, view: ViewSetMixin) -> bool:
        raise NotImplementedError(".allow_request() must be overridden")

    def wait(self) -> float | None:
        return None


class SimpleRateThrottle(BaseThrottle, NinjaSimpleRateThrottle):
    """A rate (``"10/m"``) per cache key; override ``get_cache_key(request, view)``.

    ``rate`` or ``scope`` (looked up in ``NINJA_DEFAULT_THROTTLE_RATES``) sets the limit;
    ``cache_alias`` picks the Django cache (use a shared one, e.g. Redis, with several workers).
    """

    rate: str | None = None
    cache_alias: str = "default"

    def __init__(self, rate: str | None = None) -> None:
        rate = rate or self.rate
        super().__init__(rate)
        self._wait: float | None = None

    def get_rate(self) -> str | None:
        if not getattr(self, "scope", None):
            raise ImproperlyConfigured(
                f"You must set either `.scope` or `.rate` for '{type(self).__name__}' throttle."
            )
        rates = {
            **_NINJA_DEFAULT_RATES,
            **getattr(django_settings, "NINJA_DEFAULT_THROTTLE_RATES", {}),
        }
        if self.scope not in rates:
            raise ImproperlyConfigured(
                f"No throttle rate set for the '{self.scope}' scope: add it to "
                f"NINJA_DEFAULT_THROTTLE_RATES, e.g. {{'{self.scope}': '100/h'}}."
            )
        return rates[self.scope]  # type: ignore[no-any-return]

    def get_cache(self) -> BaseCache:
        return caches[self.cache_alias]

    def get_cache_key(  # type: ignore[override]
        self, request: HttpRequest, view: ViewSetMixin
    ) -> str | None:
        raise NotImplementedError(".get_cache_key() must be overridden")

    async def allow_request(  # type: ignore[override]
        self, request: HttpRequest, view: ViewSetMixin
    ) -> bool:
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = time.time()
        window = int(now // self.duration)
        window_key = f"{key}:{window}"
        cache = self.get_cache()
        timeout = self.duration + 1
        if await cache.aadd(window_key, 1, timeout=timeout):
            count = 1
        else:
            try:
                count = await _atomic_incr(cache, window_key)
            except ValueError:  # expired between add and incr: a new window starts
                await cache.aadd(window_key, 1, timeout=timeout)
                count = 1
        if count > self.num_requests:
            self._wait = (window + 1) * self.duration - now
            return False
        self._wait = None
        return True

    def wait(self) -> float | None:
        return self._wait


async def _atomic_incr(cache: BaseCache, key: str) -> int:
    """``cache.aincr`` where it is atomic; Django < 6 falls back to a racy get + set in async
    code, so the backend's own (atomic: Redis INCR, locked locmem) ``incr`` runs in a thread."""
    racy = type(cache).aincr is BaseCache.aincr and type(cache).incr is not BaseCache.incr
    if racy and not _NATIVE_ATOMIC_AINCR:
        return int(await sync_to_async(cache.incr, thread_sensitive=False)(key))
    return int(await cache.aincr(key))


def _is_authenticated(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(getattr(request, "auth", None)) or bool(user is not None and user.is_authenticated)


class AnonRateThrottle(SimpleRateThrottle):
    """Limits anonymous requests by IP; authenticated ones (session or auth) pass."""

    scope = "anon"

    def get_cache_key(  # type: ignore[override]
        self, request: HttpRequest, view: ViewSetMixin
    ) -> str | None:
        if _is_authenticated(request):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserRateThrottle(SimpleRateThrottle):
    """Limits each user (by pk); anonymous requests by IP."""

    scope = "user"

    def get_cache_key(  # type: ignore[override]
        self, request: HttpRequest, view: ViewSetMixin
    ) -> str | None:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = str(user.pk)
        else:
            ident = str(self.get_ident(request))
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ScopedRateThrottle(SimpleRateThrottle):
    """Limits by the viewset's (or action's) ``throttle_scope``; no scope, no limit."""

    scope_attr = "throttle_scope"

    def __init__(self, rate: str | None = None) -> None:
        # the rate depends on the view: resolved in allow_request
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate) if rate else (None, None)
        self._wait = None

    async def allow_request(  # type: ignore[override]
        self, request: HttpRequest, view: ViewSetMixin
    ) -> bool:
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return await super().allow_request(request, view)

    def get_cache_key(  # type: ignore[override]
        self, request: HttpRequest, view: ViewSetMixin
    ) -> str | None:
        user: Any = getattr(request, "user", None)
        ident = (
            str(user.pk) if user is not None and user.is_authenticated else self.get_ident(request)
        )
        return self.cache_format % {"scope": self.scope, "ident": ident}
