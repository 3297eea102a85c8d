from __future__ import annotations

from typing import Any

from graph.model import organizations as graph
from graph.model.organizations import FundTotals
from resolvers.filters import Where
from schema.context import Info


def organization_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .values("kind", f.kind)
        .values("registration", f.registration)
        .value("rating_min", f.rating_min)
        .id("incubated_by", f.incubated_by, "Organization")
        .id("part_of", f.part_of, "Organization")
        .id("community", f.community, "Community")
        .id("district", f.district, "District")
        .id("category", f.category, "ServiceCategory")
        .near(f.near)
        .done()
    )


def project_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .values("status", f.status)
        .id("category", f.category, "ServiceCategory")
        .id("community", f.community, "Community")
        .id("district", f.district, "District")
        .id("run_by", f.run_by, "Organization")
        .id("funded_by", f.funded_by, "Fund")
        .done()
    )


def fund_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .values("kind", f.kind)
        .id("community", f.community, "Community")
        .id("district", f.district, "District")
        .id("category", f.category, "ServiceCategory")
        .id("managed_by", f.managed_by, "Organization")
        .done()
    )


def think_tank_where(f: Any) -> dict[str, dict[str, Any]]:
    return {}


def resource_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .values("kind", f.kind)
        .id("category", f.category, "ServiceCategory")
        .id("offered_by", f.offered_by, "Organization")
        .value("available_on", None if f.available_on is None else f.available_on.isoformat())
        .done()
    )


def venue_where(f: Any) -> dict[str, dict[str, Any]]:
    if f is None:
        return {}
    return (
        Where()
        .id("community", f.community, "Community")
        .value("capacity_min", f.capacity_min)
        .near(f.near)
        .done()
    )


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
