"""The graph as a network: neighbourhoods and the shortest connection between two entities.

Both walk the graph one hop at a time in Python, with one statement per label of the frontier
(labels must be literal for the id index to serve, and FalkorDB has no undirected
``shortestPath``), so a walk costs ``depth × labels-in-frontier`` round trips, each bounded by a
``LIMIT``. When a limit cuts a hop, the answer says so (``truncated``) rather than pretending to be
whole.

Reference nodes (places and the taxonomies) join almost everything to almost everything: a
walk shows them but goes on through them only when it starts at one.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.engine.cypher import Statement, builder, dynamic, over
from graph.engine.labels import ENTITY_LABELS, RELATIONSHIP_TYPES
from graph.engine.labels import label as allowed_label
from graph.engine.store import GraphStore
from graph.model.registry import RELS

# Families a walk may pass; the audit log is not part of the network.
NETWORK_LABELS: tuple[str, ...] = tuple(x for x in ENTITY_LABELS if x != "AuditEntry")
REFERENCE_LABELS = frozenset({"City", "District", "Skill", "ServiceCategory"})
# Links that say "is of the same kind" or "is in the same place" rather than "works with":
# left out of shortest connections unless asked for, or every answer would run through a
# category or a district.
LIKENESS_TYPES = frozenset({"OF_CATEGORY", "REQUIRES", "HAS_SKILL", "BROADER", "IN"})
CONNECTION_TYPES: tuple[str, ...] = tuple(t for t in RELATIONSHIP_TYPES if t not in LIKENESS_TYPES)
# Edge properties a network answer never carries: who recorded a step is the audit log's
# business; the ids of attendance codes and the epoch seconds are the attendance workflow's
# bookkeeping; and when a volunteer is at a resident's home (a visit's check-in and check-out on
# the assignment) is not for analysis (docs/PRIVACY.md).
HIDDEN_EDGE_PROPS = frozenset({"by", "codes", "checkInEpoch", "checkInCode", "checkOutCode"})
HIDDEN_BY_TYPE: Mapping[str, frozenset[str]] = {
    "ASSIGNED": frozenset({"checkedInAt", "checkInBy", "checkedOutAt", "checkOutBy", "minutes"}),
}


def shown_edge_props(rel_type: str, props: Mapping[str, Any] | None) -> dict[str, Any]:
    """The properties of an edge of ``rel_type`` a network answer or an export carries."""
    hidden = HIDDEN_EDGE_PROPS | HIDDEN_BY_TYPE.get(rel_type, frozenset())
    return {k: v for k, v in (props or {}).items() if k not in hidden}


MAX_DEPTH = 4
MAX_CONNECTION_DEPTH = 8
MAX_NODES = 500


@dataclass(frozen=True)
class NetNode:
    key: str
    label: str
    name: str | None  # the display name (a resident's is personal: the caller decides)
    birth_year: int | None = None  # residents only, for an age band when the name is withheld
    shown: str | None = None  # the property the display name is ("name", "title"; None: the id)


@dataclass(frozen=True)
class NetEdge:
    type: str
    source: str  # key of the start node (the relationship's direction)
    target: str
    props: Mapping[str, Any] = field(default_factory=dict)
    source_label: str = ""
    target_label: str = ""

    def end(self, label: str) -> str | None:
        """The key of the end of family ``label`` (``None`` when neither end is one)."""
        if self.source_label == label:
            return self.source
        return self.target if self.target_label == label else None

    @property
    def ident(self) -> tuple[str, str, str, Any]:
        return (self.type, self.source, self.target, self.props.get("id"))


@dataclass(frozen=True)
class Withheld:
    """Edges a viewer may not see: of ``types``, those ``admit`` refuses (parallel flags; the
    caller applies the rules, ``policy.shows_tie``). They are read apart from the other edges and
    refused before any limit counts them, so neither a walk nor its ``truncated`` flag says that
    a hidden one exists, and no walk or path crosses one."""

    types: frozenset[str]
    admit: Callable[[Sequence[NetEdge]], Awaitable[Sequence[bool]]]


# Edges of withheld types read per label batch before ``admit`` sorts them (personal ties are a
# handful per node); beyond it some visible ones may be missed, never a hidden one shown.
WITHHELD_READ = 10_000
# The families at either end of each relationship type: a frontier family at neither end of a
# withheld type costs no read for it.
ENDS: Mapping[str, frozenset[str]] = {
    t: frozenset(x for rel in RELS if rel.type == t for x in (rel.start, rel.end))
    for t in RELATIONSHIP_TYPES
}


@dataclass
class Subgraph:
    nodes: list[NetNode]
    edges: list[NetEdge]
    truncated: bool = False


@builder(each=over("label", NETWORK_LABELS))
def neighbours_statement(label: str) -> Statement:
    """Every relationship of a batch of nodes of one family, with what is at the other end."""
    return dynamic(
        f"network.neighbours.{label}",
        f"""
        UNWIND $keys AS key
        MATCH (a:{allowed_label(label)} {{id: key}})-[r]-(b)
        WHERE type(r) IN $types AND any(x IN labels(b) WHERE x IN $labels)
        WITH a, r, b LIMIT $cap
        RETURN a.id AS origin, type(r) AS type, startNode(r) = a AS outgoing,
               properties(r) AS props, b.id AS key,
               [x IN labels(b) WHERE x IN $labels][0] AS label,
               coalesce(b.name, b.title, b.id) AS name, b.birthYear AS birthYear,
               CASE WHEN b.name IS NOT NULL THEN 'name'
                    WHEN b.title IS NOT NULL THEN 'title' END AS shown
        """,
    )


@builder(each=over("label", NETWORK_LABELS))
def nodes_statement(label: str) -> Statement:
    """A batch of nodes of one family, with all their properties."""
    return dynamic(
        f"network.nodes.{label}",
        f"""
        UNWIND $keys AS key
        MATCH (b:{allowed_label(label)} {{id: key}})
        RETURN b.id AS key, properties(b) AS props
        """,
    )


async def properties(
    store: GraphStore, label: str, keys: Sequence[str]
) -> list[tuple[str, Mapping[str, Any]]]:
    """``(key, stored properties)`` of the nodes of ``label`` that exist among ``keys``."""
    rows = await store.read(nodes_statement(label), {"keys": list(keys)})
    return [(row["key"], row["props"] or {}) for row in rows]


async def nodes(store: GraphStore, refs: Iterable[tuple[str, str]]) -> list[NetNode]:
    """The network nodes for ``(label, key)`` pairs that exist, in the order given."""
    wanted = list(dict.fromkeys(refs))
    by_label: dict[str, list[str]] = defaultdict(list)
    for label, key in wanted:
        by_label[label].append(key)
    results = await asyncio.gather(
        *(properties(store, label, keys) for label, keys in by_label.items())
    )
    found: dict[tuple[str, str], NetNode] = {}
    for label, rows in zip(by_label, results, strict=True):
        for key, props in rows:
            shown = next((p for p in ("name", "title") if props.get(p) is not None), None)
            name = props[shown] if shown else key
            found[(label, key)] = NetNode(key, label, name, props.get("birthYear"), shown)
    return [found[ref] for ref in wanted if ref in found]


@dataclass(frozen=True)
class Hop:
    """One hop's answer: the edges found from each frontier node, and whether a limit cut it."""

    edges: list[tuple[NetNode, NetEdge]]  # (the node reached, the edge)
    origins: list[str]  # the frontier key each edge came from, parallel to ``edges``
    cut: bool


async def hop(
    store: GraphStore,
    frontier: Sequence[NetNode],
    *,
    types: Sequence[str],
    labels: Sequence[str],
    cap: int,
    withheld: Withheld | None = None,
) -> Hop:
    """The relationships of ``frontier`` (each label's batch at most ``cap`` edges of the open
    types, and at most ``cap`` of the ``withheld`` types that its ``admit`` lets through)."""
    by_label: dict[str, list[str]] = defaultdict(list)
    origin_label: dict[str, str] = {}
    for node in frontier:
        by_label[node.label].append(node.key)
        origin_label[node.key] = node.label
    checked = [t for t in types if withheld is not None and t in withheld.types]
    open_types = [t for t in types if t not in checked]
    reads = [(open_types, cap + 1, False)] if open_types else []
    reads += [(checked, WITHHELD_READ, True)] if checked else []
    batches = [
        (ts, limit, screened, label, keys)
        for ts, limit, screened in reads
        for label, keys in by_label.items()
        if not screened or any(label in ENDS[t] for t in ts)
    ]
    results = await asyncio.gather(
        *(
            store.read(
                neighbours_statement(label),
                {"types": ts, "labels": list(labels), "cap": limit, "keys": keys},
            )
            for ts, limit, _, label, keys in batches
        )
    )
    found: list[tuple[NetNode, NetEdge, str]] = []
    cut = False
    for (_, _, screened, _, _), rows in zip(batches, results, strict=True):
        batch = [_edge_row(row, origin_label) for row in rows]
        if screened and withheld is not None and batch:
            flags = await withheld.admit([edge for _, edge, _ in batch])
            batch = [item for item, ok in zip(batch, flags, strict=True) if ok]
        cut = cut or len(batch) > cap
        found.extend(batch[:cap])
    return Hop([(n, e) for n, e, _ in found], [origin for _, _, origin in found], cut)


def _edge_row(
    row: Mapping[str, Any], origin_label: Mapping[str, str]
) -> tuple[NetNode, NetEdge, str]:
    """The node reached, the edge, and the frontier key it was reached from."""
    reached = NetNode(row["key"], row["label"], row["name"], row["birthYear"], row["shown"])
    ends = [(row["origin"], origin_label[row["origin"]]), (row["key"], row["label"])]
    (source, source_label), (target, target_label) = ends if row["outgoing"] else ends[::-1]
    props = shown_edge_props(row["type"], row["props"])
    return (
        reached,
        NetEdge(row["type"], source, target, props, source_label, target_label),
        row["origin"],
    )


def _expands(node: NetNode, root: NetNode) -> bool:
    return node.label not in REFERENCE_LABELS or node == root


async def neighbourhood(
    store: GraphStore,
    root: NetNode,
    *,
    depth: int,
    labels: Sequence[str],
    types: Sequence[str],
    limit: int,
    withheld: Withheld | None = None,
) -> Subgraph:
    """The nodes within ``depth`` hops of ``root`` (at most ``limit`` of them) and the edges
    among them that the walk crossed (none that ``withheld`` refuses)."""
    seen: dict[str, NetNode] = {root.key: root}
    edges: dict[tuple[str, str, str, Any], NetEdge] = {}
    frontier = [root]
    truncated = False
    for _ in range(depth):
        expandable = [n for n in frontier if _expands(n, root)]
        if not expandable:
            break
        found = await hop(
            store, expandable, types=types, labels=labels, cap=limit * 4, withheld=withheld
        )
        truncated = truncated or found.cut
        nxt: list[NetNode] = []
        for reached, edge in found.edges:
            if reached.key not in seen:
                if len(seen) >= limit:
                    truncated = True
                    continue
                seen[reached.key] = reached
                nxt.append(reached)
            edges.setdefault(edge.ident, edge)
        frontier = nxt
    return Subgraph(list(seen.values()), list(edges.values()), truncated)


async def shortest_connection(
    store: GraphStore,
    start: NetNode,
    goal: NetNode,
    *,
    max_depth: int,
    types: Sequence[str],
    labels: Sequence[str],
    frontier_cap: int = 2_000,
    withheld: Withheld | None = None,
) -> tuple[list[NetNode], list[NetEdge], bool]:
    """One shortest path from ``start`` to ``goal`` (nodes and edges in order), searched from
    both ends at once over the edges ``withheld`` does not refuse; ``([], [], truncated)`` when
    there is none within ``max_depth`` hops. Reference nodes are passed through only at the
    ends."""
    if start.key == goal.key:
        return [start], [], False
    # For each side: node key -> (previous node key, edge), and the node objects.
    came: list[dict[str, tuple[str | None, NetEdge | None]]] = [
        {start.key: (None, None)},
        {goal.key: (None, None)},
    ]
    known: dict[str, NetNode] = {start.key: start, goal.key: goal}
    frontiers = [[start], [goal]]
    truncated = False
    hops = 0
    while hops < max_depth and frontiers[0] and frontiers[1]:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        ends = (start, goal)
        expandable = [n for n in frontiers[side] if n.label not in REFERENCE_LABELS or n in ends]
        found = await hop(
            store, expandable, types=types, labels=labels, cap=frontier_cap, withheld=withheld
        )
        truncated = truncated or found.cut
        hops += 1
        nxt: list[NetNode] = []
        meeting: str | None = None
        for (reached, edge), origin in zip(found.edges, found.origins, strict=True):
            if reached.key in came[side]:
                continue
            came[side][reached.key] = (origin, edge)
            known.setdefault(reached.key, reached)
            nxt.append(reached)
            if reached.key in came[1 - side] and meeting is None:
                meeting = reached.key
        if meeting is not None:
            return (*_path(meeting, came, known), truncated)
        if len(nxt) > frontier_cap:
            truncated, nxt = True, nxt[:frontier_cap]
        frontiers[side] = nxt
    return [], [], truncated


def _path(
    meeting: str,
    came: list[dict[str, tuple[str | None, NetEdge | None]]],
    known: Mapping[str, NetNode],
) -> tuple[list[NetNode], list[NetEdge]]:
    def walk(side: int) -> tuple[list[str], list[NetEdge]]:
        keys, edges = [], []
        key: str | None = meeting
        while key is not None:
            keys.append(key)
            previous, edge = came[side][key]
            if edge is not None:
                edges.append(edge)
            key = previous
        return keys, edges

    head_keys, head_edges = walk(0)  # meeting … start
    tail_keys, tail_edges = walk(1)  # meeting … goal
    keys = list(reversed(head_keys)) + tail_keys[1:]
    edges = list(reversed(head_edges)) + tail_edges
    return [known[k] for k in keys], edges
