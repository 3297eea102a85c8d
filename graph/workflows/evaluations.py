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
from graph.workflows.runner import Done, Request, missing, perform

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
