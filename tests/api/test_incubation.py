"""Incubation (孵化) on the demo data: a hub records the organizations it incubates, helps or
brings in, and its portfolio reads them; on both engines."""

from __future__ import annotations

import datetime as dt

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

HUB = gid("Organization", "org-zs-east-hub")  # 东区全民公益园
LIANHE = gid("Organization", "org-zs-lianhe")  # runs the hub; not incubated by it
RECORD = """
mutation ($o: ID!, $h: ID!, $stage: IncubationStage!, $since: Date) {
  recordIncubation(organizationId: $o, hubId: $h, stage: $stage, since: $since) {
    organization { key incubators(first: 5) { edges { stage since node { key } } } }
  }
}
"""
PORTFOLIO = """
query ($h: ID!) {
  node(id: $h) { ... on Organization { incubated(first: 100) { totalCount edges { stage } } } }
}
"""


async def _new_organization(gql: GraphQL, name: str) -> str:
    made = await gql(
        "mutation ($n: String!) { createOrganization(input: {name: $n, kind: SOCIAL_ORGANIZATION, "
        "location: {latitude: 22.52, longitude: 113.41}}) "
        "{ organization { id } } }",
        n=name,
    )
    return made["createOrganization"]["organization"]["id"]


async def test_the_hub_records_an_organization_it_incubates_and_later_sees_it_graduate(
    gql: GraphQL, signed_in: SignIn
) -> None:
    new = await _new_organization(gql, "东区长者关爱协会")
    hub = await signed_in(Role.PARTNER, "org-zs-east-hub")
    before = (await hub(PORTFOLIO, h=HUB))["node"]["incubated"]
    recorded = await hub(RECORD, o=new, h=HUB, stage="INCUBATED", since="2025-03-01")
    (edge,) = recorded["recordIncubation"]["organization"]["incubators"]["edges"]
    assert edge == {"stage": "INCUBATED", "since": "2025-03-01", "node": {"key": "org-zs-east-hub"}}
    after = (await hub(PORTFOLIO, h=HUB))["node"]["incubated"]
    assert after["totalCount"] == before["totalCount"] + 1
    # It leaves the incubator: the same tie moves on, from the day it joined.
    graduated = await hub(RECORD, o=new, h=HUB, stage="GRADUATED")
    (edge,) = graduated["recordIncubation"]["organization"]["incubators"]["edges"]
    assert edge["stage"] == "GRADUATED" and edge["since"] == "2025-03-01"
    assert (await hub(PORTFOLIO, h=HUB))["node"]["incubated"]["totalCount"] == after["totalCount"]


TOMORROW = (dt.date.today() + dt.timedelta(days=2)).isoformat()


@pytest.mark.parametrize(
    ("organization", "hub", "since", "expected"),
    [
        (HUB, HUB, None, "CONFLICT"),  # a hub does not incubate itself
        (gid("Organization", "org-nowhere"), HUB, None, "NOT_FOUND"),
        (LIANHE, gid("Organization", "org-nowhere"), None, "NOT_FOUND"),
        (LIANHE, HUB, TOMORROW, "BAD_USER_INPUT"),
        (gid("Volunteer", "volunteer-zs-near"), HUB, None, "BAD_USER_INPUT"),
    ],
)
async def test_a_bad_incubation_is_refused_and_changes_nothing(
    gql: GraphQL,
    engine_store: GraphStore,
    organization: str,
    hub: str,
    since: str | None,
    expected: str,
) -> None:
    before = await checksum(engine_store)
    errors = await gql.errors(RECORD, o=organization, h=hub, stage="INCUBATED", since=since)
    assert errors[0]["extensions"]["code"] == expected, errors
    assert await checksum(engine_store) == before


async def test_an_incubation_cannot_go_round_in_a_circle(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    """The youth association is incubated by the hub, and a club by the association: neither
    the hub by the association nor by the club."""
    association = await _new_organization(gql, "东区青年志愿者协会")
    club = await _new_organization(gql, "东区青年读书会")
    await gql(RECORD, o=association, h=HUB, stage="INTRODUCED")
    await gql(RECORD, o=club, h=association, stage="INCUBATED")
    before = await checksum(engine_store)
    for hub in (association, club):
        errors = await gql.errors(RECORD, o=HUB, h=hub, stage="INCUBATED")
        assert errors[0]["extensions"]["code"] == "CONFLICT"
        assert "circle" in errors[0]["message"]
    assert await checksum(engine_store) == before


async def test_only_the_hub_itself_or_an_administrator_records_its_incubations(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    new = await _new_organization(gql, "东区助残服务队")
    other = await signed_in(Role.PARTNER, "org-zs-lianhe")
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    before = await checksum(engine_store)
    for caller in (other, worker):
        errors = await caller.errors(RECORD, o=new, h=HUB, stage="INCUBATED")
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    assert await checksum(engine_store) == before
