"""The verification queue's bulk review (批量审核): a covering social worker approves or declines
many service records at once, all or none, in one guarded statement.

All or none, because a batch is one decision the worker takes looking at one screen: if one
record of it cannot be reviewed (not found, another community's, already reviewed), answering
"some done" would leave the worker to work out which; the refusal lists every record that
stopped it (``details``) and nothing is written. Approving does what ``verifyService`` does for
each record (a VERIFIED edge, an EARNED time-bank entry, the volunteer's verified minutes and
star level, summed per volunteer over the batch); declining keeps the record and writes a
DECLINED edge, and the reason on the record (free text, read as its note is); nothing is ever
deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.people import STAR_THRESHOLDS_HOURS
from graph.workflows.guards import guarded, lock, when_ok
from graph.workflows.runner import Done, Request, missing, perform, refused_items

# The communities a record is reviewed in: its need's, or its recruitment's for hours proposed
# from attendance (a record of neither has none, so no social worker covers it; an
# administrator verifies it with verifyService).
REVIEW_SERVICE = guarded(
    "workflows.review_service",
    reads=f"""
    OPTIONAL MATCH (w:SocialWorker {{id: $worker}})
    WITH seen, w
    UNWIND $items AS item
    OPTIONAL MATCH (rec:ServiceRecord {{id: item.id}})
    OPTIONAL MATCH (v:Volunteer)-[:PERFORMED]->(rec)
    {lock("rec")}
    {lock("v")}
    WITH seen, w, item, rec, v
    OPTIONAL MATCH (rec)-[:FOR|AT]->()-[:IN]->(c:Community)<-[cov:COVERS]-(w)
    OPTIONAL MATCH (:SocialWorker)-[done:VERIFIED]->(rec)
    OPTIONAL MATCH (:SocialWorker)-[no:DECLINED]->(rec)
    WITH seen, w, item, rec, v, count(DISTINCT cov) AS covering, count(DISTINCT done) AS approved,
         count(DISTINCT no) AS declined
    WITH seen, w, item, rec, v, CASE
        WHEN rec IS NULL THEN 'NOT_FOUND'
        WHEN v IS NULL THEN 'WITHOUT_VOLUNTEER'
        WHEN covering = 0 THEN 'NOT_COVERING'
        WHEN approved > 0 THEN 'ALREADY_APPROVED'
        WHEN declined > 0 THEN 'ALREADY_DECLINED'
    END AS itemProblem
    WITH seen, w, v, collect(rec) AS vrecs, collect(v) AS vowners,
         collect({{id: item.id, approve: item.approve, reason: item.reason,
                   problem: itemProblem}}) AS vchecks,
         sum(CASE WHEN item.approve AND rec IS NOT NULL THEN rec.minutes ELSE 0 END) AS gained
    WITH seen, w, collect(v) AS vols, collect(gained) AS gains, collect(vrecs) AS recLists,
         collect(vowners) AS ownerLists, collect(vchecks) AS checkLists
    WITH seen, w, vols, gains, reduce(a = [], l IN recLists | a + l) AS recs,
         reduce(a = [], l IN ownerLists | a + l) AS owners,
         reduce(a = [], l IN checkLists | a + l) AS checks
    """,
    keep="w, vols, gains, recs, owners, checks",
    problems=[
        ("w IS NULL", "WORKER_NOT_FOUND"),
        ("any(c IN checks WHERE c.problem IS NOT NULL)", "RECORDS_REFUSED"),
    ],
    # recs, owners and checks are in the same order, and none is missing when there is no
    # problem (every record found, with its volunteer).
    each=when_ok(
        "FOREACH (i IN range(0, size(recs) - 1) | "
        "FOREACH (x IN CASE WHEN checks[i].approve THEN [recs[i]] ELSE [] END | "
        "FOREACH (v IN [owners[i]] | "
        "CREATE (w)-[:VERIFIED {at: $at}]->(x) "
        "CREATE (e:TimeBankEntry {id: $entry + '-' + toString(i), minutes: x.minutes, "
        "kind: 'EARNED', at: $at}) CREATE (v)-[:HOLDS]->(e) CREATE (e)-[:EARNED_BY]->(x))) "
        "FOREACH (x IN CASE WHEN checks[i].approve THEN [] ELSE [recs[i]] END | "
        "CREATE (w)-[:DECLINED {at: $at}]->(x) SET x.declineReason = checks[i].reason))"
    ),
    # The star level from the minutes before the batch plus the batch's, then the minutes.
    write="FOREACH (i IN range(0, size(vols) - 1) | FOREACH (v IN [vols[i]] | "
    "SET v.starLevel = size([t IN $thresholds "
    "WHERE coalesce(v.verifiedMinutes, 0) + gains[i] >= t * 60]) "
    "SET v.verifiedMinutes = coalesce(v.verifiedMinutes, 0) + gains[i]))",
    result="$first",
    unlocks=["FOREACH (x IN recs | REMOVE x._lock)", "FOREACH (x IN vols | REMOVE x._lock)"],
    returns="[c IN checks WHERE c.problem IS NOT NULL] AS refused, "
    "[c IN checks | c.id] AS reviewed",
)

# Why one record could not be reviewed, for the `details` of the refusal.
REFUSALS = {
    "NOT_FOUND": "There is no such service record.",
    "WITHOUT_VOLUNTEER": "The record names no volunteer.",
    "NOT_COVERING": "It was not given in a community you cover (or in none).",
    "ALREADY_APPROVED": "It is already approved.",
    "ALREADY_DECLINED": "It was already declined; a new record is needed.",
}

_REFUSED = refused_items(
    "recordId", REFUSALS, "Nothing was reviewed: some records cannot be reviewed."
)


async def review_service(
    store: GraphStore,
    request: Request,
    worker: str,
    items: Sequence[Mapping[str, Any]],
    entry: str,
) -> Done:
    """Approve or decline ``items`` (``{id, approve, reason}``) as ``worker``, all or none."""
    ordered = sorted(items, key=lambda item: item["id"])  # one lock order (Neo4j)
    return await perform(
        store,
        REVIEW_SERVICE,
        {
            "worker": worker,
            "items": [dict(item) for item in ordered],
            "first": ordered[0]["id"],
            "entry": entry,
            "thresholds": list(STAR_THRESHOLDS_HOURS),
        },
        request,
        ordered[0]["id"],
        {
            "WORKER_NOT_FOUND": missing("social worker", worker),
            "RECORDS_REFUSED": _REFUSED,
        },
        change=Change(
            "SERVICE_REVIEWED",
            "ServiceRecord",
            {"SocialWorker": [worker], "ServiceRecord": [i["id"] for i in ordered]},
        ),
    )
