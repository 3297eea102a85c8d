"""Inputs several families share."""

from __future__ import annotations

import strawberry

MAX_RADIUS_METERS = 100_000


@strawberry.input(description="Within a distance of a point (就近): for map searches and matching.")
class NearInput:
    latitude: float = strawberry.field(description="Latitude in degrees, -90 to 90.")
    longitude: float = strawberry.field(description="Longitude in degrees, -180 to 180.")
    radius_meters: int = strawberry.field(
        description=f"Radius in metres, 1 to {MAX_RADIUS_METERS:,}."
    )
