"""Aggregates for a community, a district or the whole graph: counts, never rows.

The scope is resolved once to a list of community ids (``None``: everywhere); every statement
then filters on it, so all figures of one answer are about the same place. What belongs to a
place: a resident where they live, a need where it is served, a volunteer where they serve (one
volunteer serving two communities counts once in a district), a service record where its need
is or its project works, a grant where its project works (once, however many of the scope's
communities the project targets).
"""

from __future__ import annotations

import datetime as dt
import statistics as stats
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.model.entities import SCOPE, family_named, scope_params
from graph.model.filters import MAX_TAXONOMY_DEPTH
from graph.model.services import ACTIVE_NEED_STATUSES

# The service records a figure counts: those the viewer's row scope admits (the family's own
# ``_scope`` condition on `n`, parameters ``graph.model.family.scope_params``), or every one
# (``$scope_all``). A record not yet approved is counted only by those who may see it
# (access.policy.UNTIL_REVIEWED), so no figure moves when a visit ends.
RECORDS_SEEN = f"($scope_all OR ({family_named('ServiceRecord').conditions[SCOPE]}))"

# The residents a figure counts: those the viewer's row scope admits (a resident who has not
# consented to de-identified analysis, or withdrew, is counted only by those who serve her:
# access.policy.BY_CONSENT), or every one (``$scope_all``).
RESIDENTS_SEEN = f"($scope_all OR ({family_named('Resident').conditions[SCOPE]}))"

SCOPE = cypher(
    "statistics.scope",
    """
    MATCH (c:Community)
    WHERE ($community IS NULL OR c.id = $community)
      AND ($district IS NULL OR (c)-[:IN]->(:District {id: $district}))
    RETURN collect(c.id) AS communities
    """,
)

RESIDENTS_BY_TAG = cypher(
    "statistics.residents_by_tag",
    f"""
    MATCH (n:Resident)-[:LIVES_IN]->(c:Community)
    WHERE ($communities IS NULL OR c.id IN $communities) AND {RESIDENTS_SEEN}
    WITH DISTINCT n, c
    UNWIND coalesce(n.tags, []) AS tag
    RETURN c.id AS community, tag, count(DISTINCT n) AS count
    ORDER BY community, tag
    """,
)

RESIDENTS = cypher(
    "statistics.residents",
    f"""
    MATCH (n:Resident)-[:LIVES_IN]->(c:Community)
    WHERE ($communities IS NULL OR c.id IN $communities) AND {RESIDENTS_SEEN}
    RETURN c.id AS community, count(DISTINCT n) AS count
    ORDER BY community
    """,
)

VOLUNTEERS_BY_STAR = cypher(
    "statistics.volunteers_by_star",
    """
    MATCH (v:Volunteer)-[:SERVES_AREA]->(c:Community)
    WHERE $communities IS NULL OR c.id IN $communities
    WITH DISTINCT v
    RETURN coalesce(v.starLevel, 0) AS stars, count(v) AS count
    ORDER BY stars
    """,
)

HOURS = cypher(
    "statistics.hours",
    f"""
    MATCH (n:ServiceRecord)-[:OF_CATEGORY]->(cat:ServiceCategory)
    WHERE {RECORDS_SEEN}
    WITH n AS rec, cat
    OPTIONAL MATCH (rec)-[:FOR]->(:Need)-[:IN]->(c1:Community)
    OPTIONAL MATCH (rec)-[:PART_OF]->(:Project)-[:TARGETS]->(c2:Community)
    WITH rec, cat, collect(c1.id) + collect(c2.id) AS places
    WHERE $communities IS NULL OR any(x IN places WHERE x IN $communities)
    WITH rec, cat, size([(w:SocialWorker)-[:VERIFIED]->(rec) | w]) > 0 AS verified
    RETURN substring(toString(rec.date), 0, 7) AS month, cat.id AS category,
           cat.name AS categoryName, sum(rec.minutes) AS minutes,
           sum(CASE WHEN verified THEN rec.minutes ELSE 0 END) AS verifiedMinutes,
           count(rec) AS records
    ORDER BY month, category
    """,
)

NEEDS_BY_STATUS = cypher(
    "statistics.needs_by_status",
    """
    MATCH (n:Need)-[:IN]->(c:Community)
    WHERE $communities IS NULL OR c.id IN $communities
    RETURN n.status AS status, count(n) AS count
    ORDER BY status
    """,
)

FIRST_SERVICE = cypher(
    "statistics.first_service",
    f"""
    MATCH (need:Need)-[:IN]->(c:Community)
    WHERE $communities IS NULL OR c.id IN $communities
    MATCH (n:ServiceRecord)-[:FOR]->(need)
    WHERE {RECORDS_SEEN}
    WITH need, min(toString(n.date)) AS first
    RETURN toString(need.createdAt) AS created, first
    """,
)

GRANTED = cypher(
    "statistics.granted",
    """
    MATCH (f:Fund)-[g:GRANTED]->(p:Project)
    OPTIONAL MATCH (p)-[:TARGETS]->(c:Community)
    WITH g, p, collect(c.id) AS places
    WHERE $communities IS NULL OR any(x IN places WHERE x IN $communities)
    RETURN sum(g.amountFen) AS amountFen, count(g) AS grants, count(DISTINCT p) AS projects
    """,
)

# Supply: each active volunteer's weekly slots, once per top-level category their skills serve.
SUPPLY = cypher(
    "statistics.supply",
    f"""
    MATCH (v:Volunteer)-[:SERVES_AREA]->(c:Community)
    WHERE v.status = 'ACTIVE' AND ($communities IS NULL OR c.id IN $communities)
    WITH DISTINCT v
    MATCH (v)-[:HAS_SKILL]->(:Skill)-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(:Skill)
          -[:OF_CATEGORY]->(:ServiceCategory)
          -[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(top:ServiceCategory)
    WHERE NOT (top)-[:BROADER]->(:ServiceCategory)
    WITH DISTINCT v, top
    RETURN top.id AS category, top.name AS categoryName,
           sum(size(coalesce(v.availability, []))) AS slots, count(v) AS volunteers
    """,
)

# Demand: each active need's volunteer-slots a week (headcount × slots; a one-off counts one).
DEMAND = cypher(
    "statistics.demand",
    f"""
    MATCH (n:Need)-[:IN]->(c:Community)
    WHERE n.status IN $active AND ($communities IS NULL OR c.id IN $communities)
    MATCH (n)-[:OF_CATEGORY]->(:ServiceCategory)
          -[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(top:ServiceCategory)
    WHERE NOT (top)-[:BROADER]->(:ServiceCategory)
    WITH DISTINCT n, top
    RETURN top.id AS category, top.name AS categoryName,
           sum(coalesce(n.headcount, 1) * CASE WHEN n.oneOffSlot IS NOT NULL THEN 1
               ELSE size(coalesce(n.slots, [])) END) AS slots,
           count(n) AS needs
    """,
)


@dataclass(frozen=True)
class Count:
    key: str
    count: int


@dataclass(frozen=True)
class MonthHours:
    month: str
    category: str
    category_name: str
    minutes: int
    verified_minutes: int
    records: int


@dataclass(frozen=True)
class Balance:
    category: str
    category_name: str
    supply_slots: int
    volunteers: int
    demand_slots: int
    needs: int


@dataclass(frozen=True)
class Money:
    amount_fen: int
    grants: int
    projects: int


async def scope(store: GraphStore, district: str | None, community: str | None) -> list[str] | None:
    """The community ids of the scope (``None`` when neither is given: everywhere)."""
    if district is None and community is None:
        return None
    rows = await store.read(SCOPE, {"district": district, "community": community})
    return list(rows[0]["communities"]) if rows else []


def _p(communities: Sequence[str] | None) -> dict[str, Any]:
    return {"communities": None if communities is None else list(communities)}


# Counts of residents come per community (community -> key -> count): a figure over several is
# their sum, and small cells are withheld by community (access.cells).
Cells = dict[str, dict[str, int]]
RESIDENTS_KEY = "residents"


async def residents(
    store: GraphStore,
    communities: Sequence[str] | None,
    seen: Mapping[str, Any] | None = None,
) -> Cells:
    """Residents per community, under :data:`RESIDENTS_KEY`."""
    rows = await store.read(RESIDENTS, {**_p(communities), **_records(seen)})
    return {r["community"]: {RESIDENTS_KEY: int(r["count"])} for r in rows}


async def residents_by_tag(
    store: GraphStore,
    communities: Sequence[str] | None,
    seen: Mapping[str, Any] | None = None,
) -> Cells:
    """Residents per community and vulnerability tag."""
    rows = await store.read(RESIDENTS_BY_TAG, {**_p(communities), **_records(seen)})
    found: Cells = {}
    for r in rows:
        found.setdefault(r["community"], {})[r["tag"]] = int(r["count"])
    return found


async def volunteers_by_star(store: GraphStore, communities: Sequence[str] | None) -> list[Count]:
    rows = await store.read(VOLUNTEERS_BY_STAR, _p(communities))
    return [Count(str(int(r["stars"])), int(r["count"])) for r in rows]


# The figures that count rows of a family the viewer may see only in part, and that family: each
# takes the rows the viewer sees (:func:`scope_params` of their row scope of it).
SCOPED: Mapping[str, str] = {
    "hours": "ServiceRecord",
    "days_to_first_service": "ServiceRecord",
    "residents": "Resident",
    "residents_by_tag": "Resident",
}


def _records(records: Mapping[str, Any] | None) -> dict[str, Any]:
    """``records``: :func:`scope_params` of the viewer's row scope of the family counted; None:
    every row."""
    return {**(scope_params(()) if records is None else records), "scope_all": records is None}


async def hours(
    store: GraphStore,
    communities: Sequence[str] | None,
    records: Mapping[str, Any] | None = None,
) -> list[MonthHours]:
    rows = await store.read(HOURS, {**_p(communities), **_records(records)})
    return [
        MonthHours(
            r["month"],
            r["category"],
            r["categoryName"],
            int(r["minutes"] or 0),
            int(r["verifiedMinutes"] or 0),
            int(r["records"]),
        )
        for r in rows
    ]


async def needs_by_status(store: GraphStore, communities: Sequence[str] | None) -> list[Count]:
    rows = await store.read(NEEDS_BY_STATUS, _p(communities))
    return [Count(r["status"], int(r["count"])) for r in rows]


async def days_to_first_service(
    store: GraphStore,
    communities: Sequence[str] | None,
    records: Mapping[str, Any] | None = None,
) -> tuple[float | None, int]:
    """The median days from a need's report to its first service record, and how many needs
    that median is over."""
    rows = await store.read(FIRST_SERVICE, {**_p(communities), **_records(records)})
    days = []
    for r in rows:
        if not r["created"] or not r["first"]:
            continue
        created = dt.date.fromisoformat(str(r["created"])[:10])
        first = dt.date.fromisoformat(str(r["first"])[:10])
        days.append(max(0, (first - created).days))
    return (float(stats.median(days)) if days else None), len(days)


async def granted(store: GraphStore, communities: Sequence[str] | None) -> Money:
    rows = await store.read(GRANTED, _p(communities))
    row = rows[0] if rows else {}
    return Money(
        int(row.get("amountFen") or 0), int(row.get("grants") or 0), int(row.get("projects") or 0)
    )


async def balance(store: GraphStore, communities: Sequence[str] | None) -> list[Balance]:
    supplied = await store.read(SUPPLY, _p(communities))
    demanded = await store.read(DEMAND, {**_p(communities), "active": list(ACTIVE_NEED_STATUSES)})
    names: dict[str, str] = {}
    table: dict[str, list[int]] = {}
    for r in supplied:
        names[r["category"]] = r["categoryName"]
        table.setdefault(r["category"], [0, 0, 0, 0])[0:2] = [int(r["slots"]), int(r["volunteers"])]
    for r in demanded:
        names[r["category"]] = r["categoryName"]
        table.setdefault(r["category"], [0, 0, 0, 0])[2:4] = [int(r["slots"]), int(r["needs"])]
    return [
        Balance(key, names[key], *values)
        for key, values in sorted(table.items(), key=lambda kv: (kv[1][0] - kv[1][2], kv[0]))
    ]
