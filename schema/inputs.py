"""Inputs several families share."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers.filters import MAX_RADIUS_METERS


@strawberry.input(description="Within a distance of a point (就近): for map searches and matching.")
class NearInput:
    latitude: float = strawberry.field(description="Latitude in degrees, -90 to 90.")
    longitude: float = strawberry.field(description="Longitude in degrees, -180 to 180.")
    radius_meters: int = strawberry.field(
        description=f"Radius in metres, 1 to {MAX_RADIUS_METERS:,}."
    )


def optional(description: str) -> Any:
    """An input field that may be left out (null); in a filter input, no condition on it."""
    return strawberry.field(default=None, description=description)
