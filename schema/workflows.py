"""The workflows as mutations: needs, assignment, recruitment, service hours and the time bank,
resources, referrals and money.

Every mutation is one guarded graph statement (``graph/workflows/``): it either happens whole
or changes nothing and answers ``BAD_USER_INPUT``, ``NOT_FOUND`` or ``CONFLICT``. Every mutation
takes an ``idempotencyKey``: a retry with the same key and the same arguments acts once and
answers with the entity as it is now (``replayed: true``); the same key with other arguments is a
``CONFLICT``.

Each mutation is declared once, in :data:`MUTATIONS`: its resolver (``resolvers/workflows.py``,
named as the mutation), its payload, who may call it, its description and its arguments. The
GraphQL field, its ``idempotencyKey`` argument and the payload built from the graph's answer are
derived from that row by :func:`schema.steps.step`; other domains declare theirs the same way
in their own modules.

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import strawberry

from access.acts import Act
from resolvers import workflows as resolve
from schema.enums import NeedSource, ResourceKind, Urgency, WeeklySlot
from schema.permissions import may
from schema.steps import Arg, id_arg, input_arg, mutation_type, payload, step, text_arg

SERVICES = "schema.services"
ORGS = "schema.organizations"

NeedPayload = payload("Need", SERVICES, "need", "The need a workflow step acted on.")
RecruitmentPayload = payload(
    "Recruitment", SERVICES, "recruitment", "The recruitment a step acted on."
)
ServiceRecordPayload = payload(
    "ServiceRecord", SERVICES, "service_record", "The service record a step acted on."
)
TimeBankEntryPayload = payload(
    "TimeBankEntry", SERVICES, "entry", "The time-bank entry a step wrote."
)
ResourcePayload = payload("Resource", ORGS, "resource", "The resource a step acted on.")
ReferralPayload = payload("Referral", SERVICES, "referral", "The referral a step acted on.")
FundPayload = payload("Fund", ORGS, "fund", "The fund a step acted on.")


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


NEED_ID = id_arg("need_id", "The need.")
VOLUNTEER_ID = id_arg("volunteer_id", "The volunteer.")
RECRUITMENT_ID = id_arg("recruitment_id", "Recruitment.")
FUND_ID = id_arg("fund_id", "The fund.")
YUAN = Arg("amount", Decimal, "Yuan, 0.01–100000000.")
WHEN = Arg("date", dt.date, "When.")


MUTATIONS: Sequence[Any] = (
    step(
        resolve.report_need,
        NeedPayload,
        may(Act.CASEWORK, "Resident", "input.resident_id"),
        "Report a need for a resident (登记需求).",
        input_arg(ReportNeedInput),
    ),
    step(
        resolve.update_need,
        NeedPayload,
        may(Act.CASEWORK, "Need", "id"),
        "Change a need that is still being served.",
        id_arg("id", "The need."),
        input_arg(UpdateNeedInput),
    ),
    step(
        resolve.cancel_need,
        NeedPayload,
        may(Act.CASEWORK, "Need", "id"),
        "Cancel a need (取消); its volunteers are freed. A visit under way ends now, as its "
        "check-out would: its minutes are proposed as a service record, waiting for review.",
        id_arg("id", "The need."),
        text_arg("reason", "Why."),
    ),
    step(
        resolve.close_need,
        NeedPayload,
        may(Act.CASEWORK, "Need", "id"),
        "Close a need that has been met (结案). A visit under way ends now, as its check-out "
        "would: its minutes are proposed as a service record, waiting for review.",
        id_arg("id", "The need."),
        text_arg("note", "Closing note."),
    ),
    step(
        resolve.assign_volunteers,
        NeedPayload,
        may(Act.CASEWORK, "Need", "need_id"),
        "Assign volunteers to a need (派单). Eligibility is checked again at write time; a "
        "volunteer is never double-booked in a slot and a need never gets more volunteers than "
        "its headcount in a slot. All or none are assigned.",
        NEED_ID,
        Arg("volunteers", list[AssignmentInput], "1–20 volunteers."),
    ),
    step(
        resolve.unassign_volunteer,
        NeedPayload,
        may(Act.VOLUNTEER_SELF, "Need", "need_id", volunteer="volunteer_id"),
        "Take a volunteer off a need.",
        NEED_ID,
        VOLUNTEER_ID,
    ),
    step(
        resolve.post_recruitment,
        RecruitmentPayload,
        may(Act.ORGANIZATION, organization="input.organization_id"),
        "Post a recruitment with a capacity (发布招募).",
        input_arg(PostRecruitmentInput),
    ),
    step(
        resolve.sign_up,
        RecruitmentPayload,
        may(Act.VOLUNTEER_SELF, "Recruitment", "recruitment_id", volunteer="volunteer_id"),
        "Sign a volunteer up; never beyond the capacity (报名).",
        RECRUITMENT_ID,
        VOLUNTEER_ID,
    ),
    step(
        resolve.withdraw_sign_up,
        RecruitmentPayload,
        may(Act.VOLUNTEER_SELF, "Recruitment", "recruitment_id", volunteer="volunteer_id"),
        "Withdraw a sign-up; the place opens again (取消报名).",
        RECRUITMENT_ID,
        VOLUNTEER_ID,
    ),
    step(
        resolve.record_service,
        ServiceRecordPayload,
        may(Act.VOLUNTEER_SELF, "Need", "input.need_id", volunteer="input.volunteer_id"),
        "Record a service delivered, awaiting verification.",
        input_arg(RecordServiceInput),
    ),
    step(
        resolve.verify_service,
        ServiceRecordPayload,
        may(Act.CASEWORK, "ServiceRecord", "record_id"),
        "Verify a service record (核实): its hours count towards the volunteer's star level and "
        "are credited to their time bank.",
        id_arg("record_id", "The record."),
        id_arg(
            "social_worker_id",
            "The verifying social worker; a social worker's own token names them.",
            optional=True,
        ),
    ),
    step(
        resolve.spend_time_credits,
        TimeBankEntryPayload,
        may(Act.VOLUNTEER_SELF, "Need", "need_id", volunteer="volunteer_id"),
        "Spend time-bank hours on a need of the volunteer or their family (支取); never below "
        "zero.",
        id_arg("volunteer_id", "Whose credits."),
        id_arg("need_id", "The need paid for."),
        Arg("hours", Decimal, "Hours, more than 0."),
        text_arg("note", "Note."),
    ),
    step(
        resolve.offer_resource,
        ResourcePayload,
        may(Act.ORGANIZATION, organization="input.organization_id"),
        "Offer a resource to the charity resource library (慈善资源库).",
        input_arg(OfferResourceInput),
    ),
    step(
        resolve.update_resource,
        ResourcePayload,
        may(Act.KEEPER, "Resource", "id"),
        "Update a resource's availability or quantity (its offering organization).",
        id_arg("id", "The resource."),
        input_arg(UpdateResourceInput, "What changes."),
    ),
    step(
        resolve.allocate_resource,
        ResourcePayload,
        may(Act.OWNER, "Resource", "resource_id", need="need_id"),
        "Allocate part of a resource to a need; never more than is left.",
        id_arg("resource_id", "The resource."),
        NEED_ID,
        Arg("quantity", int, "How much, in its unit (1+)."),
    ),
    step(
        resolve.refer_need,
        ReferralPayload,
        may(Act.REFERRER, "Need", "need_id", organization="from_organization_id", need="need_id"),
        "Refer a need to another organization (转介).",
        NEED_ID,
        id_arg("from_organization_id", "Who refers it."),
        id_arg("to_organization_id", "Who should take it."),
        text_arg("reason", "Why."),
    ),
    step(
        resolve.accept_referral,
        ReferralPayload,
        may(Act.REFERRAL_RECEIVER, "Referral", "id"),
        "Accept a referral (接收). Only a PENDING one.",
        id_arg("id", "The referral."),
        text_arg("note", "Note."),
    ),
    step(
        resolve.decline_referral,
        ReferralPayload,
        may(Act.REFERRAL_RECEIVER, "Referral", "id"),
        "Decline a referral (退回). Only a PENDING one.",
        id_arg("id", "The referral."),
        text_arg("note", "Why."),
    ),
    step(
        resolve.complete_referral,
        ReferralPayload,
        may(Act.REFERRAL_RECEIVER, "Referral", "id"),
        "Complete an accepted referral with its outcome; the referring organization sees it "
        "(闭环).",
        id_arg("id", "The referral."),
        Arg("outcome", str, "What was done."),
    ),
    step(
        resolve.donate,
        FundPayload,
        may(Act.FUNDS, "Fund", "fund_id"),
        "Record a donation to a fund (捐赠).",
        FUND_ID,
        id_arg("donor_id", "The donating organization."),
        YUAN,
        WHEN,
        text_arg("note", "Note."),
    ),
    step(
        resolve.grant,
        FundPayload,
        may(Act.FUNDS, "Fund", "fund_id"),
        "Grant money from a fund to a project; never beyond its balance.",
        FUND_ID,
        id_arg("project_id", "The project."),
        YUAN,
        WHEN,
        text_arg("award", "Award name."),
    ),
)

Mutation = mutation_type(
    "Mutation", MUTATIONS, "Workflow steps (each atomic; see the type descriptions)."
)
