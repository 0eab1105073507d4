"""Production mode: the example's connection pool, sized from the workers, and a request that
cannot get a connection in time answered 503 + Retry-After quickly (real uvicorn, PostgreSQL)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django.urls import path
from ninja import NinjaAPI
from ninja.security import HttpBearer

from config.dburl import pool_options, pool_size
from ninja_viewsets import DefaultRouter, ViewSet
from tests.production import PrivateRedis, manage, postgres_url, private_database, settings_env
from tests.servers import ROOT, server_env, uvicorn


class DownBearer(HttpBearer):
    async def authenticate(self, request, token):
        raise OperationalError("connection failed: sorry, too many clients already")


class Guarded(ViewSet):
    auth = DownBearer()

    async def list(self, request) -> list[int]:
        return [1]


router = DefaultRouter()
router.register("guarded", Guarded, basename="guarded")
api = NinjaAPI(urls_namespace="production")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]


@pytest.mark.urls(__name__)
async def test_database_down_during_authentication_is_503_not_500(settings, async_client, caplog):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "config.middleware.DatabaseUnavailableMiddleware"]
    r = await async_client.get("/api/guarded/", headers={"Authorization": "Bearer x"})
    assert r.status_code == 503
    assert r.json()["detail"] == "The database is unavailable; try again later."
    assert r.headers["Retry-After"] == "5"
    assert "too many clients" in caplog.text


def test_pool_size_keeps_workers_times_size_under_max_connections():
    assert pool_size(workers=4) == 20  # (100 - 10) // 4 = 22, capped at 20
    assert pool_size(workers=8) == 11
    assert pool_size(workers=4, max_connections=50) == 10
    assert pool_size(workers=1, cap=5) == 5
    for workers in range(1, 90):
        assert workers * pool_size(workers=workers) <= 90


def test_pool_size_refuses_more_workers_than_connections_and_names_the_fix():
    with pytest.raises(ValueError, match="pgbouncer"):
        pool_size(workers=20, max_connections=25, reserved=10)
    with pytest.raises(ValueError, match="at least 1"):
        pool_size(workers=0)


def test_pool_options_from_the_environment():
    env = {"WEB_CONCURRENCY": "4", "DB_POOL_TIMEOUT": "3"}
    options = pool_options(env)
    assert options is not None
    # no "check": Django 5.2 refuses it there (CONN_HEALTH_CHECKS turns the pool's check on)
    assert options == {"min_size": 2, "max_size": 20, "timeout": 3.0, "max_idle": 600}
    assert pool_options({"WEB_CONCURRENCY": "4", "DB_MAX_CONNECTIONS": "30"})["max_size"] == 5
    assert pool_options({"DB_POOL": "0"}) is None


def test_example_settings_use_the_pool_on_postgresql_only():
    code = (
        "from django.conf import settings; "
        "print(__import__('json').dumps(settings.DATABASES, default=str))"
    )

    def databases(**env: str) -> dict:
        env = server_env(DJANGO_SETTINGS_MODULE="config.settings", **env)
        out = subprocess.run([sys.executable, "-c", "import django; django.setup(); " + code],
                             cwd=ROOT / "example_project", env=env, check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
        return json.loads(out)["default"]

    db = databases(DATABASE_URL="postgres://u@127.0.0.1:5432/x", WEB_CONCURRENCY="4")
    assert db["OPTIONS"]["pool"]["max_size"] == 20
    assert db["CONN_MAX_AGE"] == 0  # Django refuses persistent connections with a pool
    assert db["CONN_HEALTH_CHECKS"] is True  # the pool checks a connection before a request
    db = databases(DATABASE_URL="postgres://u@127.0.0.1:5432/x", DB_POOL="0")
    assert "pool" not in db.get("OPTIONS", {})
    assert "pool" not in databases(DATABASE_URL="sqlite:///:memory:").get("OPTIONS", {})


POOL_SETTINGS = """\
from tests.settings import *  # noqa: F403

DATABASES["default"]["OPTIONS"] = {"pool": {"min_size": 1, "max_size": 1, "timeout": 0.5}}
"""


@pytest.mark.e2e
def test_pool_timeout_is_a_quick_503_with_retry_after(tmp_path: Path):
    import httpx

    with private_database(postgres_url()) as db:
        env = settings_env(tmp_path, POOL_SETTINGS, DATABASE_URL=db, TEST_URLCONF="tests.pool_app")
        manage(env, "migrate", "--noinput", "-v0")
        with uvicorn("tests.asgi:application", env, ready_path="/api/tags/") as url:
            slow: list[httpx.Response] = []
            holder = threading.Thread(
                target=lambda: slow.append(httpx.get(f"{url}/api/tags/slow/?seconds=3", timeout=10))
            )
            holder.start()  # holds the pool's only connection for 3 s
            time.sleep(1)
            started = time.monotonic()
            r = httpx.get(f"{url}/api/tags/", timeout=10)
            elapsed = time.monotonic() - started
            assert r.status_code == 503, r.text
            assert r.json()["detail"] == "The database is unavailable; try again later."
            assert int(r.headers["Retry-After"]) > 0
            assert elapsed < 2, elapsed  # the pool's timeout (0.5 s), not a hang
            holder.join(10)
            assert slow[0].status_code == 200, slow[0].text
            assert httpx.get(f"{url}/api/tags/", timeout=10).status_code == 200  # given back


@pytest.mark.urls("config.urls")
async def test_health_check_touches_the_database_and_the_cache(async_client, db, settings):
    r = await async_client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"database": "ok", "cache": "ok"}
    assert r.headers["Cache-Control"] == "no-store"
    dead = PrivateRedis()  # never started: nothing listens
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": dead.url, "OPTIONS": {"socket_connect_timeout": 1}}
    }  # fmt: skip
    r = await async_client.get("/healthz")
    assert r.status_code == 503
    assert r.json()["database"] == "ok"
    assert r.json()["cache"].startswith("unavailable")
    assert r.headers["Retry-After"] == "5"


def test_the_example_asgi_module_loads_the_urlconf_and_freezes_start_up(tmp_path):
    """``config/asgi.py`` loads the URLconf (the API, its viewsets' routes) at import and puts
    what start-up allocated out of the cyclic collector's reach (``gc.freeze()``), so a busy
    worker's full collections do not scan it; requests are served as before."""
    probe = (
        "import gc, sys\n"
        "import config.asgi\n"
        "from django.urls import get_resolver\n"
        "assert 'config.urls' in sys.modules and 'library.api' in sys.modules\n"
        "print(gc.get_freeze_count(), get_resolver().resolve('/api/books/').url_name)\n"
    )
    env = server_env(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT / "example_project", env=env,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    frozen, name = done.stdout.split()
    assert int(frozen) > 10_000, frozen
    assert name == "book-list"
