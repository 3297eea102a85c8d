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
derived from that row by :func:`step`.

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

import datetime as dt
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension

from access.acts import Act
from graph.workflows import Done
from resolvers import workflows as resolve
from schema.enums import NeedSource, ResourceKind, Urgency, WeeklySlot
from schema.fields import entity
from schema.permissions import MayAct, may

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
        return await entity(info, label, root.key)

    def from_result(cls: type, done: Done) -> Any:
        """The payload of a workflow step's answer: its entity's key, and whether it replayed."""
        return cls(key=done.result, replayed=done.replayed)

    resolver.__annotations__["return"] = Annotated[label, strawberry.lazy(module)]

    namespace = {
        "__annotations__": {"key": strawberry.Private[str], "replayed": bool},
        "replayed": strawberry.field(
            description="True when this answers a retry of an earlier request (same key)."
        ),
        field: strawberry.field(resolver=resolver, description="The entity, as it is now."),
        "from_result": classmethod(from_result),
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


# --- the mutations, one declaration each ------------------------------------------------------


@dataclass(frozen=True)
class Arg:
    """One argument of a mutation: its Python name (camelCased in GraphQL), type and description;
    ``default`` left out means the argument is required."""

    name: str
    type: Any
    description: str
    default: Any = inspect.Parameter.empty


def step(
    run: Callable[..., Awaitable[Done]],
    payload: Any,
    permission: list[FieldExtension],
    description: str,
    *args: Arg,
) -> Any:
    """The mutation field for ``run`` (whose name is the field's): the declared arguments plus
    ``idempotencyKey``, guarded by ``permission``, answering ``payload.from_result`` of the
    graph's answer."""
    _check_rule(run.__name__, permission, args)

    async def resolver(self: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        key = kwargs.pop("idempotency_key", None)
        return payload.from_result(await run(info, key, **kwargs))

    parameters = [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("info", inspect.Parameter.KEYWORD_ONLY, annotation=strawberry.Info),
        *(
            inspect.Parameter(
                a.name,
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[a.type, strawberry.argument(description=a.description)],
                default=a.default,
            )
            for a in args
        ),
        inspect.Parameter(
            "idempotency_key", inspect.Parameter.KEYWORD_ONLY, annotation=KEY, default=None
        ),
    ]
    resolver.__name__ = run.__name__
    resolver.__signature__ = inspect.Signature(parameters, return_annotation=payload)  # type: ignore[attr-defined]
    return strawberry.mutation(resolver=resolver, extensions=permission, description=description)


def _check_rule(name: str, permission: list[FieldExtension], args: Sequence[Arg]) -> None:
    """Fail at import when a rule names an argument the mutation does not have: the rule would
    read nothing there and compare the caller with nobody."""
    declared = {a.name for a in args}
    for extension in permission:
        for rule in getattr(extension, "permissions", ()):
            if isinstance(rule, MayAct):
                for path in (rule.on_arg, rule.volunteer, rule.organization, rule.need):
                    if path is not None and path.partition(".")[0] not in declared:
                        raise ValueError(f"{name}: its rule names `{path}`, not an argument.")


def _input(kind: type, description: str = "What to record.") -> Arg:
    return Arg("input", kind, description)


def _id(name: str, description: str, *, optional: bool = False) -> Arg:
    if optional:
        return Arg(name, strawberry.ID | None, description, None)
    return Arg(name, strawberry.ID, description)


def _text(name: str, description: str) -> Arg:
    return Arg(name, str | None, description, None)


NEED_ID = _id("need_id", "The need.")
VOLUNTEER_ID = _id("volunteer_id", "The volunteer.")
RECRUITMENT_ID = _id("recruitment_id", "Recruitment.")
FUND_ID = _id("fund_id", "The fund.")
YUAN = Arg("amount", Decimal, "Yuan, 0.01–100000000.")
WHEN = Arg("date", dt.date, "When.")


MUTATIONS: Sequence[Any] = (
    step(
        resolve.report_need,
        NeedPayload,
        may(Act.CASEWORK, "Resident", "input.resident_id"),
        "Report a need for a resident (登记需求).",
        _input(ReportNeedInput),
    ),
    step(
        resolve.update_need,
        NeedPayload,
        may(Act.CASEWORK, "Need", "id"),
        "Change a need that is still being served.",
        _id("id", "The need."),
        _input(UpdateNeedInput),
    ),
    step(
        resolve.cancel_need,
        NeedPayload,
        may(Act.CASEWORK, "Need", "id"),
        "Cancel a need (取消); its volunteers are freed.",
        _id("id", "The need."),
        _text("reason", "Why."),
    ),
    step(
        resolve.close_need,
        NeedPayload,
        may(Act.CASEWORK, "Need", "id"),
        "Close a need that has been met (结案).",
        _id("id", "The need."),
        _text("note", "Closing note."),
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
        _input(PostRecruitmentInput),
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
        _input(RecordServiceInput),
    ),
    step(
        resolve.verify_service,
        ServiceRecordPayload,
        may(Act.CASEWORK, "ServiceRecord", "record_id"),
        "Verify a service record (核实): its hours count towards the volunteer's star level and "
        "are credited to their time bank.",
        _id("record_id", "The record."),
        _id(
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
        _id("volunteer_id", "Whose credits."),
        _id("need_id", "The need paid for."),
        Arg("hours", Decimal, "Hours, more than 0."),
        _text("note", "Note."),
    ),
    step(
        resolve.offer_resource,
        ResourcePayload,
        may(Act.ORGANIZATION, organization="input.organization_id"),
        "Offer a resource to the charity resource library (慈善资源库).",
        _input(OfferResourceInput),
    ),
    step(
        resolve.update_resource,
        ResourcePayload,
        may(Act.KEEPER, "Resource", "id"),
        "Update a resource's availability or quantity (its offering organization).",
        _id("id", "The resource."),
        _input(UpdateResourceInput, "What changes."),
    ),
    step(
        resolve.allocate_resource,
        ResourcePayload,
        may(Act.OWNER, "Resource", "resource_id", need="need_id"),
        "Allocate part of a resource to a need; never more than is left.",
        _id("resource_id", "The resource."),
        NEED_ID,
        Arg("quantity", int, "How much, in its unit (1+)."),
    ),
    step(
        resolve.refer_need,
        ReferralPayload,
        may(Act.REFERRER, "Need", "need_id", organization="from_organization_id", need="need_id"),
        "Refer a need to another organization (转介).",
        NEED_ID,
        _id("from_organization_id", "Who refers it."),
        _id("to_organization_id", "Who should take it."),
        _text("reason", "Why."),
    ),
    step(
        resolve.accept_referral,
        ReferralPayload,
        may(Act.REFERRAL_RECEIVER, "Referral", "id"),
        "Accept a referral (接收). Only a PENDING one.",
        _id("id", "The referral."),
        _text("note", "Note."),
    ),
    step(
        resolve.decline_referral,
        ReferralPayload,
        may(Act.REFERRAL_RECEIVER, "Referral", "id"),
        "Decline a referral (退回). Only a PENDING one.",
        _id("id", "The referral."),
        _text("note", "Why."),
    ),
    step(
        resolve.complete_referral,
        ReferralPayload,
        may(Act.REFERRAL_RECEIVER, "Referral", "id"),
        "Complete an accepted referral with its outcome; the referring organization sees it "
        "(闭环).",
        _id("id", "The referral."),
        Arg("outcome", str, "What was done."),
    ),
    step(
        resolve.donate,
        FundPayload,
        may(Act.FUNDS, "Fund", "fund_id"),
        "Record a donation to a fund (捐赠).",
        FUND_ID,
        _id("donor_id", "The donating organization."),
        YUAN,
        WHEN,
        _text("note", "Note."),
    ),
    step(
        resolve.grant,
        FundPayload,
        may(Act.FUNDS, "Fund", "fund_id"),
        "Grant money from a fund to a project; never beyond its balance.",
        FUND_ID,
        _id("project_id", "The project."),
        YUAN,
        WHEN,
        _text("award", "Award name."),
    ),
)

Mutation = strawberry.type(
    type("Mutation", (), {field.base_resolver.name: field for field in MUTATIONS}),
    description="Workflow steps (each atomic; see the type descriptions).",
)
