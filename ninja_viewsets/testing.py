"""Test clients for viewsets: Ninja's test clients plus ``force_authenticate``.

    from ninja_viewsets.testing import APIClient, AsyncAPIClient

    def test_list(db, user):
        client = APIClient(router)            # a NinjaAPI or a Router; paths without prefix
        client.force_authenticate(user)
        assert client.get("/books/").status_code == 200

    async def test_create(user):
        client = AsyncAPIClient(api)
        client.force_authenticate(user, token="abc")   # request.user and request.auth
        response = await client.post("/books/", json={"title": "Dune"})

``APIClient`` is synchronous and works for async viewsets too (it drives the coroutine, and the
ORM work runs on the test's thread, inside its transaction). These clients call the operations
directly, without middleware; use Django's ``Client``/``AsyncClient`` to test middleware,
sessions and CSRF.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.testing import TestAsyncClient, TestClient
from ninja.testing.client import NinjaResponse

__all__ = ["APIClient", "AsyncAPIClient"]

_UNSET: Any = object()


class _ForceAuthMixin:
    _forced_user: Any = None
    _forced_token: Any = None

    def force_authenticate(self, user: Any = None, token: Any = None) -> None:
        """Authenticate every following request as ``user`` (and ``request.auth = token``).

        Bypasses the viewset's ``auth`` classes, as DRF's ``force_authenticate`` does.
        ``force_authenticate(None)`` goes back to anonymous requests.
        """
        self._forced_user = user
        self._forced_token = token

    def _build_request(
        self, method: str, path: str, data: dict[str, Any], request_params: Any
    ) -> HttpRequest:
        explicit_user = request_params.get("user", _UNSET)
        request: Any = super()._build_request(  # type: ignore[misc]
            method, path, data, request_params
        )
        user = explicit_user if explicit_user is not _UNSET else self._forced_user
        request.user = user if user is not None else AnonymousUser()
        request.auth = self._forced_token
        if self._forced_user is not None or self._forced_token is not None:
            request._viewset_forced_auth = self._forced_token or request.user

        async def auser() -> Any:
            return request.user

        request.auser = auser
        return request  # type: ignore[no-any-return]


class APIClient(_ForceAuthMixin, TestClient):
    """Synchronous test client; works for sync and async viewsets alike."""

    def _call(self, func: Callable[..., Any], request: HttpRequest, kwargs: dict[str, Any]) -> Any:
        if inspect.iscoroutinefunction(func):
            response = async_to_sync(func)(request, **kwargs)
            return NinjaResponse(response)
        return super()._call(func, request, kwargs)


class AsyncAPIClient(_ForceAuthMixin, TestAsyncClient):
    """Asynchronous test client (``await client.get(...)``)."""

    async def _call(
        self, func: Callable[..., Any], request: HttpRequest, kwargs: dict[str, Any]
    ) -> Any:
        if not inspect.iscoroutinefunction(func):
            from asgiref.sync import sync_to_async

            return NinjaResponse(await sync_to_async(func)(request, **kwargs))
        return await super()._call(func, request, kwargs)
