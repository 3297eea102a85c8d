"""Registration of what organizations hold: projects, funds, think tanks and charity resources,
kept through GraphQL like every other kept family, on the demo data, on both engines.

Administrators keep all four; a partner registers and keeps the projects it runs and the
resources it offers, and nothing of another organization's. A refusal changes nothing
(``graph.engine.system.checksum``).
"""

from __future__ import annotations

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

CLOTHES_BANK = "org-zs-clothes-bank"  # runs 衣物银行 and offers its clothes
EAST_HUB = "org-zs-east-hub"
QIWAN = gid("Community", "community-zs-qiwan")
RELIEF = gid("ServiceCategory", "cat-relief")
BANK_PROJECT = gid("Project", "project-zs-clothes-bank")
CLOTHES = gid("Resource", "resource-zs-clothes")


def code(errors: list[dict]) -> str:
    return errors[0]["extensions"]["code"]


CREATE_PROJECT = """
mutation ($input: CreateProjectInput!) {
  createProject(input: $input) {
    project { id name status version budget runBy { nodes { key } }
              targetCommunities { nodes { key } } }
  }
}
"""

UPDATE_PROJECT = """
mutation ($id: ID!, $version: Int!, $input: UpdateProjectInput!) {
  updateProject(id: $id, version: $version, input: $input) {
    project { name description version categories { nodes { key } } }
  }
}
"""

DEACTIVATE_PROJECT = """
mutation ($id: ID!, $version: Int!) {
  deactivateProject(id: $id, version: $version) { project { status version } }
}
"""

UPDATE_RESOURCE = """
mutation ($id: ID!, $input: UpdateResourceInput!) {
  updateResource(id: $id, input: $input) { resource { quantity remaining version } }
}
"""

DEACTIVATE_RESOURCE = """
mutation ($id: ID!, $version: Int!) {
  deactivateResource(id: $id, version: $version) { resource { version } }
}
"""


async def test_a_partner_registers_a_project_it_runs_and_keeps_it(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    partner = await signed_in(Role.PARTNER, CLOTHES_BANK)
    made = await partner(
        CREATE_PROJECT,
        input={
            "name": "旧衣新生",
            "runById": gid("Organization", CLOTHES_BANK),
            "targetCommunityIds": [QIWAN],
            "budgetFen": 500_000,
            "status": "PLANNED",
        },
    )
    project = made["createProject"]["project"]
    assert project["version"] == 1 and project["status"] == "PLANNED"
    assert project["budget"] == "5000.00" or float(project["budget"]) == 5000
    assert project["runBy"]["nodes"] == [{"key": CLOTHES_BANK}]
    assert project["targetCommunities"]["nodes"] == [{"key": "community-zs-qiwan"}]
    changed = await partner(
        UPDATE_PROJECT, id=project["id"], version=1, input={"categoryIds": [RELIEF]}
    )
    assert changed["updateProject"]["project"]["categories"]["nodes"] == [{"key": "cat-relief"}]
    assert changed["updateProject"]["project"]["version"] == 2
    # The organization running it stays the one that registered it.
    again = await partner(
        UPDATE_PROJECT, id=project["id"], version=2, input={"name": "旧衣新生计划"}
    )
    assert again["updateProject"]["project"]["version"] == 3


async def test_a_partner_may_not_register_or_change_another_organizations_project(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    partner = await signed_in(Role.PARTNER, EAST_HUB)
    before = await checksum(engine_store)
    errors = await partner.errors(
        CREATE_PROJECT, input={"name": "x", "runById": gid("Organization", CLOTHES_BANK)}
    )
    assert code(errors) == "FORBIDDEN"
    errors = await partner.errors(UPDATE_PROJECT, id=BANK_PROJECT, version=1, input={"name": "x"})
    assert code(errors) == "FORBIDDEN"
    errors = await partner.errors(DEACTIVATE_PROJECT, id=BANK_PROJECT, version=1)
    assert code(errors) == "FORBIDDEN"
    # The runner may not hand its project to another organization either.
    runner = await signed_in(Role.PARTNER, CLOTHES_BANK)
    errors = await runner.errors(
        UPDATE_PROJECT,
        id=BANK_PROJECT,
        version=1,
        input={"runById": gid("Organization", EAST_HUB)},
    )
    assert code(errors) == "FORBIDDEN" and "runById" in errors[0]["message"]
    assert await checksum(engine_store) == before


async def test_a_deactivated_project_is_closed_kept_and_no_longer_changed(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    done = await gql(DEACTIVATE_PROJECT, id=BANK_PROJECT, version=1)
    assert done["deactivateProject"]["project"] == {"status": "CLOSED", "version": 2}
    before = await checksum(engine_store)
    errors = await gql.errors(UPDATE_PROJECT, id=BANK_PROJECT, version=2, input={"name": "x"})
    assert code(errors) == "CONFLICT"
    errors = await gql.errors(UPDATE_PROJECT, id=BANK_PROJECT, version=1, input={"name": "x"})
    assert code(errors) == "CONFLICT" and "version" in errors[0]["message"]
    assert await checksum(engine_store) == before


async def test_a_partner_deactivates_a_resource_it_offers_and_it_is_kept_unchanged(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    partner = await signed_in(Role.PARTNER, CLOTHES_BANK)
    # Offered and changed as before (offerResource/updateResource); each change bumps its version.
    done = await partner(UPDATE_RESOURCE, id=CLOTHES, input={"quantity": 3500})
    assert done["updateResource"]["resource"]["version"] == 2
    before = await checksum(engine_store)
    other = await signed_in(Role.PARTNER, EAST_HUB)
    errors = await other.errors(DEACTIVATE_RESOURCE, id=CLOTHES, version=2)
    assert code(errors) == "FORBIDDEN"
    errors = await partner.errors(DEACTIVATE_RESOURCE, id=CLOTHES, version=1)
    assert code(errors) == "CONFLICT" and "version" in errors[0]["message"]
    assert await checksum(engine_store) == before
    gone = await partner(DEACTIVATE_RESOURCE, id=CLOTHES, version=2)
    assert gone["deactivateResource"]["resource"]["version"] == 3
    before = await checksum(engine_store)
    errors = await partner.errors(UPDATE_RESOURCE, id=CLOTHES, input={"quantity": 10})
    assert code(errors) == "CONFLICT" and "deactivated" in errors[0]["message"]
    assert await checksum(engine_store) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"budgetFen": -1}, "budgetFen"),
        ({"description": "  "}, "description"),
        ({"name": ""}, "name"),
    ],
)
async def test_bad_project_input_names_the_field_and_writes_nothing(
    gql: GraphQL, engine_store: GraphStore, change: dict, field: str
) -> None:
    before = await checksum(engine_store)
    errors = await gql.errors(UPDATE_PROJECT, id=BANK_PROJECT, version=1, input=change)
    assert code(errors) == "BAD_USER_INPUT" and errors[0]["extensions"]["field"] == field
    assert await checksum(engine_store) == before


async def test_administrators_keep_funds_and_think_tanks(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    made = await gql(
        """
        mutation ($input: CreateFundInput!) {
          createFund(input: $input) {
            fund { id name kind version managedBy { key } scopeCommunities { nodes { key } } }
          }
        }
        """,
        input={
            "name": "起湾社区基金",
            "kind": "COMMUNITY_FUND",
            "managedById": gid("Organization", EAST_HUB),
            "scopeCommunityIds": [QIWAN],
        },
    )
    fund = made["createFund"]["fund"]
    assert fund["version"] == 1 and fund["managedBy"] == {"key": EAST_HUB}
    assert fund["scopeCommunities"]["nodes"] == [{"key": "community-zs-qiwan"}]
    renamed = await gql(
        'mutation ($id: ID!) { updateFund(id: $id, version: 1, input: {name: "起湾慈善基金"}) '
        "{ fund { name version } } }",
        id=fund["id"],
    )
    assert renamed["updateFund"]["fund"] == {"name": "起湾慈善基金", "version": 2}
    tank = await gql(
        'mutation { createThinkTank(input: {name: "东区治理智库"}) '
        "{ thinkTank { id name version } } }"
    )
    tank_id = tank["createThinkTank"]["thinkTank"]["id"]
    gone = await gql(
        "mutation ($id: ID!) { deactivateThinkTank(id: $id, version: 1) "
        "{ thinkTank { version } } }",
        id=tank_id,
    )
    assert gone["deactivateThinkTank"]["thinkTank"]["version"] == 2
    # Partners and social workers do not keep funds or think tanks.
    partner = await signed_in(Role.PARTNER, EAST_HUB)
    before = await checksum(engine_store)
    errors = await partner.errors(
        'mutation { createFund(input: {name: "x", kind: SEED_FUND}) { fund { id } } }'
    )
    assert code(errors) == "FORBIDDEN"
    errors = await partner.errors(
        'mutation ($id: ID!) { updateFund(id: $id, version: 2, input: {name: "x"}) '
        "{ fund { id } } }",
        id=fund["id"],
    )
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def test_an_explicit_null_clears_an_optional_field_but_never_a_required_one(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    read = "query ($id: ID!) { node(id: $id) { ... on Project { description version } } }"
    assert (await gql(read, id=BANK_PROJECT))["node"]["description"]
    done = await gql(UPDATE_PROJECT, id=BANK_PROJECT, version=1, input={"description": None})
    assert done["updateProject"]["project"]["description"] is None
    assert done["updateProject"]["project"]["version"] == 2
    # Left out, a field keeps its value; null for a required one is refused, naming it.
    before = await checksum(engine_store)
    errors = await gql.errors(UPDATE_PROJECT, id=BANK_PROJECT, version=2, input={"name": None})
    assert code(errors) == "BAD_USER_INPUT" and errors[0]["extensions"]["field"] == "name"
    assert await checksum(engine_store) == before
    assert (await gql(read, id=BANK_PROJECT))["node"] == {"description": None, "version": 2}
