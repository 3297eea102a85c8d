"""Places: (:Community)-[:IN]->(:District)-[:IN]->(:City); communities carry a centroid.

Administrators register and correct places (``createCity``, ``createDistrict``,
``createCommunity`` and their updates), so a station starting from an empty graph can lay out
its city before importing its people. Places are not deactivated: a community merged into
another or split is not yet something the API does (docs/REGISTRATION.md)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import vocab
from graph.model.family import Family, Point, Rel, Tie, Via, props_of
from graph.model.filters import NEAR, NEAR_DISTANCE


@dataclass(frozen=True)
class City:
    id: str
    name: str
    version: int = 0  # bumped by every registration change (optimistic concurrency)


@dataclass(frozen=True)
class District:
    id: str
    name: str
    # 街道/镇 (sub-district or town) or 区 (urban district); free text as the reports use it.
    level: str | None = None
    version: int = 0


@dataclass(frozen=True)
class Community:
    id: str
    name: str
    location: Point
    kind: vocab.CommunityKind = vocab.CommunityKind.COMMUNITY
    population: int | None = None
    version: int = 0


# Places are the administrators' registers (every write is staff's; only admins may call them).
CITIES = Family(
    "City",
    City,
    conditions={"name": "n.name = $name"},
    props=props_of(City, keys=("name",), writes={"name": "staff"}, required=("name",)),
)

DISTRICTS = Family(
    "District",
    District,
    props=props_of(District, writes={"name": "staff", "level": "staff"}, required=("name",)),
    conditions={"city": "(n)-[:IN]->(:City {id: $city})"},
)

COMMUNITIES = Family(
    "Community",
    Community,
    props=props_of(
        Community,
        writes={"name": "staff", "location": "staff", "kind": "staff", "population": "staff"},
        required=("name", "location"),
        bounds={"population": (0, 10_000_000)},
    ),
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

# The relationships registration sets (``createCommunity(input: {districtId})``): a place is
# always inside the one above it.
TIES = {
    "District": (Tie("city", DISTRICT_IN_CITY, required=True, single=True),),
    "Community": (Tie("district", COMMUNITY_IN_DISTRICT, required=True, single=True),),
}
