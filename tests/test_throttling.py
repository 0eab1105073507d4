"""Async throttles: limits, Retry-After, scopes, per action, order, thread hops per cache, and
across 2 workers."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid

import pytest
from django.core.cache import BaseCache, cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.urls import path
from ninja import NinjaAPI

from ninja_viewsets import DefaultRouter, ViewSet, action
from ninja_viewsets.permissions import IsAuthenticated
from ninja_viewsets.throttling import (
    AnonRateThrottle,
    ScopedRateThrottle,
    UserRateThrottle,
)
from tests.servers import server_env, uvicorn


class ThreePerMinute(UserRateThrottle):
    rate = "3/m"


class OnePerMinute(UserRateThrottle):
    rate = "1/m"


class Things(ViewSet):
    throttle_classes = [ThreePerMinute]

    async def list(self, request) -> list[int]:
        return [1]

    @action(detail=False, throttle_classes=[OnePerMinute])
    async def rare(self, request) -> list[int]:
        return [2]

    @action(detail=False, throttle_classes=[])
    async def free(self, request) -> list[int]:
        return [3]


class Anon(ViewSet):
    throttle_classes = [AnonRateThrottle]

    async def list(self, request) -> list[int]:
        return [1]


class Scoped(ViewSet):
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "uploads"

    async def list(self, request) -> list[int]:
        return [1]

    @action(detail=False, throttle_scope=None)
    async def unscoped(self, request) -> list[int]:
        return [1]


class Private(ViewSet):
    permission_classes = [IsAuthenticated]
    throttle_classes = [ThreePerMinute]

    async def list(self, request) -> list[int]:
        return [1]


router = DefaultRouter()
router.register("things", Things, basename="things")
router.register("anon", Anon, basename="anon")
router.register("scoped", Scoped, basename="scoped")
router.register("private", Private, basename="private")
api = NinjaAPI(urls_namespace="throttling")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
pytestmark = pytest.mark.urls(__name__)


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.NINJA_DEFAULT_THROTTLE_RATES = {"anon": "2/m", "uploads": "2/m"}
    cache.clear()
    yield
    cache.clear()


def test_limit_then_429_with_retry_after(client):
    for _ in range(3):
        assert client.get("/api/things/").status_code == 200
    r = client.get("/api/things/")
    assert r.status_code == 429
    retry = int(r.headers["Retry-After"])
    assert 1 <= retry <= 60
    assert r.json()["detail"] == (
        f"Request was throttled. Expected available in {retry} second"
        + ("s." if retry != 1 else ".")
    )


def test_per_action_throttles_replace_the_viewsets(client):
    assert client.get("/api/things/rare/").status_code == 200
    assert client.get("/api/things/rare/").status_code == 429
    for _ in range(5):
        assert client.get("/api/things/free/").status_code == 200


def test_users_are_counted_separately_and_session_users_work(client, user, admin):
    client.force_login(user)
    for _ in range(3):
        assert client.get("/api/things/").status_code == 200
    assert client.get("/api/things/").status_code == 429
    client.force_login(admin)
    assert client.get("/api/things/").status_code == 200


def test_anon_throttle_skips_authenticated_requests(client, user):
    assert client.get("/api/anon/").status_code == 200
    assert client.get("/api/anon/").status_code == 200
    assert client.get("/api/anon/").status_code == 429
    client.force_login(user)
    for _ in range(4):
        assert client.get("/api/anon/").status_code == 200


def test_scoped_rates_from_settings_and_no_scope_no_limit(client):
    assert client.get("/api/scoped/").status_code == 200
    assert client.get("/api/scoped/").status_code == 200
    assert client.get("/api/scoped/").status_code == 429
    for _ in range(4):
        assert client.get("/api/scoped/unscoped/").status_code == 200


def test_denied_requests_are_not_counted(client, user):
    for _ in range(5):
        assert client.get("/api/private/").status_code == 401
    client.force_login(user)
    for _ in range(3):
        assert client.get("/api/private/").status_code == 200


def test_missing_scope_rate_names_the_fix(settings, client, caplog):
    settings.NINJA_DEFAULT_THROTTLE_RATES = {}
    from django.core.exceptions import ImproperlyConfigured

    assert client.get("/api/scoped/").status_code == 500  # logged with the fix
    errors = [r.exc_info[1] for r in caplog.records if r.exc_info]
    assert any(
        isinstance(e, ImproperlyConfigured) and "NINJA_DEFAULT_THROTTLE_RATES" in str(e)
        for e in errors
    )


# -- thread hops: none for an in-process cache, the cache's async API for any other ---------


class Configured(LocMemCache):
    """A LocMemCache that only configures: still Django's own in-process operations."""

    pickle_protocol = 4


class Audited(LocMemCache):
    """A LocMemCache whose ``add`` the library cannot vouch for (it could write through)."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return super().add(key, value, timeout, version)


class Elsewhere(BaseCache):
    """A cache in another process, as the throttle sees it: LocMemCache's storage behind
    ``BaseCache``'s async methods (a thread hop per call), and no LocMemCache."""

    def __init__(self, location, params):
        super().__init__(params)
        self._store = LocMemCache(location, {})

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._store.add(key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._store.get(key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._store.set(key, value, timeout, version)

    def delete(self, key, version=None):
        return self._store.delete(key, version)

    def incr(self, key, delta=1, version=None):
        return self._store.incr(key, delta, version)

    def clear(self):
        self._store.clear()


def _hops(count_hops, client, url: str) -> tuple[int, int]:
    with count_hops() as n:
        status = client.get(url).status_code
    return status, n[0]


def _use_cache(settings, backend: str | None, tmp_path) -> None:
    if backend is not None:
        location = str(tmp_path) if "filebased" in backend else uuid.uuid4().hex
        settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": location}}


@pytest.mark.parametrize(
    ("backend", "statuses"),
    [
        (None, [200, 200, 200, 429]),  # the default cache: LocMemCache
        ("tests.test_throttling.Configured", [200, 200, 200, 429]),
        ("django.core.cache.backends.dummy.DummyCache", [200, 200, 200, 200]),  # keeps nothing
    ],
)
def test_an_in_process_cache_costs_no_thread_hop(
    settings, tmp_path, client, count_hops, backend, statuses
):
    """Admitted (the ticket made, then taken) or refused (every slot read), a throttled request
    hops as often as an answer without throttles: the cache is called on the event loop."""
    _use_cache(settings, backend, tmp_path)
    _, unthrottled = _hops(count_hops, client, "/api/things/free/")
    # refused before any throttle: Django logs a 4xx answer in a thread of its own
    _, unthrottled_4xx = _hops(count_hops, client, "/api/private/")
    hops = [_hops(count_hops, client, "/api/things/") for _ in range(4)]
    expected = [unthrottled if status == 200 else unthrottled_4xx for status in statuses]
    assert hops == list(zip(statuses, expected, strict=True))


@pytest.mark.parametrize(
    "backend",
    [
        "tests.test_throttling.Elsewhere",
        "tests.test_throttling.Audited",
        "django.core.cache.backends.filebased.FileBasedCache",
    ],
)
def test_any_other_cache_is_called_through_its_async_api(
    settings, tmp_path, client, count_hops, backend
):
    """A cache that may wait (another process, a file, an override we cannot vouch for) stays
    off the event loop: each call hops; the throttle is as exact."""
    _use_cache(settings, backend, tmp_path)
    _, unthrottled = _hops(count_hops, client, "/api/things/free/")
    hops = [_hops(count_hops, client, "/api/things/") for _ in range(4)]
    assert [status for status, _ in hops] == [200, 200, 200, 429]
    assert all(n >= unthrottled + 2 for _, n in hops), (unthrottled, hops)


# -- across processes: 2 uvicorn workers sharing Redis -------------------------------------


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.e2e
def test_limit_holds_in_total_across_two_uvicorn_workers():
    pytest.importorskip("redis", reason="the redis client is not installed (the dev extra has it)")
    if not _redis_up():
        pytest.fail("Redis is not reachable on 127.0.0.1:6379 (the multi-worker test needs it).")
    import httpx

    limit = 10
    env = server_env(THROTTLE_KEY_PREFIX=f"nvtest-{uuid.uuid4().hex}", THROTTLE_RATE=f"{limit}/m")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with uvicorn("tests.throttle_server:application", env, workers=2) as base:
        url = f"{base}/api/ping/"
        seen: set[str] = set()  # both workers up (an unthrottled path), before any burst
        deadline = time.monotonic() + 30
        while len(seen) < 2 and time.monotonic() < deadline:
            with httpx.Client(limits=httpx.Limits(max_keepalive_connections=0)) as probe:
                for _ in range(8):
                    seen.add(probe.get(f"{base}/api/").headers.get("X-Worker-Pid", ""))
            seen.discard("")
            if len(seen) < 2:
                time.sleep(0.2)
        if time.time() % 60 > 40:  # keep the bursts inside one fixed window
            time.sleep(61 - time.time() % 60)

        async def burst() -> list[httpx.Response]:
            limits = httpx.Limits(max_keepalive_connections=0)
            async with httpx.AsyncClient(limits=limits, timeout=10) as http:
                return await asyncio.gather(*(http.get(url) for _ in range(4 * limit)))

        responses: list[httpx.Response] = []
        for _ in range(8):  # a burst lands on both workers; later bursts stay in the window
            responses += asyncio.run(burst())
            if len({r.headers["X-Worker-Pid"] for r in responses}) == 2:
                break
            time.sleep(0.5)  # the second worker may still be starting: uvicorn's own supervisor
    codes = [r.status_code for r in responses]
    assert codes.count(200) == limit, codes
    assert codes.count(429) == len(codes) - limit, codes
    assert all("Retry-After" in r.headers for r in responses if r.status_code == 429)
    pids = {r.headers["X-Worker-Pid"] for r in responses}
    assert len(pids) == 2, f"only one worker answered: {pids}"
