"""The service workflows over HTTP, as a social worker runs them on the demo data.

Each test starts from a freshly loaded demo graph, so what one workflow writes cannot leak into
another test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
from typing import Any

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
NEAR = gid("Volunteer", "volunteer-zs-near")
REGULAR = gid("Volunteer", "volunteer-zs-regular")
WORKER = gid("SocialWorker", "worker-0001")
SOON = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=7)


async def snapshot(store: GraphStore) -> tuple[int, int, str]:
    return await checksum(store)


ASSIGN = """
mutation ($need: ID!, $volunteers: [AssignmentInput!]!, $key: String) {
  assignVolunteers(needId: $need, volunteers: $volunteers, idempotencyKey: $key) {
    replayed need { status assignees(first: 5) { nodes { key } } }
  }
}
"""


async def test_report_match_assign_serve_and_verify_feeds_star_level_and_time_bank(
    gql: GraphQL,
) -> None:
    reported = await gql(
        """
        mutation ($input: ReportNeedInput!) {
          reportNeed(input: $input) { need { id key status slots resident { key } } }
        }
        """,
        input={
            "residentId": gid("Resident", "resident-zs-qiwan-01"),
            "categoryId": gid("ServiceCategory", "cat-visit"),
            "skillIds": [gid("Skill", "skill-visit")],
            "title": "周二上门探访",
            "slots": ["TUE_AM"],
        },
    )
    need = reported["reportNeed"]["need"]
    assert need["status"] == "OPEN" and need["resident"]["key"] == "resident-zs-qiwan-01"
    matched = await gql(
        "query ($n: ID!) { whoCanServe(needId: $n) { candidates { volunteer { id } } } }",
        n=need["id"],
    )
    first = matched["whoCanServe"]["candidates"][0]["volunteer"]["id"]
    assigned = await gql(ASSIGN, need=need["id"], volunteers=[{"volunteerId": first}])
    assert assigned["assignVolunteers"]["need"]["status"] == "MATCHED"
    recorded = await gql(
        """
        mutation ($input: RecordServiceInput!) {
          recordService(input: $input) { serviceRecord { id minutes: hours } }
        }
        """,
        input={
            "volunteerId": first,
            "needId": need["id"],
            "date": dt.date.today().isoformat(),
            "hours": "1.5",
        },
    )
    record = recorded["recordService"]["serviceRecord"]["id"]
    before = await gql(
        "query ($v: ID!) { node(id: $v) { ... on Volunteer { verifiedHours timeBankHours } } }",
        v=first,
    )
    await gql(
        "mutation ($r: ID!, $w: ID!) { verifyService(recordId: $r, socialWorkerId: $w) "
        "{ serviceRecord { key } } }",
        r=record,
        w=WORKER,
    )
    after = await gql(
        "query ($v: ID!) { node(id: $v) { ... on Volunteer { verifiedHours timeBankHours "
        "timeBank(first: 20) { nodes { kind hours } } } } }",
        v=first,
    )
    volunteer = after["node"]
    assert volunteer["verifiedHours"] == before["node"]["verifiedHours"] + 1.5
    assert volunteer["timeBankHours"] == before["node"]["timeBankHours"] + 1.5
    assert volunteer["timeBankHours"] == sum(e["hours"] for e in volunteer["timeBank"]["nodes"])


STATUS = "query ($n: ID!) { node(id: $n) { ... on Need { status } } }"
RECORD = """
mutation ($input: RecordServiceInput!) { recordService(input: $input) { serviceRecord { id } } }
"""


async def test_a_need_goes_into_service_with_its_first_record_and_back_to_open_without_anyone(
    gql: GraphQL,
) -> None:
    # The need's life (NeedStatus): OPEN -> MATCHED -> IN_SERVICE -> CLOSED. The first service
    # recorded for it puts it in service; when its last volunteer is taken off, it is open again,
    # so it shows among the needs nobody serves.
    assert (await gql(STATUS, n=LIN_VISIT))["node"]["status"] == "OPEN"
    await gql(ASSIGN, need=LIN_VISIT, volunteers=[{"volunteerId": REGULAR}])
    assert (await gql(STATUS, n=LIN_VISIT))["node"]["status"] == "MATCHED"
    served = {"volunteerId": REGULAR, "needId": LIN_VISIT, "hours": "1"}
    for day in (2, 1):  # the second record leaves it in service
        date = (dt.date.today() - dt.timedelta(days=day)).isoformat()
        await gql(RECORD, input={**served, "date": date})
        assert (await gql(STATUS, n=LIN_VISIT))["node"]["status"] == "IN_SERVICE"
    await gql(
        "mutation ($n: ID!, $v: ID!) { unassignVolunteer(needId: $n, volunteerId: $v) "
        "{ replayed } }",
        n=LIN_VISIT,
        v=REGULAR,
    )
    assert (await gql(STATUS, n=LIN_VISIT))["node"]["status"] == "OPEN"


async def test_a_volunteer_reaches_a_star_when_verified_hours_cross_the_threshold(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    # 陈叔 has 1 verified hour; 99 more reach the first star (100 h).
    await gql(ASSIGN, need=LIN_VISIT, volunteers=[{"volunteerId": REGULAR}])
    for i in range(5):
        done = await gql(
            "mutation ($input: RecordServiceInput!) { recordService(input: $input) "
            "{ serviceRecord { id } } }",
            input={
                "volunteerId": REGULAR,
                "needId": LIN_VISIT,
                "date": (dt.date.today() - dt.timedelta(days=i)).isoformat(),
                "hours": "19.8",
            },
        )
        await gql(
            "mutation ($r: ID!, $w: ID!) { verifyService(recordId: $r, socialWorkerId: $w) "
            "{ serviceRecord { key } } }",
            r=done["recordService"]["serviceRecord"]["id"],
            w=WORKER,
        )
    star = await gql(
        "query ($v: ID!) { node(id: $v) { ... on Volunteer { starLevel verifiedHours } } }",
        v=REGULAR,
    )
    assert star["node"] == {"starLevel": 1, "verifiedHours": 100.0}


async def test_an_ineligible_assignment_is_refused_whole_and_changes_nothing(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    before = await snapshot(engine_store)
    errors = await gql.errors(
        ASSIGN,
        need=LIN_VISIT,
        volunteers=[
            {"volunteerId": NEAR},
            {"volunteerId": gid("Volunteer", "volunteer-zs-busy")},
            {"volunteerId": gid("Volunteer", "volunteer-zs-far")},
        ],
    )
    (error,) = errors
    assert error["extensions"]["code"] == "CONFLICT"
    reasons = {d["volunteerId"]: d["reason"] for d in error["extensions"]["details"]}
    assert reasons == {"volunteer-zs-busy": "BUSY", "volunteer-zs-far": "OUT_OF_RANGE"}
    assert await snapshot(engine_store) == before


async def test_a_need_never_gets_more_volunteers_than_it_asked_for_even_concurrently(
    gql: GraphQL,
) -> None:
    # The clinic needs 2 on Wednesday morning; 2 eligible volunteers plus retries race for it.
    volunteers = ["volunteer-zs-tcm", "volunteer-zs-doctor"]
    need = gid("Need", "need-zs-qiwan-01-clinic")
    results = await asyncio.gather(
        *(
            gql.raw(ASSIGN, need=need, volunteers=[{"volunteerId": gid("Volunteer", v)}])
            for v in volunteers * 5
        )
    )
    ok = [r for r in results if not r.get("errors")]
    assert len(ok) == 2
    assert all(
        r["errors"][0]["extensions"]["code"] == "CONFLICT" for r in results if r.get("errors")
    )
    final = await gql(
        "query ($n: ID!) { node(id: $n) { ... on Need { assignees(first: 10) { totalCount } } } }",
        n=need,
    )
    assert final["node"]["assignees"]["totalCount"] == 2


SIGN_UP = """
mutation ($r: ID!, $v: ID!, $key: String) {
  signUp(recruitmentId: $r, volunteerId: $v, idempotencyKey: $key) {
    replayed recruitment { status capacity }
  }
}
"""


async def test_fifty_simultaneous_sign_ups_for_ten_places_leave_exactly_ten(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    posted = await gql(
        """
        mutation ($input: PostRecruitmentInput!) {
          postRecruitment(input: $input) { recruitment { id status } }
        }
        """,
        input={
            "organizationId": gid("Organization", "org-zs-east-hub"),
            "title": "周末衣物分拣",
            "capacity": 10,
            # A week from now: sign-ups close when the activity starts.
            "startsAt": (SOON).isoformat(),
            "endsAt": (SOON + dt.timedelta(hours=3)).isoformat(),
        },
    )
    recruitment = posted["postRecruitment"]["recruitment"]["id"]
    rows = await engine_store.read(
        dynamic("tests.active", "MATCH (v:Volunteer {status: 'ACTIVE'}) RETURN v.id AS id LIMIT 50")
    )
    assert len(rows) == 50
    results = await asyncio.gather(
        *(gql.raw(SIGN_UP, r=recruitment, v=gid("Volunteer", row["id"])) for row in rows)
    )
    accepted = [r for r in results if not r.get("errors")]
    refused = [r for r in results if r.get("errors")]
    assert len(accepted) == 10 and len(refused) == 40
    assert {r["errors"][0]["message"] for r in refused} == {
        "That recruitment is full; every place is taken."
    }
    (count,) = await engine_store.read(
        dynamic(
            "tests.signed",
            "MATCH (:Volunteer)-[s:SIGNED_UP {status: 'SIGNED_UP'}]->(r:Recruitment {id: $r}) "
            "RETURN count(s) AS n, r.status AS status",
        ),
        {"r": recruitment.split(":")[-1] if ":" in recruitment else _key(recruitment)},
    )
    assert count == {"n": 10, "status": "FULL"}


def _key(global_id: str) -> str:
    return from_global_id(global_id)[1]


GRANT = """
mutation ($f: ID!, $p: ID!, $amount: Decimal!, $key: String) {
  grant(fundId: $f, projectId: $p, amount: $amount, date: "2026-11-20", idempotencyKey: $key) {
    replayed fund { money { donated granted balance } }
  }
}
"""


async def test_twenty_simultaneous_grants_can_never_overdraw_a_fund(gql: GraphQL) -> None:
    fund = gid("Fund", "fund-zs-east-seed")
    project = gid("Project", "project-zs-clothes-bank")
    money = await gql(
        "query ($f: ID!) { node(id: $f) { ... on Fund { money { balance } } } }", f=fund
    )
    balance = float(money["node"]["money"]["balance"])  # 210000.00
    share = balance / 8  # only 8 of 20 grants fit
    results = await asyncio.gather(
        *(gql.raw(GRANT, f=fund, p=project, amount=f"{share:.2f}") for _ in range(20))
    )
    ok = [r for r in results if not r.get("errors")]
    assert len(ok) == 8
    after = await gql(
        "query ($f: ID!) { node(id: $f) { ... on Fund { money { balance } } } }", f=fund
    )
    assert float(after["node"]["money"]["balance"]) >= 0
    assert float(after["node"]["money"]["balance"]) == pytest.approx(balance - 8 * round(share, 2))


async def test_a_retried_mutation_with_the_same_key_acts_once(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    fund = gid("Fund", "fund-zs-east-seed")
    project = gid("Project", "project-zs-clothes-bank")
    first = await gql(GRANT, f=fund, p=project, amount="1000.00", key="grant-2026-11-20-a")
    again = await gql(GRANT, f=fund, p=project, amount="1000.00", key="grant-2026-11-20-a")
    assert first["grant"]["replayed"] is False and again["grant"]["replayed"] is True
    assert first["grant"]["fund"]["money"] == again["grant"]["fund"]["money"]
    errors = await gql.errors(GRANT, f=fund, p=project, amount="2000.00", key="grant-2026-11-20-a")
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    assert "different request" in errors[0]["message"]
    # Concurrent retries of one sign-up: one acts, the others replay it.
    results = await asyncio.gather(
        *(
            gql.raw(SIGN_UP, r=gid("Recruitment", "recruitment-02"), v=NEAR, key="signup-near-02")
            for _ in range(5)
        )
    )
    assert [r["data"]["signUp"]["replayed"] for r in results].count(False) == 1


SPEND = """
mutation ($v: ID!, $n: ID!, $h: Decimal!) {
  spendTimeCredits(volunteerId: $v, needId: $n, hours: $h) { entry { kind hours } }
}
"""


async def test_time_bank_credits_pay_for_family_only_and_never_go_below_zero(
    gql: GraphQL,
) -> None:
    mother = gid("Need", "need-zs-neighbour-visit")  # 何姨's mother's need
    balance = await gql(
        "query ($v: ID!) { node(id: $v) { ... on Volunteer { timeBankHours } } }", v=NEAR
    )
    assert balance["node"]["timeBankHours"] == 30.0
    spent = await gql(SPEND, v=NEAR, n=mother, h="20")
    assert spent["spendTimeCredits"]["entry"] == {"kind": "SPENT", "hours": -20.0}
    errors = await gql.errors(SPEND, v=NEAR, n=mother, h="10.5")
    assert errors[0]["extensions"]["code"] == "CONFLICT" and "600 minutes" in errors[0]["message"]
    errors = await gql.errors(SPEND, v=NEAR, n=LIN_VISIT, h="1")
    assert errors[0]["extensions"]["code"] == "CONFLICT" and "family" in errors[0]["message"]
    ledger = await gql(
        "query ($v: ID!) { node(id: $v) { ... on Volunteer { timeBankHours "
        "timeBank(first: 50) { nodes { hours } } } } }",
        v=NEAR,
    )
    entries = [e["hours"] for e in ledger["node"]["timeBank"]["nodes"]]
    assert ledger["node"]["timeBankHours"] == sum(entries) == 10.0


async def test_resources_are_never_allocated_beyond_what_is_left(gql: GraphQL) -> None:
    allocate = """
    mutation ($r: ID!, $n: ID!, $q: Int!) {
      allocateResource(resourceId: $r, needId: $n, quantity: $q) { resource { remaining } }
    }
    """
    packs = gid("Resource", "resource-zs-care-packs")
    done = await gql(allocate, r=packs, n=LIN_VISIT, q=30)
    assert done["allocateResource"]["resource"]["remaining"] == 10
    errors = await gql.errors(allocate, r=packs, n=LIN_VISIT, q=11)
    assert errors[0]["extensions"]["code"] == "CONFLICT" and "Only 10" in errors[0]["message"]


UPDATE_RESOURCE = """
mutation ($r: ID!, $input: UpdateResourceInput!) {
  updateResource(id: $r, input: $input) {
    resource { quantity remaining availableFrom availableUntil }
  }
}
"""


async def test_a_resource_can_shrink_to_what_is_allocated_but_not_below(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    packs = gid("Resource", "resource-zs-care-packs")
    await gql(
        "mutation ($r: ID!, $n: ID!) { allocateResource(resourceId: $r, needId: $n, quantity: 30)"
        " { resource { id } } }",
        r=packs,
        n=LIN_VISIT,
    )
    done = await gql(UPDATE_RESOURCE, r=packs, input={"quantity": 35})
    assert done["updateResource"]["resource"]["quantity"] == 35
    assert done["updateResource"]["resource"]["remaining"] == 5
    errors = await gql.errors(UPDATE_RESOURCE, r=packs, input={"quantity": 29})
    assert errors[0]["extensions"]["code"] == "CONFLICT" and "30 of it" in errors[0]["message"]
    # The new end would fall before the stored start.
    await gql(UPDATE_RESOURCE, r=packs, input={"availableFrom": "2026-12-01"})
    before = await checksum(engine_store)
    errors = await gql.errors(UPDATE_RESOURCE, r=packs, input={"availableUntil": "2026-11-30"})
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    errors = await gql.errors(UPDATE_RESOURCE, r=packs, input={})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await checksum(engine_store) == before


async def test_a_referral_goes_round_the_loop_and_the_referrer_sees_the_outcome(
    gql: GraphQL,
) -> None:
    referred = await gql(
        """
        mutation ($n: ID!, $from: ID!, $to: ID!) {
          referNeed(needId: $n, fromOrganizationId: $from, toOrganizationId: $to,
                    reason: "需要长者照护") { referral { id status } }
        }
        """,
        n=LIN_VISIT,
        **{
            "from": gid("Organization", "org-zs-lianhe"),
            "to": gid("Organization", "org-zs-east-eldercare"),
        },
    )
    referral = referred["referNeed"]["referral"]["id"]
    errors = await gql.errors(
        'mutation ($id: ID!) { completeReferral(id: $id, outcome: "x") { referral { status } } }',
        id=referral,
    )
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    await gql(
        "mutation ($id: ID!) { acceptReferral(id: $id) { referral { status } } }", id=referral
    )
    await gql(
        'mutation ($id: ID!) { completeReferral(id: $id, outcome: "已安排每周探访") '
        "{ referral { status } } }",
        id=referral,
    )
    seen = await gql(
        "query ($o: ID!) { node(id: $o) { ... on Organization { referralsMade(first: 10) "
        "{ nodes { key status outcome } } } } }",
        o=gid("Organization", "org-zs-lianhe"),
    )
    mine = [r for r in seen["node"]["referralsMade"]["nodes"] if r["key"] == _key(referral)]
    assert mine == [{"key": _key(referral), "status": "COMPLETED", "outcome": "已安排每周探访"}]


@pytest.mark.parametrize(
    ("mutation", "variables", "code"),
    [
        (
            "mutation ($input: ReportNeedInput!) { reportNeed(input: $input) { need { id } } }",
            {
                "input": {
                    "residentId": gid("Resident", "resident-zs-qiwan-01"),
                    "categoryId": gid("ServiceCategory", "cat-visit"),
                    "title": " ",
                }
            },
            "BAD_USER_INPUT",
        ),
        (
            "mutation ($input: ReportNeedInput!) { reportNeed(input: $input) { need { id } } }",
            {
                "input": {
                    "residentId": gid("Resident", "nobody"),
                    "categoryId": gid("ServiceCategory", "cat-visit"),
                    "title": "探访",
                    "slots": ["MON_AM"],
                }
            },
            "NOT_FOUND",
        ),
        (
            "mutation ($input: ReportNeedInput!) { reportNeed(input: $input) { need { id } } }",
            {
                "input": {
                    "residentId": gid("Resident", "resident-zs-qiwan-01"),
                    "categoryId": gid("ServiceCategory", "cat-visit"),
                    "title": "探访",
                    "slots": ["MON_AM"],
                    "oneOffAt": "2027-01-01T09:00:00+08:00",
                }
            },
            "BAD_USER_INPUT",
        ),
        (
            'mutation { grant(fundId: "'
            + gid("Fund", "fund-zs-east-seed")
            + '", projectId: "'
            + gid("Project", "project-zs-clothes-bank")
            + '", amount: "-5", date: "2026-11-01") '
            "{ fund { id } } }",
            {},
            "BAD_USER_INPUT",
        ),
        (
            "mutation ($input: RecordServiceInput!) { recordService(input: $input) "
            "{ serviceRecord { id } } }",
            {
                "input": {
                    "volunteerId": NEAR,
                    "needId": LIN_VISIT,
                    "date": "2026-11-20",
                    "hours": "1",
                }
            },
            "CONFLICT",  # not assigned to that need
        ),
        (
            "mutation ($id: ID!) { cancelNeed(id: $id) { need { id } } }",
            {"id": gid("Need", "need-zs-qiwan-01-haircut")},
            "CONFLICT",  # already closed
        ),
    ],
)
async def test_bad_workflow_input_gets_a_clear_error_and_changes_nothing(
    gql: GraphQL, engine_store: GraphStore, mutation: str, variables: dict[str, Any], code: str
) -> None:
    before = await snapshot(engine_store)
    errors = await gql.errors(mutation, **variables)
    assert errors[0]["extensions"]["code"] == code, errors
    assert await snapshot(engine_store) == before


REFER = """
mutation ($n: ID!, $from: ID!, $to: ID!) {
  referNeed(needId: $n, fromOrganizationId: $from, toOrganizationId: $to) {
    referral { id status }
  }
}
"""
CLINIC, LIANHE = gid("Organization", "org-zs-east-clinic"), gid("Organization", "org-zs-lianhe")
ELDERCARE = gid("Organization", "org-zs-east-eldercare")
ACCEPTED_NEED = gid(
    "Need", "need-0003"
)  # referred by 联合 to the health centre, accepted (seeds/demo_core.py)
PENDING_NEED = gid("Need", "need-0025")  # referred by 联合 to the health centre, still pending
SEEN_BY_RECEIVER = """
query ($n: ID!, $r: ID!) {
  need: node(id: $n) { ... on Need { key description } }
  resident: node(id: $r) { ... on Resident { key name phone } }
}
"""


async def _refused(viewer: GraphQL, store: GraphStore, query: str, **variables: Any) -> str:
    """The FORBIDDEN message of a refused change, which must leave the graph as it was."""
    before = await snapshot(store)
    errors = await viewer.errors(query, **variables)
    assert errors[0]["extensions"]["code"] == "FORBIDDEN", errors
    assert await snapshot(store) == before
    return errors[0]["message"]


async def test_only_the_receiver_of_an_accepted_referral_may_forward_it(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    clinic = await signed_in(Role.PARTNER, "org-zs-east-clinic")
    # Still pending: the health centre has only been asked, and may not pass the resident on.
    message = await _refused(
        clinic, engine_store, REFER, n=PENDING_NEED, **{"from": CLINIC, "to": ELDERCARE}
    )
    assert "accepted" in message
    # 联合 sent need-0003 but did not receive it: it may not send it on as a partner either.
    lianhe = await signed_in(Role.PARTNER, "org-zs-lianhe")
    await _refused(
        lianhe, engine_store, REFER, n=ACCEPTED_NEED, **{"from": LIANHE, "to": ELDERCARE}
    )
    # Accepted: the health centre forwards it; the new receiver sees the resident only once it
    # accepts.
    forwarded = await clinic(REFER, n=ACCEPTED_NEED, **{"from": CLINIC, "to": ELDERCARE})
    referral = forwarded["referNeed"]["referral"]["id"]
    eldercare = await signed_in(Role.PARTNER, "org-zs-east-eldercare")
    resident = gid("Resident", "resident-0002")
    pending = await eldercare.raw(SEEN_BY_RECEIVER, n=ACCEPTED_NEED, r=resident)
    assert pending["data"]["need"] == {"key": "need-0003", "description": None}
    assert pending["data"]["resident"] is None
    assert {e["extensions"]["code"] for e in pending["errors"]} == {"FORBIDDEN"}
    assert {tuple(e["path"]) for e in pending["errors"]} == {("need", "description"), ("resident",)}
    await eldercare(
        "mutation ($id: ID!) { acceptReferral(id: $id) { referral { status } } }", id=referral
    )
    accepted = await eldercare(SEEN_BY_RECEIVER, n=ACCEPTED_NEED, r=resident)
    assert accepted["resident"]["name"] and accepted["resident"]["phone"]  # what a visit needs


async def test_a_social_worker_refers_only_from_the_organization_that_employs_them(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")  # employed by 联合, covers 起湾
    message = await _refused(
        worker, engine_store, REFER, n=LIN_VISIT, **{"from": CLINIC, "to": ELDERCARE}
    )
    assert "employs you" in message
    done = await worker(REFER, n=LIN_VISIT, **{"from": LIANHE, "to": ELDERCARE})
    assert done["referNeed"]["referral"]["status"] == "PENDING"
    # Covering the community is still required, whoever employs them.
    outside = await signed_in(Role.SOCIAL_WORKER, "worker-0014")
    await _refused(outside, engine_store, REFER, n=LIN_VISIT, **{"from": LIANHE, "to": CLINIC})


async def test_the_same_idempotency_key_from_another_actor_runs_their_own_change(
    signed_in: SignIn,
) -> None:
    fund = gid("Fund", "fund-zs-east-seed")
    project = gid("Project", "project-zs-clothes-bank")
    first, second = await signed_in(Role.ADMIN, "admin-a"), await signed_in(Role.ADMIN, "admin-b")
    mine = await first(GRANT, f=fund, p=project, amount="1000.00", key="grant-1")
    theirs = await second(GRANT, f=fund, p=project, amount="1000.00", key="grant-1")
    assert mine["grant"]["replayed"] is False and theirs["grant"]["replayed"] is False
    balance = float(mine["grant"]["fund"]["money"]["balance"])
    assert float(theirs["grant"]["fund"]["money"]["balance"]) == balance - 1000
    # Each actor's retry replays their own request, and only theirs.
    again = await second(GRANT, f=fund, p=project, amount="1000.00", key="grant-1")
    assert again["grant"]["replayed"] is True
    assert again["grant"]["fund"]["money"] == theirs["grant"]["fund"]["money"]
    errors = await first.errors(GRANT, f=fund, p=project, amount="5.00", key="grant-1")
    assert errors[0]["extensions"]["code"] == "CONFLICT"


ELSEWHERE = dynamic(
    "tests.workflows.elsewhere",
    """
    MATCH (v:Volunteer {id: $volunteer})
    SET v.location = point({latitude: $latitude, longitude: $longitude}),
        v.serviceRadiusMeters = $radius
    WITH v
    OPTIONAL MATCH (v)-[s:SERVES_AREA]->()
    DELETE s
    WITH DISTINCT v
    MATCH (c:Community {id: 'community-zs-chaqiao'})
    MERGE (v)-[:SERVES_AREA]->(c)
    """,
)
UNASSIGN = """
mutation ($need: ID!, $v: ID!) { unassignVolunteer(needId: $need, volunteerId: $v) { replayed } }
"""


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6_378_140 * 2 * math.asin(math.sqrt(h))


async def test_an_assignment_refused_as_out_of_range_says_nothing_finer_than_the_cell(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    """何姨 now serves only 槎桥, so worker-0001 (林婆婆's 起湾) may not read her base. Her base
    is put at either end of one ~500 m cell ~2 km from 林婆婆, with a service radius between the
    two: the administrator's "out of range" tells the two apart; the worker's answer may not."""
    found = await gql(
        "query ($r: ID!) { node(id: $r) { ... on Resident { location { latitude longitude } } } }",
        r=gid("Resident", "resident-zs-qiwan-01"),
    )
    home = (found["node"]["location"]["latitude"], found["node"]["location"]["longitude"])
    grid = 0.005  # the ~500 m cells of docs/ACCESS.md
    centre = (
        math.floor((home[0] + 0.018) / grid) * grid + grid / 2,
        math.floor(home[1] / grid) * grid + grid / 2,
    )
    nearer, farther = (centre[0] - 0.0008, centre[1]), (centre[0] + 0.0008, centre[1])
    radius = round(_metres(home, centre)) + 30  # the cell's centre is in range, `farther` not
    assert _metres(home, nearer) < radius < _metres(home, farther)
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    outcomes = {}
    for where in (nearer, farther):
        await engine_store.write(
            ELSEWHERE,
            {"volunteer": "volunteer-zs-near", "latitude": where[0], "longitude": where[1],
             "radius": radius},
        )  # fmt: skip
        body = await worker.raw(ASSIGN, need=LIN_VISIT, volunteers=[{"volunteerId": NEAR}])
        outcomes[where] = json.dumps(body.get("errors"))
        if not body.get("errors"):
            await worker(UNASSIGN, need=LIN_VISIT, v=NEAR)
    assert outcomes[nearer] == outcomes[farther] == "null"
    # The administrator may read her base: measured exactly, `farther` is out of range.
    errors = await gql.errors(ASSIGN, need=LIN_VISIT, volunteers=[{"volunteerId": NEAR}])
    assert "service radius" in errors[0]["message"]


LEGACY_KEY = dynamic(
    "tests.workflows.legacy_key",
    "CREATE (:IdempotencyKey {key: 'grant-legacy', operation: 'grant', fingerprint: 'f', "
    "result: 'fund-zs-east-seed', at: localdatetime()})",
)


async def test_a_key_stored_before_keys_were_per_actor_answers_no_one(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    """A bare key from before cannot be told apart by actor: it is never matched again, so
    nobody gets its answer or its refusal; the request runs as a new one."""
    await engine_store.write(LEGACY_KEY)
    fund = gid("Fund", "fund-zs-east-seed")
    project = gid("Project", "project-zs-clothes-bank")
    done = await gql(GRANT, f=fund, p=project, amount="10.00", key="grant-legacy")
    assert done["grant"]["replayed"] is False


REPORT = "mutation ($input: ReportNeedInput!) { reportNeed(input: $input) { need { id title } } }"
RETITLE = (
    "mutation ($n: ID!, $t: String!) { updateNeed(id: $n, input: {title: $t}) { need { title } } }"
)


async def test_a_need_title_says_what_is_needed_never_who_needs_it(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    """Every volunteer who may take a need reads its title: 林婆婆's name, her surname as she is
    called (林姨, 林阿婆, 林太, 林先生, 林姐…) or her phone number in it would tell them who she
    is."""
    haircut = {
        "residentId": gid("Resident", "resident-zs-qiwan-01"),
        "categoryId": gid("ServiceCategory", "cat-haircut"),
        "slots": ["SAT_AM"],
    }
    before = await snapshot(engine_store)
    for title in (
        "林婆婆上门义剪",
        "给林阿婆剪头发",
        "林姨 义剪",
        "林太 义剪",
        "林太太义剪",
        "去林太家义剪",
        "义剪，林太",
        "林先生 义剪",
        "林女士义剪",
        "林老伯义剪",
        "林老太义剪",
        "林阿叔 义剪",
        "林姐义剪",
        "林婶义剪",
        "林嫂义剪",
        "义剪，电话 138 0013 8000",
    ):
        errors = await gql.errors(REPORT, input={**haircut, "title": title})
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", (title, errors)
        assert "`title`" in errors[0]["message"] and "林" not in errors[0]["message"]
    assert await snapshot(engine_store) == before

    reported = await gql(REPORT, input={**haircut, "title": "上门义剪"})
    need = reported["reportNeed"]["need"]["id"]
    before = await snapshot(engine_store)
    errors = await gql.errors(RETITLE, n=need, t="林婆婆的义剪")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
    assert await snapshot(engine_store) == before
    renamed = await gql(RETITLE, n=need, t="上门义剪（周六上午）")
    assert renamed["updateNeed"]["need"]["title"] == "上门义剪（周六上午）"


RENAMED = dynamic(
    "tests.workflows.renamed",
    "MATCH (r:Resident {id: $id}) SET r.name = $name RETURN r.id AS id",
)


@pytest.mark.parametrize(
    ("name", "words", "addressed"),
    [
        ("年桂芳", "老年助餐", "年婆婆助餐"),
        ("花秀兰", "配老花镜", "花阿姨配眼镜"),
        ("师玉珍", "请老师上门辅导", "师奶奶 辅导"),
        ("外淑华", "陪外婆就医", "外婆婆就医"),
        ("卫国强", "环境卫生清洁", "卫伯 清洁"),
        ("钱秀英", "钱太少 申请补助", "钱太 申请补助"),
        ("路桂芳", "路太滑 陪同出行", "路太的陪同出行"),
        ("高淑珍", "血压高太久 陪诊", "高太，陪诊"),
        ("师丽华", "请师姐陪同就医", "师女士陪同就医"),
        ("空美玲", "空姐志愿者探访", "空姨探访"),
    ],
)
async def test_a_word_that_begins_like_an_address_is_not_her_name(
    gql: GraphQL, engine_store: GraphStore, name: str, words: str, addressed: str
) -> None:
    """A title is refused for her surname before an honorific only: 老年, 老花镜, 老师, 外婆,
    卫生, 师姐 and 空姐 are words, whatever her surname, and pass, as does 太 meaning "too"
    (钱太少, 路太滑); her surname as she is called (钱太, 路太的) does not."""
    await engine_store.write(RENAMED, {"id": "resident-zs-qiwan-01", "name": name})
    need = {
        "residentId": gid("Resident", "resident-zs-qiwan-01"),
        "categoryId": gid("ServiceCategory", "cat-haircut"),
        "slots": ["SAT_AM"],
    }
    reported = await gql(REPORT, input={**need, "title": words})
    assert reported["reportNeed"]["need"]["title"] == words
    before = await snapshot(engine_store)
    errors = await gql.errors(REPORT, input={**need, "title": addressed})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", errors
    assert name[0] not in errors[0]["message"]
    assert await snapshot(engine_store) == before


async def test_a_compound_surname_is_her_surname_in_a_title(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    """欧阳秀英 is called 欧阳婆婆, not 欧婆婆; 欧阳修 (three characters) 欧阳伯伯: both refused,
    reported or retitled."""
    need = {
        "residentId": gid("Resident", "resident-zs-qiwan-01"),
        "categoryId": gid("ServiceCategory", "cat-haircut"),
        "slots": ["SAT_AM"],
    }
    for name, addressed in (("欧阳秀英", "欧阳婆婆上门义剪"), ("欧阳修", "给欧阳伯伯剪头发")):
        await engine_store.write(RENAMED, {"id": "resident-zs-qiwan-01", "name": name})
        before = await snapshot(engine_store)
        errors = await gql.errors(REPORT, input={**need, "title": addressed})
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", (name, errors)
        assert await snapshot(engine_store) == before

        reported = await gql(REPORT, input={**need, "title": "上门义剪"})
        before = await snapshot(engine_store)
        errors = await gql.errors(RETITLE, n=reported["reportNeed"]["need"]["id"], t=addressed)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", (name, errors)
        assert await snapshot(engine_store) == before


async def test_a_title_may_hold_a_date_or_hours_but_not_a_phone_or_id_number(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    """Numbers are told apart by their shape, however they are grouped: a date and opening hours
    say when the need is, even side by side (2026-12-05 1400-1700 2人); a mobile, a landline, an
    ID-card or bank-card number would say who she is."""
    need = {
        "residentId": gid("Resident", "resident-zs-qiwan-01"),
        "categoryId": gid("ServiceCategory", "cat-haircut"),
        "slots": ["SAT_AM"],
    }
    for title in (
        "2026-12-02 上门义剪",
        "义剪 0900-1700",
        "陪诊 0900-1200、1400-1700",
        "2026.12.02-2026.12.15 助餐",
        "20261202 义剪",
        "３栋５０２ 义剪",
        "助浴 2026-12-09 0900-1030",
        "2026-12-05 0900-1100",
        "2026-12-05 1400-1700 2人",
        "0800-2000 2026-12-05",
        "12-15 0900-1100 3人",
        "2026-12-15 0900-1100 3人",
        "2026年12月5日 09:00-11:00 助浴",
        "12月15日 0900-1100 3人",
    ):
        reported = await gql(REPORT, input={**need, "title": title})
        assert reported["reportNeed"]["need"]["title"] == title

    before = await snapshot(engine_store)
    for title in (
        "义剪，电话 138.0013.8000",
        "义剪 138 0013 8000",
        "义剪 １３８－００１３－８０００",
        "义剪（0760）8765-4321",
        "义剪 44010619500101123X",
        "义剪 4401 0619 5001 0112 3X",
        "义剪 卡号 6222 0212 3456 7890",
        "义剪 87654321",
        "2026-12-05 义剪 13800138000",
        "义剪 0760-8765-4321",
        "义剪 440106 19500101 123X",
    ):
        errors = await gql.errors(REPORT, input={**need, "title": title})
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", (title, errors)
        assert "`title`" in errors[0]["message"]
    assert await snapshot(engine_store) == before
