"""Organization evaluation records (社会组织评估): each evaluation is kept (the history), and the
organization's ``rating`` — what the organization filters and sorts read — is the grade of its
latest evaluation while that is still valid.

An evaluation is an ``OrganizationEvaluation`` node keyed by its id, naming its organization by
id (kept by backups with the service's bookkeeping, graph/io/export.py), so the history survives
whatever happens to the organization's own properties.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.engine.store import GraphStore
from graph.events import Change
from graph.workflows.guards import Lock, guarded
from graph.workflows.runner import Done, Request, missing, perform, refused

# The latest evaluation (by its date; a later record of the same date wins) sets the current
# grade; an older one recorded late joins the history only. An expired latest one clears it.
RECORD_EVALUATION = guarded(
    "workflows.record_evaluation",
    locks=Lock("o", "Organization", "organization"),
    reads="""
    OPTIONAL MATCH (e:OrganizationEvaluation {organization: $organization})
    WITH seen, o, max(e.evaluatedOn) AS latest
    """,
    keep="o, latest",
    problems=[("o IS NULL", "ORGANIZATION_NOT_FOUND")],
    write="CREATE (e:OrganizationEvaluation {id: $id}) SET e += $props, "
    "e.organization = o.id, e.at = $at, e.by = $by "
    "SET o.rating = CASE WHEN latest IS NOT NULL AND $evaluatedOn < latest THEN o.rating "
    "WHEN $validUntil < $today THEN null ELSE $grade END",
    result="$organization",
)


async def record_evaluation(
    store: GraphStore,
    request: Request,
    evaluation: str,
    organization: str,
    props: Mapping[str, Any],
    today: str,
) -> Done:
    return await perform(
        store,
        RECORD_EVALUATION,
        {
            "id": evaluation,
            "organization": organization,
            "props": dict(props),
            "evaluatedOn": props["evaluatedOn"],
            "validUntil": props["validUntil"],
            "grade": props["grade"],
            "today": today,
        },
        request,
        organization,
        {"ORGANIZATION_NOT_FOUND": missing("organization", organization)},
        change=Change("ORGANIZATION_EVALUATED", "Organization"),
    )


# A grade whose validity ran out after it was recorded: the daily sweep (app.expire_grades) clears
# it, one organization at a time under its lock. Only when the latest evaluation (as above) has
# expired and the grade is still that evaluation's; the evaluation stays in the history.
EXPIRE_GRADE = guarded(
    "workflows.expire_grade",
    locks=Lock("o", "Organization", "organization"),
    reads="""
    OPTIONAL MATCH (e:OrganizationEvaluation {organization: $organization})
    WITH seen, o, e ORDER BY e.evaluatedOn DESC, e.at DESC
    WITH seen, o, collect(e) AS history
    WITH seen, o, CASE WHEN size(history) = 0 THEN null ELSE history[0] END AS latest
    """,
    keep="o, latest",
    problems=[
        ("o IS NULL", "ORGANIZATION_NOT_FOUND"),
        (
            "latest IS NULL OR o.rating IS NULL OR o.rating <> latest.grade "
            "OR latest.validUntil >= $today",
            "NOT_EXPIRED",
        ),
    ],
    write="SET o.rating = null",
    result="$organization",
)


async def expire_grade(store: GraphStore, request: Request, organization: str, today: str) -> Done:
    """Clear an organization's grade once its latest evaluation's validity has run out (``today``
    is the local date, ISO); refused as NOT_EXPIRED when it has not (re-evaluated meanwhile)."""
    return await perform(
        store,
        EXPIRE_GRADE,
        {"organization": organization, "today": today},
        request,
        organization,
        {
            "ORGANIZATION_NOT_FOUND": missing("organization", organization),
            "NOT_EXPIRED": refused("The organization's grade is still valid."),
        },
        change=Change("GRADE_EXPIRED", "Organization"),
    )
