"""Reactivation over HTTP: a volunteer who left and came back, a closed project reopened, on the
demo data, on both engines.

``reactivate<Family>(id, version)`` undoes ``deactivate<Family>``: the status an active record
holds comes back, the version is bumped, and it is refused (CONFLICT, nothing written: the graph
checksum is unchanged) for a record that is not deactivated or a stale version. Who may call it
is who may deactivate. A person's tokens from before stay dead: they sign in again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from access.tokens import Role, mint
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

WORKER = "worker-0001"  # covers 起湾, where 何姨 serves
OUTSIDE_WORKER = "worker-0014"  # covers 生姜社区 in Hangzhou only
NEAR = gid("Volunteer", "volunteer-zs-near")  # 何姨
LIN_VISIT = gid("Need", "need-zs-qiwan-01-visit")  # 林婆婆's visit, which 何姨 is matched for
CLOTHES_BANK = "org-zs-clothes-bank"
EAST_HUB = "org-zs-east-hub"
BANK_PROJECT = gid("Project", "project-zs-clothes-bank")

DEACTIVATE = """
mutation ($id: ID!, $version: Int!) {
  deactivateVolunteer(id: $id, version: $version) { volunteer { status version } }
}
"""

REACTIVATE = """
mutation ($id: ID!, $version: Int!, $key: String) {
  reactivateVolunteer(id: $id, version: $version, idempotencyKey: $key) {
    volunteer { status version }
  }
}
"""

WHO_CAN_SERVE = """
query ($n: ID!) { whoCanServe(needId: $n) { candidates { volunteer { id } } } }
"""


def code(errors: list[dict]) -> str:
    return errors[0]["extensions"]["code"]


async def matched(gql: GraphQL) -> list[str]:
    found = await gql(WHO_CAN_SERVE, n=LIN_VISIT)
    return [c["volunteer"]["id"] for c in found["whoCanServe"]["candidates"]]


def signed_in_later(app: Starlette, settings: Settings, role: Role, subject: str) -> GraphQL:
    """Someone signing in again after a reactivation: a token issued a few seconds on (tokens
    carry whole seconds; one from the reactivation's own second counts as issued before it)."""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    token = mint(settings, role, subject, now=later)
    return GraphQL(
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        )
    )


async def test_a_volunteer_who_left_and_came_back_is_matched_again_and_signs_in_anew(
    signed_in: SignIn, gql: GraphQL, demo_app: Any, settings: Settings
) -> None:
    near = await signed_in(Role.VOLUNTEER, "volunteer-zs-near")
    assert NEAR in await matched(gql)
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    left = await worker(DEACTIVATE, id=NEAR, version=1)
    assert left["deactivateVolunteer"]["volunteer"] == {"status": "LEFT", "version": 2}
    assert NEAR not in await matched(gql)

    back = await worker(REACTIVATE, id=NEAR, version=2)
    assert back["reactivateVolunteer"]["volunteer"] == {"status": "ACTIVE", "version": 3}
    assert NEAR in await matched(gql)
    # She takes changes again, from the version the reactivation gave.
    changed = await worker(
        "mutation ($id: ID!) { updateVolunteer(id: $id, version: 3, "
        'input: {phone: "13800138000"}) { volunteer { version } } }',
        id=NEAR,
    )
    assert changed["updateVolunteer"]["volunteer"]["version"] == 4

    # The token she had before she left stays dead; she signs in again.
    response = await near.http.post("/graphql", json={"query": "{ volunteers { totalCount } }"})
    assert response.status_code == 401
    again = signed_in_later(demo_app, settings, Role.VOLUNTEER, "volunteer-zs-near")
    async with again.http:
        assert await again("{ volunteers(first: 1) { totalCount } }")


async def test_a_reactivation_is_refused_unless_deactivated_and_at_the_version_read(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    before = await checksum(engine_store)
    errors = await gql.errors(REACTIVATE, id=NEAR, version=1)
    assert code(errors) == "CONFLICT" and "not deactivated" in errors[0]["message"]
    assert await checksum(engine_store) == before

    await gql(DEACTIVATE, id=NEAR, version=1)
    before = await checksum(engine_store)
    errors = await gql.errors(REACTIVATE, id=NEAR, version=1)
    assert code(errors) == "CONFLICT" and "version" in errors[0]["message"]
    errors = await gql.errors(REACTIVATE, id=gid("Volunteer", "volunteer-nobody"), version=2)
    assert code(errors) == "NOT_FOUND"
    assert await checksum(engine_store) == before
    assert NEAR not in await matched(gql)


EVENTS = dynamic(
    "test.reactivation.events",
    "MATCH (e:Event {kind: $kind, key: $key}) RETURN count(e) AS events",
)


async def test_a_retried_reactivation_acts_once_and_is_one_event(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    await gql(DEACTIVATE, id=NEAR, version=1)
    first = await gql(REACTIVATE, id=NEAR, version=2, key="came-back-1")
    after = await checksum(engine_store)
    retried = await gql(REACTIVATE, id=NEAR, version=2, key="came-back-1")
    assert first == retried
    assert retried["reactivateVolunteer"]["volunteer"] == {"status": "ACTIVE", "version": 3}
    assert await checksum(engine_store) == after
    logged = await engine_store.read(
        EVENTS, {"kind": "VOLUNTEER_REACTIVATED", "key": "volunteer-zs-near"}
    )
    assert logged == [{"events": 1}]


@pytest.mark.parametrize(
    ("role", "subject", "allowed"),
    [
        (Role.SOCIAL_WORKER, WORKER, True),  # covers 起湾, where she serves
        (Role.SOCIAL_WORKER, OUTSIDE_WORKER, False),
        (Role.VOLUNTEER, "volunteer-zs-regular", False),  # another volunteer
        (Role.PARTNER, EAST_HUB, False),
        (Role.ANALYST, "analyst-tests", False),
    ],
)
async def test_who_may_reactivate_a_volunteer_is_who_may_deactivate_one(
    gql: GraphQL,
    signed_in: SignIn,
    engine_store: GraphStore,
    role: Role,
    subject: str,
    allowed: bool,
) -> None:
    await gql(DEACTIVATE, id=NEAR, version=1)
    caller = await signed_in(role, subject)
    before = await checksum(engine_store)
    if allowed:
        done = await caller(REACTIVATE, id=NEAR, version=2)
        assert done["reactivateVolunteer"]["volunteer"]["status"] == "ACTIVE"
        return
    errors = await caller.errors(REACTIVATE, id=NEAR, version=2)
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def test_a_volunteer_who_left_cannot_reactivate_themself(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    near = await signed_in(Role.VOLUNTEER, "volunteer-zs-near")
    await gql(DEACTIVATE, id=NEAR, version=1)
    before = await checksum(engine_store)
    response = await near.http.post(
        "/graphql", json={"query": REACTIVATE, "variables": {"id": NEAR, "version": 2}}
    )
    assert response.status_code == 401
    assert await checksum(engine_store) == before


async def test_a_closed_project_reopens_for_the_partner_running_it_only(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    keeper = await signed_in(Role.PARTNER, CLOTHES_BANK)
    closed = await keeper(
        "mutation ($id: ID!) { deactivateProject(id: $id, version: 1) "
        "{ project { status version } } }",
        id=BANK_PROJECT,
    )
    assert closed["deactivateProject"]["project"] == {"status": "CLOSED", "version": 2}
    reopen = (
        "mutation ($id: ID!) { reactivateProject(id: $id, version: 2) "
        "{ project { status version } } }"
    )
    before = await checksum(engine_store)
    other = await signed_in(Role.PARTNER, EAST_HUB)
    assert code(await other.errors(reopen, id=BANK_PROJECT)) == "FORBIDDEN"
    assert await checksum(engine_store) == before
    done = await keeper(reopen, id=BANK_PROJECT)
    assert done["reactivateProject"]["project"] == {"status": "ACTIVE", "version": 3}


async def test_administrators_reactivate_a_social_worker_whose_old_tokens_stay_dead(
    gql: GraphQL, signed_in: SignIn, demo_app: Any, settings: Settings, engine_store: GraphStore
) -> None:
    """A family without a status of its own (absent means active) loses the deactivation's
    mark; the worker's tokens from before are refused, a new sign-in works."""
    worker_id = gid("SocialWorker", WORKER)
    old = await signed_in(Role.SOCIAL_WORKER, WORKER)
    await gql(
        "mutation ($id: ID!) { deactivateSocialWorker(id: $id, version: 1) "
        "{ socialWorker { version } } }",
        id=worker_id,
    )
    reactivate = (
        "mutation ($id: ID!) { reactivateSocialWorker(id: $id, version: 2) "
        "{ socialWorker { version } } }"
    )
    colleague = await signed_in(Role.SOCIAL_WORKER, "worker-0002")
    before = await checksum(engine_store)
    assert code(await colleague.errors(reactivate, id=worker_id)) == "FORBIDDEN"
    assert await checksum(engine_store) == before
    done = await gql(reactivate, id=worker_id)
    assert done["reactivateSocialWorker"]["socialWorker"]["version"] == 3
    response = await old.http.post("/graphql", json={"query": "{ residents { totalCount } }"})
    assert response.status_code == 401
    again = signed_in_later(demo_app, settings, Role.SOCIAL_WORKER, WORKER)
    async with again.http:
        assert await again("{ residents(first: 1) { totalCount } }")
