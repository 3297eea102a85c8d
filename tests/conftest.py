"""Shared fixtures: one embedded FalkorDB for the session, a clean graph per test.

Graph tests take ``store``, which is parametrized over the engines: the embedded FalkorDB always,
and a real Neo4j when ``NEO4J_URI`` is set (skipped with the reason otherwise). API tests take
``client``: the real Starlette app, lifespan included, over HTTP through httpx's ASGI transport,
signed in as an administrator (access tests sign in as each persona with ``bearer``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.datastructures import Secret

from app import create_app
from auth import Role, mint
from config import Limits, Settings
from graph import local_neo4j
from graph.connect import open_store
from graph.local_neo4j import LocalNeo4j
from graph.store import GraphStore
from graph.system import clear_graph
from seeds import demo

NEO4J_URI = os.environ.get("NEO4J_URI")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("graph")


@pytest.fixture(scope="session")
def settings(data_dir: Path) -> Settings:
    return Settings(
        graph_uri="embedded",
        graph_data_dir=data_dir,
        graph_name="tests",
        load_demo_data=False,
        log_format="text",
        # Scenario tests fire bursts on purpose; the limiter has its own tests.
        limits=Limits(rate_per_minute=0),
    )


@pytest.fixture(scope="session")
async def falkordb_store(settings: Settings) -> AsyncIterator[GraphStore]:
    store = await open_store(settings)
    yield store
    await store.close()


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalNeo4j | None]:
    """The session's own Neo4j 5 (tools/neo4j-server), unless NEO4J_URI names another one."""
    if NEO4J_URI:
        yield None
        return
    server = LocalNeo4j(tmp_path_factory.mktemp("neo4j"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def neo4j_settings(settings: Settings, neo4j_server: LocalNeo4j | None) -> Settings:
    """The test settings pointed at the session's Neo4j (or at NEO4J_URI's scratch database)."""
    if neo4j_server is None:
        return replace(
            settings,
            graph_uri=str(NEO4J_URI),
            neo4j_user=os.environ.get("NEO4J_USER", "neo4j"),
            neo4j_password=Secret(os.environ.get("NEO4J_PASSWORD", "")),
            neo4j_database=os.environ.get("NEO4J_DATABASE", "neo4j"),
        )
    return replace(
        settings,
        graph_uri=neo4j_server.uri,
        neo4j_user=local_neo4j.USER,
        neo4j_password=Secret(neo4j_server.password),
        neo4j_database=local_neo4j.DATABASE,
    )


@pytest.fixture(scope="session")
async def neo4j_store(neo4j_settings: Settings) -> AsyncIterator[GraphStore]:
    store = await open_store(neo4j_settings)
    yield store
    await store.close()


@pytest.fixture(params=["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def engine(request: pytest.FixtureRequest) -> GraphStore:
    """The session store of one engine (sync, so it can pick the async fixture by name)."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
async def store(engine: GraphStore) -> GraphStore:
    """A clean graph on each engine under test."""
    await clear_graph(engine)
    engine.round_trips = 0
    return engine


def bearer(settings: Settings, role: Role, subject: str | None = None) -> dict[str, str]:
    """The Authorization header of a fresh token for ``role``."""
    return {"Authorization": f"Bearer {mint(settings, role, subject)}"}


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A fresh app (lifespan run) over HTTP as an administrator, sharing the session's server."""
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=30) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app),
            base_url="http://testserver",
            headers=bearer(settings, Role.ADMIN, "admin-tests"),
        ) as http,
    ):
        yield http


@pytest.fixture
async def client(
    settings: Settings, falkordb_store: GraphStore
) -> AsyncIterator[httpx.AsyncClient]:
    """The app over HTTP, sharing the session's embedded server (the app reuses it)."""
    await clear_graph(falkordb_store)
    async with serving(settings) as http:
        yield http


@pytest.fixture(scope="module")
async def demo_app(settings: Settings, falkordb_store: GraphStore) -> AsyncIterator[Starlette]:
    """The app over the demo data set, loaded once per test module (read-only tests only)."""
    await clear_graph(falkordb_store)
    await demo.load(falkordb_store)
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=30):
        yield app  # the app keeps its store in app.state, so no lifespan state is needed


@pytest.fixture
async def demo_client(demo_app: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_app),
        base_url="http://testserver",
        headers=bearer(settings, Role.ADMIN, "admin-tests"),
    ) as http:
        yield http


class GraphQL:
    """Posts queries and returns ``data``, failing the test on any error (or returns errors)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def raw(self, query: str, **variables: object) -> dict:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        return response.json()

    async def __call__(self, query: str, **variables: object) -> dict:
        body = await self.raw(query, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def errors(self, query: str, **variables: object) -> list[dict]:
        body = await self.raw(query, **variables)
        assert body.get("errors"), body
        return body["errors"]


@pytest.fixture
def gql(demo_client: httpx.AsyncClient) -> GraphQL:
    return GraphQL(demo_client)
