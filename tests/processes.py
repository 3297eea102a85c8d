"""Helpers for tests that start and kill real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.crash import Service
from bench.readiness import wait_ready
from config import Settings
from graph.engine.embedded import _is_alive
from graph.engine.local_neo4j import LocalNeo4j, Memory, free_port
from tests.conftest import graph_env

ROOT = Path(__file__).resolve().parents[1]


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


@dataclass
class Api:
    """One API process (uvicorn on 127.0.0.1)."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        wait_gone(self.process.pid)


def start_api(settings: Settings, logs: Path, extra: Mapping[str, str]) -> Api:
    """An API process (``uvicorn app:app``) on the graph ``settings`` name, with ``extra`` in its
    environment, ready to answer; its output goes to a log file under ``logs``."""
    port = free_port()
    env = {**os.environ, **graph_env(settings), **extra}
    log = logs / f"api-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "app:app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    api = Api(process, port, log)
    if wait_ready(process, f"http://127.0.0.1:{port}", budget_s=60):
        return api
    api.stop()
    raise AssertionError(f"the API did not start (exited or not ready in time): {log.read_text()}")
