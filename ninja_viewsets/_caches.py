"""The cache calls of throttles and idempotency records, with no thread hop where none is needed.

    store = AsyncCache(caches["default"])
    if await store.add("key", 1, ttl=60):
        ...

Every Django cache has async methods, but a backend without its own (LocMemCache, DummyCache,
FileBasedCache, DatabaseCache, memcached) inherits ``BaseCache``'s: the sync method run through
``sync_to_async``, one thread hop per call. For a cache that lives in this process and never
waits, the hop costs far more than the call: LocMemCache is a dict behind a lock held for
microseconds, DummyCache keeps nothing. :class:`AsyncCache` calls their sync methods on the event
loop. Every other cache is used through its own async API, as Django gives it: Redis, memcached,
a database or a file may wait on I/O, which must stay off the loop.

The rule, decided once per cache class: an instance of ``LocMemCache`` or ``DummyCache`` whose
class keeps Django's own code for every operation used here (``add``, ``get``, ``get_many``,
``set``, ``delete``, ``incr``) and their async twins. A subclass that only configures (its own
``__init__``, ``pickle_protocol``; a ``KEY_FUNCTION``, which only builds a string) keeps the fast
path. A subclass that
overrides one of them is used like any other cache, through its async API: calling the override
on the loop would be correct (it is what ``BaseCache.aadd`` runs, in a thread), but only safe if
it never blocks (a write-through to a database, a log line sent over a socket would stall every
request of the worker), and that cannot be known from here; an overridden async twin is what its
author asked to be called.
"""

from __future__ import annotations

from typing import Any

import django
from asgiref.sync import sync_to_async
from django.core.cache import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache

__all__ = ["AsyncCache"]

# Django 6 made BaseCache.aincr defer to the backend's atomic incr()
_NATIVE_ATOMIC_AINCR = django.VERSION >= (6, 0)

_IN_PROCESS = (LocMemCache, DummyCache)
_OPERATIONS = ("add", "get", "get_many", "set", "delete", "incr")


class AsyncCache:
    """The async operations the library needs, over one Django cache.

    ``in_process`` says whether the sync methods are called on the event loop (see the module
    docstring for the rule); otherwise the cache's own async methods are awaited.
    """

    __slots__ = ("cache", "in_process")

    def __init__(self, cache: BaseCache) -> None:
        self.cache = cache
        self.in_process = _in_process(type(cache))

    def __repr__(self) -> str:
        return f"<AsyncCache {type(self.cache).__name__} in_process={self.in_process}>"

    async def add(self, key: str, value: Any, *, ttl: float | None) -> bool:
        """Store ``value`` unless ``key`` exists (atomic); ``ttl`` is the cache's timeout."""
        if self.in_process:
            return bool(self.cache.add(key, value, timeout=ttl))
        return bool(await self.cache.aadd(key, value, timeout=ttl))

    async def get(self, key: str) -> Any:
        if self.in_process:
            return self.cache.get(key)
        return await self.cache.aget(key)

    async def get_many(self, keys: list[str]) -> dict[str, Any]:
        if self.in_process:
            return self.cache.get_many(keys)
        # (BaseCache.aget_many awaits aget per key: one hop each on a cache without its own)
        return await self.cache.aget_many(keys)

    async def set(self, key: str, value: Any, *, ttl: float | None) -> None:
        if self.in_process:
            self.cache.set(key, value, timeout=ttl)
        else:
            await self.cache.aset(key, value, timeout=ttl)

    async def delete(self, key: str) -> None:
        if self.in_process:
            self.cache.delete(key)
        else:
            await self.cache.adelete(key)

    async def incr(self, key: str) -> int:
        """Atomic where the backend's ``incr`` is (Redis INCR, LocMemCache under its lock).

        Django < 6's ``BaseCache.aincr`` is a racy get + set in async code: there the backend's
        own ``incr`` runs in a thread. Raises ``ValueError`` when the key does not exist.
        """
        cache = self.cache
        if self.in_process:
            return int(cache.incr(key))
        racy = type(cache).aincr is BaseCache.aincr and type(cache).incr is not BaseCache.incr
        if racy and not _NATIVE_ATOMIC_AINCR:
            return int(await sync_to_async(cache.incr, thread_sensitive=False)(key))
        return int(await cache.aincr(key))


_decided: dict[type, bool] = {}


def _in_process(cls: type) -> bool:
    """Whether ``cls`` runs only Django's own in-process code for the operations used here
    (decided once per class)."""
    decided = _decided.get(cls)
    if decided is None:
        base = next((b for b in _IN_PROCESS if issubclass(cls, b)), None)
        names = _OPERATIONS + tuple(f"a{name}" for name in _OPERATIONS)
        decided = _decided[cls] = base is not None and all(
            getattr(cls, name) is getattr(base, name) for name in names
        )
    return decided
