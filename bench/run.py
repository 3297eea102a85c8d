"""Run the benchmark of one tier: ``python -m bench.run --tier demo|district|city``.

1. Loads the tier into ``bench/data/<tier>`` with the seeds generator, timed, while watching the
   graph server's memory (``--reuse`` keeps a tier loaded by an earlier run).
2. Starts the service with uvicorn (timed: it replays the graph's append-only file) and, for the
   floor and the baseline, a bare Starlette endpoint and the naive app, each its own process.
3. Samples arguments from the graph, then drives real HTTP requests from a separate process
   (``bench.load``) for each operation at each concurrency, and a mixed run with 10 % writes.
4. Measures the floors in this process: the same repository call straight on the store.
5. Writes ``bench/results/<tier>.json``; ``python -m bench.report`` turns the results into
   docs/BENCHMARKS.md and its chart.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from auth import Role, mint
from bench import ops
from bench.load import percentile, rss_mb
from bench.naive import QUERY as NAIVE_QUERY
from config import Settings
from graph.connect import open_store
from graph.errors import GraphQueryError

ROOT = Path(__file__).resolve().parents[1]

TIERS: dict[str, list[str]] = {
    "demo": ["demo"],
    "district": ["city", "--residents", "100000", "--volunteers", "10000", "--needs", "20000"],
    "city": [
        "city", "--residents", "1000000", "--volunteers", "100000", "--needs", "200000",
        "--organizations", "5000",
    ],
}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(data: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GRAPH_DATA_DIR": str(data),
        "LOAD_DEMO_DATA": "false",
        "RATE_LIMIT_PER_MINUTE": "0",
        "LOG_LEVEL": "warning",
        "GRAPH_POOL_SIZE": "32",
    }


def _graph_pid(data: Path) -> int | None:
    try:
        return int(json.loads((data / "server.json").read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None


class PeakWatcher(threading.Thread):
    """Polls the graph server's peak RSS while a load runs (the server may restart meanwhile)."""

    def __init__(self, data: Path) -> None:
        super().__init__(daemon=True)
        self.data, self.peak, self.stopped = data, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            mb = rss_mb(_graph_pid(self.data))
            if mb:
                self.peak = max(self.peak, mb["peak"])


def load(tier: str, data: Path, seed: int) -> dict[str, Any]:
    """Load the tier from nothing: the tier's directory is the benchmark's own scratch space."""
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    args = [sys.executable, "-m", "cli", "seed", *TIERS[tier], "--reset"]
    if tier != "demo":
        args += ["--seed", str(seed)]
    watcher = PeakWatcher(data)
    watcher.start()
    started = time.perf_counter()
    done = subprocess.run(
        args, cwd=ROOT, env=_env(data), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    watcher.stopped.set()
    if done.returncode != 0:
        sys.exit(f"loading {tier} failed:\n{done.stderr[-2000:]}")
    summary = done.stdout.strip().splitlines()[0]
    print(f"{tier}: {summary} (wall {seconds:.1f} s)", file=sys.stderr)
    info = {"seconds": round(seconds, 1), "graph_peak_mb": watcher.peak, "summary": summary}
    (data / "bench-load.json").write_text(json.dumps({"tier": tier, **info}))
    return info


class Service:
    """A uvicorn process serving ``target`` on a free port."""

    def __init__(self, target: str, data: Path) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port",
             str(self.port), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=_env(data),
        )  # fmt: skip

    def wait(self, path: str, timeout_s: float = 900) -> float:
        started = time.perf_counter()
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"the service on port {self.port} exited ({self.process.returncode}).")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2):
                    return time.perf_counter() - started
            except OSError:
                time.sleep(0.2)
        sys.exit(f"the service on port {self.port} was not ready in {timeout_s:.0f} s.")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError):
        mem_kib = 0
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 1024**2, 1),
        "python": platform.python_version(), "os": platform.platform(terse=True),
    }  # fmt: skip


async def floors(data: Path, operations: list[ops.Operation], seconds: float) -> dict[str, Any]:
    """Each floor-bearing operation's repository call in this process, one at a time."""
    settings = Settings.from_env(_env(data))
    store = await open_store(settings, bootstrap=False)
    results: dict[str, Any] = {}
    try:
        for op in operations:
            if op.floor is None or not op.floor_args:
                continue
            for args in op.floor_args[:5]:  # warm-up
                await op.floor(store, args)
            latencies: list[float] = []
            deadline = time.monotonic() + seconds
            i = 0
            while time.monotonic() < deadline:
                args = op.floor_args[i % len(op.floor_args)]
                i += 1
                started = time.perf_counter()
                await op.floor(store, args)
                latencies.append((time.perf_counter() - started) * 1000)
            latencies.sort()
            results[op.name] = {
                "requests": len(latencies), "p50": percentile(latencies, 50),
                "p99": percentile(latencies, 99),
                "mean": round(sum(latencies) / len(latencies), 2),
            }  # fmt: skip
    finally:
        await store.close()
    return results


async def sample(data: Path) -> list[ops.Operation]:
    store = await open_store(Settings.from_env(_env(data)), bootstrap=False)
    try:
        return await ops.operations(store)
    except GraphQueryError as exc:
        sys.exit(f"sampling arguments failed: {exc} ({exc.detail})")
    finally:
        await store.close()


def drive(plan: dict[str, Any], out: Path) -> list[dict[str, Any]]:
    plan_path = out.with_suffix(".plan.json")
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    subprocess.run(
        [sys.executable, "-m", "bench.load", str(plan_path), str(out)], cwd=ROOT, check=True
    )
    return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--tier", choices=list(TIERS), required=True)
    parser.add_argument("--reuse", action="store_true", help="keep a tier an earlier run loaded")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    parser.add_argument("--concurrency", default="1,4,16", help="comma-separated levels")
    parser.add_argument("--mix-duration", type=float, default=30.0, help="seconds of mixed load")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.concurrency.split(",")]
    data = (args.data / args.tier).resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)

    # Load first, with the loader's own graph server (as a site would), then start the service,
    # which replays the append-only file: its start-up time is part of the result.
    previous = data / "bench-load.json"
    earlier = json.loads(previous.read_text()) if previous.exists() else {}
    if args.reuse and earlier.get("tier") == args.tier:
        loaded = earlier
    else:
        loaded = load(args.tier, data, args.seed)
    api = Service("app:app", data)
    services = [api]
    try:
        api_start_s = api.wait("/readyz")
        print(f"{args.tier}: service ready in {api_start_s:.1f} s", file=sys.stderr)
        bare, naive = Service("bench.bare:app", data), Service("bench.naive:app", data)
        services += [bare, naive]
        operations = asyncio.run(sample(data))
        _wait_post(bare.port)
        _wait_post(naive.port)
        settings = Settings.from_env(_env(data))
        plan: dict[str, Any] = {
            "host": "127.0.0.1", "port": api.port,
            "token": mint(settings, Role.ADMIN, "admin-bench", ttl_s=6 * 3600),
            "pids": {"api": api.process.pid, "graph": _graph_pid(data)}, "runs": [],
        }  # fmt: skip
        by_name = {op.name: op for op in operations}
        for op in operations:
            if op.write or not op.variables:
                continue
            for level in levels[:1] if op.solo else levels:
                plan["runs"].append({
                    "name": op.name, "mix": [op.mix_item()], "concurrency": level,
                    "duration": args.duration,
                })  # fmt: skip
        mix = [by_name[n].mix_item(w) for n, w in ops.MIX_WEIGHTS.items() if by_name[n].variables]
        plan["runs"].append({"name": "mixed", "mix": mix, "concurrency": max(levels),
                             "duration": args.mix_duration})  # fmt: skip
        plan["runs"].append({
            "name": "bare", "port": bare.port, "concurrency": 1, "duration": args.duration,
            "mix": [{"name": "bare", "query": "{ ok }", "variables": []}],
        })  # fmt: skip
        nested_args = [{"c": v["c"]} for v in by_name["nested"].variables]
        naive_vars = [{"c": _key(v["c"])} for v in nested_args]
        plan["runs"].append({
            "name": "naive-nested", "port": naive.port, "concurrency": 1,
            "duration": args.duration, "mix": [{"name": "naive", "query": NAIVE_QUERY,
                                                "variables": naive_vars}],
        })  # fmt: skip
        runs = drive(plan, args.out / f"{args.tier}.runs.json")
        floor = asyncio.run(floors(data, operations, seconds=args.duration / 2))
        result = {
            "tier": args.tier,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": _machine(),
            "load": loaded,
            "api_start_s": round(api_start_s, 1),
            "graph_nodes": loaded.get("summary"),
            "runs": runs,
            "floors": floor,
            "settings": {"duration_s": args.duration, "concurrency": levels,
                         "mix_duration_s": args.mix_duration},
        }  # fmt: skip
        (args.out / f"{args.tier}.json").write_text(
            json.dumps(result, indent=1, ensure_ascii=False)
        )
        print(f"wrote {args.out / f'{args.tier}.json'}", file=sys.stderr)
    finally:
        for service in reversed(services):
            service.stop()
    return 0


def _key(global_id: str) -> str:
    from schema.relay import from_global_id  # noqa: PLC0415

    return from_global_id(global_id)[1]


def _wait_post(port: int, timeout_s: float = 120) -> None:
    """Wait until an app answers a POST on /graphql (the naive app opens the graph first)."""
    deadline = time.monotonic() + timeout_s
    body = json.dumps({"query": "{ __typename }"}).encode()
    while time.monotonic() < deadline:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/graphql", data=body,
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"nothing answered on port {port} within {timeout_s:.0f} s.")


if __name__ == "__main__":
    sys.exit(main())
