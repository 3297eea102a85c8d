"""Figures about the network: where it is thin (gap surveys) and counts for a scope (statistics).

The types ``NetworkQuery`` (``schema.network``) answers ``coverageGaps`` and ``statistics`` with,
each built from what ``resolvers.network`` found. Counts only: no resident is named here.

No ``from __future__ import annotations`` here: strawberry resolves the lazy types itself.
"""

import statistics as stats
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry

from access import cells
from domain import network as rules
from domain.money import yuan
from graph.queries import statistics as figures
from resolvers import network as resolve
from schema.fields import keyed, lazy
from schema.results import copied

PLACES = "schema.places"
TAXONOMY = "schema.taxonomy"
SERVICES = "schema.services"


@strawberry.enum(description="What a gap survey counts.")
class GapSubject(Enum):
    NEEDS = strawberry.enum_value("NEEDS", description="Active needs (开放、已匹配、服务中).")
    RESIDENTS = strawberry.enum_value(
        "RESIDENTS", description="Residents with a vulnerability tag (the service they may need)."
    )


@strawberry.type(description="Subjects of one community and category, and how many are short.")
class GapGroup:
    community_key: strawberry.Private[str]
    category_key: strawberry.Private[str]
    short_keys: strawberry.Private[list[str]]
    community_name: str = strawberry.field(description="Community name.")
    category_name: str = strawberry.field(description="Service category name.")
    subjects: int = strawberry.field(description="Needs (or residents) surveyed.")
    short: int = strawberry.field(description="Of those, with fewer than `minCandidates`.")
    uncovered: int = strawberry.field(description="Of those, with nobody in reach at all.")
    median_candidates: float = strawberry.field(description="Median eligible volunteers each.")

    community = keyed(
        "Community", "community_key", lazy("Community", PLACES) | None, "The community."
    )

    category = keyed(
        "ServiceCategory", "category_key", lazy("ServiceCategory", TAXONOMY) | None, "The category."
    )

    short_needs = keyed(
        "Need",
        "short_keys",
        list[lazy("Need", SERVICES)],
        "Up to 20 of the short needs (empty for residents).",
        many=True,
    )


@strawberry.type(description="Where the network is thin (服务缺口).")
class CoverageGaps:
    groups: list[GapGroup] = strawberry.field(
        description="By community and category, the largest share short first."
    )
    subjects: int = strawberry.field(description="Needs (or residents) surveyed.")
    short: int = strawberry.field(description="Of those, short of volunteers.")
    volunteers_considered: int = strawberry.field(
        description="Active volunteers under their load limit within reach of any subject."
    )
    radius_meters: int = strawberry.field(description="The radius used.")
    min_candidates: int = strawberry.field(description="The minimum used.")
    truncated: bool = strawberry.field(description="More subjects than one survey takes (50000).")

    @classmethod
    def from_result(cls, found: resolve.CoverageGaps) -> "CoverageGaps":
        survey = found.survey
        return copied(
            cls,
            found,
            groups=[
                copied(
                    GapGroup,
                    g,
                    community_key=g.community,
                    category_key=g.category,
                    short_keys=g.short_keys if found.subject == "NEEDS" else [],
                    median_candidates=float(stats.median(g.candidates)),
                )
                for g in survey.groups
            ],
            subjects=survey.subjects,
            short=sum(g.short for g in survey.groups),
            truncated=survey.truncated,
        )


@strawberry.type(description="A count under a key.")
class KeyCount:
    key: str = strawberry.field(description="The key (a tag, a star level, a status).")
    count: int = strawberry.field(description="How many.")

    @classmethod
    def each(cls, found: Iterable[figures.Count]) -> list["KeyCount"]:
        return [cls(key=c.key, count=c.count) for c in found]


@strawberry.type(
    description="Why a count of residents is withheld (null): it would single someone out "
    '(docs/PRIVACY.md "Small cells").'
)
class Suppression:
    fewer_than: int | None = strawberry.field(
        description='3 when the count itself is 1 or 2 (show it as "fewer than 3"); null when '
        "it is withheld because a community it adds up is, so that no difference with other "
        "figures gives that community's count back."
    )
    reason: str = strawberry.field(description="A sentence to show beside the missing count.")

    @classmethod
    def of(cls, cell: cells.Cell) -> "Suppression | None":
        if not cell.withheld:
            return None
        if cell.fewer_than is not None:
            return cls(
                fewer_than=cell.fewer_than,
                reason=f"Fewer than {cell.fewer_than} residents: withheld so as not to single "
                "anyone out.",
            )
        return cls(
            fewer_than=None,
            reason="Withheld: a community it adds up counts fewer than "
            f"{cells.K} residents, which this figure would give away.",
        )


@strawberry.type(
    description="Residents under a key (a vulnerability tag). Below full access a count of 1–2 "
    "residents of a community is withheld: `count` null and `suppression` says why."
)
class ResidentCount:
    key: str = strawberry.field(description="The key (a vulnerability tag).")
    count: int | None = strawberry.field(
        description="How many; null when withheld (see `suppression`)."
    )
    suppression: Suppression | None = strawberry.field(
        description="Null when `count` is shown; otherwise why it is withheld."
    )

    @classmethod
    def each(cls, found: Iterable[cells.Cell]) -> list["ResidentCount"]:
        return [cls(key=c.key, count=c.count, suppression=Suppression.of(c)) for c in found]


@strawberry.type(description="Hours served in one month and category.")
class MonthHours:
    month: str = strawberry.field(description="YYYY-MM.")
    category_key: str = strawberry.field(description="Service category id.")
    category_name: str = strawberry.field(description="Service category.")
    hours: float = strawberry.field(
        description="Hours recorded, in the records you see (below full access: approved ones)."
    )
    verified_hours: float = strawberry.field(description="Of those, verified (核实).")
    records: int = strawberry.field(description="Service records.")

    @classmethod
    def from_result(cls, h: figures.MonthHours) -> "MonthHours":
        return copied(
            cls,
            h,
            category_key=h.category,
            hours=rules.hours(h.minutes),
            verified_hours=rules.hours(h.verified_minutes),
        )


@strawberry.type(description="Weekly volunteer-slots offered against those needed, per category.")
class SupplyDemand:
    category_key: str = strawberry.field(description="Top-level service category id.")
    category_name: str = strawberry.field(description="Top-level service category.")
    supply_slots: int = strawberry.field(
        description="Active volunteers' weekly slots whose skills serve it."
    )
    volunteers: int = strawberry.field(description="Those volunteers.")
    demand_slots: int = strawberry.field(
        description="Active needs' weekly volunteer-slots (headcount × slots)."
    )
    needs: int = strawberry.field(description="Those needs.")

    @classmethod
    def from_result(cls, b: figures.Balance) -> "SupplyDemand":
        return copied(cls, b, category_key=b.category)


@strawberry.type(description="Money granted to projects working in the scope.")
class Granted:
    amount: Decimal = strawberry.field(description="Yuan (元).")
    grants: int = strawberry.field(description="Grants.")
    projects: int = strawberry.field(description="Projects.")

    @classmethod
    def from_result(cls, money: figures.Money) -> "Granted":
        return copied(cls, money, amount=yuan(money.amount_fen))


@strawberry.type(description="Figures for a community, a district or everywhere (统计).")
class Statistics:
    district_key: strawberry.Private[str | None]
    community_key: strawberry.Private[str | None]
    communities: strawberry.Private[list[str] | None]

    @classmethod
    def from_result(cls, scope: resolve.Scope) -> "Statistics":
        return copied(cls, scope, district_key=scope.district, community_key=scope.community)

    async def _read(self, info: strawberry.Info, name: str) -> Any:
        return await resolve.stat(info, self.communities, name)

    @strawberry.field(
        description="Residents living there (who consent to de-identified analysis, below full "
        "access); null when withheld as too few (see `residentsSuppression`)."
    )
    async def residents(self, info: strawberry.Info) -> int | None:
        return (await self._residents(info)).count

    @strawberry.field(description="Null when `residents` is shown; otherwise why it is withheld.")
    async def residents_suppression(self, info: strawberry.Info) -> Suppression | None:
        return Suppression.of(await self._residents(info))

    async def _residents(self, info: strawberry.Info) -> cells.Cell:
        found = await self._read(info, "residents")
        return found[0] if found else cells.Cell(figures.RESIDENTS_KEY, 0)

    @strawberry.field(
        description="Residents by vulnerability tag (who consent to de-identified analysis, "
        "below full access); counts of 1–2 withheld (see `suppression`)."
    )
    async def residents_by_tag(self, info: strawberry.Info) -> list[ResidentCount]:
        return ResidentCount.each(await self._read(info, "residents_by_tag"))

    @strawberry.field(description="Volunteers serving there, by star level (0–5).")
    async def volunteers_by_star(self, info: strawberry.Info) -> list[KeyCount]:
        return KeyCount.each(await self._read(info, "volunteers_by_star"))

    @strawberry.field(description="Hours served by month and category.")
    async def hours_by_month(self, info: strawberry.Info) -> list[MonthHours]:
        return [MonthHours.from_result(h) for h in await self._read(info, "hours")]

    @strawberry.field(description="Needs by status (open, matched, in service, closed…).")
    async def needs_by_status(self, info: strawberry.Info) -> list[KeyCount]:
        return KeyCount.each(await self._read(info, "needs_by_status"))

    @strawberry.field(
        description="Median days from a need's report to its first service record (null "
        "when no need there has been served yet)."
    )
    async def median_days_to_first_service(self, info: strawberry.Info) -> float | None:
        return (await self._read(info, "days_to_first_service"))[0]

    @strawberry.field(description="Money granted to projects working there.")
    async def granted(self, info: strawberry.Info) -> Granted:
        return Granted.from_result(await self._read(info, "granted"))

    @strawberry.field(
        description="Supply against demand per top-level category, the largest shortfall first."
    )
    async def supply_demand(self, info: strawberry.Info) -> list[SupplyDemand]:
        return [SupplyDemand.from_result(b) for b in await self._read(info, "balance")]
