"""Run the benchmark of one tier on one engine: ``python -m bench.run --tier demo|district|city
[--engine falkordb|neo4j]``.

1. Loads the tier with the seeds generator, timed, while watching the graph server's memory
   (``--reuse`` keeps a tier loaded by an earlier run). FalkorDB (embedded) loads into
   ``bench/data/<tier>``; Neo4j is a local Neo4j 5 server (``graph.local_neo4j``, heap and page
   cache set by ``--neo4j-heap-mb`` and ``--neo4j-pagecache-mb``) over ``bench/data/<tier>-neo4j``,
   reached over Bolt, stopped after the load and started again on the loaded store (timed).
2. Starts the service with uvicorn (timed: FalkorDB replays the graph's append-only file) and, for
   the floor and the baseline, a bare Starlette endpoint and the naive app, each its own process.
3. Samples arguments from the graph, then drives real HTTP requests from a separate process
   (``bench.load``) for each operation at each concurrency, and a mixed run with 10 % writes.
4. Measures the floors in this process: the same repository call straight on the store.
5. Writes ``bench/results/<tier>.json`` (FalkorDB) or ``bench/results/<tier>-neo4j.json``;
   ``python -m bench.report`` turns the results into docs/BENCHMARKS.md and its chart.

``--scenario fair-use`` runs only the fair-use scenario instead: node lookups at each
concurrency, alone and then while one analyst keeps ``heavy_per_viewer + 1`` of the heaviest
network requests the limits allow in flight (:func:`bench.ops.heaviest_analysis`), written to
``bench/results/<tier>[-neo4j]-fair-use.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from access.tokens import Role, mint
from bench import ops
from bench.load import percentile, rss_mb
from bench.naive import QUERY as NAIVE_QUERY
from config import Settings
from graph.engine import local_neo4j
from graph.engine.connect import open_store
from graph.engine.errors import GraphQueryError
from graph.engine.local_neo4j import LocalNeo4j, Memory, free_port
from graph.engine.system import node_count

ROOT = Path(__file__).resolve().parents[1]

TIERS: dict[str, list[str]] = {
    "demo": ["demo"],
    "district": ["city", "--residents", "100000", "--volunteers", "10000", "--needs", "20000"],
    "city": [
        "city", "--residents", "1000000", "--volunteers", "100000", "--needs", "200000",
        "--organizations", "5000",
    ],
}  # fmt: skip
ENGINES = ("falkordb", "neo4j")
# The JVM's heap and Neo4j's page cache (MiB) on the 24 GiB benchmark machine, stated with every
# result; --neo4j-heap-mb and --neo4j-pagecache-mb change them.
NEO4J_HEAP_MB = 2048
NEO4J_PAGECACHE_MB = 1024


def _falkordb_pid(data: Path) -> int | None:
    try:
        return int(json.loads((data / "server.json").read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None


class Graph:
    """The engine under test: its directory, the environment that points a process at it, and
    for Neo4j the server this run starts (FalkorDB's embedded server is started by whichever
    process opens the directory first)."""

    def __init__(self, engine: str, data: Path, memory: Memory) -> None:
        self.engine, self.data, self.memory = engine, data, memory
        self.server: LocalNeo4j | None = None
        self.start_s: float | None = None

    @property
    def neo4j(self) -> bool:
        return self.engine == "neo4j"

    def env(self) -> dict[str, str]:
        env = {
            **os.environ,
            "GRAPH_URI": "embedded",
            "GRAPH_DATA_DIR": str(self.data),
            "LOAD_DEMO_DATA": "false",
            "RATE_LIMIT_PER_MINUTE": "0",
            "LOG_LEVEL": "warning",
            "GRAPH_POOL_SIZE": "32",
        }
        if self.server is not None:
            env |= {
                "GRAPH_URI": self.server.uri,
                "NEO4J_USER": local_neo4j.USER,
                "NEO4J_PASSWORD": self.server.password,
                "NEO4J_DATABASE": local_neo4j.DATABASE,
            }
        return env

    def settings(self) -> Settings:
        return Settings.from_env(self.env())

    def pid(self) -> int | None:
        """The graph server's process (the JVM for Neo4j), for its resident memory."""
        if self.neo4j:
            return self.server.pid if self.server else None
        return _falkordb_pid(self.data)

    def start(self) -> float | None:
        """Start the Neo4j server on the directory (timed); nothing to do for FalkorDB."""
        if not self.neo4j:
            return None
        if self.server is None:
            self.server = LocalNeo4j(self.data, memory=self.memory, startup_timeout_s=900)
            started = time.perf_counter()
            self.server.start()
            self.start_s = round(time.perf_counter() - started, 1)
        return self.start_s

    def stop(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.stop(timeout_s=300)

    def wipe(self) -> None:
        self.stop()
        shutil.rmtree(self.data, ignore_errors=True)
        self.data.mkdir(parents=True)

    def holds_nodes(self) -> bool:
        """Whether the graph of an earlier run is there (Neo4j: the server is started for it)."""
        if not self.neo4j:
            return True  # FalkorDB's loaded tier is trusted from its bench-load.json
        self.start()
        return asyncio.run(_node_count(self.settings())) > 0

    def describe(self) -> dict[str, Any]:
        """What the result states about the engine: Neo4j's version, heap and page cache."""
        if not self.neo4j:
            return {"engine": "falkordb"}
        return {
            "engine": "neo4j",
            "version": _neo4j_version(),
            "java": _java_version(),
            "heap_mb": self.memory.heap_mb,
            "pagecache_mb": self.memory.pagecache_mb,
            "start_s": self.start_s,
        }


async def _node_count(settings: Settings) -> int:
    store = await open_store(settings, bootstrap=False)
    try:
        return await node_count(store)
    finally:
        await store.close()


def _neo4j_version() -> str | None:
    for jar in sorted((local_neo4j.TARGET / "lib").glob("neo4j-kernel-[0-9]*.jar")):
        return jar.stem.removeprefix("neo4j-kernel-")
    return None


def _java_version() -> str | None:
    try:
        done = subprocess.run(
            [local_neo4j.java(), "-version"], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    first = (done.stderr or done.stdout).splitlines()
    return first[0].strip() if first else None


class PeakWatcher(threading.Thread):
    """Polls the graph server's peak RSS while a load runs (the server may restart meanwhile)."""

    def __init__(self, pid: Callable[[], int | None]) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stopped = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            mb = rss_mb(self.pid())
            if mb:
                self.peak = max(self.peak, mb["peak"])


def load(tier: str, graph: Graph, seed: int) -> dict[str, Any]:
    """Load the tier from nothing: the tier's directory is the benchmark's own scratch space.

    FalkorDB: the loader starts its own graph server, as a site would. Neo4j: a fresh server on
    the emptied directory (its start is not part of the load's time), stopped afterwards so that
    the service meets a store opened from disk, as FalkorDB's does."""
    graph.wipe()
    graph.start()
    args = [sys.executable, "-m", "cli", "seed", *TIERS[tier], "--reset"]
    if tier != "demo":
        args += ["--seed", str(seed)]
    watcher = PeakWatcher(graph.pid)
    watcher.start()
    started = time.perf_counter()
    done = subprocess.run(
        args, cwd=ROOT, env=graph.env(), capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    watcher.stopped.set()
    watcher.join()
    if graph.neo4j:
        final = rss_mb(graph.pid())  # the watcher polls twice a second; VmHWM has the rest
        watcher.peak = max(watcher.peak, final["peak"] if final else 0.0)
        graph.stop()
    if done.returncode != 0:
        sys.exit(f"loading {tier} on {graph.engine} failed:\n{done.stderr[-2000:]}")
    summary = done.stdout.strip().splitlines()[0]
    print(f"{tier} ({graph.engine}): {summary} (wall {seconds:.1f} s)", file=sys.stderr)
    info = {"seconds": round(seconds, 1), "graph_peak_mb": watcher.peak, "summary": summary}
    (graph.data / "bench-load.json").write_text(json.dumps({"tier": tier, **info}))
    return info


class Service:
    """A uvicorn process serving ``target`` on a free port."""

    def __init__(self, target: str, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port",
             str(self.port), "--log-level", "warning", "--no-access-log"],
            cwd=ROOT, env=env,
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


async def floors(
    settings: Settings, operations: list[ops.Operation], seconds: float
) -> dict[str, Any]:
    """Each floor-bearing operation's repository call in this process, one at a time."""
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


async def sample(settings: Settings) -> list[ops.Operation]:
    store = await open_store(settings, bootstrap=False)
    try:
        return await ops.operations(store)
    except GraphQueryError as exc:
        sys.exit(f"sampling arguments failed: {exc} ({exc.detail})")
    finally:
        await store.close()


def drive(plan: dict[str, Any], out: Path) -> dict[str, Any]:
    """Run the plan in the load generator's process: ``{"prime": [...], "runs": [...]}``."""
    plan_path = out.with_suffix(".plan.json")
    plan_path.write_text(json.dumps(plan, ensure_ascii=False))
    subprocess.run(
        [sys.executable, "-m", "bench.load", str(plan_path), str(out)], cwd=ROOT, check=True
    )
    return json.loads(out.read_text())


def _plan(
    args: argparse.Namespace,
    operations: list[ops.Operation],
    token: str,
    services: dict[str, Service],
    graph_pid: int | None,
) -> dict[str, Any]:
    """The load generator's runs: each read at each level, the mix, the floor, the naive app."""
    levels = [int(x) for x in args.concurrency.split(",")]
    api, bare, naive = services["api"], services["bare"], services["naive"]
    plan: dict[str, Any] = {
        "host": "127.0.0.1", "port": api.port, "token": token,
        "pids": {"api": api.process.pid, "graph": graph_pid}, "runs": [],
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
    naive_item = {"name": "naive", "port": naive.port, "query": NAIVE_QUERY,
                  "variables": [{"c": _key(v["c"])} for v in nested_args]}  # fmt: skip
    plan["runs"].append({
        "name": "naive-nested", "port": naive.port, "concurrency": 1,
        "duration": args.duration, "mix": [naive_item],
    })  # fmt: skip
    if args.prime_cap > 0:
        reads = [op.mix_item() for op in operations if not op.write and op.variables]
        plan["prime"] = {"items": [*reads, naive_item], "concurrency": 2, "cap_s": args.prime_cap}
    return plan


def _fair_use_plan(
    args: argparse.Namespace,
    operations: list[ops.Operation],
    settings: Settings,
    hubs: list[str],
    api: Service,
    graph_pid: int | None,
) -> dict[str, Any]:
    """Node lookups at each level, alone, then beside one analyst's heaviest requests."""
    levels = [int(x) for x in args.concurrency.split(",")]
    node = next(op for op in operations if op.name == "node").mix_item()
    heavy = {"name": "analysis", "query": ops.heaviest_analysis(settings.limits, hubs),
             "variables": []}  # fmt: skip
    analyst = mint(settings, Role.ANALYST, "analyst-bench", ttl_s=6 * 3600)
    background = {"mix": [heavy], "concurrency": settings.limits.heavy_per_viewer + 1,
                  "token": analyst}  # fmt: skip
    runs: list[dict[str, Any]] = []
    for level in levels:
        runs.append({"name": "node", "mix": [node], "concurrency": level,
                     "duration": args.duration})  # fmt: skip
        runs.append({"name": "node, analyst busy", "mix": [node], "concurrency": level,
                     "duration": args.duration, "background": background})  # fmt: skip
    return {
        "host": "127.0.0.1", "port": api.port,
        "token": mint(settings, Role.ADMIN, "admin-bench", ttl_s=6 * 3600),
        "pids": {"api": api.process.pid, "graph": graph_pid}, "runs": runs,
        "prime": {"items": [node], "concurrency": 2, "cap_s": args.prime_cap},
    }  # fmt: skip


def fair_use(args: argparse.Namespace, graph: Graph, loaded: dict[str, Any], stem: str) -> None:
    """The fair-use scenario alone (see the module's note); its own result file."""
    api = Service("app:app", graph.env())
    try:
        api_start_s = api.wait("/readyz")
        settings = graph.settings()
        operations = asyncio.run(sample(settings))
        hubs = asyncio.run(_hubs(settings))
        plan = _fair_use_plan(args, operations, settings, hubs, api, graph.pid())
        driven = drive(plan, args.out / f"{stem}-fair-use.runs.json")
    finally:
        api.stop()
    limits = settings.limits
    result = {
        "tier": args.tier, "engine": args.engine, "graph": graph.describe(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": _machine(),
        "load": loaded, "api_start_s": round(api_start_s, 1), "runs": driven["runs"],
        "prime": driven["prime"],
        "analysis": {"query": plan["runs"][1]["background"]["mix"][0]["query"],
                     "streams": limits.heavy_per_viewer + 1, "max_work": limits.max_work,
                     "heavy_per_viewer": limits.heavy_per_viewer,
                     "heavy_total": limits.heavy_total,
                     "heavy_timeout_s": settings.graph_heavy_timeout_s},
        "settings": {"duration_s": args.duration, "concurrency": args.concurrency},
    }  # fmt: skip
    path = args.out / f"{stem}-fair-use.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"wrote {path}", file=sys.stderr)


async def _hubs(settings: Settings) -> list[str]:
    store = await open_store(settings, bootstrap=False)
    try:
        return await ops.hubs(store)
    finally:
        await store.close()


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--tier", choices=list(TIERS), required=True)
    parser.add_argument("--engine", choices=ENGINES, default="falkordb")
    parser.add_argument(
        "--scenario", choices=("all", "fair-use"), default="all",
        help="all: every operation (the tables); fair-use: simple reads beside one analyst's "
        "heaviest network queries, alone",
    )  # fmt: skip
    parser.add_argument("--reuse", action="store_true", help="keep a tier an earlier run loaded")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    parser.add_argument("--concurrency", default="1,4,16", help="comma-separated levels")
    parser.add_argument("--mix-duration", type=float, default=30.0, help="seconds of mixed load")
    parser.add_argument(
        "--prime-cap", type=float, default=60.0,
        help="seconds at most per operation for sending every argument set once before the "
        "runs (0: no priming)",
    )  # fmt: skip
    parser.add_argument("--neo4j-heap-mb", type=int, default=NEO4J_HEAP_MB, help="JVM heap, MiB")
    parser.add_argument(
        "--neo4j-pagecache-mb", type=int, default=NEO4J_PAGECACHE_MB, help="page cache, MiB"
    )
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    levels = [int(x) for x in args.concurrency.split(",")]
    # FalkorDB keeps the names of the runs before the engine dimension: <tier>, <tier>.json.
    stem = args.tier if args.engine == "falkordb" else f"{args.tier}-{args.engine}"
    data = (args.data / stem).resolve()
    args.out.mkdir(parents=True, exist_ok=True)
    data.mkdir(parents=True, exist_ok=True)
    graph = Graph(args.engine, data, Memory(args.neo4j_heap_mb, args.neo4j_pagecache_mb))

    # Load first, with the loader's own graph server (as a site would), then start the service,
    # which replays FalkorDB's append-only file: its start-up time is part of the result, and so
    # is the start of the Neo4j server on the loaded store.
    previous = data / "bench-load.json"
    earlier = json.loads(previous.read_text()) if previous.exists() else {}
    services: list[Service] = []
    try:
        if args.reuse and earlier.get("tier") == args.tier and graph.holds_nodes():
            loaded = earlier
        else:
            loaded = load(args.tier, graph, args.seed)
        graph_start_s = graph.start()
        if graph_start_s is not None:
            print(f"{args.tier}: Neo4j ready in {graph_start_s:.1f} s", file=sys.stderr)
        if args.scenario == "fair-use":
            fair_use(args, graph, loaded, stem)
            return 0
        env = graph.env()
        api = Service("app:app", env)
        services.append(api)
        api_start_s = api.wait("/readyz")
        print(f"{args.tier}: service ready in {api_start_s:.1f} s", file=sys.stderr)
        bare, naive = Service("bench.bare:app", env), Service("bench.naive:app", env)
        services += [bare, naive]
        settings = graph.settings()
        operations = asyncio.run(sample(settings))
        _wait_post(bare.port)
        _wait_post(naive.port)
        plan = _plan(
            args,
            operations,
            mint(settings, Role.ADMIN, "admin-bench", ttl_s=6 * 3600),
            {"api": api, "bare": bare, "naive": naive},
            graph.pid(),
        )
        driven = drive(plan, args.out / f"{stem}.runs.json")
        floor = asyncio.run(floors(settings, operations, seconds=args.duration / 2))
        result = {
            "tier": args.tier,
            "engine": args.engine,
            "graph": graph.describe(),
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": _machine(),
            "load": loaded,
            "api_start_s": round(api_start_s, 1),
            "graph_nodes": loaded.get("summary"),
            "prime": driven["prime"],
            "runs": driven["runs"],
            "floors": floor,
            "settings": {"duration_s": args.duration, "concurrency": levels,
                         "mix_duration_s": args.mix_duration, "prime_cap_s": args.prime_cap},
        }  # fmt: skip
        (args.out / f"{stem}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
        print(f"wrote {args.out / f'{stem}.json'}", file=sys.stderr)
    finally:
        for service in reversed(services):
            service.stop()
        graph.stop()
    return 0


def _key(global_id: str) -> str:
    from api.ids import from_global_id  # noqa: PLC0415

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
