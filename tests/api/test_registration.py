"""Registration over HTTP: a station keeps its volunteers, residents, social workers and
organizations through GraphQL, on the demo data, on both engines.

Each test starts from a freshly loaded demo graph. A refusal is checked to have changed nothing
(``graph.engine.system.checksum``: every node and relationship but the audit log).
"""

from __future__ import annotations

from typing import Any

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from intake.identity import check_character
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

WORKER = "worker-0001"  # covers 起湾
QIWAN = gid("Community", "community-zs-qiwan")
QIAOSI = gid("Community", "community-hz-qiaosi")  # Hangzhou: not covered by worker-0001
NEAR = gid("Volunteer", "volunteer-zs-near")
REGULAR = gid("Volunteer", "volunteer-zs-regular")
LIN_VISIT = gid("Need", "need-zs-qiwan-01-visit")
VISIT = gid("Skill", "skill-visit")
HOME = {"latitude": 22.5241, "longitude": 113.4125}


def id_card(first17: str = "44200019400101002") -> str:
    """A well-formed 18-character ID number (its check character computed)."""
    return first17 + check_character(first17)


CREATE_RESIDENT = """
mutation ($input: CreateResidentInput!) {
  createResident(input: $input) {
    resident { id key name phone version community { key } }
  }
}
"""

CREATE_VOLUNTEER = """
mutation ($input: CreateVolunteerInput!) {
  createVolunteer(input: $input) { volunteer { id key version availability } }
}
"""

UPDATE_VOLUNTEER = """
mutation ($id: ID!, $version: Int!, $input: UpdateVolunteerInput!) {
  updateVolunteer(id: $id, version: $version, input: $input) {
    volunteer { version availability serviceRadiusMeters skills(first: 10) { nodes { key } } }
  }
}
"""

DEACTIVATE_VOLUNTEER = """
mutation ($id: ID!, $version: Int!) {
  deactivateVolunteer(id: $id, version: $version) {
    volunteer { status version }
  }
}
"""


def code(errors: list[dict]) -> str:
    return errors[0]["extensions"]["code"]


async def test_a_social_worker_registers_an_elder_found_on_a_home_visit(
    signed_in: SignIn, gql: GraphQL, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    number = id_card()
    made = await worker(
        CREATE_RESIDENT,
        input={
            "name": "黄婆婆",
            "location": HOME,
            "communityId": QIWAN,
            "phone": "+86 138 0013 8000",
            "idCardNumber": number,
            "birthYear": 1940,
            "tags": ["LIVING_ALONE"],
        },
    )
    resident = made["createResident"]["resident"]
    assert resident["name"] == "黄婆婆" and resident["phone"] == "13800138000"
    assert resident["version"] == 1 and resident["community"]["key"] == "community-zs-qiwan"
    # The number itself is stored nowhere: only its keyed hash and its last four characters.
    (row,) = await engine_store.read(
        dynamic("test.resident", "MATCH (r:Resident {id: $id}) RETURN properties(r) AS p"),
        {"id": resident["key"]},
    )
    assert number not in repr(row["p"]) and row["p"]["idLast4"] == number[-4:]
    assert len(row["p"]["idHash"]) == 64
    # The audit names the fields given, never their values.
    audit = await gql(
        "query ($e: String) { auditLog(filter: {entity: $e, action: [MUTATION]}) "
        "{ nodes { operation fields outcome } } }",
        e=resident["key"],
    )
    (entry,) = audit["auditLog"]["nodes"]
    assert entry["operation"] == "createResident" and entry["outcome"] == "OK"
    assert "input.idCardNumber" in entry["fields"] and "input.phone" in entry["fields"]
    assert number not in repr(entry) and "13800138000" not in repr(entry)

    # The same person registered again (spaces, a lower-case x) is a CONFLICT naming the record.
    errors = await worker.errors(
        CREATE_RESIDENT,
        input={"name": "黄婆婆", "location": HOME, "communityId": QIWAN, "idCardNumber": number},
    )
    assert code(errors) == "CONFLICT" and errors[0]["extensions"]["existing"] == resident["id"]


async def test_a_social_worker_registers_only_in_communities_they_cover(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    before = await checksum(engine_store)
    errors = await worker.errors(
        CREATE_RESIDENT,
        input={"name": "外地居民", "location": HOME, "communityId": QIAOSI},
    )
    assert code(errors) == "FORBIDDEN"
    volunteer = await signed_in(Role.VOLUNTEER, "volunteer-zs-near")
    errors = await volunteer.errors(
        CREATE_VOLUNTEER,
        input={"name": "新义工", "location": HOME, "serviceAreaIds": [QIWAN]},
    )
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def test_a_volunteer_updates_their_own_slots_but_not_another_volunteers(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    near = await signed_in(Role.VOLUNTEER, "volunteer-zs-near")
    changed = await near(
        UPDATE_VOLUNTEER,
        id=NEAR,
        version=1,
        input={"availability": ["MON_AM", "MON_AM", "FRI_PM"], "skillIds": [VISIT]},
    )
    volunteer = changed["updateVolunteer"]["volunteer"]
    assert volunteer["availability"] == ["MON_AM", "FRI_PM"] and volunteer["version"] == 2
    assert [s["key"] for s in volunteer["skills"]["nodes"]] == ["skill-visit"]

    before = await checksum(engine_store)
    errors = await near.errors(
        UPDATE_VOLUNTEER, id=REGULAR, version=1, input={"availability": ["MON_AM"]}
    )
    assert code(errors) == "FORBIDDEN"
    # Their own record, but a field only staff keep: the volunteer number.
    errors = await near.errors(
        UPDATE_VOLUNTEER, id=NEAR, version=2, input={"volunteerNo": "ZS20260001"}
    )
    assert code(errors) == "FORBIDDEN" and "volunteerNo" in errors[0]["message"]
    assert await checksum(engine_store) == before


async def test_a_stale_update_is_a_conflict_never_an_overwrite(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    near = await signed_in(Role.VOLUNTEER, "volunteer-zs-near")
    # Both read version 1 (registered); the volunteer saves first.
    await near(UPDATE_VOLUNTEER, id=NEAR, version=1, input={"serviceRadiusMeters": 3000})
    before = await checksum(engine_store)
    errors = await worker.errors(
        UPDATE_VOLUNTEER, id=NEAR, version=1, input={"serviceRadiusMeters": 500}
    )
    assert code(errors) == "CONFLICT" and "version" in errors[0]["message"]
    assert await checksum(engine_store) == before
    again = await worker(UPDATE_VOLUNTEER, id=NEAR, version=2, input={"serviceRadiusMeters": 500})
    assert again["updateVolunteer"]["volunteer"]["serviceRadiusMeters"] == 500


async def test_a_duplicate_volunteer_number_is_a_conflict(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    first = await gql(
        CREATE_VOLUNTEER,
        input={
            "name": "李明",
            "location": HOME,
            "serviceAreaIds": [QIWAN],
            "volunteerNo": "GD2026000123",
            "availability": ["SAT_AM"],
            "skillIds": [VISIT],
        },
    )
    volunteer = first["createVolunteer"]["volunteer"]
    assert volunteer["version"] == 1 and volunteer["availability"] == ["SAT_AM"]
    before = await checksum(engine_store)
    errors = await gql.errors(
        CREATE_VOLUNTEER,
        # The same number as typed differently: lower case, spaces, a hyphen.
        input={"name": "李明明", "location": HOME, "serviceAreaIds": [QIWAN],
               "volunteerNo": "gd 2026-000123"},
    )  # fmt: skip
    assert code(errors) == "CONFLICT" and errors[0]["extensions"]["existing"] == volunteer["id"]
    assert await checksum(engine_store) == before


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"phone": "12345"}, "phone", "BAD_USER_INPUT"),
        ({"serviceRadiusMeters": 10}, "serviceRadiusMeters", "BAD_USER_INPUT"),
        ({"location": {"latitude": 95, "longitude": 113}}, "location", "BAD_USER_INPUT"),
        ({"name": "  "}, "name", "BAD_USER_INPUT"),
        ({"volunteerNo": "1.23E+17"}, "volunteerNo", "BAD_USER_INPUT"),
        ({"skillIds": [gid("Skill", "skill-nonexistent")]}, "skillIds", "NOT_FOUND"),
    ],
)
async def test_bad_input_names_the_field_and_writes_nothing(
    gql: GraphQL, engine_store: GraphStore, change: dict, field: str, expected: str
) -> None:
    before = await checksum(engine_store)
    errors = await gql.errors(UPDATE_VOLUNTEER, id=NEAR, version=1, input=change)
    assert code(errors) == expected and field.removesuffix("Ids") in errors[0]["message"]
    if expected == "BAD_USER_INPUT":
        assert errors[0]["extensions"]["field"] == field
    assert await checksum(engine_store) == before


async def test_a_bad_id_card_checksum_is_refused_before_anything_is_written(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    good = id_card()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    before = await checksum(engine_store)
    errors = await worker.errors(
        CREATE_RESIDENT,
        input={"name": "黄婆婆", "location": HOME, "communityId": QIWAN, "idCardNumber": wrong},
    )
    assert code(errors) == "BAD_USER_INPUT" and errors[0]["extensions"]["field"] == "idCardNumber"
    assert wrong not in errors[0]["message"]
    assert await checksum(engine_store) == before


async def test_a_deactivated_volunteer_is_kept_but_loses_access_and_is_no_longer_matched(
    signed_in: SignIn, gql: GraphQL, demo_app: Any, settings: Any
) -> None:
    near = await signed_in(Role.VOLUNTEER, "volunteer-zs-near")
    assert await near("{ volunteers(first: 1) { totalCount } }")
    matched = await gql(
        "query ($n: ID!) { whoCanServe(needId: $n) { candidates { volunteer { id } } } }",
        n=LIN_VISIT,
    )
    assert NEAR in [c["volunteer"]["id"] for c in matched["whoCanServe"]["candidates"]]

    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    done = await worker(DEACTIVATE_VOLUNTEER, id=NEAR, version=1)
    assert done["deactivateVolunteer"]["volunteer"] == {"status": "LEFT", "version": 2}

    # Their token stops working.
    response = await near.http.post("/graphql", json={"query": "{ volunteers { totalCount } }"})
    assert response.status_code == 401
    # Their history stays; they are no longer matched; the record takes no more changes.
    kept = await gql(
        "query ($id: ID!) { node(id: $id) { ... on Volunteer { name serviceRecords(first: 5) "
        "{ totalCount } } } }",
        id=NEAR,
    )
    assert kept["node"]["name"] == "何姨" and kept["node"]["serviceRecords"]["totalCount"] > 0
    matched = await gql(
        "query ($n: ID!) { whoCanServe(needId: $n) { candidates { volunteer { id } } } }",
        n=LIN_VISIT,
    )
    assert NEAR not in [c["volunteer"]["id"] for c in matched["whoCanServe"]["candidates"]]
    errors = await gql.errors(UPDATE_VOLUNTEER, id=NEAR, version=2, input={"phone": "13800138000"})
    assert code(errors) == "CONFLICT" and "deactivated" in errors[0]["message"]


async def test_an_administrator_keeps_social_workers_and_a_deactivated_worker_is_refused(
    gql: GraphQL, signed_in: SignIn
) -> None:
    made = await gql(
        """
        mutation ($input: CreateSocialWorkerInput!) {
          createSocialWorker(input: $input) {
            socialWorker { id key version communities { nodes { key } } }
          }
        }
        """,
        input={
            "name": "周社工",
            "qualification": "INTERMEDIATE",
            "certificateNo": "SW44200012",
            "communityIds": [QIWAN],
            "employerIds": [gid("Organization", "org-zs-east-hub")],
        },
    )
    worker = made["createSocialWorker"]["socialWorker"]
    assert [c["key"] for c in worker["communities"]["nodes"]] == ["community-zs-qiwan"]
    as_worker = await signed_in(Role.SOCIAL_WORKER, worker["key"])
    assert await as_worker("{ residents(first: 1) { totalCount } }")
    await gql(
        "mutation ($id: ID!) { deactivateSocialWorker(id: $id, version: 1) "
        "{ socialWorker { version } } }",
        id=worker["id"],
    )
    response = await as_worker.http.post("/graphql", json={"query": "{ residents { totalCount } }"})
    assert response.status_code == 401
    # Other social workers may not register colleagues.
    colleague = await signed_in(Role.SOCIAL_WORKER, WORKER)
    errors = await colleague.errors(
        'mutation { createSocialWorker(input: {name: "x", qualification: ASSISTANT}) '
        "{ socialWorker { id } } }"
    )
    assert code(errors) == "FORBIDDEN"


async def test_a_partner_edits_its_own_organization_but_not_its_grade_or_another(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    hub = gid("Organization", "org-zs-east-hub")
    partner = await signed_in(Role.PARTNER, "org-zs-east-hub")
    update = """
    mutation ($id: ID!, $version: Int!, $input: UpdateOrganizationInput!) {
      updateOrganization(id: $id, version: $version, input: $input) {
        organization { description version }
      }
    }
    """
    done = await partner(update, id=hub, version=1, input={"description": "东区公益园"})
    assert done["updateOrganization"]["organization"] == {"description": "东区公益园", "version": 2}
    before = await checksum(engine_store)
    errors = await partner.errors(update, id=hub, version=2, input={"rating": "GRADE_5A"})
    assert code(errors) == "FORBIDDEN" and "rating" in errors[0]["message"]
    other = gid("Organization", "org-zs-lianhe")
    errors = await partner.errors(update, id=other, version=1, input={"description": "x"})
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def test_administrators_keep_the_taxonomy_venues_and_experts(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    made = await gql(
        """
        mutation ($input: CreateSkillInput!) {
          createSkill(input: $input) { skill { id name version broader { nodes { key } } } }
        }
        """,
        input={"name": "失智照护", "broaderId": VISIT, "description": "认知症长者的陪伴"},
    )
    skill = made["createSkill"]["skill"]
    assert skill["version"] == 1 and skill["broader"]["nodes"] == [{"key": "skill-visit"}]
    renamed = await gql(
        'mutation ($id: ID!) { updateSkill(id: $id, version: 1, input: {name: "认知症照护"}) '
        "{ skill { name version } } }",
        id=skill["id"],
    )
    assert renamed["updateSkill"]["skill"] == {"name": "认知症照护", "version": 2}
    venue = await gql(
        """
        mutation ($input: CreateVenueInput!) {
          createVenue(input: $input) { venue { name capacity community { key } } }
        }
        """,
        input={"name": "起湾长者饭堂", "location": HOME, "capacity": 40, "communityId": QIWAN},
    )
    assert venue["createVenue"]["venue"]["community"] == {"key": "community-zs-qiwan"}
    expert = await gql(
        'mutation { createExpert(input: {name: "梁教授", domains: [CASEWORK], '
        'phone: "020-12345678"}) { expert { name phone version } } }'
    )
    assert expert["createExpert"]["expert"] == {
        "name": "梁教授",
        "phone": "020-12345678",
        "version": 1,
    }
    # Social workers use the taxonomy; they do not change it.
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    before = await checksum(engine_store)
    errors = await worker.errors('mutation { createSkill(input: {name: "x"}) { skill { id } } }')
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def test_an_id_number_registered_elsewhere_is_not_tied_to_its_record_for_another_worker(
    signed_in: SignIn, gql: GraphQL, engine_store: GraphStore
) -> None:
    """A social worker of another community sees 起湾's residents de-identified: typing a known
    ID-card number must not hand them the record that holds it (its community, age band and
    tags), only that the person is registered somewhere they may not see."""
    covering = await signed_in(Role.SOCIAL_WORKER, WORKER)
    number = id_card("11010519491231002")
    made = await covering(
        CREATE_RESIDENT,
        input={"name": "黄婆婆", "location": HOME, "communityId": QIWAN, "idCardNumber": number},
    )
    hidden = made["createResident"]["resident"]["id"]
    # She lets her record be seen de-identified beyond those who serve her (else it is not seen).
    await covering(
        "mutation ($r: ID!) { recordConsent(residentId: $r, scopes: [RECORD, ANALYSIS],"
        " givenBy: RESIDENT) { resident { id } } }",
        r=hidden,
    )
    workers = await gql(
        "{ socialWorkers(first: 100) { nodes { key communities(first: 20) { nodes { key } } } } }"
    )
    elsewhere = next(
        (w["key"], w["communities"]["nodes"][0]["key"])
        for w in workers["socialWorkers"]["nodes"]
        if w["communities"]["nodes"]
        and "community-zs-qiwan" not in {c["key"] for c in w["communities"]["nodes"]}
    )
    other = await signed_in(Role.SOCIAL_WORKER, elsewhere[0])
    sees = await other("query ($id: ID!) { node(id: $id) { id } }", id=hidden)
    assert sees["node"] is not None  # the row itself is visible to them, de-identified
    before = await checksum(engine_store)
    errors = await other.errors(
        CREATE_RESIDENT,
        input={
            "name": "黄婆婆",
            "location": HOME,
            "communityId": gid("Community", elsewhere[1]),
            "idCardNumber": number,
        },
    )
    assert code(errors) == "CONFLICT"
    assert "existing" not in errors[0]["extensions"] and hidden not in errors[0]["message"]
    assert "may not see" in errors[0]["message"]
    assert await checksum(engine_store) == before


async def test_a_volunteer_registered_through_the_api_is_matched_filtered_and_counted(
    gql: GraphQL,
) -> None:
    """What the registration does not give is stored as the record type's default (ACTIVE, no
    stars, a 2 km radius, a load of two): matching, filters and statistics compare the stored
    values, so a new volunteer standing where 何姨 stands, with her skills and hours, is offered
    for 林婆婆's visit as she is."""
    near = (
        await gql(
            "query ($id: ID!) { node(id: $id) { ... on Volunteer { location { latitude longitude }"
            " availability skills(first: 20) { nodes { id } } } } }",
            id=NEAR,
        )
    )["node"]
    made = await gql(
        CREATE_VOLUNTEER,
        input={
            "name": "新来的义工",
            "location": near["location"],
            "serviceAreaIds": [QIWAN],
            "availability": near["availability"],
            "skillIds": [s["id"] for s in near["skills"]["nodes"]],
        },
    )
    new = made["createVolunteer"]["volunteer"]["id"]
    matched = await gql(
        "query ($n: ID!) { whoCanServe(needId: $n) { candidates { volunteer { id } } } }",
        n=LIN_VISIT,
    )
    assert new in [c["volunteer"]["id"] for c in matched["whoCanServe"]["candidates"]]
    listed = await gql(
        "query ($id: ID!) { volunteers(where: {id: {in: [$id]}, status: {in: [ACTIVE]}, "
        "starLevel: {lte: 0}, serviceRadiusMeters: {gte: 2000}}) { nodes { id } } }",
        id=new,
    )
    assert [v["id"] for v in listed["volunteers"]["nodes"]] == [new]


async def test_a_new_station_lays_out_its_city_before_it_registers_anyone(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    """A station in a city the graph does not know yet: the administrator registers the city,
    its street and the community, then the station's social worker covering it, who registers
    the first elder there. Nothing about a place comes from the seeds."""
    city = (
        await gql('mutation { createCity(input: {name: "江门市"}) { city { id name version } } }')
    )["createCity"]["city"]
    assert city["name"] == "江门市" and city["version"] == 1
    street = (
        await gql(
            'mutation ($c: ID!) { createDistrict(input: {name: "白沙街道", level: "街道", '
            "cityId: $c}) { district { id level city { name } } } }",
            c=city["id"],
        )
    )["createDistrict"]["district"]
    assert street["city"] == {"name": "江门市"} and street["level"] == "街道"
    community = (
        await gql(
            """
            mutation ($input: CreateCommunityInput!) {
              createCommunity(input: $input) {
                community { id key name kind population version district { name } }
              }
            }
            """,
            input={
                "name": "白沙社区",
                "location": {"latitude": 22.59, "longitude": 113.08},
                "kind": "COMMUNITY",
                "population": 8200,
                "districtId": street["id"],
            },
        )
    )["createCommunity"]["community"]
    assert community["district"] == {"name": "白沙街道"} and community["population"] == 8200
    worker = (
        await gql(
            'mutation ($c: ID!) { createSocialWorker(input: {name: "谭社工", '
            'qualification: ASSISTANT, certificateNo: "SW44070001", communityIds: [$c]}) '
            "{ socialWorker { key } } }",
            c=community["id"],
        )
    )["createSocialWorker"]["socialWorker"]
    as_worker = await signed_in(Role.SOCIAL_WORKER, worker["key"])
    elder = await as_worker(
        CREATE_RESIDENT,
        input={
            "name": "陈伯",
            "location": {"latitude": 22.591, "longitude": 113.081},
            "communityId": community["id"],
        },
    )
    assert elder["createResident"]["resident"]["community"] == {"key": community["key"]}
    # A city's street found by the lists the front ends use.
    found = await gql(
        "query ($c: ID!) { communities(where: {districtSome: {id: {in: [$c]}}}) "
        "{ nodes { name } } }",
        c=street["id"],
    )
    assert found["communities"]["nodes"] == [{"name": "白沙社区"}]
    renamed = await gql(
        "mutation ($id: ID!) { updateCommunity(id: $id, version: 1, input: {population: 8350}) "
        "{ community { population version } } }",
        id=community["id"],
    )
    assert renamed["updateCommunity"]["community"] == {"population": 8350, "version": 2}


@pytest.mark.parametrize(
    ("mutation", "place", "expected"),
    [
        # The name a city is known by is its key: a second 中山市 is the first.
        ('createCity(input: {name: "中山市"}) { city { id } }', None, "CONFLICT"),
        (
            'createDistrict(input: {name: "东区", cityId: $id}) { district { id } }',
            gid("City", "city-nowhere"),
            "NOT_FOUND",
        ),
        (
            'createCommunity(input: {name: "新村", location: {latitude: 22.5, longitude: 113.4},'
            " districtId: $id, population: -5}) { community { id } }",
            gid("District", "district-zs-east"),
            "BAD_USER_INPUT",
        ),
        (
            'updateCommunity(id: $id, version: 7, input: {name: "改名"}) { community { id } }',
            QIWAN,
            "CONFLICT",
        ),
    ],
)
async def test_a_bad_place_is_refused_and_changes_nothing(
    gql: GraphQL, engine_store: GraphStore, mutation: str, place: str | None, expected: str
) -> None:
    before = await checksum(engine_store)
    if place is None:
        errors = await gql.errors(f"mutation {{ {mutation} }}")
    else:
        errors = await gql.errors(f"mutation ($id: ID!) {{ {mutation} }}", id=place)
    assert code(errors) == expected, errors
    assert await checksum(engine_store) == before


async def test_only_administrators_lay_out_places_and_no_place_is_deactivated(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    before = await checksum(engine_store)
    errors = await worker.errors(
        'mutation ($id: ID!) { updateCommunity(id: $id, version: 1, input: {name: "x"}) '
        "{ community { id } } }",
        id=QIWAN,
    )
    assert code(errors) == "FORBIDDEN"
    errors = await worker.errors('mutation { createCity(input: {name: "x"}) { city { id } } }')
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before
    # A community is not switched off: the schema has no such mutation.
    errors = await worker.errors(
        "mutation ($id: ID!) { deactivateCommunity(id: $id, version: 1) { community { id } } }",
        id=QIWAN,
    )
    assert code(errors) == "GRAPHQL_VALIDATION_FAILED"


async def test_clearing_several_fields_at_once_leaves_every_other_field_as_it_was(
    gql: GraphQL,
) -> None:
    """A station clears a volunteer's phone, birth year and languages in one update and changes
    her radius: the rest of her record is untouched (on FalkorDB a statement removing several
    properties of one node used to lose or keep the wrong ones: ``guards.assigned``)."""
    read = (
        "query ($id: ID!) { node(id: $id) { ... on Volunteer { name phone birthYear languages "
        "gender serviceRadiusMeters availability version } } }"
    )
    version = (await gql(read, id=REGULAR))["node"]["version"]
    await gql(
        UPDATE_VOLUNTEER,
        id=REGULAR,
        version=version,
        input={"birthYear": 1962, "languages": ["CANTONESE", "HAKKA"], "gender": "FEMALE"},
    )
    before = (await gql(read, id=REGULAR))["node"]
    assert before["phone"] and before["birthYear"] == 1962 and before["gender"] == "FEMALE"
    await gql(
        UPDATE_VOLUNTEER,
        id=REGULAR,
        version=before["version"],
        input={"phone": None, "birthYear": None, "languages": None, "serviceRadiusMeters": 1500},
    )
    after = (await gql(read, id=REGULAR))["node"]
    assert after == {
        **before,
        "phone": None,
        "birthYear": None,
        "languages": [],
        "serviceRadiusMeters": 1500,
        "version": before["version"] + 1,
    }
