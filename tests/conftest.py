"""Shared fixtures: an HTTP client that goes through Django's full ASGI request path, users,
and a counter of the thread hops (``sync_to_async``) requests take."""

from __future__ import annotations

import json as jsonlib
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from functools import partial
from typing import Any

import pytest
from asgiref.sync import SyncToAsync, async_to_sync
from django.test import AsyncClient

# docs/testing.md's fixture: the async tests' connection is closed before the database is dropped
from docs.src.testing_conftest import close_async_connections  # noqa: F401

# django-ninja 1.5 refuses to build the URLs of one NinjaAPI twice (URLconf + test client)
os.environ.setdefault("NINJA_SKIP_REGISTRY", "1")


def _streamed(raw: Any) -> bytes:
    """A streamed body (a CSV / JSON Lines export), read whole."""

    async def read() -> bytes:
        return b"".join([chunk async for chunk in raw.streaming_content])

    return async_to_sync(read)()


class Response:
    """What a test reads back: status, headers, JSON body."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.status_code: int = raw.status_code
        self.headers = raw.headers
        self.content: bytes = _streamed(raw) if raw.streaming else raw.content

    def json(self) -> Any:
        return jsonlib.loads(self.content)

    def __repr__(self) -> str:
        return f"<Response {self.status_code} {self.content[:300]!r}>"


class Client:
    """``django.test.AsyncClient`` driven from sync tests.

    Requests run through Django's ASGI handler, middleware and URL resolution; the async ORM
    work lands on the test's own thread, so the test transaction sees (and rolls back) it.
    """

    def __init__(self, **defaults: Any) -> None:
        self._client = AsyncClient(**defaults)

    def force_login(self, user: Any) -> None:
        async_to_sync(self._client.aforce_login)(user)

    def request(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Response:
        call = getattr(self._client, method.lower(), None)
        if call is None:  # any other method (PROPFIND, ...)
            generic = partial(self._client.generic, method.upper())

            async def call(path: str, **kw: Any) -> Any:
                return await generic(path, **kw)

        if json is not None:
            kwargs["data"] = jsonlib.dumps(json)
            kwargs.setdefault("content_type", "application/json")
        elif method.lower() in ("put", "patch", "delete", "post") and "data" in kwargs:
            kwargs.setdefault("content_type", "application/json")
        return Response(async_to_sync(call)(path, **kwargs))

    def get(self, path: str, **kw: Any) -> Response:
        return self.request("get", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> Response:
        return self.request("post", path, json=json, **kw)

    def put(self, path: str, json: Any = None, **kw: Any) -> Response:
        return self.request("put", path, json=json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> Response:
        return self.request("patch", path, json=json, **kw)

    def delete(self, path: str, **kw: Any) -> Response:
        return self.request("delete", path, **kw)

    def head(self, path: str, **kw: Any) -> Response:
        return self.request("head", path, **kw)

    def options(self, path: str, **kw: Any) -> Response:
        return self.request("options", path, **kw)


@pytest.fixture
def client(db: None) -> Client:
    return Client()


@pytest.fixture
def user(db: None) -> Any:
    from django.contrib.auth.models import User

    return User.objects.create_user("alice", password="pw")


@pytest.fixture
def admin(db: None) -> Any:
    from django.contrib.auth.models import User

    return User.objects.create_user("root", password="pw", is_staff=True)


@pytest.fixture
def count_hops(monkeypatch: pytest.MonkeyPatch) -> Callable[[], AbstractContextManager[list[int]]]:
    """The ``sync_to_async`` thread hops of the requests inside ``with count_hops() as n``
    (``n[0]`` once the block is left)."""
    calls = [0]
    original = SyncToAsync.__call__

    async def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(SyncToAsync, "__call__", counting)

    @contextmanager
    def counter() -> Iterator[list[int]]:
        start = calls[0]
        box = [0]
        yield box
        box[0] = calls[0] - start

    return counter
