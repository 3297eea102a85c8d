"""Shared fixtures: the two engines under test, a clean graph per test, the app over HTTP.

Every test that reaches the graph runs on both engines: the session parameter ``engine`` is the
embedded FalkorDB and a real Neo4j 5 (the session starts its own from tools/neo4j-server, or
uses the scratch database ``NEO4J_URI`` names). Graph tests take ``store``, a clean graph of the
engine under test; API tests take ``client``: the real Starlette app, lifespan included, over HTTP
through httpx's ASGI transport, signed in as an administrator (access tests sign in as each
persona with ``bearer``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.datastructures import Secret

from access.tokens import Role, mint
from app import create_app
from config import Limits, Settings
from graph.engine import local_neo4j
from graph.engine.connect import open_store
from graph.engine.local_neo4j import LocalNeo4j
from graph.engine.store import GraphStore
from graph.engine.system import clear_graph
from graph.io import backup
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


ENGINES = ["falkordb", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(scope="session", params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The engine under test: every test that reaches the graph runs once on each."""
    return str(request.param)


@pytest.fixture(scope="session")
def engine_settings(engine: str, request: pytest.FixtureRequest) -> Settings:
    """The settings that point a service at the engine under test."""
    return request.getfixturevalue("settings" if engine == "falkordb" else "neo4j_settings")


@pytest.fixture(scope="session")
def engine_store(engine: str, request: pytest.FixtureRequest) -> GraphStore:
    """The session store of the engine under test (sync, so it can pick the fixture by name)."""
    return request.getfixturevalue(f"{engine}_store")


@pytest.fixture
async def store(engine_store: GraphStore) -> GraphStore:
    """A clean graph on each engine under test."""
    await clear_graph(engine_store)
    engine_store.round_trips = 0
    return engine_store


def graph_env(settings: Settings) -> dict[str, str]:
    """The environment that points a ``python -m cli`` child process at the same graph."""
    return {
        "GRAPH_URI": settings.graph_uri,
        "GRAPH_DATA_DIR": str(settings.graph_data_dir),
        "GRAPH_NAME": settings.graph_name,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": str(settings.neo4j_password),
        "NEO4J_DATABASE": settings.neo4j_database,
    }


def bearer(settings: Settings, role: Role, subject: str | None = None) -> dict[str, str]:
    """The Authorization header of a fresh token for ``role``."""
    return {"Authorization": f"Bearer {mint(settings, role, subject)}"}


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A fresh app (lifespan run) over HTTP as an administrator, sharing the session's server."""
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app),
            base_url="http://testserver",
            headers=bearer(settings, Role.ADMIN, "admin-tests"),
        ) as http,
    ):
        yield http


@pytest.fixture
async def client(
    engine_settings: Settings, engine_store: GraphStore
) -> AsyncIterator[httpx.AsyncClient]:
    """The app over HTTP on an empty graph of the engine under test."""
    await clear_graph(engine_store)
    async with serving(engine_settings) as http:
        yield http


DemoLoader = Callable[[GraphStore], Awaitable[None]]


@pytest.fixture(scope="session")
def load_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoLoader:
    """Empty the graph, then put the demo data set in it.

    The first time on each engine the demo is written as ``make run`` writes it (``seeds.demo``,
    through the write paths users use) and the result saved as a backup; after that the backup
    is restored (``graph.io.backup``): the same nodes, relationships and properties, which
    tests/graph/test_backup.py holds to, in ~1 s instead of the 5–30 s of the write paths."""
    folder = tmp_path_factory.mktemp("demo")

    async def load(store: GraphStore) -> None:
        await clear_graph(store)
        snapshot = folder / f"{store.dialect.name}.jsonl"
        if snapshot.exists():
            await backup.restore(store, snapshot)
            return
        await demo.load(store)
        await backup.save(store, snapshot)

    return load


@pytest.fixture(scope="module")
async def demo_app(
    engine_settings: Settings, engine_store: GraphStore, load_demo: DemoLoader
) -> AsyncIterator[Starlette]:
    """The app over the demo data set, loaded once per test module (read-only tests only)."""
    await load_demo(engine_store)
    app = create_app(engine_settings)
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30):
        # Once it listens for changes of standing it forgets only for a change (round-trip
        # counts must not see the forgetting that comes with starting to listen).
        await asyncio.wait_for(app.state.identities.listening.wait(), timeout=30)
        yield app  # the app keeps its store in app.state, so no lifespan state is needed


@pytest.fixture
async def fresh_demo(demo_app: Starlette, engine_store: GraphStore, load_demo: DemoLoader) -> None:
    """The demo data set as loaded, before each test of a module whose tests write (``demo_app``
    stays up for the module): ``pytestmark = pytest.mark.usefixtures("fresh_demo")``."""
    await load_demo(engine_store)


def client_as(app: Starlette, settings: Settings, role: Role, subject: str) -> httpx.AsyncClient:
    """An HTTP client on ``app`` in this process, signed in as ``subject`` in ``role``."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers=bearer(settings, role, subject),
    )


@pytest.fixture
async def demo_client(demo_app: Starlette, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with client_as(demo_app, settings, Role.ADMIN, "admin-tests") as http:
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


SignIn = Callable[[Role, str], Awaitable[GraphQL]]


@pytest.fixture
async def signed_in(demo_app: Starlette, settings: Settings) -> AsyncIterator[SignIn]:
    """``await signed_in(role, subject)``: a GraphQL client on the demo app signed in as anyone
    (for tests where several people act)."""
    opened: list[httpx.AsyncClient] = []

    async def sign_in(role: Role, subject: str) -> GraphQL:
        http = client_as(demo_app, settings, role, subject)
        opened.append(http)
        return GraphQL(http)

    yield sign_in
    for http in opened:
        await http.aclose()


@asynccontextmanager
async def signed_in_as(
    app: Starlette, settings: Settings, role: Role, subject: str
) -> AsyncIterator[GraphQL]:
    """``async with signed_in_as(app, settings, role, subject) as gql``: one person's GraphQL
    client for a block of a test (``signed_in`` is the fixture for many people at once)."""
    async with client_as(app, settings, role, subject) as http:
        yield GraphQL(http)
