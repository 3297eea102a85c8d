"""Attendance (签到/签退) at what a volunteer attends: a recruitment they signed up for, or a need
they are assigned to (a visit to the resident). Check-in and check-out by an attendance code or
by location; no-shows marked after a recruitment; and the hours of a check-out proposed as a
service record that waits in the verification queue (docs/GROUND.md).

One set of steps, parametrised by what is attended (:class:`Attended`): each kind says how its
node is locked, which tie of the volunteer's carries the attendance, where the check-in place is
and how far from it counts, what more its check-in and check-out refuse, how the minutes are
counted and where the proposed record hangs. The shape — the tie's checks first, then the code,
then the location, the record only for time served — is written once, in :func:`_check_in` and
:func:`_check_out`.

A recruitment's sign-up (``SIGNED_UP``) keeps its one check-in and check-out: when, how
(``CODE``/``LOCATION``), the code's id (so a code is used once) and ``attendance`` (CHECKED_IN,
ATTENDED, NO_SHOW). An assignment (``ASSIGNED``) is visited again and again: it keeps the open
visit's check-in (cleared at check-out), the last check-out and its minutes, and the codes used
that could still be valid (``codes``: ``"<expiry>:<id>"``, pruned at each step), so a code is used
once there too. A location is used for the check inside the statement and never stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore, Record
from graph.events import Change
from graph.model import vocab
from graph.model.services import LOCAL_TIME, PART_HOURS, WEEKDAYS, slot_hours
from graph.workflows.guards import Lock, Problems, each_ok, guarded
from graph.workflows.runner import NEED_STATE, Done, Request, missing, perform, refused

HERE = "point({latitude: $latitude, longitude: $longitude})"

# A visit to a need closes this long after its check-in: a check-in older than that has lapsed
# (a forgotten check-out proposes no day-long record; a new check-in replaces it).
VISIT = dt.timedelta(hours=8)

# A visit is checked in at the need's time (docs/GROUND.md): one of its weekly slots, or its
# one-off appointment (from its start for its duration), give or take GRACE. Half an hour is the
# recruitment's (check-in opens 30 minutes before an activity, resolvers/attendance.py): a
# volunteer on foot or by bus is early or late by that much, and a resident expecting someone on
# Tuesday morning still expects them at 12:20; a check-in further out is not that visit, and is
# recorded by the social worker (recordService) if it happened. A need with no time of its own
# (none can be reported so; older or imported ones may) is visited in the day: from the first
# part of a day's start to the last one's end (8:00–21:00), with the same grace.
GRACE = dt.timedelta(minutes=30)
DAYTIME = (min(h for h, _ in PART_HOURS.values()), max(h for _, h in PART_HOURS.values()))

# Only the location method reads the place; the code method sends a placeholder point. A place
# the statement cannot measure from refuses a location check (NO_PLACE).
LOCATED = [
    ("$method = 'LOCATION' AND place IS NULL", "NO_PLACE"),
    ("$method = 'LOCATION' AND NOT $$within(place, " + HERE + ", radius)", "TOO_FAR"),
]

# The codes an assignment keeps: those used that have not expired yet, and the one used now.
KEPT_CODES = (
    "[c IN coalesce(s.codes, []) WHERE toInteger(split(c, ':')[0]) >= $epoch] "
    "+ CASE WHEN $code IS NULL THEN [] ELSE [toString($expires) + ':' + $code] END"
)
CODE_USED = (
    "$code IS NOT NULL AND any(c IN coalesce(s.codes, []) WHERE c ENDS WITH (':' + $code))",
    "CODE_USED",
)


@dataclass(frozen=True)
class Attended:
    """What a volunteer attends, as the check-in and check-out statements need it.

    ``reads`` match the volunteer ``v`` and their tie ``s`` to the locked node, and end with a
    ``WITH`` carrying ``place`` (the point checked against) and ``radius`` (metres);
    ``found`` the problems of the node and the tie; ``in_problems`` what else refuses a check-in;
    ``checked_in`` whether ``s`` holds a check-in that a new one may not replace;
    ``out_problems`` what else refuses a check-out; ``served``
    the seconds a check-out counts; ``record`` the proposed record's ties (``r`` the record,
    ``x`` the volunteer) and ``title`` its title; ``check_in``/``check_out`` what the tie keeps.
    """

    kind: str
    lock: Lock
    reads: str
    carry: str  # what the reads' WITH carries besides place and radius
    found: Problems
    in_problems: Problems
    checked_in: str
    out_problems: Problems
    served: str
    record: str
    title: str
    check_in: str
    check_out: str
    codes: bool  # whether the tie keeps a list of used codes (else its state refuses a replay)
    where: str  # the place as the refusals name it (never where it is, nor how far)
    shows: str = ""  # what a check-in returns, for its refusal's message (its time)


RECRUITMENT = Attended(
    kind="Recruitment",
    lock=Lock("rec", "Recruitment", "recruitment"),
    reads="""
    OPTIONAL MATCH (v:Volunteer {id: $volunteer})-[s:SIGNED_UP]->(rec)
    OPTIONAL MATCH (rec)-[:LOCATED_AT]->(venue:Venue)
    WITH seen, rec, v, s, venue.location AS place,
         coalesce(venue.checkInRadiusMeters, $radius) AS radius
    """,
    carry="rec, v, s",
    found=[
        ("rec IS NULL", "RECRUITMENT_NOT_FOUND"),
        ("s IS NULL OR s.status <> 'SIGNED_UP'", "NOT_SIGNED_UP"),
    ],
    in_problems=[],  # its window is checked before the graph (resolvers/attendance.py)
    checked_in="s.checkedInAt IS NOT NULL",
    out_problems=[("s.checkedOutAt IS NOT NULL", "ALREADY_CHECKED_OUT")],
    # From check-in (not before the start) to check-out (not after the end).
    served="CASE WHEN $epoch < $ends THEN $epoch ELSE $ends END "
    "- CASE WHEN s.checkInEpoch > $starts THEN s.checkInEpoch ELSE $starts END",
    record="CREATE (r)-[:AT]->(rec)",
    title="rec.title",
    check_in="s.checkInCode = $code, s.attendance = 'CHECKED_IN'",
    check_out="s.checkOutCode = $code, s.attendance = 'ATTENDED', s.minutes = minutes",
    codes=False,
    where="the venue",
)

# Not the need's time (params from :func:`visit_time`): the appointment's start to its end, or one
# of the weekly slots open now, or the day for a need with neither; each give or take $grace.
NOT_NOW = """NOT (CASE
        WHEN need.oneOffAt IS NOT NULL THEN
            localdatetime($at) >= localdatetime(need.oneOffAt) - duration({minutes: $grace})
            AND localdatetime($at) <= localdatetime(need.oneOffAt)
                + duration({minutes: coalesce(need.durationMinutes, 60) + $grace})
        WHEN size(coalesce(need.slots, [])) > 0 THEN any(x IN need.slots WHERE x IN $open)
        ELSE $daytime END)"""

# A visit to the resident: the place is her home (read by the statement, never returned), the
# radius the default; the need must be open to check in; a check-in older than $visit has lapsed
# (a new one replaces it; it cannot be checked out). The record is what recordService records for
# an assigned volunteer: FOR the need, OF_CATEGORY its category.
NEED = Attended(
    kind="Need",
    lock=Lock("need", "Need", "need"),
    reads="""
    OPTIONAL MATCH (v:Volunteer {id: $volunteer})-[s:ASSIGNED]->(need)
    OPTIONAL MATCH (home:Resident)-[:HAS_NEED]->(need)
    OPTIONAL MATCH (need)-[:OF_CATEGORY]->(cat:ServiceCategory)
    WITH seen, need, v, s, cat, home.location AS place, $radius AS radius
    """,
    carry="need, v, s, cat",
    found=[("need IS NULL", "NEED_NOT_FOUND"), ("s IS NULL", "NOT_ASSIGNED")],
    in_problems=[("NOT need.status IN $active", "NEED_NOT_ACTIVE"), (NOT_NOW, "NOT_VISIT_TIME")],
    checked_in="s.checkInEpoch IS NOT NULL AND $epoch - s.checkInEpoch <= $visit",
    out_problems=[("$epoch - s.checkInEpoch > $visit", "VISIT_LAPSED")],
    served="$epoch - s.checkInEpoch",
    record="CREATE (r)-[:FOR]->(need) FOREACH (c IN CASE WHEN cat IS NULL THEN [] ELSE [cat] END "
    "| CREATE (r)-[:OF_CATEGORY]->(c))",
    title="need.title",
    check_in="s.codes = " + KEPT_CODES,
    # The record a check-out proposes (none for less than a minute) puts a matched need in
    # service, as recordService's does
    # (at the check-out, not the check-in: a status everyone who sees the need reads must not
    # tell that someone is at the home right now).
    check_out="s.codes = " + KEPT_CODES + ", s.minutes = minutes, "
    "s.checkedInAt = null, s.checkInEpoch = null, s.checkInBy = null, "
    "need.status = CASE WHEN need.status = 'MATCHED' AND minutes > 0 THEN 'IN_SERVICE' "
    "ELSE need.status END",
    codes=True,
    where="the resident's home",
    shows="need.slots AS slots, need.oneOffAt AS oneOffAt, need.durationMinutes AS durationMinutes",
)


def _check_in(a: Attended) -> Any:
    return guarded(
        f"workflows.check_in.{a.kind.lower()}",
        locks=a.lock,
        reads=a.reads,
        keep=f"{a.carry}, place, radius",
        problems=[
            *a.found,
            *a.in_problems,
            *([CODE_USED] if a.codes else []),
            (a.checked_in, "ALREADY_CHECKED_IN"),
            *LOCATED,
        ],
        write="SET s.checkedInAt = $at, s.checkInEpoch = $epoch, s.checkInBy = $method, "
        + a.check_in,
        result=f"${a.lock.param}",
        returns=a.shows,
    )


def _check_out(a: Attended) -> Any:
    """The hours: ``served`` seconds as whole minutes, proposed as a record performed by the
    volunteer, titled as what was attended, unreviewed; none when no whole minute was served."""
    return guarded(
        f"workflows.check_out.{a.kind.lower()}",
        locks=a.lock,
        reads=a.reads + f"WITH seen, {a.carry}, place, radius, {a.served} AS seconds",
        keep=f"{a.carry}, place, radius, toInteger(seconds / 60) AS minutes",
        problems=[
            *a.found,
            *([CODE_USED] if a.codes else []),
            ("s.checkInEpoch IS NULL", "NOT_CHECKED_IN"),
            *a.out_problems,
            *LOCATED,
        ],
        each=each_ok(
            "CASE WHEN minutes > 0 THEN [v] ELSE [] END",
            "CREATE (r:ServiceRecord {id: $record, date: $date, minutes: minutes, "
            f"beneficiaries: 1, title: {a.title}, note: $note}}) CREATE (x)-[:PERFORMED]->(r) "
            + a.record,
        ),
        write="SET s.checkedOutAt = $at, s.checkOutBy = $method, " + a.check_out,
        result=f"${a.lock.param}",
        returns="minutes",
    )


ATTENDED = {a.kind: a for a in (RECRUITMENT, NEED)}
STEPS = {a.kind: (_check_in(a), _check_out(a)) for a in ATTENDED.values()}

MARK_NO_SHOWS = guarded(
    "workflows.mark_no_shows",
    locks=RECRUITMENT.lock,
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

# The refusals' messages: none names the place, the distance or the radius's centre.
REFUSALS = {
    "NOT_SIGNED_UP": refused("That volunteer is not signed up for this recruitment."),
    "NOT_ASSIGNED": refused("That volunteer is not assigned to this need; assign them first."),
    **NEED_STATE,
    "CODE_USED": refused("That attendance code was already used; a code works once."),
    "ALREADY_CHECKED_IN": refused("Already checked in; a code works once."),
    "NOT_CHECKED_IN": refused("Check in first."),
    "ALREADY_CHECKED_OUT": refused("Already checked out; a code works once."),
    "VISIT_LAPSED": refused(
        "That check-in has lapsed (a visit closes 8 hours after it); check in again, or ask the "
        "social worker to record the service."
    ),
}


def visit_time(at: dt.datetime) -> dict[str, Any]:
    """What a visit's check-in statement needs to tell whether ``at`` is the need's time: the
    weekly slots open then (their hours that day, give or take :data:`GRACE`), whether it is in
    the day (:data:`DAYTIME`, for a need with no time), the grace in minutes. Slots are local
    time (Asia/Shanghai); an appointment is compared with ``$at`` in the statement."""
    local = _local(at)
    hours = [(s.value, slot_hours(s, local.date())) for s in vocab.WeeklySlot]
    day = _day(local.date())
    return {
        "open": [s for s, h in hours if h is not None and h[0] - GRACE <= local <= h[1] + GRACE],
        "daytime": day[0] - GRACE <= local <= day[1] + GRACE,
        "grace": int(GRACE.total_seconds() // 60),
    }


def _local(at: dt.datetime) -> dt.datetime:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(LOCAL_TIME)


def _day(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return tuple(dt.datetime.combine(day, dt.time(h), LOCAL_TIME) for h in DAYTIME)  # type: ignore[return-value]


def _instant(value: Any) -> dt.datetime:
    """A stored instant (an ISO text, UTC, or a datetime) as an aware datetime."""
    found = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return found if found.tzinfo else found.replace(tzinfo=dt.UTC)


def _shown(at: dt.datetime) -> str:
    local = _local(at)
    return f"{vocab.DAYS[WEEKDAYS[local.weekday()]][0]} {local:%Y-%m-%d %H:%M}"


def _hours(start: int, end: int) -> str:
    return f"{start}:00–{end}:00"


def not_visit_time(at: dt.datetime) -> Any:
    """The refusal of a check-in at ``at``, outside the need's time: it says when a visit may
    start (the next time check-in opens, China time; ``opensAt`` in UTC), from the need's time
    the statement returned. Only someone assigned to the need, or a social worker covering it,
    gets this far (the tie is checked first), and both read the need's time anyway."""

    def refuse(row: Record) -> Exception:
        local = _local(at)
        slots, one_off = row.get("slots") or [], row.get("oneOffAt")
        grace = f"{int(GRACE.total_seconds() // 60)} minutes"
        if one_off is not None:
            start = _instant(one_off)
            end = start + dt.timedelta(minutes=row.get("durationMinutes") or 60)
            opens: dt.datetime | None = start - GRACE
            if opens is not None and local < opens:
                message = (
                    f"This visit is the appointment on {_shown(start)} (China time): check in "
                    f"from {grace} before it, {_shown(start - GRACE)}, until {grace} after it "
                    f"ends, {_shown(end + GRACE)}."
                )
            else:
                opens = None
                message = (
                    f"This visit was the appointment on {_shown(start)} (China time); its check-in "
                    f"closed {grace} after it ended. Ask the social worker to record the service, "
                    "or to give the need a new time."
                )
        else:
            windows = []
            for days in range(8):
                day = local.date() + dt.timedelta(days=days)
                if slots:
                    windows += [h for s in slots if (h := slot_hours(s, day)) is not None]
                else:
                    windows.append(_day(day))
            opens = min(w[0] - GRACE for w in windows if w[0] - GRACE > local)
            if slots:
                times = ", ".join(
                    f"{vocab.DAYS[d][0]} {_hours(*PART_HOURS[p])}"
                    for d, p in sorted(
                        (str(s).split("_") for s in slots),
                        key=lambda dp: (WEEKDAYS.index(dp[0]), PART_HOURS[dp[1]]),
                    )
                )
                message = (
                    f"A visit to this need is checked in at its times ({times}, China time), "
                    f"from {grace} before until {grace} after each: the next opens "
                    f"{_shown(opens)}."
                )
            else:
                message = (
                    "This need has no time set: a visit is checked in during the day "
                    f"({_hours(*DAYTIME)} China time, from {grace} before until {grace} after): "
                    f"the next opens {_shown(opens)}."
                )
        return GraphRejected(
            message,
            extensions={
                "reason": "NOT_VISIT_TIME",
                "opensAt": None if opens is None else opens.astimezone(dt.UTC).isoformat(),
            },
        )

    return refuse


async def check(
    store: GraphStore,
    request: Request,
    *,
    kind: str,
    out: bool,
    target: str,
    volunteer: str,
    params: Mapping[str, Any],
) -> Done:
    """Check ``volunteer`` in (or ``out``) of ``target``, a recruitment or need (``kind``):
    ``params`` carry the method, the code's id and expiry, the point (used, never stored), the
    radius and the times as epoch seconds."""
    attended = ATTENDED[kind]
    return await perform(
        store,
        STEPS[attended.kind][1 if out else 0],
        {attended.lock.param: target, "volunteer": volunteer, **visit_time(params["at"]), **params},
        request,
        target,
        {
            "RECRUITMENT_NOT_FOUND": missing("recruitment", target),
            "NEED_NOT_FOUND": missing("need", target),
            **REFUSALS,
            "NO_PLACE": refused(
                f"There is no location of {attended.where} to check in at; use an attendance code."
            ),
            "TOO_FAR": refused(f"You are not at {attended.where} (beyond the check-in radius)."),
            "NOT_VISIT_TIME": not_visit_time(params["at"]),
        },
        change=Change(
            "CHECKED_OUT" if out else "CHECKED_IN",
            attended.kind,
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
