"""A tiny ASGI project for the multi-worker throttle test: Redis cache, no database.

Run by tests/test_throttling.py as ``uvicorn tests.throttle_server:application --workers 2``.
"""

import os
import time

from django.conf import settings

if not settings.configured:
    settings.configure(
        SECRET_KEY="throttle-test",
        DEBUG=False,
        ALLOWED_HOSTS=["127.0.0.1"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "ninja"],
        MIDDLEWARE=["tests.throttle_server.worker_pid"],
        DATABASES={},
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
                "KEY_PREFIX": os.environ["THROTTLE_KEY_PREFIX"],
                # generous: on a loaded test machine a 1 s timeout fails open now and then
                "OPTIONS": {"socket_timeout": 5, "socket_connect_timeout": 5},
            }
        },
        NINJA_DEFAULT_THROTTLE_RATES={"anon": os.environ.get("THROTTLE_RATE", "10/m")},
    )

import django

django.setup()

from asgiref.sync import markcoroutinefunction  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402
from django.urls import path  # noqa: E402
from ninja import NinjaAPI  # noqa: E402

from ninja_viewsets import DefaultRouter, ViewSet  # noqa: E402
from ninja_viewsets.throttling import AnonRateThrottle  # noqa: E402


def worker_pid(get_response):  # type: ignore[no-untyped-def]
    """Tags every response with the worker's PID, so the test sees both workers answer."""

    async def middleware(request):  # type: ignore[no-untyped-def]
        response = await get_response(request)
        response["X-Worker-Pid"] = str(os.getpid())
        return response

    markcoroutinefunction(middleware)
    return middleware


worker_pid.async_capable = True  # type: ignore[attr-defined]
worker_pid.sync_capable = False  # type: ignore[attr-defined]


class PingViewSet(ViewSet):
    throttle_classes = [AnonRateThrottle]

    async def list(self, request) -> dict[str, float]:
        return {"pid": os.getpid(), "t": time.time()}  # t: when the throttle admitted it


router = DefaultRouter()
router.register("ping", PingViewSet, basename="ping")
api = NinjaAPI(urls_namespace="throttle-server")
api.add_router("/", router)
urlpatterns = [path("api/", api.urls)]
application = get_asgi_application()
