"""The graph for analysis tools: GraphML (Gephi, NetworkX, yEd) and CSV node/edge lists.

Always de-identified (``exports.deidentified``): residents carry no name, phone, address, exact
place or birth year — an age band and a ~500 m grid cell instead — records about them no free
text, and nobody's phone or home base leaves. Relationships that are personal facts about a
resident (``policy.PERSONAL_TIES``: family) are not exported, and a neighbourhood export does not
walk through them. The whole graph is exported by the CLI (``python -m cli export-graph``); the HTTP
endpoint (``/export/…``) exports a bounded subgraph around one entity, for analysts.

Property values become text where the formats need it: points split into ``latitude`` /
``longitude`` (residents: ``approximateLatitude`` / ``approximateLongitude``), lists as JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import networkx as nx

from access import exports
from graph.access import facts
from graph.engine.labels import RELATIONSHIP_TYPES
from graph.engine.store import GraphStore
from graph.io import export
from graph.queries import network

FORMAT_VERSION = "1"
# What an export walks and carries: the families an analyst sees whole, and every relationship
# among them but the personal ties.
EXPORTED_LABELS = tuple(label for label in network.NETWORK_LABELS if exports.exported_family(label))
EXPORTED_RELS = tuple(
    rel
    for rel in export.NETWORK_RELS
    if exports.exported_tie(rel.type) and {rel.start, rel.end} <= set(EXPORTED_LABELS)
)
EXPORTED_TYPES = tuple(t for t in RELATIONSHIP_TYPES if exports.exported_tie(t))


@dataclass(frozen=True)
class Export:
    nodes: list[export.NodeRow]  # de-identified properties
    edges: list[export.EdgeRow]
    truncated: bool = False


def _display(row: export.NodeRow) -> str:
    props = row.props
    if row.label == "Resident":
        band = props.get("ageBand")
        return f"服务对象 · {band}" if band else "服务对象"
    return str(props.get("name") or props.get("title") or row.key)


def _flat(props: Mapping[str, Any]) -> dict[str, str | int | float | bool]:
    flat: dict[str, str | int | float | bool] = {}
    for name, value in props.items():
        if value is None:
            continue
        if isinstance(value, Mapping) and "latitude" in value:
            prefix = "" if name == "location" else name.removesuffix("Location")
            lat, lon = (
                (f"{prefix}Latitude", f"{prefix}Longitude") if prefix else ("latitude", "longitude")
            )
            flat[lat], flat[lon] = float(value["latitude"]), float(value["longitude"])
        elif isinstance(value, bool | int | float | str):
            flat[name] = value
        elif isinstance(value, list | tuple):
            flat[name] = json.dumps(list(value), ensure_ascii=False, default=str)
        else:
            flat[name] = str(value)
    return flat  # fmt: skip


def _clean(row: export.NodeRow) -> export.NodeRow:
    return export.NodeRow(row.key, row.label, exports.deidentified(row.label, row.props))


def _edge(row: export.EdgeRow) -> export.EdgeRow:
    props = {k: v for k, v in network.shown_edge_props(row.type, row.props).items() if k != "id"}
    return export.EdgeRow(row.type, row.source, row.target, props)


# Families of which an export carries some rows only (the reviewed: ``exports.reviewed_only``;
# those consented to analysis: ``exports.consented_only``), each with the read that says which,
# and the relationships touching them, screened as a neighbourhood is walked.
SCREENED: Mapping[str, Callable[[GraphStore, str, Sequence[str]], Awaitable[frozenset[str]]]] = {
    **{label: facts.reviewed_of for label in EXPORTED_LABELS if exports.reviewed_only(label)},
    **{label: facts.consented_of for label in EXPORTED_LABELS if exports.consented_only(label)},
}
SCREENED_TYPES = frozenset(t for t in EXPORTED_TYPES if not network.ENDS[t].isdisjoint(SCREENED))


async def _admitted(store: GraphStore, label: str, keys: Sequence[str]) -> set[str]:
    """Of ``keys`` of a screened family, those an export may carry (in batches)."""
    found: set[str] = set()
    for start in range(0, len(keys), export.BATCH):
        found |= await SCREENED[label](store, label, keys[start : start + export.BATCH])
    return found


async def _screened(
    store: GraphStore, label: str, rows: list[export.NodeRow]
) -> list[export.NodeRow]:
    """The rows an export may carry: of a screened family, those admitted."""
    if label not in SCREENED or not rows:
        return rows
    found = await _admitted(store, label, [row.key for row in rows])
    return [row for row in rows if row.key in found]


def _screen(store: GraphStore) -> network.Withheld:
    """A walk's screen: no edge to a row an export may not carry (its edges follow its nodes)."""

    async def admit(edges: Sequence[network.NetEdge]) -> list[bool]:
        ends = [[(x, k) for x in SCREENED if (k := e.end(x))] for e in edges]
        by_label: dict[str, list[str]] = {}
        for label, key in {end for found in ends for end in found}:
            by_label.setdefault(label, []).append(key)
        seen = {
            (label, key)
            for label, keys in by_label.items()
            for key in await _admitted(store, label, keys)
        }
        return [all(end in seen for end in found) for found in ends]

    return network.Withheld(SCREENED_TYPES, admit)


async def whole(store: GraphStore) -> Export:
    """Every node of the network families and every declared relationship between them."""
    nodes: list[export.NodeRow] = []
    for label in EXPORTED_LABELS:
        rows = [row async for row in export.nodes(store, label)]
        nodes += [_clean(row) for row in await _screened(store, label, rows)]
    known = {row.key for row in nodes}
    edges = [
        _edge(row)
        async for row in export.edges(store, EXPORTED_RELS)
        if row.source in known and row.target in known
    ]
    return Export(nodes, edges)


async def around(store: GraphStore, root: network.NetNode, *, depth: int, limit: int) -> Export:
    """The neighbourhood ``network.neighbourhood`` finds, with the nodes' properties."""
    sub = await network.neighbourhood(
        store, root, depth=depth, labels=EXPORTED_LABELS, types=EXPORTED_TYPES,
        limit=limit, withheld=_screen(store),
    )  # fmt: skip
    by_label: dict[str, list[str]] = {}
    for n in sub.nodes:
        by_label.setdefault(n.label, []).append(n.key)
    nodes = [
        _clean(row) for label, keys in by_label.items()
        for row in await export.some_nodes(store, label, keys)
    ]  # fmt: skip
    edges = [_edge(export.EdgeRow(e.type, e.source, e.target, e.props)) for e in sub.edges]
    return Export(nodes, edges, sub.truncated)


def graph_of(data: Export) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(
        name="community-resource-graph", formatVersion=FORMAT_VERSION,
        deidentified=True, truncated=data.truncated,
    )  # fmt: skip
    for row in data.nodes:
        # `label` is what Gephi and yEd show; `entity` is the graph label (the family).
        graph.add_node(row.key, **{**_flat(row.props), "entity": row.label, "label": _display(row)})
    known = {row.key for row in data.nodes}
    for e in data.edges:
        if e.source in known and e.target in known:
            graph.add_edge(e.source, e.target, key=None, **{**_flat(e.props), "type": e.type})
    return graph


def graphml(data: Export) -> bytes:
    out = io.BytesIO()
    nx.write_graphml(graph_of(data), out, encoding="utf-8", named_key_ids=True)
    return out.getvalue()


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def nodes_csv(data: Export) -> str:
    """Gephi's node table: Id, Label, then the entity's family and its properties as JSON."""
    return _csv(
        ["Id", "Label", "entity", "properties"],
        (
            [row.key, _display(row), row.label,
             json.dumps(_flat(row.props), ensure_ascii=False, sort_keys=True)]
            for row in data.nodes
        ),
    )  # fmt: skip


def edges_csv(data: Export) -> str:
    """Gephi's edge table: Source, Target, Type (directed), the relationship, its properties."""
    known = {row.key for row in data.nodes}
    return _csv(
        ["Source", "Target", "Type", "relationship", "properties"],
        (
            [e.source, e.target, "Directed", e.type,
             json.dumps(_flat(e.props), ensure_ascii=False, sort_keys=True)]
            for e in data.edges if e.source in known and e.target in known
        ),
    )  # fmt: skip


def files(data: Export, fmt: str) -> Iterator[tuple[str, bytes]]:
    """``(file name, content)`` for a format: ``graphml`` or ``csv``."""
    if fmt == "graphml":
        yield "graph.graphml", graphml(data)
    else:
        yield "nodes.csv", nodes_csv(data).encode()
        yield "edges.csv", edges_csv(data).encode()
