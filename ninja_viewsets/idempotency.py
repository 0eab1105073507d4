"""Safe retries: an ``Idempotency-Key`` header on POST and PATCH, opted into per viewset.

    from ninja_viewsets.idempotency import IdempotencyMixin

    class OrderViewSet(IdempotencyMixin, ModelViewSet):
        queryset = Order.objects.all()
        ...

    CACHES = {
        "default": {...},
        "idempotency": {  # `manage.py createcachetable` creates its table
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "idempotency_keys",
        },
    }

A client that sends ``Idempotency-Key: <unique value>`` may repeat the request (a timeout, a
dropped connection, a crashed worker) and is sure it is carried out once:

- the same key with the same request (method, path, query, body) answers the first response
  again (status, body, headers, plus ``Idempotent-Replayed: true``) and writes nothing;
- the same key with another request is a 422 (``code: idempotency_key_reused``);
- two concurrent requests with one key write once: the second waits for the first and
  answers its response (or 409 with ``Retry-After`` past ``IDEMPOTENCY_WAIT`` seconds).

Keys belong to the caller (the user, else the client's IP): one user's key never replays
another's response. Only answers below 400 are kept, for ``IDEMPOTENCY_TTL`` seconds (24 h);
an error answer keeps nothing (and its writes roll back), so the retry runs again. A response
that is not a plain ``HttpResponse`` (another renderer, streaming) keeps no record either.

Where the record lives decides what survives a crash. With a ``DatabaseCache`` on the database
the viewset writes to, the record is written in the same transaction as the request's writes:
either both are committed or neither, so a worker killed at any moment leaves a retry that
either replays the committed response or runs the request for the first time. With another
shared cache (Redis) the record is kept beside the transaction: concurrent requests are still
serialized, but a crash between the commit and the record lets a retry run again once the
pending claim expires (``IDEMPOTENCY_WAIT`` x 3). Settings in ``NINJA_VIEWSETS``:
``IDEMPOTENCY_CACHE`` (``"idempotency"``), ``IDEMPOTENCY_TTL`` (86400), ``IDEMPOTENCY_WAIT`` (10).
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import BaseCache, caches
from django.core.cache.backends.db import DatabaseCache
from django.http import HttpRequest, HttpResponse, JsonResponse

from ninja_viewsets._async import aatomic
from ninja_viewsets._caches import AsyncCache
from ninja_viewsets.conf import DEFAULTS
from ninja_viewsets.renderers import render
from ninja_viewsets.throttling import client_ip

if TYPE_CHECKING:
    from ninja_viewsets._signature import OperationSpec
    from ninja_viewsets.views import APIView

    _Base = APIView  # the request engine whose run() this mixin wraps
else:
    _Base = object

__all__ = ["IDEMPOTENCY_HEADER", "IdempotencyMixin"]

IDEMPOTENCY_HEADER = "Idempotency-Key"
# hop-by-hop or per-response headers that a replay must not repeat
_NOT_REPLAYED = {"set-cookie", "date", "server", "content-length", "connection", "vary"}


class _Discard(Exception):  # rolls the claim (and the writes) back
    def __init__(self, response: Any) -> None:
        self.response = response


class IdempotencyMixin(_Base):
    """Add before the viewset's base: ``class OrderViewSet(IdempotencyMixin, ModelViewSet)``.

    ``idempotent_methods`` lists the methods that honour the header (POST and PATCH). Override
    ``get_idempotency_cache()`` to keep the records elsewhere.
    """

    idempotent_methods: tuple[str, ...] = ("POST", "PATCH")
    response: HttpResponse | None

    def get_idempotency_cache(self) -> BaseCache:
        return caches[_setting("IDEMPOTENCY_CACHE")]

    async def run(self, request: HttpRequest, spec: OperationSpec, params: dict[str, Any]) -> Any:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None or request.method not in self.idempotent_methods:
            return await super().run(request, spec, params)
        if not (0 < len(key) <= 255 and key.isascii() and key.isprintable()):
            return _error(400, "Idempotency-Key must be 1 to 255 printable ASCII characters.",
                          "invalid_idempotency_key")  # fmt: skip
        cache = self.get_idempotency_cache()
        store = AsyncCache(cache)  # LocMemCache: no thread hop
        record_key = await _record_key(request, key)
        fingerprint = _fingerprint(request)
        wait = float(_setting("IDEMPOTENCY_WAIT"))
        transactional = isinstance(cache, DatabaseCache)
        deadline = time.monotonic() + wait
        while True:
            try:
                async with aatomic():
                    # On a DatabaseCache this INSERT waits for a concurrent request with the
                    # same key to commit (or roll back) and is committed with the writes.
                    pending = {"fp": fingerprint, "state": "pending"}
                    claim_timeout = None if transactional else wait * 3
                    if await store.add(record_key, pending, ttl=claim_timeout):
                        result = await super().run(request, spec, params)
                        response = render(request, result, self.response)
                        if not isinstance(response, HttpResponse):
                            # rendered later by Ninja (another renderer) or streamed: it cannot
                            # be replayed, so no record is kept; the writes stand
                            await store.delete(record_key)
                            return response
                        if response.status_code >= 400:
                            raise _Discard(response)  # the claim (and the writes) roll back
                        await store.set(record_key, _stored(fingerprint, response),
                                        ttl=int(_setting("IDEMPOTENCY_TTL")))  # fmt: skip
                        return response
                    record = await store.get(record_key)
            except _Discard as discard:
                if not transactional:
                    await store.delete(record_key)
                return discard.response
            if record is None and time.monotonic() <= deadline:
                continue  # the first request failed (nothing kept) or expired: run it
            if record is not None and record["fp"] != fingerprint:
                return _error(422, "This Idempotency-Key was already used with another "
                              "request (method, path or body); use a new key.",
                              "idempotency_key_reused")  # fmt: skip
            if record is not None and record["state"] == "done":
                return _replay(record)
            if time.monotonic() > deadline:  # still running elsewhere (another cache: polled)
                detail = "A request with this Idempotency-Key is still in progress; retry later."
                response = _error(409, detail, "idempotency_key_in_progress")
                response["Retry-After"] = "1"
                return response
            await asyncio.sleep(0.05)


def _setting(name: str) -> Any:
    """A plain value of ``NINJA_VIEWSETS`` (a cache alias is no dotted path to import)."""
    return (getattr(settings, "NINJA_VIEWSETS", None) or {}).get(name, DEFAULTS[name])


async def _record_key(request: HttpRequest, key: str) -> str:
    """The caller's identity and the key, hashed (any key is a valid cache key)."""
    auth = getattr(request, "auth", None)
    user: Any = auth if isinstance(auth, AbstractBaseUser) else None
    if user is None and hasattr(request, "auser"):
        user = await request.auser()
    owner = f"user:{user.pk}" if user is not None and user.is_authenticated else None
    owner = owner or f"ip:{client_ip(request)}"
    return "nv-idem:" + hashlib.sha256(f"{owner}\n{key}".encode()).hexdigest()


def _fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def _stored(fingerprint: str, response: HttpResponse) -> dict[str, Any]:
    headers = {k: v for k, v in response.items() if k.lower() not in _NOT_REPLAYED}
    content = response.content
    return {"fp": fingerprint, "state": "done", "status": response.status_code,
            "headers": headers, "content": content}  # fmt: skip


def _replay(record: dict[str, Any]) -> HttpResponse:
    response = HttpResponse(record["content"], status=record["status"])
    for header, value in record["headers"].items():
        response[header] = value
    response["Idempotent-Replayed"] = "true"
    return response


def _error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)
