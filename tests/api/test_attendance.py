"""A recruitment run on the ground, without leaving the API: sign-up, check-in by attendance
code or location, check-out, no-shows, the proposed hours approved in bulk and certified."""

from __future__ import annotations

import datetime as dt
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
from tests.api.recruitments import post_meal_service
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

PLACES = dynamic(
    "tests.attendance.places",
    """
    MATCH (:SocialWorker {id: 'worker-0001'})-[:COVERS]->(c:Community)
    MATCH (venue:Venue)
    WITH c, venue ORDER BY c.id, venue.id LIMIT 1
    MATCH (v:Volunteer {status: 'ACTIVE'})
    WITH c, venue, v ORDER BY v.id LIMIT 4
    RETURN c.id AS community, venue.id AS venue, venue.location AS at, collect(v.id) AS volunteers
    """,
)
# Time passes: the activity started 3 hours ago and ended 30 minutes ago, and whoever checked in
# did so two hours ago.
LATER = dynamic(
    "tests.attendance.later",
    """
    MATCH (r:Recruitment {id: $r}) SET r.startsAt = $starts, r.endsAt = $ends
    WITH r MATCH (:Volunteer)-[s:SIGNED_UP]->(r) WHERE s.checkInEpoch IS NOT NULL
    SET s.checkInEpoch = s.checkInEpoch - 7200
    """,
)
CODE = """
mutation ($r: ID!, $v: ID!, $a: AttendanceAction!) {
  attendanceCode(recruitmentId: $r, volunteerId: $v, action: $a) { code expiresAt }
}
"""
CHECK = """
mutation ($r: ID!, $v: ID!, $code: String, $here: HereInput) {
  %s(recruitmentId: $r, volunteerId: $v, code: $code, location: $here) { replayed }
}
"""
SIGN_UPS = """
query ($r: ID!) { node(id: $r) { ... on Recruitment {
  signUps(first: 10) { edges { checkInBy attendance minutes node { key } } }
  serviceRecords(first: 10) { nodes { id minutes: hours volunteer { key } } } } } }
"""


def _key(global_id: str) -> str:
    return from_global_id(global_id)[1]


async def _post_and_sign_up(
    gql: GraphQL, places: dict[str, Any], volunteers: tuple[str, ...]
) -> str:
    """A recruitment at the test venue starting in 20 minutes, the volunteers signed up."""
    rec = await post_meal_service(
        gql,
        community=places["community"],
        venue=places["venue"],
        capacity=5,
        starts_in=dt.timedelta(minutes=20),
    )
    for v in volunteers:
        await gql(
            "mutation ($r: ID!, $v: ID!) { signUp(recruitmentId: $r, volunteerId: $v) "
            "{ replayed } }",
            r=rec,
            v=gid("Volunteer", v),
        )
    return rec


async def test_a_recruitment_runs_from_sign_up_to_certificate(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore, settings: Settings
) -> None:
    places = (await engine_store.read(PLACES, {}))[0]
    a, b, c, d = places["volunteers"]
    rec = await _post_and_sign_up(gql, places, (a, b, c, d))
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    va = await signed_in(Role.VOLUNTEER, a)
    vb = await signed_in(Role.VOLUNTEER, b)
    vc = await signed_in(Role.VOLUNTEER, c)

    # A checks in with the code the social worker shows; the code works once.
    code = (await worker(CODE, r=rec, v=gid("Volunteer", a), a="CHECK_IN"))["attendanceCode"]
    assert code["expiresAt"] > dt.datetime.now(dt.UTC).isoformat()[:19]
    await va(CHECK % "checkIn", r=rec, v=gid("Volunteer", a), code=code["code"])
    before = await checksum(engine_store)
    replay = await va.errors(CHECK % "checkIn", r=rec, v=gid("Volunteer", a), code=code["code"])
    assert replay[0]["extensions"]["code"] == "CONFLICT"
    # B cannot use A's code; nobody can use an expired one or one for checking out.
    mine = await vb.errors(CHECK % "checkIn", r=rec, v=gid("Volunteer", b), code=code["code"])
    assert mine[0]["extensions"]["code"] == "FORBIDDEN"
    assert mine[0]["extensions"]["reason"] == "NOT_YOURS"
    old, _ = attendance.issue(
        settings, _key(rec), b, attendance.Action.CHECK_IN, now=time.time() - 600
    )
    expired = await vb.errors(CHECK % "checkIn", r=rec, v=gid("Volunteer", b), code=old)
    assert expired[0]["extensions"]["reason"] == "EXPIRED"
    out_code = await worker(CODE, r=rec, v=gid("Volunteer", b), a="CHECK_OUT")
    wrong = await vb.errors(
        CHECK % "checkIn", r=rec, v=gid("Volunteer", b), code=out_code["attendanceCode"]["code"]
    )
    assert wrong[0]["extensions"]["reason"] == "OTHER_ACTION"
    # C is a kilometre from the venue: refused. Nothing was written by any refusal.
    at = places["at"]
    far = {"latitude": at["latitude"] + 0.009, "longitude": at["longitude"]}
    too_far = await vc.errors(CHECK % "checkIn", r=rec, v=gid("Volunteer", c), here=far)
    assert too_far[0]["extensions"]["code"] == "CONFLICT" and "venue" in too_far[0]["message"]
    assert await checksum(engine_store) == before
    # B checks in at the venue, by location (used, not stored).
    here = {"latitude": at["latitude"] + 0.001, "longitude": at["longitude"]}
    await vb(CHECK % "checkIn", r=rec, v=gid("Volunteer", b), here=here)
    # Too early to check out, or to mark no-shows.
    early = await va.errors(CHECK % "checkOut", r=rec, v=gid("Volunteer", a), here=here)
    assert early[0]["extensions"]["reason"] == "CLOSED"
    not_yet = await worker.errors(
        "mutation ($r: ID!) { markNoShows(recruitmentId: $r) { replayed } }", r=rec
    )
    assert not_yet[0]["extensions"]["code"] == "CONFLICT"

    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    await engine_store.write(
        LATER,
        {
            "r": _key(rec),
            "starts": now - dt.timedelta(hours=3),
            "ends": now - dt.timedelta(minutes=30),
        },
    )
    out_a = (await worker(CODE, r=rec, v=gid("Volunteer", a), a="CHECK_OUT"))["attendanceCode"]
    await va(CHECK % "checkOut", r=rec, v=gid("Volunteer", a), code=out_a["code"])
    await vb(CHECK % "checkOut", r=rec, v=gid("Volunteer", b), here=here)
    marked = await worker(
        "mutation ($r: ID!) { markNoShows(recruitmentId: $r) { replayed } }", r=rec
    )
    assert marked["markNoShows"]["replayed"] is False
    state = (await gql(SIGN_UPS, r=rec))["node"]
    by = {e["node"]["key"]: e for e in state["signUps"]["edges"]}
    assert (by[a]["checkInBy"], by[a]["attendance"], by[a]["minutes"]) == ("CODE", "ATTENDED", 90)
    assert (by[b]["checkInBy"], by[b]["attendance"], by[b]["minutes"]) == (
        "LOCATION",
        "ATTENDED",
        90,
    )
    assert by[c]["attendance"] == by[d]["attendance"] == "NO_SHOW"
    records = {r["volunteer"]["key"]: r for r in state["serviceRecords"]["nodes"]}
    assert set(records) == {a, b} and {r["minutes"] for r in records.values()} == {1.5}
    # No coordinates were kept anywhere on the sign-ups.
    kept = await engine_store.read(
        dynamic(
            "tests.attendance.kept",
            "MATCH (:Volunteer)-[s:SIGNED_UP]->(:Recruitment {id: $r}) RETURN keys(s) AS keys",
        ),
        {"r": _key(rec)},
    )
    assert not any("lat" in k.lower() or "lon" in k.lower() for row in kept for k in row["keys"])

    # The proposed hours wait in the social worker's queue; she approves them in one batch.
    queue = {
        r["id"]
        for r in (await worker("{ serviceRecordsToReview(first: 100) { id } }"))[
            "serviceRecordsToReview"
        ]
    }
    ids = [records[a]["id"], records[b]["id"]]
    assert set(ids) <= queue
    await worker(
        "mutation ($d: [ReviewDecisionInput!]!) { reviewServiceRecords(decisions: $d) "
        "{ replayed } }",
        d=[{"recordId": i, "approve": True} for i in ids],
    )
    employer = await engine_store.read(
        dynamic(
            "tests.attendance.employer",
            "MATCH (:SocialWorker {id: 'worker-0001'})-[:EMPLOYED_BY]->(o) RETURN o.id AS id",
        )
    )
    cert = await worker(
        "mutation ($v: ID!, $o: ID!) { issueServiceCertificate(volunteerId: $v, "
        'organizationId: $o, idType: RESIDENT_ID, idNumber: "440200199001011234", '
        'personInCharge: "黄主任", contact: "0760-88886666", periodFrom: "'
        + now.date().isoformat()
        + '") { certificate { hours content status } } }',
        v=gid("Volunteer", a),
        o=gid("Organization", employer[0]["id"]),
    )
    assert cert["issueServiceCertificate"]["certificate"] == {
        "hours": 1.5,
        "content": "长者食堂助餐",
        "status": "VALID",
    }


RADIUS = """
mutation ($id: ID!, $version: Int!, $r: Int) {
  updateVenue(id: $id, version: $version, input: {checkInRadiusMeters: $r}) {
    venue { checkInRadiusMeters version } } }
"""


async def test_a_venue_declares_its_own_check_in_radius(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    places = (await engine_store.read(PLACES, {}))[0]
    a, b = places["volunteers"][:2]
    rec = await _post_and_sign_up(gql, places, (a, b))
    venue = gid("Venue", places["venue"])
    version = (
        await gql("query ($id: ID!) { node(id: $id) { ... on Venue { version } } }", id=venue)
    )["node"]["version"]
    # A radius outside 50 m–5 km is refused and nothing is written.
    before = await checksum(engine_store)
    errors = await gql.errors(RADIUS, id=venue, version=version, r=10)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await checksum(engine_store) == before
    # A small courtyard: 50 m. A, about 111 m from its point, is refused (inside the default 300).
    small = (await gql(RADIUS, id=venue, version=version, r=50))["updateVenue"]["venue"]
    assert small["checkInRadiusMeters"] == 50
    at = places["at"]
    near = {"latitude": at["latitude"] + 0.001, "longitude": at["longitude"]}
    va = await signed_in(Role.VOLUNTEER, a)
    set_small = await checksum(engine_store)
    refused = await va.errors(CHECK % "checkIn", r=rec, v=gid("Volunteer", a), here=near)
    assert refused[0]["extensions"]["code"] == "CONFLICT" and "venue" in refused[0]["message"]
    assert await checksum(engine_store) == set_small
    # A park: 2 km. B, a kilometre out (beyond the default 300 m), checks in.
    await gql(RADIUS, id=venue, version=small["version"], r=2000)
    far = {"latitude": at["latitude"] + 0.009, "longitude": at["longitude"]}
    vb = await signed_in(Role.VOLUNTEER, b)
    await vb(CHECK % "checkIn", r=rec, v=gid("Volunteer", b), here=far)
    state = (await gql(SIGN_UPS, r=rec))["node"]["signUps"]["edges"]
    assert {e["node"]["key"]: e["attendance"] for e in state} == {a: None, b: "CHECKED_IN"}
