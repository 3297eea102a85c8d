"""Reads and writes shared by every entity family, built from the declarations in ``graph.model``.

The builders here turn the declarations (``graph.model.family``, listed in
``graph.model.registry``) into statements, so adding a filter is one line in the family's
module, and the lint sees every combination's parts (see ``_examples``). A list filtered by a
``where`` (``graph.model.where``) runs through :func:`list_page` too.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from graph.engine.cypher import Statement, builder, dynamic
from graph.engine.labels import label as allowed_label
from graph.engine.labels import relationship_type
from graph.engine.store import GraphStore
from graph.engine.values import COORD_DIGITS
from graph.model import examples
from graph.model.cells import CELLS, withheld
from graph.model.family import (
    READABLE,
    SCOPE,
    SCOPE_CONDITION,
    Direction,
    Family,
    Link,
    Page,
    Point,
    Prop,
    Rel,
    Via,
    Window,
    camel,
    from_props,
    readable_params,
    readable_predicate,
    scope_params,
    to_props,
)
from graph.model.registry import families as _families
from graph.model.registry import family_named, family_of
from graph.model.registry import rels as _rels
from graph.model.text import query_terms, search_text
from graph.model.where import Clause, Compiled

__all__ = [
    "READABLE",
    "SCOPE",
    "SCOPE_CONDITION",
    "Direction",
    "Family",
    "Link",
    "Page",
    "Point",
    "Prop",
    "Rel",
    "Via",
    "Window",
    "camel",
    "family_named",
    "family_of",
    "from_props",
    "readable_params",
    "readable_predicate",
    "scope_params",
    "to_props",
]

_family = family_named

# --- writes --------------------------------------------------------------------------------


@builder(each=lambda: ({"label": f.label} for f in _families()))
def upsert_nodes_statement(label: str) -> Statement:
    """MERGE a batch of one family on ``id`` and set its properties (None removes one)."""
    family = _family(label)
    # Searchable families are merged with both labels at once: adding the label to an existing
    # node and then its indexed text costs FalkorDB ~8x more (measured in seeds/generate.py's
    # load) than creating the node labelled. Every writer of these families goes through here,
    # so a node of the family always carries both labels.
    labels = allowed_label(label) + (":Searchable" if family.searchable else "")
    lines = [
        "UNWIND $rows AS row",
        f"MERGE (n:{labels} {{id: row.id}})",
        "SET n += row.props",
    ]
    if family.located:
        lines.append("SET n.location = point({latitude: row.latitude, longitude: row.longitude})")
    if family.searchable:
        lines.append("SET n.search = row.search")
    lines.append("RETURN count(n) AS written")
    return dynamic(f"entities.upsert.{label}", "\n".join(lines))


@builder(each=lambda: ({"rel": r} for r in _rels()))
def upsert_rels_statement(rel: Rel) -> Statement:
    """MERGE a batch of relationships between existing nodes; rows name ``start`` and ``end``."""
    key = " {id: row.id}" if rel.keyed else ""
    text = f"""
    UNWIND $rows AS row
    MATCH (a:{allowed_label(rel.start)} {{id: row.start}})
    MATCH (b:{allowed_label(rel.end)} {{id: row.end}})
    MERGE (a)-[r:{relationship_type(rel.type)}{key}]->(b)
    SET r += row.props
    RETURN count(r) AS written
    """
    return dynamic(f"entities.link.{rel.name}", text)


def node_rows(family: Family, records: Iterable[Any]) -> list[dict[str, Any]]:
    rows = []
    for record in records:
        row: dict[str, Any] = {"id": record.id, "props": to_props(record)}
        if family.located:
            location: Point = record.location
            # Stored to 1e-5 degree on both engines (graph.values): the same coordinates, and so
            # the same distances, whichever engine holds them.
            row["latitude"] = round(location.latitude, COORD_DIGITS)
            row["longitude"] = round(location.longitude, COORD_DIGITS)
        if family.searchable:
            row["search"] = search_text(*(getattr(record, name) for name in family.searchable))
        rows.append(row)
    return rows


async def upsert(store: GraphStore, records: Sequence[Any], batch: int = 2_000) -> int:
    """Write records of one family (idempotent: MERGE on id)."""
    if not records:
        return 0
    family = family_of(type(records[0]))
    statement = upsert_nodes_statement(family.label)
    written = 0
    for i in range(0, len(records), batch):
        rows = node_rows(family, records[i : i + batch])
        written += int((await store.write(statement, {"rows": rows}))[0]["written"])
    return written


async def link(
    store: GraphStore,
    rel: Rel,
    pairs: Sequence[tuple[str, str] | tuple[str, str, Mapping[str, Any]]],
    batch: int = 5_000,
) -> int:
    """Write relationships ``(start id, end id[, properties])``; keyed ones need ``props['id']``."""
    statement = upsert_rels_statement(rel)
    written = 0
    for i in range(0, len(pairs), batch):
        rows = []
        for pair in pairs[i : i + batch]:
            props = dict(pair[2]) if len(pair) == 3 else {}
            row: dict[str, Any] = {"start": pair[0], "end": pair[1], "props": props}
            if rel.keyed:
                row["id"] = props["id"]
            rows.append(row)
        result = await store.write(statement, {"rows": rows})
        written += int(result[0]["written"]) if result else 0
    return written


# --- reads ---------------------------------------------------------------------------------


@builder(each=lambda: ({"label": f.label} for f in _families()))
def get_statement(label: str) -> Statement:
    """Entities of one family by id, in no particular order."""
    return dynamic(
        f"entities.get.{label}",
        f"MATCH (n:{allowed_label(label)}) WHERE n.id IN $ids RETURN properties(n) AS n",
    )


def _anchor(family: Family, conditions: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """``MATCH`` from the most selective condition that names one entity by id, and the rest.

    ``MATCH (n:Volunteer) WHERE (n)-[:SERVES_AREA]->(:Community {id: $c})`` tests every
    volunteer (590 ms for a page of a 10,000-volunteer district, docs/BENCHMARKS.md); written as
    the match itself, the engine starts from the community its id index finds. Fewer hops and
    no variable-length taxonomy walk make a condition more selective. Without such a condition
    the family is scanned as before.
    """
    label = allowed_label(family.label)
    usable = [
        name for name in conditions
        if (text := family.conditions[name]).count("{id: $") == 1 and text.count("(n)") == 1
        and " OR " not in text and " AND " not in text and not text.startswith("NOT")
    ]  # fmt: skip
    if not usable:
        return f"MATCH (n:{label})", tuple(conditions)
    best = min(usable, key=lambda n: ("*" in family.conditions[n], family.conditions[n].count("]")))
    pattern = family.conditions[best].replace("(n)", f"(n:{label})")
    # A pattern can reach one node twice (two skills under the one asked for): DISTINCT.
    return f"MATCH {pattern} WITH DISTINCT n", tuple(c for c in conditions if c != best)


def _where(family: Family, conditions: Sequence[str], *, search: bool) -> str:
    clauses = [f"({family.conditions[name]})" for name in conditions]
    if search:
        clauses.insert(0, f"n:{allowed_label(family.label)}")
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""


def _ordered(family: Family, sort: str, direction: str, *, partial: bool) -> tuple[str, str]:
    """What to project beside `n` and the ORDER BY keys, for ``sort``.

    ``partial``: the sort's value may be read on some rows only (:func:`readable` with the prefix
    ``sort``): those come first in its order, the others after them by key alone, so their order
    says nothing about the hidden value. Only placed families (``Family.place``) are ordered so
    (the lint's examples hold those; a guard test checks that every sort over a protected value
    is of a placed family). A key that walks a pattern (the readable test) is projected first:
    FalkorDB rejects a pattern comprehension in ORDER BY.
    """
    key = family.sorts[sort]
    if partial:
        seen = readable_predicate(family, "sort", projected=True)
        return (
            f", {seen} AS seen, {key} AS sort_key",
            f"CASE WHEN seen THEN 0 ELSE 1 END, "
            f"CASE WHEN seen THEN sort_key ELSE null END{direction}, n.id",
        )
    if "[(" in key:
        return f", {key} AS sort_key", f"sort_key{direction}, n.id"
    return "", f"{key}{direction}, n.id"


@builder(each=examples.lists)
def list_statement(
    label: str,
    conditions: tuple[str, ...],
    sort: str | None,
    *,
    descending: bool = False,
    search: bool = False,
    partial: bool = False,
    clause: Clause | None = None,
    cells: bool = False,
) -> Statement:
    """One page of a family, filtered; a search ranks by relevance unless a sort is given.
    ``partial``: the sort's value is readable on some rows only (:func:`_ordered`); ``clause``:
    a compiled ``where`` (``graph.model.where``) applies too; ``cells``: small cells of rows
    read de-identified are left out (``graph.model.cells``), as the count leaves them out."""
    family = _family(label)
    where = _where(family, conditions, search=search)
    direction = " DESC" if descending else ""
    if search:
        # `MATCH (n)` re-binds the yielded node: FalkorDB rejects a relationship pattern in a
        # WHERE that follows the procedure's WITH directly ("Type mismatch: expected Null").
        head = (
            "CALL $$fulltext_nodes('Searchable', $query) YIELD node, score\n"
            f"WITH node AS n, score MATCH (n) {where}"
        )
        # A search runs only over rows whose searched names the viewer may read (policy).
        extra, order = (
            _ordered(family, sort, direction, partial=partial)
            if sort
            else ("", f"score DESC, n.{_first_name(family)}, n.id")
        )
    else:
        head = _head(family, conditions, clause)
        extra, order = _ordered(family, sort or family.default_sort, direction, partial=partial)
    head += _stage(clause, search=search)
    if cells:
        head += withheld(family, search=search, counted=False)
    text = f"""
    {head}
    WITH n{extra} ORDER BY {order}
    SKIP $skip LIMIT $limit
    RETURN properties(n) AS n
    """
    key = ",".join(conditions) + (f";where:{clause.key}" if clause else "")
    name = f"{sort}{direction}{'/search' if search else ''}{'/partial' if partial else ''}"
    name += f"/{CELLS}" if cells else ""
    return dynamic(f"entities.list.{label}[{key}]/{name}", text)


def _head(family: Family, conditions: Sequence[str], clause: Clause | None) -> str:
    """The MATCH and WHERE of a list that is not a search: from the entity a condition or the
    where names by id when there is one (:func:`_anchor`, ``Clause.anchor``)."""
    if clause is not None and clause.anchor is not None:
        return f"{clause.anchor} {_where(family, conditions, search=False)}"
    match, rest = _anchor(family, conditions)
    return f"{match} {_where(family, rest, search=False)}"


def _stage(clause: Clause | None, *, search: bool) -> str:
    """The where's comprehensions projected beside `n`, then its predicate. FalkorDB filters on a
    pattern comprehension only once projected, and a WHERE straight after a WITH mis-evaluates
    ``all(v IN $list WHERE v IN n.tags)`` (no rows); after ``MATCH (n)``, which re-binds the
    carried node, it is right (as the search's head does)."""
    if clause is None:
        return ""
    carried = ", ".join(("n", *(["score"] if search else []), *clause.projections))
    return f"\n    WITH {carried} MATCH (n) WHERE {clause.predicate}"


@builder(each=examples.counts)
def count_statement(
    label: str,
    conditions: tuple[str, ...],
    *,
    search: bool = False,
    clause: Clause | None = None,
    cells: bool = False,
) -> Statement:
    """How many entities a filtered list holds; ``cells``: and how many of them are left out as
    small cells (``withheld``, :func:`list_statement`), not counted in ``total``."""
    family = _family(label)
    where = _where(family, conditions, search=search)
    if search:
        # `MATCH (n)` re-binds the yielded node: FalkorDB rejects a relationship pattern in a
        # WHERE that follows the procedure's WITH directly ("Type mismatch: expected Null").
        head = (
            "CALL $$fulltext_nodes('Searchable', $query) YIELD node, score\n"
            f"WITH node AS n, score MATCH (n) {where}"
        )
    else:
        head = _head(family, conditions, clause)
    head += _stage(clause, search=search)
    key = ",".join(conditions) + (f";where:{clause.key}" if clause else "")
    name = f"entities.count.{label}[{key}]{'/search' if search else ''}"
    if cells:
        return dynamic(f"{name}/{CELLS}", head + withheld(family, search=search, counted=True))
    return dynamic(name, f"{head}\nRETURN count(n) AS total")


def _first_name(family: Family) -> str:
    return family.searchable[0] if family.searchable else "id"


def _related_examples() -> Iterable[Mapping[str, Any]]:
    filtered: set[str] = set()
    for rel in _rels():
        for direction, child in (("out", rel.end), ("in", rel.start)):
            placed = _family(child).place is not None
            for scoped, partial in itertools.product((False, True), repeat=2):
                if not partial or placed:
                    yield {"rel": rel, "direction": direction, "scoped": scoped, "partial": partial}
            if child not in filtered:
                # Each order a connection offers, both ways, blind where the family is placed.
                for sort in connection_sorts(_family(child)):
                    for partial in (False, True) if placed else (False,):
                        yield {
                            "rel": rel,
                            "direction": direction,
                            "scoped": True,
                            "partial": partial,
                            "sort": sort,
                            "descending": True,
                        }
                # A connection's where: the statement differs from the others by its clause and
                # the readable rows only, so one relationship per family it reaches is enough.
                filtered.add(child)
                yield {
                    "rel": rel,
                    "direction": direction,
                    "scoped": True,
                    "partial": placed,
                    "clause": examples.where_clauses(_family(child))[0],
                    "readable": placed,
                }


@builder(each=_related_examples)
def related_statement(
    rel: Rel,
    direction: Direction,
    *,
    scoped: bool = False,
    partial: bool = False,
    clause: Clause | None = None,
    readable: bool = False,
    sort: str | None = None,
    descending: bool = False,
) -> Statement:
    """A window of the entities related to each of a batch of parents, in one round trip.

    ``out`` follows the relationship from its start (a volunteer's skills), ``in`` against it
    (a skill's volunteers). The window arithmetic runs in Cypher so that ``last`` works without
    a second query for the total. ``scoped`` keeps only the children a viewer may see;
    ``partial``: the default order's value is readable on some of them only (:func:`_ordered`);
    ``clause``: the connection's compiled ``where`` (its anchor unused: the parents are the
    start); ``readable``: only the children whose protected values the where reads the viewer
    may read (the ``readable`` parameters, as a list's); ``sort``: one of the child family's
    sorts (its default when None) that reads no parameter, ``descending`` its direction."""
    parent, child = (rel.start, rel.end) if direction == "out" else (rel.end, rel.start)
    family = _family(child)
    arrow = (
        f"-[r:{relationship_type(rel.type)}]->"
        if direction == "out"
        else (f"<-[r:{relationship_type(rel.type)}]-")
    )
    order_by = sort or family.default_sort
    if order_by not in connection_sorts(family):
        raise ValueError(f"{child} items of a relationship cannot be sorted by {order_by}.")
    extra, order = _ordered(family, order_by, " DESC" if descending else "", partial=partial)
    filters = [
        family.conditions[name] for name, on in ((SCOPE, scoped), (READABLE, readable)) if on
    ]
    stage = ""
    if clause is not None:
        # As a list's (:func:`_stage`): comprehensions projected, then `MATCH (n)` re-binds.
        carried = ", ".join(("key", "r", "n", *clause.projections))
        stage = f"WITH {carried} MATCH (n) WHERE {clause.predicate}"
    text = f"""
    UNWIND $keys AS key
    MATCH (p:{allowed_label(parent)} {{id: key}}){arrow}(n:{allowed_label(child)})
    {"WHERE " + " AND ".join(f"({f})" for f in filters) if filters else ""}
    {stage}
    WITH key, n, r{extra} ORDER BY {order}
    WITH key, collect({{n: n, r: r}}) AS items
    WITH key, items, size(items) AS total
    WITH key, items, total,
         CASE WHEN $stop IS NULL OR $stop > total THEN total ELSE $stop END AS stop
    WITH key, items, total, stop, CASE WHEN $start > stop THEN stop ELSE $start END AS lo0
    WITH key, items, total, lo0,
         CASE WHEN $first IS NULL OR lo0 + $first > stop THEN stop ELSE lo0 + $first END AS hi
    WITH key, items, total, hi,
         CASE WHEN $last IS NULL OR hi - $last < lo0 THEN lo0 ELSE hi - $last END AS lo
    RETURN key, total, lo AS offset,
           [x IN items[lo..hi] | {{node: properties(x.n), rel: properties(x.r)}}] AS page
    """
    name = f"{rel.name}/{direction}{'/scoped' if scoped else ''}{'/partial' if partial else ''}"
    name += f"{'/readable' if readable else ''}{f'/where:{clause.key}' if clause else ''}"
    name += f"{f'/sort:{sort}' if sort else ''}{' DESC' if descending else ''}"
    return dynamic(f"entities.related.{name}", text)


def connection_sorts(family: Family) -> tuple[str, ...]:
    """The orders a relationship's items may be read in: the family's sorts that read no
    parameter (DISTANCE needs a root list's `near`)."""
    return tuple(k for k, v in family.sorts.items() if "$" not in v)


async def get_many(store: GraphStore, label: str, ids: Sequence[str]) -> dict[str, Any]:
    """Records by id; ids that do not exist are absent from the answer."""
    family = _family(label)
    rows = await store.read(get_statement(label), {"ids": list(dict.fromkeys(ids))})
    return {row["n"]["id"]: from_props(family.record, row["n"]) for row in rows}


async def list_page(
    store: GraphStore,
    label: str,
    *,
    where: Mapping[str, Mapping[str, Any]],
    sort: str | None,
    descending: bool,
    search: str | None,
    window: Window,
    with_total: bool,
    order: Mapping[str, Any] | None = None,
    compiled: Compiled | None = None,
    cells: Mapping[str, Any] | None = None,
) -> Page:
    """A filtered, sorted window of one family (``where``: condition -> its parameters).
    ``order``: the sort's value is readable on some rows only (:func:`readable_params` with the
    prefix ``sort``); None: on every row. ``compiled``: a ``where`` (``graph.model.where``),
    its parameters included (and the ``near`` readable parameters when it guards points).
    ``cells``: small cells left out (``graph.model.cells.cells_params``), from the page and the
    count alike; the page's ``withheld`` says how many rows were (when counted)."""
    family = _family(label)
    conditions = tuple(sorted(where))
    clause = compiled.clause if compiled is not None else None
    params: dict[str, Any] = {**(order or {}), **(compiled.params if compiled else {})}
    params.update(cells or {})
    for name in conditions:
        if name not in family.conditions:
            raise ValueError(f"{label} has no filter {name!r}.")
        params.update(where[name])
    terms = query_terms(search) if search is not None else None
    searching = terms is not None
    if searching and not terms:
        return Page([], window.start, 0)  # nothing searchable in the text: nothing matches
    if searching:
        params["query"] = store.dialect.fulltext_query(terms or [])
    total: int | None = None
    left_out = 0
    if with_total or window.needs_total:
        statement = count_statement(
            label, conditions, search=searching, clause=clause, cells=cells is not None
        )
        counted = await store.read(statement, params)
        total = int(counted[0]["total"] or 0) if counted else 0
        left_out = int(counted[0].get("withheld") or 0) if counted else 0
    lo, hi = window.bounds(total)
    limit = (hi - lo) if hi is not None else None
    if limit == 0:
        return Page([], lo, total, withheld=left_out)
    statement = list_statement(
        label,
        conditions,
        sort,
        descending=descending,
        search=searching,
        partial=bool(order),
        clause=clause,
        cells=cells is not None,
    )
    # One row more than asked tells whether a next page exists without counting the list.
    fetch = limit + 1 if limit is not None else 1_000_000
    rows = await store.read(statement, {**params, "skip": lo, "limit": fetch})
    more = limit is not None and len(rows) > limit
    items = [from_props(family.record, row["n"]) for row in rows[:limit]]
    return Page(items, lo, total, more, withheld=left_out)


async def related_pages(
    store: GraphStore,
    rel: Rel,
    direction: Direction,
    keys: Sequence[str],
    window: Window,
    scope: Mapping[str, Any] | None = None,
    order: Mapping[str, Any] | None = None,
    compiled: Compiled | None = None,
    readable: Mapping[str, Any] | None = None,
    sort: str | None = None,
    descending: bool = False,
) -> dict[str, Page]:
    """For each parent key, a window of its related entities with the relationship properties
    (only those admitted by ``scope``, from :func:`scope_params`, when given; ``order`` as in
    :func:`list_page`, given only with a scope; ``compiled``: the connection's ``where``, its
    parameters included; ``readable``: :func:`readable_params` of the rows whose protected
    values it may compare)."""
    child = rel.end if direction == "out" else rel.start
    family = _family(child)
    statement = related_statement(
        rel,
        direction,
        scoped=scope is not None,
        partial=bool(order),
        clause=None if compiled is None else compiled.clause,
        readable=readable is not None,
        sort=sort,
        descending=descending,
    )
    rows = await store.read(
        statement,
        {
            **(scope or {}),
            **(order or {}),
            **(readable or {}),
            **(compiled.params if compiled else {}),
            "keys": list(dict.fromkeys(keys)),
            "start": window.start,
            "stop": window.stop,
            "first": window.first,
            "last": window.last,
        },
    )
    pages = {key: Page([], window.start, 0) for key in keys}
    for row in rows:
        items = [Link(from_props(family.record, x["node"]), x["rel"] or {}) for x in row["page"]]
        pages[row["key"]] = Page(items, int(row["offset"]), int(row["total"]))
    return pages
