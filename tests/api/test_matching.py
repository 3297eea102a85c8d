"""Who can serve 林婆婆, 85 and living alone in 起湾社区 (东区): the report's scenario over HTTP.

The demo data (seeds/demo_scenarios.py) places volunteers around her who are, or are not,
able to serve her, each for one reason.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id
from config import Settings
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from tests.api.costs import round_trips
from tests.conftest import DemoLoader, GraphQL, SignIn, client_as

WHO = """
query ($need: ID!, $radius: Int, $slot: WeeklySlot, $first: Int = 10) {
  whoCanServe(needId: $need, radiusMeters: $radius, slot: $slot, first: $first) {
    need { key title } radiusMeters slots headcount
    candidates {
      volunteer { key languages availability serviceRadiusMeters status }
      distanceMeters score freeSlots
      matchedSkills { skill { key name } required { key name } direct }
      reasons { kind message points }
      teams { key }
    }
    proposal {
      complete team { key } members { volunteer { key } slots } shortfall { slot missing }
    }
  }
}
"""


def need(key: str) -> str:
    return to_global_id("Need", key)


async def who(gql: GraphQL, key: str, **variables: Any) -> dict[str, Any]:
    return (await gql(WHO, need=need(key), **variables))["whoCanServe"]


def keys(matching: dict[str, Any]) -> list[str]:
    return [c["volunteer"]["key"] for c in matching["candidates"]]


async def test_an_elder_needing_a_weekly_visit_gets_nearby_visiting_volunteers_ranked(
    gql: GraphQL,
) -> None:
    result = await who(gql, "need-zs-qiwan-01-visit")
    assert result["slots"] == ["TUE_AM"]
    offered = keys(result)
    # 陈叔 cut her hair last year (continuity) and outranks 何姨, who lives nearer.
    assert offered[:2] == ["volunteer-zs-regular", "volunteer-zs-near"]
    scores = [c["score"] for c in result["candidates"]]
    assert scores == sorted(scores, reverse=True)
    for c in result["candidates"]:
        v = c["volunteer"]
        assert v["status"] == "ACTIVE"
        assert "TUE_AM" in v["availability"] and c["freeSlots"] == ["TUE_AM"]
        assert c["distanceMeters"] <= min(v["serviceRadiusMeters"], 5000)
        assert c["reasons"], "every candidate says why"
        assert abs(sum(r["points"] or 0 for r in c["reasons"]) - c["score"]) < 0.05
    regular = result["candidates"][0]
    kinds = {r["kind"] for r in regular["reasons"]}
    assert {"CONTINUITY", "DISTANCE", "AVAILABILITY"} <= kinds
    near = result["candidates"][1]
    assert near["distanceMeters"] < regular["distanceMeters"]
    assert any(r["kind"] == "EXPERIENCE" for r in near["reasons"])


async def test_volunteers_out_of_range_busy_paused_or_at_their_load_are_not_offered(
    gql: GraphQL,
) -> None:
    offered = keys(await who(gql, "need-zs-qiwan-01-visit", radius=10_000, first=50))
    assert "volunteer-zs-far" not in offered  # 3.5 km away, serves within 1 km
    assert "volunteer-zs-busy" not in offered  # Tuesday morning taken by a neighbour's visit
    assert "volunteer-zs-paused" not in offered
    assert "volunteer-zs-loaded" not in offered  # load limit 1, already serving one need


async def test_the_asked_radius_narrows_the_search(gql: GraphQL) -> None:
    offered = keys(await who(gql, "need-zs-qiwan-01-visit", radius=500))
    assert "volunteer-zs-near" in offered  # 300 m
    assert "volunteer-zs-regular" not in offered  # 900 m


async def test_a_need_asking_for_cantonese_gets_only_cantonese_speakers(gql: GraphQL) -> None:
    result = await who(gql, "need-zs-qiwan-01-chat", first=50)
    offered = keys(result)
    assert "volunteer-zs-near" in offered
    assert "volunteer-zs-mandarin" not in offered  # free Thursday afternoon, Mandarin only
    for c in result["candidates"]:
        assert "CANTONESE" in c["volunteer"]["languages"]
        assert any(r["kind"] == "LANGUAGE" for r in c["reasons"])


async def test_a_narrower_skill_satisfies_a_broader_need_and_the_reason_says_so(
    gql: GraphQL,
) -> None:
    result = await who(gql, "need-zs-qiwan-01-clinic")
    tcm = next(c for c in result["candidates"] if c["volunteer"]["key"] == "volunteer-zs-tcm")
    (match,) = tcm["matchedSkills"]
    assert match["skill"]["name"] == "中医义诊" and match["required"]["name"] == "义诊"
    assert match["direct"] is False
    assert any(
        r["kind"] == "NARROWER_SKILL" and "中医义诊" in r["message"] and "义诊" in r["message"]
        for r in tcm["reasons"]
    )


async def test_a_need_for_a_pair_gets_a_proposal_from_one_team(gql: GraphQL) -> None:
    result = await who(gql, "need-zs-qiwan-01-clinic")
    proposal = result["proposal"]
    assert result["headcount"] == 2
    assert proposal["complete"] and proposal["shortfall"] == []
    assert proposal["team"]["key"] == "team-zs-mantianxin"
    members = {m["volunteer"]["key"] for m in proposal["members"]}
    assert members == {"volunteer-zs-tcm", "volunteer-zs-doctor"}


async def test_a_slot_nobody_can_take_is_reported_as_a_shortfall(gql: GraphQL) -> None:
    result = await who(gql, "need-zs-qiwan-01-clinic", slot="SUN_EVE")
    assert result["candidates"] == []
    assert result["proposal"]["complete"] is False
    assert result["proposal"]["shortfall"] == [{"slot": "SUN_EVE", "missing": 2}]


async def test_matching_refuses_bad_arguments_and_closed_needs(gql: GraphQL) -> None:
    errors = await gql.errors(WHO, need=need("need-zs-qiwan-01-visit"), radius=0)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    errors = await gql.errors(WHO, need=to_global_id("Volunteer", "volunteer-zs-near"))
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    errors = await gql.errors(WHO, need=need("need-does-not-exist"))
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    errors = await gql.errors(WHO, need=need("need-zs-qiwan-01-haircut"))
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    assert "CLOSED" in errors[0]["message"]


LINKS = """
query ($need: ID!) {
  linkResources(needId: $need) {
    need { key }
    volunteers { candidates { volunteer { key } } }
    socialWorkers { socialWorker { key } reasons { kind message } }
    organizations { organization { key } distanceMeters reasons { kind message } }
    funds { fund { key } balance reasons { kind message } }
    experts { expert { key domains } reasons { kind } }
    resources { resource { key } remaining reasons { kind message } }
  }
}
"""


async def test_link_resources_brings_the_five_parts_together_with_reasons(gql: GraphQL) -> None:
    links = (await gql(LINKS, need=need("need-zs-qiwan-01-visit")))["linkResources"]
    assert links["need"]["key"] == "need-zs-qiwan-01-visit"
    assert [c["volunteer"]["key"] for c in links["volunteers"]["candidates"]][:2] == [
        "volunteer-zs-regular",
        "volunteer-zs-near",
    ]
    workers = links["socialWorkers"]
    assert workers and any(r["kind"] == "CASE_MANAGER" for r in workers[0]["reasons"])
    orgs = [o["organization"]["key"] for o in links["organizations"]]
    assert "team-zs-linshe" in orgs and "org-zs-east-eldercare" in orgs
    assert all(o["reasons"] for o in links["organizations"])
    (fund,) = links["funds"]
    assert fund["fund"]["key"] == "fund-zs-east-seed" and float(fund["balance"]) > 0
    assert {r["kind"] for r in fund["reasons"]} == {"SCOPE", "CATEGORY", "BALANCE"}
    # Experts serve where they advise: 龙洞's think tank (济南) is no help for a visit in 中山
    # (tests/seeds/test_demo_truth.py has a need in 龙洞 that gets them).
    assert links["experts"] == []
    (packs,) = [r for r in links["resources"] if r["resource"]["key"] == "resource-zs-care-packs"]
    assert packs["remaining"] == 40


# --- who may match, and how exactly they may measure ------------------------------------------

MATCH_ANY = """
query ($need: ID!) {
  whoCanServe(needId: $need) { candidates { volunteer { key } } }
}
"""
LINK_ANY = """
query ($need: ID!) {
  linkResources(needId: $need) { organizations { organization { key } } }
}
"""

# need-zs-qiwan-01-visit: 林婆婆 in 起湾 (Zhongshan); need-0003 was referred to 东区's health
# centre and accepted, need-0025 referred to it and still pending (seeds/demo_core.py,
# ``referrals``).
REFUSED = [
    pytest.param(Role.SOCIAL_WORKER, "worker-0014", "need-zs-qiwan-01-visit", id="outside-worker"),
    pytest.param(Role.VOLUNTEER, "volunteer-zs-busy", "need-zs-qiwan-01-visit", id="volunteer"),
    pytest.param(Role.ANALYST, "analyst-zs-bureau", "need-zs-qiwan-01-visit", id="analyst"),
    pytest.param(Role.PARTNER, "org-zs-east-clinic", "need-0025", id="partner-pending"),
    pytest.param(
        Role.PARTNER, "org-zs-east-clinic", "need-zs-qiwan-01-visit", id="partner-unreferred"
    ),
]


@pytest.mark.parametrize(("role", "subject", "key"), REFUSED)
@pytest.mark.parametrize("query", [MATCH_ANY, LINK_ANY], ids=["whoCanServe", "linkResources"])
async def test_only_those_entrusted_with_a_need_may_match_for_it(
    signed_in: SignIn, role: Role, subject: str, key: str, query: str
) -> None:
    viewer = await signed_in(role, subject)
    body = await viewer.raw(query, need=need(key))
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"].endswith(".") and "match" in error["message"].lower()


@pytest.mark.parametrize(
    ("role", "subject", "key"),
    [
        pytest.param(
            Role.SOCIAL_WORKER, "worker-0001", "need-zs-qiwan-01-visit", id="covering-worker"
        ),
        pytest.param(Role.PARTNER, "org-zs-east-clinic", "need-0003", id="partner-accepted"),
    ],
)
@pytest.mark.parametrize("query", [MATCH_ANY, LINK_ANY], ids=["whoCanServe", "linkResources"])
async def test_the_covering_worker_and_a_partner_that_accepted_the_referral_may_match(
    signed_in: SignIn, role: Role, subject: str, key: str, query: str
) -> None:
    viewer = await signed_in(role, subject)
    await viewer(query, need=need(key))  # no error


MEASURED = """
query ($need: ID!, $radius: Int) {
  whoCanServe(needId: $need, radiusMeters: $radius, first: 50) {
    candidates {
      volunteer { key }
      distanceMeters distanceBand { atLeastMeters underMeters label } score
      reasons { kind message points }
    }
    proposal { members { volunteer { key } slots } }
  }
}
"""
NEAR, REGULAR = "volunteer-zs-near", "volunteer-zs-regular"
GRID = 0.005  # degrees: the ~500 m cells of docs/ACCESS.md


@pytest.fixture
async def restore_demo(
    engine_store: GraphStore, load_demo: DemoLoader
) -> AsyncIterator[GraphStore]:
    """For tests that move volunteers: the module's demo data is loaded again afterwards."""
    yield engine_store
    await load_demo(engine_store)


MOVE = dynamic(
    "tests.matching.move",
    """
    MATCH (v:Volunteer {id: $volunteer})
    SET v.location = point({latitude: $latitude, longitude: $longitude}),
        v.serviceRadiusMeters = 3000
    """,
)
ELSEWHERE = dynamic(
    "tests.matching.elsewhere",
    """
    MATCH (v:Volunteer) WHERE v.id IN $volunteers
    OPTIONAL MATCH (v)-[s:SERVES_AREA]->()
    DELETE s
    WITH DISTINCT v
    MATCH (c:Community {id: 'community-zs-chaqiao'})
    CREATE (v)-[:SERVES_AREA]->(c)
    """,
)


async def _two_bases_in_one_cell(
    gql: GraphQL, store: GraphStore
) -> tuple[tuple[float, float], tuple[float, float]]:
    """何姨 and 陈叔 now serve only 槎桥 (not covered by worker-0001, who covers 林婆婆's 起湾),
    and two points ~170 m apart in one ~500 m cell some 700 m north of 林婆婆's home."""
    home = await gql(
        "query ($r: ID!) { node(id: $r) { ... on Resident { location { latitude longitude } } } }",
        r=to_global_id("Resident", "resident-zs-qiwan-01"),
    )
    lat, lon = home["node"]["location"]["latitude"], home["node"]["location"]["longitude"]
    cell_lat = math.floor((lat + 0.0065) / GRID) * GRID + GRID / 2
    cell_lon = math.floor(lon / GRID) * GRID + GRID / 2
    await store.write(ELSEWHERE, {"volunteers": [NEAR, REGULAR]})
    return (cell_lat - 0.0008, cell_lon), (cell_lat + 0.0008, cell_lon)


async def _place(store: GraphStore, volunteer: str, point: tuple[float, float]) -> None:
    await store.write(MOVE, {"volunteer": volunteer, "latitude": point[0], "longitude": point[1]})


async def test_a_base_the_viewer_may_not_read_is_given_as_a_band_not_metres(
    gql: GraphQL, signed_in: SignIn, restore_demo: GraphStore
) -> None:
    nearer, farther = await _two_bases_in_one_cell(gql, restore_demo)
    await _place(restore_demo, NEAR, nearer)
    await _place(restore_demo, REGULAR, farther)
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    body = await worker.raw(MEASURED, need=need("need-zs-qiwan-01-visit"))
    exact = {
        c["volunteer"]["key"]: c["distanceMeters"]
        for c in (await gql(MEASURED, need=need("need-zs-qiwan-01-visit")))["whoCanServe"][
            "candidates"
        ]
    }
    candidates = {c["volunteer"]["key"]: c for c in body["data"]["whoCanServe"]["candidates"]}
    assert set(candidates) == {NEAR, REGULAR} == set(exact)
    for key, c in candidates.items():
        assert c["distanceMeters"] is None
        assert c["distanceBand"]["atLeastMeters"] < c["distanceBand"]["underMeters"]
        (distance,) = [r for r in c["reasons"] if r["kind"] == "DISTANCE"]
        assert str(exact[key]) not in distance["message"]
        assert c["distanceBand"]["label"] in distance["message"]
    withheld = [e for e in body["errors"] if e["path"][-1] == "distanceMeters"]
    assert len(withheld) == 2
    assert {e["extensions"]["code"] for e in withheld} == {"FORBIDDEN"}
    assert "Volunteer.location" in withheld[0]["message"]
    # The administrator may read both ends: metres.
    assert exact[NEAR] < exact[REGULAR]


LINKED = """
query ($need: ID!) {
  linkResources(needId: $need) {
    volunteers {
      candidates { volunteer { key } distanceMeters distanceBand { atLeastMeters underMeters } }
    }
  }
}
"""


def _candidates(data: dict[str, Any]) -> list[dict[str, Any]]:
    answer = data.get("whoCanServe") or data["linkResources"]["volunteers"]
    return answer["candidates"]


@pytest.mark.parametrize("query", [MEASURED, LINKED], ids=["whoCanServe", "linkResources"])
async def test_a_covering_worker_measures_the_bases_they_may_read_in_metres_and_others_as_bands(
    gql: GraphQL, signed_in: SignIn, restore_demo: GraphStore, query: str
) -> None:
    """worker-0001 covers 林婆婆's 起湾, which 何姨 serves: her base is theirs to read, so her
    distance is exact, the administrator's metres. 陈叔 now serves only 槎桥, which they do not
    cover: his base is not theirs, so in the same answer his distance is a band, its metres
    withheld."""
    await restore_demo.write(ELSEWHERE, {"volunteers": [REGULAR]})
    admin = {
        c["volunteer"]["key"]: c
        for c in _candidates(await gql(query, need=need("need-zs-qiwan-01-visit")))
    }
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    body = await worker.raw(query, need=need("need-zs-qiwan-01-visit"))
    offered = _candidates(body["data"])
    seen = {c["volunteer"]["key"]: c for c in offered}
    assert {NEAR, REGULAR} <= set(seen) and {NEAR, REGULAR} <= set(admin)
    assert seen[NEAR]["distanceMeters"] == admin[NEAR]["distanceMeters"] is not None
    assert seen[REGULAR]["distanceMeters"] is None
    band = seen[REGULAR]["distanceBand"]
    assert band["underMeters"] is None or band["atLeastMeters"] < band["underMeters"]
    withheld = [e for e in body["errors"] if e["path"][-1] == "distanceMeters"]
    assert [offered[e["path"][-2]]["volunteer"]["key"] for e in withheld] == [REGULAR]
    assert withheld[0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_workers_matching_costs_their_own_reads_not_one_per_base_within_reach(
    demo_app: Starlette, demo_client: httpx.AsyncClient, settings: Settings
) -> None:
    """Which bases a covering worker may read is told apart inside the matching statement: their
    whoCanServe costs the administrator's round trips and two reads of their own — their grants
    and the communities of the resident's home, which decide whether they may read it — not a
    list of the volunteers within reach and their communities besides."""
    asked = {"need": need("need-zs-qiwan-01-visit")}
    admin, _ = await round_trips(demo_app, demo_client, MATCH_ANY, **asked)
    async with client_as(demo_app, settings, Role.SOCIAL_WORKER, "worker-0001") as http:
        worker, _ = await round_trips(demo_app, http, MATCH_ANY, **asked)
    assert worker == admin + 2


async def test_moving_hidden_bases_within_their_cell_changes_no_answer_at_any_radius(
    gql: GraphQL, signed_in: SignIn, restore_demo: GraphStore
) -> None:
    """Trilateration needs answers that change with the exact base: here, swapping two
    volunteers' bases within one cell changes nothing the worker sees — not the bands, not the
    scores, not the order, not who is offered at any radius — while the administrator sees the
    swap."""
    nearer, farther = await _two_bases_in_one_cell(gql, restore_demo)
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    radii = [None, *range(300, 1_600, 100)]

    async def answers(viewer: GraphQL) -> list[str]:
        return [
            json.dumps(await viewer.raw(MEASURED, need=need("need-zs-qiwan-01-visit"), radius=r))
            for r in radii
        ]

    await _place(restore_demo, NEAR, nearer)
    await _place(restore_demo, REGULAR, farther)
    before, admin_before = await answers(worker), await answers(gql)
    await _place(restore_demo, NEAR, farther)
    await _place(restore_demo, REGULAR, nearer)
    after, admin_after = await answers(worker), await answers(gql)
    assert before == after
    assert admin_before != admin_after
