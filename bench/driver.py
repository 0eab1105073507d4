"""Drive the benchmark and write out/results.json (run by run.sh with bench/.venv's Python).

Phases, each bounded in time:
  1. load:    one uvicorn (1 worker) serving the five stacks; wrk interleaves them
              (rounds x scenarios x stacks, DURATION seconds each, after a short warm-up;
              the stack that goes first rotates every round, and every other round runs
              backwards, so no stack always follows the same one; ninja-viewsets and the
              reference always run back to back, which one first alternating; before each round,
              `manage.py tidy` deletes the rows created so far and, on PostgreSQL, VACUUMs
              the table, so no round works on a bigger table than the first);
              the RSS of that process is read after the load;
  2. counts:  a second server with BENCH_COUNT=1 (counting middleware): a few requests per
              stack and scenario, queries and sync_to_async hops per request from headers;
              also checks every stack answers the same shape;
  3. memory:  one server per stack (BENCH_STACKS=<stack>), a short load, then VmRSS/VmHWM;
  4. startup: startup_bench.py in fresh processes (100 viewsets vs 100 hand-written sets);
  5. bulk:    one ninja-viewsets server: creating BULK_SIZE movies in one bulk POST against
              BULK_SIZE single POSTs (one keep-alive connection each, alternating which goes
              first), objects/s of each and their ratio per round, median over the rounds
              (`python driver.py bulk` runs this phase alone and prints it).
  6. sparse:  one server (nv + ref): a page of 20 items with ?fields=id,name against the same
              viewset's full page and the reference's full page, interleaved per round;
              queries, columns and JOINs per request from a counting server
              (`python driver.py sparse` runs this phase alone and prints it).

Every server is started here, its PID written to out/pids (run.sh's trap kills those on exit),
and stopped by PID when its phase ends. Requests go to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
OUT = BENCH / "out"
PIDFILE = OUT / "pids"
PY = sys.executable

STACKS = ["nv", "ref", "drf", "adrf", "extra"]
# the nested resource (items: a foreign key the library plans), then the flat one (movies: six
# columns, no relation: what the abstraction itself costs); destroy last, on its own pool
SCENARIOS = [
    "list",
    "retrieve",
    "create",
    "update",
    "flat-list",
    "flat-retrieve",
    "flat-create",
    "flat-update",
    "flat-destroy",
]
# (list URL, detail URL template) of each stack, per resource
URLS = {
    stack: {
        resource: (
            f"/{stack}/{resource}/",
            f"/{stack}/{resource}/%d" + ("" if stack == "extra" else "/"),
        )
        for resource in ("items", "movies")
    }
    for stack in STACKS
}
# rows per stack that `manage.py tidy --pool` creates for the destroy runs (more than one run
# can delete: ~1,500 req/s at most here)
POOL = int(os.environ.get("BENCH_DESTROY_POOL", "8000"))
POOL_BASE = 10_000_000  # as app/management/commands/tidy.py


def resource_of(scenario: str) -> tuple[str, str]:
    """``("movies", "list")`` for ``flat-list``, ``("items", "list")`` for ``list``."""
    if scenario.startswith("flat-"):
        return "movies", scenario.removeprefix("flat-")
    return "items", scenario


def pool_start(stack: str) -> int:
    return POOL_BASE + STACKS.index(stack) * POOL


ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))
DURATION = int(os.environ.get("BENCH_DURATION", "2"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "1"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "20"))
THREADS = int(os.environ.get("BENCH_THREADS", "2"))
MEM_DURATION = int(os.environ.get("BENCH_MEM_DURATION", "1"))
DB = os.environ.get("BENCH_DB", "sqlite")


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pids(add: int | None = None, remove: int | None = None) -> None:
    pids = set(PIDFILE.read_text().split()) if PIDFILE.exists() else set()
    if add is not None:
        pids.add(str(add))
    if remove is not None:
        pids.discard(str(remove))
    PIDFILE.write_text("\n".join(sorted(pids)) + ("\n" if pids else ""))


class Server:
    """One uvicorn process (a single worker: no supervisor, the PID is the worker)."""

    def __init__(self, name: str, stacks: list[str], *, count: bool = False) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, BENCH_STACKS=",".join(stacks), PYTHONUNBUFFERED="1")
        env.pop("BENCH_COUNT", None)
        if count:
            env["BENCH_COUNT"] = "1"
        self.logfile = open(OUT / f"uvicorn-{name}.log", "w")  # noqa: SIM115
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [
                PY,
                "-m",
                "uvicorn",
                "benchproj.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "1",
                "--no-access-log",
                "--log-level",
                "warning",
            ],
            cwd=BENCH,
            env=env,
            preexec_fn=pin(SERVER_CPUS),
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
        )
        _pids(add=self.proc.pid)

    def wait_ready(self, probe: str, timeout: float = 60.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"uvicorn ({self.name}) exited with {self.proc.returncode}; see "
                    f"{OUT / f'uvicorn-{self.name}.log'}"
                )
            try:
                with urllib.request.urlopen(self.base + probe, timeout=2) as r:
                    if r.status == 200:
                        return time.monotonic() - self.started
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"uvicorn ({self.name}) not ready after {timeout}s")

    def memory_kb(self) -> dict[str, int]:
        result = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                result[key] = int(value.split()[0])
        return result

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_idle(self, limit: float = 60.0) -> float:
        """Wait until the server stops burning CPU (requests still in flight after wrk ends,
        e.g. adrf's slow list), so they never overlap the next measurement. Bounded."""
        started = time.monotonic()
        last = self.cpu_seconds()
        while time.monotonic() - started < limit:
            time.sleep(0.25)
            now = self.cpu_seconds()
            if now - last < 0.02:  # under 8% of a core over the last 250 ms
                break
            last = now
        return time.monotonic() - started

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        _pids(remove=self.proc.pid)
        self.logfile.close()


# -- wrk -------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk(text: str) -> dict[str, float]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    total = re.search(r"(\d+) requests in", text)
    if not rps or not total:
        raise RuntimeError(f"cannot parse wrk output:\n{text}")
    result: dict[str, float] = {"rps": float(rps.group(1)), "requests": int(total.group(1))}
    for pct, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M):
        result[f"p{pct}_ms"] = float(value) * _UNITS[unit]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    result["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    result["socket_errors"] = sum(int(x) for x in sock.groups()) if sock else 0
    return result


_run_ids = iter(range(1, 10**6))


# -- CPU pinning --------------------------------------------------------------------------------
# With 2+ CPUs the server gets CPU 0 and wrk the others (BENCH_PIN=0: no pinning), so the load
# generator and the server under test do not steal each other's time slices.
_CPUS = sorted(os.sched_getaffinity(0))
PINNED = os.environ.get("BENCH_PIN", "1") != "0" and len(_CPUS) >= 2
SERVER_CPUS = {_CPUS[0]} if PINNED else set(_CPUS)
LOAD_CPUS = set(_CPUS[1:]) if PINNED else set(_CPUS)


def pin(cpus: set[int]) -> Any:
    """A ``preexec_fn`` running the child on ``cpus`` only."""
    return lambda: os.sched_setaffinity(0, cpus)


def wrk(base: str, stack: str, scenario: str, duration: int) -> dict[str, float]:
    resource, kind = resource_of(scenario)
    list_path, detail = URLS[stack][resource]
    cmd = [
        "wrk",
        "-t",
        str(THREADS),
        "-c",
        str(CONNECTIONS),
        "-d",
        f"{duration}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    flat = resource == "movies"
    if kind == "list":
        cmd += [f"{base}{list_path}?page=2"]
    elif kind == "retrieve":
        cmd += ["-s", str(BENCH / "lua/retrieve.lua"), f"{base}{list_path}", "--", detail]
    elif kind == "create" and flat:
        cmd += ["-s", str(BENCH / "lua/movie_create.lua"), f"{base}{list_path}"]
    elif kind == "create":
        prefix = f"{stack}-{os.getpid()}-{next(_run_ids)}"
        cmd += ["-s", str(BENCH / "lua/create.lua"), f"{base}{list_path}", "--", prefix]
    elif kind == "update":
        script = "lua/movie_patch.lua" if flat else "lua/patch.lua"
        cmd += ["-s", str(BENCH / script), f"{base}{list_path}", "--", detail]
    elif kind == "destroy":
        start = str(pool_start(stack))
        cmd += ["-s", str(BENCH / "lua/destroy.lua"), f"{base}{list_path}", "--", detail, start]
        cmd += [str(THREADS)]
    else:
        raise ValueError(scenario)
    return run_wrk(cmd, duration)


# -- phases ------------------------------------------------------------------------------------


def round_order(rnd: int) -> list[str]:
    """The stacks of round ``rnd``, in order: every stack once per scenario; the first one
    rotates per round (no position bias) and every other round runs backwards (no stack always
    follows the same one). ninja-viewsets and the reference always run back to back (which one
    first alternates), so the per-round ratio the targets are judged on compares runs
    ``DURATION`` seconds apart."""
    blocks = [["nv", "ref"]] + [[s] for s in STACKS if s not in ("nv", "ref")]
    k = rnd % len(blocks)
    blocks = blocks[k:] + blocks[:k]
    order = [stack for block in blocks for stack in block]
    return order[::-1] if rnd % 2 else order


def tidy(*, pool: int = 0) -> None:
    """Back to the seeded data set (app/management/commands/tidy.py), before each round;
    ``pool``: then add that many movies per stack for the destroy runs."""
    subprocess.run(
        [PY, "manage.py", "tidy", "--pool", str(pool)],
        cwd=BENCH,
        check=True,
        capture_output=True,
        timeout=300,
    )


def phase_load() -> tuple[dict, dict]:
    server = Server("load", STACKS)
    try:
        ready = server.wait_ready("/ref/items/1/")
        log(f"load server up on :{server.port} (pid {server.proc.pid}) in {ready:.1f}s")
        if WARMUP:
            for scenario in SCENARIOS:
                if scenario == "flat-destroy":
                    tidy(pool=POOL)
                for stack in STACKS:
                    wrk(server.base, stack, scenario, WARMUP)
                    server.wait_idle()
            log("warm-up done")
        runs: dict[str, dict[str, list]] = {s: {sc: [] for sc in SCENARIOS} for s in STACKS}
        for rnd in range(ROUNDS):
            order = round_order(rnd)
            tidy()
            for scenario in SCENARIOS:
                if scenario == "flat-destroy":  # a fresh pool per stack, after the rest
                    tidy(pool=POOL)
                for stack in order:
                    cpu_before = server.cpu_seconds()
                    r = wrk(server.base, stack, scenario, DURATION)
                    r["round"] = rnd + 1
                    r["drain_s"] = server.wait_idle()
                    # the server's own CPU time per request (user + system, all its threads;
                    # in-flight requests included)
                    cpu = server.cpu_seconds() - cpu_before
                    r["cpu_ms_per_request"] = cpu * 1000 / r["requests"] if r["requests"] else 0
                    runs[stack][scenario].append(r)
                    flag = f"  NON-2xx={r['non2xx']}" if r["non2xx"] else ""
                    if r["socket_errors"]:
                        flag += f"  socket errors={r['socket_errors']}"
                    if r["drain_s"] > 1:
                        flag += f"  (drained {r['drain_s']:.0f}s)"
                    log(
                        f"round {rnd + 1}/{ROUNDS} {scenario:13} {stack:5} "
                        f"{r['rps']:8.1f} req/s  {r['cpu_ms_per_request']:5.2f} CPU ms/req  "
                        f"p50 {r.get('p50_ms', 0):6.2f} ms  "
                        f"p99 {r.get('p99_ms', 0):6.2f} ms{flag}"
                    )
        memory = server.memory_kb()
        log(f"load server memory after the load: {memory}")
        return runs, memory
    finally:
        server.stop()


def _request(base: str, method: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=10) as r:
        payload = json.loads(r.read() or b"null")
        return r.status, dict(r.headers), payload


def _shape(scenario: str, payload) -> dict:
    """What the response holds: item fields, nested category fields, page size."""
    _, kind = resource_of(scenario)
    if kind == "destroy":
        return {"body": payload}
    if kind == "list":
        items = payload.get("items", payload.get("results"))
        envelope = sorted(k for k in payload if k not in ("items", "results"))
        item = items[0] if items else {}
        return {
            "page_len": len(items or []),
            "envelope": envelope,
            "fields": sorted(item),
            "category": sorted(item.get("category") or {}),
        }
    return {"fields": sorted(payload), "category": sorted(payload.get("category") or {})}


def _count_request(base: str, stack: str, scenario: str, i: int):
    """One request of ``scenario`` for the count pass (the i-th of its samples)."""
    resource, kind = resource_of(scenario)
    list_path, detail = URLS[stack][resource]
    flat = resource == "movies"
    if kind == "list":
        return _request(base, "GET", list_path + "?page=2")
    if kind == "retrieve":
        return _request(base, "GET", detail % (10 + i))
    if kind == "create" and flat:
        body = {"title": "Counted", "year": 2001, "rating": 7.5, "genre": "drama"}
        return _request(base, "POST", list_path, body)
    if kind == "create":
        body = {
            "name": "Counted",
            "sku": f"count-{stack}-{os.getpid()}-{i}",
            "price": "3.10",
            "quantity": 1,
            "active": True,
            "description": "count pass",
            "category_id": 2,
        }
        return _request(base, "POST", list_path, body)
    if kind == "update":
        body = {"rating": 2.5 + i} if flat else {"quantity": 7 + i}
        return _request(base, "PATCH", detail % (20 + i), body)
    # destroy: the end of this stack's pool (the load's runs start at its beginning)
    return _request(base, "DELETE", detail % (pool_start(stack) + POOL - 1 - i))


def phase_counts(samples: int = 5) -> dict:
    tidy(pool=POOL)
    server = Server("count", STACKS, count=True)
    try:
        server.wait_ready("/ref/items/1/")
        counts: dict[str, dict] = {}
        for stack in STACKS:
            counts[stack] = {}
            for scenario in SCENARIOS:
                queries, hops, statuses, shape = [], [], [], None
                for i in range(samples):
                    st, headers, body = _count_request(server.base, stack, scenario, i)
                    statuses.append(st)
                    queries.append(int(headers.get("X-Bench-Queries", -1)))
                    hops.append(int(headers.get("X-Bench-Hops", -1)))
                    shape = _shape(scenario, body)
                counts[stack][scenario] = {
                    "queries": statistics.median(queries),
                    "hops": statistics.median(hops),
                    "queries_all": queries,
                    "hops_all": hops,
                    "status": sorted(set(statuses)),
                    "shape": shape,
                }
            log(
                f"counts {stack:5} "
                + "  ".join(
                    f"{sc}: {counts[stack][sc]['queries']:g}q/{counts[stack][sc]['hops']:g}h"
                    for sc in SCENARIOS
                )
            )
        return counts
    finally:
        server.stop()


def phase_memory() -> dict:
    result = {}
    tidy(pool=POOL)  # each stack deletes from its own part of the pool
    for stack in STACKS:
        server = Server(f"mem-{stack}", [stack])
        try:
            ready = server.wait_ready(URLS[stack]["items"][1] % 1)
            before = server.memory_kb()
            for scenario in SCENARIOS:
                wrk(server.base, stack, scenario, MEM_DURATION)
                server.wait_idle()
            after = server.memory_kb()
            result[stack] = {"ready_s": ready, "before": before, "after": after}
            log(f"memory {stack:5} ready in {ready:.1f}s  RSS {after['VmRSS'] / 1024:.1f} MiB")
        finally:
            server.stop()
    return result


def phase_startup(repeat: int = 5) -> dict:
    """``repeat`` fresh processes per kind, interleaved (nv, ninja, then ninja, nv, ...), so
    the machine's drift over the phase falls on both."""
    result: dict[str, list] = {"nv": [], "ninja": []}
    for i in range(repeat):
        for kind in ("nv", "ninja") if i % 2 == 0 else ("ninja", "nv"):
            proc = subprocess.run(
                [PY, str(BENCH / "startup_bench.py"), kind, "100"],
                cwd=BENCH,
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
                env=dict(os.environ, BENCH_STACKS="ref"),
            )
            result[kind].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    for kind in ("nv", "ninja"):
        median = statistics.median(r["register_plus_urls_s"] for r in result[kind])
        log(f"startup {kind:5} 100 sets: register + api.urls {median * 1000:.0f} ms (median)")
    return result


def environment() -> dict:
    def v(name: str) -> str:
        try:
            return version(name)
        except Exception:
            return "?"

    wrk_v = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
    db_version = "?"
    try:
        db_version = subprocess.run(
            [
                PY,
                "-c",
                "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
                "'benchproj.settings'); django.setup(); from django.db import connection; "
                "c = connection.cursor(); c.execute('select sqlite_version()' if connection.vendor"
                " == 'sqlite' else 'show server_version'); print(connection.vendor, "
                "c.fetchone()[0])",
            ],
            cwd=BENCH,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
    except Exception as exc:  # pragma: no cover - informative only
        db_version = f"? ({exc})"
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git = "?"
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=BENCH.parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "ninja_viewsets"],
            cwd=BENCH.parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        git = head + (" + uncommitted changes in ninja_viewsets/" if dirty else "")
    except Exception:
        pass
    return {
        "git": git,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "db": DB,
        "db_version": db_version,
        "wrk": (wrk_v.stdout + wrk_v.stderr).strip().splitlines()[0] if wrk_v else "?",
        "settings": {
            "rounds": ROUNDS,
            "duration_s": DURATION,
            "warmup_s": WARMUP,
            "connections": CONNECTIONS,
            "threads": THREADS,
            "pinned": f"server on CPU {sorted(SERVER_CPUS)}, wrk on CPU {sorted(LOAD_CPUS)}"
            if PINNED
            else "no",
            "request_threads": os.environ.get("BENCH_REQUEST_THREADS", "1") != "0",
        },
        "versions": {
            name: v(name)
            for name in (
                "django",
                "django-ninja",
                "ninja-viewsets",
                "pydantic",
                "djangorestframework",
                "adrf",
                "django-ninja-extra",
                "uvicorn",
                "httptools",
                "uvloop",
                "asgiref",
                "psycopg",
            )
        },
    }


BULK_SIZE = int(os.environ.get("BENCH_BULK_SIZE", "100"))
BULK_ROUNDS = int(os.environ.get("BENCH_BULK_ROUNDS", "7"))


def _timed_posts(port: int, path: str, bodies: list[Any]) -> float:
    """Seconds to POST each of ``bodies`` in turn on one keep-alive connection (all 201)."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.connect()
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        started = time.perf_counter()
        for body in bodies:
            conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
            response = conn.getresponse()
            payload = response.read()
            if response.status != 201:
                raise RuntimeError(f"POST {path}: {response.status} {payload[:200]!r}")
        return time.perf_counter() - started
    finally:
        conn.close()


def phase_bulk(rounds: int = BULK_ROUNDS, size: int = BULK_SIZE) -> dict:
    """Objects/s of one bulk POST of ``size`` movies vs ``size`` single POSTs, same server."""
    tidy()
    server = Server("bulk", ["nv"])
    try:
        server.wait_ready("/nv/movies/1/")
        movie = {"title": "Bulk", "year": 2001, "rating": 7.5, "genre": "drama"}
        single, bulk = "/nv/movies/", "/nv/movies-bulk/"
        _timed_posts(server.port, single, [movie] * 10)  # warm-up, both paths
        _timed_posts(server.port, bulk, [[movie] * size])
        per_round = []
        for rnd in range(rounds):
            order = ["single", "bulk"] if rnd % 2 == 0 else ["bulk", "single"]
            seconds = {}
            for kind in order:
                if kind == "single":
                    seconds[kind] = _timed_posts(server.port, single, [movie] * size)
                else:
                    seconds[kind] = _timed_posts(server.port, bulk, [[movie] * size])
            rates = {k: size / v for k, v in seconds.items()}
            per_round.append({**rates, "ratio": rates["bulk"] / rates["single"]})
            log(
                f"bulk round {rnd + 1}/{rounds}: {rates['bulk']:.0f} vs "
                f"{rates['single']:.0f} objects/s ({per_round[-1]['ratio']:.1f}x)"
            )
        return {
            "size": size,
            "rounds": per_round,
            "bulk_objects_s": statistics.median(r["bulk"] for r in per_round),
            "single_objects_s": statistics.median(r["single"] for r in per_round),
            "ratio": statistics.median(r["ratio"] for r in per_round),
        }
    finally:
        server.stop()
        tidy()


# -- sparse fields: ?fields=id,name of the nested items vs the same viewset's full page --------

SPARSE_ROUNDS = int(os.environ.get("BENCH_SPARSE_ROUNDS", str(ROUNDS)))
# (label, URL): the same page (20 items, page 2) three ways, on one server
SPARSE_URLS = [
    ("nv sparse", "/nv/items-sparse/?page=2&fields=id,name"),
    ("nv full", "/nv/items-sparse/?page=2"),
    ("ref full", "/ref/items/?page=2"),
]


def run_wrk(cmd: list[str], duration: int) -> dict[str, float]:
    """Run one ``wrk`` command on the load CPU and parse its report."""
    proc = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=False,
        preexec_fn=pin(LOAD_CPUS),
    )
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr}\n{proc.stdout}")
    return parse_wrk(proc.stdout)


def wrk_get(url: str, duration: int) -> dict[str, float]:
    """``wrk`` GETting one URL, as the load phase runs its list scenarios."""
    cmd = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{duration}s"]
    cmd += ["--latency", "--timeout", "10s", url]
    return run_wrk(cmd, duration)


def phase_sparse(rounds: int = SPARSE_ROUNDS) -> dict:
    """Req/s of a sparse page (``?fields=id,name``) against the same viewset's full page and
    the reference's full page: one server, the three interleaved in every round (the order
    rotates), ratios as the median of the per-round ratios; then queries, columns and JOINs
    per request from a counting server."""
    labels = [label for label, _ in SPARSE_URLS]
    server = Server("sparse", ["nv", "ref"])
    try:
        server.wait_ready("/ref/items/1/")
        for _, url in SPARSE_URLS:
            status, _, _ = _request(server.base, "GET", url)
            if status != 200:
                raise RuntimeError(f"sparse: GET {url} answered {status}")
            if WARMUP:
                wrk_get(server.base + url, WARMUP)
                server.wait_idle()
        per_round: list[dict[str, Any]] = []
        for rnd in range(rounds):
            k = rnd % len(SPARSE_URLS)
            order = SPARSE_URLS[k:] + SPARSE_URLS[:k]
            rates: dict[str, Any] = {}
            for label, url in order:
                r = wrk_get(server.base + url, DURATION)
                server.wait_idle()
                rates[label] = r["rps"]
                if r["non2xx"] or r["socket_errors"]:
                    rates.setdefault("errors", []).append(label)
            rates["vs_own"] = rates["nv sparse"] / rates["nv full"]
            rates["vs_ref"] = rates["nv sparse"] / rates["ref full"]
            per_round.append(rates)
            log(
                f"sparse round {rnd + 1}/{rounds}: "
                + "  ".join(f"{label} {rates[label]:.0f}" for label in labels)
                + f" req/s ({rates['vs_own']:.2f}x own full, {rates['vs_ref']:.2f}x ref full)"
            )
    finally:
        server.stop()
    counts: dict[str, dict[str, Any]] = {}
    server = Server("sparse-count", ["nv", "ref"], count=True)
    try:
        server.wait_ready("/ref/items/1/")
        for label, url in SPARSE_URLS:
            _, headers, body = _request(server.base, "GET", url)
            items = body.get("items") or []
            counts[label] = {
                key: int(headers.get(f"X-Bench-{key.title()}", -1))
                for key in ("queries", "columns", "joins")
            }
            counts[label]["fields"] = sorted(items[0]) if items else []
            counts[label]["page_len"] = len(items)
    finally:
        server.stop()
    return {
        "urls": dict(SPARSE_URLS),
        "rounds": per_round,
        "rps": {label: statistics.median(r[label] for r in per_round) for label in labels},
        "vs_own": statistics.median(r["vs_own"] for r in per_round),
        "vs_ref": statistics.median(r["vs_ref"] for r in per_round),
        "counts": counts,
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    if sys.argv[1:] == ["bulk"]:  # this phase alone (a quick check; not in results.json)
        print(json.dumps(phase_bulk(), indent=1))
        return
    if sys.argv[1:] == ["sparse"]:  # this phase alone (a quick check; not in results.json)
        print(json.dumps(phase_sparse(), indent=1))
        return
    if sys.argv[1:2] == ["load"]:  # `driver.py load [scenario ...]`: ninja-viewsets and the
        # reference alone on those scenarios, their per-round ratios (a quick check)
        global STACKS, SCENARIOS
        STACKS = ["nv", "ref"]
        SCENARIOS = sys.argv[2:] or SCENARIOS
        runs, _ = phase_load()
        for scenario in SCENARIOS:
            ratios = [
                n["rps"] / r["rps"]
                for n, r in zip(runs["nv"][scenario], runs["ref"][scenario], strict=True)
            ]
            cpu = [
                n["cpu_ms_per_request"] / r["cpu_ms_per_request"]
                for n, r in zip(runs["nv"][scenario], runs["ref"][scenario], strict=True)
            ]
            log(
                f"{scenario:13} nv/ref median {statistics.median(ratios):.3f} "
                f"({' '.join(f'{x:.2f}' for x in ratios)}); CPU {statistics.median(cpu):.3f}"
            )
        return
    started = time.monotonic()
    results: dict = {"environment": environment()}
    log(
        f"load: {ROUNDS} rounds x {len(SCENARIOS)} scenarios x {len(STACKS)} stacks x "
        f"{DURATION}s, wrk -t{THREADS} -c{CONNECTIONS}, DB {DB}"
    )
    results["runs"], results["load_memory"] = phase_load()
    results["counts"] = phase_counts()
    results["memory"] = phase_memory()
    results["startup"] = phase_startup()
    results["bulk"] = phase_bulk()
    results["sparse"] = phase_sparse()
    results["elapsed_s"] = time.monotonic() - started
    (OUT / "results.json").write_text(json.dumps(results, indent=1, default=str))
    log(f"driver done in {results['elapsed_s']:.0f}s -> {OUT / 'results.json'}")


if __name__ == "__main__":
    main()
