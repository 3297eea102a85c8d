"""On the ground (docs/GROUND.md): the verification queue and its bulk review, and service
certificates. Checks that need no graph answer ``BAD_USER_INPUT`` here, before the graph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from access import policy
from access.tokens import Role
from api.errors import BadUserInput, Forbidden
from domain import certificates
from graph import workflows
from graph.model.services import LOCAL_TIME
from graph.queries import certificates as stored_certificates
from graph.queries import evaluations as evaluation_history
from graph.queries import hours as queue
from graph.workflows import Done, evaluations, hours
from graph.workflows import certificates as certificate_steps
from resolvers.steps import request as _request
from resolvers.workflows import _id, _text, _verifier

if TYPE_CHECKING:
    from resolvers.context import Info

MAX_BATCH = 100
MAX_REASON = 500


def _decisions(decisions: Sequence[Any]) -> list[dict[str, Any]]:
    if not 1 <= len(decisions) <= MAX_BATCH:
        raise BadUserInput(f"Review 1–{MAX_BATCH} records at once.")
    items: dict[str, dict[str, Any]] = {}
    for d in decisions:
        record = _id(d.record_id, "ServiceRecord", "recordId")
        if record in items:
            raise BadUserInput(f"Record {record} is named twice; decide each record once.")
        reason = _text(d.reason, "reason", limit=MAX_REASON)
        if d.approve and reason is not None:
            raise BadUserInput("A `reason` is for a decline; leave it out when approving.")
        if not d.approve and reason is None:
            raise BadUserInput(f"Say why record {record} is declined (`reason`).")
        items[record] = {"id": record, "approve": bool(d.approve), "reason": reason}
    return list(items.values())


async def review_service_records(
    info: Info, key: str | None, *, decisions: Sequence[Any], social_worker_id: str | None = None
) -> Done:
    items = _decisions(decisions)
    worker = _verifier(info, social_worker_id)
    request = _request(info, "reviewServiceRecords", key, worker=worker, items=items)
    return await hours.review_service(
        info.context.store, request, worker, items, workflows.new_id("credit")
    )


async def service_records_to_review(
    info: Info, first: int, social_worker_id: str | None
) -> list[str]:
    """A social worker's own queue; an administrator's, everyone's or the named worker's."""
    if not 1 <= first <= MAX_BATCH:
        raise BadUserInput(f"`first` must be between 1 and {MAX_BATCH}.")
    viewer = info.context.viewer
    if viewer.role is Role.SOCIAL_WORKER:
        worker: str | None = _verifier(info, social_worker_id)
    else:
        worker = None if social_worker_id is None else _verifier(info, social_worker_id)
    return await queue.to_review(info.context.store, worker, first)


# --- service certificates ------------------------------------------------------------------


async def issue_service_certificate(
    info: Info,
    key: str | None,
    *,
    volunteer_id: str,
    organization_id: str,
    id_type: Any,
    id_number: str,
    person_in_charge: str,
    contact: str,
    period_from: dt.date | None = None,
    period_until: dt.date | None = None,
    content: str | None = None,
    social_worker_id: str | None = None,
) -> Done:
    volunteer = _id(volunteer_id, "Volunteer", "volunteerId")
    organization = _id(organization_id, "Organization", "organizationId")
    worker = _verifier(info, social_worker_id)
    number_text = _text(id_number, "idNumber", required=True, limit=30)
    if not all(c.isalnum() for c in number_text):
        raise BadUserInput("`idNumber` is letters and digits only, as on the document.")
    if period_from and period_until and period_from > period_until:
        raise BadUserInput("`periodFrom` must not be after `periodUntil`.")
    today = dt.datetime.now(LOCAL_TIME).date()
    props = {
        "idType": certificates.IdType(getattr(id_type, "value", id_type)).value,
        "idNumberMasked": certificates.mask_id(number_text),  # the full number is never kept
        "personInCharge": _text(person_in_charge, "personInCharge", required=True, limit=50),
        "contact": _text(contact, "contact", required=True, limit=100),
        "issuedOn": today.isoformat(),
    }
    content = _text(content, "content", limit=MAX_REASON)
    period = (
        None if period_from is None else period_from.isoformat(),
        None if period_until is None else period_until.isoformat(),
    )
    request = _request(
        info, "issueServiceCertificate", key, volunteer=volunteer, organization=organization,
        worker=worker, props=props, period=period, content=content,
    )  # fmt: skip
    return await certificate_steps.issue_certificate(
        info.context.store, request, certificates.new_number(today), props, volunteer=volunteer,
        worker=worker, organization=organization, period=period, content=content,
    )  # fmt: skip


async def revoke_service_certificate(
    info: Info, key: str | None, *, number: str, reason: str, social_worker_id: str | None = None
) -> Done:
    number = number.strip().upper()
    if not certificates.is_number(number):
        raise BadUserInput("That is not a certificate number (ZYFW-YYYYMMDD-XXXXXXXXXX).")
    why = _text(reason, "reason", required=True, limit=MAX_REASON)
    worker = _verifier(info, social_worker_id)
    request = _request(info, "revokeServiceCertificate", key, number=number, worker=worker)
    return await certificate_steps.revoke_certificate(
        info.context.store, request, number, worker, why
    )


# --- organization evaluations --------------------------------------------------------------

MAX_SCORE = 1000


async def record_organization_evaluation(
    info: Info,
    key: str | None,
    *,
    organization_id: str,
    grade: Any,
    score: Decimal,
    evaluator: str,
    evaluated_on: dt.date,
    valid_until: dt.date,
) -> Done:
    organization = _id(organization_id, "Organization", "organizationId")
    if not Decimal(0) <= score <= MAX_SCORE:
        raise BadUserInput(f"`score` must be between 0 and {MAX_SCORE}.")
    today = dt.datetime.now(LOCAL_TIME).date()
    if evaluated_on > today:
        raise BadUserInput("`evaluatedOn` must not be in the future.")
    if valid_until <= evaluated_on:
        raise BadUserInput("`validUntil` must be after `evaluatedOn`.")
    props = {
        "grade": int(getattr(grade, "value", grade)),
        "score": float(score),
        "evaluator": _text(evaluator, "evaluator", required=True),
        "evaluatedOn": evaluated_on.isoformat(),
        "validUntil": valid_until.isoformat(),
    }
    request = _request(
        info, "recordOrganizationEvaluation", key, organization=organization, props=props
    )
    return await evaluations.record_evaluation(
        info.context.store,
        request,
        workflows.new_id("evaluation"),
        organization,
        props,
        today.isoformat(),
    )


async def record_incubation(
    info: Info,
    key: str | None,
    *,
    organization_id: str,
    hub_id: str,
    stage: Any,
    since: dt.date | None = None,
) -> Done:
    organization = _id(organization_id, "Organization", "organizationId")
    hub = _id(hub_id, "Organization", "hubId")
    today = dt.datetime.now(LOCAL_TIME).date()
    if since is not None and since > today:
        raise BadUserInput("`since` must not be in the future.")
    value = str(getattr(stage, "value", stage))
    day = since.isoformat() if since is not None else None
    request = _request(
        info, "recordIncubation", key, organization=organization, hub=hub, stage=value, since=day
    )
    return await workflows.record_incubation(
        info.context.store,
        request,
        organization=organization,
        hub=hub,
        stage=value,
        since=day,
        today=today.isoformat(),
    )


async def organization_evaluations(info: Info, organization: str) -> list[Any]:
    return await evaluation_history.evaluations(info.context.store, organization)


# --- a volunteer's certificates --------------------------------------------------------------


async def volunteer_certificates(info: Info, volunteer: str) -> list[Any]:
    """A volunteer's certificates (revoked included, latest first), for whom
    ``policy.reads_certificates`` admits; anyone else is refused the same way whether the
    volunteer has certificates or not."""
    access = info.context.access
    grants = await access.grants()
    communities: frozenset[str] = frozenset()
    if grants.communities:
        communities = await access.loaders.communities("Volunteer").load(volunteer)
    if not policy.reads_certificates(access.viewer, grants, volunteer, communities):
        raise Forbidden(
            "A volunteer's certificates are read by the volunteer, a social worker covering a "
            "community they serve, or an administrator."
        )
    return await stored_certificates.of_volunteer(info.context.store, volunteer)
