"""The one place where user code written sync is adapted to the async code path."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from asgiref.sync import sync_to_async

__all__ = ["acall", "is_async"]


def is_async(func: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(
        getattr(func, "__func__", None)
    )


async def acall(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Await ``func(*args, **kwargs)``; a sync ``func`` runs in Django's ORM thread.

    Sync user code (a ``def`` action, hook or permission) may use the sync ORM, so it runs off
    the event loop through ``sync_to_async`` (thread-sensitive, like Django's own views).
    """
    if is_async(func):
        return await func(*args, **kwargs)
    result = await sync_to_async(func)(*args, **kwargs)
    if inspect.isawaitable(result):  # a sync function returning a coroutine
        result = await result
    return result
