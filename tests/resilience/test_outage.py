"""When the graph stops answering, requests fail fast with GRAPH_UNAVAILABLE and /readyz says 503;
when it answers again (or the service restarted it), everything works again by itself."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from access.tokens import Role, mint
from bench.crash import Service
from tests.processes import service_process

QUERY = "{ needs(first: 1) { totalCount } }"
FAST_S = 2.0

pytestmark = pytest.mark.slow


@pytest.fixture(params=["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
async def service(
    tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[Service, httpx.AsyncClient]]:
    """The service as its own process, on its own embedded graph or its own Neo4j server."""
    async with service_process(tmp_path, request.param) as running:
        token = mint(running.settings, Role.ADMIN, "admin-outage-test")
        try:
            async with httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{running.port}",
                headers={"Authorization": f"Bearer {token}"},
                timeout=30,
            ) as http:
                yield running, http
        finally:  # a test may leave the graph stopped: it must be able to exit
            graph = running.graph_pid()
            if graph:
                os.kill(graph, signal.SIGCONT)


async def _ask(http: httpx.AsyncClient) -> tuple[float, int, dict]:
    started = time.monotonic()
    response = await http.post("/graphql", json={"query": QUERY})
    return time.monotonic() - started, response.status_code, response.json()


async def _until(predicate, timeout_s: float = 60.0) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        if await predicate():
            return time.monotonic() - started
        await asyncio.sleep(0.1)
    raise AssertionError(f"not within {timeout_s:.0f} s")


def _unavailable(body: dict) -> bool:
    return [e["extensions"]["code"] for e in body.get("errors", [])] == ["GRAPH_UNAVAILABLE"]


async def test_a_killed_graph_server_fails_requests_fast_and_all_works_once_it_is_back(
    service: tuple[Service, httpx.AsyncClient],
) -> None:
    """The embedded FalkorDB is restarted by the service; a Neo4j server by its operator
    (systemd, Aura), which the test plays once the service has been seen failing fast."""
    running, http = service
    (_, _, body) = await _ask(http)
    total = body["data"]["needs"]["totalCount"]
    old = running.graph_pid()
    assert old is not None

    running.kill("graph")
    answers = [await _ask(http) for _ in range(5)]
    if running.neo4j is not None:
        assert all(_unavailable(b) for _, _, b in answers), answers
        assert (await http.get("/readyz")).status_code == 503
        running.neo4j.start()

    assert all(seconds <= FAST_S for seconds, _, _ in answers), answers
    assert all(status == 200 for _, status, _ in answers)
    assert any(_unavailable(b) for _, _, b in answers) or answers[-1][2]["data"]
    for _, _, b in answers:
        assert _unavailable(b) or b["data"]["needs"]["totalCount"] == total

    async def healthy() -> bool:
        ready = await http.get("/readyz")
        (_, _, b) = await _ask(http)
        return ready.status_code == 200 and "data" in b and b.get("errors") is None

    await _until(healthy)
    assert running.graph_pid() not in {None, old}
    (_, _, body) = await _ask(http)
    assert body["data"]["needs"]["totalCount"] == total  # nothing lost in the restart


async def test_a_frozen_graph_server_is_noticed_and_requests_fail_fast_until_it_thaws(
    service: tuple[Service, httpx.AsyncClient],
) -> None:
    running, http = service
    graph = running.graph_pid()
    assert graph is not None

    os.kill(graph, signal.SIGSTOP)
    await asyncio.sleep(2.0)  # the service's watch pings every 0.5 s with a 1 s deadline
    frozen = [await _ask(http) for _ in range(3)]
    ready = await http.get("/readyz")

    assert all(seconds <= FAST_S and _unavailable(b) for seconds, _, b in frozen), frozen
    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"

    os.kill(graph, signal.SIGCONT)

    async def answers() -> bool:
        (_, _, b) = await _ask(http)
        return "data" in b and b.get("errors") is None

    assert await _until(answers, 10.0) < 10.0
    assert (await http.get("/readyz")).status_code == 200
    assert running.graph_pid() == graph  # thawed, not restarted
