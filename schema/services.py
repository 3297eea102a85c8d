"""The work itself: needs (需求), recruitments (招募), service records (服务记录),
referrals (转介)."""

from __future__ import annotations

import datetime as dt

import strawberry

from graph.model import services as graph
from resolvers import services as resolve
from schema.base import entity
from schema.enums import (
    NeedSource,
    NeedStatus,
    RecruitmentStatus,
    ReferralStatus,
    TimeBankEntryKind,
    Urgency,
    WeeklySlot,
)
from schema.fields import lazy, root_list
from schema.inputs import optional
from schema.links import (
    AllocationConnection,
    AssignmentConnection,
    DeclineConnection,
    SignUpConnection,
    VerificationConnection,
)
from schema.relations import link, reference
from schema.relay import Connection, Node

SERVICES = "schema.services"


@entity("Need")
@strawberry.type(
    description="One need of a resident (需求), e.g. a weekly visit, a home haircut, help to see "
    "a doctor. Found by surveys and home visits; matched to volunteers (供需配对)."
)
class Need(Node):
    title: str = strawberry.field(description="Short description (需求概要), e.g. 每周探访.")
    status: NeedStatus = strawberry.field(description="Where it is (状态).")
    urgency: Urgency = strawberry.field(description="How urgent (紧急程度).")
    source: NeedSource | None = strawberry.field(description="How it became known (来源).")
    description: str | None = strawberry.field(description="Details for the visit (详情).")
    headcount: int = strawberry.field(
        description="Volunteers needed at once: 2 for a pair, more for a small team (所需人数)."
    )
    slots: list[WeeklySlot] = strawberry.field(description="Weekly slots it recurs in (服务时段).")
    one_off_at: dt.datetime | None = strawberry.field(
        description="For a one-off service: when (单次服务时间)."
    )
    duration_minutes: int = strawberry.field(description="Length of one service, minutes (时长).")
    language_required: bool = strawberry.field(
        description="The volunteer must speak one of the resident's languages (语言要求)."
    )
    created_at: dt.datetime | None = strawberry.field(description="Reported at (登记时间).")
    closing_note: str | None = strawberry.field(description="Why it was closed or cancelled.")
    closed_at: dt.datetime | None = strawberry.field(description="Closed at (结案时间).")

    resident = reference(graph.RESIDENT_HAS_NEED, "in", "Whose need it is (服务对象).")
    community = reference(graph.NEED_IN, "out", "The resident's community (所在社区).")
    category = reference(graph.NEED_OF_CATEGORY, "out", "Category of service (服务类别).")
    required_skills = link(
        graph.NEED_REQUIRES,
        "out",
        "Skills it requires; a narrower skill also qualifies (所需专长).",
    )
    assignees = link(
        graph.VOLUNTEER_ASSIGNED,
        "in",
        "Volunteers assigned (已指派义工).",
        edges=AssignmentConnection,
    )
    service_records = link(graph.RECORD_FOR, "in", "Services delivered for it (服务记录).")
    referrals = link(graph.REFERRAL_ABOUT, "in", "Referrals about it (转介).")
    allocations = link(
        graph.RESOURCE_ALLOCATED_TO,
        "in",
        "Resources allocated to it (分配的资源).",
        edges=AllocationConnection,
    )


@entity("Recruitment")
@strawberry.type(description="A call for volunteers with a capacity (义工招募).")
class Recruitment(Node):
    title: str = strawberry.field(description="Title (标题).")
    capacity: int = strawberry.field(description="How many volunteers it takes (名额).")
    status: RecruitmentStatus = strawberry.field(description="Taking sign-ups or not (状态).")
    starts_at: dt.datetime | None = strawberry.field(description="Starts at (开始时间).")
    ends_at: dt.datetime | None = strawberry.field(description="Ends at (结束时间).")
    place: str | None = strawberry.field(description="Where, as written (地点).")
    description: str | None = strawberry.field(description="What volunteers will do (内容).")

    posted_by = reference(graph.RECRUITMENT_RUN_BY, "in", "Organization that posted it (发布方).")
    project = reference(graph.RECRUITMENT_FOR, "out", "Project it is for.")
    community = reference(graph.RECRUITMENT_IN, "out", "Where (社区).")
    venue = reference(graph.RECRUITMENT_LOCATED_AT, "out", "Venue (场地).")
    required_skills = link(graph.RECRUITMENT_REQUIRES, "out", "Skills wanted (所需专长).")
    sign_ups = link(
        graph.VOLUNTEER_SIGNED_UP, "in", "Volunteers who signed up (报名).", edges=SignUpConnection
    )
    service_records = link(
        graph.RECORD_AT, "in", "Hours proposed from attendance (签到签退生成的服务记录)."
    )


@entity("ServiceRecord")
@strawberry.type(
    description="A delivered service (服务记录): who served, for which need, how long. Verified "
    "records count toward star levels and the time bank."
)
class ServiceRecord(Node):
    title: str | None = strawberry.field(description="What was done (服务内容).")
    date: dt.date = strawberry.field(description="Day of service (服务日期).")
    beneficiaries: int = strawberry.field(description="People served (服务人次).")
    rating: int | None = strawberry.field(description="Quality rating 1–5 (服务评价).")
    note: str | None = strawberry.field(description="Notes (备注).")
    decline_reason: str | None = strawberry.field(
        description="Why a social worker declined it (退回理由), read as the note is."
    )
    minutes: strawberry.Private[int]

    @strawberry.field(description="Hours of service (服务时数).")
    def hours(self) -> float:
        return round((self.minutes or 0) / 60, 2)

    volunteer = reference(graph.VOLUNTEER_PERFORMED, "in", "Who served (义工).")
    need = reference(graph.RECORD_FOR, "out", "The need served (需求).")
    category = reference(graph.RECORD_OF_CATEGORY, "out", "Category (服务类别).")
    project = reference(graph.RECORD_PART_OF, "out", "Project (所属项目).")
    recruitment = reference(
        graph.RECORD_AT, "out", "The recruitment whose attendance proposed it (活动)."
    )
    verifications = link(
        graph.WORKER_VERIFIED,
        "in",
        "Social workers who verified it (核实); empty while unverified.",
        edges=VerificationConnection,
    )
    declines = link(
        graph.WORKER_DECLINED,
        "in",
        "The social worker who declined it, and why (退回); its hours never count.",
        edges=DeclineConnection,
    )


@entity("Referral")
@strawberry.type(
    description="A need referred from one organization to another (转介), tracked until the "
    "receiver reports the outcome (闭环)."
)
class Referral(Node):
    status: ReferralStatus = strawberry.field(description="Where it is (状态).")
    reason: str | None = strawberry.field(description="Why it was referred (转介原因).")
    created_at: dt.datetime | None = strawberry.field(description="Sent at (转介时间).")
    responded_at: dt.datetime | None = strawberry.field(description="Accepted or declined at.")
    completed_at: dt.datetime | None = strawberry.field(description="Completed at (完成时间).")
    outcome: str | None = strawberry.field(description="Outcome reported (服务结果).")

    from_organization = reference(graph.ORG_REFERRED, "in", "Who referred (转出方).")
    to_organization = reference(graph.REFERRAL_TO, "out", "Who receives it (接收方).")
    need = reference(graph.REFERRAL_ABOUT, "out", "The need (需求).")


@entity("TimeBankEntry")
@strawberry.type(
    description="One line of a volunteer's time bank (时间银行): hours earned by verified "
    "service, or spent on services for themselves or family. The ledger is append-only, and it "
    "adds up to the volunteer's balance, so it is read by those who may read the balance."
)
class TimeBankEntry(Node):
    kind: TimeBankEntryKind = strawberry.field(description="Earned or spent (存入/支取).")
    at: dt.datetime = strawberry.field(description="When it was booked (记账时间).")
    note: str | None = strawberry.field(
        description="Note (备注): may be about the person served. Personal information (PII)."
    )
    minutes: strawberry.Private[int]

    @strawberry.field(description="Hours: positive when earned, negative when spent (时数).")
    def hours(self) -> float | None:
        return round(self.minutes / 60, 2)

    volunteer = reference(graph.VOLUNTEER_HOLDS, "in", "Whose ledger (义工).")
    earned_by = reference(graph.ENTRY_EARNED_BY, "out", "The verified service that earned it.")
    spent_on = reference(graph.ENTRY_SPENT_ON, "out", "The need it paid for.")


@strawberry.input(description="Filters for time-bank entries.")
class TimeBankEntryFilter:
    volunteer: strawberry.ID | None = optional("In this volunteer's ledger.")
    kind: list[TimeBankEntryKind] | None = optional("Any of these.")


@strawberry.input(description="Filters for needs.")
class NeedFilter:
    status: list[NeedStatus] | None = optional("Any of these.")
    urgency: list[Urgency] | None = optional("Any of these.")
    category: strawberry.ID | None = optional("In this category or a narrower one.")
    skill: strawberry.ID | None = optional("Requires this skill.")
    community: strawberry.ID | None = optional("In this community.")
    district: strawberry.ID | None = optional("In this district.")
    resident: strawberry.ID | None = optional("Of this resident.")
    slot: WeeklySlot | None = optional("Recurs in this slot.")
    created_from: dt.datetime | None = optional("Reported at or after.")
    created_to: dt.datetime | None = optional("Reported before.")


@strawberry.input(description="Filters for recruitments.")
class RecruitmentFilter:
    status: list[RecruitmentStatus] | None = optional("Any of these.")
    community: strawberry.ID | None = optional("Held in it.")
    organization: strawberry.ID | None = optional("Posted by it.")
    skill: strawberry.ID | None = optional(
        "A volunteer with this skill qualifies (wanted skill or broader)."
    )
    starts_from: dt.datetime | None = optional("Starting at or after.")
    starts_to: dt.datetime | None = optional("Starting before.")


@strawberry.input(description="Filters for service records.")
class ServiceRecordFilter:
    volunteer: strawberry.ID | None = optional("By this volunteer.")
    need: strawberry.ID | None = optional("For this need.")
    project: strawberry.ID | None = optional("Under this project.")
    category: strawberry.ID | None = optional("In this category or a narrower one.")
    community: strawberry.ID | None = optional("For needs in this community.")
    verified: bool | None = optional("true: verified only; false: awaiting verification only.")
    date_from: dt.date | None = optional("On or after.")
    date_to: dt.date | None = optional("On or before.")


@strawberry.input(description="Filters for referrals.")
class ReferralFilter:
    status: list[ReferralStatus] | None = optional("Any of these.")
    from_organization: strawberry.ID | None = optional("Sent by it.")
    to_organization: strawberry.ID | None = optional("Sent to it.")
    need: strawberry.ID | None = optional("About this need.")


@strawberry.type
class ServicesQuery:
    needs = root_list(
        "Need",
        NeedFilter,
        resolve.need_where,
        Connection[lazy("Need", SERVICES)],
        "Needs of residents (需求). Search looks in their titles.",
    )
    recruitments = root_list(
        "Recruitment",
        RecruitmentFilter,
        resolve.recruitment_where,
        Connection[lazy("Recruitment", SERVICES)],
        "Volunteer recruitments (义工招募).",
    )
    service_records = root_list(
        "ServiceRecord",
        ServiceRecordFilter,
        resolve.service_record_where,
        Connection[lazy("ServiceRecord", SERVICES)],
        "Delivered services (服务记录).",
        searchable=False,
    )
    time_bank_entries = root_list(
        "TimeBankEntry",
        TimeBankEntryFilter,
        resolve.time_bank_entry_where,
        Connection[lazy("TimeBankEntry", SERVICES)],
        "Time-bank ledger entries (时间银行流水).",
        searchable=False,
    )
    referrals = root_list(
        "Referral",
        ReferralFilter,
        resolve.referral_where,
        Connection[lazy("Referral", SERVICES)],
        "Referrals between organizations (转介).",
        searchable=False,
    )
