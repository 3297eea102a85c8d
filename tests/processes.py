"""Helpers for tests that start and kill real processes."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.crash import Service
from graph.engine.embedded import _is_alive
from graph.engine.local_neo4j import LocalNeo4j, Memory


def wait_gone(pid: int, timeout_s: float = 15.0) -> bool:
    """True once ``pid`` has exited (a zombie counts as gone), False if it outlives the wait."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _is_alive(pid):
            return True
        time.sleep(0.05)
    return False


@asynccontextmanager
async def service_process(
    tmp_path: Path, engine: str, *, ready_timeout_s: float = 120
) -> AsyncIterator[Service]:
    """The service as its own process on the demo data, on its own embedded graph (``engine``
    "falkordb") or its own Neo4j server ("neo4j"), ready to answer; stopped, with its graph,
    on the way out."""
    neo4j = None
    if engine == "neo4j":
        neo4j = LocalNeo4j(tmp_path / "neo4j", memory=Memory(heap_mb=512, pagecache_mb=128))
        neo4j.start()
    running = Service(tmp_path / "graph", neo4j)
    try:
        running.start()
        await running.ready(timeout_s=ready_timeout_s)
        yield running
    finally:
        running.stop()
        if neo4j is not None:
            neo4j.stop()
