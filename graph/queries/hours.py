"""The verification queue (待审核): service records nobody has approved or declined yet, for the
social worker who reviews them (the one covering the community of the record's need, or of the
recruitment whose attendance proposed it)."""

from __future__ import annotations

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore

# Oldest service first: the longer hours wait, the staler the volunteer's memory of them.
TO_REVIEW_BY = cypher(
    "hours.to_review_by",
    """
    MATCH (:SocialWorker {id: $worker})-[:COVERS]->(:Community)<-[:IN]-()
          <-[:FOR|AT]-(rec:ServiceRecord)
    WHERE NOT (:SocialWorker)-[:VERIFIED]->(rec) AND NOT (:SocialWorker)-[:DECLINED]->(rec)
    WITH DISTINCT rec
    RETURN rec.id AS key ORDER BY rec.date, rec.id LIMIT $first
    """,
)

TO_REVIEW = cypher(
    "hours.to_review",
    """
    MATCH (rec:ServiceRecord)
    WHERE NOT (:SocialWorker)-[:VERIFIED]->(rec) AND NOT (:SocialWorker)-[:DECLINED]->(rec)
    RETURN rec.id AS key ORDER BY rec.date, rec.id LIMIT $first
    """,
)


async def to_review(store: GraphStore, worker: str | None, first: int) -> list[str]:
    """Keys of the records awaiting review: in ``worker``'s communities, or all (``None``)."""
    if worker is None:
        rows = await store.read(TO_REVIEW, {"first": first})
    else:
        rows = await store.read(TO_REVIEW_BY, {"worker": worker, "first": first})
    return [row["key"] for row in rows]
