"""Reading an organization's evaluation history (社会组织评估, docs/GROUND.md); recording one is a
workflow step (``graph/workflows/evaluations.py``)."""

from __future__ import annotations

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore, Record

EVALUATIONS = cypher(
    "evaluations.of",
    """
    MATCH (e:OrganizationEvaluation {organization: $organization})
    RETURN properties(e) AS evaluation ORDER BY e.evaluatedOn DESC, e.at DESC
    """,
)


async def evaluations(store: GraphStore, organization: str) -> list[Record]:
    """An organization's evaluations, latest first."""
    rows = await store.read(EVALUATIONS, {"organization": organization})
    return [row["evaluation"] for row in rows]


# Organizations whose grade is their latest evaluation's and that evaluation has expired: what the
# daily sweep (app.expire_grades) clears, each re-checked under its lock by the step.
EXPIRED_GRADES = cypher(
    "evaluations.expired",
    """
    MATCH (o:Organization) WHERE o.rating IS NOT NULL
    MATCH (e:OrganizationEvaluation {organization: o.id})
    WITH o, e ORDER BY e.evaluatedOn DESC, e.at DESC
    WITH o, collect(e) AS history
    WITH o, history[0] AS latest
    WHERE latest.validUntil < $today AND o.rating = latest.grade
    RETURN o.id AS organization ORDER BY organization
    """,
)


async def expired_grades(store: GraphStore, today: str) -> list[str]:
    """The organizations whose current grade has run out by ``today`` (local date, ISO)."""
    rows = await store.read(EXPIRED_GRADES, {"today": today})
    return [row["organization"] for row in rows]
