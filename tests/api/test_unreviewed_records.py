"""陈叔 visits 林婆婆 and checks out: the check-out proposes the visit's service record at that
moment. Until her social worker approves it, the record would tell anyone polling her need's
records when the visit ended (and, from its minutes, when it began), so it is seen only by those
who run the visit — her covering social worker (FULL) and 陈叔 (his own record). An analyst and a
social worker of another city, who read approved records de-identified, see nothing of it on any
path: the need's and the volunteer's records, the root list and its count, `node`, the
statistics, a network answer, an export. Once approved they see it; a declined one they never
see (docs/PRIVACY.md, ``access.policy.UNTIL_REVIEWED``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.model.services import LOCAL_TIME
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

NEED = "need-zs-qiwan-01-visit"
LIN_VISIT = gid("Need", NEED)
QIWAN = gid("Community", "community-zs-qiwan")
REGULAR = "volunteer-zs-regular"  # 陈叔
CHEN = gid("Volunteer", REGULAR)
WORKER, OUTSIDE_WORKER = "worker-0001", "worker-0014"  # covers 起湾; covers only Hangzhou

HOME = dynamic(
    "tests.unreviewed.home",
    "MATCH (home:Resident)-[:HAS_NEED]->(:Need {id: $need}) RETURN home.location AS at",
)
# Time passes during a visit: its check-in was `minutes` ago.
LATER = dynamic(
    "tests.unreviewed.later",
    """
    MATCH (:Volunteer {id: $v})-[s:ASSIGNED]->(:Need {id: $need})
    SET s.checkInEpoch = s.checkInEpoch - $minutes * 60
    """,
)
RECORDS = dynamic(
    "tests.unreviewed.records",
    """
    MATCH (:Volunteer {id: $v})-[:PERFORMED]->(rec:ServiceRecord)-[:FOR]->(:Need {id: $need})
    RETURN collect(rec.id) AS keys
    """,
)
ASSIGN = """
mutation ($need: ID!, $v: ID!) {
  assignVolunteers(needId: $need, volunteers: [{volunteerId: $v}]) { need { status } }
}
"""
CHECK = """
mutation ($n: ID!, $v: ID!, $here: HereInput) {
  %s(needId: $n, volunteerId: $v, location: $here) { replayed }
}
"""
IN, OUT = CHECK % "checkInToNeed", CHECK % "checkOutOfNeed"
REVIEW = """
mutation ($d: [ReviewDecisionInput!]!) { reviewServiceRecords(decisions: $d) { replayed } }
"""
# Every way a polling viewer could see the need's records or their figures.
POLL = """
query ($n: ID!, $v: ID!, $c: ID!) {
  need: node(id: $n) { ... on Need {
    serviceRecords(first: 100) { totalCount nodes { key date hours } } } }
  volunteer: node(id: $v) { ... on Volunteer { serviceRecords(first: 100) { totalCount } } }
  list: serviceRecords(first: 100, filter: {need: $n}) { totalCount nodes { key } }
  awaiting: serviceRecords(first: 1, filter: {need: $n, verified: false}) { totalCount }
  statistics(communityId: $c) {
    hoursByMonth { month categoryKey hours verifiedHours records } medianDaysToFirstService
  }
  neighborhood(id: $n, depth: 2, limit: 500) { truncated nodes { key } }
}
"""
RECORD = "query ($r: ID!) { node(id: $r) { ... on ServiceRecord { key hours } } }"


def _north(at: dict[str, float], metres: float) -> dict[str, float]:
    return {"latitude": at["latitude"] + metres / 111_317.0, "longitude": at["longitude"]}


async def _poll(viewer: GraphQL) -> dict[str, Any]:
    """What the viewer reads of the need's records, by every path, and its export around it."""
    data = await viewer(POLL, n=LIN_VISIT, v=CHEN, c=QIWAN)
    data["neighborhood"]["nodes"] = sorted(n["key"] for n in data["neighborhood"]["nodes"])
    exported = await viewer.http.get("/export/nodes.csv", params={"root": LIN_VISIT, "depth": 2})
    assert exported.status_code == 200, exported.text
    data["export"] = sorted(line.split(",")[0] for line in exported.text.splitlines()[1:])
    return data


def _keys(poll: dict[str, Any]) -> set[str]:
    return {r["key"] for r in poll["need"]["serviceRecords"]["nodes"]}


async def _visit(chen: GraphQL, store: GraphStore, home: dict[str, float], minutes: int) -> str:
    """A visit of ``minutes`` by 陈叔, checked in and out at her door: its proposed record."""
    before = set((await store.read(RECORDS, {"v": REGULAR, "need": NEED}))[0]["keys"])
    await chen(IN, n=LIN_VISIT, v=CHEN, here=_north(home, 20))
    await store.write(LATER, {"v": REGULAR, "need": NEED, "minutes": minutes})
    await chen(OUT, n=LIN_VISIT, v=CHEN, here=_north(home, 20))
    after = set((await store.read(RECORDS, {"v": REGULAR, "need": NEED}))[0]["keys"])
    (record,) = after - before
    return record


async def _hidden_from(viewer: GraphQL, record: str) -> None:
    errors = await viewer.errors(RECORD, r=gid("ServiceRecord", record))
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_visit_that_just_ended_shows_below_full_only_once_its_record_is_approved(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    await gql(ASSIGN, need=LIN_VISIT, v=CHEN)
    # This week's visit is an appointment in ten minutes: a visit checks in at its need's time.
    soon = dt.datetime.now(LOCAL_TIME).replace(microsecond=0) + dt.timedelta(minutes=10)
    await gql(
        "mutation ($n: ID!, $at: DateTime!) { updateNeed(id: $n, input: {oneOffAt: $at}) "
        "{ need { key } } }",
        n=LIN_VISIT,
        at=soon.isoformat(),
    )
    home = (await engine_store.read(HOME, {"need": NEED}))[0]["at"]
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    chen = await signed_in(Role.VOLUNTEER, REGULAR)
    pollers = {
        "analyst": await signed_in(Role.ANALYST, "analyst-zs-bureau"),
        "outside worker": await signed_in(Role.SOCIAL_WORKER, OUTSIDE_WORKER),
    }
    before = {who: await _poll(viewer) for who, viewer in pollers.items()}

    # 陈叔 checks out after 45 minutes: the record is proposed now, awaiting review.
    record = await _visit(chen, engine_store, home, 45)
    for who, viewer in pollers.items():
        # Nothing moved: no row, count, figure, network node or exported node tells of it.
        assert await _poll(viewer) == before[who], who
        assert record not in str(before[who])
        await _hidden_from(viewer, record)
    # Those who run the visit see it at once: her social worker (to review it) and 陈叔.
    for viewer in (worker, chen):
        assert (await viewer(RECORD, r=gid("ServiceRecord", record)))["node"] == {
            "key": record,
            "hours": 0.75,
        }
    mine = await chen(
        "query ($v: ID!) { node(id: $v) { ... on Volunteer { serviceRecords(first: 100) "
        "{ nodes { key } } } } }",
        v=CHEN,
    )
    assert record in {r["key"] for r in mine["node"]["serviceRecords"]["nodes"]}
    theirs = await worker(POLL, n=LIN_VISIT, v=CHEN, c=QIWAN)
    assert record in {r["key"] for r in theirs["need"]["serviceRecords"]["nodes"]}
    assert theirs["awaiting"]["totalCount"] >= 1

    # Approved, it is everyone's de-identified record, in every answer.
    await worker(REVIEW, d=[{"recordId": gid("ServiceRecord", record), "approve": True}])
    approved = {}
    for who, viewer in pollers.items():
        approved[who] = now = await _poll(viewer)
        assert _keys(now) == _keys(before[who]) | {record}, who
        assert now["list"]["totalCount"] == before[who]["list"]["totalCount"] + 1
        assert now["volunteer"] == {
            "serviceRecords": {
                "totalCount": before[who]["volunteer"]["serviceRecords"]["totalCount"] + 1
            }
        }
        records = sum(m["records"] for m in now["statistics"]["hoursByMonth"])
        was = sum(m["records"] for m in before[who]["statistics"]["hoursByMonth"])
        assert records == was + 1
        assert record in now["neighborhood"]["nodes"] and record in now["export"]
        assert (await viewer(RECORD, r=gid("ServiceRecord", record)))["node"]["key"] == record

    # The next visit's record is declined: below FULL it is never seen.
    declined = await _visit(chen, engine_store, home, 30)
    await worker(
        REVIEW,
        d=[{"recordId": gid("ServiceRecord", declined), "approve": False, "reason": "未到场"}],
    )
    for who, viewer in pollers.items():
        assert await _poll(viewer) == approved[who], who
        await _hidden_from(viewer, declined)
    for viewer in (worker, chen):
        found = await viewer(RECORD, r=gid("ServiceRecord", declined))
        assert found["node"]["key"] == declined
