"""Where ninja-viewsets spends time compared with the hand-written reference (in-process).

    cd bench && .venv/bin/python profile_nv.py [N]        # writes out/profile.md and prints it

For each scenario, N requests through Django's AsyncClient (full middleware/handler path, no
network), interleaving the two stacks in batches:
  - wall ms/request and process CPU ms/request (all threads: the ORM runs in worker threads);
  - a cProfile of the event-loop thread (where the library, Ninja and pydantic run): the share
    of that time spent in ninja_viewsets functions (self time, and the top functions by
    cumulative time).
Writes go to the benchmark database (run after `manage.py seed`; run.sh does).
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchproj.settings")
os.environ["BENCH_STACKS"] = "nv,ref"
os.environ.pop("BENCH_COUNT", None)

import django  # noqa: E402

django.setup()

from django.test import AsyncClient  # noqa: E402

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
URLS = {
    stack: {r: (f"/{stack}/{r}/", f"/{stack}/{r}/%d/") for r in ("items", "movies")}
    for stack in ("nv", "ref")
}
_counter = iter(range(1, 10**9))
_doomed: list[int] = []  # movies made for the destroy scenario, outside its timing


async def one(client: AsyncClient, stack: str, scenario: str) -> None:
    flat = scenario.startswith("flat-")
    list_path, detail = URLS[stack]["movies" if flat else "items"]
    scenario = scenario.removeprefix("flat-")
    i = next(_counter)
    if scenario == "list":
        r = await client.get(list_path + "?page=2")
    elif scenario == "destroy":
        r = await client.delete(detail % _doomed.pop())
    elif scenario == "retrieve":
        r = await client.get(detail % (i % 1000 + 1))
    elif scenario == "create" and flat:
        body = {"title": "p", "year": 2000, "rating": 1.5, "genre": "drama"}
        r = await client.post(list_path, json.dumps(body), content_type="application/json")
    elif scenario == "create":
        body = {
            "name": "p",
            "sku": f"prof-{stack}-{os.getpid()}-{i}",
            "price": "1.00",
            "quantity": 1,
            "active": True,
            "description": "",
            "category_id": i % 10 + 1,
        }
        r = await client.post(list_path, json.dumps(body), content_type="application/json")
    else:
        r = await client.patch(
            detail % (i % 1000 + 1),
            json.dumps({"rating": i % 10 + 0.5} if flat else {"quantity": i % 50}),
            content_type="application/json",
        )
    assert r.status_code in (200, 201, 204), (stack, scenario, r.status_code, r.content[:200])


async def batch(stack: str, scenario: str, n: int) -> tuple[float, float]:
    client = AsyncClient()
    if scenario.endswith("destroy"):
        from app.models import Movie

        made = await Movie.objects.abulk_create(
            Movie(title="doomed", year=2000, rating=1.0, genre="drama") for _ in range(n)
        )
        _doomed[:] = [m.pk for m in made]
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        await one(client, stack, scenario)
    return (time.perf_counter() - wall) / n * 1000, (time.process_time() - cpu) / n * 1000


def timed(scenario: str, n: int, batches: int = 10) -> dict[str, dict[str, float]]:
    per = max(n // batches, 1)
    samples: dict[str, list[tuple[float, float]]] = {"nv": [], "ref": []}
    for stack in ("nv", "ref"):
        asyncio.run(batch(stack, scenario, 20))  # warm-up
    for b in range(batches):
        order = ("nv", "ref") if b % 2 == 0 else ("ref", "nv")
        for stack in order:
            samples[stack].append(asyncio.run(batch(stack, scenario, per)))
    return {
        stack: {
            "wall_ms": statistics.median(s[0] for s in rows),
            "cpu_ms": statistics.median(s[1] for s in rows),
        }
        for stack, rows in samples.items()
    }


def profiled(stack: str, scenario: str, n: int) -> pstats.Stats:
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(batch(stack, scenario, n))
    profiler.disable()
    return pstats.Stats(profiler)


def library_share(stats: pstats.Stats, n: int) -> dict:
    """Per request (profiled ms): the loop thread's total, ninja_viewsets' self time, its
    functions by self and cumulative time, and the handler entry point's cumulative time."""
    total = stats.total_tt  # type: ignore[attr-defined]
    own, rows, entry = 0.0, [], 0.0
    for (filename, line, name), (_cc, _nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if "/ninja_viewsets/" in filename:
            own += tt
            short = filename.split("/ninja_viewsets/")[1]
            rows.append((f"{short}:{line} {name}", tt / n * 1000, ct / n * 1000))
            if short == "_endpoints.py" and name == "endpoint":
                entry += ct
        elif filename.endswith("stack_ref.py") and name in (
            "list_items",
            "retrieve_item",
            "create_item",
            "partial_update_item",
            "list_movies",
            "retrieve_movie",
            "create_movie",
            "partial_update_movie",
            "destroy_movie",
        ):
            entry += ct
    return {
        "total": total / n * 1000,
        "own": own / n * 1000,
        "entry": entry / n * 1000,
        "by_self": sorted(rows, key=lambda r: -r[1]),
        "by_cum": sorted(rows, key=lambda r: -r[2]),
    }


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 400
    out: list[str] = [
        "## Profile: ninja-viewsets vs the hand-written reference (in-process)",
        "",
        f"`bench/profile_nv.py {n}`: Django AsyncClient (no network, no wrk), same database; "
        f"medians of 10 interleaved batches. Wall and CPU (process CPU time, all threads; the ORM "
        f"runs in sync_to_async worker threads) are unprofiled. The cProfile columns cover the "
        f"event-loop thread only, inflated by the profiler: the handler column is the cumulative "
        f"time of the viewset endpoint (nv) or of the hand-written function (ref), i.e. "
        f"everything but Ninja's request parsing and response validation, which both share.",
        "",
        "| scenario | wall ms/req nv / ref | nv/ref wall | CPU ms/req nv / ref | nv/ref CPU | "
        "profiled loop thread nv / ref | profiled handler nv / ref | ninja_viewsets self time |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    details: list[str] = []
    for scenario in SCENARIOS:
        t = timed(scenario, n)
        nv = library_share(profiled("nv", scenario, n // 2), n // 2)
        ref = library_share(profiled("ref", scenario, n // 2), n // 2)
        out.append(
            f"| {scenario} | {t['nv']['wall_ms']:.2f} / {t['ref']['wall_ms']:.2f} | "
            f"{t['nv']['wall_ms'] / t['ref']['wall_ms']:.2f}x | "
            f"{t['nv']['cpu_ms']:.2f} / {t['ref']['cpu_ms']:.2f} | "
            f"{t['nv']['cpu_ms'] / t['ref']['cpu_ms']:.2f}x | "
            f"{nv['total']:.2f} / {ref['total']:.2f} | {nv['entry']:.2f} / {ref['entry']:.2f} | "
            f"{nv['own']:.3f} ms ({nv['own'] / nv['total'] * 100:.1f}%) |"
        )
        details.append(
            f"**{scenario}**: ninja_viewsets functions, profiled ms/request "
            f"(% of the loop thread's {nv['total']:.2f} ms)"
        )
        details.append("")
        details.append("| by self time | self ms | | by cumulative time | cum ms | % |")
        details.append("|---|---:|---|---|---:|---:|")
        for a, b in zip(nv["by_self"][:8], nv["by_cum"][:8], strict=False):
            details.append(
                f"| `{a[0]}` | {a[1]:.3f} | | `{b[0]}` | {b[2]:.3f} | "
                f"{b[2] / nv['total'] * 100:.1f}% |"
            )
        details.append("")
        print(f"profiled {scenario}", file=sys.stderr, flush=True)
    text = "\n".join([*out, "", *details])
    (BENCH / "out").mkdir(exist_ok=True)
    (BENCH / "out" / "profile.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
