"""`sort` and `direction` on relationship connections: a volunteer's records newest first, a
community's residents by birth year, under the same rules as the root lists.

Scenarios on the demo data, on both engines: a connection in an order holds its items in that
order, ties by key; a connection sorted by a value the viewer may not read is refused or read
blind exactly as the root list with the same question is (the rule follows the family, not the
path to it); DISTANCE, which needs a root list's `near`, is BAD_USER_INPUT; and a page of parents
with sorted connections stays one statement per connection.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from graph.model.entities import connection_sorts
from graph.model.registry import families
from schema import schema
from tests.api.costs import round_trips
from tests.conftest import GraphQL, signed_in_as

QIWAN = "community-zs-qiwan"  # covered by worker-0001
SONGYUAN = "community-zs-songyuan"  # not covered by worker-0001
WORKER = "worker-0001"


def keys(connection: dict[str, Any]) -> list[str]:
    return [n["key"] for n in connection["nodes"]]


async def test_a_volunteers_records_newest_first_then_by_key(gql: GraphQL) -> None:
    busiest = await gql(
        "{ volunteers(sort: VERIFIED_HOURS, direction: DESC, first: 1) { nodes { id } } }"
    )
    data = await gql(
        "query ($v: ID!) { node(id: $v) { ... on Volunteer { "
        "newest: serviceRecords(sort: DATE, direction: DESC, first: 100) { nodes { key date } } "
        "usual: serviceRecords(first: 100) { nodes { key date } } } } }",
        v=busiest["volunteers"]["nodes"][0]["id"],
    )
    newest, usual = data["node"]["newest"]["nodes"], data["node"]["usual"]["nodes"]
    assert len(newest) > 3
    by_date = sorted(usual, key=lambda r: r["key"])
    by_date.sort(key=lambda r: r["date"], reverse=True)
    assert newest == by_date
    assert newest != usual  # the default order is oldest first


async def test_the_last_five_records_of_every_volunteer_on_a_page_are_one_statement(
    demo_app: Starlette, demo_client: httpx.AsyncClient
) -> None:
    query = (
        "{ volunteers(first: 50) { nodes { key "
        "serviceRecords(sort: DATE, direction: DESC, first: 5) { nodes { date } } } } }"
    )
    cost, data = await round_trips(demo_app, demo_client, query)
    assert cost == 2  # the volunteers, then every page of records
    for volunteer in data["volunteers"]["nodes"]:
        dates = [r["date"] for r in volunteer["serviceRecords"]["nodes"]]
        assert dates == sorted(dates, reverse=True), volunteer["key"]


@pytest.mark.parametrize("community", [QIWAN, SONGYUAN])
@pytest.mark.parametrize("order", ["BIRTH_YEAR", "NAME"])
async def test_a_social_worker_orders_a_communitys_residents_as_the_list_would(
    demo_app: Starlette, settings: Settings, community: str, order: str
) -> None:
    """Covered: by birth year or name; elsewhere: by key, the value they may not read saying
    nothing through the order. Either way, what the root list answers the same question."""
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker:
        for direction in ("ASC", "DESC"):
            through = await worker(
                "query ($c: ID!, $s: ResidentSort, $d: SortDirection) { node(id: $c) { "
                "... on Community { residents(sort: $s, direction: $d, first: 100) "
                "{ nodes { key } } } } }",
                c=gid("Community", community),
                s=order,
                d=direction,
            )
            listed = await worker(
                "query ($c: ID!, $s: ResidentSort, $d: SortDirection) { residents(where: "
                "{communitySome: {id: {eq: $c}}}, sort: $s, direction: $d, first: 100) "
                "{ nodes { key } } }",
                c=gid("Community", community),
                s=order,
                d=direction,
            )
            assert keys(through["node"]["residents"]) == keys(listed["residents"])
            assert keys(listed["residents"])
            if community == SONGYUAN:
                assert keys(listed["residents"]) == sorted(keys(listed["residents"]))


async def test_an_analyst_may_not_order_residents_through_a_community_by_what_they_may_not_read(
    demo_app: Starlette, settings: Settings
) -> None:
    async with signed_in_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as analyst:
        for order in ("NAME", "BIRTH_YEAR"):
            errors = await analyst.errors(
                "query ($c: ID!) { node(id: $c) { ... on Community { "
                f"residents(sort: {order}, first: 5) {{ nodes {{ key }} }} }} }} }}",
                c=gid("Community", QIWAN),
            )
            assert errors[0]["extensions"]["code"] == "FORBIDDEN"
            assert "may not read" in errors[0]["message"]


async def test_distance_is_for_root_lists_with_near(gql: GraphQL) -> None:
    errors = await gql.errors(
        "query ($c: ID!) { node(id: $c) { ... on Community { "
        "residents(sort: DISTANCE) { totalCount } } } }",
        c=gid("Community", QIWAN),
    )
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
    assert "near" in errors[0]["message"]


def test_every_sort_enum_is_its_familys_sorts_with_their_descriptions() -> None:
    """Declared once: the GraphQL enum of each family is its declaration's sorts, described."""
    for family in families():
        enum = schema.get_type_by_name(f"{family.label}Sort")
        if enum is None:
            continue  # a family no list or connection offers
        values = {v.name: v.description for v in enum.values}  # type: ignore[union-attr]
        assert values == {k: family.sort_doc(k) for k in family.sorts}, family.label
        assert all(values.values()), family.label
        assert set(connection_sorts(family)) <= set(values)
