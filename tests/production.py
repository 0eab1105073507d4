"""Helpers of the production tests (pool, faults, several hosts, idempotency under uvicorn):
a private PostgreSQL database on DATABASE_URL's server, settings modules written for a child
process, and Django commands run in one."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.servers import ROOT, server_env


def postgres_url() -> str:
    """DATABASE_URL when it is PostgreSQL; else the test is skipped (it needs PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip(
            "needs PostgreSQL: set DATABASE_URL=postgres://... (runs in make test's 2nd pass)"
        )
    return url


@contextmanager
def private_database(url: str, prefix: str = "nv_prod") -> Iterator[str]:
    """A database of its own on ``url``'s server, dropped afterwards (never the shared one)."""
    import psycopg
    from psycopg import sql

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    base, _, _ = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def settings_env(tmp: Path, source: str, **extra: str) -> dict[str, str]:
    """The environment of a child process whose settings module is ``source`` (in ``tmp``)."""
    module = f"prod_settings_{uuid.uuid4().hex[:8]}"
    (tmp / f"{module}.py").write_text(source)
    env = server_env(DJANGO_SETTINGS_MODULE=module, **extra)
    env["PYTHONPATH"] += os.pathsep + str(tmp)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 120) -> str:
    """``django-admin <args>`` in a child process with ``env``; its stdout. A failure fails
    the test with the child's stderr (its traceback) and stdout in the message."""
    done = subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.fail(
            f"`python -m django {' '.join(args)}` (DJANGO_SETTINGS_MODULE="
            f"{env.get('DJANGO_SETTINGS_MODULE')}) exited {done.returncode}\n"
            f"--- stderr ---\n{done.stderr.rstrip()}\n--- stdout ---\n{done.stdout.rstrip()}",
            pytrace=False,
        )
    return done.stdout


class PrivateRedis:
    """A throwaway redis-server on a free 127.0.0.1 port (never the machine's), stopped by PID;
    ``stop()`` then ``start()`` again is an outage on the same address."""

    def __init__(self) -> None:
        import shutil

        from tests.servers import free_port

        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("needs redis-server (apt-get install redis-server)")
        self.binary = binary
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import socket
        import time

        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("redis-server did not start")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None


def worker_pids(master: int) -> list[int]:
    """The uvicorn workers of a ``--workers N`` master (its child processes), by /proc."""
    found: list[int] = []
    for task in Path(f"/proc/{master}/task").iterdir():
        for pid in (task / "children").read_text().split():
            try:  # not multiprocessing's resource tracker: a worker runs spawn_main
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if b"spawn_main" in cmdline:
                found.append(int(pid))
    return found


@contextmanager
def uvicorn_proc(
    app: str, env: dict[str, str], *, workers: int = 1, ready_path: str = "/api/"
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """:func:`tests.servers.uvicorn` that also yields the master process (to kill workers)."""
    import signal
    import time

    import httpx

    from tests.servers import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--no-access-log", "--log-level", "warning",
         "--timeout-keep-alive", "120", "--timeout-graceful-shutdown", "5"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + ready_path, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"uvicorn {app} did not start")
                time.sleep(0.2)
        yield url, proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def most_admitted_in_a_period(intervals: list[tuple[float, float]], period: float) -> int:
    """The most admitted requests provably inside one ``period``: each admitted request is
    known by (sent, received), and its admission lies in between; a request counts for the
    window that starts at a send time only if its whole interval fits in that window. Sound
    on a loaded machine (never more than the truth); a fixed window's 2N burst at a boundary
    shows at once."""
    intervals = sorted(intervals)
    best = 0
    for start, _ in intervals:
        best = max(best, sum(1 for s, r in intervals if s >= start and r < start + period))
    return best
