"""The demo holds nothing the API would refuse, and the figures the field reports give.

The reports are the project's field material (not in the repository); each figure is copied
here with the report file and line it comes from.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import AsyncIterator

import pytest

from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.model import entities, people
from graph.model.family import Family, camel
from graph.model.registry import families
from graph.queries import linking
from seeds import casework, demo, registered
from seeds.batch import Batch
from tests.conftest import DemoLoader


@pytest.fixture(scope="module")
async def loaded(engine_store: GraphStore, load_demo: DemoLoader) -> AsyncIterator[GraphStore]:
    await load_demo(engine_store)
    yield engine_store


async def _rows(store: GraphStore, name: str, text: str, **params: object) -> list[dict]:
    return [dict(r) for r in await store.read(dynamic(f"tests.demo_truth.{name}", text), params)]


async def test_every_service_record_is_for_a_need_its_volunteer_was_assigned_to(
    loaded: GraphStore,
) -> None:
    rows = await _rows(
        loaded,
        "unassigned",
        """
        MATCH (v:Volunteer)-[:PERFORMED]->(rec:ServiceRecord)-[:FOR]->(n:Need)
        WHERE NOT (v)-[:ASSIGNED]->(n)
        RETURN rec.id AS id
        """,
    )
    assert rows == []
    (counted,) = await _rows(
        loaded,
        "records",
        """
        MATCH (rec:ServiceRecord)
        OPTIONAL MATCH (rec)-[f:FOR]->(:Need)
        RETURN count(DISTINCT rec) AS records, count(f) AS forNeeds
        """,
    )
    assert counted["records"] > 300 and counted["forNeeds"] > 40


async def test_every_verified_minute_is_in_the_time_bank(loaded: GraphStore) -> None:
    # docs/MATCHING.md: each verification earns the volunteer time credits.
    rows = await _rows(
        loaded,
        "unbanked",
        """
        MATCH (:SocialWorker)-[:VERIFIED]->(rec:ServiceRecord)
        OPTIONAL MATCH (e:TimeBankEntry {kind: 'EARNED'})-[:EARNED_BY]->(rec)
        WITH rec, count(e) AS entries, sum(e.minutes) AS banked
        WHERE entries <> 1 OR banked <> rec.minutes
        RETURN rec.id AS id
        """,
    )
    assert rows == []
    mismatched = await _rows(
        loaded,
        "balances",
        """
        MATCH (v:Volunteer)
        OPTIONAL MATCH (v)-[:HOLDS]->(e:TimeBankEntry {kind: 'EARNED'})
        WITH v, coalesce(sum(e.minutes), 0) AS earned
        WHERE earned <> coalesce(v.verifiedMinutes, 0)
        RETURN v.id AS id, earned, v.verifiedMinutes AS verified
        """,
    )
    assert mismatched == []


async def test_verifications_are_by_a_social_worker_covering_the_needs_community(
    loaded: GraphStore,
) -> None:
    rows = await _rows(
        loaded,
        "not_covering",
        """
        MATCH (w:SocialWorker)-[:VERIFIED]->(:ServiceRecord)-[:FOR]->(:Need)-[:IN]->(c:Community)
        WHERE NOT (w)-[:COVERS]->(c)
        RETURN w.id AS id
        """,
    )
    assert rows == []


# zhongshan-boai-volunteer-report.txt:15 — 共招募博爱行动义工200多人 … 义工服务时数1000多小时.
BOAI_VOLUNTEERS = (200, 300)  # 200多人
BOAI_HOURS = (1000, 2000)  # 1000多小时


async def test_the_boai_corps_serves_on_the_reports_scale(loaded: GraphStore) -> None:
    (corps,) = await _rows(
        loaded,
        "boai",
        """
        MATCH (v:Volunteer)-[:MEMBER_OF]->(:Organization)-[:PART_OF*0..2]->
              (:Organization {id: 'team-zs-boai-corps'})
        WITH DISTINCT v
        RETURN count(v) AS members, sum(coalesce(v.verifiedMinutes, 0)) / 60.0 AS hours,
               max(coalesce(v.starLevel, 0)) AS topStar
        """,
    )
    # The demo holds a sample of the corps: hours per volunteer as the report's, at most.
    most = BOAI_HOURS[1] / BOAI_VOLUNTEERS[0]
    least = BOAI_HOURS[0] / BOAI_VOLUNTEERS[1]
    per_volunteer = corps["hours"] / corps["members"]
    assert least / 2 <= per_volunteer <= most, corps
    # With ten hours a volunteer on average, no one is near the 100 hours of a first star.
    assert corps["topStar"] == 0, corps


async def _members(store: GraphStore, team: str) -> int:
    (row,) = await _rows(
        store,
        f"members.{team}",
        "MATCH (v:Volunteer)-[:MEMBER_OF]->(:Organization {id: $team}) RETURN count(v) AS n",
        team=team,
    )
    return int(row["n"])


# zhongshan-boai-volunteer-report.txt:19 — 培养出24个义工骨干分成三支博爱行动义工小组 (黄圃).
HUANGPU_CORE, HUANGPU_GROUPS = 24, 3


async def test_every_brigade_and_huangpus_three_groups_have_members(loaded: GraphStore) -> None:
    # zhongshan-boai-volunteer-report.txt:3, :19, :27 — 西区, 暖阳, 沙溪龙山, 儿童福利院 brigades.
    for brigade in (
        "team-zs-boai-west",
        "team-zs-boai-welfare",
        "team-zs-boai-nuanyang",
        "team-zs-boai-longshan",
        "team-zs-boai-huangpu",
    ):
        assert await _members(loaded, brigade) > 0, brigade
    groups = [await _members(loaded, f"team-zs-boai-huangpu-{i}") for i in range(1, 4)]
    assert len(groups) == HUANGPU_GROUPS and all(groups) and sum(groups) == HUANGPU_CORE


# zhongshan-east-district-volunteers.txt:21 — 成功孵化7家社会组织和社会企业、协助优化5家组织、
# 引进社会组织33家，总数量达45家.
EAST_HUB = {"INCUBATED": 7, "OPTIMIZED": 5, "INTRODUCED": 33}
EAST_HUB_TOTAL = 45


async def test_the_east_hubs_portfolio_is_the_reports(loaded: GraphStore) -> None:
    rows = await _rows(
        loaded,
        "east_hub",
        """
        MATCH (o:Organization)-[i:INCUBATED_BY]->(:Organization {id: 'org-zs-east-hub'})
        RETURN i.stage AS stage, count(o) AS n, collect(o.id) AS ids
        """,
    )
    stages = {r["stage"]: r["n"] for r in rows}
    assert stages == EAST_HUB and sum(stages.values()) == EAST_HUB_TOTAL
    # zhongshan-east-district-volunteers.txt:13 — 中山联和 is the hub's 统筹运营方, not one of
    # its 45.
    assert not any("org-zs-lianhe" in r["ids"] for r in rows)
    assert "org-zs-clothes-bank" in next(r["ids"] for r in rows if r["stage"] == "INCUBATED")


async def test_caobian_is_a_village_of_beixi_whose_awards_count_for_beixi(
    loaded: GraphStore,
) -> None:
    # zhongshan-south-district-three-society.txt:17 — 城南、良都、马岭、北溪 are 南区's communities;
    # :23 — 北溪社区“曹边村”.
    rows = await _rows(
        loaded,
        "south",
        """
        MATCH (c:Community)-[:IN]->(:District {id: 'district-zs-south'})
        RETURN c.name AS name ORDER BY name
        """,
    )
    south = ["城南社区", "良都社区", "马岭社区", "北溪社区"]
    assert sorted(r["name"] for r in rows) == sorted(south)
    (row,) = await _rows(
        loaded,
        "caobian",
        """
        MATCH (p:Project {id: 'project-zs-caobian-heritage'})-[:TARGETS]->(c:Community)
        RETURN collect(c.id) AS targets
        """,
    )
    assert row["targets"] == ["community-zs-beixi"]


async def test_answered_referrals_say_when(loaded: GraphStore) -> None:
    rows = await _rows(
        loaded,
        "referrals",
        """
        MATCH (ref:Referral)
        RETURN ref.id AS id, ref.status AS status, ref.respondedAt IS NOT NULL AS responded,
               ref.completedAt IS NOT NULL AS completed
        """,
    )
    assert {r["status"] for r in rows} == {"PENDING", "ACCEPTED", "COMPLETED"}
    for r in rows:
        assert r["responded"] == (r["status"] in {"ACCEPTED", "DECLINED", "COMPLETED"}), r
        assert r["completed"] == (r["status"] == "COMPLETED"), r


async def test_referrals_go_to_organizations_within_reach(loaded: GraphStore) -> None:
    # zhongshan-east-district-volunteers.txt:13 — 联和 works on 东区's residents with mental
    # disorders with the community health centre: a referral goes to a provider in reach, not to
    # a station in another province.
    rows = await _rows(
        loaded,
        "referral_reach",
        """
        MATCH (ref:Referral)-[:ABOUT]->(:Need)<-[:HAS_NEED]-(:Resident)-[:LIVES_IN]->(c:Community)
        MATCH (ref)-[:TO]->(org:Organization)
        RETURN ref.id AS id, c.location AS home, org.location AS provider
        """,
    )
    assert rows
    for r in rows:
        km = _km(r["home"], r["provider"])
        assert km < REFERRAL_REACH_KM, (r["id"], round(km))


REFERRAL_REACH_KM = 50  # a city's reach: 中山 is some 40 km across


def _km(a: dict, b: dict) -> float:
    """Great-circle distance in kilometres between two points read back from the graph."""
    la1, lo1, la2, lo2 = map(
        math.radians, (a["latitude"], a["longitude"], b["latitude"], b["longitude"])
    )
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


async def test_link_resources_offers_experts_only_where_they_advise(loaded: GraphStore) -> None:
    # nanjing-fund-jinan-thinktank.txt:41 — the think tank's experts are 龙洞街道's own residents.
    needs = await _rows(
        loaded,
        "needs_by_city",
        """
        MATCH (n:Need)-[:IN]->(:Community)-[:IN]->(:District)-[:IN]->(city:City)
        MATCH (n)-[:OF_CATEGORY]->(:ServiceCategory {id: 'cat-visit'})
        RETURN city.id AS city, min(n.id) AS need ORDER BY city
        """,
    )
    by_city = {r["city"]: r["need"] for r in needs}
    jinan = await linking.link_resources(loaded, by_city["city-jinan"])
    assert jinan.experts and all(e.advises_area for e in jinan.experts)
    assert all("龙洞街道社区治理智库" in e.think_tanks for e in jinan.experts)
    zhongshan = await linking.link_resources(loaded, "need-zs-qiwan-01-visit")
    assert zhongshan.experts == ()


async def test_a_needs_status_is_one_its_assignments_and_records_allow(loaded: GraphStore) -> None:
    # graph/workflows/needs.py and service.py: reporting makes a need OPEN, its first assignment
    # MATCHED, its first service record IN_SERVICE; taking its last volunteer off opens it again.
    rows = await _rows(
        loaded,
        "need_states",
        """
        MATCH (n:Need)
        OPTIONAL MATCH (:Volunteer)-[a:ASSIGNED]->(n)
        WITH n, count(a) > 0 AS assigned
        OPTIONAL MATCH (rec:ServiceRecord)-[:FOR]->(n)
        WITH n.status AS status, assigned, count(rec) > 0 AS served
        RETURN status, assigned, served, count(*) AS needs
        """,
    )
    allowed = {
        "OPEN": {(False, False), (False, True)},
        "MATCHED": {(True, False)},
        "IN_SERVICE": {(True, True)},
    }
    unreachable = [
        r
        for r in rows
        if (r["assigned"], r["served"])
        not in allowed.get(r["status"], {(r["assigned"], r["served"])})
    ]
    assert unreachable == []
    statuses = {r["status"] for r in rows}
    assert statuses == {"OPEN", "MATCHED", "IN_SERVICE", "CLOSED", "CANCELLED"}


async def test_sign_ups_are_by_active_volunteers_for_activities_yet_to_start(
    loaded: GraphStore,
) -> None:
    # signUp refuses a volunteer who is not active, a full recruitment and one already started
    # (graph/workflows/recruitments.py); the demo's recruitments start after the load.
    rows = await _rows(
        loaded,
        "sign_ups",
        """
        MATCH (r:Recruitment)
        OPTIONAL MATCH (v:Volunteer)-[s:SIGNED_UP {status: 'SIGNED_UP'}]->(r)
        RETURN r.id AS id, r.capacity AS capacity, r.startsAt AS startsAt,
               count(s) AS signed, collect(v.status) AS statuses, collect(s.at) AS ats
        """,
    )
    assert len(rows) == 4 and sum(r["signed"] for r in rows) > 0
    for r in rows:
        assert r["signed"] <= r["capacity"] and set(r["statuses"]) <= {"ACTIVE"}
        assert all(at < r["startsAt"] for at in r["ats"])


async def test_every_consent_is_on_record_as_recording_one_leaves_it(loaded: GraphStore) -> None:
    """No bare consent flag: who gave it, when and to what, as ``recordConsent`` writes it; a
    child's given by a guardian (PIPL art. 31)."""
    rows = await _rows(
        loaded,
        "consents",
        """
        MATCH (r:Resident)
        RETURN r.consent AS consent, r.consentGivenBy AS by, r.consentGivenOn AS on,
               size(coalesce(r.consentScopes, [])) AS scopes,
               any(t IN coalesce(r.tags, []) WHERE t IN ['CHILD', 'LEFT_BEHIND_CHILD',
                                                       'CHILD_SPECIAL_NEEDS']) AS child
        """,
    )
    consenting = [r for r in rows if r["consent"]]
    assert len(consenting) > 100
    assert all(r["by"] and r["on"] and r["scopes"] == 4 for r in consenting)
    assert {r["by"] for r in consenting if r["child"]} == {"GUARDIAN"}
    assert {r["by"] for r in consenting if not r["child"]} == {"RESIDENT"}


async def test_skill_levels_and_members_roles_are_as_drawn_and_went_through_the_steps(
    loaded: GraphStore,
) -> None:
    """Every tie's properties are the demo's draws, written by ``rateVolunteerSkill`` (a skill
    that is not the default BASIC, uncertified) and ``setTeamMember`` (every membership): no
    membership keeps the day the load ran."""
    built = demo.build().b.links
    drawn = {(v, s): (p["level"], p["certified"]) for v, s, p in built[people.VOLUNTEER_HAS_SKILL]}
    joined = {(v, t): (p["role"], p["since"]) for v, t, p in built[people.VOLUNTEER_MEMBER_OF]}
    skills = await _rows(
        loaded,
        "ties.skills",
        "MATCH (v:Volunteer)-[r:HAS_SKILL]->(s:Skill) "
        "RETURN v.id AS v, s.id AS s, r.level AS level, r.certified AS certified",
    )
    assert {(r["v"], r["s"]): (r["level"], r["certified"]) for r in skills} == drawn
    members = await _rows(
        loaded,
        "ties.members",
        "MATCH (v:Volunteer)-[r:MEMBER_OF]->(t:Organization) "
        "RETURN v.id AS v, t.id AS t, r.role AS role, toString(r.since) AS since",
    )
    assert {(r["v"], r["t"]): (r["role"], r["since"]) for r in members} == joined
    events = await _rows(
        loaded,
        "ties.events",
        "MATCH (e:Event) WHERE e.kind IN ['VOLUNTEER_SKILL_RATED', 'TEAM_MEMBER_SET'] "
        "RETURN e.kind AS kind, count(e) AS n",
    )
    counted = {r["kind"]: int(r["n"]) for r in events}
    rated = sum(level != ("BASIC", False) for level in drawn.values())
    assert counted == {"VOLUNTEER_SKILL_RATED": rated, "TEAM_MEMBER_SET": len(joined)}


def _kept() -> dict[str, Family]:
    return {f.label: f for f in families() if f.kept}


async def test_every_kept_record_is_as_the_demo_draws_it_written_through_user_paths(
    loaded: GraphStore,
) -> None:
    """What the demo draws of the records users keep (every property a user writes, and the
    standing: paused, left) is in the graph, although the batch writer writes none of these
    records: registration and the steps wrote it (``seeds.demo._written_by_steps`` refuses a
    demo drawing anything more). Families and properties are the model's, not a list here."""
    drawn = demo.build().b.nodes
    differ = []
    for label, family in _kept().items():
        records = drawn.get(family.record, [])
        stored = await entities.get_many(loaded, label, [r.id for r in records])
        names = {camel(f.name): f.name for f in dataclasses.fields(family.record)}
        checked = [p.name for p in family.writable if p.kind != "point" and p.name in names]
        checked += ["status"] if family.prop("status") is not None else []
        for record in records:
            for name in checked:
                want = getattr(record, names[name])
                got = getattr(stored[record.id], names[name]) if record.id in stored else None
                if want is not None and want != got:
                    differ.append((label, record.id, name, want, got))
    assert differ == []


async def test_every_relationship_between_kept_records_is_as_the_demo_draws_it(
    loaded: GraphStore,
) -> None:
    """Every relationship the demo draws between records users keep is in the graph with the
    properties drawn: made by registration (a tie) or a step (a rating, a day, an incubation,
    a donation), none by the batch writer."""
    kept = _kept()
    drawn = demo.build().b.links
    differ = []
    for rel, pairs in drawn.items():
        if rel.start not in kept or rel.end not in kept or rel.keyed:
            continue
        rows = await _rows(
            loaded,
            f"kept_ties.{rel.name}",
            f"MATCH (a:{rel.start})-[r:{rel.type}]->(b:{rel.end}) "
            "RETURN a.id AS a, b.id AS b, properties(r) AS props",
        )
        found = {(r["a"], r["b"]): r["props"] for r in rows}
        for start, end, props in pairs:
            got = found.get((start, end))
            shown = {k: str(v) for k, v in (got or {}).items()}
            if got is None or any(shown.get(k) != str(v) for k, v in props.items()):
                differ.append((rel.type, start, end, dict(props), got))
    assert differ == []


def test_a_demo_drawing_what_no_user_path_writes_is_refused_before_it_is_written() -> None:
    """The load's own check: a registration tie holding a property registration does not write
    (a declared default drawn otherwise, with no step to record it), or a relationship nothing
    took out of the batch, stops the load, naming it, rather than leaving it to the batch
    writer."""
    runs = next(t for f in _kept().values() for t in f.ties if t.props)
    batch = Batch()
    batch.link(runs.rel, "a", "b", **{k: f"NOT-{v}" for k, v in runs.props.items()})
    with pytest.raises(ValueError, match=runs.rel.type):
        registered.made(batch)
    batch = demo.build().b
    casework.ties(batch)
    registered.tie_steps(batch)
    registered.made(batch)
    with pytest.raises(ValueError, match="No user path writes"):
        demo._written_by_steps(batch)  # the needs' and the casework's are still in it
