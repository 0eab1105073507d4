"""Async throttles: limits, Retry-After, scopes, per action, order, and across 2 workers."""

from __future__ import annotations

import asyncio
import socket
import time
import uuid

import pytest
from django.core.cache import cache
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
        if time.time() % 60 > 50:  # keep the burst inside one fixed window
            time.sleep(61 - time.time() % 60)

        async def burst() -> list[httpx.Response]:
            limits = httpx.Limits(max_keepalive_connections=0)
            async with httpx.AsyncClient(limits=limits, timeout=10) as http:
                return await asyncio.gather(*(http.get(url) for _ in range(4 * limit)))

        responses: list[httpx.Response] = []
        for _ in range(3):  # a burst lands on both workers; later bursts stay in the window
            responses += asyncio.run(burst())
            if len({r.headers["X-Worker-Pid"] for r in responses}) == 2:
                break
    codes = [r.status_code for r in responses]
    assert codes.count(200) == limit, codes
    assert codes.count(429) == len(codes) - limit, codes
    assert all("Retry-After" in r.headers for r in responses if r.status_code == 429)
    pids = {r.headers["X-Worker-Pid"] for r in responses}
    assert len(pids) == 2, f"only one worker answered: {pids}"
