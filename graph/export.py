"""The whole graph read out, family by family and relationship by relationship, in id order.

Pages walk the id index (``WHERE n.id > $after ORDER BY n.id LIMIT $batch``), so reading a
million nodes costs a million / batch round trips and no ``SKIP`` scans. What leaves the service
is decided elsewhere (``exports``: de-identified for analysis); this module only reads.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from graph import network
from graph.cypher import Statement, builder, dynamic
from graph.entities import Rel
from graph.labels import label as allowed_label
from graph.labels import relationship_type
from graph.model import RELS
from graph.network import NETWORK_LABELS
from graph.store import GraphStore

BATCH = 5_000


@dataclass(frozen=True)
class NodeRow:
    key: str
    label: str
    props: Mapping[str, Any]


@dataclass(frozen=True)
class EdgeRow:
    type: str
    source: str
    target: str
    props: Mapping[str, Any]


@builder(each=lambda: ({"label": x} for x in NETWORK_LABELS))
@functools.cache
def nodes_statement(label: str) -> Statement:
    """One page of a family's nodes with all their properties."""
    return dynamic(
        f"export.nodes.{label}",
        f"""
        MATCH (n:{allowed_label(label)})
        WHERE $after IS NULL OR n.id > $after
        RETURN n.id AS key, properties(n) AS props
        ORDER BY key
        LIMIT $batch
        """,
    )


def _rel_examples() -> Iterable[Mapping[str, Any]]:
    return ({"rel": rel} for rel in RELS if {rel.start, rel.end} <= set(NETWORK_LABELS))


@builder(each=_rel_examples)
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
        ORDER BY source
        """,
    )


async def some_nodes(store: GraphStore, label: str, keys: list[str]) -> list[NodeRow]:
    return [
        NodeRow(key, label, props) for key, props in await network.properties(store, label, keys)
    ]


async def nodes(store: GraphStore, label: str, batch: int = BATCH) -> AsyncIterator[NodeRow]:
    after: str | None = None
    while True:
        rows = await store.read(nodes_statement(label), {"after": after, "batch": batch})
        for row in rows:
            yield NodeRow(row["key"], label, row["props"] or {})
        if len(rows) < batch:
            return
        after = rows[-1]["key"]


async def edges(store: GraphStore, batch: int = BATCH) -> AsyncIterator[EdgeRow]:
    for rel in RELS:
        if not {rel.start, rel.end} <= set(NETWORK_LABELS):
            continue
        after: str | None = None
        while True:
            rows = await store.read(rels_statement(rel), {"after": after, "batch": batch})
            sources = {row["source"] for row in rows}
            for row in rows:
                if row["target"] is not None:
                    yield EdgeRow(rel.type, row["source"], row["target"], row["props"] or {})
            if len(sources) < batch:
                break
            after = max(sources)
