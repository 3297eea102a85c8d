from __future__ import annotations

from typing import Any

from resolvers.filters import Where


def city_where(f: Any) -> dict[str, dict[str, Any]]:
    return Where().value("name", getattr(f, "name", None)).done()


def district_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return Where().id("city", f.city, "City").done()


def community_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .id("district", f.district, "District")
        .id("city", f.city, "City")
        .values("kind", f.kind)
        .near(f.near)
        .done()
    )
