"""Edges that carry the properties of the relationship they follow (role, level, amount, date).

Each is generic in the node type, so a volunteer's teams and a team's volunteers share one edge
shape (``OrganizationMembershipEdge`` / ``VolunteerMembershipEdge``). Each edge has its page,
``<Name>Connection``, made by :func:`_connection` alike for all.
"""

from __future__ import annotations

import datetime as dt
import types
from decimal import Decimal
from typing import Any, Generic, TypeVar

import strawberry

from schema.enums import IncubationStage, MemberRole, SignUpStatus, SkillLevel, WeeklySlot
from schema.relay import Edge, PageInfo

T = TypeVar("T")


EDGES = "The items of this page, with cursors and the relationship's properties."
PAGE_INFO = "How to get the next or previous page."
TOTAL = "How many items the whole list holds."


@strawberry.type(description="A skill held, with how well (拥有专长 HAS_SKILL).")
class ProficiencyEdge(Edge[T]):
    level: SkillLevel | None = strawberry.field(description="Mastery (水平).")
    certified: bool | None = strawberry.field(description="Holds a certificate for it (持证).")


@strawberry.type(description="Membership of a team or organization (成员 MEMBER_OF).")
class MembershipEdge(Edge[T]):
    role: MemberRole | None = strawberry.field(description="Role in the team (角色).")
    since: dt.date | None = strawberry.field(description="Member since (加入日期).")


@strawberry.type(description="A hub's support of an organization (孵化 INCUBATED_BY).")
class IncubationEdge(Edge[T]):
    stage: IncubationStage | None = strawberry.field(
        description="How the hub supports it (孵化方式)."
    )
    since: dt.date | None = strawberry.field(description="Since when (入园日期).")


@strawberry.type(description="A grant from a fund to a project (资助 GRANTED).")
class GrantEdge(Edge[T]):
    amount: Decimal | None = strawberry.field(description="Amount in yuan (金额, 元).")
    date: dt.date | None = strawberry.field(description="Date granted (资助日期).")
    award: str | None = strawberry.field(description="Award or round name (奖项 / 批次).")


@strawberry.type(description="A donation to a fund (捐赠 DONATED).")
class DonationEdge(Edge[T]):
    amount: Decimal | None = strawberry.field(description="Amount in yuan (金额, 元).")
    date: dt.date | None = strawberry.field(description="Date of the donation (捐赠日期).")
    note: str | None = strawberry.field(description="What it was for (备注).")


@strawberry.type(description="A volunteer assigned to a need (指派 ASSIGNED).")
class AssignmentEdge(Edge[T]):
    since: dt.datetime | None = strawberry.field(description="Assigned at (指派时间).")
    by: str | None = strawberry.field(description="Key of who assigned (指派人).")
    slots: list[WeeklySlot] | None = strawberry.field(
        description="The need's slots this volunteer takes (null: all of them)."
    )


@strawberry.type(description="A volunteer's sign-up to a recruitment (报名 SIGNED_UP).")
class SignUpEdge(Edge[T]):
    at: dt.datetime | None = strawberry.field(description="Signed up at (报名时间).")
    status: SignUpStatus | None = strawberry.field(description="Sign-up status (报名状态).")
    checked_in_at: dt.datetime | None = strawberry.field(description="Checked in at (签到时间).")
    check_in_by: str | None = strawberry.field(description="How: CODE or LOCATION (签到方式).")
    checked_out_at: dt.datetime | None = strawberry.field(description="Checked out at (签退).")
    minutes: int | None = strawberry.field(description="Minutes attended, start to end at most.")
    attendance: str | None = strawberry.field(
        description="CHECKED_IN, ATTENDED or NO_SHOW (marked after the activity) (出勤)."
    )


@strawberry.type(description="A service record verified by a social worker (核实 VERIFIED).")
class VerificationEdge(Edge[T]):
    at: dt.datetime | None = strawberry.field(description="Verified at (核实时间).")


@strawberry.type(description="A service record declined by a social worker (退回 DECLINED).")
class DeclineEdge(Edge[T]):
    at: dt.datetime | None = strawberry.field(description="Declined at (退回时间).")


@strawberry.type(description="A resource allocated to a need (分配 ALLOCATED_TO).")
class AllocationEdge(Edge[T]):
    quantity: int | None = strawberry.field(description="How much, in the resource's unit (数量).")
    at: dt.datetime | None = strawberry.field(description="Allocated at (分配时间).")


@strawberry.type(description="A role with a start date (EMPLOYED_BY, CASE_MANAGER_OF, PART_OF).")
class SinceEdge(Edge[T]):
    since: dt.date | None = strawberry.field(description="Since when (起始日期).")


@strawberry.type(description="A page of related items; edges carry the relationship's properties.")
class LinkConnection(Generic[T]):
    page_info: PageInfo = strawberry.field(description=PAGE_INFO)
    total_count: int | None = strawberry.field(description=TOTAL)

    @strawberry.field(description="The items of this page without cursors (shortcut for edges).")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]  # type: ignore[attr-defined]


def _connection(edge: type, description: str) -> type:
    """The page of ``edge``s (``ProficiencyEdge`` -> ``ProficiencyConnection``): the shared
    ``LinkConnection`` with edges of that class, registered in :data:`EDGE_OF`."""
    name = edge.__name__.removesuffix("Edge") + "Connection"

    def body(namespace: dict[str, Any]) -> None:
        namespace.update(
            __module__=__name__,
            __qualname__=name,
            __annotations__={"edges": list[edge[T]]},  # type: ignore[index]
            edges=strawberry.field(description=EDGES),
        )

    cls = strawberry.type(
        types.new_class(name, (LinkConnection[T],), {}, body), description=description
    )
    EDGE_OF[cls] = edge
    return cls


# The edge class each connection class pages over (what resolvers instantiate).
EDGE_OF: dict[type, type] = {}

ProficiencyConnection = _connection(ProficiencyEdge, "A page of skills held, with levels.")
MembershipConnection = _connection(MembershipEdge, "A page of memberships.")
IncubationConnection = _connection(IncubationEdge, "A page of incubation links.")
GrantConnection = _connection(GrantEdge, "A page of grants, with amounts.")
DonationConnection = _connection(DonationEdge, "A page of donations, with amounts.")
AssignmentConnection = _connection(AssignmentEdge, "A page of assignments.")
SignUpConnection = _connection(SignUpEdge, "A page of sign-ups.")
VerificationConnection = _connection(VerificationEdge, "A page of verifications.")
DeclineConnection = _connection(DeclineEdge, "A page of declines.")
AllocationConnection = _connection(AllocationEdge, "A page of allocations.")
SinceConnection = _connection(SinceEdge, "A page of dated links.")
