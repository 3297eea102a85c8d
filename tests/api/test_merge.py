"""Merging duplicates over HTTP, on the demo data, on both engines.

何姨 (``volunteer-zs-near``) came in with the station's roster: 30 verified hours of weekly visits,
a skill, the 邻舍 team, her mother as family. A colleague, not finding her, registered her again
by hand with her national volunteer number; under that second record she signed up for a
recruitment and served 99 more hours. An administrator merges the second record into the first:
the hours, the star level and the time bank add up on the survivor, every relationship moves (the
ties both held are kept once), the duplicate reads as MERGED and its token stops working, and
registering her number again names the survivor. Every refusal changes nothing (the graph
checksum is unchanged).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from seeds.demo_scenarios import LIN_ID_CARD
from tests.api.recruitments import post_meal_service
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

NEAR = gid("Volunteer", "volunteer-zs-near")  # 何姨, from the roster
LIN_VISIT = gid("Need", "need-zs-qiwan-01-visit")
QIWAN_KEY = "community-zs-qiwan"
QIWAN = gid("Community", QIWAN_KEY)
VISIT, CHAT = gid("Skill", "skill-visit"), gid("Skill", "skill-chat")
LINSHE = gid("Organization", "team-zs-linshe")
WORKER = "worker-0001"  # covers 起湾
NUMBER = "44200020180501"  # her 志愿者编号

MERGE = """
mutation ($s: ID!, $d: ID!, $sv: Int!, $dv: Int!, $key: String) {
  mergeVolunteer(survivor: $s, duplicate: $d, survivorVersion: $sv, duplicateVersion: $dv,
                 idempotencyKey: $key) {
    replayed survivor { key version starLevel verifiedHours timeBankHours status }
  }
}
"""
READ = """
query ($v: ID!) { node(id: $v) { ... on Volunteer {
  key name phone status version starLevel verifiedHours timeBankHours
} } }
"""
CREATE = """
mutation ($i: CreateVolunteerInput!) { createVolunteer(input: $i) { volunteer { id version } } }
"""
ASSIGN = """
mutation ($need: ID!, $v: ID!) {
  assignVolunteers(needId: $need, volunteers: [{volunteerId: $v}]) { need { status } }
}
"""
RECORD = """
mutation ($input: RecordServiceInput!) { recordService(input: $input) { serviceRecord { id } } }
"""
REVIEW = """
mutation ($d: [ReviewDecisionInput!]!) { reviewServiceRecords(decisions: $d) { replayed } }
"""
PLACES = dynamic(
    "tests.merge.places",
    """
    MATCH (v:Volunteer {id: 'volunteer-zs-near'})
    MATCH (venue:Venue)
    WITH v, venue ORDER BY venue.id LIMIT 1
    RETURN v.location.latitude AS lat, v.location.longitude AS lon, venue.id AS venue
    """,
)
TIES = dynamic(
    "tests.merge.ties",
    """
    MATCH (v {id: $id})-[r]-(x)
    RETURN type(r) AS type, x.id AS other, count(r) AS n
    ORDER BY type, other
    """,
)
TOMBSTONE = dynamic(
    "tests.merge.tombstone",
    """
    MATCH (v:Volunteer {id: $id})
    RETURN v.status AS status, v.mergedInto AS mergedInto, v.volunteerNo AS number,
           v.phone AS phone, v.verifiedMinutes AS minutes
    """,
)
EVENTS = dynamic(
    "tests.merge.events",
    "MATCH (e:Event {kind: 'VOLUNTEER_MERGED'}) RETURN e.key AS key, count(e) AS n",
)


def code(errors: list[dict]) -> tuple[str, str | None]:
    return errors[0]["extensions"]["code"], errors[0]["extensions"].get("reason")


async def _post_meal_service(gql: GraphQL, venue: str, *, capacity: int) -> str:
    """A meal service in 起湾 two days from now, with ``capacity`` places; its global id."""
    return await post_meal_service(
        gql, community=QIWAN_KEY, venue=venue, capacity=capacity, starts_in=dt.timedelta(days=2)
    )


async def _registered_again(gql: GraphQL, signed_in: SignIn, engine_store: GraphStore) -> str:
    """何姨's second record, registered by hand, with 99 verified hours and a sign-up; returns
    its global id (version 1)."""
    places = (await engine_store.read(PLACES, {}))[0]
    made = await gql(
        CREATE,
        i={
            "name": "何姨",
            "location": {"latitude": places["lat"], "longitude": places["lon"]},
            "phone": "13800138000",
            "volunteerNo": NUMBER,
            "serviceAreaIds": [QIWAN],
            "skillIds": [VISIT, CHAT],
            "teamIds": [LINSHE],
            "availability": ["TUE_AM", "THU_PM"],
        },
    )
    dup: str = made["createVolunteer"]["volunteer"]["id"]
    # The second record is put on 林婆婆's visit and serves 99 hours of it.
    await gql(ASSIGN, need=LIN_VISIT, v=dup)
    today = dt.date.today()
    records = []
    for i in range(5):
        day = (today - dt.timedelta(days=i)).isoformat()
        done = await gql(
            RECORD, input={"volunteerId": dup, "needId": LIN_VISIT, "date": day, "hours": "19.8"}
        )
        records.append(done["recordService"]["serviceRecord"]["id"])
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    await worker(REVIEW, d=[{"recordId": r, "approve": True} for r in records])
    # Both sign up for the same recruitment.
    recruitment = await _post_meal_service(gql, places["venue"], capacity=5)
    for v in (NEAR, dup):
        await gql(
            "mutation ($r: ID!, $v: ID!) { signUp(recruitmentId: $r, volunteerId: $v) "
            "{ replayed } }",
            r=recruitment,
            v=v,
        )
    return dup


def _ties(rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    return {(r["type"], r["other"]): r["n"] for r in rows}


async def test_a_volunteer_registered_twice_is_merged_and_her_history_adds_up(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    dup = await _registered_again(gql, signed_in, engine_store)
    dup_key = (await gql(READ, v=dup))["node"]["key"]
    her_second_token = await signed_in(Role.VOLUNTEER, dup_key)
    assert await her_second_token("{ volunteers(first: 1) { totalCount } }")

    first = (await gql(READ, v=NEAR))["node"]
    second = (await gql(READ, v=dup))["node"]
    assert (first["verifiedHours"], second["verifiedHours"]) == (30.0, 99.0)
    assert (first["starLevel"], second["starLevel"]) == (0, 0)
    before = _ties(await engine_store.read(TIES, {"id": "volunteer-zs-near"}))
    theirs = _ties(await engine_store.read(TIES, {"id": dup_key}))

    done = await gql(MERGE, s=NEAR, d=dup, sv=first["version"], dv=second["version"])
    survivor = done["mergeVolunteer"]["survivor"]
    assert survivor["verifiedHours"] == 129.0
    assert survivor["starLevel"] == 1  # 100 hours or more: one star, which neither record had
    assert survivor["timeBankHours"] == first["timeBankHours"] + second["timeBankHours"]
    assert survivor["version"] == first["version"] + 1 and survivor["status"] == "ACTIVE"

    # Every tie of hers, once: the ones both held (the skill, the team, the area, the sign-up)
    # are not doubled; the rest moved over; the tombstone holds none.
    after = _ties(await engine_store.read(TIES, {"id": "volunteer-zs-near"}))
    assert set(after) == set(before) | set(theirs)
    assert set(after.values()) == {1}
    assert ("HAS_SKILL", "skill-chat") in after and (
        "PERFORMED",
        "record-zs-near-visit-01",
    ) in after
    assert await engine_store.read(TIES, {"id": dup_key}) == []

    # The tombstone reads as merged, its personal fields gone, pointing at the survivor.
    tomb = (await gql(READ, v=dup))["node"]
    assert tomb["status"] == "MERGED" and tomb["name"] == "（已合并）" and tomb["phone"] is None
    assert tomb["verifiedHours"] == 0.0
    (stored,) = await engine_store.read(TOMBSTONE, {"id": dup_key})
    assert stored == {
        "status": "MERGED",
        "mergedInto": "volunteer-zs-near",
        "number": None,
        "phone": None,
        "minutes": 0,
    }
    # Her second token is refused; her number now belongs to the survivor, so registering her a
    # third time names the survivor.
    response = await her_second_token.http.post(
        "/graphql", json={"query": "{ volunteers { totalCount } }"}
    )
    assert response.status_code == 401
    errors = await gql.errors(
        CREATE,
        i={
            "name": "何姨",
            "location": {"latitude": 22.5, "longitude": 113.4},
            "volunteerNo": NUMBER,
            "serviceAreaIds": [QIWAN],
        },
    )
    assert errors[0]["extensions"]["code"] == "CONFLICT"
    assert errors[0]["extensions"]["existing"] == NEAR
    # The tombstone takes no change; the write was one event.
    errors = await gql.errors(
        "mutation ($id: ID!, $v: Int!) { updateVolunteer(id: $id, version: $v, "
        'input: {phone: "13800138001"}) { volunteer { version } } }',
        id=dup,
        v=tomb["version"],
    )
    assert errors[0]["extensions"]["code"] == "CONFLICT" and "merged" in errors[0]["message"]
    assert await engine_store.read(EVENTS, {}) == [{"key": "volunteer-zs-near", "n": 1}]


async def test_every_refused_merge_changes_nothing(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    made = await gql(
        CREATE,
        i={
            "name": "何姨",
            "location": {"latitude": 22.5, "longitude": 113.4},
            "serviceAreaIds": [QIWAN],
        },
    )
    dup = made["createVolunteer"]["volunteer"]["id"]
    before = await checksum(engine_store)
    refusals = [
        ({"s": NEAR, "d": dup, "sv": 0, "dv": 1}, ("CONFLICT", "SURVIVOR_STALE")),
        ({"s": NEAR, "d": dup, "sv": 1, "dv": 7}, ("CONFLICT", "DUPLICATE_STALE")),
        ({"s": NEAR, "d": NEAR, "sv": 1, "dv": 1}, ("BAD_USER_INPUT", "SAME")),
        (
            {"s": NEAR, "d": gid("Volunteer", "volunteer-nobody"), "sv": 1, "dv": 1},
            ("NOT_FOUND", "DUPLICATE_NOT_FOUND"),
        ),
        (
            {"s": gid("Volunteer", "volunteer-nobody"), "d": dup, "sv": 1, "dv": 1},
            ("NOT_FOUND", "SURVIVOR_NOT_FOUND"),
        ),
        ({"s": NEAR, "d": gid("Resident", "resident-0001"), "sv": 1, "dv": 1},
         ("BAD_USER_INPUT", None)),
        ({"s": NEAR, "d": dup, "sv": 1, "dv": -1}, ("BAD_USER_INPUT", None)),
    ]  # fmt: skip
    for variables, expected in refusals:
        errors = await gql.errors(MERGE, **variables)
        assert code(errors) == expected, variables
        assert await checksum(engine_store) == before, variables

    # Nobody but an administrator merges, not even the social worker covering both.
    for role, subject in ((Role.SOCIAL_WORKER, WORKER), (Role.VOLUNTEER, "volunteer-zs-near")):
        caller = await signed_in(role, subject)
        errors = await caller.errors(MERGE, s=NEAR, d=dup, sv=1, dv=1)
        assert code(errors)[0] == "FORBIDDEN"
        assert await checksum(engine_store) == before

    # A deactivated survivor is refused; merged once, the duplicate cannot be merged again.
    done = await gql(MERGE, s=NEAR, d=dup, sv=1, dv=1, key="merge-he-1")
    assert done["mergeVolunteer"]["replayed"] is False
    after = await checksum(engine_store)
    retried = await gql(MERGE, s=NEAR, d=dup, sv=1, dv=1, key="merge-he-1")
    assert retried["mergeVolunteer"]["replayed"] is True
    assert await checksum(engine_store) == after
    errors = await gql.errors(MERGE, s=NEAR, d=dup, sv=2, dv=2)
    assert code(errors) == ("CONFLICT", "ALREADY_MERGED")
    errors = await gql.errors(MERGE, s=dup, d=NEAR, sv=2, dv=2)
    assert code(errors) == ("CONFLICT", "SURVIVOR_MERGED")
    assert await checksum(engine_store) == after


async def test_a_deactivated_survivor_is_refused(gql: GraphQL, engine_store: GraphStore) -> None:
    regular = gid("Volunteer", "volunteer-zs-regular")
    await gql(
        "mutation ($id: ID!) { deactivateVolunteer(id: $id, version: 1) { volunteer { status } } }",
        id=NEAR,
    )
    before = await checksum(engine_store)
    errors = await gql.errors(MERGE, s=NEAR, d=regular, sv=2, dv=1)
    assert code(errors) == ("CONFLICT", "SURVIVOR_INACTIVE")
    assert await checksum(engine_store) == before


RESIDENT_TIES = dynamic(
    "tests.merge.resident_ties",
    """
    MATCH (r:Resident {id: $id})
    RETURN r.name AS name, r.phone AS phone, r.status AS status, r.mergedInto AS mergedInto,
           r.idHash IS NOT NULL AS hashed, r.idLast4 AS last4,
           [(r)-[:HAS_NEED]->(n:Need) | n.id] AS needs,
           [(r)-[:LIVES_IN]->(c:Community) | c.id] AS communities
    """,
)


async def test_a_resident_found_twice_keeps_her_needs_on_the_survivor(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    made = await gql(
        "mutation ($i: CreateResidentInput!) { createResident(input: $i) "
        "{ resident { id key version } } }",
        i={
            "name": "林婆婆",
            "location": {"latitude": 22.5241, "longitude": 113.4125},
            "communityId": QIWAN,
            "phone": "13800138002",
            "birthYear": 1938,
        },
    )
    survivor = made["createResident"]["resident"]
    lin = gid("Resident", "resident-zs-qiwan-01")  # 林婆婆 as the station first knew her
    (held,) = await engine_store.read(RESIDENT_TIES, {"id": "resident-zs-qiwan-01"})
    read = await gql("query ($r: ID!) { node(id: $r) { ... on Resident { version } } }", r=lin)
    done = await gql(
        "mutation ($s: ID!, $d: ID!, $dv: Int!) { mergeResident(survivor: $s, duplicate: $d, "
        "survivorVersion: 1, duplicateVersion: $dv) { survivor { key version } } }",
        s=survivor["id"],
        d=lin,
        dv=read["node"]["version"],
    )
    assert done["mergeResident"]["survivor"] == {"key": survivor["key"], "version": 2}
    (kept,) = await engine_store.read(RESIDENT_TIES, {"id": survivor["key"]})
    assert sorted(kept["needs"]) == sorted(held["needs"]) and kept["communities"] == [
        "community-zs-qiwan"
    ]
    # Her ID card moved with its last four characters; the tombstone keeps nothing of her.
    assert kept["hashed"] and kept["last4"] == LIN_ID_CARD[-4:] and kept["phone"] == "13800138002"
    (tomb,) = await engine_store.read(RESIDENT_TIES, {"id": "resident-zs-qiwan-01"})
    assert tomb == {
        "name": "（已合并）",
        "phone": None,
        "status": "MERGED",
        "mergedInto": survivor["key"],
        "hashed": False,
        "last4": None,
        "needs": [],
        "communities": [],
    }
    # Registering her ID card again names the survivor.
    errors = await gql.errors(
        "mutation ($i: CreateResidentInput!) { createResident(input: $i) { resident { id } } }",
        i={
            "name": "林婆婆",
            "location": {"latitude": 22.5241, "longitude": 113.4125},
            "communityId": QIWAN,
            "idCardNumber": LIN_ID_CARD,
        },
    )
    assert errors[0]["extensions"].get("existing") == survivor["id"]


@pytest.mark.parametrize(
    ("family", "make", "fields"),
    [
        (
            "SocialWorker",
            "createSocialWorker",
            {"name": "周社工", "qualification": "ASSISTANT"},
        ),
        (
            "Organization",
            "createOrganization",
            {"name": "邻舍互助队", "kind": "SOCIAL_ORGANIZATION",
             "location": {"latitude": 22.52, "longitude": 113.41}},
        ),
    ],
)  # fmt: skip
async def test_social_workers_and_organizations_merge_the_same_way(
    gql: GraphQL, engine_store: GraphStore, family: str, make: str, fields: dict[str, Any]
) -> None:
    field = family[0].lower() + family[1:]
    ids = []
    for _ in range(2):
        done = await gql(
            f"mutation ($i: Create{family}Input!) {{ {make}(input: $i) {{ {field} {{ id }} }} }}",
            i={**fields, "communityIds" if family == "SocialWorker" else "serviceAreaIds": [QIWAN]},
        )
        ids.append(done[make][field]["id"])
    merged = await gql(
        f"mutation ($s: ID!, $d: ID!) {{ merge{family}(survivor: $s, duplicate: $d, "
        f"survivorVersion: 1, duplicateVersion: 1) {{ survivor {{ ... on {family} {{ version }} }} "
        "} }",
        s=ids[0],
        d=ids[1],
    )
    assert merged[f"merge{family}"]["survivor"] == {"version": 2}
    before = await checksum(engine_store)
    errors = await gql.errors(
        f"mutation ($s: ID!, $d: ID!) {{ merge{family}(survivor: $s, duplicate: $d, "
        "survivorVersion: 2, duplicateVersion: 2) { replayed } }",
        s=ids[0],
        d=ids[1],
    )
    assert code(errors) == ("CONFLICT", "ALREADY_MERGED")
    assert await checksum(engine_store) == before


async def test_a_resident_registered_again_after_a_move_keeps_one_community(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    """She moved and a second station registered her where she lives now: merged onto the new
    record, she lives in one community (the survivor's), so only its social workers answer for
    her; the old one's do not gain her record."""
    made = await gql(
        'mutation ($c: ID!) { createResident(input: {name: "林婆婆", '
        "location: {latitude: 22.51, longitude: 113.39}, communityId: $c}) "
        "{ resident { id key } } }",
        c=gid("Community", "community-zs-beixi"),
    )
    survivor = made["createResident"]["resident"]
    lin = gid("Resident", "resident-zs-qiwan-01")
    read = await gql("query ($r: ID!) { node(id: $r) { ... on Resident { version } } }", r=lin)
    await gql(
        "mutation ($s: ID!, $d: ID!, $dv: Int!) { mergeResident(survivor: $s, duplicate: $d, "
        "survivorVersion: 1, duplicateVersion: $dv) { survivor { key } } }",
        s=survivor["id"],
        d=lin,
        dv=read["node"]["version"],
    )
    (kept,) = await engine_store.read(RESIDENT_TIES, {"id": survivor["key"]})
    assert kept["communities"] == ["community-zs-beixi"] and kept["needs"]


async def test_an_organizations_grade_and_its_history_follow_it_onto_the_survivor(
    gql: GraphQL,
) -> None:
    """The bureau graded the association under its second record: merged, the survivor holds
    the grade with the evaluation behind it (so the grade expires by its own history)."""
    ids = []
    for name in ("东区长者协会", "东区长者协会（重复）"):
        done = await gql(
            "mutation ($n: String!) { createOrganization(input: {name: $n, "
            "kind: SOCIAL_ORGANIZATION, location: {latitude: 22.52, longitude: 113.41}}) "
            "{ organization { id } } }",
            n=name,
        )
        ids.append(done["createOrganization"]["organization"]["id"])
    today = dt.date.today()
    await gql(
        "mutation ($o: ID!, $on: Date!, $until: Date!) { recordOrganizationEvaluation("
        'organizationId: $o, grade: GRADE_4A, score: 850, evaluator: "中山市社会组织评估委员会", '
        "evaluatedOn: $on, validUntil: $until) { organization { rating } } }",
        o=ids[1],
        on=(today - dt.timedelta(days=30)).isoformat(),
        until=(today + dt.timedelta(days=700)).isoformat(),
    )
    merged = await gql(
        "mutation ($s: ID!, $d: ID!) { mergeOrganization(survivor: $s, duplicate: $d, "
        "survivorVersion: 1, duplicateVersion: 1) { survivor { ... on Organization { "
        "rating evaluations { grade score } } } } }",
        s=ids[0],
        d=ids[1],
    )
    survivor = merged["mergeOrganization"]["survivor"]
    assert survivor == {"rating": "GRADE_4A", "evaluations": [{"grade": "GRADE_4A", "score": 850}]}


SIGN_UPS = dynamic(
    "tests.merge.sign_ups",
    """
    MATCH (rec:Recruitment {id: $id})
    OPTIONAL MATCH (v:Volunteer)-[su:SIGNED_UP]->(rec)
    WITH rec, v, su ORDER BY v.id
    RETURN rec.status AS status, collect([v.id, su.status]) AS sign_ups
    """,
)


async def test_her_two_sign_ups_become_one_and_free_a_place(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    """Under both records 何姨 took places at a meal service for two, which is FULL; at a
    second activity she withdrew under the first record and signed up again under the second.
    Merged, she holds one place at the first — the other is free again, so it is OPEN — and is
    still signed up for the second (the sign-up that holds a place is the one kept)."""
    places = (await engine_store.read(PLACES, {}))[0]
    made = await gql(
        CREATE,
        i={
            "name": "何姨",
            "location": {"latitude": places["lat"], "longitude": places["lon"]},
            "serviceAreaIds": [QIWAN],
        },
    )
    dup = made["createVolunteer"]["volunteer"]["id"]

    async def act(verb: str, recruitment: str, volunteer: str) -> None:
        await gql(
            f"mutation ($r: ID!, $v: ID!) {{ {verb}(recruitmentId: $r, volunteerId: $v) "
            "{ replayed } }",
            r=recruitment,
            v=volunteer,
        )

    meal = await _post_meal_service(gql, places["venue"], capacity=2)
    walk = await _post_meal_service(gql, places["venue"], capacity=3)
    await act("signUp", meal, NEAR)
    await act("signUp", meal, dup)
    await act("signUp", walk, NEAR)
    await act("withdrawSignUp", walk, NEAR)
    await act("signUp", walk, dup)
    keys = {
        r: (await gql("query ($id: ID!) { node(id: $id) { ... on Recruitment { key } } }", id=r))[
            "node"
        ]["key"]
        for r in (meal, walk)
    }
    (full,) = await engine_store.read(SIGN_UPS, {"id": keys[meal]})
    assert full["status"] == "FULL"

    first, second = (await gql(READ, v=NEAR))["node"], (await gql(READ, v=dup))["node"]
    await gql(MERGE, s=NEAR, d=dup, sv=first["version"], dv=second["version"])

    (meal_after,) = await engine_store.read(SIGN_UPS, {"id": keys[meal]})
    assert meal_after == {"status": "OPEN", "sign_ups": [["volunteer-zs-near", "SIGNED_UP"]]}
    (walk_after,) = await engine_store.read(SIGN_UPS, {"id": keys[walk]})
    assert walk_after == {"status": "OPEN", "sign_ups": [["volunteer-zs-near", "SIGNED_UP"]]}
    await act("signUp", meal, gid("Volunteer", "volunteer-zs-regular"))  # the freed place


WEBHOOK_OF = dynamic(
    "tests.merge.webhooks",
    "MATCH (w:Webhook) WHERE w.organization IN $ids "
    "RETURN w.organization AS organization, w.url AS url, w.status AS status ORDER BY url",
)


async def test_an_organizations_webhook_goes_to_the_survivor_unless_it_has_its_own(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    """The association registered twice, its endpoint under the second record: merged, the
    survivor's events go to that endpoint. Had both records an endpoint, the survivor keeps its
    own and the tombstone's is disabled — an organization never has two. (Literal addresses:
    the check resolves host names; nothing is delivered to a webhook never approved.)"""

    async def organization(name: str, url: str | None) -> tuple[str, str]:
        done = await gql(
            "mutation ($n: String!) { createOrganization(input: {name: $n, "
            "kind: SOCIAL_ORGANIZATION, location: {latitude: 22.52, longitude: 113.41}}) "
            "{ organization { id key } } }",
            n=name,
        )
        made = done["createOrganization"]["organization"]
        if url is not None:
            await gql(
                "mutation ($o: ID!, $url: String!) { registerWebhook(organizationId: $o, "
                "url: $url) { secret } }",
                o=made["id"],
                url=url,
            )
        return made["id"], made["key"]

    async def merge(survivor: str, duplicate: str) -> None:
        await gql(
            "mutation ($s: ID!, $d: ID!) { mergeOrganization(survivor: $s, duplicate: $d, "
            "survivorVersion: 1, duplicateVersion: 1) { replayed } }",
            s=survivor,
            d=duplicate,
        )

    first = await organization("东区长者协会", None)
    second = await organization("东区长者协会（重复）", "https://93.184.216.34/elders")
    await merge(first[0], second[0])
    assert await engine_store.read(WEBHOOK_OF, {"ids": [first[1], second[1]]}) == [
        {"organization": first[1], "url": "https://93.184.216.34/elders", "status": "PENDING"}
    ]
    webhook = "query ($o: ID!) { node(id: $o) { ... on Organization { webhook { url } } } }"
    assert (await gql(webhook, o=first[0]))["node"]["webhook"] == {
        "url": "https://93.184.216.34/elders"
    }

    third = await organization("西区助残会", "https://93.184.216.34/west")
    fourth = await organization("西区助残会（重复）", "https://93.184.216.34/west-2")
    await merge(third[0], fourth[0])
    assert await engine_store.read(WEBHOOK_OF, {"ids": [third[1], fourth[1]]}) == [
        {"organization": third[1], "url": "https://93.184.216.34/west", "status": "PENDING"},
        {"organization": fourth[1], "url": "https://93.184.216.34/west-2", "status": "DISABLED"},
    ]


CONSENT_HISTORY = dynamic(
    "tests.merge.consent_history",
    "MATCH (r:Resident) WHERE r.id IN $ids RETURN r.id AS id, r.consentHistory AS history",
)


async def test_a_merged_residents_consent_history_joins_the_survivors_and_is_erased_with_her(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    """林婆婆's consent, recorded under her first record, stays provable after the merge: it is
    in the survivor's history beside the one recorded under the second record, the tombstone keeps
    none (its `mergedInto` names the survivor), and erasing her removes all of it."""
    made = await gql(
        "mutation ($i: CreateResidentInput!) { createResident(input: $i) { resident { id key } } }",
        i={
            "name": "林婆婆",
            "location": {"latitude": 22.5241, "longitude": 113.4125},
            "communityId": QIWAN,
        },
    )
    survivor = made["createResident"]["resident"]
    lin = gid("Resident", "resident-zs-qiwan-01")
    history = (
        "query ($r: ID!) { node(id: $r) { ... on Resident { version consentHistory { on } } } }"
    )
    earlier = (await gql(history, r=lin))["node"]
    assert earlier["consentHistory"], "the demo records her consent"
    consented = await gql(
        "mutation ($r: ID!) { recordConsent(residentId: $r, scopes: [RECORD], givenBy: GUARDIAN, "
        'givenOn: "2026-11-02") { resident { consent version } } }',
        r=survivor["id"],
    )
    await gql(
        "mutation ($s: ID!, $d: ID!, $sv: Int!, $dv: Int!) { mergeResident(survivor: $s, "
        "duplicate: $d, survivorVersion: $sv, duplicateVersion: $dv) { survivor { key } } }",
        s=survivor["id"],
        d=lin,
        sv=consented["recordConsent"]["resident"]["version"],  # her consent changed the record
        dv=earlier["version"],
    )
    joined = (await gql(history, r=survivor["id"]))["node"]["consentHistory"]
    assert sorted(e["on"] for e in joined) == sorted(
        [*(e["on"] for e in earlier["consentHistory"]), "2026-11-02"]
    )
    ids = [survivor["key"], "resident-zs-qiwan-01"]
    rows = {r["id"]: r["history"] for r in await engine_store.read(CONSENT_HISTORY, {"ids": ids})}
    assert rows["resident-zs-qiwan-01"] is None and len(rows[survivor["key"]]) == len(joined)
    pointer = "query ($r: ID!) { node(id: $r) { ... on Resident { mergedInto } } }"
    assert (await gql(pointer, r=lin))["node"] == {"mergedInto": survivor["id"]}

    await gql(
        "mutation ($r: ID!) { eraseResident(residentId: $r) { resident { key } } }",
        r=survivor["id"],
    )
    rows = {r["id"]: r["history"] for r in await engine_store.read(CONSENT_HISTORY, {"ids": ids})}
    assert rows == {survivor["key"]: None, "resident-zs-qiwan-01": None}
