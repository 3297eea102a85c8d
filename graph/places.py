"""Places: (:Community)-[:IN]->(:District)-[:IN]->(:City), communities with a centroid."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from graph.cypher import cypher
from graph.store import GraphStore


@dataclass(frozen=True)
class City:
    id: str
    name: str


@dataclass(frozen=True)
class District:
    id: str
    name: str
    city_id: str


@dataclass(frozen=True)
class Community:
    id: str
    name: str
    district_id: str
    latitude: float
    longitude: float
    kind: str = "COMMUNITY"  # COMMUNITY (社区) or VILLAGE (村)


UPSERT_CITIES = cypher(
    "places.upsert_cities",
    """
    UNWIND $rows AS row
    MERGE (c:City {id: row.id})
    SET c.name = row.name
    RETURN count(c) AS written
    """,
)

UPSERT_DISTRICTS = cypher(
    "places.upsert_districts",
    """
    UNWIND $rows AS row
    MATCH (city:City {id: row.city_id})
    MERGE (d:District {id: row.id})
    SET d.name = row.name
    MERGE (d)-[:IN]->(city)
    RETURN count(d) AS written
    """,
)

UPSERT_COMMUNITIES = cypher(
    "places.upsert_communities",
    """
    UNWIND $rows AS row
    MATCH (d:District {id: row.district_id})
    MERGE (c:Community {id: row.id})
    SET c.name = row.name,
        c.kind = row.kind,
        c.location = point({latitude: row.latitude, longitude: row.longitude})
    MERGE (c)-[:IN]->(d)
    RETURN count(c) AS written
    """,
)


async def upsert_cities(store: GraphStore, cities: Sequence[City]) -> int:
    rows = [{"id": c.id, "name": c.name} for c in cities]
    return int((await store.write(UPSERT_CITIES, {"rows": rows}))[0]["written"])


async def upsert_districts(store: GraphStore, districts: Sequence[District]) -> int:
    rows = [{"id": d.id, "name": d.name, "city_id": d.city_id} for d in districts]
    return int((await store.write(UPSERT_DISTRICTS, {"rows": rows}))[0]["written"])


async def upsert_communities(store: GraphStore, communities: Sequence[Community]) -> int:
    rows = [
        {
            "id": c.id,
            "name": c.name,
            "district_id": c.district_id,
            "latitude": c.latitude,
            "longitude": c.longitude,
            "kind": c.kind,
        }
        for c in communities
    ]
    return int((await store.write(UPSERT_COMMUNITIES, {"rows": rows}))[0]["written"])
