"""Serving under load: an admission queue in front of the ASGI application.

    # config/asgi.py
    from django.core.asgi import get_asgi_application
    from ninja_viewsets.asgi import AdmissionQueue

    application = AdmissionQueue(get_asgi_application(), limit=8)

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
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

__all__ = ["AdmissionQueue"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


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
