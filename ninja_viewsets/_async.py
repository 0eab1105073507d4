"""The one place where user code written sync is adapted to the async code path."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.db import transaction

__all__ = ["RequestTransaction", "aatomic", "acall", "awaitable_or_result", "is_async"]


def is_async(func: Callable[..., Any]) -> bool:
    """Whether calling ``func`` gives a coroutine (a bound method: its function's answer)."""
    target = getattr(func, "__func__", func)
    try:
        return _is_async(target) or (target is not func and _is_async(func))
    except TypeError:  # unhashable: asked each time
        return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(target)


@lru_cache(maxsize=4096)
def _is_async(func: Callable[..., Any]) -> bool:
    # per function, once: inspect unwraps partials and reads code flags on every call (an
    # action, a hook, a permission... is asked about on every request)
    return inspect.iscoroutinefunction(func)


async def acall(func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Await ``func(*args, **kwargs)``; a sync ``func`` runs in Django's ORM thread; an async
    generator function's generator is returned as is (a streaming action).

    Sync user code (a ``def`` action, hook or permission) may use the sync ORM, so it runs off
    the event loop through ``sync_to_async`` (thread-sensitive, like Django's own views).
    """
    if is_async(func):
        return await func(*args, **kwargs)
    if _is_async_generator(getattr(func, "__func__", func)):  # a stream: not awaited
        return func(*args, **kwargs)
    result = await sync_to_async(func)(*args, **kwargs)
    if inspect.isawaitable(result):  # a sync function returning a coroutine
        result = await result
    return result


def _is_async_generator(func: Callable[..., Any]) -> bool:
    try:
        return _async_generator(func)
    except TypeError:  # unhashable
        return inspect.isasyncgenfunction(func)


@lru_cache(maxsize=4096)
def _async_generator(func: Callable[..., Any]) -> bool:
    return inspect.isasyncgenfunction(func)


def awaitable_or_result(func: Callable[..., Awaitable[Any]], /, *args: Any, **kwargs: Any) -> Any:
    """``func(...)`` to await on the event loop; from sync code (a ``def`` action or hook, in the
    ORM thread, where nothing can be awaited) its result, computed on the request's event loop
    as ``async_to_sync(func)(...)`` does: DRF's ``self.get_object()`` and
    ``super().perform_create(data)`` work in both."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no event loop in this thread: sync code
        return async_to_sync(func)(*args, **kwargs)
    return func(*args, **kwargs)


@asynccontextmanager
async def aatomic(using: str | None = None) -> AsyncIterator[None]:
    """``transaction.atomic()`` around async ORM calls of one request.

    The async ORM runs every query of a request in the same thread (Django's ASGI handler gives
    each request one thread-sensitive context), so entering and leaving ``atomic`` in that
    thread makes the queries in between one transaction: all or nothing. A request cancelled
    while it enters (the client went away) still leaves the block, in that thread.
    """
    atomic = transaction.atomic(using=using)
    entered = False

    def enter() -> None:
        nonlocal entered
        atomic.__enter__()
        entered = True

    def leave(exc: BaseException | None) -> None:
        if entered:  # (in the thread, after enter(): its calls run in order)
            atomic.__exit__(type(exc) if exc else None, exc, exc.__traceback__ if exc else None)

    try:
        await sync_to_async(enter)()
    except BaseException as exc:  # cancelled: enter() may still run, or have run
        await sync_to_async(leave)(exc)
        raise
    try:
        yield
    except BaseException as exc:
        await sync_to_async(leave)(exc)
        raise
    else:
        await sync_to_async(leave)(None)


class RequestTransaction:
    """The transaction of one write request, begun lazily and ended with its response.

    The viewset opens it before the action and ends it after rendering: committed when the
    response is a success, rolled back on a 4xx/5xx or an exception. It begins with the first
    write: the library's own hooks begin it in the same thread hop as their statement
    (:meth:`run`); user code (an overridden action or hook) gets it begun before it runs
    (:meth:`begin`). A request that never writes never begins it, and costs no hop.

    Every step runs in Django's thread-sensitive ORM thread, the one the async ORM uses for the
    whole request, so the queries in between belong to the transaction.

    The library's own actions end it in the hop of their write (:meth:`run_now`,
    :meth:`to_end_now`): the write, the rendering of the response and the commit, one hop.
    """

    __slots__ = ("_atomic", "_submitted", "using")

    def __init__(self, using: str | None) -> None:
        self.using = using
        self._atomic: Any = None
        self._submitted = False  # a begin was handed to the ORM thread (it may still run)

    @property
    def begun(self) -> bool:
        return self._atomic is not None

    def _begin(self) -> None:
        if self._atomic is None:
            atomic = transaction.atomic(using=self.using)
            atomic.__enter__()
            self._atomic = atomic

    async def begin(self) -> None:
        """Begin now (before user code that may write through the async ORM)."""
        if self._atomic is None:
            self._submitted = True
            await sync_to_async(self._begin)()

    async def run(self, func: Callable[..., Any], /, *args: Any) -> Any:
        """``func(*args)`` (sync ORM code) in the ORM thread, the transaction begun first, in
        the same hop: one thread hop per write, as the async ORM's own ``acreate`` takes."""

        def call() -> Any:
            self._begin()
            return func(*args)

        self._submitted = True
        return await sync_to_async(call)()

    async def run_now(self, func: Callable[..., Any], /, *args: Any) -> Any:
        """``func(*args)`` (sync: the library's write, then its response) in one hop, the
        transaction left to ``func``: a lone statement needs none (atomic by itself: see
        ``RequestPlan.lone_write``), anything else ends it there with :meth:`to_end_now` (the
        write, the response and the COMMIT, one hop). User code keeps :meth:`begin` /
        :meth:`end`, its transaction semantics unchanged."""
        return await sync_to_async(func)(*args)

    def to_end_now(self, func: Callable[..., Any], /, *args: Any) -> Any:
        """``func(*args)`` (sync: the request's last write, then its response; in the ORM
        thread) and the end of the transaction: committed when ``func`` returns a response
        that is not an error, rolled back on a 4xx/5xx or an exception. :meth:`end` has
        nothing left to do."""
        self._begin()
        atomic, self._atomic = self._atomic, None
        self._submitted = False  # ended here: nothing left for end()
        try:
            result = func(*args)
        except BaseException as exc:
            atomic.__exit__(type(exc), exc, exc.__traceback__)
            raise
        if getattr(result, "status_code", 200) >= 400:
            transaction.set_rollback(True, using=self.using)
        atomic.__exit__(None, None, None)
        return result

    async def end(self, exc: BaseException | None = None, *, rollback: bool = False) -> None:
        """Commit, or roll back on ``exc`` or ``rollback`` (a response that is an error).

        Read in the ORM thread: a begin that a cancelled request (the client went away) left
        running there has begun the transaction by then, and is ended too."""
        if self._atomic is None and not self._submitted:
            return  # never begun: no hop
        self._submitted = False

        def finish() -> None:
            atomic, self._atomic = self._atomic, None
            if atomic is None:
                return
            if exc is not None:
                atomic.__exit__(type(exc), exc, exc.__traceback__)
                return
            if rollback:
                transaction.set_rollback(True, using=self.using)
            atomic.__exit__(None, None, None)

        await sync_to_async(finish)()
