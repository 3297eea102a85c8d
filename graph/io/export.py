"""The whole graph read out, family by family and relationship by relationship, in id order.

Pages walk the id index (``WHERE n.id > $after ORDER BY n.id LIMIT $batch``), so reading a
million nodes costs a million / batch round trips and no ``SKIP`` scans. What leaves the service
is decided elsewhere (``exports``: de-identified for analysis; ``graph.backup``: everything, for
a restore); this module only reads.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.engine.cypher import Statement, builder, dynamic, over
from graph.engine.labels import ENTITY_LABELS, relationship_type
from graph.engine.labels import label as allowed_label
from graph.engine.store import GraphStore
from graph.model.entities import Rel
from graph.model.registry import RELS
from graph.queries import network
from graph.queries.network import NETWORK_LABELS

BATCH = 5_000

# Every kind of node a backup holds, with the property its unique index is on. ``SchemaInfo`` and
# ``Searchable`` are not here: the first is rebuilt by the bootstrap, the second is a second label
# that searchable families always carry.
KEYED_LABELS: tuple[tuple[str, str], ...] = (
    *((label, "id") for label in ENTITY_LABELS),
    ("IdempotencyKey", "key"),
    # Revocations travel with the graph: a restore must not bring a revoked token back to life.
    ("IssuedToken", "id"),
    ("Revocation", "id"),
    # So does the erasure ledger: a restore scrubs every id in it again (graph/workflows/rights).
    ("Erasure", "id"),
    # The event log and its clock: a restore keeps the cursors clients hold (docs/LIVE.md).
    ("Event", "id"),
    ("EventClock", "id"),
    # A certificate issued stays verifiable (or revoked) after a restore.
    ("ServiceCertificate", "id"),
    # An organization's evaluation history (its current grade is on the organization).
    ("OrganizationEvaluation", "id"),
    # Partners' webhooks, with their cursors: a restore resumes deliveries where they were.
    ("Webhook", "id"),
)


@dataclass(frozen=True)
class NodeRow:
    key: str
    label: str
    props: Mapping[str, Any]
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class EdgeRow:
    type: str
    source: str
    target: str
    props: Mapping[str, Any]
    rel: Rel | None = None


@builder(each=lambda: ({"label": x, "key": k} for x, k in KEYED_LABELS))
def nodes_statement(label: str, key: str = "id") -> Statement:
    """One page of a family's nodes (in the order of their unique ``key``) with all properties."""
    if (label, key) not in KEYED_LABELS:
        raise ValueError(f"{label}.{key} is not a unique key of the graph.")
    return dynamic(
        f"export.nodes.{label}",
        f"""
        MATCH (n:{allowed_label(label)})
        WHERE $after IS NULL OR n.{key} > $after
        RETURN n.{key} AS key, labels(n) AS labels, properties(n) AS props
        ORDER BY key
        LIMIT $batch
        """,
    )


# The relationships the analysts' exports carry: between network nodes only.
NETWORK_RELS = tuple(rel for rel in RELS if {rel.start, rel.end} <= set(NETWORK_LABELS))


@builder(each=over("rel", RELS))
def rels_statement(rel: Rel) -> Statement:
    """The relationships of one declared kind leaving one page of start nodes."""
    return dynamic(
        f"export.rels.{rel.name}",
        f"""
        MATCH (a:{allowed_label(rel.start)})
        WHERE $after IS NULL OR a.id > $after
        WITH a ORDER BY a.id LIMIT $batch
        OPTIONAL MATCH (a)-[r:{relationship_type(rel.type)}]->(b:{allowed_label(rel.end)})
        RETURN a.id AS source, b.id AS target, properties(r) AS props
        ORDER BY source, target, r.id
        """,
    )


@builder(each=over("rel", RELS))
def among_statement(rel: Rel) -> Statement:
    """The relationships of one declared kind between two given sets of nodes."""
    return dynamic(
        f"export.among.{rel.name}",
        f"""
        MATCH (a:{allowed_label(rel.start)})-[r:{relationship_type(rel.type)}]->
              (b:{allowed_label(rel.end)})
        WHERE a.id IN $starts AND b.id IN $ends
        RETURN a.id AS source, b.id AS target, properties(r) AS props
        ORDER BY source, target, r.id
        """,
    )


async def edges_among(
    store: GraphStore, keys: Mapping[str, Sequence[str]], rels: Iterable[Rel] = RELS
) -> AsyncIterator[EdgeRow]:
    """Every relationship between the given nodes (``label -> keys``), for a subgraph."""
    for rel in rels:
        starts, ends = keys.get(rel.start), keys.get(rel.end)
        if not starts or not ends:
            continue
        params = {"starts": list(starts), "ends": list(ends)}
        for row in await store.read(among_statement(rel), params):
            yield EdgeRow(rel.type, row["source"], row["target"], row["props"] or {}, rel)


async def some_nodes(store: GraphStore, label: str, keys: list[str]) -> list[NodeRow]:
    return [
        NodeRow(key, label, props) for key, props in await network.properties(store, label, keys)
    ]


async def nodes(
    store: GraphStore, label: str, key: str = "id", batch: int = BATCH
) -> AsyncIterator[NodeRow]:
    after: str | None = None
    while True:
        rows = await store.read(nodes_statement(label, key), {"after": after, "batch": batch})
        for row in rows:
            yield NodeRow(row["key"], label, row["props"] or {}, tuple(sorted(row["labels"])))
        if len(rows) < batch:
            return
        after = rows[-1]["key"]


async def edges(
    store: GraphStore, rels: Iterable[Rel] = NETWORK_RELS, batch: int = BATCH
) -> AsyncIterator[EdgeRow]:
    for rel in rels:
        after: str | None = None
        while True:
            rows = await store.read(rels_statement(rel), {"after": after, "batch": batch})
            sources = {row["source"] for row in rows}
            for row in rows:
                if row["target"] is not None:
                    yield EdgeRow(rel.type, row["source"], row["target"], row["props"] or {}, rel)
            if len(sources) < batch:
                break
            after = max(sources)
