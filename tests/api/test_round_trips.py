"""No N+1: a nested list costs a constant number of store round trips, whatever its length.

The guard netbox keeps for its list queries: count what the store is asked, not the time.
"""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from tests.conftest import GraphQL

NESTED = """
query ($first: Int!) {
  volunteers(first: $first) {
    totalCount
    nodes {
      name
      skills { edges { level node { name broader { nodes { name } } } } }
      teams { edges { role node { name parent { name } } } }
      serviceRecords(first: 5) { nodes { date hours } }
    }
  }
}
"""


async def _round_trips(app: Starlette, http: httpx.AsyncClient, first: int) -> int:
    store = app.state.store
    before = store.round_trips
    data = await GraphQL(http)(NESTED, first=first)
    assert len(data["volunteers"]["nodes"]) == first
    return store.round_trips - before


async def test_fifty_volunteers_with_skills_teams_and_records_cost_a_handful_of_round_trips(
    demo_app: Starlette, demo_client: httpx.AsyncClient
) -> None:
    # The first request of a token also reads its standing (cached for IDENTITY_CACHE_S): not
    # a per-request cost, so it is paid before counting.
    await _round_trips(demo_app, demo_client, 1)
    few = await _round_trips(demo_app, demo_client, 5)
    many = await _round_trips(demo_app, demo_client, 50)
    # count + page + skills + broader + teams + parent + records: one each, at any page size.
    assert many == few == 7


async def test_node_lookups_of_one_request_are_batched(
    demo_app: Starlette, demo_client: httpx.AsyncClient
) -> None:
    data = await GraphQL(demo_client)("{ volunteers(first: 30) { nodes { id } } }")
    ids = [n["id"] for n in data["volunteers"]["nodes"]]
    store = demo_app.state.store
    before = store.round_trips
    again = await GraphQL(demo_client)("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", ids=ids)
    assert [n["id"] for n in again["nodes"]] == ids
    assert store.round_trips - before == 1
