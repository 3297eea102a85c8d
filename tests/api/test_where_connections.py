"""`where` on relationship connections: a community's residents, a team's members, a volunteer's
records narrowed as the lists are, under the same access rules.

Scenarios on the demo data, on both engines: a connection under a where holds exactly the
related items the same where gives on the root list together with the relationship; a viewer
refused a where on a root list is refused it on a connection too (the rule follows the family,
not the path to it); a social worker counting by birth year through a community counts only the
residents they may read, as on the list; bad input is BAD_USER_INPUT; and the connection stays
one statement for a whole page of parents.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from tests.api.costs import round_trips
from tests.conftest import GraphQL, signed_in_as

QIWAN = "community-zs-qiwan"
WORKER = "worker-0001"
BUSY_V = "volunteer-zs-busy"
BORN_80 = dt.date.today().year - 80


def keys(connection: dict[str, Any]) -> list[str]:
    return [n["key"] for n in connection["nodes"]]


async def residents_of_qiwan(gql: GraphQL, where: Any) -> tuple[list[str], int]:
    """The residents of 岐湾 under ``where`` through the community, and their count."""
    data = await gql(
        "query ($c: ID!, $w: ResidentWhere) { node(id: $c) { ... on Community { "
        "residents(where: $w, first: 100) { totalCount nodes { key } } } } }",
        c=gid("Community", QIWAN),
        w=where,
    )
    connection = data["node"]["residents"]
    return keys(connection), connection["totalCount"]


async def residents_listed(gql: GraphQL, where: Any) -> list[str]:
    """The same question on the root list: ``where`` and living in 岐湾."""
    both = {"AND": [where, {"communitySome": {"id": {"eq": gid("Community", QIWAN)}}}]}
    data = await gql(
        "query ($w: ResidentWhere) { residents(where: $w, first: 100) "
        "{ totalCount nodes { key } } }",
        w=both,
    )
    return keys(data["residents"])


async def test_a_communitys_residents_under_a_where_are_those_the_list_gives(
    gql: GraphQL,
) -> None:
    everyone, total = await residents_of_qiwan(gql, None)
    for where in (
        {"tags": {"includes": "ELDERLY"}},
        {"birthYear": {"lte": BORN_80}},
        {"OR": [{"gender": {"eq": "FEMALE"}}, {"NOT": {"tags": {"includes": "ELDERLY"}}}]},
    ):
        found, count = await residents_of_qiwan(gql, where)
        assert sorted(found) == sorted(await residents_listed(gql, where))
        assert count == len(found)
        assert set(found) <= set(everyone)
        assert 0 < count < total, where


async def test_a_volunteers_records_narrowed_to_the_later_half(gql: GraphQL) -> None:
    query = (
        "query ($v: ID!, $w: ServiceRecordWhere) { node(id: $v) { ... on Volunteer { "
        "serviceRecords(where: $w, first: 100) { totalCount nodes { key date } } } } }"
    )
    team = await gql("{ volunteers(first: 100) { nodes { id serviceRecords { totalCount } } } }")
    busiest = max(team["volunteers"]["nodes"], key=lambda v: v["serviceRecords"]["totalCount"])
    volunteer = busiest["id"]
    every = (await gql(query, v=volunteer, w=None))["node"]["serviceRecords"]["nodes"]
    assert len(every) > 2
    dates = sorted(r["date"] for r in every)
    middle = dates[len(dates) // 2]
    later = (await gql(query, v=volunteer, w={"date": {"gte": middle}}))["node"]
    expected = {r["key"] for r in every if r["date"] >= middle}
    assert {r["key"] for r in later["serviceRecords"]["nodes"]} == expected
    assert later["serviceRecords"]["totalCount"] == len(expected) < len(every)


async def test_an_analyst_refused_a_where_on_names_is_refused_it_through_a_community(
    demo_app: Starlette, settings: Settings
) -> None:
    async with signed_in_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as analyst:
        listed = await analyst.errors(
            '{ residents(where: {name: {startsWith: "李"}}) { totalCount } }'
        )
        through = await analyst.errors(
            "query ($c: ID!) { node(id: $c) { ... on Community { "
            'residents(where: {name: {startsWith: "李"}}) { totalCount } } } }',
            c=gid("Community", QIWAN),
        )
    assert through[0]["extensions"]["code"] == listed[0]["extensions"]["code"] == "FORBIDDEN"
    assert through[0]["message"] == listed[0]["message"]


async def test_a_volunteer_may_not_ask_a_communitys_residents_by_tag(
    demo_app: Starlette, settings: Settings
) -> None:
    async with signed_in_as(demo_app, settings, Role.VOLUNTEER, BUSY_V) as volunteer:
        errors = await volunteer.errors(
            "query ($c: ID!) { node(id: $c) { ... on Community { "
            "residents(where: {tags: {includes: ELDERLY}}) { totalCount } } } }",
            c=gid("Community", QIWAN),
        )
    assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_social_worker_counts_by_birth_year_through_a_community_as_on_the_list(
    demo_app: Starlette, settings: Settings
) -> None:
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker:
        data = await worker(
            "query ($c: ID!) { communities(first: 100) { nodes { key } } node(id: $c) { key } }",
            c=gid("Community", QIWAN),
        )
        for community in keys(data["communities"]):
            through = await worker(
                "query ($c: ID!, $y: Int!) { node(id: $c) { ... on Community { "
                "residents(where: {birthYear: {lte: $y}}) { totalCount } } } }",
                c=gid("Community", community),
                y=BORN_80,
            )
            listed = await worker(
                "query ($c: ID!, $y: Int!) { residents(where: {birthYear: {lte: $y}, "
                "communitySome: {id: {eq: $c}}}) { totalCount } }",
                c=gid("Community", community),
                y=BORN_80,
            )
            assert (
                through["node"]["residents"]["totalCount"] == listed["residents"]["totalCount"]
            ), community


@pytest.mark.parametrize(
    "where", ["{birthYear: {gt: 1990, lt: 1930}}", "{OR: []}", '{id: {eq: "bm90IGFuIGlk"}}']
)
async def test_bad_where_on_a_connection_is_bad_user_input(gql: GraphQL, where: str) -> None:
    errors = await gql.errors(
        "query ($c: ID!) { node(id: $c) { ... on Community { "
        f"residents(where: {where}) {{ totalCount }} }} }} }}",
        c=gid("Community", QIWAN),
    )
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]


async def test_a_page_of_parents_under_a_where_is_one_statement_per_connection(
    demo_app: Starlette, demo_client: httpx.AsyncClient
) -> None:
    query = (
        "{ communities(first: 20) { nodes { key residents(where: {tags: {includes: ELDERLY}}, "
        "first: 5) { totalCount nodes { key } } } } }"
    )
    cost, _ = await round_trips(demo_app, demo_client, query)
    assert cost == 2  # the communities, then every page of residents
