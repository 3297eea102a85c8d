"""Service certificates (志愿服务记录证明, 民政部令第67号; 民发〔2015〕149号): issued by the
organization whose social workers approved the hours, revoked but never deleted.

A certificate is a snapshot: what it printed is what it keeps (name, masked ID, volunteer
number, period, content, hours, issuer), so it reads the same after the records change; it is
a ``ServiceCertificate`` node keyed by its number, with the ids it speaks of as properties
(a backup keeps it as the service's own bookkeeping, graph/io/export.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore
from graph.events import Change
from graph.workflows.guards import Lock, step
from graph.workflows.runner import Done, Request, missing, perform, refused

WORKER_NOT_FOUND = missing("social worker", "{worker}")

# Only approved hours count, and only those its own social workers approved: an organization
# certifies the service it recorded (67号令 第十五条).
ISSUE_CERTIFICATE = step(
    "workflows.issue_certificate",
    reads="""
    OPTIONAL MATCH (v:Volunteer {id: $volunteer})
    OPTIONAL MATCH (w:SocialWorker {id: $worker})
    OPTIONAL MATCH (o:Organization {id: $organization})
    OPTIONAL MATCH (w)-[employed:EMPLOYED_BY]->(o)
    WITH seen, v, w, o, employed
    OPTIONAL MATCH (v)-[:PERFORMED]->(rec:ServiceRecord)<-[:VERIFIED]-(:SocialWorker)
                   -[:EMPLOYED_BY]->(o)
    WHERE ($from IS NULL OR rec.date >= $from) AND ($until IS NULL OR rec.date <= $until)
    OPTIONAL MATCH (rec)-[:OF_CATEGORY]->(cat:ServiceCategory)
    WITH seen, v, w, o, employed, collect(DISTINCT rec) AS recs,
         collect(DISTINCT coalesce(cat.name, rec.title)) AS kinds
    """,
    keep="v, w, o, employed, recs, kinds",
    problems=[
        ("v IS NULL", "VOLUNTEER_NOT_FOUND", missing("volunteer", "{volunteer}")),
        ("w IS NULL", "WORKER_NOT_FOUND", WORKER_NOT_FOUND),
        ("o IS NULL", "ORGANIZATION_NOT_FOUND", missing("organization", "{organization}")),
        (
            "employed IS NULL",
            "NOT_EMPLOYER",
            refused(
                "A certificate is issued in the name of the organization that employs the "
                "issuing social worker."
            ),
        ),
        (
            "size(recs) = 0",
            "NO_APPROVED_HOURS",
            (
                GraphRejected,
                "The volunteer has no hours approved by this organization's social workers in "
                "that period; only approved hours are certified.",
            ),
        ),
    ],
    write="CREATE (c:ServiceCertificate {id: $number}) SET c += $props, "
    "c.volunteer = v.id, c.name = v.name, c.volunteerNo = v.volunteerNo, "
    "c.minutes = reduce(m = 0, r IN recs | m + r.minutes), "
    "c.records = [r IN recs | r.id], "
    "c.periodFrom = reduce(d = head(recs).date, r IN recs | "
    "CASE WHEN r.date < d THEN r.date ELSE d END), "
    "c.periodUntil = reduce(d = head(recs).date, r IN recs | "
    "CASE WHEN r.date > d THEN r.date ELSE d END), "
    "c.content = coalesce($content, reduce(s = '', k IN kinds | "
    "s + CASE WHEN s = '' THEN '' ELSE '、' END + k)), "
    "c.organization = o.id, c.organizationName = o.name, "
    "c.worker = w.id, c.handler = w.name, c.status = 'VALID', c.issuedAt = $at",
    result="$number",
)

REVOKE_CERTIFICATE = step(
    "workflows.revoke_certificate",
    locks=Lock("c", "ServiceCertificate", "number"),
    reads="""
    OPTIONAL MATCH (w:SocialWorker {id: $worker})
    OPTIONAL MATCH (w)-[employed:EMPLOYED_BY]->(o:Organization) WHERE o.id = c.organization
    """,
    keep="c, w, employed",
    problems=[
        ("c IS NULL", "CERTIFICATE_NOT_FOUND", missing("service certificate", "{number}")),
        ("w IS NULL", "WORKER_NOT_FOUND", WORKER_NOT_FOUND),
        (
            "employed IS NULL",
            "NOT_ISSUER",
            refused("Only a social worker of the issuing organization may revoke its certificate."),
        ),
        (
            "c.status = 'REVOKED'",
            "ALREADY_REVOKED",
            refused("That certificate is already revoked."),
        ),
    ],
    write="SET c.status = 'REVOKED', c.revokedAt = $at, c.revokedBy = $worker, "
    "c.revokeReason = $reason",
    result="$number",
)


async def issue_certificate(
    store: GraphStore,
    request: Request,
    number: str,
    props: Mapping[str, Any],
    *,
    volunteer: str,
    worker: str,
    organization: str,
    period: tuple[str | None, str | None],
    content: str | None,
) -> Done:
    return await perform(
        store,
        ISSUE_CERTIFICATE,
        {
            "number": number,
            "props": dict(props),
            "volunteer": volunteer,
            "worker": worker,
            "organization": organization,
            "from": period[0],
            "until": period[1],
            "content": content,
        },
        request,
        number,
        change=Change(
            "CERTIFICATE_ISSUED",
            "ServiceCertificate",
            {"Volunteer": [volunteer], "SocialWorker": [worker], "Organization": [organization]},
        ),
    )


async def revoke_certificate(
    store: GraphStore, request: Request, number: str, worker: str, reason: str
) -> Done:
    return await perform(
        store,
        REVOKE_CERTIFICATE,
        {"number": number, "worker": worker, "reason": reason},
        request,
        number,
        change=Change("CERTIFICATE_REVOKED", "ServiceCertificate", {"SocialWorker": [worker]}),
    )
