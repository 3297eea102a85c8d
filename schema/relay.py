"""Relay: the ``Node`` interface, opaque global ids, and cursor connections.

A global id is ``base64url("<Type>:<key>")`` without padding, where ``<key>`` is the entity's id in
the graph (also shown as ``key``). Clients must treat ids and cursors as opaque strings.

Cursors are offsets into the sorted list, opaque to clients. They stay valid while the list does
not change; after an insert a client may see an item twice or miss one, as with any offset
pagination. (Keyset cursors would cost an index per sort key on both engines; offsets keep every
sort cheap and ``last``/``before`` exact.)
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

import strawberry

from graph.engine.labels import ENTITY_LABELS
from schema.errors import BadUserInput

T = TypeVar("T")

MAX_PAGE = 100
DEFAULT_PAGE = 20
MAX_KEY_LENGTH = 200
_CURSOR_PREFIX = "o:"


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


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(text: str) -> str:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")


def to_global_id(type_name: str, key: str) -> strawberry.ID:
    return strawberry.ID(_b64(f"{type_name}:{key}"))


def from_global_id(value: str, *, expect: str | Iterable[str] | None = None) -> tuple[str, str]:
    """``(type, key)`` of a global id; a malformed or foreign id is the caller's mistake."""
    try:
        if len(value) > 4 * MAX_KEY_LENGTH:
            raise ValueError
        type_name, key = _unb64(value).split(":", 1)
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInput(
            f"{value[:40]!r} is not an id from this API; use the `id` of an object it returned."
        ) from None
    if type_name not in ENTITY_LABELS or not key or len(key) > MAX_KEY_LENGTH:
        raise BadUserInput(
            f"{value[:40]!r} is not an id from this API; use the `id` of an object it returned."
        )
    if expect is not None:
        allowed = {expect} if isinstance(expect, str) else set(expect)
        if type_name not in allowed:
            raise BadUserInput(
                f"The id {value[:40]!r} is a {type_name}, but a {' or '.join(sorted(allowed))} "
                "id is expected here."
            )
    return type_name, key


def key_of(value: str | None, expect: str) -> str | None:
    """The graph key behind an optional global id argument of type ``expect``."""
    return None if value is None else from_global_id(value, expect=expect)[1]


def to_cursor(offset: int) -> str:
    return _b64(f"{_CURSOR_PREFIX}{offset}")


def from_cursor(cursor: str) -> int:
    try:
        text = _unb64(cursor)
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError
        offset = int(text[len(_CURSOR_PREFIX) :])
        if offset < 0:
            raise ValueError
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInput(
            "The cursor is not one this API gave out; use `endCursor`/`startCursor` from pageInfo."
        ) from None
    return offset


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
