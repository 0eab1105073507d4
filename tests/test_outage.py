"""The server keeps serving: client disconnects mid-request, and a database outage (503, no
hang, no 500) that heals without restarting uvicorn. Uses a private PostgreSQL of its own."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port, server_env, uvicorn

pytestmark = pytest.mark.e2e


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _as_postgres(args: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *args], check=True, capture_output=True, text=True, **kw)


class PrivatePostgres:
    """A throwaway PostgreSQL cluster on 127.0.0.1 (never the shared one)."""

    def __init__(self) -> None:
        bin_dir = _pg_bin()
        if bin_dir is None or shutil.which("runuser") is None:
            pytest.fail("PostgreSQL server binaries (postgresql package) are needed")
        self.bin = bin_dir
        self.dir = Path(tempfile.mkdtemp(prefix="nv-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        _as_postgres(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ]
        )

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        _as_postgres(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                opts,
                "-w",
                "-t",
                "30",
                "-l",
                str(self.dir / "log"),
                "start",
            ]
        )

    def stop(self) -> None:
        _as_postgres(
            [str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
        )

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.fixture
def server() -> Iterator[tuple[str, PrivatePostgres]]:
    pg = PrivatePostgres()
    try:
        pg.start()
        env = server_env(
            DJANGO_SETTINGS_MODULE="tests.settings",
            DATABASE_URL=pg.url,
            TEST_URLCONF="tests.outage_app",
        )
        subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput", "-v0"],
                       cwd=ROOT, env=env, check=True, capture_output=True)  # fmt: skip
        with uvicorn("tests.asgi:application", env) as url:
            yield url, pg
    finally:
        pg.remove()


def test_database_outage_is_503_and_heals(server):
    import httpx

    url, pg = server
    with httpx.Client(base_url=url, timeout=10) as http:
        assert http.post("/api/tags/", json={"name": "before"}).status_code == 201
        assert http.get("/api/tags/").status_code == 200
        pg.stop()
        for _ in range(20):  # bounded: every request answers, quickly, with a clear 503
            started = time.monotonic()
            for method, path, body in (
                ("GET", "/api/tags/", None),
                ("GET", "/api/tags/1/", None),
                ("POST", "/api/tags/", {"name": "during"}),
            ):
                r = http.request(method, path, json=body)
                assert r.status_code == 503, (method, path, r.status_code, r.text)
                assert r.json()["detail"] == "The database is unavailable; try again later."
                assert r.headers["Retry-After"]
            assert time.monotonic() - started < 10
        pg.start()  # the same uvicorn process serves again
        deadline = time.monotonic() + 20
        while http.get("/api/tags/").status_code != 200:
            assert time.monotonic() < deadline, "requests did not succeed after the restart"
            time.sleep(0.2)
        assert [t["name"] for t in http.get("/api/tags/").json()] == ["before"]
        assert http.post("/api/tags/", json={"name": "after"}).status_code == 201


def test_client_disconnects_mid_request_do_not_hurt(server):
    import httpx

    url, _ = server
    host, port = url.removeprefix("http://").split(":")
    for i in range(20):  # bounded
        with socket.create_connection((host, int(port)), timeout=5) as raw:
            if i % 2:  # a body that never arrives
                raw.sendall(
                    b"POST /api/tags/ HTTP/1.1\r\nHost: x\r\nContent-Type: "
                    b'application/json\r\nContent-Length: 1000\r\n\r\n{"name":'
                )
            else:  # a request whose answer nobody reads
                raw.sendall(b"GET /api/tags/ HTTP/1.1\r\nHost: x\r\n\r\n")
    with httpx.Client(base_url=url, timeout=10) as http:
        assert http.post("/api/tags/", json={"name": "still-here"}).status_code == 201
        names = [t["name"] for t in http.get("/api/tags/").json()]
        assert names == ["still-here"]  # no half request was written
