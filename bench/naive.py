"""The naive baseline: the nested volunteer list as a quick strawberry + driver app would serve it.

Every field resolves itself with its own store call: one for the page of volunteers, then per
volunteer one for its skills, one per skill for the skill's name, one for its teams, one per team
for the team's name, and one for its last five service records (with one per record for its
category). That is what batching (``resolvers/loaders.py``) and related-page statements replace.
Served by ``uvicorn bench.naive:app`` against the same graph (``GRAPH_URI``, ``GRAPH_DATA_DIR``;
over Bolt for Neo4j).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import strawberry
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL

from config import Settings
from graph.engine.connect import open_store
from graph.engine.cypher import cypher
from graph.engine.store import GraphStore

VOLUNTEERS = cypher(
    "bench.naive.volunteers",
    """
    MATCH (v:Volunteer)-[:SERVES_AREA]->(:Community {id: $community})
    RETURN v.id AS id, v.name AS name, v.starLevel AS starLevel
    ORDER BY name, id LIMIT $first
    """,
)
SKILL_LINKS = cypher(
    "bench.naive.skill_links",
    "MATCH (:Volunteer {id: $id})-[h:HAS_SKILL]->(s:Skill) RETURN s.id AS id, h.level AS level",
)
TEAM_LINKS = cypher(
    "bench.naive.team_links",
    "MATCH (:Volunteer {id: $id})-[m:MEMBER_OF]->(o:Organization) "
    "RETURN o.id AS id, m.role AS role",
)
RECORDS = cypher(
    "bench.naive.records",
    """
    MATCH (:Volunteer {id: $id})-[:PERFORMED]->(r:ServiceRecord)
    RETURN r.id AS id, r.date AS date, r.minutes AS minutes
    ORDER BY date DESC LIMIT $first
    """,
)
RECORD_CATEGORY = cypher(
    "bench.naive.record_category",
    "MATCH (:ServiceRecord {id: $id})-[:OF_CATEGORY]->(c:ServiceCategory) RETURN c.name AS name",
)
SKILL = cypher("bench.naive.skill", "MATCH (s:Skill {id: $id}) RETURN s.name AS name")
ORGANIZATION = cypher(
    "bench.naive.organization", "MATCH (o:Organization {id: $id}) RETURN o.name AS name"
)


def _store(info: strawberry.Info) -> GraphStore:
    return info.context["request"].app.state.store


def _name_of(statement: Any) -> Any:
    """A field resolving the name ``statement`` reads for this object's id: one store call per
    object, as a naive resolver makes it."""

    async def name(root: Any, info: strawberry.Info) -> str | None:
        rows = await _store(info).read(statement, {"id": root.id})
        return rows[0]["name"] if rows else None

    return strawberry.field(resolver=name)


@strawberry.type
class SkillOf:
    id: strawberry.Private[str]
    level: str | None
    name = _name_of(SKILL)


@strawberry.type
class TeamOf:
    id: strawberry.Private[str]
    role: str | None
    name = _name_of(ORGANIZATION)


@strawberry.type
class Record:
    id: strawberry.Private[str]
    date: str | None
    hours: float | None
    category = _name_of(RECORD_CATEGORY)


@strawberry.type
class Volunteer:
    id: str
    name: str
    star_level: int | None

    @strawberry.field
    async def skills(self, info: strawberry.Info) -> list[SkillOf]:
        rows = await _store(info).read(SKILL_LINKS, {"id": self.id})
        return [SkillOf(id=r["id"], level=r["level"]) for r in rows]

    @strawberry.field
    async def teams(self, info: strawberry.Info) -> list[TeamOf]:
        rows = await _store(info).read(TEAM_LINKS, {"id": self.id})
        return [TeamOf(id=r["id"], role=r["role"]) for r in rows]

    @strawberry.field
    async def service_records(self, info: strawberry.Info, first: int = 5) -> list[Record]:
        rows = await _store(info).read(RECORDS, {"id": self.id, "first": first})
        return [
            Record(id=r["id"], date=r["date"], hours=round((r["minutes"] or 0) / 60, 2))
            for r in rows
        ]


@strawberry.type
class Query:
    @strawberry.field
    async def volunteers(
        self, info: strawberry.Info, community: str, first: int = 50
    ) -> list[Volunteer]:
        rows = await _store(info).read(VOLUNTEERS, {"community": community, "first": first})
        return [Volunteer(id=r["id"], name=r["name"], star_level=r["starLevel"]) for r in rows]


QUERY = """
query ($c: String!) {
  volunteers(community: $c, first: 50) {
    id name starLevel
    skills { level name }
    teams { role name }
    serviceRecords(first: 5) { date hours category }
  }
}
"""


@asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.store = await open_store(Settings.from_env(), bootstrap=False)
    try:
        yield
    finally:
        await app.state.store.close()


app = Starlette(
    routes=[Route("/graphql", GraphQL(strawberry.Schema(Query)), methods=["POST"])],
    lifespan=_lifespan,
)
