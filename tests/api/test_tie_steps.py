"""The ties a station names through registration and records the day or kind of afterwards, over
HTTP, on the demo, on both engines: 起湾's social worker names a colleague a second case manager
of 林婆婆 and records the day he took her case; a worker who does not cover 起湾 may do neither;
a worker who is not her case manager is no tie to date. The same worker names 陈叔 a relative of
hers (which lets him spend his credits on her needs) and records how. An administrator dates a
social worker's employment and an expert's seat on the think tank; nobody else does. 陈叔
pauses himself and comes back; a volunteer who left is reactivated first.

A refusal is checked to have changed nothing (``graph.engine.system.checksum``).
"""

from __future__ import annotations

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import GraphQL, SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

WORKER = "worker-0001"  # covers 起湾; 林婆婆's case manager since 2016
COLLEAGUE = "worker-0002"  # covers 茶桥, 松园, 北溪: not 起湾
LIN = "resident-zs-qiwan-01"  # 林婆婆, lives in 起湾
CHEN = "volunteer-zs-regular"  # 陈叔, serves 起湾
LEFT = "volunteer-0022"  # a volunteer who left
ADMIN = "admin-zs-mzj"

VERSION = """
query ($id: ID!) { node(id: $id) { ... on Resident { version } ... on Volunteer { version } } }
"""

CASE_MANAGERS = """
mutation ($id: ID!, $version: Int!, $managers: [ID!]) {
  updateResident(id: $id, version: $version, input: {caseManagerIds: $managers}) {
    resident { version }
  }
}
"""

SET_CASE_MANAGER = """
mutation ($r: ID!, $w: ID!, $since: Date!) {
  setCaseManager(residentId: $r, socialWorkerId: $w, since: $since) {
    resident { caseManagers(first: 10) { edges { since node { key } } } }
  }
}
"""

RELATIVES = """
mutation ($id: ID!, $version: Int!, $relatives: [ID!]) {
  updateResident(id: $id, version: $version, input: {relativeIds: $relatives}) {
    resident { version }
  }
}
"""

SET_RELATIVE = """
mutation ($r: ID!, $v: ID!, $relation: String!) {
  setRelative(residentId: $r, volunteerId: $v, relation: $relation) { resident { key } }
}
"""

SET_EMPLOYMENT = """
mutation ($w: ID!, $o: ID!, $since: Date!) {
  setEmployment(socialWorkerId: $w, organizationId: $o, since: $since) {
    socialWorker { employers(first: 10) { edges { since node { key } } } }
  }
}
"""

SET_SEAT = """
mutation ($e: ID!, $t: ID!, $since: Date!) {
  setThinkTankMember(expertId: $e, thinkTankId: $t, since: $since) {
    expert { thinkTanks(first: 10) { edges { since node { key } } } }
  }
}
"""

PAUSE = """
mutation ($v: ID!, $version: Int!, $paused: Boolean!) {
  pauseVolunteer(volunteerId: $v, version: $version, paused: $paused) {
    volunteer { status version }
  }
}
"""


def code(errors: list[dict]) -> str:
    return errors[0]["extensions"]["code"]


async def version(client: GraphQL, label: str, key: str) -> int:
    return (await client(VERSION, id=gid(label, key)))["node"]["version"]


async def test_her_social_worker_names_a_second_case_manager_and_dates_the_case(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    lin, colleague = gid("Resident", LIN), gid("SocialWorker", COLLEAGUE)
    # The day of a case he does not manage: CONFLICT (name him first), nothing written.
    before = await checksum(engine_store)
    errors = await worker.errors(SET_CASE_MANAGER, r=lin, w=colleague, since="2020-05-01")
    assert code(errors) == "CONFLICT" and "caseManagers" in errors[0]["message"]
    assert await checksum(engine_store) == before

    await worker(
        CASE_MANAGERS, id=lin, version=await version(worker, "Resident", LIN),
        managers=[gid("SocialWorker", WORKER), colleague],
    )  # fmt: skip
    done = await worker(SET_CASE_MANAGER, r=lin, w=colleague, since="2020-05-01")
    edges = done["setCaseManager"]["resident"]["caseManagers"]["edges"]
    # Hers since 2016 stays as it was: naming a colleague made only his tie.
    assert {e["node"]["key"]: e["since"] for e in edges} == {
        WORKER: "2016-03-01",
        COLLEAGUE: "2020-05-01",
    }

    before = await checksum(engine_store)
    errors = await worker.errors(SET_CASE_MANAGER, r=lin, w=colleague, since="2037-01-01")
    assert code(errors) == "BAD_USER_INPUT" and errors[0]["extensions"]["field"] == "since"
    errors = await worker.errors(
        SET_CASE_MANAGER, r=gid("Volunteer", CHEN), w=colleague, since="2020-05-01"
    )
    assert code(errors) == "BAD_USER_INPUT"
    # Not covering 起湾, the colleague neither dates her case nor names its managers.
    other = await signed_in(Role.SOCIAL_WORKER, COLLEAGUE)
    errors = await other.errors(SET_CASE_MANAGER, r=lin, w=colleague, since="2019-01-01")
    assert code(errors) == "FORBIDDEN"
    errors = await other.errors(CASE_MANAGERS, id=lin, version=99, managers=[colleague])
    assert code(errors) == "FORBIDDEN"
    chen = await signed_in(Role.VOLUNTEER, CHEN)
    errors = await chen.errors(SET_CASE_MANAGER, r=lin, w=colleague, since="2019-01-01")
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def _relations(store: GraphStore, resident: str) -> dict[str, str | None]:
    rows = await store.read(
        dynamic(
            "tests.tie_steps.relatives",
            "MATCH (v:Volunteer)-[f:FAMILY_OF]->(:Resident {id: $r}) "
            "RETURN v.id AS v, f.relation AS relation",
        ),
        {"r": resident},
    )
    return {r["v"]: r["relation"] for r in rows}


async def test_her_social_worker_names_chen_her_relative_and_how(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    lin, chen = gid("Resident", LIN), gid("Volunteer", CHEN)
    before = await checksum(engine_store)
    errors = await worker.errors(SET_RELATIVE, r=lin, v=chen, relation="CHILD")
    assert code(errors) == "CONFLICT" and "relatives" in errors[0]["message"]
    assert await checksum(engine_store) == before

    await worker(
        RELATIVES, id=lin, version=await version(worker, "Resident", LIN), relatives=[chen]
    )
    await worker(SET_RELATIVE, r=lin, v=chen, relation="child")
    assert await _relations(engine_store, LIN) == {CHEN: "CHILD"}

    before = await checksum(engine_store)
    for bad in ("", "儿子", "CHILD; DROP", "X"):
        errors = await worker.errors(SET_RELATIVE, r=lin, v=chen, relation=bad)
        assert code(errors) == "BAD_USER_INPUT", bad
        assert errors[0]["extensions"]["field"] == "relation"
    # He does not name himself her relative, nor say how.
    volunteer = await signed_in(Role.VOLUNTEER, CHEN)
    errors = await volunteer.errors(SET_RELATIVE, r=lin, v=chen, relation="SPOUSE")
    assert code(errors) == "FORBIDDEN"
    errors = await volunteer.errors(RELATIVES, id=lin, version=99, relatives=[chen])
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def test_an_administrator_dates_an_employment_and_a_seat_nobody_else_does(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    admin = await signed_in(Role.ADMIN, ADMIN)
    worker, lianhe = gid("SocialWorker", WORKER), gid("Organization", "org-zs-lianhe")
    done = await admin(SET_EMPLOYMENT, w=worker, o=lianhe, since="2015-09-01")
    (edge,) = done["setEmployment"]["socialWorker"]["employers"]["edges"]
    assert edge == {"since": "2015-09-01", "node": {"key": "org-zs-lianhe"}}
    expert, tank = gid("Expert", "expert-jn-01"), gid("ThinkTank", "thinktank-jn-longdong")
    done = await admin(SET_SEAT, e=expert, t=tank, since="2020-11-01")
    (edge,) = done["setThinkTankMember"]["expert"]["thinkTanks"]["edges"]
    assert edge == {"since": "2020-11-01", "node": {"key": "thinktank-jn-longdong"}}

    before = await checksum(engine_store)
    other = gid("Organization", "org-zs-east-clinic")  # not his employer
    errors = await admin.errors(SET_EMPLOYMENT, w=worker, o=other, since="2015-09-01")
    assert code(errors) == "CONFLICT" and "employers" in errors[0]["message"]
    errors = await admin.errors(
        SET_EMPLOYMENT, w=worker, o=gid("Organization", "org-nowhere"), since="2015-09-01"
    )
    assert code(errors) == "NOT_FOUND"
    errors = await admin.errors(SET_SEAT, e=expert, t=tank, since="2037-01-01")
    assert code(errors) == "BAD_USER_INPUT"
    himself = await signed_in(Role.SOCIAL_WORKER, WORKER)
    errors = await himself.errors(SET_EMPLOYMENT, w=worker, o=lianhe, since="2010-01-01")
    assert code(errors) == "FORBIDDEN"
    partner = await signed_in(Role.PARTNER, "org-zs-lianhe")
    errors = await partner.errors(SET_SEAT, e=expert, t=tank, since="2010-01-01")
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def test_chen_pauses_himself_and_comes_back_a_volunteer_who_left_does_not(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    chen = await signed_in(Role.VOLUNTEER, CHEN)
    at = await version(chen, "Volunteer", CHEN)
    done = await chen(PAUSE, v=gid("Volunteer", CHEN), version=at, paused=True)
    assert done["pauseVolunteer"]["volunteer"] == {"status": "PAUSED", "version": at + 1}

    before = await checksum(engine_store)
    errors = await chen.errors(PAUSE, v=gid("Volunteer", CHEN), version=at, paused=False)
    assert code(errors) == "CONFLICT" and "read it again" in errors[0]["message"]
    errors = await chen.errors(PAUSE, v=gid("Volunteer", CHEN), version=-1, paused=False)
    assert code(errors) == "BAD_USER_INPUT"
    # Not someone else's standing, and not a partner's to set.
    errors = await chen.errors(PAUSE, v=gid("Volunteer", "volunteer-zs-busy"), version=1,
                               paused=True)  # fmt: skip
    assert code(errors) == "FORBIDDEN"
    team = await signed_in(Role.PARTNER, "team-zs-linshe")
    errors = await team.errors(PAUSE, v=gid("Volunteer", CHEN), version=at + 1, paused=False)
    assert code(errors) == "FORBIDDEN"
    admin = await signed_in(Role.ADMIN, ADMIN)
    gone = await version(admin, "Volunteer", LEFT)
    errors = await admin.errors(PAUSE, v=gid("Volunteer", LEFT), version=gone, paused=False)
    assert code(errors) == "CONFLICT" and "deactivated" in errors[0]["message"]
    assert await checksum(engine_store) == before

    done = await chen(PAUSE, v=gid("Volunteer", CHEN), version=at + 1, paused=False)
    assert done["pauseVolunteer"]["volunteer"] == {"status": "ACTIVE", "version": at + 2}
