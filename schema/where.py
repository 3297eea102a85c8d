"""The ``where`` argument of every root list, generated from the families' declarations.

After the Neo4j GraphQL Library's shape: ``<Family>Where`` holds ``AND``/``OR``/``NOT``, ``id``
(global ids) and one operator input per filterable property (``graph.model.family.Prop``), by
kind — ``eq``/``in``; ``gt``/``gte``/``lt``/``lte`` for numbers and dates; ``contains``/
``startsWith`` for text; ``includes``/``includesAny``/``includesAll`` for lists; ``near`` for
points — and, for each relationship the family declares (``Via``), ``<name>Some``/``None``/
``All`` taking ``<Related>RelatedWhere``: the related family's id and the properties every
viewer who sees its rows may read (those without a ``policy.FIELD_VIEWS`` rule), without
relationships of its own.

The types are made once per family and named stably; :func:`plain` turns an input into the
plain data ``graph.model.where`` compiles (ids decoded, enums as their values).
"""

import dataclasses
import datetime as dt
import functools
from enum import Enum
from typing import Any, Optional

import strawberry

from access.policy import FIELD_VIEWS
from api.ids import from_global_id
from graph.model.family import Family, Prop
from graph.model.registry import family_named
from graph.model.where import OPERATORS
from schema import enums
from schema.inputs import NearInput

_SCALARS: dict[str, Any] = {
    "text": str,
    "int": int,
    "float": float,
    "bool": bool,
    "date": dt.date,
    "datetime": dt.datetime,
}
_LISTS = {"in", "includesAny", "includesAll"}
_OPERATOR_DOCS = {
    "eq": "Equal to this.",
    "in": "Equal to any of these.",
    "gt": "Greater than (later than) this.",
    "gte": "At least (on or after) this.",
    "lt": "Less than (earlier than) this.",
    "lte": "At most (on or before) this.",
    "contains": "Contains this text.",
    "startsWith": "Starts with this text.",
    "includes": "The list includes this.",
    "includesAny": "The list includes any of these.",
    "includesAll": "The list includes all of these.",
    "near": "Within this distance of this point.",
}
_TYPE_NAMES = {
    "text": "Text",
    "int": "Int",
    "float": "Float",
    "bool": "Boolean",
    "date": "Date",
    "datetime": "DateTime",
    "text list": "TextList",
}
MODE_DOCS = {
    "Some": "At least one related {target} matches.",
    "None": "No related {target} matches.",
    "All": "Every related {target} matches (true when there is none).",
}


def _input(name: str, description: str, fields: dict[str, tuple[Any, str]]) -> type:
    """A strawberry input type made at run time: GraphQL field name -> (type, description),
    every field optional."""
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for graphql_name, (kind, doc) in fields.items():
        attribute = f"f_{graphql_name}"
        namespace["__annotations__"][attribute] = Optional[kind]  # noqa: UP045 - runtime type
        namespace[attribute] = strawberry.field(default=None, name=graphql_name, description=doc)
    return strawberry.input(type(name, (), namespace), name=name, description=description)


@functools.cache
def operator_input(kind: str, vocab: str | None = None) -> type:
    """``TextCondition``, ``IntCondition``…, ``GenderCondition``, ``WeeklySlotListCondition``."""
    if kind == "point":
        return _input(
            "PointCondition",
            "Conditions on a point.",
            {"near": (NearInput, _OPERATOR_DOCS["near"])},
        )
    if kind == "id":
        value: Any = strawberry.ID
        name = "IdCondition"
        ops: tuple[str, ...] = OPERATORS["id"]
    elif vocab is not None:
        value = getattr(enums, vocab)
        name = f"{vocab}{'List' if kind == 'enum list' else ''}Condition"
        ops = OPERATORS[kind]
    else:
        value = _SCALARS.get(kind, str)
        name = f"{_TYPE_NAMES[kind]}Condition"
        ops = OPERATORS[kind]
    fields = {op: (list[value] if op in _LISTS else value, _OPERATOR_DOCS[op]) for op in ops}
    return _input(name, f"Conditions on a value of type {name.removesuffix('Condition')}.", fields)


def _prop_field(family: Family, prop: Prop) -> tuple[Any, str]:
    doc = prop.doc or f"Conditions on its {prop.name}."
    return operator_input(prop.kind, prop.vocab), doc


@dataclasses.dataclass(frozen=True)
class _Shape:
    """What each field of a generated Where is (for :func:`plain`)."""

    label: str
    vias: dict[str, tuple[str, str]]  # GraphQL name -> (via name + mode, target label)


_SHAPES: dict[type, _Shape] = {}


def _where(name: str, family: Family, *, related: bool) -> type:
    """``<Family>Where`` (or ``<Family>RelatedWhere``), its AND/OR/NOT referring to itself."""
    hidden = frozenset(FIELD_VIEWS.get(family.label, {})) if related else frozenset()
    fields: dict[str, tuple[Any, str]] = {
        "id": (operator_input("id"), f"Conditions on its id (a {family.label} id).")
    }
    for prop in family.props:
        if prop.filter and prop.name not in hidden:
            fields[prop.name] = _prop_field(family, prop)
    vias: dict[str, tuple[str, str]] = {}
    if not related:
        for via in family.via:
            target = related_where(via.target)
            for mode, doc in MODE_DOCS.items():
                fields[f"{via.name}{mode}"] = (
                    target,
                    f"Through `{via.name}`: " + doc.format(target=via.target),
                )
                vias[f"{via.name}{mode}"] = (f"{via.name}{mode}", via.target)
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    cls = type(name, (), namespace)
    for graphql_name, (kind, doc) in fields.items():
        attribute = f"f_{graphql_name}"
        cls.__annotations__[attribute] = Optional[kind]  # noqa: UP045 - runtime type
        setattr(cls, attribute, strawberry.field(default=None, name=graphql_name, description=doc))
    for graphql_name, kind, doc in (
        ("AND", list[cls], "All of these hold."),  # type: ignore[valid-type]
        ("OR", list[cls], "At least one of these holds."),  # type: ignore[valid-type]
        ("NOT", cls, "This does not hold."),
    ):
        attribute = f"f_{graphql_name}"
        cls.__annotations__[attribute] = Optional[kind]  # noqa: UP045 - runtime type
        setattr(cls, attribute, strawberry.field(default=None, name=graphql_name, description=doc))
    what = "a related " if related else ""
    description = (
        f"Conditions on {what}{family.label} (all given ones hold); AND, OR and NOT combine "
        "them. See docs/FILTERING.md."
    )
    made = strawberry.input(cls, name=name, description=description)
    _SHAPES[made] = _Shape(family.label, vias)
    return made


@functools.cache
def where_input(label: str) -> type:
    """``<Family>Where``: the ``where`` argument of the family's root list."""
    return _where(f"{label}Where", family_named(label), related=False)


@functools.cache
def related_where(label: str) -> type:
    """``<Family>RelatedWhere``: conditions on a related family inside ``<rel>Some/None/All``."""
    return _where(f"{label}RelatedWhere", family_named(label), related=True)


def plain(where: Any) -> dict[str, Any] | None:
    """A generated Where input as the plain data ``graph.model.where`` compiles."""
    if where is None:
        return None
    shape = _SHAPES[type(where)]
    out: dict[str, Any] = {}
    for f in dataclasses.fields(where):
        value = getattr(where, f.name)
        name = f.name.removeprefix("f_")
        if value is None:
            continue
        if name in {"AND", "OR"}:
            out[name] = [plain(item) for item in value]
        elif name == "NOT" or name in shape.vias:
            out[name] = plain(value)
        elif name == "id":
            out[name] = _ids(value, shape.label)
        else:
            out[name] = _operators(value)
    return out


def _ids(condition: Any, label: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if condition.f_eq is not None:
        out["eq"] = from_global_id(condition.f_eq, expect=label)[1]
    if condition.f_in is not None:
        out["in"] = [from_global_id(v, expect=label)[1] for v in condition.f_in]
    return out


def _operators(condition: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(condition):
        value = getattr(condition, f.name)
        if value is not None:
            out[f.name.removeprefix("f_")] = _value(value)
    return out


def _value(value: Any) -> Any:
    if isinstance(value, list):
        return [_value(v) for v in value]
    if isinstance(value, NearInput):
        return {
            "latitude": value.latitude,
            "longitude": value.longitude,
            "radiusMeters": value.radius_meters,
        }
    if isinstance(value, Enum):
        return value.value
    return value  # dates and instants as they are: the store sends them as ISO text
