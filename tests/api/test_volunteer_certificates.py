"""A volunteer's certificates (``Volunteer.certificates``) on the demo data: 陈叔 sees his own,
valid and then revoked; the social worker covering a community he serves and an administrator see
them too; another volunteer, a social worker elsewhere, the organization he belongs to and an
analyst are refused, whether or not he has any (docs/ACCESS.md)."""

from __future__ import annotations

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from tests.api.test_certificates import (
    FACTS,
    ID_NUMBER,
    ISSUE,
    REGULAR,
    REVOKE,
    approved_and_pending_hours,
)
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

CERTIFICATES = """
query ($v: ID!) { node(id: $v) { ... on Volunteer {
  certificates { number issuedOn hours status revokeReason } } } }
"""
# Who else there is: another volunteer, a social worker covering none of 陈叔's communities, and
# an organization he is a member of.
OTHERS = dynamic(
    "tests.volunteer_certificates.others",
    """
    MATCH (me:Volunteer {id: 'volunteer-zs-regular'})-[:SERVES_AREA]->(mine:Community)
    WITH me, collect(mine.id) AS mine
    MATCH (w:SocialWorker)
    OPTIONAL MATCH (w)-[:COVERS]->(c:Community) WHERE c.id IN mine
    WITH me, w, count(c) AS shared WHERE shared = 0
    WITH me, min(w.id) AS elsewhere
    MATCH (other:Volunteer) WHERE other.id <> me.id
    WITH me, elsewhere, min(other.id) AS other
    OPTIONAL MATCH (me)-[:MEMBER_OF]->(o:Organization)
    RETURN elsewhere, other, min(o.id) AS organization
    """,
)


async def refused(viewer: GraphQL) -> str:
    errors = await viewer.errors(CERTIFICATES, v=REGULAR)
    assert errors[0]["path"][-1] == "certificates"
    code: str = errors[0]["extensions"]["code"]
    return code


async def test_a_volunteers_certificates_are_theirs_their_social_workers_and_admins(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    others = (await engine_store.read(OTHERS, {}))[0]
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    himself = await signed_in(Role.VOLUNTEER, "volunteer-zs-regular")
    strangers = [
        await signed_in(Role.VOLUNTEER, others["other"]),
        await signed_in(Role.SOCIAL_WORKER, others["elsewhere"]),
        await signed_in(Role.ANALYST, "analyst-zs-bureau"),
    ]
    if others["organization"] is not None:
        strangers.append(await signed_in(Role.PARTNER, others["organization"]))
    # None yet: an empty list for who may read, the same refusal for everyone else.
    assert (await himself(CERTIFICATES, v=REGULAR))["node"]["certificates"] == []
    for stranger in strangers:
        assert await refused(stranger) == "FORBIDDEN"

    await approved_and_pending_hours(gql, worker)
    org = gid("Organization", (await engine_store.read(FACTS, {}))[0]["organization"])
    issued = await worker(ISSUE, v=REGULAR, o=org, id=ID_NUMBER, key="mine-1")
    cert = issued["issueServiceCertificate"]["certificate"]
    listed = {
        "number": cert["number"],
        "issuedOn": cert["issuedOn"],
        "hours": cert["hours"],
        "status": "VALID",
        "revokeReason": None,
    }
    for reader in (himself, worker, gql):
        assert (await reader(CERTIFICATES, v=REGULAR))["node"]["certificates"] == [listed]
    for stranger in strangers:
        assert await refused(stranger) == "FORBIDDEN"

    # Revoked, it stays in the list, marked so.
    await worker(REVOKE, n=cert["number"])
    mine = (await himself(CERTIFICATES, v=REGULAR))["node"]["certificates"]
    assert mine == [{**listed, "status": "REVOKED", "revokeReason": "时长登记有误"}]
