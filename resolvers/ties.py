"""The properties of the ties registration makes, as mutations: ``rateVolunteerSkill``,
``setTeamMember`` and the other tie steps (``graph.workflows.ties``), and ``pauseVolunteer``
(``graph.workflows.registration.pause``). Whether the caller may certify a skill is
``access.acts.may_certify``, decided here. A day in the future is ``BAD_USER_INPUT`` here,
before the graph; whether the volunteer holds the skill or is in the team is the step's."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from access.acts import may_certify
from api.errors import BadUserInput, Forbidden
from graph import workflows
from graph.model.registry import family_named
from graph.model.services import LOCAL_TIME
from graph.workflows import Done
from resolvers.steps import entity_key
from resolvers.steps import request as _request

if TYPE_CHECKING:
    from resolvers.context import Info


def _value(choice: Any) -> str:
    return str(getattr(choice, "value", choice))


async def rate_volunteer_skill(
    info: Info,
    key: str | None,
    *,
    volunteer_id: str,
    skill_id: str,
    level: Any,
    certified: bool | None = None,
) -> Done:
    """Rate a skill; ``certified`` only from those who certify (``acts.may_certify``), checked
    here, before the graph, after the step's own rule admitted the caller as a rater."""
    volunteer = entity_key(volunteer_id, "Volunteer", "volunteerId")
    skill = entity_key(skill_id, "Skill", "skillId")
    decision = may_certify(info.context.viewer, certified)
    if not decision.allowed:
        raise Forbidden(decision.reason, reason="NOT_A_CERTIFIER")
    rated = _value(level)
    request = _request(
        info, "rateVolunteerSkill", key, volunteer=volunteer, skill=skill, level=rated,
        certified=certified,
    )  # fmt: skip
    return await workflows.rate_skill(
        info.context.store, request, volunteer=volunteer, skill=skill, level=rated,
        certified=certified,
    )  # fmt: skip


async def set_team_member(
    info: Info, key: str | None, *, volunteer_id: str, team_id: str, role: Any, since: dt.date
) -> Done:
    volunteer = entity_key(volunteer_id, "Volunteer", "volunteerId")
    team = entity_key(team_id, "Organization", "teamId")
    day, held = _since(since), _value(role)
    request = _request(
        info, "setTeamMember", key, volunteer=volunteer, team=team, role=held, since=day
    )
    return await workflows.set_team_member(
        info.context.store, request, volunteer=volunteer, team=team, role=held, since=day
    )


def _since(since: dt.date) -> str:
    if since > dt.datetime.now(LOCAL_TIME).date():
        raise BadUserInput("`since` must not be in the future: the day it began.", field="since")
    return since.isoformat()


async def _dated(
    info: Info, key: str | None, operation: str, family: str, tie: str, ids: tuple[Any, ...],
    since: dt.date,
) -> Done:  # fmt: skip
    """One of ``graph.workflows.ties.STEPS`` recording a day: the record's and the tie's other
    end's ids (each of its label, else ``BAD_USER_INPUT``), the day checked, then the step."""
    (record_id, record_arg), (target_id, target_arg, target_label) = ids
    record = entity_key(record_id, family, record_arg)
    target = entity_key(target_id, target_label, target_arg)
    day = _since(since)
    request = _request(info, operation, key, record=record, target=target, since=day)
    return await workflows.set_tie(
        info.context.store, request, family=family, tie=tie, key=record, target=target,
        props={"since": day},
    )  # fmt: skip


async def set_case_manager(
    info: Info, key: str | None, *, resident_id: str, social_worker_id: str, since: dt.date
) -> Done:
    return await _dated(
        info, key, "setCaseManager", "Resident", "caseManagers",
        ((resident_id, "residentId"), (social_worker_id, "socialWorkerId", "SocialWorker")),
        since,
    )  # fmt: skip


async def set_employment(
    info: Info, key: str | None, *, social_worker_id: str, organization_id: str, since: dt.date
) -> Done:
    return await _dated(
        info, key, "setEmployment", "SocialWorker", "employers",
        ((social_worker_id, "socialWorkerId"), (organization_id, "organizationId", "Organization")),
        since,
    )  # fmt: skip


async def set_think_tank_member(
    info: Info, key: str | None, *, expert_id: str, think_tank_id: str, since: dt.date
) -> Done:
    return await _dated(
        info, key, "setThinkTankMember", "Expert", "thinkTanks",
        ((expert_id, "expertId"), (think_tank_id, "thinkTankId", "ThinkTank")),
        since,
    )  # fmt: skip


# How a volunteer is family of a resident: a short word (PARENT, CHILD, SPOUSE, SELF: the
# volunteer is the resident), kept as given.
RELATION = re.compile(r"[A-Z][A-Z_]{1,19}")


async def set_relative(
    info: Info, key: str | None, *, resident_id: str, volunteer_id: str, relation: str
) -> Done:
    resident = entity_key(resident_id, "Resident", "residentId")
    volunteer = entity_key(volunteer_id, "Volunteer", "volunteerId")
    word = relation.strip().upper()
    if not RELATION.fullmatch(word):
        raise BadUserInput(
            "`relation` is one word of 2 to 20 letters or underscores, e.g. PARENT, CHILD, "
            "SPOUSE, SELF.",
            field="relation",
        )
    request = _request(info, "setRelative", key, record=resident, target=volunteer, relation=word)
    return await workflows.set_tie(
        info.context.store, request, family="Resident", tie="relatives", key=resident,
        target=volunteer, props={"relation": word},
    )  # fmt: skip


async def pause_volunteer(
    info: Info, key: str | None, *, volunteer_id: str, version: int, paused: bool
) -> Done:
    volunteer = entity_key(volunteer_id, "Volunteer", "volunteerId")
    if version < 0:
        raise BadUserInput("`version` must be the `version` you read (0 or more).", field="version")
    request = _request(info, "pauseVolunteer", key, volunteer=volunteer, paused=paused)
    return await workflows.pause(
        info.context.store, request, family_named("Volunteer"), volunteer, version, paused
    )
