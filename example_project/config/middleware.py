"""The example's middleware: a database that is unreachable outside a viewset is a 503 too."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from asgiref.sync import markcoroutinefunction
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("ninja_viewsets")


class DatabaseUnavailableMiddleware:
    """503 + ``Retry-After`` when the database fails before the viewset runs.

    A viewset answers 503 itself; but authentication (a bearer token looked up in the
    database) runs in Ninja before it, and with ``DEBUG`` off Ninja hands the exception to
    Django, whose answer would be a 500. Under load this is where the pool's timeout (or
    PostgreSQL's "too many clients") shows first.
    """

    async_capable = True
    sync_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], Awaitable[HttpResponse]]) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request: HttpRequest) -> HttpResponse:
        return await self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable in %s %s: %s", request.method, request.path, exc)
        response = JsonResponse(
            {"detail": "The database is unavailable; try again later.",
             "code": "service_unavailable"},
            status=503,
        )  # fmt: skip
        response["Retry-After"] = "5"
        return response
