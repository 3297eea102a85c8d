"""Statements about the graph as a whole: is it empty, what is in it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.engine.cypher import cypher

if TYPE_CHECKING:  # the stores build on these statements (``GraphStore.reset``)
    from graph.engine.store import GraphStore

COUNT_NODES = cypher("system.count_nodes", "MATCH (n) RETURN count(n) AS nodes")

COUNT_BY_LABEL = cypher(
    "system.count_by_label",
    "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS nodes ORDER BY label",
)


@dataclass(frozen=True)
class LabelCount:
    label: str
    nodes: int


async def node_count(store: GraphStore) -> int:
    rows = await store.read(COUNT_NODES)
    return int(rows[0]["nodes"]) if rows else 0


async def counts_by_label(store: GraphStore) -> list[LabelCount]:
    rows = await store.read(COUNT_BY_LABEL)
    return [LabelCount(row["label"], int(row["nodes"])) for row in rows]


CLEAR_BATCH = cypher(
    "system.clear_batch",
    """
    MATCH (n)
    WITH n LIMIT $batch
    DETACH DELETE n
    RETURN count(*) AS deleted
    """,
)


async def clear_graph(store: GraphStore, batch: int = 10_000) -> int:
    """Delete every node and relationship, in batches so a city-sized graph fits in memory.

    For reloading demo data and for tests; the schema (indexes, constraints) stays.
    """
    total = 0
    while True:
        rows = await store.write(CLEAR_BATCH, {"batch": batch})
        deleted = int(rows[0]["deleted"]) if rows else 0
        total += deleted
        if deleted < batch:
            return total


# Everything but the audit log, which grows with every request (reads of PII included) by design.
CHECKSUM = cypher(
    "system.checksum",
    """
    MATCH (n) WHERE NOT n:AuditEntry
    OPTIONAL MATCH (n)-[r]->()
    RETURN count(DISTINCT n) AS nodes, count(r) AS rels,
           collect(DISTINCT properties(n)) AS props
    """,
)


async def checksum(store: GraphStore) -> tuple[int, int, str]:
    """Node count, relationship count and every node's properties, comparable across reads:
    equal before and after a failed change proves the change left nothing behind."""
    (row,) = await store.read(CHECKSUM)
    # Keys sorted: the engines list a node's properties in different orders.
    props = sorted(
        json.dumps(p, sort_keys=True, default=str, ensure_ascii=False) for p in row["props"]
    )
    return int(row["nodes"]), int(row["rels"]), repr(props)
