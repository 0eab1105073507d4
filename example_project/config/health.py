"""``GET /healthz``: the load balancer's health check; touches the database and the cache.

200 ``{"database": "ok", "cache": "ok"}`` when both answer, else 503 naming what failed (and
``Retry-After``), so a host whose PostgreSQL or Redis is unreachable leaves the rotation.
Cheap: one ``SELECT 1`` and one cache round trip; no authentication, no throttle.
"""

from __future__ import annotations

import logging

from asgiref.sync import sync_to_async
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse

logger = logging.getLogger("ninja_viewsets")


def _select_one() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def healthz(request: HttpRequest) -> JsonResponse:
    status = {}
    try:
        await sync_to_async(_select_one)()  # the request's own thread: its pooled connection
        status["database"] = "ok"
    except Exception as exc:
        logger.warning("health check: database: %s", exc)
        status["database"] = f"unavailable: {type(exc).__name__}"
    try:
        await cache.aset("healthz", 1, timeout=5)
        if await cache.aget("healthz") != 1:
            raise RuntimeError("the value written was not read back")
        status["cache"] = "ok"
    except Exception as exc:
        logger.warning("health check: cache: %s", exc)
        status["cache"] = f"unavailable: {type(exc).__name__}"
    healthy = all(v == "ok" for v in status.values())
    response = JsonResponse(status, status=200 if healthy else 503)
    if not healthy:
        response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response
