"""Reads and writes shared by every entity family, built from the declarations in ``graph.model``.

Each family (Volunteer, Fund, Need…) is declared once: its label, record dataclass, the WHERE
fragments its list can be filtered by, and its sort keys. Relationships are declared as
:class:`Rel`. The builders here turn those declarations into statements, so adding a filter is
one line in the family's module, and the lint sees every combination's parts (see ``_examples``).

Conventions of the stored graph:
- every entity has a unique ``id`` (string); properties are camelCase;
- located entities carry ``location``, a WGS-84 point;
- dates and instants are ISO-8601 strings (instants in UTC), identical on both engines and
  ordered correctly as text;
- money is integer fen (分), durations integer minutes; never floats;
- entities users search by name carry the ``Searchable`` label and a ``search`` text
  (``graph.text``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from graph.engine.cypher import Statement, builder, dynamic
from graph.engine.labels import label as allowed_label
from graph.engine.labels import relationship_type
from graph.engine.store import GraphStore
from graph.engine.values import COORD_DIGITS
from graph.model.filters import readable
from graph.model.text import query_terms, search_text

Direction = Literal["out", "in"]


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Family:
    """One entity family as the graph layer knows it."""

    label: str
    record: type
    # Properties whose text users type to find the entity (names, titles).
    searchable: tuple[str, ...] = ("name",)
    located: bool = False
    # Filter name -> WHERE fragment on `n`; its parameters are `$<name>` or `$<name>_<part>`.
    conditions: Mapping[str, str] = field(default_factory=dict)
    # Sort key -> expression on `n`; ties are always broken by `n.id`.
    sorts: Mapping[str, str] = field(default_factory=lambda: {"NAME": "n.name"})
    default_sort: str = "NAME"
    # Where an entity is, for the access rules: a path from `n` to the community `c` it is in
    # (a resident's home, the communities a volunteer serves); None for families not placed.
    place: str | None = None

    @property
    def references(self) -> dict[str, tuple[str, str]]:
        """The filters that name one entity of another family (a need's resident, a record's
        volunteer): filter -> (that family, the parameter holding its key), read from the
        conditions' ``(:Label {id: $param})``. Such a filter asks about that entity, so the
        access rules treat it as a reference to it (``resolvers.entities.list_connection``)."""
        found = {}
        for name, fragment in self.conditions.items():
            # The filter's own parameter: not the service's conditions (`_scope`, a `near`'s
            # covering social worker), which name the viewer, not an entity asked about.
            for label, param in _REFERENCE.findall(fragment):
                if param == name:
                    found[name] = (label, param)
        return found


_REFERENCE = re.compile(r"\(:(\w+) \{id: \$(\w+)\}\)")


@dataclass(frozen=True)
class Rel:
    """A relationship type between two families, with the properties it carries."""

    type: str
    start: str
    end: str
    props: tuple[str, ...] = ()
    # Several relationships between the same two nodes (each donation, each grant), told apart
    # by the relationship's own `id`.
    keyed: bool = False

    @property
    def name(self) -> str:
        return f"{self.start}-{self.type}->{self.end}"


@dataclass(frozen=True)
class Link:
    """A related entity and the properties of the relationship that reached it."""

    node: Any
    props: Mapping[str, Any]


@dataclass(frozen=True)
class Page:
    """One window of a list: the items, their offset in the whole list, and its size."""

    items: list[Any]
    offset: int
    total: int | None
    more: bool | None = None  # when the total is unknown: whether items follow the window


@dataclass(frozen=True)
class Window:
    """Which slice of a list to return, after Relay's rules.

    ``start``/``stop`` bound the list (from ``after``/``before``); then the first ``first`` or
    the last ``last`` of that range are taken.
    """

    start: int = 0
    stop: int | None = None
    first: int | None = None
    last: int | None = None

    @property
    def needs_total(self) -> bool:
        return self.last is not None and self.stop is None

    def bounds(self, total: int | None) -> tuple[int, int | None]:
        """Absolute [lo, hi) of the items to return; ``hi`` None means "to the end"."""
        stop = self.stop
        if total is not None:
            stop = total if stop is None else min(stop, total)
        lo = self.start if stop is None else min(self.start, stop)
        hi = stop
        if self.first is not None:
            hi = lo + self.first if hi is None else min(hi, lo + self.first)
        if self.last is not None and hi is not None:
            lo = max(lo, hi - self.last)
        return lo, hi


# --- records -------------------------------------------------------------------------------

_CAMEL = re.compile(r"_([a-z])")


@functools.cache
def camel(name: str) -> str:
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _base(hint: Any) -> Any:
    """``X | None`` -> ``X``."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return args[0] if len(args) == 1 else hint
    return hint


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    base = _base(hint)
    if base is dt.datetime and isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    if base is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if base is Point and isinstance(value, Mapping):
        return Point(float(value["latitude"]), float(value["longitude"]))
    if typing.get_origin(base) is tuple and isinstance(value, list):
        return tuple(value)
    return value


def from_props(cls: type, props: Mapping[str, Any]) -> Any:
    """A record dataclass from stored (camelCase) properties; missing ones take their default."""
    hints = _hints(cls)
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        key = camel(f.name)
        if key in props:
            kwargs[f.name] = _decode(hints[f.name], props[key])
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            kwargs[f.name] = None
    return cls(**kwargs)


def to_props(record: Any) -> dict[str, Any]:
    """Stored properties of a record: camelCase, without ``id`` and ``location``."""
    props: dict[str, Any] = {}
    for f in dataclasses.fields(record):
        if f.name in {"id", "location"}:
            continue
        value = getattr(record, f.name)
        props[camel(f.name)] = list(value) if isinstance(value, tuple) else value
    return props


# The rows a viewer may see (``policy.RowScope``): any family's list can be narrowed by it, as
# the condition named ``_scope`` (parameters ``scope_ids``, ``scope_statuses`` and, for placed
# families, ``scope_by``). A family without a ``status`` property matches on ids only
# (``null IN [...]`` is never true).
SCOPE = "_scope"
SCOPE_CONDITION = "n.id IN $scope_ids OR n.status IN $scope_statuses"

# The rows whose protected value the viewer may read (``policy.ReadScope``): a filter over a
# protected field runs over those only, as the condition named ``_readable`` (parameters from
# :func:`readable_params` with the prefix ``readable``).
READABLE = "_readable"


def scope_params(
    ids: Iterable[str], statuses: Iterable[str] = (), covered_by: str | None = None
) -> dict[str, Any]:
    """``covered_by``: also the rows placed in a community this social worker covers."""
    return {"scope_ids": sorted(ids), "scope_statuses": sorted(statuses), "scope_by": covered_by}


def readable_params(
    prefix: str, ids: Iterable[str] | None, covered_by: str | None = None
) -> dict[str, Any]:
    """Parameters of :func:`graph.filters.readable`: the rows with these ids, or placed in a
    community the social worker ``covered_by`` covers (``ids`` None: every row)."""
    return {
        f"{prefix}_all": ids is None,
        f"{prefix}_ids": sorted(ids or ()),
        f"{prefix}_by": covered_by,
    }


def _placed_in(family: Family, param: str, *, projected: bool = False) -> str:
    """A predicate on `n`: placed in a community the social worker ``$param`` covers (not walked
    when ``$param`` is null, as it is for every viewer but a social worker). In a WHERE it is a
    pattern (FalkorDB cannot filter on a comprehension after a full-text search); ``projected``
    (an ORDER BY key) a comprehension (a bare pattern there is a list on FalkorDB, and Neo4j 5
    has no pattern expressions)."""
    if family.place is None:
        return "false"
    covered = f"(:Community)<-[:COVERS]-(:SocialWorker {{id: ${param}}})"
    path = family.place.replace("(c:Community)", covered)
    test = f"size([{path} | 1]) > 0" if projected else path
    return f"(${param} IS NOT NULL AND {test})"


def readable_predicate(family: Family, prefix: str, *, projected: bool = False) -> str:
    """``graph.filters.readable(prefix)`` written out for ``family``."""
    placed = (
        f" OR {_placed_in(family, f'{prefix}_by', projected=projected)}" if family.place else ""
    )
    return f"(${prefix}_all OR n.id IN ${prefix}_ids{placed})"


_READABLE_MARK = re.compile(r"__readable_([a-z]+)__")


def _written_out(family: Family, text: str, *, projected: bool = False) -> str:
    return _READABLE_MARK.sub(
        lambda m: readable_predicate(family, m.group(1), projected=projected), text
    )


# --- writes --------------------------------------------------------------------------------


@builder(each=lambda: ({"label": f.label} for f in _families()))
@functools.cache
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
@functools.cache
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
@functools.cache
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


def _list_examples() -> Iterable[Mapping[str, Any]]:
    for family in _families():
        every = tuple(sorted(family.conditions))
        for sort in family.sorts:
            yield {"label": family.label, "conditions": every, "sort": sort, "search": False}
            if family.place is not None:  # see _ordered
                for search in {False, bool(family.searchable)}:
                    yield {
                        "label": family.label,
                        "conditions": (),
                        "sort": sort,
                        "partial": True,
                        "search": search,
                    }
        yield {
            "label": family.label,
            "conditions": (),
            "sort": None,
            "search": bool(family.searchable),
        }


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


@builder(each=_list_examples)
@functools.cache
def list_statement(
    label: str,
    conditions: tuple[str, ...],
    sort: str | None,
    *,
    descending: bool = False,
    search: bool = False,
    partial: bool = False,
) -> Statement:
    """One page of a family, filtered; a search ranks by relevance unless a sort is given.
    ``partial``: the sort's value is readable on some rows only (:func:`_ordered`)."""
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
        match, rest = _anchor(family, conditions)
        head = f"{match} {_where(family, rest, search=False)}"
        extra, order = _ordered(family, sort or family.default_sort, direction, partial=partial)
    text = f"""
    {head}
    WITH n{extra} ORDER BY {order}
    SKIP $skip LIMIT $limit
    RETURN properties(n) AS n
    """
    key = ",".join(conditions)
    name = f"{sort}{direction}{'/search' if search else ''}{'/partial' if partial else ''}"
    return dynamic(f"entities.list.{label}[{key}]/{name}", text)


def _count_examples() -> Iterable[Mapping[str, Any]]:
    for family in _families():
        every = tuple(sorted(family.conditions))
        yield {"label": family.label, "conditions": every, "search": bool(family.searchable)}


@builder(each=_count_examples)
@functools.cache
def count_statement(label: str, conditions: tuple[str, ...], *, search: bool = False) -> Statement:
    """How many entities a filtered list holds."""
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
        match, rest = _anchor(family, conditions)
        head = f"{match} {_where(family, rest, search=False)}"
    return dynamic(
        f"entities.count.{label}[{','.join(conditions)}]{'/search' if search else ''}",
        f"{head}\nRETURN count(n) AS total",
    )


def _first_name(family: Family) -> str:
    return family.searchable[0] if family.searchable else "id"


def _related_examples() -> Iterable[Mapping[str, Any]]:
    for rel in _rels():
        for direction, child in (("out", rel.end), ("in", rel.start)):
            for scoped, partial in itertools.product((False, True), repeat=2):
                if not partial or _family(child).place is not None:
                    yield {"rel": rel, "direction": direction, "scoped": scoped, "partial": partial}


@builder(each=_related_examples)
@functools.cache
def related_statement(
    rel: Rel, direction: Direction, *, scoped: bool = False, partial: bool = False
) -> Statement:
    """A window of the entities related to each of a batch of parents, in one round trip.

    ``out`` follows the relationship from its start (a volunteer's skills), ``in`` against it
    (a skill's volunteers). The window arithmetic runs in Cypher so that ``last`` works without
    a second query for the total. ``scoped`` keeps only the children a viewer may see;
    ``partial``: the default order's value is readable on some of them only (:func:`_ordered`).
    """
    parent, child = (rel.start, rel.end) if direction == "out" else (rel.end, rel.start)
    family = _family(child)
    arrow = (
        f"-[r:{relationship_type(rel.type)}]->"
        if direction == "out"
        else (f"<-[r:{relationship_type(rel.type)}]-")
    )
    extra, order = _ordered(family, family.default_sort, "", partial=partial)
    text = f"""
    UNWIND $keys AS key
    MATCH (p:{allowed_label(parent)} {{id: key}}){arrow}(n:{allowed_label(child)})
    {f"WHERE {family.conditions[SCOPE]}" if scoped else ""}
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
    return dynamic(f"entities.related.{name}", text)


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
) -> Page:
    """A filtered, sorted window of one family (``where``: condition -> its parameters).
    ``order``: the sort's value is readable on some rows only (:func:`readable_params` with the
    prefix ``sort``); None: on every row."""
    family = _family(label)
    conditions = tuple(sorted(where))
    params: dict[str, Any] = dict(order or {})
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
    if with_total or window.needs_total:
        counted = await store.read(count_statement(label, conditions, search=searching), params)
        total = int(counted[0]["total"]) if counted else 0
    lo, hi = window.bounds(total)
    limit = (hi - lo) if hi is not None else None
    if limit == 0:
        return Page([], lo, total)
    statement = list_statement(
        label, conditions, sort, descending=descending, search=searching, partial=bool(order)
    )
    # One row more than asked tells whether a next page exists without counting the list.
    fetch = limit + 1 if limit is not None else 1_000_000
    rows = await store.read(statement, {**params, "skip": lo, "limit": fetch})
    more = limit is not None and len(rows) > limit
    items = [from_props(family.record, row["n"]) for row in rows[:limit]]
    return Page(items, lo, total, more)


async def related_pages(
    store: GraphStore,
    rel: Rel,
    direction: Direction,
    keys: Sequence[str],
    window: Window,
    scope: Mapping[str, Any] | None = None,
    order: Mapping[str, Any] | None = None,
) -> dict[str, Page]:
    """For each parent key, a window of its related entities with the relationship properties
    (only those admitted by ``scope``, from :func:`scope_params`, when given; ``order`` as in
    :func:`list_page`, given only with a scope)."""
    child = rel.end if direction == "out" else rel.start
    family = _family(child)
    rows = await store.read(
        related_statement(rel, direction, scoped=scope is not None, partial=bool(order)),
        {
            **(scope or {}),
            **(order or {}),
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


# --- the model registry (filled by graph.model) ---------------------------------------------

_FAMILIES: dict[str, Family] = {}
_BY_RECORD: dict[type, Family] = {}
_RELS: dict[str, Rel] = {}


def register(families: Iterable[Family], rels: Iterable[Rel]) -> None:
    for declared in families:
        scope = SCOPE_CONDITION
        if declared.place is not None:
            scope += f" OR {_placed_in(declared, 'scope_by')}"
        conditions = {**declared.conditions, SCOPE: scope, READABLE: readable("readable")}
        family = dataclasses.replace(
            declared,
            conditions={k: _written_out(declared, v) for k, v in conditions.items()},
            sorts={k: _written_out(declared, v, projected=True) for k, v in declared.sorts.items()},
        )
        _FAMILIES[family.label] = family
        _BY_RECORD[family.record] = family
    for rel in rels:
        _RELS[rel.name] = rel


def _families() -> list[Family]:
    import graph.model.registry  # noqa: F401, PLC0415 - fills the registry

    return list(_FAMILIES.values())


def _rels() -> list[Rel]:
    import graph.model.registry  # noqa: F401, PLC0415

    return list(_RELS.values())


def _family(label: str) -> Family:
    if not _FAMILIES:
        _families()
    try:
        return _FAMILIES[label]
    except KeyError:
        raise ValueError(f"{label!r} is not a registered entity family.") from None


def family_named(label: str) -> Family:
    """The declaration of the family labelled ``label`` (``ValueError`` for anything else)."""
    return _family(label)


def family_of(record_type: type) -> Family:
    if not _BY_RECORD:
        _families()
    return _BY_RECORD[record_type]
