"""Sustained load: ``python -m bench.soak --tier district --minutes 10``.

The mixed operations of ``bench.run`` (reads, and sign-ups and service records at 10 %) at a
steady concurrency for the whole time, while the API's and the graph server's resident memory is
sampled every 10 s. Memory is flat when it grows by at most 10 % from the end of the first
minute (warm-up: caches, connection pools, the engine's plan cache) to the end. Writes
``bench/results/soak-<tier>.json`` (``soak-<tier>-neo4j.json`` with ``--engine neo4j``); reuses a
tier ``bench.run`` loaded when there is one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from access.tokens import Role, mint
from bench import ops
from bench import run as bench_run
from bench.load import rss_mb
from bench.run import ROOT, Graph, Service, drive, load, sample
from graph.engine.local_neo4j import Memory

WARM_UP_S = 60.0


class Sampler(threading.Thread):
    def __init__(self, api: int, graph: Callable[[], int | None], every_s: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.api, self.graph, self.every_s = api, graph, every_s
        self.samples: list[dict[str, Any]] = []
        self.stopped = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        while not self.stopped.wait(self.every_s):
            api, graph = rss_mb(self.api), rss_mb(self.graph())
            self.samples.append({
                "t": round(time.monotonic() - self.started),
                "api_mb": api and api["rss"], "graph_mb": graph and graph["rss"],
            })  # fmt: skip


def growth(samples: list[dict[str, Any]], key: str) -> float | None:
    """Per cent growth from the first sample after warm-up to the last."""
    after = [s[key] for s in samples if s["t"] >= WARM_UP_S and s[key]]
    if len(after) < 2:
        return None
    return round((after[-1] - after[0]) / after[0] * 100, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--tier", default="district")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--engine", choices=bench_run.ENGINES, default="falkordb")
    parser.add_argument("--neo4j-heap-mb", type=int, default=bench_run.NEO4J_HEAP_MB)
    parser.add_argument("--neo4j-pagecache-mb", type=int, default=bench_run.NEO4J_PAGECACHE_MB)
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    stem = args.tier if args.engine == "falkordb" else f"{args.tier}-{args.engine}"
    data = (args.data / stem).resolve()
    data.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    graph = Graph(args.engine, data, Memory(args.neo4j_heap_mb, args.neo4j_pagecache_mb))
    previous = data / "bench-load.json"
    api: Service | None = None
    try:
        loaded = previous.exists() and json.loads(previous.read_text())["tier"] == args.tier
        if not (loaded and graph.holds_nodes()):
            load(args.tier, graph, seed=1)
        graph.start()
        api = Service("app:app", graph.env())
        api.wait("/readyz")
        settings = graph.settings()
        operations = {op.name: op for op in asyncio.run(sample(settings))}
        mix = [operations[n].mix_item(w) for n, w in ops.MIX_WEIGHTS.items()
               if operations[n].variables]  # fmt: skip
        plan = {
            "host": "127.0.0.1", "port": api.port,
            "token": mint(settings, Role.ADMIN, "admin-soak", ttl_s=7200),
            "pids": {"api": api.process.pid, "graph": graph.pid()},
            "runs": [{"name": "soak", "mix": mix, "concurrency": args.concurrency,
                      "duration": args.minutes * 60, "warmup": 5}],
        }  # fmt: skip
        sampler = Sampler(api.process.pid, graph.pid)
        sampler.start()
        (run,) = drive(plan, args.out / f"soak-{stem}.runs.json")["runs"]
        sampler.stopped.set()
    finally:
        if api is not None:
            api.stop()
        graph.stop()
    result = {
        "tier": args.tier, "engine": args.engine, "graph": graph.describe(),
        "minutes": args.minutes, "concurrency": args.concurrency,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "run": run,
        "memory": sampler.samples,
        "api_growth_pct": growth(sampler.samples, "api_mb"),
        "graph_growth_pct": growth(sampler.samples, "graph_mb"),
    }  # fmt: skip
    out = args.out / f"soak-{stem}.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(
        f"soak {args.tier}: {run['requests']:,} requests, {run['errors']} errors, "
        f"{run['refused']} refused, API memory {result['api_growth_pct']} %, graph memory "
        f"{result['graph_growth_pct']} % after warm-up; wrote {out}",
        file=sys.stderr,
    )
    flat = all(
        g is not None and g <= 10 for g in (result["api_growth_pct"], result["graph_growth_pct"])
    )
    return 0 if run["errors"] == 0 and flat else 1


if __name__ == "__main__":
    sys.exit(main())
