"""Finding what to merge, and where a merged record went, over HTTP on the demo data, on both
engines.

A station registered 陈伯 as a volunteer twice, once with his phone typed with spaces: the
administrator's list of duplicate candidates names the pair (a third record with the same phone,
deactivated, is not a candidate), the administrator merges them, the pair leaves the list, and the
tombstone's `mergedInto` names the survivor. Only administrators list candidates; a bad family is
refused; nothing is written by any of it.
"""

from __future__ import annotations

from typing import Any

import pytest

from access.tokens import Role
from api.ids import from_global_id
from api.ids import to_global_id as gid
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

QIWAN = gid("Community", "community-zs-qiwan")
CANDIDATES = """
query ($f: String!) { duplicateCandidates(family: $f) { first second sharedBy } }
"""
CREATE = """
mutation ($i: CreateVolunteerInput!) { createVolunteer(input: $i) { volunteer { id } } }
"""
MERGED_INTO = """
query ($id: ID!) { node(id: $id) { ... on Volunteer { status mergedInto } } }
"""


async def _volunteer(gql: GraphQL, phone: str) -> str:
    made = await gql(
        CREATE,
        i={
            "name": "陈伯",
            "location": {"latitude": 22.52, "longitude": 113.39},
            "phone": phone,
            "serviceAreaIds": [QIWAN],
        },
    )
    volunteer: str = made["createVolunteer"]["volunteer"]["id"]
    return volunteer


def _pairs(answer: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(c["first"], c["second"], c["sharedBy"]) for c in answer["duplicateCandidates"]}


async def test_an_administrator_finds_a_volunteer_registered_twice_and_merges_him(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    before = _pairs(await gql(CANDIDATES, f="Volunteer"))
    first = await _volunteer(gql, "13912345678")
    second = await _volunteer(gql, "139 1234 5678")
    left = await _volunteer(gql, "+86 139-1234-5678")
    await gql(
        "mutation ($id: ID!) { deactivateVolunteer(id: $id, version: 1) { volunteer { status } } }",
        id=left,
    )
    pair = tuple(sorted((first, second), key=lambda g: from_global_id(g)[1]))  # smaller id first

    found = _pairs(await gql(CANDIDATES, f="Volunteer"))
    assert found - before == {(*pair, "phone")}

    merged = await gql(
        "mutation ($s: ID!, $d: ID!) { mergeVolunteer(survivor: $s, duplicate: $d, "
        "survivorVersion: 1, duplicateVersion: 1) { survivor { mergedInto } } }",
        s=first,
        d=second,
    )
    assert merged["mergeVolunteer"]["survivor"] == {"mergedInto": None}
    assert _pairs(await gql(CANDIDATES, f="Volunteer")) == before

    # The tombstone names its survivor: to the administrator, and to anyone who may see the
    # survivor (a volunteer's public profile: any signed-in volunteer).
    assert (await gql(MERGED_INTO, id=second))["node"] == {
        "status": "MERGED",
        "mergedInto": first,
    }
    volunteer = await signed_in(Role.VOLUNTEER, "volunteer-zs-busy")
    assert (await volunteer(MERGED_INTO, id=second))["node"]["mergedInto"] == first
    assert (await volunteer(MERGED_INTO, id=first))["node"]["mergedInto"] is None


async def test_only_administrators_list_duplicate_candidates_and_a_bad_family_is_refused(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    before = await checksum(engine_store)
    for role, subject in (
        (Role.SOCIAL_WORKER, "worker-0001"),
        (Role.VOLUNTEER, "volunteer-zs-busy"),
        (Role.PARTNER, "org-zs-east-clinic"),
        (Role.ANALYST, "analyst-zs-bureau"),
    ):
        viewer = await signed_in(role, subject)
        body = await viewer.raw(CANDIDATES, f="Resident")
        assert body["data"] == {"duplicateCandidates": None}, role
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", role
    for family in ("Need", "volunteer", ""):
        errors = await gql.errors(CANDIDATES, f=family)
        assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", family
        assert "Volunteer, Resident, SocialWorker, Organization" in errors[0]["message"]
    for family in ("Resident", "SocialWorker", "Organization"):
        assert isinstance((await gql(CANDIDATES, f=family))["duplicateCandidates"], list)
    assert await checksum(engine_store) == before
