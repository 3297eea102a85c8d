"""Attendance at a recruitment (签到/签退): check-in and check-out on the volunteer's sign-up, by
an attendance code or by location; no-shows marked after the activity; and the hours of a
check-out proposed as a service record that waits in the verification queue (docs/GROUND.md).

The sign-up (``SIGNED_UP``) keeps what attendance needs: when, how (``CODE``/``LOCATION``), the
code's id (so a code is used once) and ``attendance`` (CHECKED_IN, ATTENDED, NO_SHOW). A location
is used for the check inside the statement and never stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.engine.store import GraphStore
from graph.events import Change
from graph.workflows.guards import Lock, each_ok, guarded
from graph.workflows.runner import Done, Request, missing, perform, refused

RECRUITMENT = Lock("rec", "Recruitment", "recruitment")
HERE = "point({latitude: $latitude, longitude: $longitude})"

_READS = """
    OPTIONAL MATCH (v:Volunteer {id: $volunteer})-[s:SIGNED_UP]->(rec)
    OPTIONAL MATCH (rec)-[:LOCATED_AT]->(venue:Venue)
"""
_COMMON = [
    ("rec IS NULL", "RECRUITMENT_NOT_FOUND"),
    ("s IS NULL OR s.status <> 'SIGNED_UP'", "NOT_SIGNED_UP"),
]
# Only the location method reads the venue; the code method sends a placeholder point. The
# venue's own radius (checkInRadiusMeters) wins over the default $radius.
_WHERE = [
    ("$method = 'LOCATION' AND venue IS NULL", "NO_VENUE"),
    (
        "$method = 'LOCATION' AND NOT $$within(venue.location, "
        + HERE
        + ", coalesce(venue.checkInRadiusMeters, $radius))",
        "TOO_FAR",
    ),
]

CHECK_IN = guarded(
    "workflows.check_in",
    locks=RECRUITMENT,
    reads=_READS,
    keep="rec, v, s, venue",
    problems=[
        *_COMMON,
        ("s.checkedInAt IS NOT NULL", "ALREADY_CHECKED_IN"),
        *_WHERE,
    ],
    write="SET s.checkedInAt = $at, s.checkInEpoch = $epoch, s.checkInBy = $method, "
    "s.checkInCode = $code, s.attendance = 'CHECKED_IN'",
    result="$recruitment",
)

# The hours: from check-in (not before the start) to check-out (not after the end), whole
# minutes; proposed as a record of the recruitment, performed by the volunteer, unreviewed.
CHECK_OUT = guarded(
    "workflows.check_out",
    locks=RECRUITMENT,
    reads=_READS
    + """
    WITH seen, rec, v, s, venue,
         CASE WHEN $epoch < $ends THEN $epoch ELSE $ends END
         - CASE WHEN s.checkInEpoch > $starts THEN s.checkInEpoch ELSE $starts END AS seconds
    """,
    keep="rec, v, s, venue, toInteger(seconds / 60) AS minutes",
    problems=[
        *_COMMON,
        ("s.checkedInAt IS NULL", "NOT_CHECKED_IN"),
        ("s.checkedOutAt IS NOT NULL", "ALREADY_CHECKED_OUT"),
        *_WHERE,
    ],
    each=each_ok(
        "CASE WHEN minutes > 0 THEN [v] ELSE [] END",
        "CREATE (r:ServiceRecord {id: $record, date: $date, minutes: minutes, beneficiaries: 1, "
        "title: rec.title, note: $note}) CREATE (x)-[:PERFORMED]->(r) CREATE (r)-[:AT]->(rec)",
    ),
    write="SET s.checkedOutAt = $at, s.checkOutBy = $method, s.checkOutCode = $code, "
    "s.attendance = 'ATTENDED', s.minutes = minutes",
    result="$recruitment",
    returns="minutes",
)

MARK_NO_SHOWS = guarded(
    "workflows.mark_no_shows",
    locks=RECRUITMENT,
    reads="""
    OPTIONAL MATCH (:Volunteer)-[s:SIGNED_UP {status: 'SIGNED_UP'}]->(rec)
    WHERE s.checkedInAt IS NULL AND s.attendance IS NULL
    WITH seen, rec, collect(s) AS absent
    """,
    keep="rec, absent",
    problems=[("rec IS NULL", "RECRUITMENT_NOT_FOUND"), ("$epoch < $ends", "NOT_ENDED")],
    each=each_ok("absent", "SET x.attendance = 'NO_SHOW', x.noShowAt = $at"),
    write="SET rec.attendanceClosedAt = $at",
    result="$recruitment",
    returns="size(absent) AS marked",
)

REFUSALS = {
    "NOT_SIGNED_UP": refused("That volunteer is not signed up for this recruitment."),
    "NO_VENUE": refused("This recruitment has no venue to check in at; use an attendance code."),
    "TOO_FAR": refused("You are not at the venue (beyond its check-in radius)."),
}


async def check(
    store: GraphStore,
    request: Request,
    *,
    out: bool,
    recruitment: str,
    volunteer: str,
    params: Mapping[str, Any],
) -> Done:
    """Check ``volunteer`` in (or ``out``) of ``recruitment``: ``params`` carry the method, the
    code's id, the point (used, never stored) and the times as epoch seconds."""
    return await perform(
        store,
        CHECK_OUT if out else CHECK_IN,
        {"recruitment": recruitment, "volunteer": volunteer, **params},
        request,
        recruitment,
        {
            "RECRUITMENT_NOT_FOUND": missing("recruitment", recruitment),
            **REFUSALS,
            "ALREADY_CHECKED_IN": refused("Already checked in; a code works once."),
            "NOT_CHECKED_IN": refused("Check in first."),
            "ALREADY_CHECKED_OUT": refused("Already checked out; a code works once."),
        },
        change=Change(
            "CHECKED_OUT" if out else "CHECKED_IN",
            "Recruitment",
            # A check-out proposes a service record (when any time was served): the queue's
            # live feed hears of it through the event (docs/LIVE.md).
            {"Volunteer": [volunteer], "ServiceRecord": [params["record"]] if out else []},
        ),
    )


async def mark_no_shows(
    store: GraphStore, request: Request, recruitment: str, epoch: int, ends: int
) -> Done:
    return await perform(
        store,
        MARK_NO_SHOWS,
        {"recruitment": recruitment, "epoch": epoch, "ends": ends},
        request,
        recruitment,
        {
            "RECRUITMENT_NOT_FOUND": missing("recruitment", recruitment),
            "NOT_ENDED": refused("The activity has not ended yet; mark no-shows after it."),
        },
        change=Change("NO_SHOWS_MARKED", "Recruitment"),
    )
