"""A list's ``where`` (AND/OR/NOT over typed property conditions and relationship conditions)
compiled to Cypher from the family's declarations (``graph.model.family.Prop`` and ``Via``).

The input is plain data (the GraphQL layer decodes ids and enums first)::

    {"AND": [...], "OR": [...], "NOT": {...},
     "id": {"eq": "v-1"}, "status": {"in": ["ACTIVE"]}, "birthYear": {"gte": 1940},
     "location": {"near": {"latitude": 22.5, "longitude": 113.4, "radiusMeters": 800}},
     "skillsSome": {"id": {"eq": "sk-1"}}}

Every value is a parameter (``$w0``, ``$w1``…, numbered in the order met, so one shape of input
is one statement text); property names, labels and relationship types come from the
declarations only, never from the input. A relationship condition is a pattern comprehension
projected before the WHERE (FalkorDB cannot filter on one inside a WHERE), counting the related
rows that match: ``Some`` > 0, ``None`` = 0, ``All`` = all of them. When the top level (and its
ANDs) names the entity by id, or a related entity by id through a relationship, the statement
starts from it (:attr:`Clause.anchor`), as the named filters do.

The compiled clause reports what it reads (:attr:`Compiled.reads`, :attr:`Compiled.related`) so
the access rules can narrow or refuse it exactly as they do a filter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.engine.labels import label as allowed_label
from graph.engine.labels import relationship_type
from graph.model.family import Family, Via, readable_predicate
from graph.model.registry import family_named

MAX_DEPTH = 4  # nested AND/OR/NOT and relationship conditions
MAX_CONDITIONS = 32  # operator conditions in one where
MAX_VALUES = 100  # values of one `in` / `includesAny` / `includesAll`
MAX_RADIUS_METERS = 50_000

_COMPARE = {"eq": "=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}
OPERATORS: Mapping[str, tuple[str, ...]] = {
    "text": ("eq", "in", "contains", "startsWith"),
    "int": ("eq", "in", "gt", "gte", "lt", "lte"),
    "float": ("eq", "in", "gt", "gte", "lt", "lte"),
    "date": ("eq", "in", "gt", "gte", "lt", "lte"),
    "datetime": ("eq", "in", "gt", "gte", "lt", "lte"),
    "bool": ("eq",),
    "enum": ("eq", "in"),
    "enum list": ("includes", "includesAny", "includesAll"),
    "text list": ("includes", "includesAny", "includesAll"),
    "point": ("near",),
    "id": ("eq", "in"),
}
MODES = ("Some", "None", "All")
# In ``Compiled.related``: a relationship condition that does not name its rows by id.
ANY_ROW = "*"


class WhereError(ValueError):
    """The where is malformed, empty where it must not be, or too large or deep."""


@dataclass(frozen=True)
class PointGuard:
    """Points not every viewer may read are compared on their grid cell with the radius floored
    where the viewer may not read them (``graph.model.filters.GUARDED_NEAR``): the floor, how
    much farther a cell's points may lie from its centre, and the cell's size in degrees. The
    rows read exactly are given as ``readable_params("near", …)``."""

    floor_meters: int
    reach_meters: int
    grid_degrees: float


@dataclass(frozen=True)
class Clause:
    """A compiled where: a MATCH to start from (or None: the family's label), comprehensions to
    project beside ``n`` before the predicate, and the predicate on ``n``."""

    anchor: str | None
    projections: tuple[str, ...]
    predicate: str

    @property
    def key(self) -> str:
        """A short stable name of the shape, for the statement's name."""
        text = "\n".join((self.anchor or "", *self.projections, self.predicate))
        return hashlib.sha1(text.encode()).hexdigest()[:12]  # noqa: S324 - a name, not a secret


@dataclass
class Compiled:
    clause: Clause
    params: dict[str, Any]
    # The family's own properties and relationship fields the where reads.
    reads: frozenset[str]
    # Related family -> the properties of it read (``id`` included when named; ``ANY_ROW``
    # when a condition does not narrow the related rows to ids).
    related: dict[str, frozenset[str]]
    # (family, key) of every related entity named by id.
    named: list[tuple[str, str]]
    # Whether the family's own point (``location``) is compared.
    points: bool


@dataclass
class _State:
    family: Family
    guard: PointGuard | None
    params: dict[str, Any] = field(default_factory=dict)
    projections: list[str] = field(default_factory=list)
    reads: set[str] = field(default_factory=set)
    related: dict[str, set[str]] = field(default_factory=dict)
    named: list[tuple[str, str]] = field(default_factory=list)
    points: bool = False
    conditions: int = 0

    def param(self, value: Any) -> str:
        name = f"w{len(self.params)}"
        self.params[name] = value
        return f"${name}"


def compile_where(
    family: Family,
    where: Mapping[str, Any],
    guard: PointGuard | None = None,
    *,
    most: int = MAX_CONDITIONS,
) -> Compiled:
    """``where`` on ``family`` as Cypher on ``n`` (``WhereError`` for bad input; ``most``: the
    most conditions allowed, raised only for the lint's examples)."""
    state = _State(family, guard)
    predicate = _node(state, family, "n", where, depth=0, related=False)
    if state.conditions > most:
        raise WhereError(f"A where may hold at most {most} conditions.")
    clause = Clause(_anchor(state, family, where), tuple(state.projections), predicate)
    return Compiled(
        clause,
        state.params,
        frozenset(state.reads),
        {k: frozenset(v) for k, v in state.related.items()},
        state.named,
        state.points,
    )


def _node(
    state: _State, family: Family, var: str, where: Mapping[str, Any], *, depth: int, related: bool
) -> str:
    """The predicate of one where object on ``var`` (of ``family``)."""
    if depth > MAX_DEPTH or not isinstance(where, Mapping):
        raise WhereError(f"A where is an object of conditions nested at most {MAX_DEPTH} deep.")
    parts: list[str] = []
    vias = {v.name: v for v in family.via}
    for key, value in ((k, v) for k, v in where.items() if v is not None):
        if key in {"AND", "OR"}:
            if not isinstance(value, list) or not value:
                raise WhereError(f"`{key}` takes a non-empty list of conditions.")
            inner = [_node(state, family, var, w, depth=depth + 1, related=related) for w in value]
            parts.append("(" + f" {key} ".join(inner) + ")")
        elif key == "NOT":
            parts.append(
                f"NOT ({_node(state, family, var, value, depth=depth + 1, related=related)})"
            )
        elif key == "id":
            if related:
                state.related.setdefault(family.label, set()).add("id")
            parts.append(_operators(state, family, var, "id", "id", value, related=related))
        elif not related and (split := _split(key, vias)):
            parts.append(_via(state, var, vias[split[0]], split[1], value, depth=depth + 1))
        else:
            prop = family.prop(key)
            if prop is None or not prop.filter:
                raise WhereError(f"{family.label} has no condition {key!r}.")
            if related:
                state.related.setdefault(family.label, set()).add(prop.name)
            else:
                state.reads.add(prop.name)
            parts.append(
                _operators(state, family, var, prop.name, prop.kind, value, related=related)
            )
    return " AND ".join(parts) if parts else "true"


def _split(key: str, vias: Mapping[str, Via]) -> tuple[str, str] | None:
    """``skillsSome`` -> ``("skills", "Some")`` for a declared relationship."""
    for mode in MODES:
        if key.endswith(mode) and key[: -len(mode)] in vias:
            return key[: -len(mode)], mode
    return None


def _property(
    state: _State, family: Family, var: str, key: str, value: Any, *, related: bool
) -> str:
    prop = family.prop(key)
    if key != "id" and (prop is None or not prop.filter):
        raise WhereError(f"{family.label} has no condition {key!r}.")
    if related:
        state.related.setdefault(family.label, set()).add(key)
    elif key != "id":
        state.reads.add(key)
    kind = "id" if prop is None else prop.kind
    return _operators(state, family, var, key, kind, value, related=related)


_TEMPLATES = {
    **{op: f"{{prop}} {sign} {{param}}" for op, sign in _COMPARE.items()},
    "in": "{prop} IN {param}",
    "contains": "{prop} CONTAINS {param}",
    "startsWith": "{prop} STARTS WITH {param}",
    "includes": "{param} IN {prop}",
    "includesAny": "any(v IN {prop} WHERE v IN {param})",
    "includesAll": "all(v IN {param} WHERE v IN {prop})",
}


def _operators(
    state: _State,
    family: Family,
    var: str,
    name: str,
    kind: str,
    ops: Mapping[str, Any],
    *,
    related: bool,
) -> str:
    if not isinstance(ops, Mapping):
        raise WhereError(f"`{name}` takes an object of operators.")
    given = {op: v for op, v in ops.items() if v is not None}
    unknown = set(given) - set(OPERATORS[kind])
    if unknown:
        raise WhereError(f"`{name}` has no operator {sorted(unknown)[0]!r}.")
    if not given:
        raise WhereError(f"`{name}` needs at least one operator.")
    low = [given[op] for op in ("gt", "gte") if op in given]
    high = [given[op] for op in ("lt", "lte") if op in given]
    if low and high and max(low) > min(high):
        raise WhereError(f"The {name} range is empty: its lower bound is above its upper bound.")
    prop = f"{var}.{name}"
    parts = []
    for op, value in sorted(given.items()):
        state.conditions += 1
        _check_values(name, op, value)
        if kind == "id" and related:
            state.named.extend((family.label, v) for v in (value if op == "in" else [value]))
        if op == "near":
            parts.append(_near(state, family, var, value, related=related))
            continue
        parts.append(_TEMPLATES[op].format(prop=prop, param=state.param(_value(value))))
    return "(" + " AND ".join(parts) + ")"


def _check_values(name: str, op: str, value: Any) -> None:
    if op in {"in", "includesAny", "includesAll"}:
        if not isinstance(value, list) or not value:
            raise WhereError(f"`{name}.{op}` takes a non-empty list.")
        if len(value) > MAX_VALUES:
            raise WhereError(f"`{name}.{op}` takes at most {MAX_VALUES} values.")


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value


def _near(state: _State, family: Family, var: str, near: Any, *, related: bool) -> str:
    try:
        latitude, longitude = float(near["latitude"]), float(near["longitude"])
        radius = float(near["radiusMeters"])
    except (KeyError, TypeError, ValueError):
        raise WhereError("`near` takes latitude, longitude and radiusMeters.") from None
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise WhereError("`near.latitude` must be between -90 and 90 degrees.")
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise WhereError("`near.longitude` must be between -180 and 180 degrees.")
    if not 1 <= radius <= MAX_RADIUS_METERS:
        raise WhereError(f"`near.radiusMeters` must be between 1 and {MAX_RADIUS_METERS:,} metres.")
    lat, lon = state.param(latitude), state.param(longitude)
    centre = f"point({{latitude: {lat}, longitude: {lon}}})"
    if not related:
        state.points = True
    guard = state.guard
    if guard is None or related:
        return f"$$within({var}.location, {centre}, {state.param(radius)})"
    floor = max(radius, guard.floor_meters)
    exact, cell_radius = state.param(radius), state.param(floor)
    reach = state.param(floor + guard.reach_meters)
    grid = state.param(guard.grid_degrees)
    snap = "floor(n.location.{0} / {1}) * {1} + {1} / 2"
    cell = (
        f"point({{latitude: {snap.format('latitude', grid)}, "
        f"longitude: {snap.format('longitude', grid)}}})"
    )
    seen = readable_predicate(family, "near")
    return (
        f"($$within(n.location, {centre}, {reach}) "
        f"AND (({seen} AND $$within(n.location, {centre}, {exact})) "
        f"OR (NOT {seen} AND $$within({cell}, {centre}, {cell_radius}))))"
    )


def _arrow(via: Via, start: str, end: str) -> str:
    rel = relationship_type(via.rel.type)
    if via.direction == "out":
        return f"({start})-[:{rel}]->({end})"
    return f"({start})<-[:{rel}]-({end})"


def _via(state: _State, var: str, via: Via, mode: str, where: Any, *, depth: int) -> str:
    target = family_named(via.target)
    state.reads.add(via.name)
    index = len(state.projections)
    m = f"m{index}"
    node = f"{m}:{allowed_label(target.label)}"
    inner = _node(state, target, m, where, depth=depth, related=True)
    if not (isinstance(where, Mapping) and isinstance(where.get("id"), Mapping)):
        # Not narrowed to named rows: it asks about any related row (``ANY_ROW``).
        state.related.setdefault(target.label, set()).add(ANY_ROW)
    pattern = _arrow(via, var, node)
    matched = f"size([{pattern} WHERE {inner} | 1])"
    state.projections.append(f"{matched} AS w_some{index}")
    if mode == "Some":
        return f"w_some{index} > 0"
    if mode == "None":
        return f"w_some{index} = 0"
    # Its own variable: FalkorDB mixes up two comprehensions of one WITH that share one.
    every = _arrow(via, var, f"t{index}:{allowed_label(target.label)}")
    state.projections.append(f"size([{every} | 1]) AS w_all{index}")
    return f"w_some{index} = w_all{index}"


def _anchor(state: _State, family: Family, where: Mapping[str, Any]) -> str | None:
    """A MATCH from the entity the top level names by id (its own or a related one's)."""
    label = allowed_label(family.label)
    vias = {v.name: v for v in family.via}
    for item in _conjuncts(where):
        for key, value in item.items():
            if not isinstance(value, Mapping):
                continue
            if key == "id" and (param := _param_of(state, value.get("eq"))):
                return f"MATCH (n:{label} {{id: {param}}})"
            ids = value.get("id")
            split = _split(key, vias)
            if split and split[1] == "Some" and isinstance(ids, Mapping):
                via = vias[split[0]]
                if param := _param_of(state, ids.get("eq")):
                    end = f":{allowed_label(via.target)} {{id: {param}}}"
                    return f"MATCH {_arrow(via, f'n:{label}', end)} WITH DISTINCT n"
    return None


def _conjuncts(where: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found = [where]
    for item in where.get("AND") or ():
        if isinstance(item, Mapping):
            found.extend(_conjuncts(item))
    return found


def _param_of(state: _State, value: Any) -> str | None:
    """The parameter already holding ``value`` (the anchor reuses the predicate's)."""
    if not isinstance(value, str):
        return None
    for name, held in state.params.items():
        if held == value:
            return f"${name}"
    return None


_SAMPLES: Mapping[str, Any] = {
    "text": "a",
    "int": 1,
    "float": 1.0,
    "bool": True,
    "date": "2025-01-01",
    "datetime": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    "enum": "A",
    "enum list": "A",
    "text list": "a",
    "id": "x",
}


def example(family: Family) -> dict[str, Any]:
    """A where using every operator of every filterable property and every relationship in
    each mode, for the lint (``graph.model.entities``' examples)."""
    where: dict[str, Any] = {"id": {"eq": "x", "in": ["x"]}}
    for prop in family.props:
        if not prop.filter:
            continue
        if prop.kind == "point":
            near = {"latitude": 22.5, "longitude": 113.4, "radiusMeters": 100}
            where[prop.name] = {"near": near}
            continue
        sample = _SAMPLES[prop.kind]
        ops = {}
        for op in OPERATORS[prop.kind]:
            ops[op] = [sample] if op in {"in", "includesAny", "includesAll"} else sample
        where[prop.name] = ops
    for via in family.via:
        for mode in MODES:
            where[f"{via.name}{mode}"] = {"id": {"eq": "y"}}
    return {"AND": [where], "OR": [{"id": {"eq": "x"}}, {"NOT": {"id": {"eq": "z"}}}]}
