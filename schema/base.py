"""From graph records to GraphQL objects, in one place.

Each GraphQL entity type is registered with :func:`entity` under its graph label. Records (plain
dataclasses from ``graph``) become GraphQL objects through :func:`to_node`, which fills fields by
name: enums from their stored values, ``Location`` from points, money (``Decimal`` yuan) from the
stored integer fen (a field ``amount`` reads ``amountFen``). Private fields (``strawberry.Private``)
are copied as they are, for resolvers that derive a value (hours from minutes).

The ``Date`` and ``DateTime`` scalars every argument and input field uses are declared here too
(:data:`SCALARS`, given to the schema as overrides): each value is range checked as it is parsed,
offsets included, so no temporal input anywhere reaches a resolver or the graph outside the range
both engines store and compare correctly (:data:`EARLIEST`..:data:`LATEST`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

import dateutil.parser
import strawberry
from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition

from api.errors import BadUserInput
from api.ids import to_global_id
from domain.money import yuan
from graph.model.entities import Point, camel

T = TypeVar("T")

TYPES: dict[str, type] = {}


@strawberry.type(description="A place on the map (WGS-84 degrees).")
class Location:
    latitude: float = strawberry.field(description="Latitude in degrees (north positive).")
    longitude: float = strawberry.field(description="Longitude in degrees (east positive).")


# The instants every temporal input must fall within, in UTC. FalkorDB 4.16 (the default engine)
# cannot parse a datetime before 1970-01-01 (``localdatetime('1969-12-31T23:59:59')`` fails) and
# compares temporal values by a 32-bit difference of seconds: two values more than 2^31 s (68
# years) apart compare the wrong way, in filters and in ORDER BY (measured, docs/ACCESS.md
# "Limits"). Inside 1970-01-01..2037-12-31 every pair is closer than that; Neo4j's range is far
# wider, so this is the range both engines hold and compare alike.
EARLIEST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2037, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)


class TemporalInputError(BadUserInput):
    """A Date or DateTime input that cannot be used, raised while the value is parsed.

    The error reaches the client with graphql-core's own prefix, which names the variable and
    the path inside it (or the place in the document for a literal): see ``schema.errors``."""


def _range_text() -> str:
    return f"{EARLIEST.date().isoformat()} and {LATEST.date().isoformat()}"


def parse_date(value: object) -> dt.date:
    """A ``Date`` input: ``YYYY-MM-DD`` within :data:`EARLIEST`..:data:`LATEST`."""
    if not isinstance(value, str):
        raise TemporalInputError("A Date is written as text, YYYY-MM-DD.")
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise TemporalInputError(f"{value!r} is not a date; write it as YYYY-MM-DD.") from None
    if not EARLIEST.date() <= parsed <= LATEST.date():
        raise TemporalInputError(f"A date must fall between {_range_text()}; {value} does not.")
    return parsed


def parse_datetime(value: object) -> dt.datetime:
    """A ``DateTime`` input (ISO 8601; an offset is honoured, none means UTC) whose UTC instant
    lies within :data:`EARLIEST`..:data:`LATEST`. Returned aware, in the offset it was given."""
    if not isinstance(value, str):
        raise TemporalInputError("A DateTime is written as text, e.g. 2026-11-20T09:00:00+08:00.")
    try:
        parsed = dateutil.parser.isoparse(value)
    except (ValueError, OverflowError):
        raise TemporalInputError(
            f"{value!r} is not a date and time; write it as ISO 8601, "
            "e.g. 2026-11-20T09:00:00+08:00."
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        instant = parsed.astimezone(dt.UTC)
    except OverflowError:  # the offset carries it past year 1 or 9999
        instant = None
    if instant is None or not EARLIEST <= instant <= LATEST:
        raise TemporalInputError(
            f"A date and time must fall between {_range_text()} (UTC, after its offset is "
            f"applied); {value} does not."
        )
    return parsed


_isoformat = operator.methodcaller("isoformat")
Date = strawberry.scalar(
    name="Date",
    description=f"A calendar day, YYYY-MM-DD, between {_range_text()}.",
    serialize=_isoformat,
    parse_value=parse_date,
)
DateTime = strawberry.scalar(
    name="DateTime",
    description="An instant, ISO 8601 with an offset (none means UTC), between "
    f"{_range_text()} in UTC.",
    serialize=_isoformat,
    parse_value=parse_datetime,
)
# Given to the schema as ``scalar_overrides``: every ``dt.date``/``dt.datetime`` argument and
# input field in the schema parses through the checks above.
SCALARS: dict[object, Any] = {dt.date: Date, dt.datetime: DateTime}


def entity(label: str) -> Callable[[type[T]], type[T]]:
    """Register a GraphQL type as the view of graph label ``label`` (used by ``node(id:)``)."""

    def register(cls: type[T]) -> type[T]:
        TYPES[label] = cls
        return cls

    return register


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
