"""Exports for analysis tools open in NetworkX with the graph's counts, and carry no PII."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from pathlib import Path

import httpx
import networkx as nx
import pytest
from starlette.applications import Starlette

from auth import Role
from config import Settings
from graph.cypher import dynamic
from graph.network import NETWORK_LABELS
from graph.store import GraphStore
from schema.relay import to_global_id as gid
from tests.conftest import GraphQL, bearer, graph_env

ROOT = Path(__file__).resolve().parents[2]
# Counted here, independently of the export's paging: nodes of the network families and the
# relationships between two of them.
COUNT_NODES = dynamic(
    "test.export.nodes",
    "MATCH (n) WHERE any(x IN labels(n) WHERE x IN $labels) RETURN count(n) AS n",
)
COUNT_EDGES = dynamic(
    "test.export.edges",
    "MATCH (a)-[r]->(b) WHERE any(x IN labels(a) WHERE x IN $labels) "
    "AND any(x IN labels(b) WHERE x IN $labels) RETURN count(r) AS n",
)
PII_NAME = "林婆婆"
# Attributes no node of the family may carry in an export.
WITHHELD = {
    "Resident": {"name", "phone", "address", "idNumber", "birthYear", "latitude", "search"},
    "Volunteer": {"phone", "latitude", "birthYear", "search"},
    "SocialWorker": {"phone"},
    "Expert": {"phone"},
    "Need": {"description", "closingNote"},
}


def _assert_deidentified(graph: nx.MultiDiGraph) -> None:
    for _, attrs in graph.nodes(data=True):
        assert not WITHHELD.get(attrs["entity"], set()) & set(attrs), attrs


def _client(app: Starlette, headers: dict[str, str]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers
    )


async def test_the_whole_graph_exports_as_graphml_with_every_node_and_edge(
    demo_app: Starlette, engine_store: GraphStore, tmp_path: Path
) -> None:
    labels = {"labels": list(NETWORK_LABELS)}
    nodes = (await engine_store.read(COUNT_NODES, labels))[0]["n"]
    edges = (await engine_store.read(COUNT_EDGES, labels))[0]["n"]
    settings: Settings = demo_app.state.settings
    env = {
        "PATH": "/usr/bin:/bin",
        **graph_env(settings),
        "LOAD_DEMO_DATA": "false",
    }
    # The CLI adopts the session's running graph server (and leaves it running).
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "cli", "export-graph", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    graph = nx.read_graphml(tmp_path / "graph.graphml")
    assert graph.number_of_nodes() == nodes
    assert graph.number_of_edges() == edges
    assert PII_NAME not in (tmp_path / "graph.graphml").read_text()
    _assert_deidentified(graph)
    resident = graph.nodes["resident-zs-lin"]
    assert resident["entity"] == "Resident" and resident["label"].startswith("服务对象")
    assert "approximateLatitude" in resident and "latitude" not in resident


async def test_an_analyst_downloads_a_neighbourhood_as_graphml_and_csv(
    demo_app: Starlette, settings: Settings
) -> None:
    qiwan = gid("Community", "community-zs-qiwan")
    async with _client(demo_app, bearer(settings, Role.ANALYST, "analyst-zs-bureau")) as http:
        hood = await GraphQL(http)(
            "query ($id: ID!) { neighborhood(id: $id, depth: 1, limit: 500) "
            "{ truncated nodes { key } edges { type } } }",
            id=qiwan,
        )
        response = await http.get("/export/graph.graphml", params={"root": qiwan, "depth": 1})
        assert response.status_code == 200
        graph = nx.read_graphml(io.BytesIO(response.content))
        assert graph.number_of_nodes() == len(hood["neighborhood"]["nodes"])
        assert graph.number_of_edges() == len(hood["neighborhood"]["edges"])
        assert PII_NAME not in response.text
        _assert_deidentified(graph)
        nodes = await http.get("/export/nodes.csv", params={"root": qiwan, "depth": 1})
        edges = await http.get("/export/edges.csv", params={"root": qiwan, "depth": 1})
        assert nodes.text.splitlines()[0] == "Id,Label,entity,properties"
        assert len(nodes.text.splitlines()) - 1 == graph.number_of_nodes()
        assert len(edges.text.splitlines()) - 1 == graph.number_of_edges()
        assert PII_NAME not in nodes.text


@pytest.mark.parametrize(
    ("role", "params", "status", "code"),
    [
        (None, {"root": "x"}, 403, "FORBIDDEN"),
        (Role.VOLUNTEER, {"root": "x"}, 403, "FORBIDDEN"),
        (Role.ANALYST, {}, 400, "BAD_USER_INPUT"),
        (Role.ANALYST, {"root": "nonsense"}, 400, "BAD_USER_INPUT"),
        (Role.ANALYST, {"root": gid("Community", "community-zs-qiwan"), "depth": "9"}, 400,
         "BAD_USER_INPUT"),
        (Role.ANALYST, {"root": gid("Community", "nowhere")}, 404, "NOT_FOUND"),
    ],
)  # fmt: skip
async def test_bad_export_requests_get_clear_errors(
    demo_app: Starlette,
    settings: Settings,
    role: Role | None,
    params: dict[str, str],
    status: int,
    code: str,
) -> None:
    headers = bearer(settings, role, "volunteer-zs-busy") if role else {}
    async with _client(demo_app, headers) as http:
        response = await http.get("/export/graph.graphml", params=params)
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code
