"""Filter inputs -> graph conditions (``{condition: {param: value}}``), validated on the way."""

from __future__ import annotations

import datetime as dt
import math
from enum import Enum
from typing import Any, Protocol

from access import inference
from api.errors import BadUserInput
from api.ids import from_global_id
from graph.model.entities import readable_params

MAX_RADIUS_METERS = 100_000


class Near(Protocol):
    """Within a distance of a point, as a ``near`` argument gives it (``schema.inputs``'
    NearInput is one): read as plain values, checked by :meth:`Where.near`."""

    latitude: float
    longitude: float
    radius_meters: int


def guarded_near(
    near: dict[str, Any], exact: tuple[frozenset[str], str | None] | None
) -> dict[str, Any]:
    """The parameters of ``graph.filters.GUARDED_NEAR`` for a viewer who may read the points of
    the rows ``exact`` names — ids, and the social worker covering where they are (None: every
    row); the others are compared on their grid cell with the radius raised to
    ``inference.NEAR_FLOOR_METERS``."""
    floor = max(near["near_radius"], inference.NEAR_FLOOR_METERS)
    return {
        **near,
        **readable_params("near", *(exact or (None, None))),
        "near_grid": inference.GRID_DEGREES,
        "near_floor": floor,
        "near_reach": floor + inference.CELL_REACH_METERS,
    }


class Where:
    """Collects the conditions of one list query; a None input adds nothing."""

    def __init__(self) -> None:
        self.conditions: dict[str, dict[str, Any]] = {}

    def value(self, name: str, value: Any) -> Where:
        if value is not None:
            if isinstance(value, Enum):
                value = value.value
            elif isinstance(value, dt.datetime):
                value = value.astimezone(dt.UTC) if value.tzinfo else value
            self.conditions[name] = {name: value}
        return self

    def values(self, name: str, values: list[Any] | None) -> Where:
        """Any of several values (an empty list is treated as no filter), each once: a condition
        may count them (a resident's `tagsAll`)."""
        if values:
            read = [v.value if isinstance(v, Enum) else v for v in values]
            self.conditions[name] = {name: list(dict.fromkeys(read))}
        return self

    def id(self, name: str, global_id: str | None, label: str) -> Where:
        if global_id is not None:
            self.conditions[name] = {name: from_global_id(global_id, expect=label)[1]}
        return self

    def flag(self, name: str, on: bool | None) -> Where:
        if on:
            self.conditions[name] = {}
        return self

    def range(self, low_name: str, low: Any, high_name: str, high: Any, what: str) -> Where:
        if low is not None and high is not None and low > high:
            raise BadUserInput(
                f"The {what} range is empty: its lower bound is above its upper bound."
            )
        return self.value(low_name, low).value(high_name, high)

    def near(self, near: Near | None) -> Where:
        if near is None:
            return self
        if not (math.isfinite(near.latitude) and -90 <= near.latitude <= 90):
            raise BadUserInput("`near.latitude` must be between -90 and 90 degrees.")
        if not (math.isfinite(near.longitude) and -180 <= near.longitude <= 180):
            raise BadUserInput("`near.longitude` must be between -180 and 180 degrees.")
        if not 1 <= near.radius_meters <= MAX_RADIUS_METERS:
            raise BadUserInput(
                f"`near.radiusMeters` must be between 1 and {MAX_RADIUS_METERS:,} metres."
            )
        self.conditions["near"] = {
            "near_latitude": near.latitude,
            "near_longitude": near.longitude,
            "near_radius": near.radius_meters,
        }
        return self

    def done(self) -> dict[str, dict[str, Any]]:
        return self.conditions
