"""ninja_viewsets._async: the one place sync user code is adapted, and atomic blocks."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async

from ninja_viewsets._async import RequestTransaction, aatomic, acall, is_async
from tests.testapp.models import Author


class Host:
    async def coro(self, x: int) -> int:
        return x + 1

    def sync(self, x: int) -> int:
        return x * 2


def test_is_async_sees_functions_and_bound_methods():
    host = Host()
    assert is_async(host.coro) and is_async(Host.coro)
    assert not is_async(host.sync)


async def test_acall_awaits_coroutines_on_the_loop_thread():
    loop_thread = threading.get_ident()

    async def where() -> int:
        return threading.get_ident()

    assert await acall(where) == loop_thread
    assert await acall(Host().coro, 1) == 2


async def test_acall_runs_sync_code_off_the_event_loop():
    loop_thread = threading.get_ident()
    assert await acall(threading.get_ident) != loop_thread
    assert await acall(Host().sync, 3) == 6


async def test_a_sync_function_returning_a_coroutine_is_awaited():
    async def later() -> str:
        return "done"

    def returns_coroutine():
        return later()

    assert await acall(returns_coroutine) == "done"


async def test_an_async_generator_is_returned_unawaited():
    async def stream():
        yield 1
        yield 2

    gen = await acall(stream)
    assert [item async for item in gen] == [1, 2]


def test_aatomic_commits_on_success(db):
    async def write() -> None:
        async with aatomic():
            await Author.objects.acreate(name="kept")

    async_to_sync(write)()  # the ORM work runs on the test's thread: its transaction
    assert Author.objects.filter(name="kept").exists()


def test_aatomic_rolls_back_on_an_exception(db):
    async def write() -> None:
        async with aatomic():
            await Author.objects.acreate(name="gone")
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError, match="refused"):
        async_to_sync(write)()
    assert not Author.objects.filter(name="gone").exists()


def test_aatomic_rolls_back_on_cancellation(db):
    async def write() -> None:
        async with aatomic():
            await Author.objects.acreate(name="cancelled")
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        async_to_sync(write)()
    assert not Author.objects.filter(name="cancelled").exists()


def _cancelled_while_entering(
    monkeypatch: pytest.MonkeyPatch,
    start: Callable[[], Awaitable[Any]],
    after: Callable[[BaseException], Awaitable[Any]] | None = None,
) -> int:
    """Savepoints left open on the ORM thread after ``start()`` was cancelled while its
    ``atomic().__enter__()`` ran there (a client going away while the connection was being
    set up: the thread goes on, the request sees ``CancelledError`` at once), once the thread
    has run everything; ``after(exc)``: the cleanup the request then awaits (before the
    enter has finished)."""
    from django.db import connection, transaction

    entering, release = threading.Event(), threading.Event()
    real = transaction.atomic

    class SlowAtomic:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.inner = real(*args, **kwargs)

        def __enter__(self) -> None:
            entering.set()
            assert release.wait(10)
            self.inner.__enter__()

        def __exit__(self, *exc: Any) -> None:
            self.inner.__exit__(*exc)

    monkeypatch.setattr("ninja_viewsets._async.transaction.atomic", SlowAtomic)

    async def scenario() -> int:
        depth = await sync_to_async(lambda: len(connection.savepoint_ids))()
        started = asyncio.ensure_future(start())
        assert await asyncio.to_thread(entering.wait, 10)
        started.cancel()
        cleanup = None
        if after is not None:
            with pytest.raises(asyncio.CancelledError):
                await started  # at once: the enter still runs in the thread
            cleanup = asyncio.ensure_future(after(asyncio.CancelledError()))
        await asyncio.sleep(0.05)
        release.set()
        if cleanup is not None:
            await cleanup
        else:
            with pytest.raises(asyncio.CancelledError):
                await started
        return await sync_to_async(lambda: len(connection.savepoint_ids))() - depth

    return async_to_sync(scenario)()


def test_aatomic_cancelled_while_it_enters_still_leaves_the_block(db, monkeypatch):
    """Found by the load test: the thread's connection stayed in ``atomic`` (a kept request
    thread then refused every later request)."""

    async def enter() -> None:
        async with aatomic():
            await asyncio.sleep(3600)

    assert _cancelled_while_entering(monkeypatch, enter) == 0


def test_a_request_transaction_cancelled_while_it_begins_is_still_ended(db, monkeypatch):
    """``end()`` reads the transaction in the ORM thread, after the ``begin()`` running there."""
    transaction = RequestTransaction(None)
    assert _cancelled_while_entering(monkeypatch, transaction.begin, transaction.end) == 0
    assert not transaction.begun
