"""How an entity family is declared: its record, its stored properties, its relationships.

Each family (Volunteer, Fund, Need…) is declared once, in its module of ``graph.model``: its
label, its record dataclass, its typed properties (:class:`Prop`: kind, vocabulary, whether it
can be filtered and sorted, natural keys), the relationships its lists may be filtered through
(:class:`Via`), the WHERE fragments of its older named filters and its sort keys. Relationships
are declared as :class:`Rel`. ``graph.model.registry`` lists them all; the builders of
``graph.model.entities`` and ``graph.model.where`` turn them into statements, and the GraphQL
schema derives its ``where`` inputs from them (``schema.where``). Nothing here knows GraphQL.

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
import re
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from graph.model.filters import readable
from graph.model.vocab import Grade, Vocabulary

# The vocabularies' base classes: a field typed with one is an enum of that vocabulary.
VOCABULARY = (Vocabulary, Grade)

Direction = Literal["out", "in"]

# Who may write a property or relationship through the registration mutations
# (``access.acts.may_write``): ``self`` the record's subject too (a volunteer's own slots and
# skills), ``member`` a partner keeping its own members too, ``staff`` only covering social
# workers and administrators.
Write = Literal["self", "member", "staff"]


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


# What a stored property holds; an ``enum`` is a string from a vocabulary (``Prop.vocab``).
Kind = Literal[
    "text", "int", "float", "bool", "date", "datetime", "point", "enum", "enum list", "text list"
]
KINDS: tuple[Kind, ...] = typing.get_args(Kind)


@dataclass(frozen=True)
class Prop:
    """One stored property of a family, as lists may filter and sort by it.

    ``name`` is the stored (camelCase) name; ``vocab`` names the vocabulary of an enum or enum
    list (``"Gender"``, ``"WeeklySlot"``: the name of its GraphQL enum); ``sort`` is the key of
    the family's ``sorts`` ordering by it, if any; ``key``: part of the family's natural key
    (what identifies a row to a person or an import besides ``id``).
    """

    name: str
    kind: Kind
    vocab: str | None = None
    filter: bool = True
    sort: str | None = None
    key: bool = False
    doc: str = ""
    # Registration (``createVolunteer``/``updateVolunteer``…, derived from these): who may write
    # it (None: nobody, it is derived or bookkeeping), whether a create must give it, the
    # normaliser its input goes through (``phone``, ``volunteer_no``, ``id_card``… in
    # ``resolvers.registration``) and an int's inclusive range.
    write: Write | None = None
    required: bool = False
    check: str | None = None
    bounds: tuple[int, int] | None = None


@dataclass(frozen=True)
class Tie:
    """A relationship registration sets from a list of ids: a volunteer's skills, the
    communities a social worker covers. ``name`` is the input field (``skills`` is
    ``skillIds``); given on an update, the list replaces the old one (relationships kept where
    the target stays, so their properties survive). ``props`` are set on a new relationship,
    ``since`` names a property set to the day it was made; ``single``: one id, not a list (a
    resident's community); ``direction`` ``"in"``: the relationship points at the record (the
    organization that runs a project: ``(:Organization)-[:RUNS]->(project)``)."""

    name: str
    rel: Rel
    write: Write = "staff"
    required: bool = False
    single: bool = False
    props: Mapping[str, Any] = field(default_factory=dict)
    since: str | None = None
    direction: Direction = "out"

    @property
    def target(self) -> str:
        """The label of the records the tie's ids name."""
        return self.rel.end if self.direction == "out" else self.rel.start


@dataclass(frozen=True)
class Via:
    """A relationship a family's list may be filtered through (``<name>Some/None/All``).

    ``name`` is the field that follows it on the family's type (a need's ``resident``): what a
    condition through it asks about, for the access rules."""

    name: str
    rel: Rel
    direction: Direction

    @property
    def target(self) -> str:
        return self.rel.end if self.direction == "out" else self.rel.start


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
    # Sort key -> expression on `n`; ties are always broken by `n.id`. Each key's description
    # (the GraphQL sort enum's, ``schema.sorts``) is ``sort_docs``' or the common one.
    sorts: Mapping[str, str] = field(default_factory=lambda: {"NAME": "n.name"})
    default_sort: str = "NAME"
    sort_docs: Mapping[str, str] = field(default_factory=dict)
    # Where an entity is, for the access rules: a path from `n` to the community `c` it is in
    # (a resident's home, the communities a volunteer serves); None for families not placed.
    place: str | None = None
    # A predicate on `n`: the row has been reviewed (approved). Set for the families of
    # ``access.policy.UNTIL_REVIEWED``: a row scope admits reviewed rows by it
    # (``$scope_reviewed``).
    reviewed: str | None = None
    # A predicate on `n`: the person the row is consented to de-identified analysis. Set for the
    # families of ``access.policy.BY_CONSENT``: a row scope admits consenting rows by it
    # (``$scope_consented``).
    consented: str | None = None
    # The stored properties (``props_of``) and the relationships conditions may follow.
    props: tuple[Prop, ...] = ()
    via: tuple[Via, ...] = ()
    # The relationships registration sets (declared beside the ``Rel``s, like ``via``).
    ties: tuple[Tie, ...] = ()

    def sort_doc(self, key: str) -> str:
        """What ordering by ``key`` means to a user (the sort enum value's description)."""
        return self.sort_docs.get(key) or COMMON_SORT_DOCS[key]

    @property
    def kept(self) -> bool:
        """Whether users keep this family through the registration mutations."""
        return any(p.write is not None for p in self.props)

    @property
    def writable(self) -> tuple[Prop, ...]:
        return tuple(p for p in self.props if p.write is not None)

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)

    @property
    def defaults(self) -> dict[str, Any]:
        """What a new record holds where its registration gives nothing: the record type's
        defaults (a volunteer ACTIVE, without stars, within 2 km; a resident without consent),
        stored as :func:`to_props` stores a bulk-loaded record's. Statements compare the stored
        values (``v.status = 'ACTIVE'``, ``n.starLevel >= $star_min``), so a record registered
        through the API without them would never be matched, filtered or counted."""
        found: dict[str, Any] = {}
        for f in dataclasses.fields(self.record):
            if f.name in {"id", "location", "version"}:
                continue
            if f.default is not dataclasses.MISSING:
                value = f.default
            elif f.default_factory is not dataclasses.MISSING:
                value = f.default_factory()
            else:
                continue
            if value is not None:
                found[camel(f.name)] = list(value) if isinstance(value, tuple) else value
        return found

    @property
    def natural_key(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.props if p.key)

    @property
    def references(self) -> dict[str, tuple[str, str]]:
        """The filters that name one entity of another family (a need's resident, a record's
        volunteer): filter -> (that family, the parameter holding its key), read from the
        conditions' ``(:Label {id: $param})``. Such a filter asks about that entity, so the
        access rules treat it as a reference to it (``resolvers.entities.root_page``)."""
        found = {}
        for name, fragment in self.conditions.items():
            # The filter's own parameter: not the service's conditions (`_scope`, a `near`'s
            # covering social worker), which name the viewer, not an entity asked about.
            for label, param in _REFERENCE.findall(fragment):
                if param == name:
                    found[name] = (label, param)
        return found


# The descriptions of sort keys several families share; a family's own ``sort_docs`` say the
# rest (and may say these differently).
COMMON_SORT_DOCS: Mapping[str, str] = {
    "NAME": "By name.",
    "TITLE": "By title.",
    "CAPACITY": "By capacity.",
    "CREATED_AT": "By when it was recorded.",
    "AT": "By time.",
    "DISTANCE": "Nearest first; needs `near` (root lists only).",
}

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
    withheld: int = 0  # rows left out of the list and its total as small cells (graph.model.cells)


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

# The rows whose protected value the viewer may read (``access.inference.ReadScope``): a filter
# over a protected field runs over those only, as the condition named ``_readable`` (parameters from
# :func:`readable_params` with the prefix ``readable``).
READABLE = "_readable"


def scope_params(
    ids: Iterable[str],
    statuses: Iterable[str] = (),
    covered_by: str | None = None,
    reviewed: bool = False,
    consented: bool = False,
) -> dict[str, Any]:
    """``covered_by``: also the rows placed in a community this social worker covers;
    ``reviewed``: also the reviewed rows (``Family.reviewed``); ``consented``: also the rows
    consented to analysis (``Family.consented``)."""
    return {
        "scope_ids": sorted(ids),
        "scope_statuses": sorted(statuses),
        "scope_by": covered_by,
        "scope_reviewed": reviewed,
        "scope_consented": consented,
    }


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


_KIND_OF: dict[Any, Kind] = {
    str: "text",
    int: "int",
    float: "float",
    bool: "bool",
    dt.date: "date",
    dt.datetime: "datetime",
    Point: "point",
}


def props_of(
    record: type,
    *,
    vocab: Mapping[str, str] | None = None,
    keys: Iterable[str] = (),
    unfiltered: Iterable[str] = (),
    docs: Mapping[str, str] | None = None,
    writes: Mapping[str, Write] | None = None,
    required: Iterable[str] = (),
    checks: Mapping[str, str] | None = None,
    bounds: Mapping[str, tuple[int, int]] | None = None,
) -> tuple[Prop, ...]:
    """The stored properties of ``record`` (all but ``id``), their kinds read from its type
    hints (a field typed with a vocabulary of ``graph.model.vocab`` is that vocabulary's enum).
    ``vocab``: field -> vocabulary, for fields stored as plain text; ``unfiltered``: fields
    lists may not filter by (derived bookkeeping); ``keys``: the natural key's fields. Which
    are sortable is read from the family's ``sorts`` when it is registered (:func:`prepared`).
    ``writes``: field -> who may write it through registration; ``required``: fields a create
    must give; ``checks``: field -> its input's normaliser; ``bounds``: an int field's range.
    A ``version`` field (the optimistic-concurrency counter) is never filtered by."""
    hints = typing.get_type_hints(record)
    writes, checks, bounds = dict(writes or {}), dict(checks or {}), dict(bounds or {})
    required = set(required)
    unknown = {*writes, *required, *checks, *bounds} - {f.name for f in dataclasses.fields(record)}
    if unknown:
        raise ValueError(f"{record.__name__} has no fields {sorted(unknown)}.")
    if required - set(writes):
        raise ValueError(f"{record.__name__}: a required field must be writable.")
    vocab, docs = dict(vocab or {}), dict(docs or {})
    keys, unfiltered = set(keys), set(unfiltered)
    found = []
    for f in dataclasses.fields(record):
        if f.name == "id":
            continue
        hint = _base(hints[f.name])
        listed = typing.get_origin(hint) is tuple
        item = typing.get_args(hint)[0] if listed else hint
        typed = item.__name__ if isinstance(item, type) and issubclass(item, VOCABULARY) else None
        named = vocab.pop(f.name, None)
        if named is not None and typed is not None and named != typed:
            raise ValueError(f"{record.__name__}.{f.name} is a {typed}, not a {named}.")
        enum = named or typed
        if listed:
            kind: Kind = "enum list" if enum else "text list"
        elif enum:
            kind = "enum"
        else:
            kind = _KIND_OF[hint]
        name = camel(f.name)
        found.append(
            Prop(
                name,
                kind,
                enum,
                filter=f.name not in unfiltered and f.name != "version",
                key=f.name in keys,
                doc=docs.get(f.name, ""),
                write=writes.get(f.name),
                required=f.name in required,
                check=checks.get(f.name),
                bounds=bounds.get(f.name),
            )
        )
    if vocab:
        raise ValueError(f"{record.__name__} has no fields {sorted(vocab)}.")
    return tuple(found)


def prepared(declared: Family, via: Iterable[Via] = (), ties: Iterable[Tie] = ()) -> Family:
    """A declaration with the service's own conditions added (row scope, readable rows), the
    readable placeholders written out with the family's place, each property's sort key (a key
    ordering by exactly ``n.<name>``) and the relationships conditions may follow (declared
    after the families, beside their ``Rel``s)."""
    by_expression = {expr: key for key, expr in declared.sorts.items()}
    undocumented = [
        k for k in declared.sorts if k not in {**COMMON_SORT_DOCS, **declared.sort_docs}
    ]
    if undocumented or declared.default_sort not in declared.sorts:
        raise ValueError(
            f"{declared.label}: every sort needs a description (sort_docs) and the default "
            f"sort must be one of them; undocumented: {undocumented}."
        )
    scope = SCOPE_CONDITION
    if declared.place is not None:
        scope += f" OR {_placed_in(declared, 'scope_by')}"
    if declared.reviewed is not None:
        scope += f" OR ($scope_reviewed AND {declared.reviewed})"
    if declared.consented is not None:
        scope += f" OR ($scope_consented AND {declared.consented})"
    conditions = {**declared.conditions, SCOPE: scope, READABLE: readable("readable")}
    return dataclasses.replace(
        declared,
        conditions={k: _written_out(declared, v) for k, v in conditions.items()},
        sorts={k: _written_out(declared, v, projected=True) for k, v in declared.sorts.items()},
        props=tuple(
            dataclasses.replace(p, sort=by_expression.get(f"n.{p.name}")) for p in declared.props
        ),
        via=(*declared.via, *via),
        ties=(*declared.ties, *ties),
    )
