"""The workflows as mutations: needs, assignment, recruitment, service hours and the time bank,
resources, referrals and money.

Every mutation is one guarded graph statement (``graph/workflows.py``): it either happens whole
or changes nothing and answers ``BAD_USER_INPUT``, ``NOT_FOUND`` or ``CONFLICT``. Every mutation
takes an ``idempotencyKey``: a retry with the same key and the same arguments acts once and
answers with the entity as it is now (``replayed: true``); the same key with other arguments is a
``CONFLICT``.

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

import strawberry

from access.acts import Act
from resolvers import workflows as resolve
from schema.enums import NeedSource, ResourceKind, Urgency, WeeklySlot
from schema.permissions import may

SERVICES = "schema.services"
ORGS = "schema.organizations"

KEY = Annotated[
    str | None,
    strawberry.argument(
        description="Any unique string (a UUID): a retry with the same key acts only once."
    ),
]


def _payload(label: str, module: str, field: str, description: str) -> type:
    """A mutation's answer: the entity it acted on, and whether this was a replayed retry."""

    async def resolver(root: Any, info: strawberry.Info) -> Any:
        return await resolve.entity(info, label, root.key)

    resolver.__annotations__["return"] = Annotated[label, strawberry.lazy(module)]

    namespace = {
        "__annotations__": {"key": strawberry.Private[str], "replayed": bool},
        "replayed": strawberry.field(
            description="True when this answers a retry of an earlier request (same key)."
        ),
        field: strawberry.field(resolver=resolver, description="The entity, as it is now."),
    }
    cls = type(f"{label}Payload", (), namespace)
    return strawberry.type(cls, description=description)


NeedPayload = _payload("Need", SERVICES, "need", "The need a workflow step acted on.")
RecruitmentPayload = _payload(
    "Recruitment", SERVICES, "recruitment", "The recruitment a step acted on."
)
ServiceRecordPayload = _payload(
    "ServiceRecord", SERVICES, "service_record", "The service record a step acted on."
)
TimeBankEntryPayload = _payload(
    "TimeBankEntry", SERVICES, "entry", "The time-bank entry a step wrote."
)
ResourcePayload = _payload("Resource", ORGS, "resource", "The resource a step acted on.")
ReferralPayload = _payload("Referral", SERVICES, "referral", "The referral a step acted on.")
FundPayload = _payload("Fund", ORGS, "fund", "The fund a step acted on.")


@strawberry.input(description="A need found by a survey, a home visit or a referral.")
class ReportNeedInput:
    resident_id: strawberry.ID = strawberry.field(description="Whose need (服务对象).")
    category_id: strawberry.ID = strawberry.field(description="Its service category.")
    title: str = strawberry.field(description="Short description, 1–200 characters.")
    skill_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Skills it requires; none means any skill of its category.",
    )
    description: str | None = strawberry.field(default=None, description="Details for the visit.")
    urgency: Urgency = strawberry.field(default=Urgency.NORMAL, description="How urgent.")
    source: NeedSource | None = strawberry.field(default=None, description="How it became known.")
    slots: list[WeeklySlot] = strawberry.field(
        default_factory=list, description="Weekly slots it recurs in (or give oneOffAt)."
    )
    one_off_at: dt.datetime | None = strawberry.field(
        default=None, description="For a one-off service: when (or give slots)."
    )
    duration_minutes: int = strawberry.field(default=60, description="Length, 15–720 minutes.")
    headcount: int = strawberry.field(default=1, description="Volunteers needed at once, 1–20.")
    language_required: bool = strawberry.field(
        default=False, description="The volunteer must speak one of the resident's languages."
    )


@strawberry.input(description="Changes to a need; fields left out stay as they are.")
class UpdateNeedInput:
    title: str | None = strawberry.field(default=None, description="Short description.")
    description: str | None = strawberry.field(default=None, description="Details.")
    urgency: Urgency | None = strawberry.field(default=None, description="How urgent.")
    slots: list[WeeklySlot] | None = strawberry.field(
        default=None, description="New weekly slots (clears a one-off time)."
    )
    one_off_at: dt.datetime | None = strawberry.field(
        default=None, description="New one-off time (clears weekly slots)."
    )
    duration_minutes: int | None = strawberry.field(default=None, description="Length, minutes.")
    headcount: int | None = strawberry.field(default=None, description="Volunteers needed.")
    language_required: bool | None = strawberry.field(
        default=None, description="Whether a common language is required."
    )


@strawberry.input(description="One volunteer to assign, and optionally the slots they take.")
class AssignmentInput:
    volunteer_id: strawberry.ID = strawberry.field(description="The volunteer.")
    slots: list[WeeklySlot] | None = strawberry.field(
        default=None,
        description="Slots they take; default: every slot of the need they are free in.",
    )


@strawberry.input(description="A call for volunteers (招募).")
class PostRecruitmentInput:
    organization_id: strawberry.ID = strawberry.field(description="Who posts it.")
    title: str = strawberry.field(description="Title, 1–200 characters.")
    capacity: int = strawberry.field(description="Places, 1–10000.")
    starts_at: dt.datetime = strawberry.field(description="Start.")
    ends_at: dt.datetime = strawberry.field(description="End, after the start.")
    community_id: strawberry.ID | None = strawberry.field(default=None, description="Where.")
    venue_id: strawberry.ID | None = strawberry.field(default=None, description="Which venue.")
    project_id: strawberry.ID | None = strawberry.field(default=None, description="For a project.")
    skill_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Skills wanted."
    )
    place: str | None = strawberry.field(default=None, description="Where, in words.")
    description: str | None = strawberry.field(default=None, description="Details.")


@strawberry.input(description="A service delivered (服务记录), to be verified by a social worker.")
class RecordServiceInput:
    volunteer_id: strawberry.ID = strawberry.field(description="Who served.")
    date: dt.date = strawberry.field(description="When (not in the future).")
    hours: Decimal = strawberry.field(description="How long, more than 0 and at most 24 hours.")
    need_id: strawberry.ID | None = strawberry.field(
        default=None, description="The need served (the volunteer must be assigned to it)."
    )
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Service category (default: the need's)."
    )
    project_id: strawberry.ID | None = strawberry.field(
        default=None, description="Under a project."
    )
    beneficiaries: int = strawberry.field(default=1, description="People served, 1–10000.")
    rating: int | None = strawberry.field(default=None, description="Rating 1–5.")
    note: str | None = strawberry.field(default=None, description="Note.")


@strawberry.input(description="Goods, venue time, money or service slots an organization offers.")
class OfferResourceInput:
    organization_id: strawberry.ID = strawberry.field(description="Who offers it.")
    name: str = strawberry.field(description="Name, 1–200 characters.")
    kind: ResourceKind = strawberry.field(description="What it is.")
    quantity: int = strawberry.field(description="How much, 1–100000000, in `unit`.")
    unit: str = strawberry.field(description="Unit (件, 小时, 次…).")
    category_ids: list[strawberry.ID] = strawberry.field(description="Categories it serves (1+).")
    venue_id: strawberry.ID | None = strawberry.field(default=None, description="Where it is.")
    available_from: dt.date | None = strawberry.field(default=None, description="From.")
    available_until: dt.date | None = strawberry.field(default=None, description="Until.")
    description: str | None = strawberry.field(default=None, description="Details.")


@strawberry.input(
    description="What changes about an offered resource; fields left out keep their value."
)
class UpdateResourceInput:
    name: str | None = strawberry.field(default=None, description="Name, 1–200 characters.")
    quantity: int | None = strawberry.field(
        default=None,
        description="Total offered, 1–100000000; never below what is already allocated.",
    )
    available_from: dt.date | None = strawberry.field(default=None, description="From.")
    available_until: dt.date | None = strawberry.field(
        default=None, description="Until; a past date withdraws what is left."
    )
    description: str | None = strawberry.field(default=None, description="Details.")


@strawberry.type(description="Workflow steps (each atomic; see the type descriptions).")
class Mutation:
    @strawberry.mutation(
        extensions=may(Act.CASEWORK, "Resident", "input.resident_id"),
        description="Report a need for a resident (登记需求).",
    )
    async def report_need(
        self,
        info: strawberry.Info,
        input: Annotated[ReportNeedInput, strawberry.argument(description="What to record.")],
        idempotency_key: KEY = None,
    ) -> NeedPayload:  # type: ignore[valid-type]
        return await resolve.report_need(info, input, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.CASEWORK, "Need", "id"),
        description="Change a need that is still being served.",
    )
    async def update_need(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The need.")],
        input: Annotated[UpdateNeedInput, strawberry.argument(description="What to record.")],
        idempotency_key: KEY = None,
    ) -> NeedPayload:  # type: ignore[valid-type]
        return await resolve.update_need(info, id, input, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.CASEWORK, "Need", "id"),
        description="Cancel a need (取消); its volunteers are freed.",
    )
    async def cancel_need(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The need.")],
        reason: Annotated[str | None, strawberry.argument(description="Why.")] = None,
        idempotency_key: KEY = None,
    ) -> NeedPayload:  # type: ignore[valid-type]
        return await resolve.set_need_status(info, id, "CANCELLED", reason, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.CASEWORK, "Need", "id"),
        description="Close a need that has been met (结案).",
    )
    async def close_need(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The need.")],
        note: Annotated[str | None, strawberry.argument(description="Closing note.")] = None,
        idempotency_key: KEY = None,
    ) -> NeedPayload:  # type: ignore[valid-type]
        return await resolve.set_need_status(info, id, "CLOSED", note, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.CASEWORK, "Need", "need_id"),
        description="Assign volunteers to a need (派单). Eligibility is checked again at write "
        "time; a volunteer is never double-booked in a slot and a need never gets more "
        "volunteers than its headcount in a slot. All or none are assigned.",
    )
    async def assign_volunteers(
        self,
        info: strawberry.Info,
        need_id: Annotated[strawberry.ID, strawberry.argument(description="The need.")],
        volunteers: Annotated[
            list[AssignmentInput], strawberry.argument(description="1–20 volunteers.")
        ],
        idempotency_key: KEY = None,
    ) -> NeedPayload:  # type: ignore[valid-type]
        return await resolve.assign(info, need_id, volunteers, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.VOLUNTEER_SELF, "Need", "need_id", volunteer="volunteer_id"),
        description="Take a volunteer off a need.",
    )
    async def unassign_volunteer(
        self,
        info: strawberry.Info,
        need_id: Annotated[strawberry.ID, strawberry.argument(description="The need.")],
        volunteer_id: Annotated[strawberry.ID, strawberry.argument(description="The volunteer.")],
        idempotency_key: KEY = None,
    ) -> NeedPayload:  # type: ignore[valid-type]
        return await resolve.unassign(info, need_id, volunteer_id, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.ORGANIZATION, organization="input.organization_id"),
        description="Post a recruitment with a capacity (发布招募).",
    )
    async def post_recruitment(
        self,
        info: strawberry.Info,
        input: Annotated[PostRecruitmentInput, strawberry.argument(description="What to record.")],
        idempotency_key: KEY = None,
    ) -> RecruitmentPayload:  # type: ignore[valid-type]
        return await resolve.post_recruitment(info, input, idempotency_key)

    @strawberry.mutation(
        extensions=may(
            Act.VOLUNTEER_SELF, "Recruitment", "recruitment_id", volunteer="volunteer_id"
        ),
        description="Sign a volunteer up; never beyond the capacity (报名).",
    )
    async def sign_up(
        self,
        info: strawberry.Info,
        recruitment_id: Annotated[strawberry.ID, strawberry.argument(description="Recruitment.")],
        volunteer_id: Annotated[strawberry.ID, strawberry.argument(description="The volunteer.")],
        idempotency_key: KEY = None,
    ) -> RecruitmentPayload:  # type: ignore[valid-type]
        return await resolve.sign_up(info, recruitment_id, volunteer_id, True, idempotency_key)

    @strawberry.mutation(
        extensions=may(
            Act.VOLUNTEER_SELF, "Recruitment", "recruitment_id", volunteer="volunteer_id"
        ),
        description="Withdraw a sign-up; the place opens again (取消报名).",
    )
    async def withdraw_sign_up(
        self,
        info: strawberry.Info,
        recruitment_id: Annotated[strawberry.ID, strawberry.argument(description="Recruitment.")],
        volunteer_id: Annotated[strawberry.ID, strawberry.argument(description="The volunteer.")],
        idempotency_key: KEY = None,
    ) -> RecruitmentPayload:  # type: ignore[valid-type]
        return await resolve.sign_up(info, recruitment_id, volunteer_id, False, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.VOLUNTEER_SELF, "Need", "input.need_id", volunteer="input.volunteer_id"),
        description="Record a service delivered, awaiting verification.",
    )
    async def record_service(
        self,
        info: strawberry.Info,
        input: Annotated[RecordServiceInput, strawberry.argument(description="What to record.")],
        idempotency_key: KEY = None,
    ) -> ServiceRecordPayload:  # type: ignore[valid-type]
        return await resolve.record_service(info, input, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.CASEWORK, "ServiceRecord", "record_id"),
        description="Verify a service record (核实): its hours count towards the volunteer's "
        "star level and are credited to their time bank.",
    )
    async def verify_service(
        self,
        info: strawberry.Info,
        record_id: Annotated[strawberry.ID, strawberry.argument(description="The record.")],
        social_worker_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="The verifying social worker; a social worker's own token names them."
            ),
        ] = None,
        idempotency_key: KEY = None,
    ) -> ServiceRecordPayload:  # type: ignore[valid-type]
        return await resolve.verify_service(info, record_id, social_worker_id, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.VOLUNTEER_SELF, "Need", "need_id", volunteer="volunteer_id"),
        description="Spend time-bank hours on a need of the volunteer or their family (支取); "
        "never below zero.",
    )
    async def spend_time_credits(
        self,
        info: strawberry.Info,
        volunteer_id: Annotated[strawberry.ID, strawberry.argument(description="Whose credits.")],
        need_id: Annotated[strawberry.ID, strawberry.argument(description="The need paid for.")],
        hours: Annotated[Decimal, strawberry.argument(description="Hours, more than 0.")],
        note: Annotated[str | None, strawberry.argument(description="Note.")] = None,
        idempotency_key: KEY = None,
    ) -> TimeBankEntryPayload:  # type: ignore[valid-type]
        return await resolve.spend_credits(
            info, volunteer_id, need_id, hours, note, idempotency_key
        )

    @strawberry.mutation(
        extensions=may(Act.ORGANIZATION, organization="input.organization_id"),
        description="Offer a resource to the charity resource library (慈善资源库).",
    )
    async def offer_resource(
        self,
        info: strawberry.Info,
        input: Annotated[OfferResourceInput, strawberry.argument(description="What to record.")],
        idempotency_key: KEY = None,
    ) -> ResourcePayload:  # type: ignore[valid-type]
        return await resolve.offer_resource(info, input, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.KEEPER, "Resource", "id"),
        description="Update a resource's availability or quantity (its offering organization).",
    )
    async def update_resource(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The resource.")],
        input: Annotated[UpdateResourceInput, strawberry.argument(description="What changes.")],
        idempotency_key: KEY = None,
    ) -> ResourcePayload:  # type: ignore[valid-type]
        return await resolve.update_resource(info, id, input, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.OWNER, "Resource", "resource_id", need="need_id"),
        description="Allocate part of a resource to a need; never more than is left.",
    )
    async def allocate_resource(
        self,
        info: strawberry.Info,
        resource_id: Annotated[strawberry.ID, strawberry.argument(description="The resource.")],
        need_id: Annotated[strawberry.ID, strawberry.argument(description="The need.")],
        quantity: Annotated[int, strawberry.argument(description="How much, in its unit (1+).")],
        idempotency_key: KEY = None,
    ) -> ResourcePayload:  # type: ignore[valid-type]
        return await resolve.allocate(info, resource_id, need_id, quantity, idempotency_key)

    @strawberry.mutation(
        extensions=may(
            Act.REFERRER, "Need", "need_id", organization="from_organization_id", need="need_id"
        ),
        description="Refer a need to another organization (转介).",
    )
    async def refer_need(
        self,
        info: strawberry.Info,
        need_id: Annotated[strawberry.ID, strawberry.argument(description="The need.")],
        from_organization_id: Annotated[
            strawberry.ID, strawberry.argument(description="Who refers it.")
        ],
        to_organization_id: Annotated[
            strawberry.ID, strawberry.argument(description="Who should take it.")
        ],
        reason: Annotated[str | None, strawberry.argument(description="Why.")] = None,
        idempotency_key: KEY = None,
    ) -> ReferralPayload:  # type: ignore[valid-type]
        return await resolve.refer(
            info, need_id, from_organization_id, to_organization_id, reason, idempotency_key
        )

    @strawberry.mutation(
        extensions=may(Act.REFERRAL_RECEIVER, "Referral", "id"),
        description="Accept a referral (接收). Only a PENDING one.",
    )
    async def accept_referral(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The referral.")],
        note: Annotated[str | None, strawberry.argument(description="Note.")] = None,
        idempotency_key: KEY = None,
    ) -> ReferralPayload:  # type: ignore[valid-type]
        return await resolve.answer_referral(info, id, "ACCEPTED", note, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.REFERRAL_RECEIVER, "Referral", "id"),
        description="Decline a referral (退回). Only a PENDING one.",
    )
    async def decline_referral(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The referral.")],
        note: Annotated[str | None, strawberry.argument(description="Why.")] = None,
        idempotency_key: KEY = None,
    ) -> ReferralPayload:  # type: ignore[valid-type]
        return await resolve.answer_referral(info, id, "DECLINED", note, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.REFERRAL_RECEIVER, "Referral", "id"),
        description="Complete an accepted referral with its outcome; the referring organization "
        "sees it (闭环).",
    )
    async def complete_referral(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The referral.")],
        outcome: Annotated[str, strawberry.argument(description="What was done.")],
        idempotency_key: KEY = None,
    ) -> ReferralPayload:  # type: ignore[valid-type]
        return await resolve.answer_referral(info, id, "COMPLETED", outcome, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.FUNDS, "Fund", "fund_id"),
        description="Record a donation to a fund (捐赠).",
    )
    async def donate(
        self,
        info: strawberry.Info,
        fund_id: Annotated[strawberry.ID, strawberry.argument(description="The fund.")],
        donor_id: Annotated[
            strawberry.ID, strawberry.argument(description="The donating organization.")
        ],
        amount: Annotated[Decimal, strawberry.argument(description="Yuan, 0.01–100000000.")],
        date: Annotated[dt.date, strawberry.argument(description="When.")],
        note: Annotated[str | None, strawberry.argument(description="Note.")] = None,
        idempotency_key: KEY = None,
    ) -> FundPayload:  # type: ignore[valid-type]
        return await resolve.donate(info, fund_id, donor_id, amount, date, note, idempotency_key)

    @strawberry.mutation(
        extensions=may(Act.FUNDS, "Fund", "fund_id"),
        description="Grant money from a fund to a project; never beyond its balance.",
    )
    async def grant(
        self,
        info: strawberry.Info,
        fund_id: Annotated[strawberry.ID, strawberry.argument(description="The fund.")],
        project_id: Annotated[strawberry.ID, strawberry.argument(description="The project.")],
        amount: Annotated[Decimal, strawberry.argument(description="Yuan, 0.01–100000000.")],
        date: Annotated[dt.date, strawberry.argument(description="When.")],
        award: Annotated[str | None, strawberry.argument(description="Award name.")] = None,
        idempotency_key: KEY = None,
    ) -> FundPayload:  # type: ignore[valid-type]
        return await resolve.grant(info, fund_id, project_id, amount, date, award, idempotency_key)
