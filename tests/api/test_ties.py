"""The properties of a volunteer's ties over HTTP, on the demo, on both engines: 陈叔 (who cuts
林婆婆's hair) has his haircut skill certified by 起湾's social worker, cannot certify it
himself, nor can his team, which rates how well he cuts but leaves the certificate as the
social worker set it; his team (邻舍) records him as its leader since the day he really joined,
and places him in no other organization's team.

A refusal is checked to have changed nothing (``graph.engine.system.checksum``).
"""

from __future__ import annotations

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import SignIn

pytestmark = pytest.mark.usefixtures("fresh_demo")

WORKER = "worker-0001"  # covers 起湾
CHEN = "volunteer-zs-regular"  # 陈叔, serves 起湾, in 邻舍 (team-zs-linshe)
TEAM = "team-zs-linshe"
HAIRCUT = gid("Skill", "skill-haircut")

RATE = """
mutation ($v: ID!, $s: ID!, $level: SkillLevel!, $certified: Boolean) {
  rateVolunteerSkill(volunteerId: $v, skillId: $s, level: $level, certified: $certified) {
    volunteer { skills(first: 10) { edges { level certified node { key } } } }
  }
}
"""

SET_MEMBER = """
mutation ($v: ID!, $t: ID!, $role: MemberRole!, $since: Date!) {
  setTeamMember(volunteerId: $v, teamId: $t, role: $role, since: $since) {
    volunteer { teams(first: 10) { edges { role since node { key } } } }
  }
}
"""


def code(errors: list[dict]) -> str:
    return errors[0]["extensions"]["code"]


async def test_a_social_worker_certifies_a_haircut_the_volunteer_cannot_certify_himself(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    chen = await signed_in(Role.VOLUNTEER, CHEN)
    before = await checksum(engine_store)
    errors = await chen.errors(
        RATE, v=gid("Volunteer", CHEN), s=HAIRCUT, level="PROFESSIONAL", certified=True
    )
    assert code(errors) == "FORBIDDEN" and "claims a skill" in errors[0]["message"]
    assert await checksum(engine_store) == before

    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    done = await worker(
        RATE, v=gid("Volunteer", CHEN), s=HAIRCUT, level="PROFESSIONAL", certified=True
    )
    edges = done["rateVolunteerSkill"]["volunteer"]["skills"]["edges"]
    haircut = next(e for e in edges if e["node"]["key"] == "skill-haircut")
    assert haircut["level"] == "PROFESSIONAL" and haircut["certified"] is True
    # A skill he does not hold is added first, not rated into being: CONFLICT, nothing written.
    before = await checksum(engine_store)
    errors = await worker.errors(
        RATE, v=gid("Volunteer", CHEN), s=gid("Skill", "skill-tcm-clinic"), level="BASIC",
        certified=False,
    )  # fmt: skip
    assert code(errors) == "CONFLICT" and "does not hold" in errors[0]["message"]
    assert await checksum(engine_store) == before


async def test_the_team_records_its_leader_since_the_day_he_joined_never_a_future_day(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    team = await signed_in(Role.PARTNER, TEAM)
    done = await team(
        SET_MEMBER, v=gid("Volunteer", CHEN), t=gid("Organization", TEAM), role="LEADER",
        since="2016-09-01",
    )  # fmt: skip
    (edge,) = done["setTeamMember"]["volunteer"]["teams"]["edges"]
    assert edge == {"role": "LEADER", "since": "2016-09-01", "node": {"key": TEAM}}

    before = await checksum(engine_store)
    errors = await team.errors(
        SET_MEMBER, v=gid("Volunteer", CHEN), t=gid("Organization", TEAM), role="MEMBER",
        since="2037-01-01",
    )  # fmt: skip
    assert code(errors) == "BAD_USER_INPUT" and errors[0]["extensions"]["field"] == "since"
    # Another organization keeps no role in 邻舍's team.
    other = await signed_in(Role.PARTNER, "org-zs-east-clinic")
    errors = await other.errors(
        SET_MEMBER, v=gid("Volunteer", CHEN), t=gid("Organization", TEAM), role="MEMBER",
        since="2016-09-01",
    )  # fmt: skip
    assert code(errors) == "FORBIDDEN"
    assert await checksum(engine_store) == before


def haircut_of(done: dict) -> dict:
    edges = done["rateVolunteerSkill"]["volunteer"]["skills"]["edges"]
    return next(e for e in edges if e["node"]["key"] == "skill-haircut")


async def test_his_team_rates_his_haircuts_but_only_the_social_worker_certifies_them(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    await worker(RATE, v=gid("Volunteer", CHEN), s=HAIRCUT, level="SKILLED", certified=True)

    team = await signed_in(Role.PARTNER, TEAM)
    before = await checksum(engine_store)
    for certified in (True, False):  # neither granting nor withdrawing the certificate
        errors = await team.errors(
            RATE, v=gid("Volunteer", CHEN), s=HAIRCUT, level="PROFESSIONAL", certified=certified
        )
        assert code(errors) == "FORBIDDEN", errors
        assert "Only a social worker" in errors[0]["message"]
        assert "without `certified`" in errors[0]["message"]
    assert await checksum(engine_store) == before

    # Leaving `certified` out, the team rates the level; the certificate stays as it was.
    done = await team(RATE, v=gid("Volunteer", CHEN), s=HAIRCUT, level="PROFESSIONAL")
    haircut = haircut_of(done)
    assert haircut["level"] == "PROFESSIONAL" and haircut["certified"] is True


TEAMS_OF = """
mutation ($id: ID!, $version: Int!, $teams: [ID!]) {
  updateVolunteer(id: $id, version: $version, input: {teamIds: $teams}) {
    volunteer { version }
  }
}
"""


async def test_his_team_places_him_in_no_other_organizations_team(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    """Joining a team is staff's (``teamIds``): a partner changing its member's record cannot
    put him in another organization's team, and so into its view of his record."""
    team = await signed_in(Role.PARTNER, TEAM)
    before = await checksum(engine_store)
    errors = await team.errors(
        TEAMS_OF, id=gid("Volunteer", CHEN), version=1,
        teams=[gid("Organization", TEAM), gid("Organization", "org-zs-east-clinic")],
    )  # fmt: skip
    assert code(errors) == "FORBIDDEN" and "teamIds" in errors[0]["message"]
    assert await checksum(engine_store) == before
