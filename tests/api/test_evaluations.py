"""Organization evaluation records (社会组织评估) on the demo data: the bureau records grades, every
one is kept, and the latest valid one is the grade the organization filters read."""

from __future__ import annotations

import datetime as dt

import pytest

from access.tokens import Role
from api.ids import from_global_id
from api.ids import to_global_id as gid
from app import expire_grades
from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from graph.workflows import Request, expire_grade
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

HUB = gid("Organization", "org-zs-east-hub")
EVALUATE = """
mutation ($o: ID!, $g: Rating!, $s: Decimal!, $on: Date!, $until: Date!) {
  recordOrganizationEvaluation(organizationId: $o, grade: $g, score: $s,
      evaluator: "中山市社会组织评估委员会", evaluatedOn: $on, validUntil: $until) {
    organization { rating evaluations { grade score evaluator evaluatedOn validUntil } }
  }
}
"""
FIVE_A_HERE = """
query ($o: ID!) { node(id: $o) { ... on Organization { rating } }
  fiveA: organizations(filter: {ratingMin: GRADE_5A}, first: 100) { nodes { key } } }
"""


def day(years_ago: int, plus_years: int = 0) -> str:
    today = dt.date.today()
    return today.replace(year=today.year - years_ago + plus_years, month=1, day=15).isoformat()


async def test_the_latest_valid_evaluation_is_the_grade_filters_read_and_all_are_kept(
    gql: GraphQL,
) -> None:
    done = await gql(EVALUATE, o=HUB, g="GRADE_3A", s="712.5", on=day(2), until=day(2, 5))
    org = done["recordOrganizationEvaluation"]["organization"]
    assert org["rating"] == "GRADE_3A"
    assert org["evaluations"] == [
        {
            "grade": "GRADE_3A",
            "score": 712.5,
            "evaluator": "中山市社会组织评估委员会",
            "evaluatedOn": day(2),
            "validUntil": day(2, 5),
        }
    ]
    # An older evaluation recorded late joins the history and changes nothing current.
    done = await gql(EVALUATE, o=HUB, g="GRADE_5A", s="950", on=day(6), until=day(6, 5))
    org = done["recordOrganizationEvaluation"]["organization"]
    assert org["rating"] == "GRADE_3A"
    assert [e["grade"] for e in org["evaluations"]] == ["GRADE_3A", "GRADE_5A"]
    assert _key(HUB) not in {n["key"] for n in (await gql(FIVE_A_HERE, o=HUB))["fiveA"]["nodes"]}
    # A newer 5A is the current grade: the filters find it.
    await gql(EVALUATE, o=HUB, g="GRADE_5A", s="960", on=day(1), until=day(1, 5))
    found = await gql(FIVE_A_HERE, o=HUB)
    assert found["node"]["rating"] == "GRADE_5A"
    assert _key(HUB) in {n["key"] for n in found["fiveA"]["nodes"]}
    # A latest evaluation whose validity has already run out leaves the organization ungraded.
    today = dt.date.today()
    done = await gql(
        EVALUATE, o=HUB, g="GRADE_4A", s="800", on=(today - dt.timedelta(days=10)).isoformat(),
        until=(today - dt.timedelta(days=1)).isoformat(),
    )  # fmt: skip
    org = done["recordOrganizationEvaluation"]["organization"]
    assert org["rating"] is None and len(org["evaluations"]) == 4


async def test_evaluations_are_the_bureaus_and_bad_input_writes_nothing(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    before = await checksum(engine_store)
    for score, on, until in (("1200", day(1), day(1, 5)), ("800", day(1), day(2))):
        errors = await gql.errors(EVALUATE, o=HUB, g="GRADE_4A", s=score, on=on, until=until)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    missing = await gql.errors(
        EVALUATE, o=gid("Organization", "org-nowhere"), g="GRADE_4A", s="800", on=day(1),
        until=day(1, 5),
    )  # fmt: skip
    assert missing[0]["extensions"]["code"] == "NOT_FOUND"
    partner = await signed_in(Role.PARTNER, "org-zs-east-hub")
    denied = await partner.errors(
        EVALUATE, o=HUB, g="GRADE_5A", s="999", on=day(1), until=day(1, 5)
    )
    assert denied[0]["extensions"]["code"] == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def test_a_grade_that_runs_out_later_is_cleared_by_the_sweep_and_its_history_kept(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    today = dt.date.today()
    until = today + dt.timedelta(days=30)
    await gql(EVALUATE, o=HUB, g="GRADE_5A", s="960", on=day(1), until=until.isoformat())
    assert (await gql(FIVE_A_HERE, o=HUB))["node"]["rating"] == "GRADE_5A"
    # Still valid on its last day: the sweep clears nothing, and the step itself refuses.
    before = await checksum(engine_store)
    assert await expire_grades(engine_store, until) == []
    with pytest.raises(GraphRejected, match="still valid"):
        await expire_grade(engine_store, Request("expireGrade", {}), _key(HUB), until.isoformat())
    assert await checksum(engine_store) == before
    # The day after, the grade is gone from the organization, its filter and its sort; the
    # evaluation stays in the history. A second sweep finds nothing more.
    assert await expire_grades(engine_store, until + dt.timedelta(days=1)) == [_key(HUB)]
    found = await gql(FIVE_A_HERE, o=HUB)
    assert found["node"]["rating"] is None
    assert _key(HUB) not in {n["key"] for n in found["fiveA"]["nodes"]}
    history = await gql(
        "query ($o: ID!) { node(id: $o) { ... on Organization "
        "{ evaluations { grade validUntil } } } }",
        o=HUB,
    )
    assert history["node"]["evaluations"] == [
        {"grade": "GRADE_5A", "validUntil": until.isoformat()}
    ]
    assert await expire_grades(engine_store, until + dt.timedelta(days=2)) == []
    # A new evaluation grades it again.
    await gql(EVALUATE, o=HUB, g="GRADE_4A", s="850", on=today.isoformat(), until=day(0, 5))
    assert (await gql(FIVE_A_HERE, o=HUB))["node"]["rating"] == "GRADE_4A"


def _key(global_id: str) -> str:
    return from_global_id(global_id)[1]
