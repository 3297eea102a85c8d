"""Organizations and what they hold: projects (项目), funds (基金), think tanks (智库),
charity resources (慈善资源) and venues (场地).

Volunteer teams are organizations of kind VOLUNTEER_TEAM arranged by PART_OF (小组 → 大队 →
总队); hubs (公益园, 社工站, 社会组织服务中心) are kind HUB and incubate others (INCUBATED_BY).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.model import vocab
from graph.model.family import Family, Point, Rel, Tie, Via, props_of
from graph.model.filters import IN_CATEGORY, NEAR, NEAR_DISTANCE, in_community


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    kind: vocab.OrganizationKind
    location: Point
    registration: vocab.Registration | None = None
    rating: vocab.Rating | None = None
    team_level: vocab.TeamLevel | None = None
    founded_on: dt.date | None = None
    description: str | None = None
    phone: str | None = None  # the organization's public line
    credit_code: str | None = None  # 统一社会信用代码 (GB 32100): the natural key imports use
    version: int = 0  # bumped by every registration change (optimistic concurrency)


@dataclass(frozen=True)
class Project:
    id: str
    name: str
    status: vocab.ProjectStatus = vocab.ProjectStatus.ACTIVE
    description: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget_fen: int | None = None
    version: int = 0  # bumped by every registration change (optimistic concurrency)


@dataclass(frozen=True)
class Fund:
    id: str
    name: str
    kind: vocab.FundKind
    established_on: dt.date | None = None
    description: str | None = None
    version: int = 0  # bumped by every registration change (optimistic concurrency)


@dataclass(frozen=True)
class ThinkTank:
    id: str
    name: str
    founded_on: dt.date | None = None
    description: str | None = None
    version: int = 0  # bumped by every registration change (optimistic concurrency)


@dataclass(frozen=True)
class Resource:
    id: str
    name: str
    kind: vocab.ResourceKind
    quantity: int
    unit: str  # 件, 小时, 元, 次…
    available_from: dt.date | None = None
    available_until: dt.date | None = None
    description: str | None = None
    version: int = 0  # bumped by every registration change (optimistic concurrency)


@dataclass(frozen=True)
class Venue:
    id: str
    name: str
    location: Point
    area_sqm: int | None = None
    capacity: int | None = None
    description: str | None = None
    # How far from its point a volunteer may check in by location (签到半径); None reads as 300 m.
    check_in_radius_meters: int | None = None
    version: int = 0


ORGANIZATIONS = Family(
    "Organization",
    Organization,
    props=props_of(
        Organization,
        keys=("credit_code",),
        # A partner keeps its own description, contacts and place; what the civil-affairs
        # bureau registers and grades (kind, registration, rating, code) is staff's.
        writes={
            "name": "member",
            "kind": "staff",
            "location": "member",
            "registration": "staff",
            "rating": "staff",
            "team_level": "staff",
            "founded_on": "member",
            "description": "member",
            "phone": "member",
            "credit_code": "staff",
        },
        required=("name", "kind", "location"),
        checks={"phone": "phone", "credit_code": "credit_code"},
    ),
    located=True,
    conditions={
        "kind": "n.kind IN $kind",
        "registration": "n.registration IN $registration",
        "rating_min": "n.rating >= $rating_min",
        "incubated_by": "(n)-[:INCUBATED_BY]->(:Organization {id: $incubated_by})",
        "part_of": "(n)-[:PART_OF*1..3]->(:Organization {id: $part_of})",
        **in_community("(n)-[:SERVES_AREA]->"),
        "category": IN_CATEGORY,
        "near": NEAR,
    },
    sorts={
        "NAME": "n.name",
        "RATING": "n.rating",
        "FOUNDED_ON": "n.foundedOn",
        "DISTANCE": NEAR_DISTANCE,
    },
    sort_docs={
        "RATING": "By evaluation grade (评估等级), 3A–5A.",
        "FOUNDED_ON": "By founding date.",
    },
)

PROJECTS = Family(
    "Project",
    Project,
    props=props_of(
        Project,
        # A partner keeps the projects it runs (which organization runs one is staff's).
        writes={
            "name": "member",
            "status": "member",
            "description": "member",
            "start_date": "member",
            "end_date": "member",
            "budget_fen": "member",
        },
        required=("name",),
        bounds={"budget_fen": (0, 2_000_000_000)},
        docs={"budget_fen": "Budget in fen (预算, 分): 100 is one yuan."},
    ),
    conditions={
        "status": "n.status IN $status",
        "category": IN_CATEGORY,
        **in_community("(n)-[:TARGETS]->"),
        "run_by": "(:Organization {id: $run_by})-[:RUNS]->(n)",
        "funded_by": "(:Fund {id: $funded_by})-[:GRANTED]->(n)",
    },
    sorts={"NAME": "n.name", "START_DATE": "n.startDate", "BUDGET": "n.budgetFen"},
    sort_docs={"START_DATE": "By start date.", "BUDGET": "By budget."},
)

FUNDS = Family(
    "Fund",
    Fund,
    props=props_of(
        Fund,
        writes={
            "name": "staff",
            "kind": "staff",
            "established_on": "staff",
            "description": "staff",
        },
        required=("name", "kind"),
    ),
    conditions={
        "kind": "n.kind IN $kind",
        "community": (
            "(n)-[:COVERS]->(:Community {id: $community}) OR "
            "(n)-[:COVERS]->(:District)<-[:IN]-(:Community {id: $community})"
        ),
        "district": "(n)-[:COVERS]->(:District {id: $district}) OR "
        "(n)-[:COVERS]->(:Community)-[:IN]->(:District {id: $district})",
        "category": "(n)-[:OF_CATEGORY]->(:ServiceCategory)<-[:BROADER*0..6]-"
        "(:ServiceCategory {id: $category})",
        "managed_by": "(n)-[:MANAGED_BY]->(:Organization {id: $managed_by})",
    },
    sorts={"NAME": "n.name", "ESTABLISHED_ON": "n.establishedOn"},
    sort_docs={"ESTABLISHED_ON": "By the day it was established."},
)

THINK_TANKS = Family(
    "ThinkTank",
    ThinkTank,
    props=props_of(
        ThinkTank,
        writes={"name": "staff", "founded_on": "staff", "description": "staff"},
        required=("name",),
    ),
)

RESOURCES = Family(
    "Resource",
    Resource,
    props=props_of(
        Resource,
        # A partner keeps what it offers (which organization offers it is staff's).
        writes={
            "name": "member",
            "kind": "member",
            "quantity": "member",
            "unit": "member",
            "available_from": "member",
            "available_until": "member",
            "description": "member",
        },
        required=("name", "kind", "quantity", "unit"),
        bounds={"quantity": (0, 100_000_000)},
    ),
    conditions={
        "kind": "n.kind IN $kind",
        "category": IN_CATEGORY,
        "offered_by": "(:Organization {id: $offered_by})-[:OFFERS]->(n)",
        "available_on": "(n.availableFrom IS NULL OR n.availableFrom <= $available_on) AND "
        "(n.availableUntil IS NULL OR n.availableUntil >= $available_on)",
    },
    sorts={"NAME": "n.name", "QUANTITY": "n.quantity", "AVAILABLE_UNTIL": "n.availableUntil"},
    sort_docs={
        "QUANTITY": "By quantity.",
        "AVAILABLE_UNTIL": "By the day it stops being available.",
    },
)

VENUES = Family(
    "Venue",
    Venue,
    props=props_of(
        Venue,
        writes={
            "name": "staff",
            "location": "staff",
            "area_sqm": "staff",
            "capacity": "staff",
            "description": "staff",
            "check_in_radius_meters": "staff",
        },
        required=("name", "location"),
        # A radius under 50 m is below GPS error; over 5 km is no longer "at the venue".
        bounds={
            "area_sqm": (1, 1_000_000),
            "capacity": (1, 100_000),
            "check_in_radius_meters": (50, 5_000),
        },
    ),
    located=True,
    conditions={
        "community": "(n)-[:IN]->(:Community {id: $community})",
        "capacity_min": "n.capacity >= $capacity_min",
        "near": NEAR,
    },
    sorts={"NAME": "n.name", "CAPACITY": "n.capacity", "DISTANCE": NEAR_DISTANCE},
)

FAMILIES = (ORGANIZATIONS, PROJECTS, FUNDS, THINK_TANKS, RESOURCES, VENUES)

ORG_PART_OF = Rel("PART_OF", "Organization", "Organization")
ORG_INCUBATED_BY = Rel("INCUBATED_BY", "Organization", "Organization", ("since", "stage"))
ORG_SERVES_AREA = Rel("SERVES_AREA", "Organization", "Community")
ORG_OF_CATEGORY = Rel("OF_CATEGORY", "Organization", "ServiceCategory")
ORG_RUNS_PROJECT = Rel("RUNS", "Organization", "Project", ("role",))
ORG_OFFERS = Rel("OFFERS", "Organization", "Resource")
ORG_DONATED = Rel("DONATED", "Organization", "Fund", ("amountFen", "date", "note"), keyed=True)
PROJECT_OF_CATEGORY = Rel("OF_CATEGORY", "Project", "ServiceCategory")
PROJECT_TARGETS = Rel("TARGETS", "Project", "Community")
PROJECT_PART_OF = Rel("PART_OF", "Project", "Project")
FUND_GRANTED = Rel("GRANTED", "Fund", "Project", ("amountFen", "date", "award"), keyed=True)
FUND_MANAGED_BY = Rel("MANAGED_BY", "Fund", "Organization")
FUND_COVERS_COMMUNITY = Rel("COVERS", "Fund", "Community")
FUND_COVERS_DISTRICT = Rel("COVERS", "Fund", "District")
FUND_OF_CATEGORY = Rel("OF_CATEGORY", "Fund", "ServiceCategory")
THINK_TANK_MANAGED_BY = Rel("MANAGED_BY", "ThinkTank", "Organization")
THINK_TANK_ADVISES = Rel("ADVISES", "ThinkTank", "District")
RESOURCE_OF_CATEGORY = Rel("OF_CATEGORY", "Resource", "ServiceCategory")
RESOURCE_LOCATED_AT = Rel("LOCATED_AT", "Resource", "Venue")
VENUE_IN = Rel("IN", "Venue", "Community")
VENUE_MANAGED_BY = Rel("MANAGED_BY", "Venue", "Organization")

RELS = (
    ORG_PART_OF,
    ORG_INCUBATED_BY,
    ORG_SERVES_AREA,
    ORG_OF_CATEGORY,
    ORG_RUNS_PROJECT,
    ORG_OFFERS,
    ORG_DONATED,
    PROJECT_OF_CATEGORY,
    PROJECT_TARGETS,
    PROJECT_PART_OF,
    FUND_GRANTED,
    FUND_MANAGED_BY,
    FUND_COVERS_COMMUNITY,
    FUND_COVERS_DISTRICT,
    FUND_OF_CATEGORY,
    THINK_TANK_MANAGED_BY,
    THINK_TANK_ADVISES,
    RESOURCE_OF_CATEGORY,
    RESOURCE_LOCATED_AT,
    VENUE_IN,
    VENUE_MANAGED_BY,
)

# The relationships registration sets (``createOrganization(input: {serviceAreaIds…})``).
TIES = {
    "Organization": (
        Tie("serviceAreas", ORG_SERVES_AREA, "member"),
        Tie("categories", ORG_OF_CATEGORY, "member"),
        Tie("parent", ORG_PART_OF, single=True),
    ),
    "Project": (
        Tie(
            "runBy", ORG_RUNS_PROJECT, "member", single=True, props={"role": "LEAD"}, direction="in"
        ),
        Tie("categories", PROJECT_OF_CATEGORY, "member"),
        Tie("targetCommunities", PROJECT_TARGETS, "member"),
        Tie("parent", PROJECT_PART_OF, "member", single=True),
    ),
    "Fund": (
        Tie("managedBy", FUND_MANAGED_BY, single=True),
        Tie("categories", FUND_OF_CATEGORY),
        Tie("scopeCommunities", FUND_COVERS_COMMUNITY),
        Tie("scopeDistricts", FUND_COVERS_DISTRICT),
    ),
    "ThinkTank": (
        Tie("managedBy", THINK_TANK_MANAGED_BY, single=True),
        Tie("advisedDistricts", THINK_TANK_ADVISES),
    ),
    "Resource": (
        Tie("offeredBy", ORG_OFFERS, "member", single=True, direction="in"),
        Tie("categories", RESOURCE_OF_CATEGORY, "member"),
        Tie("venue", RESOURCE_LOCATED_AT, "member", single=True),
    ),
    "Venue": (
        Tie("community", VENUE_IN, single=True),
        Tie("managedBy", VENUE_MANAGED_BY, single=True),
    ),
}

# The relationships a list's `where` may follow (`<name>Some/None/All`), named as the fields.
VIA = {
    "Organization": (
        Via("serviceAreas", ORG_SERVES_AREA, "out"),
        Via("categories", ORG_OF_CATEGORY, "out"),
        Via("parent", ORG_PART_OF, "out"),
    ),
    "Project": (
        Via("runBy", ORG_RUNS_PROJECT, "in"),
        Via("categories", PROJECT_OF_CATEGORY, "out"),
        Via("targetCommunities", PROJECT_TARGETS, "out"),
    ),
    "Fund": (Via("categories", FUND_OF_CATEGORY, "out"),),
    "Resource": (Via("categories", RESOURCE_OF_CATEGORY, "out"),),
    "Venue": (Via("community", VENUE_IN, "out"),),
}


# --- derived values ------------------------------------------------------------------------

FUND_TOTALS = cypher(
    "organizations.fund_totals",
    """
    UNWIND $keys AS key
    MATCH (f:Fund {id: key})
    OPTIONAL MATCH (f)<-[d:DONATED]-()
    WITH f, key, sum(d.amountFen) AS donated
    OPTIONAL MATCH (f)-[g:GRANTED]->()
    RETURN key, donated, sum(g.amountFen) AS granted
    """,
)

RESOURCE_ALLOCATED = cypher(
    "organizations.resource_allocated",
    """
    UNWIND $keys AS key
    MATCH (r:Resource {id: key})
    OPTIONAL MATCH (r)-[a:ALLOCATED_TO]->()
    RETURN key, sum(a.quantity) AS allocated
    """,
)


@dataclass(frozen=True)
class FundTotals:
    """Money in and out of a fund, in fen. The balance is derived, never stored."""

    donated_fen: int
    granted_fen: int

    @property
    def balance_fen(self) -> int:
        return self.donated_fen - self.granted_fen


async def fund_totals(store: GraphStore, keys: Sequence[str]) -> dict[str, FundTotals]:
    rows = await store.read(FUND_TOTALS, {"keys": list(dict.fromkeys(keys))})
    return {
        row["key"]: FundTotals(int(row["donated"] or 0), int(row["granted"] or 0)) for row in rows
    }


async def resource_allocated(store: GraphStore, keys: Sequence[str]) -> dict[str, int]:
    """How much of each resource has been allocated to needs, in its unit."""
    rows = await store.read(RESOURCE_ALLOCATED, {"keys": list(dict.fromkeys(keys))})
    return {row["key"]: int(row["allocated"] or 0) for row in rows}
