"""Which organizations work together, where a fund's money went, which hub incubated whom.

Each kind of tie between two organizations is one statement returning weighted pairs; the
resolver adds them up into one collaboration graph and ranks it. A district narrows every answer
to the organizations serving one of its communities (both ends of a tie must be in scope).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from graph.engine.cypher import Statement, cypher
from graph.engine.store import GraphStore

# An organization is in a district's scope when it serves one of its communities.
IN_SCOPE = (
    "($district IS NULL OR ({o})-[:SERVES_AREA]->(:Community)-[:IN]->(:District {{id: $district}}))"
)


def _scoped(*variables: str) -> str:
    return " AND ".join(IN_SCOPE.format(o=o) for o in variables)


class Tie(StrEnum):
    SHARED_PROJECT = "SHARED_PROJECT"  # both run the same project
    REFERRAL = "REFERRAL"  # one referred a need to the other
    SHARED_VOLUNTEERS = "SHARED_VOLUNTEERS"  # volunteers belong to both
    INCUBATION = "INCUBATION"  # one was incubated, introduced or optimized by the other (hub)
    FUNDING = "FUNDING"  # a fund one manages granted to a project the other runs
    TEAM = "TEAM"  # a team or branch is part of the other


ORGANIZATIONS = cypher(
    "collaboration.organizations",
    f"""
    MATCH (o:Organization) WHERE {_scoped("o")}
    RETURN o.id AS key, o.name AS name, o.kind AS kind
    ORDER BY o.id
    LIMIT $cap
    """,
)

TIES: Mapping[Tie, Statement] = {
    Tie.SHARED_PROJECT: cypher(
        "collaboration.shared_project",
        f"""
        MATCH (a:Organization)-[:RUNS]->(p:Project)<-[:RUNS]-(b:Organization)
        WHERE a.id < b.id AND {_scoped("a", "b")}
        RETURN a.id AS a, b.id AS b, count(DISTINCT p) AS weight
        """,
    ),
    Tie.REFERRAL: cypher(
        "collaboration.referral",
        f"""
        MATCH (a:Organization)-[:REFERRED]->(r:Referral)-[:TO]->(b:Organization)
        WHERE a.id <> b.id AND {_scoped("a", "b")}
        RETURN a.id AS a, b.id AS b, count(r) AS weight
        """,
    ),
    Tie.SHARED_VOLUNTEERS: cypher(
        "collaboration.shared_volunteers",
        f"""
        MATCH (a:Organization)<-[:MEMBER_OF]-(v:Volunteer)-[:MEMBER_OF]->(b:Organization)
        WHERE a.id < b.id AND {_scoped("a", "b")}
        RETURN a.id AS a, b.id AS b, count(DISTINCT v) AS weight
        """,
    ),
    Tie.INCUBATION: cypher(
        "collaboration.incubation",
        f"""
        MATCH (a:Organization)-[:INCUBATED_BY]->(b:Organization)
        WHERE {_scoped("a", "b")}
        RETURN a.id AS a, b.id AS b, count(*) AS weight
        """,
    ),
    Tie.FUNDING: cypher(
        "collaboration.funding",
        f"""
        MATCH (a:Organization)<-[:MANAGED_BY]-(:Fund)-[g:GRANTED]->(:Project)<-[:RUNS]-
              (b:Organization)
        WHERE a.id <> b.id AND {_scoped("a", "b")}
        RETURN a.id AS a, b.id AS b, count(g) AS weight
        """,
    ),
    Tie.TEAM: cypher(
        "collaboration.team",
        f"""
        MATCH (a:Organization)-[:PART_OF]->(b:Organization)
        WHERE {_scoped("a", "b")}
        RETURN a.id AS a, b.id AS b, count(*) AS weight
        """,
    ),
}


@dataclass(frozen=True)
class Organization:
    key: str
    name: str
    kind: str


@dataclass(frozen=True)
class TieRow:
    """``weight`` ties of one kind between two organizations (``a`` → ``b`` where directed)."""

    kind: Tie
    a: str
    b: str
    weight: int


async def organizations(store: GraphStore, district: str | None, cap: int) -> list[Organization]:
    """The organizations in scope (at most ``cap``; the caller tells a cut by asking cap + 1)."""
    rows = await store.read(ORGANIZATIONS, {"district": district, "cap": cap})
    return [Organization(row["key"], row["name"], row["kind"]) for row in rows]


async def ties(store: GraphStore, district: str | None, kinds: Sequence[Tie]) -> list[TieRow]:
    found: list[TieRow] = []
    for kind in kinds:
        rows = await store.read(TIES[kind], {"district": district})
        found.extend(TieRow(kind, row["a"], row["b"], int(row["weight"])) for row in rows)
    return found


# --- money ------------------------------------------------------------------------------------

# Funds in scope: named ones, or those covering a district (directly or through a community),
# optionally of one kind.
FUNDS = cypher(
    "collaboration.funds",
    """
    MATCH (f:Fund)
    WHERE ($funds IS NULL OR f.id IN $funds)
      AND ($kind IS NULL OR f.kind = $kind)
      AND ($district IS NULL OR (f)-[:COVERS]->(:District {id: $district})
           OR (f)-[:COVERS]->(:Community)-[:IN]->(:District {id: $district}))
    RETURN f.id AS key, f.name AS name, f.kind AS kind
    ORDER BY f.id
    LIMIT $cap
    """,
)

# Donations into, grants out of the funds, and where the granted projects are and who runs them.
DONATIONS = cypher(
    "collaboration.donations",
    """
    UNWIND $funds AS fid
    MATCH (d:Organization)-[g:DONATED]->(f:Fund {id: fid})
    RETURN d.id AS source, d.name AS sourceName, f.id AS target, sum(g.amountFen) AS amountFen,
           count(g) AS count
    """,
)

GRANTS = cypher(
    "collaboration.grants",
    """
    UNWIND $funds AS fid
    MATCH (f:Fund {id: fid})-[g:GRANTED]->(p:Project)
    RETURN f.id AS source, p.id AS target, p.name AS targetName, sum(g.amountFen) AS amountFen,
           count(g) AS count,
           [(o:Organization)-[:RUNS]->(p) | {key: o.id, name: o.name}] AS runners,
           [(p)-[:TARGETS]->(c:Community) | {key: c.id, name: c.name}] AS communities
    """,
)


@dataclass(frozen=True)
class Named:
    key: str
    name: str


@dataclass(frozen=True)
class Fund:
    key: str
    name: str
    kind: str


@dataclass(frozen=True)
class Donation:
    source: Named
    fund: str
    amount_fen: int
    count: int


@dataclass(frozen=True)
class Grant:
    fund: str
    project: Named
    amount_fen: int
    count: int
    runners: tuple[Named, ...]
    communities: tuple[Named, ...]


async def funds(
    store: GraphStore,
    *,
    keys: Sequence[str] | None,
    district: str | None,
    kind: str | None,
    cap: int,
) -> list[Fund]:
    rows = await store.read(
        FUNDS,
        {"funds": list(keys) if keys else None, "district": district, "kind": kind, "cap": cap},
    )
    return [Fund(row["key"], row["name"], row["kind"]) for row in rows]


def _named(items: Sequence[Mapping[str, str]] | None) -> tuple[Named, ...]:
    return tuple(sorted((Named(i["key"], i["name"]) for i in items or ()), key=lambda n: n.key))


async def money(store: GraphStore, fund_keys: Sequence[str]) -> tuple[list[Donation], list[Grant]]:
    """What went into and out of the funds (two statements, whatever the number of funds)."""
    params = {"funds": list(fund_keys)}
    donated = await store.read(DONATIONS, params)
    granted = await store.read(GRANTS, params)
    donations = [
        Donation(
            Named(r["source"], r["sourceName"]), r["target"], int(r["amountFen"]), int(r["count"])
        )
        for r in donated
    ]
    grants = [
        Grant(
            r["source"],
            Named(r["target"], r["targetName"]),
            int(r["amountFen"]),
            int(r["count"]),
            _named(r["runners"]),
            _named(r["communities"]),
        )
        for r in granted
    ]
    return donations, grants


# --- incubation -------------------------------------------------------------------------------

INCUBATED = cypher(
    "collaboration.incubated",
    """
    UNWIND $parents AS pid
    MATCH (o:Organization)-[i:INCUBATED_BY]->(:Organization {id: pid})
    RETURN pid AS parent, o.id AS key, o.name AS name, o.kind AS kind, i.stage AS stage,
           i.since AS since
    ORDER BY parent, since, key
    """,
)


@dataclass(frozen=True)
class Incubated:
    parent: str
    key: str
    name: str
    kind: str
    stage: str | None
    since: str | None
    depth: int


async def incubation_tree(store: GraphStore, hub: str, max_depth: int) -> list[Incubated]:
    """Everything incubated by ``hub``, and by what it incubated, breadth first to ``max_depth``
    levels (one statement per level; a cycle in the data is walked once)."""
    found: list[Incubated] = []
    seen = {hub}
    parents = [hub]
    for depth in range(1, max_depth + 1):
        if not parents:
            break
        rows = await store.read(INCUBATED, {"parents": parents})
        parents = []
        for row in rows:
            if row["key"] in seen:
                continue
            seen.add(row["key"])
            parents.append(row["key"])
            since = row["since"]
            found.append(
                Incubated(
                    row["parent"],
                    row["key"],
                    row["name"],
                    row["kind"],
                    row["stage"],
                    None if since is None else str(since),
                    depth,
                )
            )
    return found
