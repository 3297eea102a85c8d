"""Full-text search over names, across entity families (see ``graph.text`` for tokenizing)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.model.text import query_terms

SEARCH = cypher(
    "search.nodes",
    """
    CALL $$fulltext_nodes('Searchable', $query) YIELD node, score
    RETURN node.id AS id, labels(node) AS labels, score
    ORDER BY score DESC, id
    LIMIT $limit
    """,
)


@dataclass(frozen=True)
class SearchHit:
    id: str
    label: str
    score: float


async def search(store: GraphStore, text: str, limit: int = 20) -> list[SearchHit]:
    """Entities whose names contain every term of ``text``, best first."""
    terms = query_terms(text)
    if not terms:
        return []
    rows = await store.read(SEARCH, {"query": store.dialect.fulltext_query(terms), "limit": limit})
    return [
        SearchHit(
            row["id"],
            next(label for label in row["labels"] if label != "Searchable"),
            float(row["score"]),
        )
        for row in rows
    ]
