"""From graph records to GraphQL objects, in one place.

Each GraphQL entity type is registered with :func:`entity` under its graph label. Records (plain
dataclasses from ``graph``) become GraphQL objects through :func:`to_node`, which fills fields by
name: enums from their stored values, ``Location`` from points, money (``Decimal`` yuan) from the
stored integer fen (a field ``amount`` reads ``amountFen``). Private fields (``strawberry.Private``)
are copied as they are, for resolvers that derive a value (hours from minutes).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition

from graph.entities import Point, camel
from schema.relay import to_global_id

T = TypeVar("T")

TYPES: dict[str, type] = {}


@strawberry.type(description="A place on the map (WGS-84 degrees).")
class Location:
    latitude: float = strawberry.field(description="Latitude in degrees (north positive).")
    longitude: float = strawberry.field(description="Longitude in degrees (east positive).")


def entity(label: str) -> Callable[[type[T]], type[T]]:
    """Register a GraphQL type as the view of graph label ``label`` (used by ``node(id:)``)."""

    def register(cls: type[T]) -> type[T]:
        TYPES[label] = cls
        return cls

    return register


def yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(int(fen)) / 100).quantize(Decimal("0.01"))


def _coerce(field_type: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field_type, StrawberryOptional):
        return _coerce(field_type.of_type, value)
    if isinstance(field_type, StrawberryList):
        return [_coerce(field_type.of_type, v) for v in value]
    definition = getattr(field_type, "__strawberry_definition__", None) or field_type
    if isinstance(definition, StrawberryEnumDefinition):
        return definition.wrapped_cls(value)
    if field_type is Location and isinstance(value, Point | Mapping):
        lat, lon = (
            (value.latitude, value.longitude)
            if isinstance(value, Point)
            else (value["latitude"], value["longitude"])
        )
        return Location(latitude=lat, longitude=lon)
    if field_type is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if field_type is dt.datetime and isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
    return value


@functools.cache
def _plan(cls: type) -> tuple[tuple[str, str, str, Any, bool], ...]:
    """Per GraphQL class, once: each stored field's name, where its value is read from, its type
    and whether it is money (fen stored, yuan shown). Building this per object was a sixth of a
    nested list's time (py-spy, docs/BENCHMARKS.md)."""
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    types_by_name = {f.python_name: f.type for f in definition.fields}
    plan = []
    for f in dataclasses.fields(cls):
        if not f.init:  # resolver fields
            continue
        field_type = types_by_name.get(f.name)
        base = field_type.of_type if isinstance(field_type, StrawberryOptional) else field_type
        lookup = f"{f.name}_fen" if base is Decimal else f.name
        plan.append((f.name, lookup, camel(lookup), field_type, base is Decimal))
    return tuple(plan)


def fill(cls: type[T], source: Any, **extra: Any) -> T:
    """Instantiate ``cls`` from a record or a mapping of stored (camelCase) properties."""
    mapping = isinstance(source, Mapping)
    kwargs: dict[str, Any] = {}
    for name, lookup, stored, field_type, money in _plan(cls):
        if name in extra:
            kwargs[name] = extra[name]
            continue
        raw = source.get(stored) if mapping else getattr(source, lookup, None)
        if money:
            kwargs[name] = yuan(raw)
        elif field_type is None:  # a private field
            kwargs[name] = raw
        else:
            kwargs[name] = _coerce(field_type, raw)
    return cls(**kwargs)


def to_node(label: str, record: Any) -> Any:
    """The GraphQL object for a record of ``label``."""
    return fill(TYPES[label], record, id=to_global_id(label, record.id), key=record.id)
