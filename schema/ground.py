"""On the ground (docs/GROUND.md): the verification queue, its bulk review, and service
certificates, declared once each as :func:`schema.steps.step` rows.

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from access.acts import Act
from access.tokens import Role
from domain import certificates
from graph.queries import certificates as stored_certificates
from graph.workflows import Done
from resolvers import ground as resolve
from schema.enums import IncubationStage, Rating
from schema.fields import entity
from schema.permissions import may, roles
from schema.steps import Arg, id_arg, mutation_type, payload, step, text_arg

if TYPE_CHECKING:
    from schema.services import ServiceRecord

ServiceRecordRef = Annotated["ServiceRecord", strawberry.lazy("schema.services")]


@strawberry.input(
    description="One decision of a review: approve a record, or decline it saying why."
)
class ReviewDecisionInput:
    record_id: strawberry.ID = strawberry.field(description="The service record.")
    approve: bool = strawberry.field(description="True approves it; false declines it.")
    reason: str | None = strawberry.field(
        default=None, description="Why it is declined (required for a decline, 1–500 characters)."
    )


@strawberry.type(description="The records a review decided, as they are now.")
class ServiceReviewPayload:
    keys: strawberry.Private[list[str]]
    replayed: bool = strawberry.field(
        description="True when this answers a retry of an earlier request (same key)."
    )

    @classmethod
    def from_result(cls, done: Done) -> "ServiceReviewPayload":
        return cls(keys=list(done.row.get("reviewed") or [done.result]), replayed=done.replayed)

    @strawberry.field(description="The records reviewed, in the order of their ids.")
    async def records(self, info: strawberry.Info) -> list[ServiceRecordRef | None]:
        return [await entity(info, "ServiceRecord", key) for key in self.keys]


@strawberry.enum(description="The kind of ID document a certificate names (证件类型).")
class IdDocument(Enum):
    RESIDENT_ID = strawberry.enum_value("居民身份证", description="居民身份证")
    PASSPORT = strawberry.enum_value("护照", description="护照")
    HK_MACAO_PERMIT = strawberry.enum_value("港澳居民来往内地通行证", description="港澳通行证")
    TAIWAN_PERMIT = strawberry.enum_value("台湾居民来往大陆通行证", description="台胞证")
    OTHER = strawberry.enum_value("其他", description="其他证件")


@strawberry.enum(description="Whether a certificate still stands.")
class CertificateStatus(Enum):
    VALID = strawberry.enum_value("VALID", description="Issued and standing (有效).")
    REVOKED = strawberry.enum_value("REVOKED", description="Revoked by its issuer (已撤销).")


@strawberry.type(
    description="A service certificate (志愿服务记录证明, 民政部令第67号) as issued: a snapshot "
    "of approved hours. Its PDF is at `pdfPath` (signed in); anyone verifies it at `verifyPath`."
)
class ServiceCertificate:
    number: str = strawberry.field(description="Certificate number (证明编号).")
    status: CertificateStatus = strawberry.field(description="Valid or revoked.")
    masked_name: str = strawberry.field(description="The volunteer's name, masked (姓名).")
    id_type: str | None = strawberry.field(description="ID document type (证件类型).")
    id_number_masked: str | None = strawberry.field(
        description="ID number, masked; the full number is never stored (证件号码)."
    )
    volunteer_no: str | None = strawberry.field(description="Volunteer number (志愿者编号).")
    period_from: dt.date = strawberry.field(description="First day of service (服务时间起).")
    period_until: dt.date = strawberry.field(description="Last day of service (服务时间止).")
    content: str | None = strawberry.field(description="What was done (服务内容).")
    hours: float = strawberry.field(description="Approved hours certified (服务时长).")
    organization_name: str = strawberry.field(description="Issuing organization (出具组织).")
    person_in_charge: str = strawberry.field(description="Its person in charge (负责人).")
    handler: str = strawberry.field(description="Who handled it (经办人).")
    contact: str = strawberry.field(description="The handler's contact (联系方式).")
    issued_on: dt.date = strawberry.field(description="Date of issue (出具日期).")
    revoke_reason: str | None = strawberry.field(description="Why it was revoked, if it was.")
    pdf_path: str = strawberry.field(description="Where its PDF is downloaded (signed in).")
    verify_path: str = strawberry.field(description="Its public verification (the QR code's).")

    @classmethod
    def of(cls, stored: dict[str, Any]) -> "ServiceCertificate":
        number = stored["id"]
        return cls(
            number=number,
            status=CertificateStatus(stored["status"]),
            masked_name=certificates.mask_name(stored["name"]),
            id_type=stored.get("idType"),
            id_number_masked=stored.get("idNumberMasked"),
            volunteer_no=stored.get("volunteerNo"),
            period_from=dt.date.fromisoformat(stored["periodFrom"]),
            period_until=dt.date.fromisoformat(stored["periodUntil"]),
            content=stored.get("content"),
            hours=round(int(stored["minutes"]) / 60, 2),
            organization_name=stored["organizationName"],
            person_in_charge=stored["personInCharge"],
            handler=stored["handler"],
            contact=stored["contact"],
            issued_on=dt.date.fromisoformat(stored["issuedOn"]),
            revoke_reason=stored.get("revokeReason"),
            pdf_path=f"/certificates/{number}.pdf",
            verify_path=f"/certificates/{number}",
        )


@strawberry.type(description="The certificate a step issued or revoked, as it is now.")
class ServiceCertificatePayload:
    number: strawberry.Private[str]
    replayed: bool = strawberry.field(
        description="True when this answers a retry of an earlier request (same key)."
    )

    @classmethod
    def from_result(cls, done: Done) -> "ServiceCertificatePayload":
        return cls(number=done.result, replayed=done.replayed)

    @strawberry.field(description="The certificate.")
    async def certificate(self, info: strawberry.Info) -> ServiceCertificate | None:
        found = await stored_certificates.find(info.context.store, self.number)
        return None if found is None else ServiceCertificate.of(found["certificate"])


OrganizationPayload = payload(
    "Organization", "schema.organizations", "organization", "The organization a step acted on."
)


REVIEWERS = roles(
    Role.SOCIAL_WORKER, reason="The verification queue is the social workers' (and admins')."
)


@strawberry.type
class GroundQuery:
    @strawberry.field(
        description="The verification queue (待审核): service records nobody has approved or "
        "declined yet, oldest first — a social worker's are those of needs in the communities "
        "they cover; an administrator sees all, or the named social worker's.",
        extensions=REVIEWERS,
    )
    async def service_records_to_review(
        self,
        info: strawberry.Info,
        first: Annotated[int, strawberry.argument(description="How many, 1–100.")] = 50,
        social_worker_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Whose queue (administrators only)."),
        ] = None,
    ) -> list[ServiceRecordRef | None]:
        keys = await resolve.service_records_to_review(info, first, social_worker_id)
        return [await entity(info, "ServiceRecord", key) for key in keys]


MUTATIONS: Sequence[Any] = (
    step(
        resolve.review_service_records,
        ServiceReviewPayload,
        may(Act.REVIEW),
        "Approve or decline many service records at once (批量审核), all or none: if any record "
        "cannot be reviewed (not found, outside the communities you cover, already reviewed), "
        "nothing is written and the error's `details` name each one. Approved hours count "
        "towards star levels and the time bank; a declined record stays, with its reason.",
        Arg("decisions", list[ReviewDecisionInput], "1–100 decisions, one per record."),
        id_arg(
            "social_worker_id",
            "The reviewing social worker; a social worker's own token names them.",
            optional=True,
        ),
    ),
    step(
        resolve.issue_service_certificate,
        ServiceCertificatePayload,
        may(Act.CERTIFY, "Volunteer", "volunteer_id"),
        "Issue a service certificate (出具志愿服务记录证明) for a volunteer's approved hours — "
        "those approved by the issuing organization's social workers, in the period if one is "
        "given — in the name of the organization employing the issuing social worker. Issuing "
        "is audited; the full ID number is masked before it is stored.",
        id_arg("volunteer_id", "The volunteer."),
        id_arg("organization_id", "The issuing organization (the social worker's employer)."),
        Arg("id_type", IdDocument, "The volunteer's ID document type."),
        Arg("id_number", str, "Its number (only a masked form is kept)."),
        Arg("person_in_charge", str, "The organization's person in charge (负责人)."),
        Arg("contact", str, "The handler's contact, e.g. the station's phone (联系方式)."),
        Arg("period_from", dt.date | None, "Certify service from this day.", None),
        Arg("period_until", dt.date | None, "Certify service until this day.", None),
        text_arg("content", "What was done (default: the service categories)."),
        id_arg(
            "social_worker_id",
            "The issuing social worker (经办人); a social worker's own token names them.",
            optional=True,
        ),
    ),
    step(
        resolve.revoke_service_certificate,
        ServiceCertificatePayload,
        may(Act.ISSUER),
        "Revoke a certificate (撤销); it then verifies as revoked, and is never deleted. Only a "
        "social worker of the issuing organization.",
        Arg("number", str, "The certificate number."),
        Arg("reason", str, "Why (kept with it)."),
        id_arg(
            "social_worker_id",
            "The revoking social worker; a social worker's own token names them.",
            optional=True,
        ),
    ),
    step(
        resolve.record_organization_evaluation,
        OrganizationPayload,
        may(Act.ADMINISTER),
        "Record an evaluation of a social organization (社会组织评估, administrators: the civil "
        "affairs bureau). Every evaluation is kept; the latest one, while valid, is the "
        "organization's `rating`, which filters and sorts read.",
        id_arg("organization_id", "The organization evaluated."),
        Arg("grade", Rating, "Grade 1A–5A."),
        Arg("score", Decimal, "Score, 0–1000."),
        Arg("evaluator", str, "Who evaluated it (评估机构), 1–200 characters."),
        Arg("evaluated_on", dt.date, "When (not in the future)."),
        Arg("valid_until", dt.date, "Valid until (after `evaluatedOn`)."),
    ),
    step(
        resolve.record_incubation,
        OrganizationPayload,
        may(Act.ORGANIZATION, organization="hub_id"),
        "Record how a hub (公益园、社工站) supports an organization (孵化): incubated, helped to "
        "improve, brought in, or graduated. One tie per organization and hub: recording again "
        "moves it to the new stage. The hub's own partners and administrators.",
        id_arg("organization_id", "The organization supported."),
        id_arg("hub_id", "The hub that supports it."),
        Arg("stage", IncubationStage, "How (孵化方式)."),
        Arg(
            "since",
            dt.date | None,
            "From when (not in the future); left out, a new tie starts today and an existing "
            "one keeps its day.",
            None,
        ),
    ),
)

GroundMutation = mutation_type(
    "GroundMutation", MUTATIONS, "On the ground: hours review and service certificates."
)
