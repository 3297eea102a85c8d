"""The live benchmark (docs/LIVE.md, docs/BENCHMARKS.md): what recording the event costs a write,
and how many events per second reach 100 WebSocket subscribers.

    .venv/bin/python -m bench.live [--writes 300] [--subscribers 100] [--events 100]

On a fresh embedded graph (a temporary directory) with the demo data:
1. *added cost per write*: the same workflow step (posting a recruitment, one guarded statement)
   run ``--writes`` times as it is, and as it would be without its event (the statement text with
   the event log's clause removed), alternating; the p50s compared;
2. *events per second to N subscribers*: one API process (uvicorn on 127.0.0.1), ``--subscribers``
   WebSocket clients each subscribed to ``recruitments``; ``--events`` recruitments posted
   back to back in this process; the time from the first write to the last event received by the
   last client. Prints a JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from access.tokens import Role, mint
from bench.readiness import wait_ready
from config import Settings
from graph.engine.connect import open_store
from graph.engine.cypher import dynamic
from graph.engine.local_neo4j import free_port
from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.entities import node_rows
from graph.model.services import RECRUITMENTS, Recruitment
from graph.workflows.guards import RECORD
from graph.workflows.recruitments import POST_RECRUITMENT
from graph.workflows.runner import Request, new_id, perform
from seeds import demo

ROOT = Path(__file__).resolve().parents[1]
WITHOUT_LOG = dynamic(
    "bench.post_recruitment_unlogged", POST_RECRUITMENT.statement.template.replace(RECORD, "")
)
ORGANIZATION = "org-zs-lianhe"


async def post(store: GraphStore, statement: Any, title: str) -> float:
    recruitment = Recruitment(new_id("recruitment"), title, capacity=10)
    row = node_rows(RECRUITMENTS, [recruitment])[0]
    params = {
        "id": recruitment.id,
        "props": row["props"],
        "search": row["search"],
        "organization": ORGANIZATION,
        "community": None,
        "venue": None,
        "project": None,
        "skills": [],
    }
    started = time.perf_counter()
    await perform(
        store,
        statement,
        params,
        Request("postRecruitment", {"title": title}, by="admin-bench"),
        recruitment.id,
        {},
        change=Change("RECRUITMENT_POSTED", "Recruitment", {"Organization": [ORGANIZATION]}),
    )
    return (time.perf_counter() - started) * 1000


async def added_cost(store: GraphStore, writes: int) -> dict[str, float]:
    logged: list[float] = []
    bare: list[float] = []
    for i in range(writes):
        logged.append(await post(store, POST_RECRUITMENT, f"bench logged {i}"))
        bare.append(await post(store, WITHOUT_LOG, f"bench bare {i}"))
    with_log, without = statistics.median(logged), statistics.median(bare)
    return {
        "write_p50_ms_with_event": round(with_log, 3),
        "write_p50_ms_without_event": round(without, 3),
        "added_ms_per_write": round(with_log - without, 3),
    }


def start_api(settings: Settings, subscribers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "GRAPH_DATA_DIR": str(settings.graph_data_dir),
        "GRAPH_NAME": settings.graph_name,
        "LOAD_DEMO_DATA": "false",
        "LOG_LEVEL": "warning",
        "LIVE_CONNECTIONS_PER_VIEWER": str(subscribers + 1),
        "LIVE_SUBSCRIPTIONS_PER_VIEWER": str(subscribers + 1),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app:app", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if wait_ready(process, f"http://127.0.0.1:{port}", budget_s=60):
        return process, port
    process.kill()
    raise SystemExit("the API did not start")


async def fan_out(store: GraphStore, settings: Settings, subscribers: int, events: int) -> dict:
    process, port = start_api(settings, subscribers)
    token = mint(settings, Role.ADMIN, "admin-bench")
    done = asyncio.Event()
    finished: list[float] = []

    async def client(ready: asyncio.Event) -> None:
        async with connect(
            f"ws://127.0.0.1:{port}/graphql",
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            max_queue=None,
        ) as ws:
            init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            await ws.send(json.dumps(init))
            await ws.recv()
            query = "subscription { recruitments { cursor kind freePlaces } }"
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            ready.set()
            got = 0
            while got < events:
                message = json.loads(await ws.recv())
                if message.get("type") == "next":
                    got += 1
            finished.append(time.perf_counter())
            if len(finished) == subscribers:
                done.set()

    try:
        readies = [asyncio.Event() for _ in range(subscribers)]
        tasks = [asyncio.create_task(client(r)) for r in readies]
        for ready in readies:
            await ready.wait()
        await asyncio.sleep(1.0)  # every subscription running
        started = time.perf_counter()
        for i in range(events):
            await post(store, POST_RECRUITMENT, f"bench fan-out {i}")
        await asyncio.wait_for(done.wait(), 300)
        elapsed = max(finished) - started
        await asyncio.gather(*tasks)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {
        "subscribers": subscribers,
        "events": events,
        "seconds": round(elapsed, 3),
        "events_delivered_per_s": round(subscribers * events / elapsed, 1),
    }


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=300)
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--events", type=int, default=100)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(graph_data_dir=Path(home), graph_name="benchlive", load_demo_data=False)
        store = await open_store(settings)
        try:
            await demo.load(store)
            result = {"engine": "falkordb", **await added_cost(store, args.writes)}
            result.update(await fan_out(store, settings, args.subscribers, args.events))
        finally:
            await store.close()
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main())
