"""One analyst's heavy network queries cannot take the graph from everyone else.

The attack this answers: three requests of one analyst, each a depth-4 neighbourhood aliased many
times, held every pooled graph connection for seconds; other viewers' reads waited and failed with
GRAPH_UNAVAILABLE, and /readyz (whose ping could collide with the service's own watch) said 503.
Now a request's network work is costed per alias (``MAX_QUERY_WORK``), a viewer runs at most
``heavy_per_viewer`` heavy operations at once (the excess is RATE_LIMITED with a retry hint), and
heavy statements run in a lane of fewer graph threads than the engine has, under a shorter
deadline. Latency under this load is a benchmark row (docs/BENCHMARKS.md), not asserted here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from access.tokens import Role, mint
from api.ids import to_global_id as gid
from bench.crash import Service
from config import Limits, Settings
from graph.engine.errors import GraphTimeout
from graph.engine.store import GraphStore, Lane, running_in
from schema.limits import NETWORK_WORK, FairUse
from tests.graph.test_store import SLOW
from tests.processes import service_process

# Places to start from in the demo graph that reach far within four hops.
HUBS = [
    gid("District", "district-zs-east"),
    gid("Community", "community-zs-qiwan"),
    gid("Organization", "org-zs-east-clinic"),
]
DEEPEST = {"depth": 4, "limit": 500}  # the largest the neighbourhood's arguments allow
NODE = "query ($id: ID!) { node(id: $id) { id ... on Volunteer { name } } }"
VOLUNTEER = gid("Volunteer", "volunteer-zs-near")


def heaviest_runs(limits: Limits) -> int:
    """How many deepest neighbourhoods one request's work budget admits."""
    return limits.max_work // NETWORK_WORK[("Query", "neighborhood")](DEEPEST).rows


def heaviest_request(limits: Limits) -> str:
    """The heaviest request the limits allow: :func:`heaviest_runs` aliases of the deepest."""
    runs = heaviest_runs(limits)
    assert runs >= 2
    fields = " ".join(
        f'n{i}: neighborhood(id: "{HUBS[i % len(HUBS)]}", depth: {DEEPEST["depth"]}, '
        f"limit: {DEEPEST['limit']}) {{ nodes {{ id name }} edges {{ type source target }} }}"
        for i in range(runs)
    )
    return f"{{ {fields} }}"


@pytest.fixture(params=["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
async def service(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Service]:
    """The service as its own process on the demo data, on its own embedded graph or Neo4j."""
    async with service_process(tmp_path, request.param, ready_timeout_s=300) as running:
        yield running


@pytest.mark.slow
async def test_an_analysts_heaviest_queries_leave_the_graph_to_everyone_else(
    service: Service,
) -> None:
    limits = Limits()
    heavy = heaviest_request(limits)
    analyst = {"Authorization": f"Bearer {mint(service.settings, Role.ANALYST, 'analyst-1')}"}
    colleague = {"Authorization": f"Bearer {mint(service.settings, Role.ADMIN, 'admin-2')}"}
    done, reading = asyncio.Event(), asyncio.Event()
    lookups: list[dict] = []
    readiness: list[int] = []

    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{service.port}", timeout=120) as http:

        async def look_up_nodes() -> None:
            while not done.is_set():
                answer = await http.post(
                    "/graphql", json={"query": NODE, "variables": {"id": VOLUNTEER}},
                    headers=colleague,
                )  # fmt: skip
                lookups.append(answer.json())
                readiness.append((await http.get("/readyz")).status_code)
                reading.set()

        async def analyse() -> dict:
            answer = await http.post("/graphql", json={"query": heavy}, headers=analyst)
            assert answer.status_code == 200, answer.text[:300]
            return answer.json()

        reader = asyncio.create_task(look_up_nodes())
        await reading.wait()  # the colleague is reading before the analyst starts
        try:
            answers = await asyncio.gather(*(analyse() for _ in range(limits.heavy_per_viewer + 2)))
        finally:
            done.set()
            await reader

    ran = [a for a in answers if "errors" not in a]
    refused = [a for a in answers if "errors" in a]
    assert len(ran) >= 1
    assert all(len(a["data"]) == heaviest_runs(limits) for a in ran)
    assert all(a["data"]["n0"]["nodes"] for a in ran)
    assert len(refused) >= 2  # beyond heavy_per_viewer at once
    for answer in refused:
        (error,) = answer["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED", error
        assert error["extensions"]["limit"] == "heavyPerViewer"
        assert error["extensions"]["retryAfter"] > 0
        assert "data" not in answer  # refused before anything ran
    assert lookups and all("errors" not in a for a in lookups), [
        a["errors"] for a in lookups if "errors" in a
    ][:3]
    assert all(a["data"]["node"]["id"] == VOLUNTEER for a in lookups)
    assert set(readiness) == {200}


async def test_a_heavy_lane_ends_its_statements_at_its_own_shorter_deadline(
    store: GraphStore,
) -> None:
    """The same statement, within the store's deadline (10 s), past the heavy lane's."""
    lane = Lane(timeout_s=0.2, slots=asyncio.Semaphore(1))
    assert store.query_timeout_s > lane.timeout_s
    with running_in(lane), pytest.raises(GraphTimeout):
        await store.read(SLOW)


async def test_the_process_runs_at_most_heavy_total_analyses_whoever_asks(
    store: GraphStore,
) -> None:
    """Two per viewer, three in all: the fourth viewer waits for anyone to finish."""
    settings = Settings(limits=Limits(heavy_per_viewer=2, heavy_total=3))
    lanes = FairUse(settings, store)
    assert lanes.admit("analyst:a") is None
    assert lanes.admit("analyst:a") is None
    mine = lanes.admit("analyst:a")
    assert mine is not None and mine.extensions["limit"] == "heavyPerViewer"
    assert lanes.admit("analyst:b") is None
    everyone = lanes.admit("analyst:c")
    assert everyone is not None
    assert everyone.extensions == {
        "code": "RATE_LIMITED", "limit": "heavyTotal", "allowed": 3,
        "retryAfter": everyone.extensions["retryAfter"],
    }  # fmt: skip
    assert everyone.extensions["retryAfter"] > 0
    lanes.release("analyst:a")
    assert lanes.admit("analyst:c") is None
    assert lanes.lane.timeout_s == settings.graph_heavy_timeout_s < settings.graph_query_timeout_s
