"""Relay: the ``Node`` interface and cursor connections (the ids and cursors themselves, and
the page sizes, are ``api.ids``': resolvers read them too)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from api.ids import to_cursor

T = TypeVar("T")


@strawberry.interface(
    description="Anything with a global id: fetch it again with `node(id:)` (Relay Node)."
)
class Node:
    id: strawberry.ID = strawberry.field(
        description="Opaque global id, stable across requests; pass it to `node(id:)`."
    )
    key: str = strawberry.field(
        description="The entity's own id in the graph, as in exports and partner systems."
    )


@strawberry.type(description="Where a page sits in the whole list (Relay PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items come before this page.")
    start_cursor: str | None = strawberry.field(
        description="Cursor of the first item; null if empty."
    )
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; null if empty.")


@strawberry.type(description="One item of a list and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after`/`before` to page from here.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay cursor connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, with cursors.")
    page_info: PageInfo = strawberry.field(description="How to get the next or previous page.")
    total_count: int | None = strawberry.field(
        description="How many items the whole list holds (with the filters applied)."
    )

    @strawberry.field(description="The items of this page without cursors (shortcut for edges).")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


def page_info(offset: int, count: int, total: int | None, *, more: bool | None = None) -> PageInfo:
    """PageInfo for ``count`` items starting at ``offset`` of a list of ``total``."""
    has_next = offset + count < total if total is not None else bool(more)
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=offset > 0,
        start_cursor=to_cursor(offset) if count else None,
        end_cursor=to_cursor(offset + count - 1) if count else None,
    )


def build_connection(
    connection_cls: type,
    edge_cls: type,
    offset: int,
    total: int | None,
    items: list[Any],
    make_edge: Callable[[str, Any], dict[str, Any]],
    *,
    more: bool | None = None,
) -> Any:
    """A connection object from one window of items; ``make_edge`` gives each edge's fields."""
    edges = [edge_cls(**make_edge(to_cursor(offset + i), item)) for i, item in enumerate(items)]
    return connection_cls(
        edges=edges,
        page_info=page_info(offset, len(items), total, more=more),
        total_count=total,
    )
