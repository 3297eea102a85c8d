"""Turning list, node and relationship arguments into graph calls, for every entity family.

Every entity record the API shows is read here (as graph records and pages of them; the GraphQL
types in ``schema`` build themselves from those), so this is where the viewer's row scope
(``policy.row_scope``) applies on every path: a list or nested connection holds only the rows the
viewer may see (the scope is part of the Cypher, so pages and counts stay exact); a direct
reference (``node(id:)``, a need's resident) to a row they may not see is null with a FORBIDDEN
error that says why.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField

from access import cells, inference, policy
from access.inference import QueryPlan, ReadScope
from access.policy import RowScope
from access.tokens import Role
from api.errors import BadUserInput, Forbidden
from graph.model import entities
from graph.model.cells import cells_params
from graph.model.entities import READABLE, SCOPE, Direction, Rel, readable_params
from graph.model.where import ANY_ROW, Compiled, PointGuard, WhereError, compile_where
from resolvers.access import Access
from resolvers.context import Info
from resolvers.filters import guarded_near
from resolvers.paging import window


def _selects(selections: Iterable[Any], name: str) -> bool:
    for selection in selections:
        if isinstance(selection, SelectedField) and selection.name == name:
            return True
        if isinstance(selection, FragmentSpread | InlineFragment) and _selects(
            selection.selections, name
        ):
            return True
    return False


def wants(info: Info, name: str) -> bool:
    """Whether the current field's selection asks for ``name`` (e.g. totalCount)."""
    return any(_selects(field.selections, name) for field in info.selected_fields)


async def root_page(
    info: Info,
    label: str,
    *,
    where: Mapping[str, Mapping[str, Any]],
    sort: str | None,
    descending: bool,
    search: str | None,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    condition: Mapping[str, Any] | None = None,
) -> entities.Page:
    """One page of a root list (its records); ``condition``: its ``where`` as plain data
    (``schema.where``).

    Counts only when ``totalCount`` is asked for (or ``last`` needs the end of the list). The
    rows are the viewer's row scope; filters, search and sort over protected fields follow
    ``inference.plan_query`` (narrowed, ordered blind, compared on the grid cell, or refused), and
    a question about residents' PII is noted for the audit log with the rows it answered.
    """
    if sort == "DISTANCE" and "near" not in where:
        raise BadUserInput("Sorting by DISTANCE needs a `near` filter to measure from.")
    # A filter naming one entity (needs of a resident, records of a volunteer) asks about it: it
    # is answered only for an entity the viewer may see, and otherwise exactly as `node(id:)`
    # answers a hidden or unknown key (FORBIDDEN), or the list would say what the row withholds.
    references = entities.family_named(label).references
    named = [(references[name], params) for name, params in where.items() if name in references]
    compiled = _compiled(label, condition)
    await asyncio.gather(
        *(entity(info, ref, params[param]) for (ref, param), params in named),
        *(entity(info, ref, key) for ref, key in (compiled.named if compiled else ())),
    )
    access = info.context.access
    if compiled is not None:
        await _check_related(access, compiled)
    scope = await access.rows(label)
    if scope is not None:
        if scope.closed:
            raise Forbidden(scope.reason)
        where = {**where, SCOPE: access.scope_params(scope)}
    # A search without a sort is in order of relevance (ties by name, searched over readable
    # names only); otherwise the sort asked for or the family's default.
    implied = None if search is not None else entities.family_named(label).default_sort
    plan, trail = await access.plan(
        label,
        frozenset(where),
        sort or implied,
        search=search is not None,
        sort_asked=sort is not None,
        reads=compiled.reads if compiled else frozenset(),
    )
    if plan.refusal is not None:
        raise Forbidden(plan.refusal)
    compiled = _guarded(label, condition, compiled, plan, access)
    if plan.rows is not None:
        where = {
            **where,
            READABLE: readable_params("readable", plan.rows.ids, access.by(plan.rows)),
        }
    if plan.compares_points and "near" in where:
        where = {**where, "near": guarded_near(dict(where["near"]), _exact(plan, access))}
    deidentified = scope is not None and scope.consented and label in policy.BY_CONSENT
    page = await entities.list_page(
        info.context.store,
        label,
        where=where,
        sort=sort,
        descending=descending,
        search=search,
        window=window(first, after, last, before),
        with_total=deidentified or wants(info, "totalCount"),
        order=_order_params(access, plan.order),
        compiled=compiled,
        cells=_cells(access, scope, where, compiled, search) if scope and deidentified else None,
    )
    if deidentified and not page.total and page.withheld:
        # Everything the list holds was left out: said so, rather than read as "nobody".
        raise Forbidden(WITHHELD)
    if trail is not None:
        trail.ids = [record.id for record in page.items]
        trail.rows = len(page.items)
    return page


def _cells(
    access: Access,
    scope: RowScope,
    where: Mapping[str, Any],
    compiled: Compiled | None,
    search: str | None,
) -> dict[str, Any]:
    """The small-cell parameters of a de-identified list (``graph.model.cells``): a list of
    whole communities (a community, a district, everywhere) has no rows of a community left
    outside it, so their count is skipped."""
    placed = {"community", "district", SCOPE}
    filtered = bool(set(where) - placed) or compiled is not None or search is not None
    return cells_params(cells.K, access.by(scope), filtered=filtered)


# A root list of residents the viewer reads de-identified leaves out, in its Cypher
# (``graph.model.cells``), the rows of every community holding 1–2 of them, or all but 1–2 of
# its residents they read so: page, count and later pages agree, and neither the list's count
# nor its difference from another list (a district's minus its other communities') gives a
# small group back. Rows read in full are never left out. docs/PRIVACY.md "Small cells".
WITHHELD = (
    f"Fewer than {cells.K} residents you read de-identified answer this list in each community "
    f"they live in, or all but fewer than {cells.K} of its residents do: they are left out, as a "
    "small cell of the statistics is, and nothing else answers it. Widen the list (a district, "
    "fewer conditions)."
)

SMALL_GROUP = (
    f"Fewer than {cells.K} residents you read de-identified answer this list: their count, or "
    "their rows, would point at them, as a small cell of the statistics would. Widen the list "
    "(a district, fewer conditions)."
)


async def _check_small_related(
    info: Info, rel: Rel, direction: Direction, shape: _Shape, key: str, total: int
) -> None:
    """A connection of residents (a community's, a case manager's, a family's) is a count too
    (as a root list, ``WITHHELD``): refused when it holds 1 or 2 the viewer reads de-identified.
    An analyst reads every one so; a social worker those outside the communities they cover —
    all of an uncovered community's residents, and of a case manager's or a family's the ones
    living elsewhere, counted here beside the page (``shape`` with only the covered rows
    admitted), so "4 residents, 2 of them mine" does not give the other two away."""
    if not total:
        return
    access = info.context.access
    deidentified = total
    if access.viewer.role is Role.SOCIAL_WORKER:
        covered = (await access.grants()).communities
        if rel.type == "LIVES_IN":
            deidentified = 0 if key in covered else total
        elif covered:
            mine = replace(
                shape, span=entities.Window(first=0), scope=RowScope(communities=covered)
            )
            page = await _related(info, rel, direction, mine).load(key)
            deidentified -= page.total or 0
    if cells.small(deidentified):
        raise Forbidden(SMALL_GROUP)


def _compiled(
    label: str, condition: Mapping[str, Any] | None, *, guarded: bool = False
) -> Compiled | None:
    """The list's ``where`` compiled (``graph.model.where``); a malformed one is the caller's
    mistake. ``guarded``: points compared as ``policy`` allows (exact on readable rows, on
    their grid cell with the radius floored elsewhere)."""
    if not condition:
        return None
    guard = (
        PointGuard(inference.NEAR_FLOOR_METERS, inference.CELL_REACH_METERS, inference.GRID_DEGREES)
        if guarded
        else None
    )
    try:
        return compile_where(entities.family_named(label), condition, guard)
    except WhereError as error:
        raise BadUserInput(str(error)) from None


def _guards_points(label: str) -> bool:
    return not inference.COARSE.isdisjoint(policy.FIELD_VIEWS.get(label, {}))


def _exact(plan: QueryPlan, access: Access) -> tuple[frozenset[str], str | None] | None:
    """The rows whose points the viewer may compare exactly (ids, and the social worker covering
    where they are), as the guarded distance of a `near` filter or a `where` takes them."""
    return None if plan.exact is None else (plan.exact.ids, access.by(plan.exact))


def _guarded(
    label: str,
    condition: Mapping[str, Any] | None,
    compiled: Compiled | None,
    plan: QueryPlan,
    access: Access,
) -> Compiled | None:
    """``compiled`` again with its distances guarded (:func:`_compiled`) when ``label`` holds
    points some viewers read only coarsely; a root list and a relationship's items both compare
    them so, or the one would locate what the other withholds."""
    if compiled is None or not compiled.points or not _guards_points(label):
        return compiled
    guarded = _compiled(label, condition, guarded=True)
    assert guarded is not None
    guarded.params.update(readable_params("near", *(_exact(plan, access) or (None, None))))
    return guarded


async def _check_related(access: Access, compiled: Compiled) -> None:
    """A condition through a relationship reads the related family too: only what every viewer
    who sees its rows may read (its properties without a ``policy.FIELD_VIEWS`` rule, the
    GraphQL input offers no others), and, when the viewer sees some of its rows only, nothing
    but ids (each checked as a reference, above), or its answers would tell about hidden rows."""
    for related, props in sorted(compiled.related.items()):
        protected = (props - {ANY_ROW}) & frozenset(policy.FIELD_VIEWS.get(related, {}))
        if protected:
            raise Forbidden(
                f"Conditions on related {related} records may not use "
                f"{' or '.join(sorted(protected))}: it is not readable on every record."
            )
        scope = await access.rows(related)
        if scope is not None and props - {"id"}:
            raise Forbidden(
                f"You see some {related} records only: a condition on related {related} records "
                "must name them by id, and use nothing else."
            )


def _order_params(access: Access, order: ReadScope | None) -> dict[str, Any] | None:
    return None if order is None else readable_params("sort", order.ids, access.by(order))


async def related_page(
    info: Info,
    key: str,
    rel: Rel,
    direction: Direction,
    *,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    condition: Mapping[str, Any] | None = None,
    sort: str | None = None,
    descending: bool = False,
) -> entities.Page:
    """A window of the entities related to ``key`` (each a :class:`~graph.model.entities.Link`:
    the record and the relationship's properties), batched with its siblings' (one round trip),
    holding the rows the viewer may see, in the child family's default order read blind where
    its value is hidden (``inference.plan_query``: a community's residents are not in name order
    for a viewer who may not read their names).

    ``condition``: the connection's ``where`` as plain data, under the rules of a root list's
    (:func:`root_page`): entities it names are checked as references, conditions through further
    relationships read only what every viewer may, and protected values are compared on the rows
    the viewer may read them on, on their grid cell, or refused, as ``plan_query`` says.

    ``sort``: an order the viewer asked for, under the same rules as a root list's sort (read
    blind on the rows whose value the viewer may not read, or refused)."""
    child = rel.end if direction == "out" else rel.start
    if sort is not None and sort not in entities.connection_sorts(entities.family_named(child)):
        raise BadUserInput(
            f"The items of a relationship cannot be sorted by {sort}: it needs a `near` filter, "
            "which only root lists take."
        )
    access = info.context.access
    compiled = _compiled(child, condition)
    if compiled is not None:
        await asyncio.gather(*(entity(info, ref, k) for ref, k in compiled.named))
        await _check_related(access, compiled)
    scope = await access.rows(child)
    if scope is not None and scope.closed:
        # A family closed to the viewer is refused here as its root list is: an empty page
        # would read as "a team with no members" rather than "members are not public".
        raise Forbidden(scope.reason)
    plan, trail = await access.plan(
        child,
        frozenset(),
        sort or entities.family_named(child).default_sort,
        sort_asked=sort is not None,
        reads=compiled.reads if compiled else frozenset(),
    )
    if plan.refusal is not None:
        raise Forbidden(plan.refusal)
    compiled = _guarded(child, condition, compiled, plan, access)
    readable = (
        None
        if plan.rows is None
        else readable_params("readable", plan.rows.ids, access.by(plan.rows))
    )
    span = window(first, after, last, before)
    shape = _Shape(
        span, scope, plan.order, _condition_key(condition), sort, descending, compiled, readable
    )
    page = await _related(info, rel, direction, shape).load(key)
    if scope is not None and scope.consented and child in policy.BY_CONSENT:
        await _check_small_related(info, rel, direction, shape, key, page.total or 0)
    if trail is not None:
        trail.ids = [link.node.id for link in page.items]
        trail.rows = len(page.items)
    return page


@dataclass(frozen=True)
class _Shape:
    """What one relationship's windows are read with in a request; siblings with the same
    shape are read together. ``condition`` (the where as text) stands for ``compiled`` and
    ``readable`` in the loader's key: both follow from it and the request's viewer."""

    span: entities.Window
    scope: RowScope | None
    order: ReadScope | None
    condition: str | None
    sort: str | None
    descending: bool
    compiled: Compiled | None = field(compare=False, hash=False)
    readable: Mapping[str, Any] | None = field(compare=False, hash=False)


def _condition_key(condition: Mapping[str, Any] | None) -> str | None:
    return None if not condition else json.dumps(condition, sort_keys=True, default=str)


def _related(
    info: Info, rel: Rel, direction: Direction, shape: _Shape
) -> DataLoader[str, entities.Page]:
    """The loader of one relationship's windows for one shape (one per request)."""
    store = info.context.store
    access = info.context.access
    scope = shape.scope
    params = None if scope is None else access.scope_params(scope)

    async def load(keys: list[str]) -> list[entities.Page]:
        pages = await entities.related_pages(
            store,
            rel,
            direction,
            keys,
            shape.span,
            params,
            _order_params(access, shape.order),
            shape.compiled,
            shape.readable,
            sort=shape.sort,
            descending=shape.descending,
        )
        return [pages[k] for k in keys]

    return info.context.loaders.custom(("related", rel, direction, shape), load)


async def related_one(info: Info, key: str, rel: Rel, direction: Direction) -> Any:
    """The record of the one entity at the other end (a resident's community), or None."""
    child = rel.end if direction == "out" else rel.start
    page = await info.context.loaders.related(rel, direction, entities.Window(first=1)).load(key)
    if not page.items:
        return None
    record = page.items[0].node
    await _check_row(info, child, record)
    if (end := policy.PERSONAL_TIES.get(rel.type)) is not None:
        # A personal tie (a time-bank entry spent on a need: family) only for a viewer who may
        # know who the resident at its resident end is.
        resident = record.id if child == end else key
        if not policy.shows_tie(rel.type, await info.context.access.view(end, resident)):
            raise Forbidden(policy.tie_denial(rel.type))
    return record


async def _admitted(info: Info, label: str, scope: RowScope | None, record: Any) -> bool:
    status = getattr(record, "status", None)
    return await info.context.access.admits(label, scope, record.id, status)


async def _check_row(info: Info, label: str, record: Any) -> None:
    scope = await info.context.access.rows(label)
    if not await _admitted(info, label, scope, record):
        raise Forbidden(scope.reason if scope else "")


async def entity(info: Info, label: str, key: str) -> Any:
    """The record of one entity by label and key (batched), or None if it is gone; FORBIDDEN
    when the viewer may not see it."""
    record = await info.context.loaders.entity(label).load(key)
    if record is None:
        scope = await info.context.access.rows(label)
        if scope is not None:
            # To a viewer who sees only some rows, "there is none" and "not yours" must read
            # alike, or a guessed key would tell whether someone is registered or a need open.
            raise Forbidden(scope.reason)
        return None
    await _check_row(info, label, record)
    return record


async def entity_list(info: Info, label: str, keys: Sequence[str]) -> list[Any]:
    """The records of several entities of one label, in order, skipping any that are gone or
    that the viewer may not see (one batch)."""
    records = await info.context.loaders.entity(label).load_many(list(keys))
    scope = await info.context.access.rows(label)
    admitted = await asyncio.gather(
        *(_admitted(info, label, scope, r) for r in records if r is not None)
    )
    present = [r for r in records if r is not None]
    return [r for r, ok in zip(present, admitted, strict=True) if ok]
