from __future__ import annotations

from typing import Any

from resolvers.filters import Where


def skill_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .id("under", f.under, "Skill")
        .flag("top_level", f.top_level)
        .id("category", f.category, "ServiceCategory")
        .done()
    )


def category_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return Where().id("under", f.under, "ServiceCategory").flag("top_level", f.top_level).done()
