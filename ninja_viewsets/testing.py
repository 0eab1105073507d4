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

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.datastructures import MultiValueDict

from ninja_viewsets._ninja import AsyncClientBase, SyncClientBase
from ninja_viewsets._uploads import MULTIPART

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

    def _request_params(self, request_params: dict[str, Any]) -> dict[str, Any]:
        """The request attributes (Ninja's test clients set each ``request_params`` item on
        the request): ``user`` (a real ``AnonymousUser`` rather than Ninja's ``Mock``), ``auth``
        and the forced credentials ``ninja_viewsets`` auth honours."""
        params = dict(request_params)
        files = params.get("FILES")
        if files:  # data= and FILES= are a form, as a browser sends it
            if not isinstance(files, MultiValueDict):
                params["FILES"] = MultiValueDict(
                    {k: v if isinstance(v, list) else [v] for k, v in files.items()}
                )
            params.setdefault("content_type", MULTIPART)
        user = params.get("user", _UNSET)
        if user is _UNSET:
            user = self._forced_user
        params["user"] = user if user is not None else AnonymousUser()
        params.setdefault("auth", self._forced_token)
        if self._forced_user is not None or self._forced_token is not None:
            params["_viewset_forced_auth"] = self._forced_token or params["user"]
        return params


class APIClient(_ForceAuthMixin, SyncClientBase):
    """Synchronous test client; works for sync and async viewsets alike."""

    def request(
        self,
        method: str,
        path: str,
        data: dict[str, Any] | None = None,
        json: Any = None,
        **request_params: Any,
    ) -> Any:
        return super().request(method, path, data, json, **self._request_params(request_params))


class AsyncAPIClient(_ForceAuthMixin, AsyncClientBase):
    """Asynchronous test client (``await client.get(...)``)."""

    async def request(  # type: ignore[override]
        self,
        method: str,
        path: str,
        data: dict[str, Any] | None = None,
        json: Any = None,
        **request_params: Any,
    ) -> Any:
        params = self._request_params(request_params)
        return await super().request(method, path, data, json, **params)
