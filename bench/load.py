"""The load generator, run as its own process: ``python -m bench.load PLAN.json RESULT.json``.

The plan lists runs (an operation mix, a concurrency, a duration). Before the first, the plan's
``prime`` items are each sent with every one of their argument sets once, unmeasured (capped in
time): the engine plans every statement it will meet and touches the data, so that no run
measures a first time (Neo4j replans a statement several times in its first minute after a
start, 0.1–2 s each for the matching statement). Each run then warms up, keeps ``concurrency``
requests in flight for ``duration`` seconds and records every latency. An answer counts as an
error when it is not HTTP 200 or carries a GraphQL error, except the refusals a write may meet by
design (a full recruitment: ``CONFLICT``), which are counted apart. The API's and the graph
server's memory are read from /proc at the end of each run. The result holds ``prime`` and
``runs``.

A run may have a ``background``: other requests kept going, with their own token, from before
its warm-up to the end of its measurement (one analyst's heaviest network queries while the
measured viewer reads); their answers are counted apart (answered, refused with
``RATE_LIMITED``, errors), not in the run's latencies.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.client import Connection

REFUSALS = {"CONFLICT"}


def rss_mb(pid: int | None) -> dict[str, float] | None:
    """Current and peak resident memory of a process, MiB (None when it is gone).

    A process that has exited but not yet been reaped (a graph server stopped by its memory
    watcher, a zombie) still has a status file, without memory lines: that is "gone" too, not an
    error that would end the watching thread and the benchmark with it."""
    if not pid:
        return None
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    if "VmRSS" not in fields or "VmHWM" not in fields:
        return None
    kib = lambda name: int(fields[name].split()[0])  # noqa: E731
    return {"rss": round(kib("VmRSS") / 1024, 1), "peak": round(kib("VmHWM") / 1024, 1)}


def percentile(sorted_ms: list[float], p: float) -> float:
    if not sorted_ms:
        return float("nan")
    index = min(len(sorted_ms) - 1, max(0, round(p / 100 * len(sorted_ms) + 0.5) - 1))
    return round(sorted_ms[index], 2)


class Mix:
    """Picks the next request of a run: an operation by weight, then one of its argument sets."""

    def __init__(self, items: list[dict[str, Any]], seed: int) -> None:
        self.items = items
        self.weights = [item.get("weight", 1) for item in items]
        self.random = random.Random(seed)

    def next(self) -> tuple[dict[str, Any], dict[str, Any]]:
        item = self.random.choices(self.items, self.weights)[0]
        variables = dict(self.random.choice(item["variables"])) if item["variables"] else {}
        for name in item.get("fresh", ()):
            variables[name] = uuid.uuid4().hex
        return item, {"query": item["query"], "variables": variables}


async def one_run(plan: dict[str, Any], run: dict[str, Any], seed: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {plan['token']}"} if plan.get("token") else {}
    mix = Mix(run["mix"], seed)
    latencies: list[float] = []
    errors = refused = 0
    examples: list[str] = []
    measuring = False
    stop_at = 0.0

    async def worker() -> None:
        nonlocal errors, refused
        connection = Connection(plan["host"], run.get("port", plan["port"]), headers)
        try:
            while time.monotonic() < stop_at:
                item, payload = mix.next()
                started = time.perf_counter()
                try:
                    status, body = await connection.post(run.get("path", "/graphql"), payload)
                    answer = json.loads(body) if body else {}
                except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                    status, answer = 0, {"errors": [{"message": repr(exc)}]}
                elapsed = (time.perf_counter() - started) * 1000
                if not measuring:
                    continue
                latencies.append(elapsed)
                problems = answer.get("errors") if isinstance(answer, dict) else None
                if status == 200 and not problems:
                    continue
                codes = {(e.get("extensions") or {}).get("code") for e in problems or []}
                if status == 200 and item.get("write") and codes <= REFUSALS:
                    refused += 1
                    continue
                errors += 1
                if len(examples) < 3:
                    examples.append(
                        f"{item.get('name')}: HTTP {status} {json.dumps(problems)[:300]}"
                    )
        finally:
            await connection.close()

    concurrency = run["concurrency"]
    finished = asyncio.Event()
    background = run.get("background")
    behind = (
        asyncio.create_task(keep_going(plan, background, finished, seed)) if background else None
    )
    # Warm up (connections, caches, the engine's plan cache), then measure.
    stop_at = time.monotonic() + run.get("warmup", 2.0)
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    measuring = True
    started = time.monotonic()
    stop_at = started + run["duration"]
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.monotonic() - started
    finished.set()
    latencies.sort()
    extra = {"background": await behind} if behind is not None else {}
    return {
        **extra,
        "name": run["name"],
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": errors,
        "refused": refused,
        "error_examples": examples,
        "throughput": round(len(latencies) / wall, 1),
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "mean": round(sum(latencies) / len(latencies), 2) if latencies else None,
        "max": round(latencies[-1], 2) if latencies else None,
        "api_mb": rss_mb(plan.get("pids", {}).get("api")),
        "graph_mb": rss_mb(plan.get("pids", {}).get("graph")),
    }


async def keep_going(
    plan: dict[str, Any], background: dict[str, Any], finished: asyncio.Event, seed: int
) -> dict[str, Any]:
    """A run's background load, until ``finished``: counts of its answers by outcome."""
    headers = {"Authorization": f"Bearer {background['token']}"}
    mix = Mix(background["mix"], seed + 1000)
    counts = {"answered": 0, "refused": 0, "errors": 0}
    seconds: list[float] = []
    examples: list[str] = []

    async def worker() -> None:
        connection = Connection(plan["host"], plan["port"], headers)
        try:
            while not finished.is_set():
                _, payload = mix.next()
                started = time.perf_counter()
                try:
                    status, body = await connection.post("/graphql", payload)
                    answer = json.loads(body) if body else {}
                except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                    status, answer = 0, {"errors": [{"message": repr(exc)}]}
                problems = answer.get("errors") if isinstance(answer, dict) else None
                codes = {(e.get("extensions") or {}).get("code") for e in problems or []}
                if status == 200 and not problems:
                    counts["answered"] += 1
                    seconds.append(time.perf_counter() - started)
                elif status == 200 and codes == {"RATE_LIMITED"}:
                    counts["refused"] += 1
                    # The refusal says when to come back; a polite client waits that long.
                    wait = max((e.get("extensions") or {}).get("retryAfter", 1) for e in problems)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(finished.wait(), wait)
                else:
                    counts["errors"] += 1
                    if len(examples) < 3:
                        examples.append(f"HTTP {status} {json.dumps(problems)[:300]}")
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(background["concurrency"])))
    seconds.sort()
    return {
        **counts, "concurrency": background["concurrency"], "error_examples": examples,
        "answer_p50_s": round(seconds[len(seconds) // 2], 2) if seconds else None,
    }  # fmt: skip


async def prime_one(
    plan: dict[str, Any], item: dict[str, Any], concurrency: int, cap_s: float
) -> dict[str, Any]:
    """Each of the item's argument sets once, ``concurrency`` at a time, until done or ``cap_s``."""
    headers = {"Authorization": f"Bearer {plan['token']}"} if plan.get("token") else {}
    pending = list(item["variables"]) or [{}]
    total, sent, errors = len(pending), 0, 0
    examples: list[str] = []
    started = time.monotonic()
    deadline = started + cap_s

    async def worker() -> None:
        nonlocal sent, errors
        connection = Connection(plan["host"], item.get("port", plan["port"]), headers)
        try:
            while pending and time.monotonic() < deadline:
                payload = {"query": item["query"], "variables": pending.pop()}
                try:
                    status, body = await connection.post(item.get("path", "/graphql"), payload)
                    answer = json.loads(body) if body else {}
                except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
                    status, answer = 0, {"errors": [{"message": repr(exc)}]}
                sent += 1
                problems = answer.get("errors") if isinstance(answer, dict) else None
                if status != 200 or problems:
                    errors += 1
                    if len(examples) < 3:
                        examples.append(f"HTTP {status} {json.dumps(problems)[:300]}")
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return {
        "name": item["name"], "requests": sent, "of": total, "errors": errors,
        "error_examples": examples, "seconds": round(time.monotonic() - started, 1),
    }  # fmt: skip


async def main(plan: dict[str, Any]) -> dict[str, Any]:
    primed = []
    prime = plan.get("prime") or {}
    for item in prime.get("items", []):
        result = await prime_one(plan, item, prime.get("concurrency", 2), prime.get("cap_s", 60))
        primed.append(result)
        print(
            f"  primed {result['name']:<14} {result['requests']}/{result['of']} argument sets in "
            f"{result['seconds']:.1f} s  errors {result['errors']}",
            file=sys.stderr,
            flush=True,
        )
    results = []
    for number, run in enumerate(plan["runs"]):
        result = await one_run(plan, run, seed=number)
        results.append(result)
        print(
            f"  {result['name']:<16} c={result['concurrency']:<3} {result['throughput']:>8.1f}/s "
            f"p50 {result['p50']:>8.2f} p99 {result['p99']:>8.2f} ms  errors {result['errors']}",
            file=sys.stderr,
            flush=True,
        )
    return {"prime": primed, "runs": results}


if __name__ == "__main__":
    try:
        import uvloop  # the client's own overhead stays small
    except ImportError:  # pragma: no cover
        uvloop = None  # type: ignore[assignment]
    runner = uvloop.run if uvloop else asyncio.run
    answers = runner(main(json.loads(Path(sys.argv[1]).read_text())))
    Path(sys.argv[2]).write_text(json.dumps(answers, indent=1, ensure_ascii=False))
