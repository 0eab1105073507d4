"""ninja_viewsets._async: the one place sync user code is adapted, and atomic blocks."""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync

from ninja_viewsets._async import aatomic, acall, is_async
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
