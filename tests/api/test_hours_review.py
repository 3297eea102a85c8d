"""The verification queue and its bulk review, as the social worker of 起湾 runs them on the
demo data: pending hours wait for her, she approves and declines many at once, all or none."""

from __future__ import annotations

import datetime as dt

import pytest

from access.tokens import Role
from api.ids import from_global_id
from api.ids import to_global_id as gid
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

LIN_VISIT = gid("Need", "need-zs-qiwan-01-visit")
REGULAR = gid("Volunteer", "volunteer-zs-regular")  # 陈叔: 1 verified hour so far

ASSIGN = """
mutation ($need: ID!, $v: ID!) {
  assignVolunteers(needId: $need, volunteers: [{volunteerId: $v}]) { need { status } }
}
"""
RECORD = """
mutation ($input: RecordServiceInput!) { recordService(input: $input) { serviceRecord { id } } }
"""
QUEUE = "{ serviceRecordsToReview(first: 100) { id } }"
REVIEW = """
mutation ($d: [ReviewDecisionInput!]!, $key: String) {
  reviewServiceRecords(decisions: $d, idempotencyKey: $key) {
    replayed records { key declineReason declines(first: 1) { totalCount } verifications(first: 1) {
      totalCount } }
  }
}
"""
VOLUNTEER = """
query ($v: ID!) { node(id: $v) { ... on Volunteer { starLevel verifiedHours timeBankHours } } }
"""
ASSIGNED_ELSEWHERE = dynamic(
    "tests.hours.assigned_elsewhere",
    """
    MATCH (w:SocialWorker)-[:COVERS]->(c:Community)<-[:IN]-(n:Need)<-[:ASSIGNED]-(v:Volunteer)
    WHERE NOT (:SocialWorker {id: 'worker-0001'})-[:COVERS]->(c)
    RETURN n.id AS need, v.id AS volunteer, w.id AS worker ORDER BY n.id, v.id, w.id LIMIT 1
    """,
)


async def record(gql: GraphQL, volunteer: str, need: str, hours: str, days_ago: int = 0) -> str:
    day = (dt.date.today() - dt.timedelta(days=days_ago)).isoformat()
    done = await gql(
        RECORD, input={"volunteerId": volunteer, "needId": need, "date": day, "hours": hours}
    )
    return str(done["recordService"]["serviceRecord"]["id"])


async def test_hours_wait_for_the_covering_worker_and_a_batch_is_reviewed_all_or_none(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    await gql(ASSIGN, need=LIN_VISIT, v=REGULAR)
    chen = await signed_in(Role.VOLUNTEER, "volunteer-zs-regular")
    # 陈叔 reports his own hours: five long days and one he entered twice.
    mine = [await record(chen, REGULAR, LIN_VISIT, "19.8", days_ago=i) for i in range(5)]
    twice = await record(chen, REGULAR, LIN_VISIT, "19.8", days_ago=0)
    elsewhere = (await engine_store.read(ASSIGNED_ELSEWHERE, {}))[0]
    other = await record(
        gql, gid("Volunteer", elsewhere["volunteer"]), gid("Need", elsewhere["need"]), "2"
    )

    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    queue = {r["id"] for r in (await worker(QUEUE))["serviceRecordsToReview"]}
    assert {*mine, twice} <= queue and other not in queue
    outside = await signed_in(Role.SOCIAL_WORKER, elsewhere["worker"])
    assert other in {r["id"] for r in (await outside(QUEUE))["serviceRecordsToReview"]}
    assert not {*mine, twice} & {r["id"] for r in (await outside(QUEUE))["serviceRecordsToReview"]}
    volunteer_queue = await chen.errors(QUEUE)
    assert volunteer_queue[0]["extensions"]["code"] == "FORBIDDEN"

    # A batch with a record of another community and an unknown one: nothing is written.
    before = await checksum(engine_store)
    errors = await worker.errors(
        REVIEW,
        d=[
            {"recordId": mine[0], "approve": True},
            {"recordId": twice, "approve": False, "reason": "重复登记"},
            {"recordId": other, "approve": True},
            {"recordId": gid("ServiceRecord", "record-forged"), "approve": True},
        ],
    )
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    reasons = {d["recordId"]: d["reason"] for d in errors[0]["extensions"]["details"]}
    assert reasons == {
        _key(other): "NOT_COVERING",
        "record-forged": "NOT_FOUND",
    }
    assert await checksum(engine_store) == before
    # A decline without a reason is refused before the graph.
    errors = await worker.errors(REVIEW, d=[{"recordId": twice, "approve": False}])
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await checksum(engine_store) == before
    assert (await gql(VOLUNTEER, v=REGULAR))["node"] == {
        "starLevel": 0,
        "verifiedHours": 1.0,
        "timeBankHours": 1.0,
    }

    # The valid batch: five approved (99 h, summed over the batch: the first star at 100 h),
    # one declined with its reason.
    decisions = [
        *({"recordId": r, "approve": True} for r in mine),
        {"recordId": twice, "approve": False, "reason": "重复登记"},
    ]
    done = (await worker(REVIEW, d=decisions, key="review-1"))["reviewServiceRecords"]
    assert done["replayed"] is False
    by_key = {r["key"]: r for r in done["records"]}
    declined = by_key[_key(twice)]
    assert declined["declineReason"] == "重复登记"
    assert declined["declines"]["totalCount"] == 1
    assert declined["verifications"]["totalCount"] == 0
    assert all(by_key[_key(r)]["verifications"]["totalCount"] == 1 for r in mine)
    assert (await gql(VOLUNTEER, v=REGULAR))["node"] == {
        "starLevel": 1,
        "verifiedHours": 100.0,
        "timeBankHours": 100.0,
    }
    queue = {r["id"] for r in (await worker(QUEUE))["serviceRecordsToReview"]}
    assert not {*mine, twice} & queue

    # A retry answers the same; reviewing again, or verifying the declined one, is refused.
    after = await checksum(engine_store)
    again = (await worker(REVIEW, d=decisions, key="review-1"))["reviewServiceRecords"]
    assert again["replayed"] is True
    errors = await worker.errors(REVIEW, d=[{"recordId": mine[0], "approve": True}])
    assert errors[0]["extensions"]["details"][0]["reason"] == "ALREADY_APPROVED"
    errors = await worker.errors(
        "mutation ($r: ID!) { verifyService(recordId: $r) { serviceRecord { key } } }", r=twice
    )
    assert errors[0]["extensions"]["code"] == "CONFLICT" and "declined" in errors[0]["message"]
    assert await checksum(engine_store) == after
    # Declined hours never count, and the record is kept.
    assert (await gql(VOLUNTEER, v=REGULAR))["node"]["verifiedHours"] == 100.0


async def test_only_social_workers_review_hours(signed_in: SignIn, gql: GraphQL) -> None:
    await gql(ASSIGN, need=LIN_VISIT, v=REGULAR)
    one = await record(gql, REGULAR, LIN_VISIT, "1")
    chen = await signed_in(Role.VOLUNTEER, "volunteer-zs-regular")
    errors = await chen.errors(REVIEW, d=[{"recordId": one, "approve": True}])
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    # An administrator reviews as a named social worker, within that worker's communities.
    done = await gql(
        "mutation ($d: [ReviewDecisionInput!]!, $w: ID!) { reviewServiceRecords(decisions: $d, "
        "socialWorkerId: $w) { records { key } } }",
        d=[{"recordId": one, "approve": True}],
        w=gid("SocialWorker", "worker-0001"),
    )
    assert done["reviewServiceRecords"]["records"] == [{"key": _key(one)}]


def _key(global_id: str) -> str:
    return from_global_id(global_id)[1]
