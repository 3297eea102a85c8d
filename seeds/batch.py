"""Collect records and relationships, then write them in as few round trips as possible."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from graph.engine.store import GraphStore
from graph.model import entities
from graph.model.entities import Rel


class Batch:
    def __init__(self) -> None:
        self.nodes: dict[type, list[Any]] = defaultdict(list)
        self.links: dict[Rel, list[tuple[str, str, Mapping[str, Any]]]] = defaultdict(list)

    def add(self, *records: Any) -> None:
        for record in records:
            self.nodes[type(record)].append(record)

    def link(self, rel: Rel, start: str, end: str, **props: Any) -> None:
        self.links[rel].append((start, end, props))

    def __len__(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.links.values()))

    async def flush(self, store: GraphStore) -> Counter[str]:
        """Write all nodes, then all relationships (whose ends now exist); then start empty."""
        written: Counter[str] = Counter()
        for records in self.nodes.values():
            label = entities.family_of(type(records[0])).label
            written[label] += await entities.upsert(store, records)
        for rel, pairs in self.links.items():
            written[rel.type] += await entities.link(store, rel, pairs)
        self.nodes.clear()
        self.links.clear()
        return written
