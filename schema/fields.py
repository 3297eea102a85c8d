"""Relationship fields, declared in one line per relationship and direction, and the entity
readers: the GraphQL objects built from the records ``resolvers.entities`` reads.

``related(REL, "out", Connection[Lazy["Skill"]], ...)`` gives a paginated field that follows
``REL`` from this entity, batched across all entities of the same list (one round trip per
field, whatever the page size). ``one(...)`` gives a single reference (a resident's community).

This module deliberately does not use ``from __future__ import annotations``: the resolvers made
here carry real type objects, which strawberry reads from ``__annotations__``.
"""

import asyncio
import inspect
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Optional

import strawberry

from access.policy import PUBLIC_FAMILIES
from api.errors import BadUserInput
from api.ids import MAX_PAGE, from_global_id
from graph.model.entities import Direction, Rel
from resolvers import entities as resolve
from schema.base import TYPES, fill, to_node
from schema.enums import SortDirection
from schema.links import EDGE_OF
from schema.relay import Connection, Edge, build_connection
from schema.sorts import sort_enum
from schema.where import plain, where_input

DIRECTION = Annotated[
    SortDirection | None, strawberry.argument(description="ASC (default) or DESC.")
]

FIRST = Annotated[
    int | None,
    strawberry.argument(description="Return the first N items (at most 100; default 20)."),
]
AFTER = Annotated[
    str | None,
    strawberry.argument(description="Start after this cursor (from pageInfo.endCursor)."),
]
LAST = Annotated[
    int | None, strawberry.argument(description="Return the last N items (at most 100).")
]
BEFORE = Annotated[
    str | None,
    strawberry.argument(description="End before this cursor (from pageInfo.startCursor)."),
]


async def entity(info: strawberry.Info, label: str, key: str) -> Any:
    """The GraphQL object of one entity by label and key (``resolvers.entities.entity``:
    batched, FORBIDDEN when the viewer may not see it), or None if it is gone."""
    record = await resolve.entity(info, label, key)
    return None if record is None else to_node(label, record)


async def node(info: strawberry.Info, global_id: str) -> Any:
    """The entity behind a global id (``node(id:)``), or None."""
    label, key = from_global_id(global_id)
    if label not in TYPES:
        return None
    return await entity(info, label, key)


async def nodes(info: strawberry.Info, global_ids: Sequence[str]) -> list[Any]:
    if len(global_ids) > MAX_PAGE:
        raise BadUserInput(f"Ask for at most {MAX_PAGE} ids at once.")
    return list(await asyncio.gather(*(node(info, gid) for gid in global_ids)))


def _edge_props(edge_cls: type, props: Mapping[str, Any]) -> dict[str, Any]:
    """The relationship's properties an edge of ``schema.links`` shows (none on a plain Edge)."""
    if edge_cls is Edge:
        return {}
    edge = fill(edge_cls, props, cursor="", node=None)
    return {k: v for k, v in vars(edge).items() if k not in {"cursor", "node"}}


def lazy(type_name: str, module: str) -> Any:
    """A reference to a type declared in another schema module (resolved at schema build)."""
    return Annotated[type_name, strawberry.lazy(module)]


def related(
    rel: Rel,
    direction: Direction,
    returns: Any,
    description: str,
    *,
    connection_cls: type = Connection,
) -> Any:
    """``connection_cls`` is one of ``schema.links``' connections when the edges carry the
    relationship's properties."""
    edge_cls = EDGE_OF.get(connection_cls, Edge)
    child = rel.end if direction == "out" else rel.start
    following = direction  # the resolver's own `direction` is the sort's (ASC/DESC)

    async def resolver(
        root: Any,
        info: strawberry.Info,
        where: Any = None,
        sort: Any = None,
        direction: DIRECTION = None,
        first: FIRST = None,
        after: AFTER = None,
        last: LAST = None,
        before: BEFORE = None,
    ) -> Any:
        page = await resolve.related_page(
            info,
            root.key,
            rel,
            following,
            first=first,
            after=after,
            last=last,
            before=before,
            condition=plain(where),
            sort=None if sort is None else sort.value,
            descending=direction is not None and direction.value == "DESC",
        )
        return build_connection(
            connection_cls,
            edge_cls,
            page.offset,
            page.total,
            page.items,
            lambda cursor, link: {
                "cursor": cursor,
                "node": to_node(child, link.node),
                **_edge_props(edge_cls, link.props),
            },
        )

    resolver.__annotations__["where"] = Annotated[
        where_input(child) | None,
        strawberry.argument(
            description="Only the related items that meet these conditions, as a list's `where` "
            "(docs/FILTERING.md)."
        ),
    ]
    resolver.__annotations__["sort"] = Annotated[
        sort_enum(child) | None,
        strawberry.argument(
            description="Order of the related items (ties by key); the family's default order "
            "when not given. DISTANCE is for root lists with a `near` filter."
        ),
    ]
    resolver.__annotations__["return"] = returns
    return strawberry.field(resolver=resolver, description=description)


def one(rel: Rel, direction: Direction, returns: Any, description: str) -> Any:
    child = rel.end if direction == "out" else rel.start

    async def resolver(root: Any, info: strawberry.Info) -> Any:
        record = await resolve.related_one(info, root.key, rel, direction)
        return None if record is None else to_node(child, record)

    resolver.__annotations__["return"] = returns
    return strawberry.field(resolver=resolver, description=description)


def keyed(label: str, attr: str, returns: Any, description: str, *, many: bool = False) -> Any:
    """The entity (``many``: the entities) whose graph id a result holds in ``attr`` — a
    candidate's volunteer, a gap's community — read like any other (loaders, field rules)."""

    async def resolver(root: Any, info: strawberry.Info) -> Any:
        key = getattr(root, attr)
        if many:
            return [to_node(label, r) for r in await resolve.entity_list(info, label, key)]
        return None if key is None else await entity(info, label, key)

    resolver.__annotations__["return"] = returns
    return strawberry.field(resolver=resolver, description=description)


def version_field() -> Any:
    """An entity's ``version`` (optimistic concurrency: an update names the one it read), described
    the same for every family that keeps one."""
    return strawberry.field(
        description="Changes so far (版本): send it with an update; a stale one is refused."
    )


SEARCH = Annotated[
    str | None,
    strawberry.argument(
        description="Words of the name to look for (Chinese works: 公益园 finds 全民公益园); "
        "every word must match. Results come best match first unless `sort` is given."
    ),
]


def root_list(
    label: str,
    filter_cls: type,
    where: Any,
    returns: Any,
    description: str,
    *,
    searchable: bool = True,
) -> Any:
    """A root connection of one family with its filter input, sort, direction and paging.

    ``where`` (from ``resolvers``) turns the (deprecated) filter input into the graph's
    conditions; the ``where`` argument is generated from the family's declarations
    (``schema.where``). Lists of families that are not public are nullable: closed to a viewer,
    they are null with FORBIDDEN.
    """
    if label not in PUBLIC_FAMILIES:
        returns = Optional[returns]  # noqa: UP045 - `returns` is a runtime type expression

    to_conditions = where  # the argument named `where` below is the list's own

    async def resolver(
        info: strawberry.Info,
        where: Any = None,
        filter: Any = None,
        search: str | None = None,
        sort: Any = None,
        direction: Any = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Any:
        page = await resolve.root_page(
            info,
            label,
            where=to_conditions(filter),
            sort=None if sort is None else sort.value,
            descending=direction is not None and direction.value == "DESC",
            search=search,
            first=first,
            after=after,
            last=last,
            before=before,
            condition=plain(where),
        )
        return build_connection(
            Connection,
            Edge,
            page.offset,
            page.total,
            page.items,
            lambda cursor, record: {"cursor": cursor, "node": to_node(label, record)},
            more=page.more,
        )

    filter_arg = Annotated[
        filter_cls | None,
        strawberry.argument(
            description="Narrow the list; all given filters apply.",
            deprecation_reason="Use `where`: every field, AND/OR/NOT and relationships.",
        ),
    ]
    where_arg = Annotated[
        where_input(label) | None,
        strawberry.argument(
            description="Narrow the list: conditions on its fields and relationships, combined "
            "with AND, OR and NOT (docs/FILTERING.md). Applies together with `filter`."
        ),
    ]
    sort_arg = Annotated[
        sort_enum(label) | None,
        strawberry.argument(description="Order of the list (ties by key)."),
    ]

    # The arguments in their order; a list that is not searchable has no `search` (the resolver
    # then always gets None for it). The resolver's own signature is replaced by this one, so one
    # resolver serves both kinds of list.
    arguments = {
        "where": where_arg,
        "filter": filter_arg,
        **({"search": SEARCH} if searchable else {}),
        "sort": sort_arg,
        "direction": DIRECTION,
        "first": FIRST,
        "after": AFTER,
        "last": LAST,
        "before": BEFORE,
    }
    resolver.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=strawberry.Info
            ),
            *(
                inspect.Parameter(
                    name, inspect.Parameter.KEYWORD_ONLY, annotation=kind, default=None
                )
                for name, kind in arguments.items()
            ),
        ],
        return_annotation=returns,
    )
    resolver.__annotations__.update({**arguments, "return": returns})
    return strawberry.field(resolver=resolver, description=description)
