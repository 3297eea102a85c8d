from __future__ import annotations

from typing import Any

from graph.model import organizations as graph
from graph.model.organizations import FundTotals
from resolvers.context import Info
from resolvers.filter_inputs import Conditions, FilterReading

organization_where = FilterReading(
    "Organization",
    ids=("incubated_by", "part_of", "community", "district", "category"),
    any_of=("kind", "registration"),
    equal=("rating_min",),
    near=True,
)
project_where = FilterReading(
    "Project",
    ids=("category", "community", "district", "run_by", "funded_by"),
    any_of=("status",),
)
fund_where = FilterReading(
    "Fund", ids=("community", "district", "category", "managed_by"), any_of=("kind",)
)
venue_where = FilterReading("Venue", ids=("community",), equal=("capacity_min",), near=True)
_RESOURCE = FilterReading("Resource", ids=("category", "offered_by"), any_of=("kind",))


def think_tank_where(f: Any) -> Conditions:
    return {}


def resource_where(f: Any) -> Conditions:
    """The day is compared as stored, ISO text."""
    if f is None:
        return {}
    day = None if f.available_on is None else f.available_on.isoformat()
    return _RESOURCE.read(f).value("available_on", day).done()


async def fund_totals(info: Info, key: str) -> FundTotals:
    store = info.context.store

    async def load(keys: list[str]) -> list[FundTotals]:
        found = await graph.fund_totals(store, keys)
        return [found.get(k, FundTotals(0, 0)) for k in keys]

    return await info.context.loaders.custom("fund_totals", load).load(key)


async def resource_allocated(info: Info, key: str) -> int:
    store = info.context.store

    async def load(keys: list[str]) -> list[int]:
        found = await graph.resource_allocated(store, keys)
        return [found.get(k, 0) for k in keys]

    return await info.context.loaders.custom("resource_allocated", load).load(key)
