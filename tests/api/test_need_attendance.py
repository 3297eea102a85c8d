"""A weekly visit to 林婆婆 attended on the ground: the volunteer assigned to her need checks in
and out with the code her social worker shows, or by being at her home; each visit's hours wait
for the social worker, who approves them into the volunteer's time bank. Everyone else's tries,
replays, expired codes and a check-in from down the street are refused and change nothing, and
no refusal says where her home is or how far away the volunteer was.

A visit keeps to the need's time: her Tuesday mornings, or an appointment, give or take half an
hour (tried at set moments through the graph step, which takes the time it is given, and at the
real time through the API with an appointment set around it). Closing her need while 陈叔 is
there ends his visit and proposes its hours."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest

from access import attendance
from access.tokens import Role
from api.ids import from_global_id
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.cypher import dynamic
from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from graph.model.services import LOCAL_TIME
from graph.workflows import Request, check, new_id
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

NEED = "need-zs-qiwan-01-visit"
LIN_VISIT = gid("Need", NEED)
REGULAR = "volunteer-zs-regular"  # 陈叔: 1 verified hour so far
ME = gid("Volunteer", REGULAR)

HOME = dynamic(
    "tests.need_attendance.home",
    """
    MATCH (home:Resident)-[:HAS_NEED]->(n:Need {id: $need})
    MATCH (other:Volunteer {status: 'ACTIVE'}) WHERE other.id <> $assigned
    WITH home, other ORDER BY other.id LIMIT 1
    RETURN home.location AS at, other.id AS other
    """,
)
# Time passes during a visit: its check-in was `minutes` ago.
LATER = dynamic(
    "tests.need_attendance.later",
    """
    MATCH (:Volunteer {id: $v})-[s:ASSIGNED]->(:Need {id: $need})
    SET s.checkInEpoch = s.checkInEpoch - $minutes * 60
    """,
)
KEPT = dynamic(
    "tests.need_attendance.kept",
    "MATCH (:Volunteer)-[s:ASSIGNED]->(:Need {id: $need}) RETURN keys(s) AS keys",
)
# The visit's state as the assignment keeps it (no API field shows it: docs/PRIVACY.md).
VISIT = dynamic(
    "tests.need_attendance.visit",
    """
    MATCH (:Volunteer {id: $v})-[s:ASSIGNED]->(:Need {id: $need})
    RETURN s.checkedInAt AS checkedInAt, s.checkInBy AS checkInBy, s.minutes AS minutes
    """,
)
HOOD = """
query ($n: ID!) { neighborhood(id: $n, depth: 1, limit: 200) { edges { type properties } } }
"""
ASSIGN = """
mutation ($need: ID!, $v: ID!) {
  assignVolunteers(needId: $need, volunteers: [{volunteerId: $v}]) { need { status } }
}
"""
CODE = """
mutation ($n: ID!, $v: ID!, $a: AttendanceAction!) {
  needAttendanceCode(needId: $n, volunteerId: $v, action: $a) { code expiresAt }
}
"""
CHECK = """
mutation ($n: ID!, $v: ID!, $code: String, $here: HereInput) {
  %s(needId: $n, volunteerId: $v, code: $code, location: $here) { replayed }
}
"""
IN, OUT = CHECK % "checkInToNeed", CHECK % "checkOutOfNeed"
VISITS = """
query ($n: ID!) { node(id: $n) { ... on Need {
  serviceRecords(first: 10) { nodes { id hours title volunteer { key } category { key } } } } } }
"""
VOLUNTEER = """
query ($v: ID!) { node(id: $v) { ... on Volunteer { verifiedHours timeBankHours } } }
"""
REVIEW = """
mutation ($d: [ReviewDecisionInput!]!) { reviewServiceRecords(decisions: $d) { replayed } }
"""
# Her visit this week is an appointment at `at` (so a test at any hour has a visit to check in to).
APPOINTMENT = """
mutation ($n: ID!, $at: DateTime!) {
  updateNeed(id: $n, input: {oneOffAt: $at}) { need { oneOffAt } }
}
"""
STATUS = "query ($n: ID!) { node(id: $n) { ... on Need { status } } }"
QUEUE = "{ serviceRecordsToReview(first: 100) { id } }"
CLOSE = 'mutation ($n: ID!) { closeNeed(id: $n, note: "林婆婆搬去女儿家") { need { status } } }'
CANCEL = "mutation ($n: ID!) { cancelNeed(id: $n) { need { status } } }"


async def _due(gql: GraphQL, minutes: float = 10) -> None:
    """Her visit is an appointment ``minutes`` from now (Asia/Shanghai, as the station gives it)."""
    at = dt.datetime.now(LOCAL_TIME).replace(microsecond=0) + dt.timedelta(minutes=minutes)
    await gql(APPOINTMENT, n=LIN_VISIT, at=at.isoformat())


def _north(at: dict[str, float], metres: float) -> dict[str, float]:
    """A point ``metres`` north of ``at`` (a degree of latitude is 111.3 km on this sphere)."""
    return {"latitude": at["latitude"] + metres / 111_317.0, "longitude": at["longitude"]}


def _says_nowhere(error: dict[str, Any], home: dict[str, float]) -> None:
    """A refusal names no distance and no coordinate: no number at all, nothing but its code."""
    assert not re.search(r"\d", error["message"]), error["message"]
    assert set(error["extensions"]) <= {"code", "reason"}, error["extensions"]


async def _visit(store: GraphStore, volunteer: str) -> dict[str, Any]:
    return (await store.read(VISIT, {"v": volunteer, "need": NEED}))[0]


async def _assigned(
    gql: GraphQL, signed_in: SignIn, store: GraphStore, *, due: float | None = 10
) -> tuple[GraphQL, dict[str, float]]:
    """陈叔 assigned to her need, her visit an appointment ``due`` minutes from now (``None``:
    left to the test): signed in as him, and where her home is."""
    await gql(ASSIGN, need=LIN_VISIT, v=ME)
    if due is not None:
        await _due(gql, due)
    home = (await store.read(HOME, {"need": NEED, "assigned": REGULAR}))[0]["at"]
    return await signed_in(Role.VOLUNTEER, REGULAR), home


async def _later(store: GraphStore, minutes: int) -> None:
    """``minutes`` pass in 陈叔's visit."""
    await store.write(LATER, {"v": REGULAR, "need": NEED, "minutes": minutes})


async def _records(gql: GraphQL) -> list[dict[str, Any]]:
    """The service records of 陈叔's visits to her."""
    state = (await gql(VISITS, n=LIN_VISIT))["node"]["serviceRecords"]["nodes"]
    return [r for r in state if r["volunteer"]["key"] == REGULAR]


async def _queue(worker: GraphQL) -> set[str]:
    """The ids of the service records waiting in a social worker's review queue."""
    return {r["id"] for r in (await worker(QUEUE))["serviceRecordsToReview"]}


async def test_a_visit_is_checked_in_and_out_and_its_hours_reach_the_time_bank(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore, settings: Settings
) -> None:
    chen, home = await _assigned(gql, signed_in, engine_store)
    other = (await engine_store.read(HOME, {"need": NEED, "assigned": REGULAR}))[0]["other"]
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    stranger = await signed_in(Role.VOLUNTEER, other)
    them = gid("Volunteer", other)

    # Refusals first; none of them writes anything.
    before = await checksum(engine_store)
    # Down the street (312 m, beyond the 300 m radius): refused without saying how far.
    far = await chen.errors(IN, n=LIN_VISIT, v=ME, here=_north(home, 312))
    assert far[0]["extensions"]["code"] == "CONFLICT" and "home" in far[0]["message"]
    _says_nowhere(far[0], home)
    # A code made ten minutes ago has expired.
    old, _ = attendance.issue(
        settings, NEED, REGULAR, attendance.Action.CHECK_IN, time.time() - 600, kind="Need"
    )
    expired = await chen.errors(IN, n=LIN_VISIT, v=ME, code=old)
    assert expired[0]["extensions"]["reason"] == "EXPIRED"
    # A recruitment's code, or a check-out code, does not check in to the visit.
    elsewhere, _ = attendance.issue(settings, "recruitment-x", REGULAR, attendance.Action.CHECK_IN)
    other_code = await chen.errors(IN, n=LIN_VISIT, v=ME, code=elsewhere)
    assert other_code[0]["extensions"]["reason"] == "OTHER_NEED"
    out_code = (await worker(CODE, n=LIN_VISIT, v=ME, a="CHECK_OUT"))["needAttendanceCode"]
    wrong = await chen.errors(IN, n=LIN_VISIT, v=ME, code=out_code["code"])
    assert wrong[0]["extensions"]["reason"] == "OTHER_ACTION"
    # Someone else: with 陈叔's code, for 陈叔, or with a code of his own while not assigned
    # (the rule of recordService: hours only for a volunteer assigned to the need).
    code = (await worker(CODE, n=LIN_VISIT, v=ME, a="CHECK_IN"))["needAttendanceCode"]
    mine = await stranger.errors(IN, n=LIN_VISIT, v=them, code=code["code"])
    assert mine[0]["extensions"]["code"] == "FORBIDDEN"
    for_him = await stranger.errors(IN, n=LIN_VISIT, v=ME, code=code["code"])
    assert for_him[0]["extensions"]["code"] == "FORBIDDEN"
    theirs = (await worker(CODE, n=LIN_VISIT, v=them, a="CHECK_IN"))["needAttendanceCode"]
    not_assigned = await worker.errors(IN, n=LIN_VISIT, v=them, code=theirs["code"])
    assert not_assigned[0]["extensions"]["code"] == "CONFLICT"
    assert "not assigned" in not_assigned[0]["message"]
    near = await worker.errors(IN, n=LIN_VISIT, v=them, here=_north(home, 10))
    assert "not assigned" in near[0]["message"]  # the tie is checked before the place
    assert await checksum(engine_store) == before

    # The first visit: in with the code the social worker shows, which works once.
    await chen(IN, n=LIN_VISIT, v=ME, code=code["code"])
    visit = await _visit(engine_store, REGULAR)
    assert visit["checkInBy"] == "CODE" and visit["checkedInAt"] is not None
    # An analyst's view of the need's neighbourhood does not say a visit is under way.
    analyst = await signed_in(Role.ANALYST, "analyst-zs-bureau")
    hood = (await analyst(HOOD, n=LIN_VISIT))["neighborhood"]["edges"]
    assigned = [e["properties"] for e in hood if e["type"] == "ASSIGNED"]
    assert assigned and not any(set(p) & {"checkedInAt", "checkInBy", "codes"} for p in assigned)
    # Nor does the need's status, which the analyst reads: it goes into service at the check-out.
    assert (await analyst(STATUS, n=LIN_VISIT))["node"]["status"] == "MATCHED"
    checked_in = await checksum(engine_store)
    replay = await chen.errors(IN, n=LIN_VISIT, v=ME, code=code["code"])
    assert replay[0]["extensions"]["code"] == "CONFLICT"
    again = await chen.errors(IN, n=LIN_VISIT, v=ME, here=_north(home, 10))
    assert again[0]["extensions"]["code"] == "CONFLICT"
    assert await checksum(engine_store) == checked_in
    # 90 minutes later, out with a fresh code; that code too works once.
    await _later(engine_store, 90)
    out = (await worker(CODE, n=LIN_VISIT, v=ME, a="CHECK_OUT"))["needAttendanceCode"]
    await chen(OUT, n=LIN_VISIT, v=ME, code=out["code"])
    assert (await analyst(STATUS, n=LIN_VISIT))["node"]["status"] == "IN_SERVICE"
    checked_out = await checksum(engine_store)
    replay_out = await chen.errors(OUT, n=LIN_VISIT, v=ME, code=out["code"])
    assert replay_out[0]["extensions"]["code"] == "CONFLICT"
    assert await checksum(engine_store) == checked_out

    # The next visit, by location: 289 m from her door is at the home, 312 m is not.
    await chen(IN, n=LIN_VISIT, v=ME, here=_north(home, 289))
    assert (await _visit(engine_store, REGULAR))["checkInBy"] == "LOCATION"
    await _later(engine_store, 30)
    in_visit = await checksum(engine_store)
    gone = await chen.errors(OUT, n=LIN_VISIT, v=ME, here=_north(home, 312))
    assert gone[0]["extensions"]["code"] == "CONFLICT"
    _says_nowhere(gone[0], home)
    assert await checksum(engine_store) == in_visit
    await chen(OUT, n=LIN_VISIT, v=ME, here=_north(home, 289))

    visit = await _visit(engine_store, REGULAR)
    assert visit["checkedInAt"] is None and visit["minutes"] == 30
    # Where he stood was used for the check and kept nowhere.
    kept = await engine_store.read(KEPT, {"need": NEED})
    assert not any("lat" in k.lower() or "lon" in k.lower() for row in kept for k in row["keys"])
    proposed = await _records(gql)
    assert sorted(r["hours"] for r in proposed) == [0.5, 1.5]
    assert all(r["category"] is not None for r in proposed)

    # The hours wait in the social worker's queue; she approves them; they reach his time bank.
    ids = [r["id"] for r in proposed]
    assert set(ids) <= await _queue(worker)
    assert (await gql(VOLUNTEER, v=ME))["node"] == {"verifiedHours": 1.0, "timeBankHours": 1.0}
    await worker(REVIEW, d=[{"recordId": i, "approve": True} for i in ids])
    assert (await gql(VOLUNTEER, v=ME))["node"] == {"verifiedHours": 3.0, "timeBankHours": 3.0}


async def test_a_forgotten_check_out_lapses_and_the_next_visit_checks_in_anew(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    chen, home = await _assigned(gql, signed_in, engine_store)
    await chen(IN, n=LIN_VISIT, v=ME, here=_north(home, 20))
    await _later(engine_store, 9 * 60)
    before = await checksum(engine_store)
    lapsed = await chen.errors(OUT, n=LIN_VISIT, v=ME, here=_north(home, 20))
    assert lapsed[0]["extensions"]["code"] == "CONFLICT" and "lapsed" in lapsed[0]["message"]
    assert await checksum(engine_store) == before
    await chen(IN, n=LIN_VISIT, v=ME, here=_north(home, 20))
    await _later(engine_store, 45)
    await chen(OUT, n=LIN_VISIT, v=ME, here=_north(home, 20))
    assert [r["hours"] for r in await _records(gql)] == [0.75]


def _key(global_id: str) -> str:
    return from_global_id(global_id)[1]


async def test_a_visit_under_a_minute_proposes_no_record_and_leaves_the_need_matched(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    # In and straight out (the door was not answered): no service record, so the need is not
    # in service either (docs/MATCHING.md: it goes into service with its first record).
    chen, home = await _assigned(gql, signed_in, engine_store)
    await chen(IN, n=LIN_VISIT, v=ME, here=_north(home, 20))
    await chen(OUT, n=LIN_VISIT, v=ME, here=_north(home, 20))
    assert await _records(gql) == []
    assert (await gql(STATUS, n=LIN_VISIT))["node"]["status"] == "MATCHED"


# --- the visit's time ------------------------------------------------------------------------


def _next_tuesday(hour: int, minute: int = 0) -> dt.datetime:
    """A moment of next week's Tuesday, China time (her visit is on Tuesday mornings, 8–12)."""
    today = dt.datetime.now(LOCAL_TIME).date()
    day = today + dt.timedelta(days=(1 - today.weekday()) % 7 + 7)
    return dt.datetime.combine(day, dt.time(hour, minute), LOCAL_TIME)


async def _step(store: GraphStore, when: dt.datetime, *, out: bool = False) -> None:
    """陈叔 checks in (or out) of her visit at ``when`` with a code his social worker showed him:
    the graph step, with what the API gives it (resolvers/attendance.py) at that moment."""
    at = when.astimezone(dt.UTC)
    epoch = int(at.timestamp())
    params = {
        "epoch": epoch, "visit": 8 * 3600, "starts": 0, "ends": 0, "method": "CODE",
        "code": new_id("code"), "expires": epoch + 120, "latitude": 0.0, "longitude": 0.0,
        "radius": 300, "record": new_id("record"), "date": when.date(), "note": "签到签退",
        "at": at,
    }  # fmt: skip
    operation = "checkOutOfNeed" if out else "checkInToNeed"
    request = Request(operation, {"need": NEED, "volunteer": REGULAR}, by=f"volunteer:{REGULAR}")
    await check(store, request, kind="Need", out=out, target=NEED, volunteer=REGULAR, params=params)


async def _refused(store: GraphStore, when: dt.datetime) -> GraphRejected:
    before = await checksum(store)
    with pytest.raises(GraphRejected) as refused:
        await _step(store, when)
    assert await checksum(store) == before
    assert refused.value.extensions["reason"] == "NOT_VISIT_TIME"
    return refused.value


async def test_a_weekly_visit_checks_in_on_its_morning_give_or_take_half_an_hour(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    await gql(ASSIGN, need=LIN_VISIT, v=ME)
    tuesday = _next_tuesday(9, 30)
    # In the morning slot, and at either end of the grace: in, and out an hour later.
    for moment in (tuesday, _next_tuesday(7, 31), _next_tuesday(12, 29)):
        await _step(engine_store, moment)
        await _step(engine_store, moment + dt.timedelta(hours=1), out=True)
    # Before the grace (7:29), after it (12:31), in the afternoon, and on Wednesday: refused,
    # nothing written, and the refusal says when check-in opens next.
    early = await _refused(engine_store, _next_tuesday(7, 29))
    assert early.extensions["opensAt"] == _next_tuesday(7, 30).astimezone(dt.UTC).isoformat()
    assert "Tuesday 8:00–12:00" in str(early) and "07:30" in str(early)
    late = await _refused(engine_store, _next_tuesday(12, 31))
    next_week = _next_tuesday(7, 30) + dt.timedelta(days=7)
    assert late.extensions["opensAt"] == next_week.astimezone(dt.UTC).isoformat()
    assert next_week.date().isoformat() in str(late)
    await _refused(engine_store, _next_tuesday(15))
    await _refused(engine_store, tuesday + dt.timedelta(days=1))
    # The three visits' hours, and nothing from the refusals.
    assert [r["hours"] for r in await _records(gql)] == [1.0, 1.0, 1.0]


async def test_an_appointment_checks_in_from_half_an_hour_before_to_half_an_hour_after(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    chen, home = await _assigned(gql, signed_in, engine_store, due=None)
    # This week's visit is at an appointment in 40 minutes: too early to check in at her door.
    await _due(gql, 40)
    before = await checksum(engine_store)
    early = await chen.errors(IN, n=LIN_VISIT, v=ME, here=_north(home, 20))
    assert early[0]["extensions"]["code"] == "CONFLICT"
    assert early[0]["extensions"]["reason"] == "NOT_VISIT_TIME"
    opens = dt.datetime.fromisoformat(early[0]["extensions"]["opensAt"])
    assert dt.timedelta(minutes=9) < opens - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=10)
    assert "appointment" in early[0]["message"]
    assert await checksum(engine_store) == before
    # Moved to 25 minutes from now: within the half hour before it, so he checks in.
    await _due(gql, 25)
    await chen(IN, n=LIN_VISIT, v=ME, here=_north(home, 20))
    await _later(engine_store, 50)
    await chen(OUT, n=LIN_VISIT, v=ME, here=_north(home, 20))
    # At set moments (the graph step): the hour's appointment is open until half an hour after
    # its end, and no longer; after that the refusal says check-in closed, and opens no more.
    start = _next_tuesday(15)
    await gql(APPOINTMENT, n=LIN_VISIT, at=start.isoformat())
    await _step(engine_store, start + dt.timedelta(minutes=89))
    await _step(engine_store, start + dt.timedelta(minutes=100), out=True)
    closed = await _refused(engine_store, start + dt.timedelta(minutes=91))
    assert closed.extensions["opensAt"] is None and "closed" in str(closed)
    hours = sorted(r["hours"] for r in await _records(gql))
    assert len(hours) == 2 and hours[1] == round(50 / 60, 2)


# --- a need closed during a visit ----------------------------------------------------------


async def test_closing_a_need_during_a_visit_ends_it_and_proposes_its_hours(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    chen, home = await _assigned(gql, signed_in, engine_store)
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    await chen(IN, n=LIN_VISIT, v=ME, here=_north(home, 20))
    await _later(engine_store, 40)
    # She moves to her daughter's while he is there: the social worker closes the need.
    assert (await worker(CLOSE, n=LIN_VISIT))["closeNeed"]["need"]["status"] == "CLOSED"
    # His visit ended then: no check-in open, its 40 minutes proposed, waiting in her queue;
    # the need stays CLOSED (closing wins over a check-out's IN_SERVICE).
    visit = await _visit(engine_store, REGULAR)
    assert visit["checkedInAt"] is None and visit["minutes"] == 40
    proposed = await _records(gql)
    assert [r["hours"] for r in proposed] == [round(40 / 60, 2)]
    assert proposed[0]["category"] is not None
    assert proposed[0]["id"] in await _queue(worker)
    assert (await gql(STATUS, n=LIN_VISIT))["node"]["status"] == "CLOSED"
    # Nothing is left for him to check out of.
    after = await checksum(engine_store)
    assert await chen.errors(OUT, n=LIN_VISIT, v=ME, here=_north(home, 20))
    assert await checksum(engine_store) == after


async def test_cancelling_a_need_ends_a_visit_under_a_minute_without_a_record(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    chen, home = await _assigned(gql, signed_in, engine_store)
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    await chen(IN, n=LIN_VISIT, v=ME, here=_north(home, 20))
    assert (await worker(CANCEL, n=LIN_VISIT))["cancelNeed"]["need"]["status"] == "CANCELLED"
    visit = await _visit(engine_store, REGULAR)
    assert visit["checkedInAt"] is None and visit["minutes"] == 0
    assert await _records(gql) == []
