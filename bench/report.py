"""Turn ``bench/results/<tier>.json`` (FalkorDB) and ``<tier>-neo4j.json`` (Neo4j) into the tables
of docs/BENCHMARKS.md and its chart.

``python -m bench.report`` rewrites the part of docs/BENCHMARKS.md between the two ``results``
markers (the prose around it is written by hand) and ``docs/benchmarks.png``. Each tier gets one
section with both engines side by side (an engine column); the chart has a row per engine.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "BENCHMARKS.md"
CHART = ROOT / "docs" / "benchmarks.png"
BEGIN, END = "<!-- results: begin -->", "<!-- results: end -->"
TIER_ORDER = ("demo", "district", "city")
ENGINE_ORDER = ("falkordb", "neo4j")
ENGINE_NAMES = {"falkordb": "FalkorDB", "neo4j": "Neo4j"}
READS = ("node", "page", "nested", "whoCanServe", "linkResources", "coverageGaps")
DEFAULT_DURATION_S, DEFAULT_MIX_S = 10.0, 30.0


def _path(tier: str, engine: str) -> Path:
    return RESULTS / (f"{tier}.json" if engine == "falkordb" else f"{tier}-{engine}.json")


def _load() -> list[dict[str, Any]]:
    results = []
    for tier in TIER_ORDER:
        for engine in ENGINE_ORDER:
            path = _path(tier, engine)
            if path.exists():
                result = json.loads(path.read_text())
                result.setdefault("engine", engine)  # results from before the engine dimension
                results.append(result)
    return results


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _run(result: dict[str, Any], name: str, concurrency: int | None = None) -> dict[str, Any]:
    for run in result["runs"]:
        if run["name"] == name and (concurrency is None or run["concurrency"] == concurrency):
            return run
    return {}


def _engine(result: dict[str, Any]) -> str:
    return ENGINE_NAMES.get(result["engine"], result["engine"])


def _memory(result: dict[str, Any]) -> str:
    """Neo4j's JVM heap and page cache as a run set them ('' for FalkorDB)."""
    graph = result.get("graph") or {}
    if result["engine"] != "neo4j":
        return ""
    return (
        f"{graph.get('version') or '5'} Community, JVM heap {_fmt(graph.get('heap_mb'), 0)} MiB, "
        f"page cache {_fmt(graph.get('pagecache_mb'), 0)} MiB"
    )


def _load_line(result: dict[str, Any]) -> str:
    load, graph = result["load"], result.get("graph") or {}
    settings = result.get("settings") or {}
    if result["engine"] == "neo4j":
        opened = (
            f"Neo4j started on the loaded store in {_fmt(graph.get('start_s'))} s, service ready "
            f"in {_fmt(result['api_start_s'])} s"
        )
        head = f"**Neo4j** {_memory(result)}, over Bolt on loopback"
        peak = "JVM"
    else:
        opened = (
            "service ready (graph opened, append-only file replayed) in "
            f"{_fmt(result['api_start_s'])} s"
        )
        head, peak = "**FalkorDB** (embedded, Unix socket)", "graph server"
    line = (
        f"{head}: {load['summary']}; load wall time {_fmt(load['seconds'])} s, {peak} peak "
        f"{_fmt(load['graph_peak_mb'], 0)} MiB while loading; {opened}. Run {result['date']}."
    )
    duration = settings.get("duration_s", DEFAULT_DURATION_S)
    mix = settings.get("mix_duration_s", DEFAULT_MIX_S)
    if (duration, mix) != (DEFAULT_DURATION_S, DEFAULT_MIX_S):
        line += f" Short run: {_fmt(duration)} s per measurement, {_fmt(mix)} s of mixed load."
    primed = result.get("prime") or []
    if primed:
        sent = sum(p["requests"] for p in primed)
        seconds = sum(p["seconds"] for p in primed)
        errors = sum(p["errors"] for p in primed)
        line += (
            f" Primed with every argument set once ({sent:,} requests, {_fmt(seconds)} s"
            f"{f', {errors} errors' if errors else ''})."
        )
    return line


def _keys(results: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """The (operation, concurrency) rows of a tier, in run order, over all its engines."""
    keys: list[tuple[str, int]] = []
    for result in results:
        for run in result["runs"]:
            key = (run["name"], run["concurrency"])
            if key not in keys:
                keys.append(key)
    return keys


def tier_section(tier: str, results: list[dict[str, Any]]) -> str:
    """One tier, its engines side by side (``results`` in ENGINE_ORDER)."""
    lines = [f"### {tier}", ""]
    for result in results:
        lines += [_load_line(result), ""]
    lines += [
        "| operation | c | engine | req/s | p50 ms | p95 ms | p99 ms | errors | refused "
        "| API RSS MiB | graph RSS MiB |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, level in _keys(results):
        for result in results:
            run = _run(result, name, level)
            if not run:
                continue
            api, graph = run.get("api_mb") or {}, run.get("graph_mb") or {}
            lines.append(
                f"| {name} | {level} | {_engine(result)} | {_fmt(run['throughput'])} "
                f"| {_fmt(run['p50'], 2)} | {_fmt(run['p95'], 2)} | {_fmt(run['p99'], 2)} "
                f"| {run['errors']} | {run['refused']} | {_fmt(api.get('rss'), 0)} "
                f"| {_fmt(graph.get('rss'), 0)} |"
            )
    errors = [
        f"- {_engine(result)}, {run['name']} c={run['concurrency']}: {example}"
        for result in results
        for run in result["runs"]
        for example in run.get("error_examples", [])[:1]
        if run["errors"]
    ]
    if errors:
        lines += ["", "Errors (first example of each run):", "", *errors]
    bare = {result["engine"]: _run(result, "bare") for result in results}
    lines += [
        "",
        "Floor, measured in the same run at concurrency 1: the repository call in-process "
        "(the same Cypher, no GraphQL, no HTTP) plus a bare Starlette endpoint's round trip "
        "under the same uvicorn (p50 "
        + ", ".join(f"{_fmt(bare[r['engine']].get('p50'), 2)} ms" for r in results)
        + (f" in the {' and '.join(_engine(r) for r in results)} runs" if len(results) > 1 else "")
        + ").",
        "",
        "| operation | engine | end-to-end p50 ms | Cypher p50 ms | floor p50 ms "
        "| end-to-end ÷ floor |",
        "|---|---|---:|---:|---:|---:|",
    ]
    names = list(dict.fromkeys(name for result in results for name in result["floors"]))
    for name in names:
        for result in results:
            floor = result["floors"].get(name)
            if not floor:
                continue
            e2e = _run(result, name, 1).get("p50")
            total = floor["p50"] + (bare[result["engine"]].get("p50") or 0)
            ratio = e2e / total if e2e and total else None
            lines.append(
                f"| {name} | {_engine(result)} | {_fmt(e2e, 2)} | {_fmt(floor['p50'], 2)} "
                f"| {_fmt(total, 2)} | {_fmt(ratio, 2)} |"
            )
    naive = []
    for result in results:
        ours, theirs = _run(result, "nested", 1), _run(result, "naive-nested", 1)
        if ours and theirs and ours.get("p50") and theirs.get("p50"):
            naive.append(
                f"{_engine(result)} {_fmt(ours['p50'], 2)} ms p50 batched against "
                f"{_fmt(theirs['p50'], 2)} ms naive: **{_fmt(theirs['p50'] / ours['p50'], 1)}×**"
            )
    if naive:
        lines += [
            "",
            "Nested list (50 volunteers with skills, teams, last 5 records) at c=1, against the "
            "naive one-call-per-object app: " + "; ".join(naive) + ".",
        ]
    return "\n".join(lines)


def _fair_use_results() -> list[dict[str, Any]]:
    found = []
    for tier in TIER_ORDER:
        for engine in ENGINE_ORDER:
            path = _path(tier, engine).with_name(f"{_path(tier, engine).stem}-fair-use.json")
            if path.exists():
                found.append(json.loads(path.read_text()))
    return found


def fair_use_section(results: list[dict[str, Any]]) -> str:
    """Simple reads alone and beside one analyst's heaviest network requests
    (``python -m bench.run --scenario fair-use``)."""
    first = results[0]["analysis"]
    lines = [
        "### simple reads while one analyst runs the heaviest network queries",
        "",
        f"Node lookups (an administrator's token) at each concurrency, first alone, then while "
        f"one analyst keeps {first['streams']} of the heaviest network requests the limits allow "
        f"in flight: as many depth-4, 500-node neighbourhoods as one request's work budget "
        f"admits ({_fmt(first['max_work'], 0)} rows), each an alias, from district and community "
        f"hubs. The analyst may run {first['heavy_per_viewer']} at once; the excess is refused "
        "(RATE_LIMITED) and waits the `retryAfter` it is given before asking again.",
        "",
    ]
    for result in results:
        lines += [
            f"{_engine(result)}, {result['tier']}: {result['load']['summary']}. Run "
            f"{result['date']}, {_fmt(result['settings']['duration_s'])} s per measurement.",
            "",
        ]
    lines += [
        "| tier | engine | c | reads | req/s | p50 ms | p95 ms | p99 ms | errors | analyst "
        "answered | refused | analyst errors | analysis p50 s |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for run in result["runs"]:
            behind = run.get("background") or {}
            lines.append(
                f"| {result['tier']} | {_engine(result)} | {run['concurrency']} | {run['name']} "
                f"| {_fmt(run['throughput'])} | {_fmt(run['p50'], 2)} | {_fmt(run['p95'], 2)} "
                f"| {_fmt(run['p99'], 2)} | {run['errors']} "
                f"| {behind.get('answered', '–')} | {behind.get('refused', '–')} "
                f"| {behind.get('errors', '–')} | {_fmt(behind.get('answer_p50_s'), 2)} |"
            )
    return "\n".join(lines)


def chart(results: list[dict[str, Any]]) -> None:
    import matplotlib  # noqa: PLC0415 - only the report needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    engines = [e for e in ENGINE_ORDER if any(r["engine"] == e for r in results)]
    tiers = [t for t in TIER_ORDER if any(r["tier"] == t for r in results)]
    positions = list(range(len(tiers)))  # the same tiers on every row, measured or not
    figure, axes = plt.subplots(
        len(engines), 2, figsize=(11, 4.2 * len(engines)), sharey=True, squeeze=False
    )
    for row, engine in zip(axes, engines, strict=True):
        by_tier = {r["tier"]: r for r in results if r["engine"] == engine}
        for ax, level in zip(row, (1, 16), strict=True):
            for name in READS:
                runs = [_run(by_tier[t], name, level) if t in by_tier else {} for t in tiers]
                p99 = [run.get("p99") or math.nan for run in runs]
                p50 = [run.get("p50") or math.nan for run in runs]
                line = ax.plot(positions, p99, marker="o", label=f"{name}")[0]
                ax.plot(positions, p50, marker=".", linestyle=":", color=line.get_color())
            ax.set_xticks(positions, tiers)
            ax.set_xlim(-0.3, len(tiers) - 0.7)
            ax.set_yscale("log")
            ax.set_title(f"{ENGINE_NAMES[engine]}, concurrency {level}: p99 (solid), p50 (dotted)")
            ax.set_xlabel("tier")
            ax.grid(True, which="both", alpha=0.3)
        row[0].set_ylabel("latency, ms (log)")
    axes[0][1].legend(fontsize=8, loc="upper left")
    figure.suptitle("Community resource graph: latency by tier and engine (2-core machine)")
    figure.tight_layout()
    figure.savefig(CHART, dpi=110)


def main() -> int:
    results = _load()
    if not results:
        print("no results in bench/results; run `python -m bench.run --tier demo` first")
        return 1
    machine = max(results, key=lambda r: r["date"])["machine"]
    header = (
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"{machine['os']}, Python {machine['python']}. API, graph server and load generator "
        "share the machine."
    )
    memories = sorted({_memory(r) for r in results if r["engine"] == "neo4j"})
    if memories:
        header += (
            " Neo4j " + "; ".join(memories) + " (the heap is fixed, -Xms = -Xmx; Neo4j's graph "
            "RSS is the JVM's whole resident set: heap, page cache and the rest)."
        )
    sections = []
    for tier in TIER_ORDER:
        of_tier = [r for r in results if r["tier"] == tier]
        if of_tier:
            sections.append(tier_section(tier, of_tier))
    fair = _fair_use_results()
    if fair:
        sections.append(fair_use_section(fair))
    body = "\n\n".join([header, *sections, "![latency by tier and engine](benchmarks.png)"])
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    DOC.write_text(f"{head}{BEGIN}\n{body}\n{END}{tail}")
    chart(results)
    print(f"wrote {DOC} and {CHART}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
