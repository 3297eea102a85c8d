"""Turn ``bench/results/<tier>.json`` into the tables of docs/BENCHMARKS.md and its chart.

``python -m bench.report`` rewrites the part of docs/BENCHMARKS.md between the two ``results``
markers (the prose around it is written by hand) and ``docs/benchmarks.png``.
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
READS = ("node", "page", "nested", "whoCanServe", "linkResources", "coverageGaps")


def _load() -> list[dict[str, Any]]:
    found = [RESULTS / f"{t}.json" for t in TIER_ORDER if (RESULTS / f"{t}.json").exists()]
    return [json.loads(p.read_text()) for p in found]


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _run(result: dict[str, Any], name: str, concurrency: int | None = None) -> dict[str, Any]:
    for run in result["runs"]:
        if run["name"] == name and (concurrency is None or run["concurrency"] == concurrency):
            return run
    return {}


def tier_section(result: dict[str, Any]) -> str:
    tier = result["tier"]
    load = result["load"]
    lines = [
        f"### {tier}",
        "",
        f"{load['summary']}; load wall time {_fmt(load['seconds'])} s, graph server peak "
        f"{_fmt(load['graph_peak_mb'], 0)} MiB while loading; service ready (graph opened, "
        f"append-only file replayed) in {_fmt(result['api_start_s'])} s. Run {result['date']}.",
        "",
        "| operation | c | req/s | p50 ms | p95 ms | p99 ms | errors | refused | API RSS MiB "
        "| graph RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in result["runs"]:
        api, graph = run.get("api_mb") or {}, run.get("graph_mb") or {}
        lines.append(
            f"| {run['name']} | {run['concurrency']} | {_fmt(run['throughput'])} "
            f"| {_fmt(run['p50'], 2)} | {_fmt(run['p95'], 2)} | {_fmt(run['p99'], 2)} "
            f"| {run['errors']} | {run['refused']} | {_fmt(api.get('rss'), 0)} "
            f"| {_fmt(graph.get('rss'), 0)} |"
        )
    bare = _run(result, "bare")
    lines += [
        "",
        "Floor, measured in the same run at concurrency 1: the repository call in-process "
        "(the same Cypher, no GraphQL, no HTTP) plus a bare Starlette endpoint's round trip "
        f"under the same uvicorn (p50 {_fmt(bare.get('p50'), 2)} ms).",
        "",
        "| operation | end-to-end p50 ms | Cypher p50 ms | floor p50 ms | end-to-end ÷ floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, floor in result["floors"].items():
        e2e = _run(result, name, 1).get("p50")
        total = floor["p50"] + (bare.get("p50") or 0)
        ratio = e2e / total if e2e and total else None
        lines.append(
            f"| {name} | {_fmt(e2e, 2)} | {_fmt(floor['p50'], 2)} | {_fmt(total, 2)} "
            f"| {_fmt(ratio, 2)} |"
        )
    ours, naive = _run(result, "nested", 1), _run(result, "naive-nested", 1)
    if ours and naive:
        lines += [
            "",
            f"Nested list (50 volunteers with skills, teams, last 5 records) at c=1: "
            f"{_fmt(ours['p50'], 2)} ms p50 batched against {_fmt(naive['p50'], 2)} ms for the "
            f"naive one-call-per-object app: **{_fmt(naive['p50'] / ours['p50'], 1)}×**.",
        ]
    return "\n".join(lines)


def chart(results: list[dict[str, Any]]) -> None:
    import matplotlib  # noqa: PLC0415 - only the report needs it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    tiers = [r["tier"] for r in results]
    figure, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, level in zip(axes, (1, 16), strict=True):
        for name in READS:
            p99 = [_run(r, name, level).get("p99") for r in results]
            p50 = [_run(r, name, level).get("p50") for r in results]
            line = ax.plot(tiers, p99, marker="o", label=f"{name}")[0]
            ax.plot(tiers, p50, marker=".", linestyle=":", color=line.get_color())
        ax.set_yscale("log")
        ax.set_title(f"concurrency {level}: p99 (solid), p50 (dotted)")
        ax.set_xlabel("tier")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("latency, ms (log)")
    axes[1].legend(fontsize=8, loc="upper left")
    figure.suptitle("Community resource graph: latency by tier (2-core machine)")
    figure.tight_layout()
    figure.savefig(CHART, dpi=110)


def main() -> int:
    results = _load()
    if not results:
        print("no results in bench/results; run `python -m bench.run --tier demo` first")
        return 1
    machine = results[-1]["machine"]
    body = "\n\n".join(
        [
            f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
            f"{machine['os']}, Python {machine['python']}. API, graph server and load generator "
            "share the machine.",
            *(tier_section(r) for r in results),
            "![latency by tier](benchmarks.png)",
        ]
    )
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
