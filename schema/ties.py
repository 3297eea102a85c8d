"""The properties of the ties registration makes (``graph.workflows.ties``): a volunteer's skill
rated and certified, a team member's role and start, the day a case, an employment or a
think-tank seat began, how a volunteer is family of a resident; and a volunteer's pause (their
standing short of leaving). Declared once each as :func:`schema.steps.step` rows. Who may call
each is ``access.acts`` (docs/ACCESS.md "Changes").

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from access.acts import Act
from resolvers import ties as resolve
from schema.enums import MemberRole, SkillLevel
from schema.permissions import may
from schema.steps import Arg, id_arg, mutation_type, payload, step

VolunteerPayload = payload(
    "Volunteer",
    "schema.people",
    "volunteer",
    "The volunteer whose tie a step changed.",
    name="VolunteerTiePayload",
)

ResidentPayload = payload(
    "Resident", "schema.people", "resident", "The resident whose tie a step changed.",
    name="ResidentTiePayload",
)  # fmt: skip
SocialWorkerPayload = payload(
    "SocialWorker", "schema.people", "social_worker", "The social worker whose tie a step changed.",
    name="SocialWorkerTiePayload",
)  # fmt: skip
ExpertPayload = payload(
    "Expert", "schema.people", "expert", "The expert whose tie a step changed.",
    name="ExpertTiePayload",
)  # fmt: skip

SINCE = "The day it began (not in the future); registration dated it to the day the tie was named."

MUTATIONS: Sequence[Any] = (
    step(
        resolve.rate_volunteer_skill,
        VolunteerPayload,
        may(Act.RATE_SKILL, "Volunteer", "volunteer_id"),
        "Rate a skill a volunteer holds (评定专长): how well, and whether they hold a certificate "
        "for it. A social worker covering a community the volunteer serves, or a team the "
        "volunteer is a member of; never the volunteer (they claim a skill, through "
        "registration's `skillIds`, as BASIC and not certified). Only the social worker (or an "
        "administrator) certifies: a team rates the level and leaves `certified` out (given, it "
        "is FORBIDDEN). A skill they do not hold is a CONFLICT: add it first.",
        id_arg("volunteer_id", "The volunteer."),
        id_arg("skill_id", "The skill, one they hold."),
        Arg("level", SkillLevel, "How well they master it."),
        Arg(
            "certified",
            bool | None,
            "Whether they hold a certificate for it (持证); left out, it stays as it is. A "
            "covering social worker's or an administrator's to give.",
            None,
        ),
    ),
    step(
        resolve.set_team_member,
        VolunteerPayload,
        may(Act.TEAM_MEMBER, "Volunteer", "volunteer_id", organization="team_id"),
        "Record a member's role in a team and the day they joined it (队员角色、入队日期), e.g. a "
        "membership older than its registration. The team itself, or a social worker covering "
        "a community the volunteer serves; a volunteer joins a team through registration's "
        "`teamIds`, and one who is not a member is a CONFLICT.",
        id_arg("volunteer_id", "The volunteer, a member of the team."),
        id_arg("team_id", "The team (an organization)."),
        Arg("role", MemberRole, "Their role in it."),
        Arg("since", dt.date, "The day they joined it (not in the future)."),
    ),
    # The properties of the ties registration makes with its defaults
    # (``graph.workflows.ties.STEPS``): each by whoever may change the record (its update's rule,
    # ``schema.registration.RULES``); naming or ending the tie stays registration's.
    step(
        resolve.set_case_manager,
        ResidentPayload,
        may(Act.CASEWORK, "Resident", "resident_id"),
        "Record the day a social worker took a resident's case (接案日期), e.g. a case older than "
        "its record. Whoever may change the resident's record: a social worker covering her "
        "community, or an administrator. The social worker is named her case manager through "
        "`updateResident`'s `caseManagerIds` first; one who is not is a CONFLICT.",
        id_arg("resident_id", "The resident."),
        id_arg("social_worker_id", "The social worker, one of her case managers."),
        Arg("since", dt.date, SINCE),
    ),
    step(
        resolve.pause_volunteer,
        VolunteerPayload,
        may(Act.VOLUNTEER_SELF, "Volunteer", "volunteer_id", volunteer="volunteer_id"),
        "Pause a volunteer (暂停: they take no service for a while) or, with `paused: false`, "
        "set them active again. The volunteer themself, or a social worker covering a community "
        "they serve (who may deactivate them). One who left or was merged is a CONFLICT "
        "(`reactivateVolunteer` first); a stale `version` too.",
        id_arg("volunteer_id", "The volunteer."),
        Arg("version", int, "The `version` you read."),
        Arg("paused", bool, "True to pause, false to resume."),
    ),
    step(
        resolve.set_relative,
        ResidentPayload,
        may(Act.CASEWORK, "Resident", "resident_id"),
        "Record how a volunteer is family of a resident (亲属关系: PARENT, CHILD, SPOUSE; SELF: "
        "the volunteer is the resident). Whoever may change the resident's record: a social "
        "worker covering her community, or an administrator. The volunteer is named among her "
        "relatives through `updateResident`'s `relativeIds` first (which lets them read her "
        "needs and spend their time-bank credits on them); one who is not is a CONFLICT.",
        id_arg("resident_id", "The resident."),
        id_arg("volunteer_id", "The volunteer, one of her relatives."),
        Arg("relation", str, "One word: PARENT, CHILD, SPOUSE, SELF…"),
    ),
    step(
        resolve.set_employment,
        SocialWorkerPayload,
        may(Act.ADMINISTER),
        "Record the day a social worker joined an employer (入职日期). Administrators, who keep "
        "the social workers' records; the employer is named through `updateSocialWorker`'s "
        "`employerIds` first, and one that is not is a CONFLICT.",
        id_arg("social_worker_id", "The social worker."),
        id_arg("organization_id", "The organization, one of their employers."),
        Arg("since", dt.date, SINCE),
    ),
    step(
        resolve.set_think_tank_member,
        ExpertPayload,
        may(Act.ADMINISTER),
        "Record the day an expert joined a think tank (入库日期). Administrators, who keep the "
        "experts' records; the think tank is named through `updateExpert`'s `thinkTankIds` "
        "first, and one that is not is a CONFLICT.",
        id_arg("expert_id", "The expert."),
        id_arg("think_tank_id", "The think tank, one they are part of."),
        Arg("since", dt.date, SINCE),
    ),
)

TiesMutation = mutation_type(
    "TiesMutation",
    MUTATIONS,
    "The properties of ties: skills rated, team members' roles, the days ties began.",
)
