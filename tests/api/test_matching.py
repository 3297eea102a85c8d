"""Who can serve 林婆婆, 85 and living alone in 起湾社区 (东区): the report's scenario over HTTP.

The demo data (seeds/demo.py ``scenarios``) places volunteers around her who are, or are not,
able to serve her, each for one reason.
"""

from __future__ import annotations

from typing import Any

from schema.relay import to_global_id
from tests.conftest import GraphQL

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
    result = await who(gql, "need-zs-lin-visit")
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
    offered = keys(await who(gql, "need-zs-lin-visit", radius=10_000, first=50))
    assert "volunteer-zs-far" not in offered  # 3.5 km away, serves within 1 km
    assert "volunteer-zs-busy" not in offered  # Tuesday morning taken by a neighbour's visit
    assert "volunteer-zs-paused" not in offered
    assert "volunteer-zs-loaded" not in offered  # load limit 1, already serving one need


async def test_the_asked_radius_narrows_the_search(gql: GraphQL) -> None:
    offered = keys(await who(gql, "need-zs-lin-visit", radius=500))
    assert "volunteer-zs-near" in offered  # 300 m
    assert "volunteer-zs-regular" not in offered  # 900 m


async def test_a_need_asking_for_cantonese_gets_only_cantonese_speakers(gql: GraphQL) -> None:
    result = await who(gql, "need-zs-lin-chat", first=50)
    offered = keys(result)
    assert "volunteer-zs-near" in offered
    assert "volunteer-zs-mandarin" not in offered  # free Thursday afternoon, Mandarin only
    for c in result["candidates"]:
        assert "CANTONESE" in c["volunteer"]["languages"]
        assert any(r["kind"] == "LANGUAGE" for r in c["reasons"])


async def test_a_narrower_skill_satisfies_a_broader_need_and_the_reason_says_so(
    gql: GraphQL,
) -> None:
    result = await who(gql, "need-zs-lin-clinic")
    tcm = next(c for c in result["candidates"] if c["volunteer"]["key"] == "volunteer-zs-tcm")
    (match,) = tcm["matchedSkills"]
    assert match["skill"]["name"] == "中医义诊" and match["required"]["name"] == "义诊"
    assert match["direct"] is False
    assert any(
        r["kind"] == "NARROWER_SKILL" and "中医义诊" in r["message"] and "义诊" in r["message"]
        for r in tcm["reasons"]
    )


async def test_a_need_for_a_pair_gets_a_proposal_from_one_team(gql: GraphQL) -> None:
    result = await who(gql, "need-zs-lin-clinic")
    proposal = result["proposal"]
    assert result["headcount"] == 2
    assert proposal["complete"] and proposal["shortfall"] == []
    assert proposal["team"]["key"] == "team-zs-mantianxin"
    members = {m["volunteer"]["key"] for m in proposal["members"]}
    assert members == {"volunteer-zs-tcm", "volunteer-zs-doctor"}


async def test_a_slot_nobody_can_take_is_reported_as_a_shortfall(gql: GraphQL) -> None:
    result = await who(gql, "need-zs-lin-clinic", slot="SUN_EVE")
    assert result["candidates"] == []
    assert result["proposal"]["complete"] is False
    assert result["proposal"]["shortfall"] == [{"slot": "SUN_EVE", "missing": 2}]


async def test_matching_refuses_bad_arguments_and_closed_needs(gql: GraphQL) -> None:
    errors = await gql.errors(WHO, need=need("need-zs-lin-visit"), radius=0)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    errors = await gql.errors(WHO, need=to_global_id("Volunteer", "volunteer-zs-near"))
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    errors = await gql.errors(WHO, need=need("need-does-not-exist"))
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    errors = await gql.errors(WHO, need=need("need-zs-lin-haircut"))
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
    links = (await gql(LINKS, need=need("need-zs-lin-visit")))["linkResources"]
    assert links["need"]["key"] == "need-zs-lin-visit"
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
    assert links["experts"] and all(
        {"CASEWORK", "CULTURAL_ELDERCARE", "COMMUNITY_VOLUNTEERING"} & set(e["expert"]["domains"])
        for e in links["experts"]
    )
    (packs,) = [r for r in links["resources"] if r["resource"]["key"] == "resource-zs-care-packs"]
    assert packs["remaining"] == 40
