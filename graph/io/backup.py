"""Backups: the whole graph (or one neighbourhood of it) as a portable, versioned JSON Lines file.

Unlike the analysts' exports (``exports``: de-identified), a backup holds everything, residents'
personal data included, so a restore gives back exactly the graph that was saved; the file is
written readable by its owner only. The same file loads into any backend the service runs on,
which is also how a site moves from the embedded engine to a Neo4j server or Aura.

One JSON object per line, keys sorted, so two backups of equal graphs are equal byte for byte
after the header::

    {"kind": "header", "format": "community-resource-graph/backup", "version": 1, ...}
    {"kind": "node", "label": "Resident", "key": "resident-1", "labels": [...], "props": {...}}
    {"kind": "relationship", "rel": "Resident-LIVES_IN->Community", "start": ..., "end": ...,
     "props": {...}}
    {"kind": "end", "nodes": 1234, "relationships": 5678}

Nodes come before relationships, each in id order. The ``end`` line proves the file is whole:
a restore reads the file once to check it (format, version, known labels and relationships,
counts) before it writes anything, so a truncated or foreign file changes nothing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graph.engine.cypher import Statement, builder, dynamic
from graph.engine.errors import GraphError
from graph.engine.labels import ENTITY_LABELS
from graph.engine.labels import label as allowed_label
from graph.engine.store import GraphStore
from graph.io import erasures, export
from graph.model import entities
from graph.model.registry import RELS
from graph.queries import network

FORMAT = "community-resource-graph/backup"
VERSION = 1
BATCH = 2_000

_RELS = {rel.name: rel for rel in RELS}
_KEYS = dict(export.KEYED_LABELS)

_SUPPORT = tuple((label, key) for label, key in export.KEYED_LABELS if label not in ENTITY_LABELS)


@builder(each=lambda: ({"label": label, "key": key} for label, key in _SUPPORT))
def restore_support_statement(label: str, key: str) -> Statement:
    """The service's own bookkeeping (stored answers, issued tokens, revocations), written back
    as it was: plain properties, no point or search text."""
    return dynamic(
        f"backup.restore.{label}",
        f"""
        UNWIND $rows AS row
        MERGE (k:{allowed_label(label)} {{{key}: row.key}})
        SET k += row.props
        RETURN count(k) AS written
        """,
    )


class BackupError(GraphError):
    """The file is not a backup this version can restore; the message says what is wrong."""


@dataclass(frozen=True)
class Counts:
    nodes: int
    relationships: int


# --- writing -------------------------------------------------------------------------------


def _open_for_writing(path: Path) -> IO[str]:
    # Residents' personal data: the file is readable by its owner only, before any byte is in it.
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)
    if path.suffix == ".gz":
        return gzip.open(path, "wt", encoding="utf-8")
    return path.open("w", encoding="utf-8")


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


async def save(
    store: GraphStore,
    path: Path,
    *,
    root: network.NetNode | None = None,
    depth: int = 2,
    limit: int = 500,
) -> Counts:
    """Write the graph (or the neighbourhood of ``root``) to ``path`` (``.gz``: compressed)."""
    nodes = relationships = 0
    scope: dict[str, Any] = {"whole": True}
    if root is not None:
        scope = {"whole": False, "root": root.key, "label": root.label, "depth": depth}
    with _open_for_writing(path) as out:
        out.write(_line({
            "kind": "header", "format": FORMAT, "version": VERSION, "scope": scope,
            "engine": store.dialect.name,
            "createdAt": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }))  # fmt: skip
        if root is None:
            node_rows = _all_nodes(store)
            edge_rows = export.edges(store, RELS)
        else:
            node_rows, edge_rows = await _around(store, root, depth=depth, limit=limit)
        async for node in node_rows:
            out.write(_line({
                "kind": "node", "label": node.label, "key": node.key,
                "labels": list(node.labels), "props": dict(node.props),
            }))  # fmt: skip
            nodes += 1
        async for edge in edge_rows:
            assert edge.rel is not None  # export.edges names it
            out.write(_line({
                "kind": "relationship", "rel": edge.rel.name, "start": edge.source,
                "end": edge.target, "props": dict(edge.props),
            }))  # fmt: skip
            relationships += 1
        out.write(_line({"kind": "end", "nodes": nodes, "relationships": relationships}))
    return Counts(nodes, relationships)


async def _all_nodes(store: GraphStore) -> Any:
    for label, key in export.KEYED_LABELS:
        async for row in export.nodes(store, label, key):
            yield row


async def _around(
    store: GraphStore, root: network.NetNode, *, depth: int, limit: int
) -> tuple[Any, Any]:
    sub = await network.neighbourhood(
        store, root, depth=depth, labels=network.NETWORK_LABELS,
        types=tuple(rel.type for rel in RELS), limit=limit,
    )  # fmt: skip
    keys: dict[str, list[str]] = {}
    for n in sub.nodes:
        keys.setdefault(n.label, []).append(n.key)

    async def node_rows() -> Any:
        for label, _ in export.KEYED_LABELS:
            for row in sorted(await export.some_nodes(store, label, keys.get(label, [])),
                              key=lambda r: r.key):  # fmt: skip
                yield export.NodeRow(row.key, label, row.props, _labels_of(label))

    return node_rows(), export.edges_among(store, keys)


def _labels_of(label: str) -> tuple[str, ...]:
    """The labels every writer gives a node of ``label`` (searchable families carry two)."""
    family = entities.family_named(label)
    return tuple(sorted((label, "Searchable"))) if family.searchable else (label,)


# --- reading -------------------------------------------------------------------------------


def _open_for_reading(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def _entries(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with _open_for_reading(path) as lines:
            for number, text in enumerate(lines, start=1):
                if not text.strip():
                    continue
                try:
                    entry = json.loads(text)
                except ValueError:
                    raise BackupError(f"Line {number} of {path} is not JSON.") from None
                if not isinstance(entry, dict):
                    raise BackupError(f"Line {number} of {path} is not a JSON object.")
                yield number, entry
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}.") from None


def check(path: Path) -> Counts:
    """Read the whole file and refuse it unless it is a complete backup this version knows."""
    entries = _entries(path)
    first = next(entries, None)
    if first is None:
        raise BackupError(f"{path} is empty.")
    _check_header(path, first[1])
    keys: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for number, entry in entries:
        where = f"line {number} of {path}"
        kind = entry.get("kind")
        if kind == "node":
            _check_node(entry, where, keys)
        elif kind == "relationship":
            _check_relationship(entry, where, keys)
        elif kind == "end":
            if next(entries, None) is not None:
                raise BackupError(f"{path} goes on after its end line ({where}).")
            found = Counts(counts["node"], counts["relationship"])
            if (entry.get("nodes"), entry.get("relationships")) != (
                found.nodes,
                found.relationships,
            ):
                raise BackupError(
                    f"{path} announces {entry.get('nodes')} nodes and "
                    f"{entry.get('relationships')} relationships but holds {found.nodes} and "
                    f"{found.relationships}."
                )
            return found
        else:
            raise BackupError(f"{where} is neither a node, a relationship nor the end.")
        counts[kind] += 1
    raise BackupError(f"{path} has no end line: the backup was cut short.")


def _check_header(path: Path, entry: dict[str, Any]) -> None:
    if entry.get("kind") != "header" or entry.get("format") != FORMAT:
        raise BackupError(f"{path} is not a community-resource-graph backup.")
    if entry.get("version") != VERSION:
        raise BackupError(
            f"{path} is a version {entry.get('version')} backup; this service reads "
            f"version {VERSION}."
        )


def _check_node(entry: dict[str, Any], where: str, keys: dict[str, set[str]]) -> None:
    label = entry.get("label")
    if label not in _KEYS or not isinstance(entry.get("key"), str):
        raise BackupError(f"The node on {where} has an unknown label or no key.")
    if not isinstance(entry.get("props"), dict):
        raise BackupError(f"The node on {where} has no properties object.")
    located = label in _FAMILY_LABELS and entities.family_named(label).located
    if located and not _is_point(entry["props"].get("location")):
        raise BackupError(f"The {label} on {where} has no valid location.")
    keys.setdefault(label, set()).add(entry["key"])


def _check_relationship(entry: dict[str, Any], where: str, keys: dict[str, set[str]]) -> None:
    rel = _RELS.get(entry.get("rel"))  # type: ignore[arg-type]
    if rel is None:
        raise BackupError(f"The relationship on {where} is of an unknown kind.")
    if not isinstance(entry.get("props"), dict):
        raise BackupError(f"The relationship on {where} has no properties object.")
    if rel.keyed and not isinstance(entry["props"].get("id"), str):
        raise BackupError(f"The {rel.type} relationship on {where} has no id.")
    if entry.get("start") not in keys.get(rel.start, ()) or entry.get("end") not in keys.get(
        rel.end, ()
    ):
        raise BackupError(
            f"The {rel.type} relationship on {where} joins a node the file does not hold."
        )


_FAMILY_LABELS = frozenset(ENTITY_LABELS)


def _is_point(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("latitude"), int | float)
        and isinstance(value.get("longitude"), int | float)
        and -90 <= value["latitude"] <= 90
        and -180 <= value["longitude"] <= 180
    )


async def restore(store: GraphStore, path: Path, *, erased: Iterable[str] = ()) -> Counts:
    """Check ``path``, then write its nodes and relationships (MERGE on keys: re-runnable).

    Then the erasure ledger is applied: every resident erased — in the file's ledger, in the
    graph's (a merge), or in ``erased`` (the ledger of the graph a reset replaced, or of a newer
    backup) — is scrubbed again, so an older backup does not bring an erased person back."""
    expected = check(path)
    pending: dict[str, list[dict[str, Any]]] = {}
    links: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    nodes = relationships = 0

    async def flush_nodes(label: str) -> None:
        nonlocal nodes
        rows = pending.pop(label, [])
        if rows:
            nodes += await _write_nodes(store, label, rows)

    async def flush_links(name: str) -> None:
        nonlocal relationships
        pairs = links.pop(name, [])
        if pairs:
            relationships += await entities.link(store, _RELS[name], pairs)

    for _, entry in _entries(path):
        if entry["kind"] == "node":
            label = entry["label"]
            pending.setdefault(label, []).append(entry)
            if len(pending[label]) >= BATCH:
                await flush_nodes(label)
        elif entry["kind"] == "relationship":
            for label in list(pending):
                await flush_nodes(label)
            name = entry["rel"]
            links.setdefault(name, []).append((entry["start"], entry["end"], entry["props"]))
            if len(links[name]) >= BATCH:
                await flush_links(name)
    for label in list(pending):
        await flush_nodes(label)
    for name in list(links):
        await flush_links(name)
    if (nodes, relationships) != (expected.nodes, expected.relationships):
        raise BackupError(
            f"The restore wrote {nodes} nodes and {relationships} relationships of the "
            f"{expected.nodes} and {expected.relationships} in {path}; check the graph's log."
        )
    ledger = {*erased, *await erasures.erased_ids(store)}
    await erasures.reapply(store, ledger, at=dt.datetime.now(dt.UTC).replace(microsecond=0))
    return Counts(nodes, relationships)


def ledger_of(path: Path) -> list[str]:
    """The erasure ledger a backup file carries (the ids only), checked as a restore checks it:
    to keep erased the people a newer backup knows were erased when restoring an older one."""
    check(path)
    return sorted(
        entry["key"]
        for _, entry in _entries(path)
        if entry.get("kind") == "node" and entry.get("label") == "Erasure"
    )


async def _write_nodes(store: GraphStore, label: str, entries: list[dict[str, Any]]) -> int:
    if label not in _FAMILY_LABELS:
        rows = [{"key": e["key"], "props": e["props"]} for e in entries]
        statement = restore_support_statement(label, _KEYS[label])
        return int((await store.write(statement, {"rows": rows}))[0]["written"])
    family = entities.family_named(label)
    rows = []
    for e in entries:
        props = {k: v for k, v in e["props"].items() if k not in {"location", "search"}}
        row: dict[str, Any] = {"id": e["key"], "props": props}
        if family.located:
            point = e["props"]["location"]
            row["latitude"], row["longitude"] = point["latitude"], point["longitude"]
        if family.searchable:
            row["search"] = e["props"].get("search")
        rows.append(row)
    statement = entities.upsert_nodes_statement(label)
    return int((await store.write(statement, {"rows": rows}))[0]["written"])
