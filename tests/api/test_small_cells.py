"""A de-identified list of residents leaves small cells out, by community (docs/PRIVACY.md
"Small cells"): a list is a count, and so is its difference from another list.

The scenario, beside the demo and far from it: 试验街道 has three communities — 东苑 with three
women, 北苑 across the road from it with two residents, 西苑 further off with three women and two
men — all consenting to analysis. worker-t-cells covers 东苑 only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.model import people as P  # noqa: N812 - the demo data's short aliases
from graph.model import places as PL  # noqa: N812
from graph.model.entities import Point
from graph.model.people import Resident, SocialWorker
from graph.model.places import Community, District
from graph.model.vocab import ConsentScope, Gender, Qualification
from seeds.batch import Batch
from tests.conftest import GraphQL, SignIn

FORGET = dynamic("test.small_cells.forget", "MATCH (n) WHERE n.id IN $ids DETACH DELETE n")

EAST = Point(23.1000, 113.9000)  # 东苑, covered by worker-t-cells
NORTH = Point(23.1040, 113.9000)  # 北苑, ~450 m north: across the border
WEST = Point(23.2000, 113.9000)  # 西苑, ~11 km off
DISTRICT = gid("District", "district-t-cells")
C_EAST, C_NORTH, C_WEST = (gid("Community", f"community-t-{c}") for c in ("east", "north", "west"))
WORKER = "worker-t-cells"


def _resident(key: str, at: Point, gender: Gender) -> Resident:
    return Resident(
        f"resident-t-{key}",
        f"试验{key}",
        at,
        gender=gender,
        consent=True,
        consent_scopes=(ConsentScope.ANALYSIS,),
    )


@pytest.fixture
async def street(demo_app: Starlette, engine_store: GraphStore) -> AsyncIterator[None]:
    batch = Batch()
    batch.add(District("district-t-cells", "试验街道"))
    homes = {
        "east": [("e1", Gender.FEMALE), ("e2", Gender.FEMALE), ("e3", Gender.FEMALE)],
        "north": [("n1", Gender.FEMALE), ("n2", Gender.MALE)],
        "west": [("w1", Gender.FEMALE), ("w2", Gender.FEMALE), ("w3", Gender.FEMALE),
                 ("w4", Gender.MALE), ("w5", Gender.MALE)],
    }  # fmt: skip
    at = {"east": EAST, "north": NORTH, "west": WEST}
    ids = ["district-t-cells", WORKER]
    for community, people in homes.items():
        batch.add(Community(f"community-t-{community}", f"试验{community}", at[community]))
        batch.link(PL.COMMUNITY_IN_DISTRICT, f"community-t-{community}", "district-t-cells")
        ids.append(f"community-t-{community}")
        for key, gender in people:
            batch.add(_resident(key, at[community], gender))
            batch.link(P.RESIDENT_LIVES_IN, f"resident-t-{key}", f"community-t-{community}")
            ids.append(f"resident-t-{key}")
    batch.add(SocialWorker(WORKER, "试验社工", Qualification.ASSISTANT))
    batch.link(P.WORKER_COVERS, WORKER, "community-t-east")
    await batch.flush(engine_store)
    yield
    await engine_store.write(FORGET, {"ids": ids})


COUNT = """
query ($d: ID, $c: ID, $w: ResidentWhere) {
  residents(first: 20, filter: {district: $d, community: $c}, where: $w) {
    totalCount nodes { key }
  }
}
"""


async def _listed(
    gql: GraphQL, gender: str | None = None, **variables: str
) -> tuple[int | None, set[str], list[str]]:
    """totalCount, the keys listed, and the errors' codes."""
    where = None if gender is None else {"gender": {"eq": gender}}
    body = await gql.raw(COUNT, w=where, **variables)
    found = (body.get("data") or {}).get("residents")
    codes = [e["extensions"]["code"] for e in body.get("errors", ())]
    if found is None:
        return None, set(), codes
    return found["totalCount"], {n["key"] for n in found["nodes"]}, codes


async def test_a_district_minus_its_other_communities_does_not_give_a_community_of_two(
    street: None, signed_in: SignIn, gql: GraphQL
) -> None:
    """北苑 has two residents. The analyst's list of the district leaves them out (its count and
    its rows), so the district's 8 minus 东苑's 3 and 西苑's 5 is 0, not 2; 北苑's own list is
    refused as a small cell. The administrator, who reads them in full, lists all ten."""
    analyst = await signed_in(Role.ANALYST, "analyst-zs-bureau")
    district, keys, codes = await _listed(analyst, d=DISTRICT)
    east, _, _ = await _listed(analyst, c=C_EAST)
    west, _, _ = await _listed(analyst, c=C_WEST)
    assert (district, codes) == (8, [])
    assert not keys & {"resident-t-n1", "resident-t-n2"} and len(keys) == 8
    assert (east, west) == (3, 5)
    assert district - east - west == 0
    assert await _listed(analyst, c=C_NORTH) == (None, set(), ["FORBIDDEN"])
    assert (await _listed(gql, d=DISTRICT))[0] == 10


async def test_the_women_of_a_community_minus_its_residents_do_not_give_its_two_men(
    street: None, signed_in: SignIn
) -> None:
    """西苑 has three women and two men. Listing its women would leave two residents of it out,
    so they are left out of it; so are its two men, listed. The district's women are 东苑's three
    (西苑's left out), and 北苑's woman, alone, too."""
    analyst = await signed_in(Role.ANALYST, "analyst-zs-bureau")
    assert (await _listed(analyst, c=C_WEST))[0] == 5
    for gender in ("FEMALE", "MALE"):
        assert await _listed(analyst, c=C_WEST, gender=gender) == (None, set(), ["FORBIDDEN"])
    women, keys, _ = await _listed(analyst, d=DISTRICT, gender="FEMALE")
    assert women == 3 and keys == {"resident-t-e1", "resident-t-e2", "resident-t-e3"}


NEAR = """
query ($after: String) {
  residents(first: 2, after: $after,
            filter: {near: {latitude: 23.1, longitude: 113.9, radiusMeters: 300}}) {
    totalCount nodes { key name } pageInfo { hasNextPage endCursor }
  }
}
"""


async def test_a_social_workers_near_search_across_a_border_leaves_out_the_two_next_door(
    street: None, signed_in: SignIn
) -> None:
    """worker-t-cells searches 300 m around 东苑, which they cover. The search reaches 北苑 (a
    home they may not read is compared on its ~500 m cell, 1 km at least), whose two residents
    they read de-identified: those two are left out — not the search refused — and its count
    and its pages agree on the three they serve, named."""
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    seen: list[dict[str, str]] = []
    after = None
    totals = set()
    while True:
        body = await worker.raw(NEAR, after=after)
        assert "errors" not in body, body
        found = body["data"]["residents"]
        totals.add(found["totalCount"])
        seen += found["nodes"]
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    assert totals == {3}
    assert sorted(n["key"] for n in seen) == ["resident-t-e1", "resident-t-e2", "resident-t-e3"]
    assert all(n["name"] for n in seen)  # theirs: read in full
    # 北苑's two are there, as the administrator's search at the same radius of their cell shows.
    admin = await signed_in(Role.ADMIN, "admin-tests")
    around = await admin(
        "{ residents(filter: {near: {latitude: 23.1, longitude: 113.9, radiusMeters: 1000}})"
        " { totalCount } }"
    )
    assert around["residents"]["totalCount"] == 5
