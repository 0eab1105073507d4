"""The one place where user code written sync is adapted to the async code path."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from asgiref.sync import sync_to_async
from django.db import transaction

__all__ = ["aatomic", "acall", "is_async"]


def is_async(func: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
        getattr(func, "__func__", None)
    )


async def acall(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Await ``func(*args, **kwargs)``; a sync ``func`` runs in Django's ORM thread; an async
    generator function's generator is returned as is (a streaming action).

    Sync user code (a ``def`` action, hook or permission) may use the sync ORM, so it runs off
    the event loop through ``sync_to_async`` (thread-sensitive, like Django's own views).
    """
    if is_async(func):
        return await func(*args, **kwargs)
    if inspect.isasyncgenfunction(getattr(func, "__func__", func)):  # a stream: not awaited
        return func(*args, **kwargs)
    result = await sync_to_async(func)(*args, **kwargs)
    if inspect.isawaitable(result):  # a sync function returning a coroutine
        result = await result
    return result


@asynccontextmanager
async def aatomic(using: str | None = None) -> AsyncIterator[None]:
    """``transaction.atomic()`` around async ORM calls of one request.

    The async ORM runs every query of a request in the same thread (Django's ASGI handler gives
    each request one thread-sensitive context), so entering and leaving ``atomic`` in that
    thread makes the queries in between one transaction: all or nothing.
    """
    atomic = transaction.atomic(using=using)
    await sync_to_async(atomic.__enter__)()
    try:
        yield
    except BaseException as exc:
        await sync_to_async(atomic.__exit__)(type(exc), exc, exc.__traceback__)
        raise
    else:
        await sync_to_async(atomic.__exit__)(None, None, None)
