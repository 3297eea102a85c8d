"""Referrals (转介) between organizations: PENDING, then ACCEPTED or DECLINED, then COMPLETED."""

from __future__ import annotations

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.events import Change
from graph.workflows.guards import OUTCOME, locked, remember, unlock, when_ok
from graph.workflows.runner import NEED_STATE, Done, Request, missing, new_id, perform, refused

REFER = cypher(
    "workflows.refer",
    f"""
    {locked("need", "Need", "need")}
    OPTIONAL MATCH (source:Organization {{id: $from}})
    OPTIONAL MATCH (target:Organization {{id: $to}})
    OPTIONAL MATCH (open:Referral)-[:ABOUT]->(need)
    WHERE open.status IN ['PENDING', 'ACCEPTED'] AND (open)-[:TO]->(target)
    WITH seen, need, source, target, count(open) AS alreadyOpen, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN need IS NULL THEN 'NEED_NOT_FOUND'
        WHEN source IS NULL THEN 'FROM_NOT_FOUND'
        WHEN target IS NULL THEN 'TO_NOT_FOUND'
        WHEN source = target THEN 'SAME_ORGANIZATION'
        WHEN NOT need.status IN $active THEN 'NEED_NOT_ACTIVE'
        ELSE NULL
    END AS problem
    WITH seen, need, source, target, CASE WHEN problem IS NULL AND alreadyOpen > 0
                                          THEN 'ALREADY_REFERRED' ELSE problem END AS problem
    {
        when_ok(
            "CREATE (n:Referral {id: $id, status: 'PENDING', reason: $reason, createdAt: $at}) "
            "CREATE (source)-[:REFERRED]->(n) CREATE (n)-[:TO]->(target) "
            "CREATE (n)-[:ABOUT]->(need) " + remember("$id")
        )
    }
    {unlock("need")}
    RETURN {OUTCOME}
    """,
)

ANSWER_REFERRAL = cypher(
    "workflows.answer_referral",
    f"""
    {locked("ref", "Referral", "referral")}
    OPTIONAL MATCH (ref)-[:TO]->(target:Organization)
    WITH seen, ref, target, CASE
        WHEN seen IS NOT NULL THEN 'REPLAY'
        WHEN ref IS NULL THEN 'REFERRAL_NOT_FOUND'
        WHEN $organization IS NOT NULL AND target.id <> $organization THEN 'NOT_RECIPIENT'
        WHEN NOT ref.status IN $from_statuses THEN 'WRONG_STATUS'
    END AS problem
    {
        when_ok(
            "SET ref.status = $status, ref.outcome = coalesce($outcome, ref.outcome) "
            "FOREACH (t IN CASE WHEN $status = 'COMPLETED' THEN [] ELSE [1] END | "
            "SET ref.respondedAt = $at) "
            "FOREACH (t IN CASE WHEN $status = 'COMPLETED' THEN [1] ELSE [] END | "
            "SET ref.completedAt = $at) " + remember("$referral")
        )
    }
    {unlock("ref")}
    RETURN {OUTCOME}, ref.status AS status
    """,
)


async def refer(
    store: GraphStore,
    request: Request,
    *,
    need: str,
    source: str,
    target: str,
    reason: str | None,
) -> Done:
    referral = new_id("referral")
    return await perform(
        store,
        REFER,
        {"id": referral, "need": need, "from": source, "to": target, "reason": reason},
        request,
        referral,
        {
            "NEED_NOT_FOUND": missing("need", need),
            "FROM_NOT_FOUND": missing("organization", source),
            "TO_NOT_FOUND": missing("organization", target),
            "SAME_ORGANIZATION": refused("An organization cannot refer a need to itself."),
            **NEED_STATE,
            "ALREADY_REFERRED": refused(
                "That need is already referred to that organization and still open there."
            ),
        },
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
            "REFERRAL_NOT_FOUND": missing("referral", referral),
            "NOT_RECIPIENT": refused("Only the organization a need was referred to answers it."),
            "WRONG_STATUS": refused(
                f"Only a referral that is {' or '.join(allowed)} can become {status}."
            ),
        },
        change=Change(f"REFERRAL_{status}", "Referral"),
    )
