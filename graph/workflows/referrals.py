"""Referrals (转介) between organizations: PENDING, then ACCEPTED or DECLINED, then COMPLETED."""

from __future__ import annotations

from graph.engine.store import GraphStore
from graph.events import Change
from graph.workflows.guards import Lock, Then, step
from graph.workflows.runner import (
    NEED_NOT_ACTIVE,
    Done,
    Request,
    missing,
    new_id,
    perform,
    refused,
)

REFER = step(
    "workflows.refer",
    locks=Lock("need", "Need", "need"),
    reads="""
    OPTIONAL MATCH (source:Organization {id: $from})
    OPTIONAL MATCH (target:Organization {id: $to})
    OPTIONAL MATCH (open:Referral)-[:ABOUT]->(need)
    WHERE open.status IN ['PENDING', 'ACCEPTED'] AND (open)-[:TO]->(target)
    OPTIONAL MATCH (who:Resident)-[:HAS_NEED]->(need)
    """,
    keep="need, source, target, count(open) AS alreadyOpen, "
    "count(who.consentWithdrawnOn) AS withdrawn",
    problems=[
        ("need IS NULL", "NEED_NOT_FOUND", missing("need", "{need}")),
        ("source IS NULL", "FROM_NOT_FOUND", missing("organization", "{from}")),
        ("target IS NULL", "TO_NOT_FOUND", missing("organization", "{to}")),
        (
            "source = target",
            "SAME_ORGANIZATION",
            refused("An organization cannot refer a need to itself."),
        ),
        ("NOT need.status IN $active", "NEED_NOT_ACTIVE", NEED_NOT_ACTIVE),
    ],
    then=Then(
        "need, source, target",
        [
            (
                "alreadyOpen > 0",
                "ALREADY_REFERRED",
                refused("That need is already referred to that organization and still open there."),
            ),
            # A resident who withdrew consent is not sent to another organization (PRIVACY.md).
            (
                "withdrawn > 0",
                "CONSENT_WITHDRAWN",
                refused(
                    "This resident has withdrawn consent: their needs are served by the station "
                    "covering them and are not referred to other organizations."
                ),
            ),
        ],
    ),
    write="CREATE (n:Referral {id: $id, status: 'PENDING', reason: $reason, createdAt: $at}) "
    "CREATE (source)-[:REFERRED]->(n) CREATE (n)-[:TO]->(target) "
    "CREATE (n)-[:ABOUT]->(need)",
    result="$id",
)

ANSWER_REFERRAL = step(
    "workflows.answer_referral",
    locks=Lock("ref", "Referral", "referral"),
    reads="OPTIONAL MATCH (ref)-[:TO]->(target:Organization)",
    keep="ref, target",
    problems=[
        ("ref IS NULL", "REFERRAL_NOT_FOUND", missing("referral", "{referral}")),
        (
            "$organization IS NOT NULL AND target.id <> $organization",
            "NOT_RECIPIENT",
            refused("Only the organization a need was referred to answers it."),
        ),
        # answered where the step is taken, naming the statuses it may be taken from
        ("NOT ref.status IN $from_statuses", "WRONG_STATUS"),
    ],
    write="SET ref.status = $status, ref.outcome = coalesce($outcome, ref.outcome) "
    "FOREACH (t IN CASE WHEN $status = 'COMPLETED' THEN [] ELSE [1] END | "
    "SET ref.respondedAt = $at) "
    "FOREACH (t IN CASE WHEN $status = 'COMPLETED' THEN [1] ELSE [] END | "
    "SET ref.completedAt = $at)",
    result="$referral",
    returns="ref.status AS status",
)


async def refer(
    store: GraphStore,
    request: Request,
    *,
    need: str,
    source: str,
    target: str,
    reason: str | None,
    referral: str | None = None,
) -> Done:
    """Refer ``need``; the referral's id is a new one unless given (the demo names its own)."""
    referral = referral or new_id("referral")
    return await perform(
        store,
        REFER,
        {"id": referral, "need": need, "from": source, "to": target, "reason": reason},
        request,
        referral,
        change=Change(
            "NEED_REFERRED", "Referral", {"Need": [need], "Organization": [source, target]}
        ),
    )


# status reached -> statuses it may be reached from
REFERRAL_STEPS = {
    "ACCEPTED": ("PENDING",),
    "DECLINED": ("PENDING",),
    "COMPLETED": ("ACCEPTED",),
}


async def answer_referral(
    store: GraphStore,
    request: Request,
    *,
    referral: str,
    status: str,
    outcome: str | None,
    organization: str | None = None,
) -> Done:
    allowed = REFERRAL_STEPS[status]
    return await perform(
        store,
        ANSWER_REFERRAL,
        {
            "referral": referral,
            "status": status,
            "outcome": outcome,
            "organization": organization,
            "from_statuses": list(allowed),
        },
        request,
        referral,
        {
            "WRONG_STATUS": refused(
                f"Only a referral that is {' or '.join(allowed)} can become {status}."
            ),
        },
        change=Change(f"REFERRAL_{status}", "Referral"),
    )
