from __future__ import annotations

import datetime as dt
from typing import Any

from graph.model import services as services_graph
from resolvers.filters import Where
from schema.context import Info
from schema.errors import BadUserInput


def resident_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    for name, age in (("ageMin", f.age_min), ("ageMax", f.age_max)):
        if age is not None and not 0 <= age <= 130:
            raise BadUserInput(f"`{name}` must be an age between 0 and 130.")
    year = dt.date.today().year
    born_from = None if f.age_max is None else year - f.age_max
    born_to = None if f.age_min is None else year - f.age_min
    return (
        Where()
        .id("community", f.community, "Community")
        .id("district", f.district, "District")
        .values("tags_any", f.tags_any)
        .values("tags_all", f.tags_all)
        .range("born_from", born_from, "born_to", born_to, "age")
        .value("gender", f.gender)
        .value("language", f.language)
        .near(f.near)
        .done()
    )


def volunteer_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .id("skill", f.skill, "Skill")
        .id("community", f.community, "Community")
        .id("district", f.district, "District")
        .id("team", f.team, "Organization")
        .value("slot", f.slot)
        .range("star_min", f.star_level_min, "star_max", f.star_level_max, "star level")
        .values("status", f.status)
        .value("language", f.language)
        .near(f.near)
        .done()
    )


def social_worker_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .id("community", f.community, "Community")
        .id("district", f.district, "District")
        .values("qualification", f.qualification)
        .id("employer", f.employer, "Organization")
        .done()
    )


def expert_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return Where().values("domain", f.domain).id("think_tank", f.think_tank, "ThinkTank").done()


async def time_bank_balance(info: Info, key: str) -> int:
    async def load(keys: list[str]) -> list[int]:
        found = await services_graph.time_bank_balances(info.context.store, keys)
        return [found.get(k, 0) for k in keys]

    return int(await info.context.loaders.custom("time_bank", load).load(key))
