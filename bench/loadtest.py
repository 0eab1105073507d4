"""`make loadtest`: the example in production mode under load, with and without the pool.

    make loadtest                                  # 50, 200, 500 clients, 10 s each, both modes
    LOADTEST_SECONDS=3 LOADTEST_LEVELS=50,200 make loadtest     # the bounded CI run

On a private database created (and dropped) on ``DATABASE_URL``'s PostgreSQL server, migrated
and seeded: 4 uvicorn workers (``LOADTEST_WORKERS``) serving ``config.asgi`` with ``DEBUG``
off, once with psycopg's pool (``DB_POOL=1``, sized from the workers) and once without
(``DB_POOL=0``: a connection per request); both with the admission queue of
``config.asgi`` (``WEB_MAX_CONCURRENCY``, 8 requests at once per worker, the others wait in
arrival order). ``LOADTEST_MODES=pool,noqueue,nopool`` adds the pool without the queue
(``WEB_MAX_CONCURRENCY=0``: every request starts when it arrives). For each level, wrk
(``bench/loadtest.lua``) drives
a mix of list, retrieve, create and partial update of books as the user ``demo`` for
``LOADTEST_SECONDS``, while PostgreSQL's ``pg_stat_activity`` is sampled for the connections of
that database. Loopback only; every process started here is stopped by its PID.

Writes ``bench/LOADTEST.md`` (``LOADTEST_REPORT`` to write elsewhere) and exits 1 when the pool
mode answered any 5xx or lost a request (socket errors, timeouts): queueing is fine, shedding
is not. The p99 and throughput targets are reported (``LOADTEST_STRICT=1``: enforced too).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
EXAMPLE = ROOT / "example_project"
PY = sys.executable

SECONDS = float(os.environ.get("LOADTEST_SECONDS", "10"))
LEVELS = [int(x) for x in os.environ.get("LOADTEST_LEVELS", "50,200,500").split(",")]
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "4"))
MODES = os.environ.get("LOADTEST_MODES", "pool,nopool").split(",")
REPORT = Path(os.environ.get("LOADTEST_REPORT", BENCH / "LOADTEST.md"))
STRICT = os.environ.get("LOADTEST_STRICT") == "1"
BOOKS = 200
# the load test measures the database path, not the throttles
SETTINGS = """\
from config.settings import *  # noqa: F403

DEBUG = False
NINJA_DEFAULT_THROTTLE_RATES = {"anon": "100000000/h", "user": "100000000/h", "reviews": "1/s"}
"""
SETUP = """\
import django
django.setup()
from django.contrib.auth import get_user_model
from library.models import Book
demo = get_user_model().objects.get(username="demo")
Book.objects.update(owner=demo)  # every book may be patched by demo
ids = sorted(Book.objects.values_list("id", flat=True))
print(ids[0], ids[-1])
"""


def log(msg: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def private_database(url: str) -> Iterator[str]:
    import psycopg
    from psycopg import sql

    name = f"nv_loadtest_{os.getpid()}_{uuid.uuid4().hex[:6]}"
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


class ConnectionSampler(threading.Thread):
    """Samples the connections to one database (open, and active) every 0.25 s."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.name_ = url.rpartition("/")[2]
        self.stop_event = threading.Event()
        self.samples: list[tuple[int, int]] = []
        self.server_total: list[int] = []

    def run(self) -> None:
        import psycopg

        base = self.url.rpartition("/")[0]
        with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as conn:
            while not self.stop_event.wait(0.25):
                row = conn.execute(
                    "SELECT count(*) FILTER (WHERE datname = %s),"
                    " count(*) FILTER (WHERE datname = %s AND state = 'active'),"
                    " count(*) FILTER (WHERE backend_type = 'client backend')"
                    " FROM pg_stat_activity",
                    (self.name_, self.name_),
                ).fetchone()
                assert row is not None
                self.samples.append((int(row[0]), int(row[1])))
                self.server_total.append(int(row[2]))

    def stop(self) -> dict[str, int]:
        self.stop_event.set()
        self.join(5)
        opened = [s[0] for s in self.samples] or [0]
        active = [s[1] for s in self.samples] or [0]
        return {
            "max_open": max(opened),
            "median_open": int(statistics.median(opened)),
            "max_active": max(active),
            "max_server_total": max(self.server_total or [0]),
        }


@contextmanager
def server(env: dict[str, str], logfile: Path) -> Iterator[str]:
    port = free_port()
    with logfile.open("w") as out:
        proc = subprocess.Popen(
            [PY, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1",
             "--port", str(port), "--workers", str(WORKERS), "--no-access-log",
             "--log-level", "warning", "--timeout-graceful-shutdown", "10"],
            cwd=EXAMPLE, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/api/", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"uvicorn did not start; see {logfile}") from None
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def token(url: str) -> str:
    req = urllib.request.Request(
        url + "/api/token/",
        data=json.dumps({"username": "demo", "password": "demo"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    for attempt in range(3):  # the first request may find workers still starting (busy host)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return str(json.loads(r.read())["token"])
        except OSError:
            if attempt == 2:
                raise
            time.sleep(2)
    raise AssertionError("unreachable")


def wrk(url: str, clients: int, seconds: float, args: list[str]) -> dict[str, Any]:
    cmd = ["wrk", "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
           "-s", str(BENCH / "loadtest.lua"), url, "--", *args]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"^LOADTEST (.*)$", done.stdout, re.M)
    if match is None:
        raise RuntimeError(f"wrk gave no summary:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def run_mode(mode: str, db_url: str, tmp: Path, first: int, last: int, tag0: int) -> list[dict]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{EXAMPLE}{os.pathsep}{tmp}",
        "DJANGO_SETTINGS_MODULE": "loadtest_settings",
        "DATABASE_URL": db_url,
        "WEB_CONCURRENCY": str(WORKERS),
        "DB_POOL": "0" if mode == "nopool" else "1",
        **({"WEB_MAX_CONCURRENCY": "0"} if mode == "noqueue" else {}),
    }
    rows = []
    with server(env, tmp / f"uvicorn-{mode}.log") as url:
        bearer = token(url)
        args = [bearer, "00", str(first), str(last)]
        # warm-up at the first level's concurrency: imports, caches, and (pool mode) the pool
        # grown to the size that level needs, so the first level measures the steady state
        wrk(url, max(20, LEVELS[0]), 3, args)
        for i, clients in enumerate(LEVELS):
            sampler = ConnectionSampler(db_url)
            sampler.start()
            tag = f"{tag0 + i:02d}"
            log(f"{mode}: {clients} clients for {SECONDS:g} s")
            result = wrk(url, clients, SECONDS, [bearer, tag, str(first), str(last)])
            result.update(sampler.stop(), mode=mode, clients=clients, load=os.getloadavg()[0])
            log(
                f"{mode} {clients}: {result['rps']:.0f} req/s, p50 "
                f"{result['p50_us'] / 1000:.0f} ms, p99 {result['p99_us'] / 1000:.0f} ms, "
                f"status {result['status']}, errors {result['errors']}, "
                f"connections max {result['max_open']}"
            )
            rows.append(result)
            time.sleep(1)  # let the server drain before the next level
    server_log = (tmp / f"uvicorn-{mode}.log").read_text()
    tracebacks = server_log.count("Traceback")
    if tracebacks or any(int(code) >= 500 for row in rows for code in row["status"]):
        kept = BENCH / "out" / f"loadtest-uvicorn-{mode}.log"  # the temporary directory goes
        kept.parent.mkdir(exist_ok=True)
        kept.write_text(server_log)
        log(f"{mode}: 5xx answers or tracebacks; the server's log: {kept}")
    for row in rows:
        row["server_tracebacks"] = tracebacks
    return rows


def server_stack() -> str:
    """uvicorn's version and the HTTP parser and event loop it picks (``--http auto``,
    ``--loop auto``: httptools and uvloop when installed, the ``prod`` extra's)."""
    from importlib.metadata import version
    from importlib.util import find_spec

    http = "httptools" if find_spec("httptools") else "h11"
    loop = "uvloop" if find_spec("uvloop") else "asyncio"
    return f"uvicorn {version('uvicorn')}, {http}, {loop}"


def fivexx(row: dict) -> int:
    return sum(n for status, n in row["status"].items() if int(status) >= 500)


def lost(row: dict) -> int:
    return sum(row["errors"].values())


def verdicts(rows: list[dict]) -> list[tuple[str, bool, str]]:
    pool = [r for r in rows if r["mode"] == "pool"]
    nopool = {r["clients"]: r for r in rows if r["mode"] == "nopool"}
    out = []
    bad = [(r["clients"], fivexx(r), lost(r)) for r in pool if fivexx(r) or lost(r)]
    out.append(("pool: 0 responses 5xx and no lost request at every level", not bad,
                "; ".join(f"{c} clients: {f} 5xx, {lo} socket errors" for c, f, lo in bad)
                or "none"))  # fmt: skip
    for r in pool:
        if r["clients"] == 200:
            p99 = r["p99_us"] / 1e6
            out.append(("pool: p99 at 200 clients < 2 s", p99 < 2, f"{p99:.2f} s"))
    ratios = [
        (r["clients"], r["rps"] / nopool[r["clients"]]["rps"])
        for r in pool
        if r["clients"] in nopool and nopool[r["clients"]]["rps"]
    ]
    if ratios:
        # the target compares useful answers: the no-pool mode's 503s are not throughput
        good = [
            (r["clients"], ok(r) / max(1, ok(nopool[r["clients"]])))
            for r in pool
            if r["clients"] in nopool
        ]
        low = min(g for _, g in good)
        out.append((
            "pool >= 2x the no-pool throughput (2xx/4xx answers) at every level",
            low >= 2,
            ", ".join(f"{c}: {g:.1f}x" for c, g in good),
        ))  # fmt: skip
    return out


def ok(row: dict) -> int:
    return sum(n for status, n in row["status"].items() if int(status) < 500)


def report(rows: list[dict], meta: dict[str, str], checks: list[tuple[str, bool, str]]) -> str:
    lines = [
        "# Load test: the example in production mode, with and without the connection pool",
        "",
        f"`{meta['command']}` on {meta['date']} ({meta['machine']}). {WORKERS} uvicorn workers "
        f"({meta['server']}; `config.asgi`, `DEBUG` off), PostgreSQL {meta['postgres']} "
        f"(`max_connections` {meta['max_connections']}), wrk -t2 over loopback, {SECONDS:g} s "
        "per level. Mix: 40% "
        "`GET /api/books/?page=N`, 30% `GET /api/books/{id}/`, 15% `POST /api/books/` (with 2 "
        "tags: a transaction), 15% `PATCH /api/books/{id}/` (ETag check, row lock), as `demo` "
        "with a bearer token. Pool mode: "
        f"{meta['pool']}; the admission queue (`ninja_viewsets.asgi.AdmissionQueue`) runs "
        f"{os.environ.get('WEB_MAX_CONCURRENCY', '8')} requests at once per worker (mode "
        "`noqueue`: off).",
        "",
        "| mode | clients | req/s | p50 | p99 | statuses | socket errors | PG connections "
        "(max open / median / max active) | host load (1 min) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(r["status"].items()))
        errors = ", ".join(f"{k} {v}" for k, v in r["errors"].items() if v) or "0"
        lines.append(
            f"| {r['mode']} | {r['clients']} | {r['rps']:.0f} | {r['p50_us'] / 1000:.0f} ms "
            f"| {r['p99_us'] / 1000:.0f} ms | {statuses} | {errors} "
            f"| {r['max_open']} / {r['median_open']} / {r['max_active']} | {r['load']:.1f} |"
        )
    lines += ["", "Targets:", ""]
    for name, passed, detail in checks:
        lines.append(f"- {'met' if passed else '**NOT met**'}: {name} ({detail})")
    lines += [
        "",
        "The machine is shared (2 cores, other processes running; the last column is its load "
        "average after each level, where 2 means both cores busy): the numbers are noisy; "
        "compare the two modes of one run, not runs of different days. Server logs of the "
        "run: " + ", ".join(f"{m}: {r}" for m, r in meta["tracebacks"].items()) + ".",
        "",
    ]
    return "\n".join(lines)


@contextmanager
def private_server() -> Iterator[str]:
    """``LOADTEST_PG=private``: a throwaway PostgreSQL cluster (initdb) instead of
    DATABASE_URL's server, so the no-pool mode's connection storm hits no one else."""
    sys.path.insert(0, str(ROOT))
    from tests.test_outage import PrivatePostgres

    pg = PrivatePostgres()
    try:
        pg.start()
        yield pg.url
    finally:
        pg.remove()


def main() -> int:
    if os.environ.get("LOADTEST_PG") == "private":
        with private_server() as url:
            os.environ["DATABASE_URL"] = url
            return run()
    return run()


def run() -> int:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("make loadtest needs DATABASE_URL=postgres://user@host:port/db (any database on "
              "the server: a private one is created and dropped)", file=sys.stderr)  # fmt: skip
        return 2
    if shutil.which("wrk") is None:
        print("make loadtest needs wrk (apt-get install wrk)", file=sys.stderr)
        return 2
    import psycopg

    with psycopg.connect(url, connect_timeout=10) as conn:
        max_connections = conn.execute("SHOW max_connections").fetchone()[0]  # type: ignore[index]
        pg_version = conn.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
    started = time.monotonic()
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="nv-loadtest-") as tmpdir, private_database(url) as db:
        tmp = Path(tmpdir)
        (tmp / "loadtest_settings.py").write_text(SETTINGS)
        env = {
            **os.environ,
            "PYTHONPATH": f"{ROOT}{os.pathsep}{EXAMPLE}{os.pathsep}{tmp}",
            "DJANGO_SETTINGS_MODULE": "loadtest_settings",
            "DATABASE_URL": db,
            "DB_POOL": "0",
        }
        log(f"database {db.rpartition('/')[2]}: migrate + seed {BOOKS} books")
        for args in (["migrate", "--noinput", "-v0"], ["seed", "--books", str(BOOKS)]):
            subprocess.run([PY, "manage.py", *args], cwd=EXAMPLE, env=env, check=True,
                           capture_output=True, timeout=300)  # fmt: skip
        ids = subprocess.run([PY, "-c", SETUP], cwd=EXAMPLE, env=env, check=True,
                             capture_output=True, text=True, timeout=60).stdout.split()  # fmt: skip
        first, last = int(ids[0]), int(ids[1])
        tracebacks = {}
        for m, mode in enumerate(MODES):
            mode_rows = run_mode(mode, db, tmp, first, last, tag0=10 + 10 * m)
            rows += mode_rows
            tracebacks[mode] = f"{mode_rows[0]['server_tracebacks'] if mode_rows else 0} tracebacks"
        sys.path.insert(0, str(EXAMPLE))
        from config.dburl import pool_options

        pool = pool_options({"WEB_CONCURRENCY": str(WORKERS)})
    checks = verdicts(rows)
    cmd = "make loadtest"
    if "LOADTEST_SECONDS" in os.environ or "LOADTEST_LEVELS" in os.environ:
        cmd = (
            f"LOADTEST_SECONDS={SECONDS:g} LOADTEST_LEVELS={','.join(map(str, LEVELS))} "
            "make loadtest"
        )
    if os.environ.get("LOADTEST_PG") == "private":
        cmd = f"LOADTEST_PG=private {cmd}"
    meta = {
        "command": cmd,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}",
        "postgres": str(pg_version).split()[0],
        "server": server_stack(),
        "max_connections": str(max_connections),
        "pool": f"`{json.dumps(pool, default=lambda f: f.__qualname__)}` per worker"
        if pool
        else "psycopg_pool missing",
        "tracebacks": tracebacks,
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(report(rows, meta, checks))
    log(f"wrote {REPORT} in {time.monotonic() - started:.0f} s")
    print(REPORT.read_text())
    if not checks[0][1] or (STRICT and not all(passed for _, passed, _ in checks)):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
