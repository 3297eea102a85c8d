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
