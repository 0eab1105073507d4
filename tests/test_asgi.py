"""``ninja_viewsets.asgi.AdmissionQueue``: at most ``limit`` requests run at once, first come
first served; a slot is taken when the body has arrived and given back when the response starts.
``RequestThreads``: each request's thread-sensitive work on a thread of its own, kept for later
requests (Django's handler starts new ones per request).

Driven at the ASGI interface (the middleware's own protocol), as uvicorn calls it; the example
project serves through it under ``make serve-prod`` and ``make loadtest``.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.db import connections
from django.urls import path

from ninja_viewsets.asgi import AdmissionQueue, RequestThreads


class Recorder:
    """An ASGI app whose requests each wait for their own event before answering."""

    def __init__(self, stream: bool = False) -> None:
        self.running = 0
        self.most = 0
        self.started: list[str] = []
        self.gates: dict[str, asyncio.Event] = {}
        self.stream = stream

    def gate(self, name: str) -> asyncio.Event:
        return self.gates.setdefault(name, asyncio.Event())

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        while True:  # read the body, as Django's ASGIHandler does first
            message = await receive()
            if not message.get("more_body"):
                break
        name = scope["path"]
        self.running += 1
        self.most = max(self.most, self.running)
        self.started.append(name)
        try:
            if name.startswith("/boom"):
                raise RuntimeError("boom")
            if self.stream:  # the body streams after the start: the slot is given back
                await send({"type": "http.response.start", "status": 200, "headers": []})
                self.running -= 1
                await self.gate(name).wait()
                await send({"type": "http.response.body", "body": b"ok"})
                return
            await self.gate(name).wait()  # the work of the request, before its answer
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
        finally:
            if not self.stream:
                self.running -= 1


def request(app: Any, path: str, chunks: list[bytes] | None = None, delay: float = 0) -> Any:
    chunks = chunks or [b""]
    sent: list[dict[str, Any]] = []
    queue = list(chunks)

    async def receive() -> dict[str, Any]:
        if not queue:
            await asyncio.sleep(3600)  # http.disconnect never comes in these tests
        if delay:
            await asyncio.sleep(delay)
        body = queue.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(queue)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "path": path, "method": "GET", "headers": []}
    task = asyncio.ensure_future(app(scope, receive, send))
    task.sent = sent  # type: ignore[attr-defined]
    return task


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


@pytest.mark.asyncio
async def test_at_most_limit_requests_run_and_the_others_start_in_arrival_order():
    app = Recorder()
    queue = AdmissionQueue(app, limit=2)
    tasks = [request(queue, f"/{i}") for i in range(5)]
    await settle()
    assert app.started == ["/0", "/1"]  # two run, three wait
    app.gate("/1").set()
    await settle()
    assert app.started == ["/0", "/1", "/2"]
    for name in ["/0", "/2", "/3", "/4"]:
        app.gate(name).set()
        await settle()
    await asyncio.gather(*tasks)
    assert app.started == ["/0", "/1", "/2", "/3", "/4"]
    assert app.most == 2
    assert all(t.sent[-1]["body"] == b"ok" for t in tasks)


@pytest.mark.asyncio
async def test_a_slow_upload_holds_no_slot_while_its_body_arrives():
    app = Recorder()
    queue = AdmissionQueue(app, limit=1)
    upload = request(queue, "/upload", chunks=[b"a", b"b", b"c"], delay=0.05)
    quick = request(queue, "/quick")
    await settle()
    assert app.started == ["/quick"]  # admitted while the upload's body is still arriving
    app.gate("/quick").set()
    await quick
    app.gate("/upload").set()
    await upload
    assert app.started == ["/quick", "/upload"]


@pytest.mark.asyncio
async def test_a_streaming_response_gives_its_slot_back_when_it_starts():
    app = Recorder(stream=True)
    queue = AdmissionQueue(app, limit=1)
    stream = request(queue, "/events")
    await settle()
    other = request(queue, "/other")
    await settle()
    assert app.started == ["/events", "/other"]  # the stream still open, the next one runs
    app.gate("/other").set()
    app.gate("/events").set()
    await asyncio.gather(stream, other)


@pytest.mark.asyncio
async def test_an_application_error_gives_the_slot_back():
    app = Recorder()
    queue = AdmissionQueue(app, limit=1)
    failing = request(queue, "/boom")
    waiting = request(queue, "/after")
    await settle()
    with pytest.raises(RuntimeError):
        await failing
    await settle()
    assert app.started == ["/boom", "/after"]
    app.gate("/after").set()
    await waiting


@pytest.mark.asyncio
async def test_a_request_cancelled_while_it_waits_takes_no_slot():
    app = Recorder()
    queue = AdmissionQueue(app, limit=1)
    first = request(queue, "/first")
    gone = request(queue, "/gone")
    last = request(queue, "/last")
    await settle()
    gone.cancel()  # the server cancels the task of a client that went away
    await settle()
    app.gate("/first").set()
    await first
    await settle()
    assert app.started == ["/first", "/last"]
    app.gate("/last").set()
    await last


@pytest.mark.asyncio
async def test_lifespan_and_limit_zero_pass_through():
    seen: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    await AdmissionQueue(app, limit=1)({"type": "lifespan"}, None, None)  # type: ignore[arg-type]
    await AdmissionQueue(app, limit=0)({"type": "http"}, None, None)  # type: ignore[arg-type]
    assert seen == ["lifespan", "http"]
    with pytest.raises(ValueError, match="limit >= 1, or 0"):
        AdmissionQueue(app, limit=-1)


@pytest.mark.urls("docs.src.quickstart")
async def test_the_documented_application_serves_concurrent_requests_through_the_queue():
    """docs/deployment.md's ``config/asgi.py``: Django's ASGI handler behind the queue, driven
    by a real HTTP client; twenty requests at once, all answered, eight at a time."""
    import httpx

    from docs.src.deployment_asgi import application

    assert isinstance(application, AdmissionQueue) and application.limit == 8
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answers = await asyncio.gather(
            *(client.get("/api/" if i % 2 else "/api/nowhere/") for i in range(20))
        )  # (no database: the handler's threads would open connections the test cannot close)
    assert [r.status_code for r in answers] == [404, 200] * 10
    assert answers[1].json() == {"books": "http://testserver/api/books/"}


@pytest.mark.parametrize(
    ("module", "cwd", "settings_module"),
    [
        ("config.asgi", "example_project", "config.settings"),
        ("docs.src.deployment_asgi", ".", "tests.settings"),
    ],
)
def test_the_asgi_module_imports_in_a_fresh_process(module, cwd, settings_module):
    """Found by a newcomer: ``uvicorn config.asgi:application`` (``make run``) died with
    ``AppRegistryNotReady``: importing ``ninja_viewsets`` imports models, so it must come after
    ``get_asgi_application()`` (Django's own advice for ASGI modules), as uvicorn imports
    the module in a process where Django is not set up yet."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join([str(root), str(root / "example_project")]),
    }
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", f"import {module}; print(type({module}.application).__name__)"],
        cwd=root / cwd, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "AdmissionQueue"


# -- RequestThreads: each request's sync work on a thread kept for later requests -----------------


def _thread_name(request: Any) -> Any:
    """A sync Django view: the thread its request's sync work runs on."""
    from django.http import JsonResponse

    gate = getattr(_thread_name, "gate", None)
    if gate is not None and request.GET.get("wait"):
        _thread_name.started.release()  # type: ignore[attr-defined]
        assert gate.wait(10)
    return JsonResponse({"thread": threading.current_thread().name})


def _leave_a_transaction_open(request: Any) -> Any:
    """What a request cancelled between a transaction's begin and its end leaves behind."""
    from django.db import transaction
    from django.http import JsonResponse

    transaction.atomic().__enter__()
    return JsonResponse({"thread": threading.current_thread().name})


def _query(request: Any) -> Any:
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"thread": threading.current_thread().name})


urlpatterns = [
    path("thread/", _thread_name),
    path("leak/", _leave_a_transaction_open),
    path("query/", _query),
]


async def django_get(app: Any, query: str = "", route: str = "/thread/") -> dict[str, Any]:
    """GET ``route`` through ``app`` at the ASGI interface (httpx's transport); its JSON."""
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(route, params=httpx.QueryParams(query))
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.urls(__name__)
async def test_requests_one_after_another_run_on_one_kept_thread_where_django_starts_new_ones():
    django_app = ASGIHandler()
    plain = [(await django_get(django_app))["thread"] for _ in range(3)]
    assert len(set(plain)) == 3  # Django: a new thread per request

    threads = RequestThreads(django_app)
    kept = [(await django_get(threads))["thread"] for _ in range(3)]
    assert len(set(kept)) == 1 and kept[0].startswith("request-thread-")
    assert kept[0] != threading.current_thread().name
    assert len(threads._idle) == 1


@pytest.mark.urls(__name__)
async def test_requests_running_at_once_each_have_a_thread_of_their_own(monkeypatch):
    gate = threading.Event()
    monkeypatch.setattr(_thread_name, "gate", gate, raising=False)
    monkeypatch.setattr(_thread_name, "started", threading.Semaphore(0), raising=False)
    threads = RequestThreads(ASGIHandler(), size=2)
    running = [asyncio.ensure_future(django_get(threads, "wait=1")) for _ in range(3)]
    for _ in range(3):  # all three views are in their threads at once
        await asyncio.to_thread(_thread_name.started.acquire, True, 10)  # type: ignore[attr-defined]
    gate.set()
    names = [answer["thread"] for answer in await asyncio.gather(*running)]
    assert len(set(names)) == 3
    assert len(threads._idle) == 2  # size=2: the third thread was let go
    then = [(await django_get(threads))["thread"] for _ in range(2)]
    assert set(then) <= set(names)


async def test_a_thread_still_busy_when_its_request_ends_is_not_used_again():
    """A client that disconnects abandons the sync call its request was waiting for; that
    call still runs in the request's thread, so the next request must get another one."""
    release = threading.Event()
    seen: list[str] = []
    running = asyncio.Event()
    loop = asyncio.get_running_loop()

    def work(block: bool) -> None:
        seen.append(threading.current_thread().name)
        loop.call_soon_threadsafe(running.set)
        if block:
            assert release.wait(10)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await sync_to_async(work)(scope["path"] == "/block")

    threads = RequestThreads(app)
    abandoned = asyncio.ensure_future(threads({"type": "http", "path": "/block"}, None, None))
    await running.wait()
    abandoned.cancel()
    with pytest.raises(asyncio.CancelledError):
        await abandoned
    assert threads._idle == []  # busy: not kept
    await threads({"type": "http", "path": "/next"}, None, None)
    assert seen[1] != seen[0]
    release.set()
    for _ in range(200):  # the abandoned thread ends once its call returns
        if not any(t.name == seen[0] and t.is_alive() for t in threading.enumerate()):
            break
        await asyncio.sleep(0.01)
    assert not any(t.name == seen[0] and t.is_alive() for t in threading.enumerate())


@pytest.mark.urls(__name__)
@pytest.mark.django_db(transaction=True)
# SQLite's in-memory test database: Django never closes its connections (threads' included)
@pytest.mark.filterwarnings("ignore:unclosed database:ResourceWarning")
async def test_a_thread_whose_request_ended_inside_a_transaction_is_not_used_again():
    """Found by the load test: a request cancelled between its transaction's begin and end
    (wrk closing its connections) left the thread's connection in ``atomic``; Django then
    refuses that connection for good, and every later request on the kept thread was a 500
    ("Cannot open a new connection in an atomic block")."""
    threads = RequestThreads(ASGIHandler())
    first = await django_get(threads, route="/query/")
    leaked = await django_get(threads, route="/leak/")
    assert leaked["thread"] == first["thread"]  # kept until then
    after = await django_get(threads, route="/query/")  # 200 (django_get checks)
    assert after["thread"] != leaked["thread"]
    assert [kept.tainted for kept in threads._idle] == [False]
    for kept in threads._idle:  # their connections, garbage here rather than in a later test
        kept.submit(connections.close_all).result()
        kept.shutdown(wait=True)
    for thread in threading.enumerate():
        if thread.name.startswith(leaked["thread"]):
            thread.join(10)
    gc.collect()


async def test_lifespan_and_old_asgiref_pass_through(monkeypatch):
    calls: list[str] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        calls.append(scope["type"])

    threads = RequestThreads(app)
    await threads({"type": "lifespan"}, None, None)
    monkeypatch.setattr("ninja_viewsets.asgi._EXECUTOR_CONTEXTS", False)
    await threads({"type": "http"}, None, None)
    assert calls == ["lifespan", "http"] and threads._idle == []
    with pytest.raises(ValueError, match="at least 1 idle thread"):
        RequestThreads(app, size=0)
