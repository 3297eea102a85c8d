from __future__ import annotations

import datetime as dt
from typing import Any

from api.errors import BadUserInput
from graph.model import services as services_graph
from resolvers.context import Info
from resolvers.filter_inputs import Conditions, FilterReading, Range

# `near` is read after the ages, in resident_where.
_RESIDENT = FilterReading(
    "Resident",
    ids=("community", "district"),
    any_of=("tags_any", "tags_all"),
    equal=("gender", "language"),
)


def resident_where(f: Any) -> Conditions:
    """Ages are asked for and years of birth stored: the older bound is the earlier year."""
    if f is None:
        return {}
    for name, age in (("ageMin", f.age_min), ("ageMax", f.age_max)):
        if age is not None and not 0 <= age <= 130:
            raise BadUserInput(f"`{name}` must be an age between 0 and 130.")
    year = dt.date.today().year
    born_from = None if f.age_max is None else year - f.age_max
    born_to = None if f.age_min is None else year - f.age_min
    where = _RESIDENT.read(f).range("born_from", born_from, "born_to", born_to, "age")
    return where.near(f.near).done()


volunteer_where = FilterReading(
    "Volunteer",
    ids=("skill", "community", "district", "team"),
    any_of=("status",),
    equal=("slot", "language"),
    ranges=(Range("star_level_min", "star_level_max", "star level", ("star_min", "star_max")),),
    near=True,
)
social_worker_where = FilterReading(
    "SocialWorker", ids=("community", "district", "employer"), any_of=("qualification",)
)
expert_where = FilterReading("Expert", ids=("think_tank",), any_of=("domain",))


async def time_bank_balance(info: Info, key: str) -> int:
    async def load(keys: list[str]) -> list[int]:
        found = await services_graph.time_bank_balances(info.context.store, keys)
        return [found.get(k, 0) for k in keys]

    return int(await info.context.loaders.custom("time_bank", load).load(key))
