"""The event seam: every write that happened is told once, nothing else is told at all.

A successful workflow step emits exactly one event (what changed, who, when) through
``graph.events``; a refused step, a step refused before the graph (bad input) and a replayed
retry emit none. Runs on both engines, through the API, as a client would cause them.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph import events
from graph.events import Event
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

LIN_VISIT = "need-zs-qiwan-01-visit"
NEAR = "volunteer-zs-near"
FUND = gid("Fund", "fund-zs-east-seed")
PROJECT = gid("Project", "project-zs-clothes-bank")

GRANT = """
mutation ($f: ID!, $p: ID!, $amount: Decimal!, $key: String) {
  grant(fundId: $f, projectId: $p, amount: $amount, date: "2026-11-20", idempotencyKey: $key) {
    replayed fund { key }
  }
}
"""

SIGN_UP = """
mutation ($r: ID!, $v: ID!, $key: String) {
  signUp(recruitmentId: $r, volunteerId: $v, idempotencyKey: $key) { replayed }
}
"""


async def test_a_reported_need_is_told_once_with_what_who_and_when(
    gql: GraphQL, told: list[Event]
) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    reported = await gql(
        """
        mutation ($input: ReportNeedInput!) { reportNeed(input: $input) { need { key } } }
        """,
        input={
            "residentId": gid("Resident", "resident-zs-qiwan-01"),
            "categoryId": gid("ServiceCategory", "cat-visit"),
            "title": "周二上门探访",
            "slots": ["TUE_AM"],
        },
    )
    need = reported["reportNeed"]["need"]["key"]
    (event,) = told
    assert (event.kind, event.family, event.key) == ("NEED_REPORTED", "Need", need)
    assert event.keys == {"Need": (need,), "Resident": ("resident-zs-qiwan-01",)}
    assert event.actor == "admin:admin-tests"
    assert event.operation == "reportNeed"
    assert before <= event.at <= dt.datetime.now(dt.UTC)
    assert event.id.startswith("event-")


async def test_the_actor_is_whoever_signed_the_request(
    signed_in: SignIn, told: list[Event]
) -> None:
    volunteer = await signed_in(Role.VOLUNTEER, NEAR)
    recruitment, me = gid("Recruitment", "recruitment-02"), gid("Volunteer", NEAR)
    done = await volunteer(SIGN_UP, r=recruitment, v=me)
    assert done["signUp"]["replayed"] is False
    (event,) = told
    assert (event.kind, event.family, event.key) == ("SIGNED_UP", "Recruitment", "recruitment-02")
    assert event.keys["Volunteer"] == (NEAR,)
    assert event.actor == f"volunteer:{NEAR}"


async def test_each_step_of_a_need_is_told_by_its_own_kind(gql: GraphQL, told: list[Event]) -> None:
    await gql(
        "mutation ($n: ID!, $v: [AssignmentInput!]!) { assignVolunteers(needId: $n, "
        "volunteers: $v) { need { key } } }",
        n=gid("Need", LIN_VISIT),
        v=[{"volunteerId": gid("Volunteer", NEAR)}],
    )
    await gql(
        'mutation ($n: ID!) { closeNeed(id: $n, note: "已完成") { need { status } } }',
        n=gid("Need", LIN_VISIT),
    )
    assert [(e.kind, e.family, e.key) for e in told] == [
        ("VOLUNTEERS_ASSIGNED", "Need", LIN_VISIT),
        ("NEED_CLOSED", "Need", LIN_VISIT),
    ]
    assert told[0].keys["Volunteer"] == (NEAR,)
    assert told[0].at <= told[1].at


async def test_a_refused_step_is_not_told(gql: GraphQL, told: list[Event]) -> None:
    # Refused by the graph: the volunteer is busy in the need's slot.
    errors = await gql.errors(
        "mutation ($n: ID!, $v: [AssignmentInput!]!) { assignVolunteers(needId: $n, "
        "volunteers: $v) { need { key } } }",
        n=gid("Need", LIN_VISIT),
        v=[{"volunteerId": gid("Volunteer", "volunteer-zs-busy")}],
    )
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    # Refused by the graph: there is no such need.
    errors = await gql.errors(
        "mutation ($n: ID!) { cancelNeed(id: $n) { need { key } } }",
        n=gid("Need", "need-that-does-not-exist"),
    )
    assert errors[0]["extensions"]["code"] in {"NOT_FOUND", "FORBIDDEN"}
    # Refused before the graph: an amount with a third decimal.
    errors = await gql.errors(GRANT, f=FUND, p=PROJECT, amount="10.001")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert told == []


async def test_a_replayed_retry_is_not_told_again(gql: GraphQL, told: list[Event]) -> None:
    first = await gql(GRANT, f=FUND, p=PROJECT, amount="1000.00", key="grant-events-a")
    again = await gql(GRANT, f=FUND, p=PROJECT, amount="1000.00", key="grant-events-a")
    assert first["grant"]["replayed"] is False and again["grant"]["replayed"] is True
    (event,) = told
    assert (event.kind, event.family, event.key) == ("GRANT_MADE", "Fund", "fund-zs-east-seed")
    assert event.keys["Project"] == ("project-zs-clothes-bank",)


async def test_concurrent_retries_are_told_once_and_only_grants_that_happened_are_told(
    gql: GraphQL, told: list[Event]
) -> None:
    results = await asyncio.gather(
        *(
            gql.raw(
                SIGN_UP,
                r=gid("Recruitment", "recruitment-02"),
                v=gid("Volunteer", NEAR),
                key="signup-events-02",
            )
            for _ in range(5)
        )
    )
    assert [r["data"]["signUp"]["replayed"] for r in results].count(False) == 1
    assert [e.kind for e in told] == ["SIGNED_UP"]
    told.clear()
    money = await gql(
        "query ($f: ID!) { node(id: $f) { ... on Fund { money { balance } } } }", f=FUND
    )
    share = float(money["node"]["money"]["balance"]) / 3  # only 3 of 6 grants fit
    results = await asyncio.gather(
        *(gql.raw(GRANT, f=FUND, p=PROJECT, amount=f"{share:.2f}") for _ in range(6))
    )
    granted = [r for r in results if not r.get("errors")]
    assert 0 < len(granted) <= 3  # (test_workflows checks that exactly the ones that fit pass)
    assert [e.kind for e in told] == ["GRANT_MADE"] * len(granted)
    assert len({e.id for e in told}) == len(granted)


async def test_a_failing_listener_neither_undoes_the_write_nor_silences_the_others(
    gql: GraphQL, told: list[Event]
) -> None:
    def broken(event: Event) -> None:
        raise RuntimeError("a listener's bug")

    later: list[Event] = []

    async def listening(event: Event) -> None:
        later.append(event)

    stops = [events.subscribe(broken), events.subscribe(listening)]
    try:
        done = await gql(GRANT, f=FUND, p=PROJECT, amount="10.00")
    finally:
        for stop in stops:
            stop()
    assert done["grant"]["replayed"] is False
    assert [e.kind for e in told] == [e.kind for e in later] == ["GRANT_MADE"]
