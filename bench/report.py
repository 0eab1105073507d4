"""Turn out/results.json into RESULTS.md and results.png (``python report.py``)."""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
STACKS = ["nv", "ref", "drf", "adrf", "extra"]
NESTED = ["list", "retrieve", "create", "update"]
FLAT = ["flat-list", "flat-retrieve", "flat-create", "flat-update", "flat-destroy"]
SCENARIOS = NESTED + FLAT
LABELS = {
    "nv": "ninja-viewsets ModelViewSet",
    "ref": "hand-written Ninja (reference)",
    "drf": "DRF ModelViewSet",
    "adrf": "adrf ModelViewSet",
    "extra": "ninja-extra ModelControllerBase",
}
SHORT = {
    "nv": "ninja-viewsets",
    "ref": "Ninja ref",
    "drf": "DRF",
    "adrf": "adrf",
    "extra": "ninja-extra",
}
SCENARIO_TITLES = {
    "list": "List: `GET /items/?page=2` (page of 20, category nested)",
    "retrieve": "Retrieve: `GET /items/{id}/`",
    "create": "Create: `POST /items/` (unique sku per request)",
    "update": "Partial update: `PATCH /items/{id}/` (one field)",
    "flat-list": "Flat list: `GET /movies/?page=2` (page of 20, six columns, no relation)",
    "flat-retrieve": "Flat retrieve: `GET /movies/{id}/`",
    "flat-create": "Flat create: `POST /movies/`",
    "flat-update": "Flat partial update: `PATCH /movies/{id}/` (one field)",
    "flat-destroy": "Flat destroy: `DELETE /movies/{id}/` (a fresh pool of rows per run)",
}
CHART_LABELS = {
    "list": "list",
    "retrieve": "retrieve",
    "create": "create",
    "update": "partial\nupdate",
    "flat-list": "flat\nlist",
    "flat-retrieve": "flat\nretrieve",
    "flat-create": "flat\ncreate",
    "flat-update": "flat partial\nupdate",
    "flat-destroy": "flat\ndestroy",
}


def med(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def summarize(results: dict) -> dict:
    summary: dict = {}
    for stack in STACKS:
        for scenario in SCENARIOS:
            runs = results["runs"].get(stack, {}).get(scenario, [])
            if not runs:
                continue
            summary[stack, scenario] = {
                "rps": med([r["rps"] for r in runs]),
                "rps_min": min(r["rps"] for r in runs),
                "rps_max": max(r["rps"] for r in runs),
                "p50": med([r.get("p50_ms", float("nan")) for r in runs]),
                "p99": med([r.get("p99_ms", float("nan")) for r in runs]),
                "errors": sum(r["non2xx"] + r["socket_errors"] for r in runs),
                "requests": sum(r["requests"] for r in runs),
                "rounds": [r["rps"] for r in runs],
                "cpu_rounds": [r.get("cpu_ms_per_request", float("nan")) for r in runs],
                "cpu": med([r.get("cpu_ms_per_request", float("nan")) for r in runs]),
            }
    return summary


def _rounds(summary: dict, stack: str, other: str, scenario: str, key: str) -> list[float]:
    """Per-round ratios ``stack``/``other`` of ``key`` (runs of one round are seconds apart)."""
    a, b = summary.get((stack, scenario)), summary.get((other, scenario))
    if not a or not b:
        return []
    return [x / y for x, y in zip(a[key], b[key], strict=False) if y and x == x and y == y]


def ratio(summary: dict, stack: str, other: str, scenario: str) -> float:
    """req/s of ``stack`` over ``other``: the median of the per-round ratios.

    Each round runs the stacks of a scenario back to back, so a round's ratio compares runs a
    few seconds apart; the machine's drift over the minutes of a run (other processes, CPU
    frequency, the database growing) cancels within a round, not between the two stacks'
    median rounds, which are usually different rounds."""
    return med(_rounds(summary, stack, other, scenario, "rounds"))


def ratio_of_medians(summary: dict, stack: str, other: str, scenario: str) -> float:
    a, b = summary.get((stack, scenario)), summary.get((other, scenario))
    return a["rps"] / b["rps"] if a and b and b["rps"] else float("nan")


def cpu_ratio(summary: dict, stack: str, other: str, scenario: str) -> float:
    """``other``'s CPU per request over ``stack``'s (median of rounds): above 1 when ``stack``
    costs less."""
    return med(_rounds(summary, other, stack, scenario, "cpu_rounds"))


def paired(summary: dict, stack: str, other: str, scenario: str) -> tuple[float, float]:
    """Min and max of the per-round ratios."""
    ratios = _rounds(summary, stack, other, scenario, "rounds")
    return (min(ratios), max(ratios)) if ratios else (float("nan"), float("nan"))


def chart(summary: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(13, 5.2), dpi=110)
    width = 0.16
    colors = {
        "nv": "#d62728",
        "ref": "#1f77b4",
        "drf": "#2ca02c",
        "adrf": "#9467bd",
        "extra": "#ff7f0e",
    }
    for k, stack in enumerate(STACKS):
        xs, ys, lo, hi = [], [], [], []
        for i, scenario in enumerate(SCENARIOS):
            s = summary.get((stack, scenario))
            if not s:
                continue
            xs.append(i + (k - 2) * width)
            ys.append(s["rps"])
            lo.append(s["rps"] - s["rps_min"])
            hi.append(s["rps_max"] - s["rps"])
        bars = ax.bar(
            xs,
            ys,
            width,
            label=SHORT[stack],
            color=colors[stack],
            yerr=[lo, hi],
            capsize=2,
            error_kw={"elinewidth": 0.8},
        )
        for bar, y in zip(bars, ys, strict=True):
            ax.annotate(
                f"{y:.0f}",
                (bar.get_x() + bar.get_width() / 2, y),
                ha="center",
                va="bottom",
                fontsize=6.5,
                xytext=(0, 2),
                textcoords="offset points",
            )
    ax.set_xticks(range(len(SCENARIOS)))
    ax.set_xticklabels([CHART_LABELS[sc] for sc in SCENARIOS], fontsize=8)
    ax.set_ylabel("requests/s (median of rounds; bars: min-max)")
    ax.set_title(
        "Same resources (nested: items, flat: movies), five stacks, one uvicorn worker "
        "(higher is better)"
    )
    ax.legend(ncols=5, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def fmt(x: float, digits: int = 2) -> str:
    return "n/a" if x != x else f"{x:.{digits}f}"


def mark(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def render(results: dict, summary: dict) -> str:
    env = results["environment"]
    counts = results.get("counts", {})
    cfg = env["settings"]
    lines: list[str] = []
    w = lines.append
    w("# ninja-viewsets benchmark results")
    w("")
    w(
        f"Generated by `make bench` on {env['date']} (database: **{env['db']}**, "
        f"{env['db_version']}). Raw numbers: `bench/out/results.json` (git-ignored, "
        f"rewritten by every run)."
    )
    w("")
    w(f"- Library under test: ninja-viewsets at {env.get('git', '?')}")
    w(f"- Machine: {env['nproc']} CPU(s) ({env['cpu']}), {env['platform']}")
    vers = env["versions"]
    w(
        f"- Python {env['python']}, Django {vers['django']}, django-ninja {vers['django-ninja']}, "
        f"ninja-viewsets {vers['ninja-viewsets']}, pydantic {vers['pydantic']}, "
        f"DRF {vers['djangorestframework']}, adrf {vers['adrf']}, "
        f"django-ninja-extra {vers['django-ninja-extra']}, uvicorn {vers['uvicorn']} "
        f"({'httptools, uvloop' if vers.get('httptools', '?') != '?' else 'h11, asyncio'}), "
        f"asgiref {vers['asgiref']}"
    )
    w(
        f"- Load: {env['wrk'].split(' [')[0]}, `-t{cfg['threads']} -c{cfg['connections']}`, "
        f"{cfg['rounds']} rounds x {len(SCENARIOS)} scenarios x 5 stacks x {cfg['duration_s']} s, "
        f"stacks "
        f"interleaved (A B C D E per scenario, every round, the first stack rotating, "
        f"every other round backwards, ninja-viewsets and the reference always back to "
        f"back), "
        f"after a {cfg['warmup_s']} s warm-up of each; one uvicorn process (1 worker, "
        f"`--no-access-log`) on 127.0.0.1 serving the five stacks, "
        + (
            "Django's ASGI handler behind `ninja_viewsets.asgi.RequestThreads` (every stack)"
            if cfg.get("request_threads")
            else "Django's ASGI handler (a new thread per request)"
        )
        + f". Median of the rounds; "
        f"p50/p99 from `wrk --latency` (median of rounds). CPU pinning: "
        f"{cfg.get('pinned', 'no')}."
    )
    w(
        "- Queries/request and sync_to_async hops/request come from a separate pass "
        "(counting middleware, BENCH_COUNT=1), never from the timed runs. Server CPU ms/req: "
        "the uvicorn process's user + system CPU time over each timed run (until idle), "
        "divided by the requests wrk completed; median of the rounds."
    )
    w(
        '- Ratios ("vs", and every target): the median over the rounds of the round\'s ratio. '
        "A round runs the stacks of a scenario back to back, so its ratio compares runs seconds "
        "apart and the machine's drift over the run cancels; the ratio of the two stacks' "
        "median req/s (usually two different rounds) is shown beside it."
    )
    w("")
    w(f"![req/s per stack per scenario]({_outputs()[1]})")
    w("")
    for scenario in SCENARIOS:
        w(f"## {SCENARIO_TITLES[scenario]}")
        w("")
        w(
            "| stack | req/s (median) | min-max | p50 ms | p99 ms | server CPU ms/req | "
            "queries/req | sync_to_async hops/req | vs reference (per round: median, min-max) | "
            "ratio of medians | errors |"
        )
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for stack in STACKS:
            s = summary.get((stack, scenario))
            if not s:
                w(f"| {LABELS[stack]} | not measured | | | | | | | | | |")
                continue
            c = counts.get(stack, {}).get(scenario, {})
            r = ratio(summary, stack, "ref", scenario)
            lo, hi = paired(summary, stack, "ref", scenario)
            rm = ratio_of_medians(summary, stack, "ref", scenario)
            name = f"**{LABELS[stack]}**" if stack == "nv" else LABELS[stack]
            w(
                f"| {name} | {s['rps']:.0f} | {s['rps_min']:.0f}-{s['rps_max']:.0f} | "
                f"{fmt(s['p50'])} | {fmt(s['p99'])} | {fmt(s['cpu'])} | "
                f"{c.get('queries', 'n/a')} | {c.get('hops', 'n/a')} | "
                f"{fmt(r)}x ({fmt(lo)}-{fmt(hi)}) | {fmt(rm)}x | {s['errors']} |"
            )
        w("")
    # -- targets -----------------------------------------------------------------------------
    w("## Targets")
    w("")
    nv_ref = {sc: ratio(summary, "nv", "ref", sc) for sc in NESTED}
    ok = all(v >= 0.97 for v in nv_ref.values())
    detail = ", ".join(
        "{} {}x (rounds {}-{}; ratio of medians {}x)".format(
            sc,
            fmt(v),
            *map(fmt, paired(summary, "nv", "ref", sc)),
            fmt(ratio_of_medians(summary, "nv", "ref", sc)),
        )
        for sc, v in nv_ref.items()
    )
    w(
        f"- ninja-viewsets >= 0.97x the hand-written reference on every nested scenario: "
        f"{mark(ok)} "
        f"({detail})"
    )
    cpu = {sc: cpu_ratio(summary, "nv", "ref", sc) for sc in NESTED}
    if all(v == v for v in cpu.values()):  # not NaN: the run measured CPU time
        w(
            "- the same, in server CPU time per request (the reference's / ninja-viewsets'; "
            "the server is CPU-bound, so this tracks req/s, without wrk's share of the noise): "
            f"{mark(all(v >= 0.97 for v in cpu.values()))} ("
            + ", ".join(f"{sc} {fmt(v)}x" for sc, v in cpu.items())
            + ")"
        )
    flat = {sc: ratio(summary, "nv", "ref", sc) for sc in FLAT}
    if all(v == v for v in flat.values()):  # the flat resource was measured
        want = {sc: 1.1 if sc == "flat-list" else 1.0 for sc in FLAT}
        ok = all(flat[sc] >= want[sc] for sc in FLAT)
        detail = ", ".join(
            "{} {}x (rounds {}-{})".format(
                sc.removeprefix("flat-"), fmt(v), *map(fmt, paired(summary, "nv", "ref", sc))
            )
            for sc, v in flat.items()
        )
        w(
            "- flat resource (no relation: the abstraction's own cost), list >= 1.1x and "
            f"retrieve, create, partial update, destroy >= 1.0x the reference: {mark(ok)} "
            f"({detail})"
        )
        cpu_flat = {sc: cpu_ratio(summary, "nv", "ref", sc) for sc in FLAT}
        if all(v == v for v in cpu_flat.values()):
            w(
                "- flat resource, server CPU per request at or below the reference's: "
                f"{mark(all(v >= 1.0 for v in cpu_flat.values()))} ("
                + ", ".join(f"{sc.removeprefix('flat-')} {fmt(v)}x" for sc, v in cpu_flat.items())
                + ")"
            )
    saves = [
        sc
        for sc in NESTED
        if any(
            (counts.get("nv", {}).get(sc, {}).get(k) or 0)
            < (counts.get("ref", {}).get(sc, {}).get(k) or 0)
            for k in ("queries", "hops")
        )
    ]
    if saves:
        ok = all(nv_ref[sc] > 1.0 for sc in saves)
        w(
            "- above 1.0x the reference where the library saves hops or queries: "
            f"{mark(ok)} (" + ", ".join(f"{sc} {fmt(nv_ref[sc])}x" for sc in saves) + ")"
        )
    for other in ("drf", "extra"):  # the issue's target is on list; the rest for information
        rs = {sc: ratio(summary, "nv", other, sc) for sc in NESTED}
        rest = ", ".join(f"{sc} {fmt(v)}x" for sc, v in rs.items() if sc != "list")
        every = "all" if all(v >= 1.3 for v in rs.values()) else "not all"
        w(
            f"- ninja-viewsets >= 1.3x {SHORT[other]} on list: {mark(rs['list'] >= 1.3)} "
            f"({fmt(rs['list'])}x, ratio of medians "
            f"{fmt(ratio_of_medians(summary, 'nv', other, 'list'))}x; the other scenarios, "
            f"{every} >= 1.3x: {rest})"
        )
    r = ratio(summary, "nv", "adrf", "list")
    w(
        f"- ninja-viewsets >= 3x adrf on list: {mark(r >= 3)} ({fmt(r)}x, ratio of medians "
        f"{fmt(ratio_of_medians(summary, 'nv', 'adrf', 'list'))}x)"
    )
    for key, label in (("queries", "queries"), ("hops", "sync_to_async hops")):
        pairs = {
            sc: (
                counts.get("nv", {}).get(sc, {}).get(key),
                counts.get("ref", {}).get(sc, {}).get(key),
            )
            for sc in SCENARIOS
            if sc in counts.get("nv", {})
        }
        ok = all(a is not None and b is not None and a <= b for a, b in pairs.values())
        w(
            f"- {label} per request <= the reference's: {mark(ok)} ("
            + ", ".join(f"{sc} {a:g} vs {b:g}" for sc, (a, b) in pairs.items() if a is not None)
            + ")"
        )
    startup = results.get("startup", {})
    nv_start = med([x["register_plus_urls_s"] for x in startup.get("nv", [])])
    ninja_start = med([x["register_plus_urls_s"] for x in startup.get("ninja", [])])
    w(
        f"- registering 100 viewsets (`register` + `api.urls`) < 1 s: {mark(nv_start < 1)} "
        f"({nv_start * 1000:.0f} ms, median of {len(startup.get('nv', []))} fresh processes; "
        f"100 hand-written Ninja CRUD "
        f"sets: {ninja_start * 1000:.0f} ms)"
    )
    bulk = results.get("bulk")
    if bulk:
        w(
            f"- creating {bulk['size']} objects in one bulk request >= 20x the objects/s of "
            f"{bulk['size']} single creates: {mark(bulk['ratio'] >= 20)} "
            f"({fmt(bulk['ratio'], 1)}x: "
            f"{bulk['bulk_objects_s']:.0f} vs {bulk['single_objects_s']:.0f} objects/s, "
            f"median of {len(bulk['rounds'])} rounds; see Bulk create)"
        )
    sparse = results.get("sparse")
    if sparse:
        counted = sparse.get("counts", {})
        q = {k: v.get("queries", "n/a") for k, v in counted.items()}
        cols = {k: v.get("columns", "n/a") for k, v in counted.items()}
        w(
            f"- a page of 20 with `?fields=id,name` >= 1.3x the req/s of the same viewset's "
            f"full page: {mark(sparse['vs_own'] >= 1.3)} ({fmt(sparse['vs_own'])}x), and "
            f">= 1.15x the hand-written Ninja full page: {mark(sparse['vs_ref'] >= 1.15)} "
            f"({fmt(sparse['vs_ref'])}x); queries {q.get('nv sparse')} vs "
            f"{q.get('nv full')} / {q.get('ref full')}, columns read "
            f"{cols.get('nv sparse')} vs {cols.get('nv full')} / {cols.get('ref full')} "
            f"(median of {len(sparse['rounds'])} rounds; see Sparse fields)"
        )
    mem = results.get("memory", {})
    nv_rss = mem.get("nv", {}).get("after", {}).get("VmRSS")
    ref_rss = mem.get("ref", {}).get("after", {}).get("VmRSS")
    if nv_rss and ref_rss:
        rel = nv_rss / ref_rss
        w(
            f"- RSS per worker within 10% of the reference's: {mark(abs(rel - 1) <= 0.10)} "
            f"({nv_rss / 1024:.1f} MiB vs {ref_rss / 1024:.1f} MiB, {rel:.3f}x)"
        )
    w("")
    # -- memory ------------------------------------------------------------------------------
    w("## Memory per worker")
    w("")
    w(
        f"One uvicorn worker per stack (`BENCH_STACKS=<stack>`, only that stack's apps and "
        f"URLs), {len(SCENARIOS)} scenarios x a short load, then `/proc/<pid>/status`."
    )
    w("")
    w(
        "| stack | RSS after start (MiB) | RSS after load (MiB) | peak RSS (MiB) | vs reference | "
        "ready in (s) |"
    )
    w("|---|---:|---:|---:|---:|---:|")
    for stack in STACKS:
        m = mem.get(stack)
        if not m:
            continue
        rss = m["after"]["VmRSS"]
        w(
            f"| {LABELS[stack]} | {m['before']['VmRSS'] / 1024:.1f} | {rss / 1024:.1f} | "
            f"{m['after']['VmHWM'] / 1024:.1f} | "
            f"{(rss / ref_rss) if ref_rss else float('nan'):.3f}x | {m['ready_s']:.1f} |"
        )
    lm = results.get("load_memory", {})
    if lm:
        w("")
        w(
            f"The load server (all five stacks in one process) after the timed load: RSS "
            f"{lm.get('VmRSS', 0) / 1024:.1f} MiB, peak {lm.get('VmHWM', 0) / 1024:.1f} MiB."
        )
    w("")
    # -- startup -----------------------------------------------------------------------------
    w("## Startup with 100 registered resources")
    w("")
    w(
        "`bench/startup_bench.py`: 100 distinct models (8 fields + FK), each with its own "
        "output, input and page schemas (built before the clock starts); the viewsets derive "
        "their PATCH and page schemas while registering. A fresh process each time, the two "
        "kinds alternating; medians."
    )
    w("")
    w(
        "| | define classes (ms) | register (ms) | `api.urls` (ms) | register + urls (ms) | "
        "URL patterns | first OpenAPI schema (ms) |"
    )
    w("|---|---:|---:|---:|---:|---:|---:|")
    for kind, label in (
        ("nv", "100 ModelViewSets on a DefaultRouter"),
        ("ninja", "100 hand-written Ninja CRUD sets (6 operations)"),
    ):
        rows = startup.get(kind, [])
        if not rows:
            continue

        def m(key: str, rows: list = rows) -> str:
            return f"{med([x[key] for x in rows]) * 1000:.0f}"

        w(
            f"| {label} | {m('define_s')} | {m('register_s')} | {m('urls_s')} | "
            f"{m('register_plus_urls_s')} | {rows[0]['url_patterns']} | {m('openapi_s')} |"
        )
    w("")
    # -- bulk --------------------------------------------------------------------------------
    if bulk:
        w("## Bulk create")
        w("")
        w(
            f"ninja-viewsets alone on one server (`BulkCreateModelMixin` on the flat `Movie`): "
            f"one `POST` of a {bulk['size']}-movie array (one `INSERT`) against {bulk['size']} "
            f"single `POST`s, each kind on one keep-alive connection, sequential, which goes "
            f"first alternating per round; objects created per second."
        )
        w("")
        w("| round | bulk objects/s | single objects/s | ratio |")
        w("|---:|---:|---:|---:|")
        for i, r in enumerate(bulk["rounds"], 1):
            w(f"| {i} | {r['bulk']:.0f} | {r['single']:.0f} | {fmt(r['ratio'], 1)}x |")
        w(
            f"| median | {bulk['bulk_objects_s']:.0f} | {bulk['single_objects_s']:.0f} | "
            f"{fmt(bulk['ratio'], 1)}x |"
        )
        w("")
    # -- sparse fields -------------------------------------------------------------------------
    if sparse:
        w("## Sparse fields")
        w("")
        w(
            "One server (ninja-viewsets and the reference): page 2 (20 items) of the nested "
            "resource three ways, interleaved in every round (the order rotates): "
            + ", ".join(f"{label} `{url}`" for label, url in sparse["urls"].items())
            + ". `items-sparse` is `ItemViewSet` with `sparse_fields = True`; `?fields=id,name` "
            "selects two columns and joins nothing. Queries, columns read (the `SELECT` lists "
            "of the row queries) and JOINs per request from a counting server."
        )
        w("")
        labels = list(sparse["urls"])
        w(
            "| round | "
            + " | ".join(f"{label} req/s" for label in labels)
            + " | vs own full | vs ref full |"
        )
        w("|---:|" + "---:|" * (len(labels) + 2))
        for i, r in enumerate(sparse["rounds"], 1):
            cells = " | ".join(f"{r[label]:.0f}" for label in labels)
            w(f"| {i} | {cells} | {fmt(r['vs_own'])}x | {fmt(r['vs_ref'])}x |")
        cells = " | ".join(f"{sparse['rps'][label]:.0f}" for label in labels)
        w(f"| median | {cells} | {fmt(sparse['vs_own'])}x | {fmt(sparse['vs_ref'])}x |")
        w("")
        w("| | queries | columns read | JOINs | item fields |")
        w("|---|---:|---:|---:|---|")
        for label in labels:
            c = sparse.get("counts", {}).get(label, {})
            w(
                f"| {label} | {c.get('queries', 'n/a')} | {c.get('columns', 'n/a')} | "
                f"{c.get('joins', 'n/a')} | {', '.join(c.get('fields', []))} |"
            )
        w("")
    # -- shapes ------------------------------------------------------------------------------
    w("## Response shapes (checked in the count pass)")
    w("")
    w("| stack | list status / page length / envelope | item fields | nested category |")
    w("|---|---|---|---|")
    for stack in STACKS:
        c = counts.get(stack, {}).get("list")
        if not c:
            continue
        sh = c["shape"]
        statuses = {sc: counts[stack][sc]["status"] for sc in SCENARIOS if sc in counts[stack]}
        w(
            f"| {SHORT[stack]} | {statuses} / {sh['page_len']} / {', '.join(sh['envelope'])} | "
            f"{', '.join(sh['fields'])} | {', '.join(sh['category'])} |"
        )
    w("")
    w(
        "Envelopes differ by design (Ninja's `{items, count}`, DRF/ninja-extra's "
        "`{count, next, previous, results}`); items are the same 9 fields with the category "
        "nested as `{id, name}`."
    )
    w("")
    notes = results.get("notes")
    if notes:
        w("## Notes")
        w("")
        for note in notes:
            w(f"- {note}")
        w("")
    w(f"Benchmark driver time: {results.get('elapsed_s', 0):.0f} s.")
    w("")
    return "\n".join(lines)


def _outputs() -> tuple[str, str]:
    """The report's and the chart's file names: ``RESULTS.md`` / ``results.png`` for SQLite (the
    docs' benchmark page shows them), ``RESULTS-postgres.md`` / ``results-postgres.png`` for
    ``BENCH_DB=postgres`` (so that one run never overwrites the other's)."""
    db = os.environ.get("BENCH_DB", "sqlite")
    suffix = "" if db == "sqlite" else f"-{db}"
    return f"RESULTS{suffix}.md", f"results{suffix}.png"


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else BENCH / "out" / "results.json"
    results = json.loads(src.read_text())
    summary = summarize(results)
    report_name, chart_name = _outputs()
    chart(summary, BENCH / chart_name)
    docs_img = BENCH.parent / "docs" / "img"
    if docs_img.is_dir() and chart_name == "results.png":  # the docs' page shows this chart
        shutil.copyfile(BENCH / chart_name, docs_img / "bench.png")
    text = render(results, summary)
    profile = BENCH / "out" / "profile.md"
    if profile.exists() and profile.stat().st_mtime >= src.stat().st_mtime - 3600:
        text += "\n" + profile.read_text()
    notes_file = BENCH / "NOTES.md"
    if notes_file.exists():
        text += "\n" + notes_file.read_text()
    (BENCH / report_name).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
