"""Async rate throttles: exact across processes, never blocking the event loop.

    class BookViewSet(ModelViewSet):
        throttle_classes = [AnonRateThrottle, UserRateThrottle]

    class Burst(UserRateThrottle):
        rate = "3/m"

    @action(detail=True, methods=["post"], throttle_classes=[Burst])
    async def review(self, request, pk: int, payload: ReviewIn) -> ReviewOut: ...

    NINJA_DEFAULT_THROTTLE_RATES = {"anon": "100/h", "user": "1000/h", "uploads": "10/m"}
    NINJA_VIEWSETS = {"DEFAULT_THROTTLE_CLASSES": ["ninja_viewsets.throttling.AnonRateThrottle"]}

A rate of N per period means what it says: never more than N admitted requests in any period
(a sliding window), counted in total across every worker and host that shares the cache.

- Redis (``django.core.cache.backends.redis.RedisCache``): one atomic Lua script keeps a log
  of the admitted requests' times (a sorted set; Redis's clock, so hosts need not agree on the
  time); exact, one round trip, over redis-py's asyncio client (no thread).
- Any other Django cache: N slots, each a key that lives for the period; a request is
  admitted when it creates a free slot with the atomic ``add`` (a ticket from ``incr`` picks
  the slot to try). Never more than N per period. Up to ``SLOT_SCAN_LIMIT`` (100) slots, a
  taken ticket slot makes the throttle read all N and take any free one: exact. For larger
  rates only the ticket's slot is tried (constant cost): a request may then be refused while
  fewer than N were admitted, but only when more than N were attempted in the period.
  LocMemCache and DummyCache are called on the event loop, without a thread hop (``_caches``).

When the cache is down, throttles fail open (the request passes, a warning is logged at most
every 10 s) or, with ``NINJA_VIEWSETS["THROTTLE_FAIL_OPEN"] = False``, closed (429). They are
exact again as soon as the cache answers. Throttles run after permissions: denied requests are
not counted. A throttled request answers 429 with ``Retry-After``.

Clients are identified by ``client_ip(request)``: ``REMOTE_ADDR``, or the address the trusted
proxies appended to ``X-Forwarded-For`` when ``NINJA_NUM_PROXIES`` is set (never an address the
client wrote itself).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import math
import time
import uuid
import weakref
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle as NinjaSimpleRateThrottle

from ninja_viewsets._caches import AsyncCache
from ninja_viewsets._ninja import default_throttle_rates
from ninja_viewsets.conf import get_setting
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
    "client_ip",
]

logger = logging.getLogger("ninja_viewsets")

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
        rate: str | None = rates[self.scope]
        return rate

    def get_cache(self) -> BaseCache:
        return caches[self.cache_alias]

    def get_cache_key(  # type: ignore[override]
        self, request: HttpRequest, view: ViewSetMixin
    ) -> str | None:
        raise NotImplementedError(".get_cache_key() must be overridden")

    def get_ident(self, request: HttpRequest) -> str:
        """The client's address (see :func:`client_ip`)."""
        return client_ip(request)

    async def allow_request(  # type: ignore[override]
        self, request: HttpRequest, view: ViewSetMixin
    ) -> bool:
        if self.rate is None or self.num_requests is None or self.duration is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        cache = self.get_cache()
        try:
            if _is_redis(cache):
                wait = await _redis_allow(cache, key, self.num_requests, self.duration)
            else:
                wait = await _slots_allow(cache, key, self.num_requests, self.duration)
        except Exception as exc:  # the cache is down: the request must not become a 500
            fail_open = bool(get_setting("THROTTLE_FAIL_OPEN"))
            _warn_cache_down(type(self).__name__, fail_open, exc)
            self._wait = None if fail_open else 1.0
            return fail_open
        self._wait = wait
        return wait is None

    def wait(self) -> float | None:
        return self._wait


# -- client identity --------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's IP address, trusting ``X-Forwarded-For`` only as far as the proxies.

    ``NINJA_NUM_PROXIES`` (Ninja's setting) is how many proxies in front of the app append
    to ``X-Forwarded-For``; the client's address is the one the outermost of them appended
    (the N-th from the right). Unset or 0: ``REMOTE_ADDR``, and the header is ignored: a
    client could write any address into it and get a fresh throttle with each. A value
    that is not an IP address falls back to ``REMOTE_ADDR``.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    proxies = getattr(django_settings, "NINJA_NUM_PROXIES", None) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote
    addrs = [a.strip() for a in str(forwarded).split(",") if a.strip()]
    if not addrs:
        return remote
    candidate = addrs[-min(proxies, len(addrs))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


# -- storage: Redis (sliding log, one Lua script) and any other cache (slots) ----------------

# KEYS[1] the log; ARGV: period (microseconds), limit, a unique member. Returns the wait in
# microseconds, 0 when admitted. Redis's own clock: hosts need not agree on the time.
_SLIDING_LOG = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local period = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], math.ceil(period / 1000))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + period - now)
"""

_redis_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, Any]] = (
    weakref.WeakKeyDictionary()
)


def _is_redis(cache: BaseCache) -> bool:
    from django.core.cache.backends.redis import RedisCache

    return isinstance(cache, RedisCache)


def _redis_script(cache: BaseCache) -> Any:
    """The Lua script bound to an asyncio client of the cache's primary server (one client
    per event loop and server, made on first use; redis-py reconnects by itself)."""
    import redis.asyncio

    server = cache._servers[0]  # type: ignore[attr-defined]  # the primary: writes go there
    clients = _redis_clients.setdefault(asyncio.get_running_loop(), {})
    script = clients.get(server)
    if script is None:
        options = getattr(cache, "_options", {}) or {}
        client = redis.asyncio.Redis.from_url(
            server,
            socket_connect_timeout=options.get("socket_connect_timeout", 1),
            socket_timeout=options.get("socket_timeout", 1),
        )
        script = clients[server] = client.register_script(_SLIDING_LOG)
    return script


async def _redis_allow(cache: BaseCache, key: str, limit: int, duration: int) -> float | None:
    script = _redis_script(cache)
    period = duration * 1_000_000
    wait = int(await script(keys=[cache.make_key(key)], args=[period, limit, uuid.uuid4().hex]))
    return wait / 1_000_000 if wait else None


# Up to this many slots, a taken ticket slot makes the throttle read all of them (exact both
# ways); past it, only the ticket's slot is tried (never over the rate; see the module doc).
SLOT_SCAN_LIMIT = 100


async def _slots_allow(cache: BaseCache, key: str, limit: int, duration: int) -> float | None:
    """Admit by creating one of ``limit`` keys that each live ``duration`` seconds."""
    now = time.time()
    # memcached counts expiry in whole seconds: a key could go up to 1 s early
    timeout = duration + (1 if "memcached" in type(cache).__module__ else 0)
    store = AsyncCache(cache)  # LocMemCache: no thread hop
    ticket_key = f"{key}:ticket"
    ticket = 0
    if not await store.add(ticket_key, 0, ttl=10 * duration):
        try:
            ticket = await store.incr(ticket_key)
        except ValueError:  # expired in between: start over
            ticket = 0
    first = f"{key}:{ticket % limit}"
    if await store.add(first, now, ttl=timeout):
        return None
    if limit > SLOT_SCAN_LIMIT:
        held = await store.get(first)
        taken = {first: held} if held is not None else {}
    else:
        slots = [f"{key}:{i}" for i in range(limit)]
        taken = await store.get_many(slots)
        for slot in slots:
            if slot not in taken and await store.add(slot, now, ttl=timeout):
                return None
    if not taken:  # every slot expired meanwhile but others took them: try again soon
        return 1.0
    return max(0.001, min(float(t) for t in taken.values()) + timeout - now)


_last_warning = [0.0]


def _warn_cache_down(throttle: str, fail_open: bool, exc: Exception) -> None:
    """A warning at most every 10 s per process: under load the log stays readable."""
    now = time.monotonic()
    if now - _last_warning[0] < 10:
        return
    _last_warning[0] = now
    outcome = "let through (THROTTLE_FAIL_OPEN)" if fail_open else "refused (429)"
    logger.warning(
        "%s: the throttle cache is unavailable, requests are %s until it answers: %s: %s",
        throttle,
        outcome,
        type(exc).__name__,
        exc,
    )


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
