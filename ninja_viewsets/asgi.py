"""Serving under load: an admission queue and kept request threads around Django's ASGI app.

    # config/asgi.py
    from django.core.asgi import get_asgi_application
    from ninja_viewsets.asgi import AdmissionQueue, RequestThreads

    application = AdmissionQueue(RequestThreads(get_asgi_application()), limit=8)

``RequestThreads`` gives each request a thread kept from earlier requests for Django's
thread-sensitive work, where Django's handler starts (and joins) new threads per request.

An asyncio worker starts every request the moment it arrives. Past what its cores can serve,
that makes every request in flight share the CPU with every other: each waits its turn at each
of its thread hops, the requests that arrived first are not the first to finish, and the slowest
answers (p99) stretch to several times the median. The queue runs at most ``limit`` requests at
once per worker process and starts the others in arrival order as slots free, so a request waits
once, at the door, and then runs at full speed: the same throughput (or better: less
interleaving), a tail close to the median. Nothing is refused: queueing is not shedding
(uvicorn's ``--limit-concurrency`` answers 503 instead).

A request takes its slot once its body has arrived (a slow upload holds none) and gives it back
when its response starts (a streamed export or server-sent events hold none while they stream),
or when the application ends without answering. Lifespan and WebSocket traffic pass through.
Keep ``limit`` at or below the worker's database pool (``max_size``) so a running request never
waits for a connection. See docs/deployment.md.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext
from django.core.signals import request_finished
from django.db import connections

__all__ = ["AdmissionQueue", "RequestThreads"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# asgiref >= 3.13: ThreadSensitiveContext(executor=...) runs a block's calls on that executor
_EXECUTOR_CONTEXTS = "executor" in inspect.signature(ThreadSensitiveContext).parameters


class AdmissionQueue:
    """At most ``limit`` HTTP requests of this process run at once; the others wait, first come
    first served (``limit=0``: no queue, every request starts at once)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        if limit < 0:
            raise ValueError(f"AdmissionQueue(limit={limit}): use a limit >= 1, or 0 for none")
        self.app = app
        self.limit = limit
        self._slots: asyncio.Semaphore | None = None  # made in the serving event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.limit == 0:
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limit)
        slots = self._slots
        held = False

        async def admit() -> None:
            nonlocal held
            if not held:
                await slots.acquire()
                held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                slots.release()

        async def queued_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request" and not message.get("more_body", False):
                await admit()  # the whole body is here: the request waits for its turn now
            return message

        async def releasing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                release()  # the answer is decided: its body may stream without a slot
            await send(message)

        try:
            await self.app(scope, queued_receive, releasing_send)
        finally:
            release()


_worker = threading.local()  # in a _RequestThread's worker: .executor, that _RequestThread


class _RequestThread(ThreadPoolExecutor):
    """One worker thread (``max_workers=1``) that knows whether it is still busy, and whether
    its last request left a database connection inside a transaction."""

    _made = itertools.count(1)

    def __init__(self) -> None:
        super().__init__(
            max_workers=1,
            thread_name_prefix=f"request-thread-{next(self._made)}",
            initializer=self._started,
        )
        self._last: Future[Any] | None = None
        self.tainted = False

    def _started(self) -> None:
        _worker.executor = self

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = self._last = super().submit(fn, *args, **kwargs)
        return future

    def reusable(self) -> bool:
        """Nothing it was given runs or waits (its one worker runs them in order), and its
        connections are out of any transaction."""
        last = self._last
        if last is not None and not last.done():
            return False
        self._last = None  # (its result: nothing to keep alive while the thread waits)
        return not self.tainted


def _check_connections(**kwargs: Any) -> None:
    """``request_finished`` (sent in the request's thread, after Django closed what it closes):
    a kept thread whose connection is still inside ``atomic`` is never used again. Django
    refuses that connection for good ("Cannot open a new connection in an atomic block"); a
    request cancelled between a transaction's begin and its end (the client went away) leaves
    one, and Django's own per-request threads simply end with it."""
    executor = getattr(_worker, "executor", None)
    if executor is not None and any(
        conn.in_atomic_block for conn in connections.all(initialized_only=True)
    ):
        executor.tainted = True


class RequestThreads:
    """Each request's thread for Django's sync work, taken from threads kept for the next.

    Django's ASGI handler gives every request a new thread for its thread-sensitive
    ``sync_to_async`` calls (the async ORM's, a sync view's, sync middleware's), and starts
    another when the request ends to join it: two threads started per request, which cost the
    worker more than a simple API view does. This hands each request an idle thread of its own
    instead (asgiref's ``ThreadSensitiveContext(executor=...)``), and keeps it for a later
    request once the request is over. A request still has one thread to itself while it runs,
    as Django expects; a thread still busy when its request ends (a call the client's
    disconnect abandoned) is never reused. At most ``size`` idle threads are kept; keep it at or
    above the requests a worker runs at once (``AdmissionQueue``'s ``limit``).

    Like WSGI servers' threads, a kept thread keeps its database connection between requests
    only where ``CONN_MAX_AGE`` says so (a pooled connection goes back to the pool when each
    request ends). A task a request starts and leaves running must not make thread-sensitive
    ``sync_to_async`` calls after the request has ended (asgiref raises ``RuntimeError``). With
    an asgiref older than 3.13 (no ``executor=``), requests pass through unchanged.
    """

    def __init__(self, app: ASGIApp, size: int = 64) -> None:
        if size < 1:
            raise ValueError(f"RequestThreads(size={size}): keep at least 1 idle thread")
        self.app = app
        self.size = size
        self._idle: list[_RequestThread] = []  # the most recently used last
        request_finished.connect(_check_connections, dispatch_uid="ninja_viewsets.asgi")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _EXECUTOR_CONTEXTS:
            await self.app(scope, receive, send)
            return
        idle = self._idle
        thread = idle.pop() if idle else _RequestThread()
        try:
            async with ThreadSensitiveContext(executor=thread):
                await self.app(scope, receive, send)
        finally:
            if thread.reusable() and len(idle) < self.size:
                idle.append(thread)
            else:  # its worker ends once what it was given has run
                thread.shutdown(wait=False)
