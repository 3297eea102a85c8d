"""Sustained load: ``python -m bench.soak --tier district --minutes 10``.

The mixed operations of ``bench.run`` (reads, and sign-ups and service records at 10 %) at a
steady concurrency for the whole time, while the API's and the graph server's resident memory is
sampled every 10 s. Memory is flat when it grows by at most 10 % from the end of the first
minute (warm-up: caches, connection pools, the engine's plan cache) to the end. Writes
``bench/results/soak-<tier>.json``; reuses a tier ``bench.run`` loaded when there is one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import threading
import time
from pathlib import Path
from typing import Any

from auth import Role, mint
from bench import ops
from bench.load import rss_mb
from bench.run import ROOT, Service, _env, _graph_pid, drive, load, sample
from config import Settings

WARM_UP_S = 60.0


class Sampler(threading.Thread):
    def __init__(self, api: int, data: Path, every_s: float = 10.0) -> None:
        super().__init__(daemon=True)
        self.api, self.data, self.every_s = api, data, every_s
        self.samples: list[dict[str, Any]] = []
        self.stopped = threading.Event()
        self.started = time.monotonic()

    def run(self) -> None:
        while not self.stopped.wait(self.every_s):
            api, graph = rss_mb(self.api), rss_mb(_graph_pid(self.data))
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
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    args = parser.parse_args(argv)
    data = (args.data / args.tier).resolve()
    data.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    previous = data / "bench-load.json"
    if not (previous.exists() and json.loads(previous.read_text())["tier"] == args.tier):
        load(args.tier, data, seed=1)
    api = Service("app:app", data)
    try:
        api.wait("/readyz")
        operations = {op.name: op for op in asyncio.run(sample(data))}
        mix = [operations[n].mix_item(w) for n, w in ops.MIX_WEIGHTS.items()
               if operations[n].variables]  # fmt: skip
        plan = {
            "host": "127.0.0.1", "port": api.port,
            "token": mint(Settings.from_env(_env(data)), Role.ADMIN, "admin-soak", ttl_s=7200),
            "pids": {"api": api.process.pid, "graph": _graph_pid(data)},
            "runs": [{"name": "soak", "mix": mix, "concurrency": args.concurrency,
                      "duration": args.minutes * 60, "warmup": 5}],
        }  # fmt: skip
        sampler = Sampler(api.process.pid, data)
        sampler.start()
        (run,) = drive(plan, args.out / f"soak-{args.tier}.runs.json")
        sampler.stopped.set()
    finally:
        api.stop()
    result = {
        "tier": args.tier, "minutes": args.minutes, "concurrency": args.concurrency,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "run": run,
        "memory": sampler.samples,
        "api_growth_pct": growth(sampler.samples, "api_mb"),
        "graph_growth_pct": growth(sampler.samples, "graph_mb"),
    }  # fmt: skip
    out = args.out / f"soak-{args.tier}.json"
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
