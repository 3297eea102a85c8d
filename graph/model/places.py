"""Places: (:Community)-[:IN]->(:District)-[:IN]->(:City); communities carry a centroid."""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import vocab
from graph.model.family import Family, Point, Rel, Via, props_of
from graph.model.filters import NEAR, NEAR_DISTANCE


@dataclass(frozen=True)
class City:
    id: str
    name: str


@dataclass(frozen=True)
class District:
    id: str
    name: str
    # 街道/镇 (sub-district or town) or 区 (urban district); free text as the reports use it.
    level: str | None = None


@dataclass(frozen=True)
class Community:
    id: str
    name: str
    location: Point
    kind: vocab.CommunityKind = vocab.CommunityKind.COMMUNITY
    population: int | None = None


CITIES = Family(
    "City", City, conditions={"name": "n.name = $name"}, props=props_of(City, keys=("name",))
)

DISTRICTS = Family(
    "District",
    District,
    props=props_of(District),
    conditions={"city": "(n)-[:IN]->(:City {id: $city})"},
)

COMMUNITIES = Family(
    "Community",
    Community,
    props=props_of(Community),
    located=True,
    conditions={
        "district": "(n)-[:IN]->(:District {id: $district})",
        "city": "(n)-[:IN]->(:District)-[:IN]->(:City {id: $city})",
        "kind": "n.kind IN $kind",
        "near": NEAR,
    },
    sorts={"NAME": "n.name", "POPULATION": "n.population", "DISTANCE": NEAR_DISTANCE},
    sort_docs={"POPULATION": "By population (常住人口)."},
)

FAMILIES = (CITIES, DISTRICTS, COMMUNITIES)

DISTRICT_IN_CITY = Rel("IN", "District", "City")
COMMUNITY_IN_DISTRICT = Rel("IN", "Community", "District")

# The relationships a list's `where` may follow (`<name>Some/None/All`), named as the fields.
VIA = {
    "District": (Via("city", DISTRICT_IN_CITY, "out"),),
    "Community": (Via("district", COMMUNITY_IN_DISTRICT, "out"),),
}

RELS = (DISTRICT_IN_CITY, COMMUNITY_IN_DISTRICT)
