"""Organizations and what they hold: projects (项目), funds (基金), think tanks (智库), charity
resources (慈善资源) and venues (场地)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry

from graph.model import organizations as graph
from graph.model import people as people_graph
from graph.model import services as services_graph
from resolvers import ground
from resolvers import organizations as resolve
from schema.base import Location, entity, yuan
from schema.enums import (
    FundKind,
    OrganizationKind,
    ProjectStatus,
    Rating,
    Registration,
    ResourceKind,
    TeamLevel,
)
from schema.fields import lazy, root_list, version_field
from schema.inputs import NearInput, optional
from schema.links import (
    AllocationConnection,
    DonationConnection,
    GrantConnection,
    IncubationConnection,
    MembershipConnection,
    SinceConnection,
)
from schema.relations import link, reference, survivor_of
from schema.relay import Connection, Node
from schema.webhooks import Webhook, organization_webhook

ORGS = "schema.organizations"


@strawberry.type(
    description="One evaluation of a social organization (社会组织评估); the latest still valid "
    "is its current `rating`."
)
class OrganizationEvaluation:
    grade: Rating = strawberry.field(description="Grade 1A–5A (评估等级).")
    score: float = strawberry.field(description="Score (评估得分).")
    evaluator: str = strawberry.field(description="Who evaluated it (评估机构).")
    evaluated_on: dt.date = strawberry.field(description="When (评估日期).")
    valid_until: dt.date = strawberry.field(description="Valid until (有效期至).")

    @classmethod
    def of(cls, stored: dict[str, Any]) -> OrganizationEvaluation:
        return cls(
            grade=Rating(int(stored["grade"])),
            score=float(stored["score"]),
            evaluator=stored["evaluator"],
            evaluated_on=dt.date.fromisoformat(stored["evaluatedOn"]),
            valid_until=dt.date.fromisoformat(stored["validUntil"]),
        )


async def organization_evaluations(
    info: strawberry.Info, organization: str
) -> list[OrganizationEvaluation]:
    """An organization's evaluation history, latest first (public, as the bureau's notices)."""
    rows = await ground.organization_evaluations(info, organization)
    return [OrganizationEvaluation.of(row) for row in rows]


@entity("Organization")
@strawberry.type(
    description="An organization of the network (组织): social work agency, social organization, "
    "community group, volunteer team (小组 → 大队 → 总队), hub (公益园 / 社工站), enterprise, "
    "foundation, government office… `kind` tells which."
)
class Organization(Node):
    name: str = strawberry.field(description="Name (名称).")
    kind: OrganizationKind = strawberry.field(description="What kind of organization (类型).")
    location: Location = strawberry.field(description="Where it is based (地址坐标).")
    registration: Registration | None = strawberry.field(description="Legal standing (登记状态).")
    rating: Rating | None = strawberry.field(description="Evaluation grade (评估等级), 3A–5A.")
    team_level: TeamLevel | None = strawberry.field(
        description="For volunteer teams: group, brigade or corps (队伍层级)."
    )
    founded_on: dt.date | None = strawberry.field(
        description="Founded or registered on (成立日期)."
    )
    description: str | None = strawberry.field(description="What it does (简介).")
    phone: str | None = strawberry.field(description="Public contact line (联系电话).")
    merged_into = survivor_of("Organization")
    version: int = version_field()

    @strawberry.field(description="Its evaluations (社会组织评估), latest first: the history.")
    async def evaluations(self, info: strawberry.Info) -> list[OrganizationEvaluation]:
        return await organization_evaluations(info, self.key)

    @strawberry.field(
        description="Its webhook (url, status, failures, last delivery and error; never the "
        "secret): for the organization's own partner and administrators, null for anyone else "
        "and when it has none."
    )
    async def webhook(self, info: strawberry.Info) -> Webhook | None:
        return await organization_webhook(info, self.key)

    parent = reference(
        graph.ORG_PART_OF,
        "out",
        "The organization or team it is part of (上级: 小组 → 大队 → 总队).",
    )
    units = link(graph.ORG_PART_OF, "in", "Its sub-teams or branches (下级队伍 / 分支).")
    incubators = link(
        graph.ORG_INCUBATED_BY,
        "out",
        "Hubs that incubated, optimized or introduced it (孵化平台).",
        edges=IncubationConnection,
    )
    incubated = link(
        graph.ORG_INCUBATED_BY,
        "in",
        "For hubs: organizations it incubated, optimized or introduced (孵化 / 协助优化 / 引进).",
        edges=IncubationConnection,
    )
    members = link(
        people_graph.VOLUNTEER_MEMBER_OF,
        "in",
        "Volunteers in this team, with their role (队员).",
        edges=MembershipConnection,
    )
    staff = link(
        people_graph.WORKER_EMPLOYED_BY,
        "in",
        "Social workers it employs (社工).",
        edges=SinceConnection,
    )
    supervisors = link(
        people_graph.WORKER_SUPERVISES, "in", "Social workers supervising this team (督导社工)."
    )
    service_areas = link(graph.ORG_SERVES_AREA, "out", "Communities it serves (服务社区).")
    categories = link(graph.ORG_OF_CATEGORY, "out", "Categories of service it provides (服务类别).")
    projects = link(graph.ORG_RUNS_PROJECT, "out", "Projects it runs (项目).")
    resources = link(graph.ORG_OFFERS, "out", "Charity resources it offers (慈善资源).")
    donations = link(
        graph.ORG_DONATED,
        "out",
        "Its donations to funds, with amounts (捐赠).",
        edges=DonationConnection,
    )
    managed_funds = link(graph.FUND_MANAGED_BY, "in", "Funds it manages (管理的基金).")
    recruitments = link(
        services_graph.RECRUITMENT_RUN_BY, "out", "Volunteer recruitments it posted (招募)."
    )
    referrals_made = link(services_graph.ORG_REFERRED, "out", "Referrals it sent (转出).")
    referrals_received = link(services_graph.REFERRAL_TO, "in", "Referrals sent to it (转入).")
    advisers = link(people_graph.EXPERT_ADVISES_ORGANIZATION, "in", "Experts advising it.")


@entity("Project")
@strawberry.type(
    description="A service project or brand (项目 / 品牌), e.g. 衣物银行, 候鸟有家, 万事无忧."
)
class Project(Node):
    name: str = strawberry.field(description="Name (名称).")
    status: ProjectStatus = strawberry.field(description="Where it is (状态).")
    description: str | None = strawberry.field(description="What it does (简介).")
    start_date: dt.date | None = strawberry.field(description="Start (开始日期).")
    end_date: dt.date | None = strawberry.field(description="End (结束日期).")
    budget: Decimal | None = strawberry.field(description="Budget in yuan (预算, 元).")
    version: int = version_field()

    run_by = link(graph.ORG_RUNS_PROJECT, "in", "Organizations running it (实施机构).")
    funders = link(
        graph.FUND_GRANTED,
        "in",
        "Funds that granted it money, with amounts and dates (资助方).",
        edges=GrantConnection,
    )
    categories = link(graph.PROJECT_OF_CATEGORY, "out", "Service categories (服务类别).")
    target_communities = link(graph.PROJECT_TARGETS, "out", "Communities it serves (服务社区).")
    parent = reference(graph.PROJECT_PART_OF, "out", "The project it grew from (母项目).")
    sub_projects = link(graph.PROJECT_PART_OF, "in", "Sub-projects (子项目).")
    advisers = link(people_graph.EXPERT_ADVISES_PROJECT, "in", "Experts advising it.")
    service_records = link(services_graph.RECORD_PART_OF, "in", "Services delivered under it.")
    recruitments = link(services_graph.RECRUITMENT_FOR, "in", "Recruitments for it.")


@strawberry.type(description="Money in and out of a fund (元). The balance is derived from them.")
class FundMoney:
    donated: Decimal = strawberry.field(description="Total donated into the fund (累计捐入).")
    granted: Decimal = strawberry.field(description="Total granted out (累计资助).")
    balance: Decimal = strawberry.field(description="What is left to grant (余额).")


@entity("Fund")
@strawberry.type(
    description="A fund (基金): community fund (社区基金), seed fund (种子资金), venture "
    "philanthropy round (公益创投), government purchase (政府购买服务)… Money comes in as "
    "donations and goes out as grants to projects."
)
class Fund(Node):
    name: str = strawberry.field(description="Name (名称).")
    kind: FundKind = strawberry.field(description="What kind of fund (类型).")
    established_on: dt.date | None = strawberry.field(description="Set up on (设立日期).")
    description: str | None = strawberry.field(description="Purpose (宗旨).")
    version: int = version_field()

    @strawberry.field(description="Donated, granted and balance, in yuan.")
    async def money(self, info: strawberry.Info) -> FundMoney:
        totals = await resolve.fund_totals(info, self.key)
        return FundMoney(
            donated=yuan(totals.donated_fen),  # type: ignore[arg-type]
            granted=yuan(totals.granted_fen),  # type: ignore[arg-type]
            balance=yuan(totals.balance_fen),  # type: ignore[arg-type]
        )

    managed_by = reference(graph.FUND_MANAGED_BY, "out", "Who manages it (管理方).")
    grants = link(
        graph.FUND_GRANTED,
        "out",
        "Projects it funded, with amounts and dates (资助项目).",
        edges=GrantConnection,
    )
    donors = link(
        graph.ORG_DONATED,
        "in",
        "Donations received, with amounts (捐赠方).",
        edges=DonationConnection,
    )
    scope_communities = link(
        graph.FUND_COVERS_COMMUNITY, "out", "Communities in its scope (覆盖社区)."
    )
    scope_districts = link(
        graph.FUND_COVERS_DISTRICT, "out", "Whole districts in its scope (覆盖街道)."
    )
    categories = link(graph.FUND_OF_CATEGORY, "out", "Service categories it supports (资助领域).")


@entity("ThinkTank")
@strawberry.type(description="An expert think tank (智库), e.g. 龙洞街道社区治理智库.")
class ThinkTank(Node):
    name: str = strawberry.field(description="Name (名称).")
    founded_on: dt.date | None = strawberry.field(description="Set up on (成立日期).")
    description: str | None = strawberry.field(description="What it does (简介).")
    version: int = version_field()

    managed_by = reference(
        graph.THINK_TANK_MANAGED_BY, "out", "The station or hub running it (运营方)."
    )
    experts = link(people_graph.EXPERT_PART_OF, "in", "Its experts (专家).", edges=SinceConnection)
    advises = link(graph.THINK_TANK_ADVISES, "out", "Districts it advises.")


@entity("Resource")
@strawberry.type(
    description="A charity resource on offer (慈善资源): goods, venue time, money or service "
    "places, from the charity resource library (慈善资源库)."
)
class Resource(Node):
    name: str = strawberry.field(description="Name (名称).")
    kind: ResourceKind = strawberry.field(description="What it is (类型).")
    quantity: int = strawberry.field(description="How much was offered, in `unit` (数量).")
    unit: str = strawberry.field(description="Unit (单位), e.g. 件, 小时, 次.")
    available_from: dt.date | None = strawberry.field(description="Offered from (起始日期).")
    available_until: dt.date | None = strawberry.field(description="Offered until (截止日期).")
    description: str | None = strawberry.field(description="Details (说明).")
    version: int = version_field()

    @strawberry.field(description="What is left to allocate (剩余), in `unit`.")
    async def remaining(self, info: strawberry.Info) -> int:
        return self.quantity - await resolve.resource_allocated(info, self.key)

    offered_by = link(graph.ORG_OFFERS, "in", "Who offers it (提供方).")
    categories = link(graph.RESOURCE_OF_CATEGORY, "out", "Service categories it helps (服务类别).")
    venue = reference(graph.RESOURCE_LOCATED_AT, "out", "Where, for venue time (场地).")
    allocations = link(
        services_graph.RESOURCE_ALLOCATED_TO,
        "out",
        "Needs it was allocated to, with quantities (分配记录).",
        edges=AllocationConnection,
    )


@entity("Venue")
@strawberry.type(description="A venue (场地): service centre room, square, activity room.")
class Venue(Node):
    name: str = strawberry.field(description="Name (名称).")
    location: Location = strawberry.field(description="Where it is (位置).")
    area_sqm: int | None = strawberry.field(description="Floor area in m² (面积).")
    capacity: int | None = strawberry.field(description="People it holds (容纳人数).")
    description: str | None = strawberry.field(description="Details (说明).")
    check_in_radius_meters: int | None = strawberry.field(
        description="How far from its point a location check-in counts (签到半径, 50–5000 m); "
        "unset means 300 m."
    )
    version: int = version_field()

    community = reference(graph.VENUE_IN, "out", "Community it is in.")
    managed_by = reference(graph.VENUE_MANAGED_BY, "out", "Who runs it (管理方).")


@strawberry.input(description="Filters for organizations.")
class OrganizationFilter:
    kind: list[OrganizationKind] | None = optional("Any of these kinds.")
    registration: list[Registration] | None = optional("Any of these standings.")
    rating_min: Rating | None = optional("At least this grade.")
    incubated_by: strawberry.ID | None = optional("Incubated, optimized or introduced by this hub.")
    part_of: strawberry.ID | None = optional(
        "Under this organization (sub-teams at any depth up to 3)."
    )
    community: strawberry.ID | None = optional("Serves it.")
    district: strawberry.ID | None = optional("Serves a community of it.")
    category: strawberry.ID | None = optional("Provides this category or a narrower one.")
    near: NearInput | None = optional("Based within a radius.")


@strawberry.input(description="Filters for projects.")
class ProjectFilter:
    status: list[ProjectStatus] | None = optional("Any of these.")
    category: strawberry.ID | None = optional("In this category or a narrower one.")
    community: strawberry.ID | None = optional("Targets it.")
    district: strawberry.ID | None = optional("Targets a community of it.")
    run_by: strawberry.ID | None = optional("Run by it.")
    funded_by: strawberry.ID | None = optional("Granted by this fund.")


@strawberry.input(description="Filters for funds.")
class FundFilter:
    kind: list[FundKind] | None = optional("Any of these kinds.")
    community: strawberry.ID | None = optional(
        "Its scope covers this community (directly or via its district)."
    )
    district: strawberry.ID | None = optional(
        "Its scope covers this district or one of its communities."
    )
    category: strawberry.ID | None = optional(
        "Supports this category (or a broader one that contains it)."
    )
    managed_by: strawberry.ID | None = optional("Managed by it.")


@strawberry.input(description="Filters for think tanks (none yet besides search).")
class ThinkTankFilter:
    name: str | None = optional("Unused; reserved.")


@strawberry.input(description="Filters for resources.")
class ResourceFilter:
    kind: list[ResourceKind] | None = optional("Any of these kinds.")
    category: strawberry.ID | None = optional("Helps this category or a narrower one.")
    offered_by: strawberry.ID | None = optional("Offered by it.")
    available_on: dt.date | None = optional("On offer that day.")


@strawberry.input(description="Filters for venues.")
class VenueFilter:
    community: strawberry.ID | None = optional("In it.")
    capacity_min: int | None = optional("Holds at least this many.")
    near: NearInput | None = optional("Within a radius.")


@strawberry.type
class OrganizationsQuery:
    organizations = root_list(
        "Organization",
        OrganizationFilter,
        resolve.organization_where,
        Connection[lazy("Organization", ORGS)],
        "Organizations of every kind, volunteer teams and hubs included (组织).",
    )
    projects = root_list(
        "Project",
        ProjectFilter,
        resolve.project_where,
        Connection[lazy("Project", ORGS)],
        "Service projects and brands (项目).",
    )
    funds = root_list(
        "Fund",
        FundFilter,
        resolve.fund_where,
        Connection[lazy("Fund", ORGS)],
        "Funds (基金 / 公益创投 / 种子资金).",
    )
    think_tanks = root_list(
        "ThinkTank",
        ThinkTankFilter,
        resolve.think_tank_where,
        Connection[lazy("ThinkTank", ORGS)],
        "Expert think tanks (智库).",
    )
    resources = root_list(
        "Resource",
        ResourceFilter,
        resolve.resource_where,
        Connection[lazy("Resource", ORGS)],
        "Charity resources on offer (慈善资源库).",
    )
    venues = root_list(
        "Venue",
        VenueFilter,
        resolve.venue_where,
        Connection[lazy("Venue", ORGS)],
        "Venues (场地).",
    )
