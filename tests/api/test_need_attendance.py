"""A weekly visit to 林婆婆 attended on the ground: the volunteer assigned to her need checks in
and out with the code her social worker shows, or by being at her home; each visit's hours wait
for the social worker, who approves them into the volunteer's time bank. Everyone else's tries,
replays, expired codes and a check-in from down the street are refused and change nothing, and
no refusal says where her home is or how far away the volunteer was."""

from __future__ import annotations

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
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

NEED = "need-zs-qiwan-01-visit"
LIN_VISIT = gid("Need", NEED)
REGULAR = "volunteer-zs-regular"  # 陈叔: 1 verified hour so far

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


def _north(at: dict[str, float], metres: float) -> dict[str, float]:
    """A point ``metres`` north of ``at`` (a degree of latitude is 111.3 km on this sphere)."""
    return {"latitude": at["latitude"] + metres / 111_317.0, "longitude": at["longitude"]}


def _says_nowhere(error: dict[str, Any], home: dict[str, float]) -> None:
    """A refusal names no distance and no coordinate: no number at all, nothing but its code."""
    assert not re.search(r"\d", error["message"]), error["message"]
    assert set(error["extensions"]) <= {"code", "reason"}, error["extensions"]


async def _visit(store: GraphStore, volunteer: str) -> dict[str, Any]:
    return (await store.read(VISIT, {"v": volunteer, "need": NEED}))[0]


async def test_a_visit_is_checked_in_and_out_and_its_hours_reach_the_time_bank(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore, settings: Settings
) -> None:
    await gql(ASSIGN, need=LIN_VISIT, v=gid("Volunteer", REGULAR))
    found = (await engine_store.read(HOME, {"need": NEED, "assigned": REGULAR}))[0]
    home, other = found["at"], found["other"]
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    chen = await signed_in(Role.VOLUNTEER, REGULAR)
    stranger = await signed_in(Role.VOLUNTEER, other)
    me, them = gid("Volunteer", REGULAR), gid("Volunteer", other)

    # Refusals first; none of them writes anything.
    before = await checksum(engine_store)
    # Down the street (312 m, beyond the 300 m radius): refused without saying how far.
    far = await chen.errors(IN, n=LIN_VISIT, v=me, here=_north(home, 312))
    assert far[0]["extensions"]["code"] == "CONFLICT" and "home" in far[0]["message"]
    _says_nowhere(far[0], home)
    # A code made ten minutes ago has expired.
    old, _ = attendance.issue(
        settings, NEED, REGULAR, attendance.Action.CHECK_IN, time.time() - 600, kind="Need"
    )
    expired = await chen.errors(IN, n=LIN_VISIT, v=me, code=old)
    assert expired[0]["extensions"]["reason"] == "EXPIRED"
    # A recruitment's code, or a check-out code, does not check in to the visit.
    elsewhere, _ = attendance.issue(settings, "recruitment-x", REGULAR, attendance.Action.CHECK_IN)
    other_code = await chen.errors(IN, n=LIN_VISIT, v=me, code=elsewhere)
    assert other_code[0]["extensions"]["reason"] == "OTHER_NEED"
    out_code = (await worker(CODE, n=LIN_VISIT, v=me, a="CHECK_OUT"))["needAttendanceCode"]
    wrong = await chen.errors(IN, n=LIN_VISIT, v=me, code=out_code["code"])
    assert wrong[0]["extensions"]["reason"] == "OTHER_ACTION"
    # Someone else: with 陈叔's code, for 陈叔, or with a code of his own while not assigned
    # (the rule of recordService: hours only for a volunteer assigned to the need).
    code = (await worker(CODE, n=LIN_VISIT, v=me, a="CHECK_IN"))["needAttendanceCode"]
    mine = await stranger.errors(IN, n=LIN_VISIT, v=them, code=code["code"])
    assert mine[0]["extensions"]["code"] == "FORBIDDEN"
    for_him = await stranger.errors(IN, n=LIN_VISIT, v=me, code=code["code"])
    assert for_him[0]["extensions"]["code"] == "FORBIDDEN"
    theirs = (await worker(CODE, n=LIN_VISIT, v=them, a="CHECK_IN"))["needAttendanceCode"]
    not_assigned = await worker.errors(IN, n=LIN_VISIT, v=them, code=theirs["code"])
    assert not_assigned[0]["extensions"]["code"] == "CONFLICT"
    assert "not assigned" in not_assigned[0]["message"]
    near = await worker.errors(IN, n=LIN_VISIT, v=them, here=_north(home, 10))
    assert "not assigned" in near[0]["message"]  # the tie is checked before the place
    assert await checksum(engine_store) == before

    # The first visit: in with the code the social worker shows, which works once.
    await chen(IN, n=LIN_VISIT, v=me, code=code["code"])
    visit = await _visit(engine_store, REGULAR)
    assert visit["checkInBy"] == "CODE" and visit["checkedInAt"] is not None
    # An analyst's view of the need's neighbourhood does not say a visit is under way.
    analyst = await signed_in(Role.ANALYST, "analyst-zs-bureau")
    hood = (await analyst(HOOD, n=LIN_VISIT))["neighborhood"]["edges"]
    assigned = [e["properties"] for e in hood if e["type"] == "ASSIGNED"]
    assert assigned and not any(set(p) & {"checkedInAt", "checkInBy", "codes"} for p in assigned)
    # Nor does the need's status, which the analyst reads: it goes into service at the check-out.
    status = "query ($n: ID!) { node(id: $n) { ... on Need { status } } }"
    assert (await analyst(status, n=LIN_VISIT))["node"]["status"] == "MATCHED"
    checked_in = await checksum(engine_store)
    replay = await chen.errors(IN, n=LIN_VISIT, v=me, code=code["code"])
    assert replay[0]["extensions"]["code"] == "CONFLICT"
    again = await chen.errors(IN, n=LIN_VISIT, v=me, here=_north(home, 10))
    assert again[0]["extensions"]["code"] == "CONFLICT"
    assert await checksum(engine_store) == checked_in
    # 90 minutes later, out with a fresh code; that code too works once.
    await engine_store.write(LATER, {"v": REGULAR, "need": NEED, "minutes": 90})
    out = (await worker(CODE, n=LIN_VISIT, v=me, a="CHECK_OUT"))["needAttendanceCode"]
    await chen(OUT, n=LIN_VISIT, v=me, code=out["code"])
    assert (await analyst(status, n=LIN_VISIT))["node"]["status"] == "IN_SERVICE"
    checked_out = await checksum(engine_store)
    replay_out = await chen.errors(OUT, n=LIN_VISIT, v=me, code=out["code"])
    assert replay_out[0]["extensions"]["code"] == "CONFLICT"
    assert await checksum(engine_store) == checked_out

    # The next visit, by location: 289 m from her door is at the home, 312 m is not.
    await chen(IN, n=LIN_VISIT, v=me, here=_north(home, 289))
    assert (await _visit(engine_store, REGULAR))["checkInBy"] == "LOCATION"
    await engine_store.write(LATER, {"v": REGULAR, "need": NEED, "minutes": 30})
    in_visit = await checksum(engine_store)
    gone = await chen.errors(OUT, n=LIN_VISIT, v=me, here=_north(home, 312))
    assert gone[0]["extensions"]["code"] == "CONFLICT"
    _says_nowhere(gone[0], home)
    assert await checksum(engine_store) == in_visit
    await chen(OUT, n=LIN_VISIT, v=me, here=_north(home, 289))

    visit = await _visit(engine_store, REGULAR)
    assert visit["checkedInAt"] is None and visit["minutes"] == 30
    # Where he stood was used for the check and kept nowhere.
    kept = await engine_store.read(KEPT, {"need": NEED})
    assert not any("lat" in k.lower() or "lon" in k.lower() for row in kept for k in row["keys"])
    state = (await gql(VISITS, n=LIN_VISIT))["node"]["serviceRecords"]["nodes"]
    proposed = [r for r in state if r["volunteer"]["key"] == REGULAR]
    assert sorted(r["hours"] for r in proposed) == [0.5, 1.5]
    assert all(r["category"] is not None for r in proposed)

    # The hours wait in the social worker's queue; she approves them; they reach his time bank.
    queue = {
        r["id"]
        for r in (await worker("{ serviceRecordsToReview(first: 100) { id } }"))[
            "serviceRecordsToReview"
        ]
    }
    ids = [r["id"] for r in proposed]
    assert set(ids) <= queue
    assert (await gql(VOLUNTEER, v=me))["node"] == {"verifiedHours": 1.0, "timeBankHours": 1.0}
    await worker(REVIEW, d=[{"recordId": i, "approve": True} for i in ids])
    assert (await gql(VOLUNTEER, v=me))["node"] == {"verifiedHours": 3.0, "timeBankHours": 3.0}


async def test_a_forgotten_check_out_lapses_and_the_next_visit_checks_in_anew(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    await gql(ASSIGN, need=LIN_VISIT, v=gid("Volunteer", REGULAR))
    home = (await engine_store.read(HOME, {"need": NEED, "assigned": REGULAR}))[0]["at"]
    chen = await signed_in(Role.VOLUNTEER, REGULAR)
    me = gid("Volunteer", REGULAR)
    await chen(IN, n=LIN_VISIT, v=me, here=_north(home, 20))
    await engine_store.write(LATER, {"v": REGULAR, "need": NEED, "minutes": 9 * 60})
    before = await checksum(engine_store)
    lapsed = await chen.errors(OUT, n=LIN_VISIT, v=me, here=_north(home, 20))
    assert lapsed[0]["extensions"]["code"] == "CONFLICT" and "lapsed" in lapsed[0]["message"]
    assert await checksum(engine_store) == before
    await chen(IN, n=LIN_VISIT, v=me, here=_north(home, 20))
    await engine_store.write(LATER, {"v": REGULAR, "need": NEED, "minutes": 45})
    await chen(OUT, n=LIN_VISIT, v=me, here=_north(home, 20))
    state = (await gql(VISITS, n=LIN_VISIT))["node"]["serviceRecords"]["nodes"]
    assert [r["hours"] for r in state if r["volunteer"]["key"] == REGULAR] == [0.75]


def _key(global_id: str) -> str:
    return from_global_id(global_id)[1]


async def test_a_visit_under_a_minute_proposes_no_record_and_leaves_the_need_matched(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    # In and straight out (the door was not answered): no service record, so the need is not
    # in service either (docs/MATCHING.md: it goes into service with its first record).
    await gql(ASSIGN, need=LIN_VISIT, v=gid("Volunteer", REGULAR))
    home = (await engine_store.read(HOME, {"need": NEED, "assigned": REGULAR}))[0]["at"]
    chen = await signed_in(Role.VOLUNTEER, REGULAR)
    me = gid("Volunteer", REGULAR)
    await chen(IN, n=LIN_VISIT, v=me, here=_north(home, 20))
    await chen(OUT, n=LIN_VISIT, v=me, here=_north(home, 20))
    need = (await gql(VISITS, n=LIN_VISIT))["node"]
    assert [r for r in need["serviceRecords"]["nodes"] if r["volunteer"]["key"] == REGULAR] == []
    status = await gql("query ($n: ID!) { node(id: $n) { ... on Need { status } } }", n=LIN_VISIT)
    assert status["node"]["status"] == "MATCHED"
