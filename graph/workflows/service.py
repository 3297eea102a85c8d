"""Service records, their verification, and the time bank: verified hours raise a volunteer's
star level and are credited to their time bank, which pays only for services to their family.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.people import STAR_THRESHOLDS_HOURS
from graph.model.services import LOCAL_TIME
from graph.workflows.guards import Lock, Then, checked, lock, step, unlock
from graph.workflows.runner import Done, Request, missing, new_id, perform, refused

# What a service record may say, whoever records it (recordService, a spreadsheet of hours):
# more than nothing and at most a day's hours, given within the last year and not in the future.
MAX_SERVICE_HOURS = 24
RECORDABLE_DAYS = 366


def service_minutes(hours: Decimal, high: int = MAX_SERVICE_HOURS) -> int:
    """``hours`` as whole minutes; ValueError unless more than 0 and at most ``high`` hours."""
    try:
        minutes = int((hours * 60).to_integral_value())
    except (InvalidOperation, ValueError):
        raise ValueError("must be a number of hours") from None
    if not 0 < hours <= high or minutes < 1:
        raise ValueError(f"must be more than 0 and at most {high} hours")
    return minutes


def service_date_problem(date: dt.date, today: dt.date | None = None) -> str | None:
    """``FUTURE`` or ``TOO_OLD`` when a service of ``date`` cannot be recorded (China's today)."""
    today = today or dt.datetime.now(LOCAL_TIME).date()
    if date > today:
        return "FUTURE"
    if date < today - dt.timedelta(days=RECORDABLE_DAYS):
        return "TOO_OLD"
    return None


def _record_reads(locking: bool) -> str:
    return f"""
    OPTIONAL MATCH (v:Volunteer {{id: $volunteer}})
    OPTIONAL MATCH (need:Need {{id: $need}})
    {lock("need") if locking else ""}
    WITH seen, v, need
    OPTIONAL MATCH (v)-[assigned:ASSIGNED]->(need)
    OPTIONAL MATCH (need)-[:OF_CATEGORY]->(needCategory:ServiceCategory)
    OPTIONAL MATCH (given:ServiceCategory {{id: $category}})
    OPTIONAL MATCH (p:Project {{id: $project}})
    """


_RECORD_KEEP = "v, need, assigned, coalesce(given, needCategory) AS cat, given, p"
# recordService's rules about the graph, in the order they are checked: the step's statement
# and the check an import runs on each row before writing (RECORD_SERVICE_CHECK) both use them.
VOLUNTEER_NOT_FOUND = missing("volunteer", "{volunteer}")
NEED_NOT_FOUND = missing("need", "{need}")
RECORD_SERVICE_PROBLEMS = (
    ("v IS NULL", "VOLUNTEER_NOT_FOUND", VOLUNTEER_NOT_FOUND),
    ("$need IS NOT NULL AND need IS NULL", "NEED_NOT_FOUND", NEED_NOT_FOUND),
    (
        "$category IS NOT NULL AND given IS NULL",
        "CATEGORY_NOT_FOUND",
        missing("service category", "{category}"),
    ),
    ("$project IS NOT NULL AND p IS NULL", "PROJECT_NOT_FOUND", missing("project", "{project}")),
    (
        "need IS NOT NULL AND assigned IS NULL",
        "NOT_ASSIGNED",
        refused("Volunteer {volunteer} is not assigned to need {need}; assign them first."),
    ),
    (
        "need IS NULL AND given IS NULL",
        "CATEGORY_REQUIRED",
        (GraphRejected, "Say which service category it was, or which need it served."),
    ),
)

# The first service given for a need moves it from MATCHED into IN_SERVICE (the need's life:
# OPEN -> MATCHED -> IN_SERVICE -> CLOSED); the need is locked so that a closing or a cancelling
# at the same moment is not overwritten. ``$once`` (an imported row, docs/INTAKE.md): the
# volunteer's service for the need on that day is recorded once, checked under that lock, so two
# imports of one row at once record it once whoever makes them (the idempotency key answers a
# retry only, of one organisation: another's key tells nothing).
RECORD_SERVICE = step(
    "workflows.record_service",
    reads=_record_reads(locking=True),
    keep=_RECORD_KEEP,
    problems=[
        *RECORD_SERVICE_PROBLEMS,
        (
            "$once AND need IS NOT NULL AND size([(v)-[:PERFORMED]->(done:ServiceRecord)"
            "-[:FOR]->(need) WHERE done.date = $props.date | done.id]) > 0",
            "ALREADY_RECORDED",
            refused("Volunteer {volunteer} already has a record for need {need} on that day."),
        ),
    ],
    write="CREATE (n:ServiceRecord {id: $id}) SET n += $props "
    "CREATE (v)-[:PERFORMED]->(n) CREATE (n)-[:OF_CATEGORY]->(cat) "
    "FOREACH (x IN CASE WHEN need IS NULL THEN [] ELSE [need] END | CREATE (n)-[:FOR]->(x)) "
    "FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | CREATE (n)-[:PART_OF]->(x)) "
    "FOREACH (x IN CASE WHEN need.status = 'MATCHED' THEN [need] ELSE [] END "
    "| SET x.status = 'IN_SERVICE')",
    result="$id",
    unlocks=[unlock("need")],
)

# What recordService would refuse now, read-only: a spreadsheet of hours checks each row with it
# (its dry run included); the write itself still goes through RECORD_SERVICE, which checks again.
RECORD_SERVICE_CHECK = checked(
    "workflows.record_service_check",
    reads=_record_reads(locking=False),
    keep=_RECORD_KEEP,
    problems=RECORD_SERVICE_PROBLEMS,
)

VERIFY_SERVICE = step(
    "workflows.verify_service",
    locks=Lock("rec", "ServiceRecord", "record"),
    reads=f"""
    OPTIONAL MATCH (v:Volunteer)-[:PERFORMED]->(rec)
    {lock("v")}
    WITH seen, rec, v
    OPTIONAL MATCH (w:SocialWorker {{id: $worker}})
    OPTIONAL MATCH (:SocialWorker)-[done:VERIFIED]->(rec)
    OPTIONAL MATCH (:SocialWorker)-[no:DECLINED]->(rec)
    OPTIONAL MATCH (rec)-[:FOR|AT]->()-[:IN]->(c:Community)
    OPTIONAL MATCH (w)-[covers:COVERS]->(c)
    """,
    keep="rec, v, w, count(DISTINCT done) AS verified, count(DISTINCT no) AS declined, c, covers",
    problems=[
        ("rec IS NULL", "RECORD_NOT_FOUND", missing("service record", "{record}")),
        ("w IS NULL", "WORKER_NOT_FOUND", missing("social worker", "{worker}")),
        ("v IS NULL", "RECORD_WITHOUT_VOLUNTEER", refused("That record names no volunteer.")),
        (
            "c IS NOT NULL AND covers IS NULL",
            "NOT_COVERING",
            refused(
                "Social worker {worker} does not cover the community where the service was "
                "given; its own social worker verifies it."
            ),
        ),
    ],
    then=Then(
        "rec, v, w, declined, coalesce(v.verifiedMinutes, 0) + coalesce(rec.minutes, 0) AS total",
        [
            (
                "verified > 0",
                "ALREADY_VERIFIED",
                refused("That service record is already verified."),
            ),
            (
                "declined > 0",
                "ALREADY_DECLINED",
                refused(
                    "That service record was declined; its hours never count (record them anew)."
                ),
            ),
        ],
    ),
    write="CREATE (w)-[:VERIFIED {at: $at}]->(rec) "
    "SET v.verifiedMinutes = total, "
    "v.starLevel = size([t IN $thresholds WHERE total >= t * 60]) "
    "CREATE (e:TimeBankEntry {id: $entry, minutes: rec.minutes, kind: 'EARNED', at: $at}) "
    "CREATE (v)-[:HOLDS]->(e) CREATE (e)-[:EARNED_BY]->(rec)",
    result="$record",
    unlocks=[unlock("v")],
)

SPEND_CREDITS = step(
    "workflows.spend_credits",
    locks=Lock("v", "Volunteer", "volunteer"),
    reads="""
    OPTIONAL MATCH (v)-[:HOLDS]->(entry:TimeBankEntry)
    WITH seen, v, coalesce(sum(entry.minutes), 0) AS balance
    OPTIONAL MATCH (need:Need {id: $need})
    OPTIONAL MATCH (v)-[family:FAMILY_OF]->(:Resident)-[:HAS_NEED]->(need)
    """,
    keep="v, balance, need, family",
    problems=[
        ("v IS NULL", "VOLUNTEER_NOT_FOUND", VOLUNTEER_NOT_FOUND),
        ("need IS NULL", "NEED_NOT_FOUND", NEED_NOT_FOUND),
        (
            "family IS NULL",
            "NOT_FAMILY",
            refused(
                "Time-bank credits pay only for services to the volunteer or their family; "
                "that need's resident is not recorded as family."
            ),
        ),
        (
            "balance < $minutes",
            "INSUFFICIENT_CREDITS",
            lambda row: GraphRejected(
                f"Not enough time-bank credit: the balance is {int(row['balance'])} minutes."
            ),
        ),
    ],
    write="CREATE (e:TimeBankEntry {id: $id, minutes: -$minutes, kind: 'SPENT', at: $at, "
    "note: $note}) CREATE (v)-[:HOLDS]->(e) CREATE (e)-[:SPENT_ON]->(need)",
    result="$id",
    returns="balance",
)


async def record_service(
    store: GraphStore,
    request: Request,
    record_id: str,
    props: Mapping[str, Any],
    *,
    volunteer: str,
    need: str | None,
    category: str | None,
    project: str | None,
    once: bool = False,
) -> Done:
    """``once``: refused (``ALREADY_RECORDED``) when the volunteer already has a record for the
    need on that day, as an imported row is (docs/INTAKE.md "Natural key")."""
    return await perform(
        store,
        RECORD_SERVICE,
        {
            "id": record_id,
            "props": dict(props),
            "volunteer": volunteer,
            "need": need,
            "category": category,
            "project": project,
            "once": once,
        },
        request,
        record_id,
        change=Change(
            "SERVICE_RECORDED", "ServiceRecord", {"Volunteer": [volunteer], "Need": [need]}
        ),
    )


async def verify_service(store: GraphStore, request: Request, record: str, worker: str) -> Done:
    entry = new_id("credit")
    return await perform(
        store,
        VERIFY_SERVICE,
        {
            "record": record,
            "worker": worker,
            "entry": entry,
            "thresholds": list(STAR_THRESHOLDS_HOURS),
        },
        request,
        record,
        change=Change(
            "SERVICE_VERIFIED",
            "ServiceRecord",
            {"SocialWorker": [worker], "TimeBankEntry": [entry]},
        ),
    )


async def spend_credits(
    store: GraphStore,
    request: Request,
    *,
    volunteer: str,
    need: str,
    minutes: int,
    note: str | None,
) -> Done:
    entry = new_id("credit")
    return await perform(
        store,
        SPEND_CREDITS,
        {"id": entry, "volunteer": volunteer, "need": need, "minutes": minutes, "note": note},
        request,
        entry,
        change=Change("CREDITS_SPENT", "TimeBankEntry", {"Volunteer": [volunteer], "Need": [need]}),
    )
