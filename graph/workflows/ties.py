"""The properties of a tie registration made: a volunteer's skill rated (``level``,
``certified``) and a team member's ``role`` and ``since`` recorded.

Registration (``graph.workflows.registration``) makes a tie with its declared defaults
(``graph.model.people.TIES``: a skill BASIC and not certified, a member a MEMBER since the day);
these steps change the properties of a tie that exists, and make none: a volunteer claims a
skill and joins a team through registration, where who may do that is decided. Each statement
is built from its ``Tie``'s declaration (the relationship type, the labels at both ends, the
properties it may set), one guarded statement per tie, the volunteer locked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.engine.cypher import Statement
from graph.engine.labels import label as allowed_label
from graph.engine.labels import relationship_type
from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.family import Tie
from graph.model.people import TIES
from graph.model.vocab import VolunteerStatus
from graph.workflows.guards import Lock, each_ok, guarded
from graph.workflows.runner import Done, Request, missing, perform, refused

# A volunteer who left or was merged into another record takes no change.
GONE = [VolunteerStatus.LEFT.value, VolunteerStatus.MERGED.value]


def _tie(family: str, name: str) -> Tie:
    (tie,) = (t for t in TIES[family] if t.name == name)
    return tie


def tie_statement(family: str, tie: Tie) -> Statement:
    """Set declared properties (``$props``, only those ``tie.rel`` declares) on the record's
    existing tie to ``$target``."""
    record, target = allowed_label(family), allowed_label(tie.target)
    rel = relationship_type(tie.rel.type)
    return guarded(
        f"workflows.ties.{family}.{tie.name}",
        locks=Lock("n", record, "id"),
        reads=f"""
    OPTIONAL MATCH (t:{target} {{id: $target}})
    OPTIONAL MATCH (n)-[r:{rel}]->(t)
    WITH seen, n, t, collect(r) AS tied
    """,
        keep="n, t, tied",
        problems=[
            ("n IS NULL", "RECORD_NOT_FOUND"),
            ("t IS NULL", "TARGET_NOT_FOUND"),
            ("n.status IN $gone", "INACTIVE"),
            ("size(tied) = 0", "NOT_TIED"),
        ],
        each=each_ok("tied", "SET x += $props"),
        write="",
        result="$id",
    )


SKILLS = _tie("Volunteer", "skills")
TEAMS = _tie("Volunteer", "teams")
RATE_SKILL = tie_statement("Volunteer", SKILLS)
SET_TEAM_MEMBER = tie_statement("Volunteer", TEAMS)


def _props(tie: Tie, props: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(props) - set(tie.rel.props)
    if unknown:
        raise ValueError(f"{tie.rel.type} declares no {sorted(unknown)}.")
    return dict(props)


async def rate_skill(
    store: GraphStore,
    request: Request,
    *,
    volunteer: str,
    skill: str,
    level: str,
    certified: bool | None,
) -> Done:
    """Rate a skill the volunteer holds: how well (``SkillLevel``), and whether certified
    (None: as it is; who may say is ``access.acts.may_certify``)."""
    given = {"level": level} if certified is None else {"level": level, "certified": certified}
    return await perform(
        store,
        RATE_SKILL,
        {
            "id": volunteer,
            "target": skill,
            "gone": GONE,
            "props": _props(SKILLS, given),
        },
        request,
        volunteer,
        {
            "RECORD_NOT_FOUND": missing("volunteer", volunteer),
            "TARGET_NOT_FOUND": missing("skill", skill),
            "INACTIVE": refused(
                "This volunteer is deactivated or merged into another record; their skills are "
                "kept for their history only."
            ),
            "NOT_TIED": refused(
                "The volunteer does not hold that skill: it is added to their skills first "
                "(updateVolunteer's skillIds), then rated."
            ),
        },
        change=Change("VOLUNTEER_SKILL_RATED", "Volunteer", {"Skill": [skill]}),
    )


async def set_team_member(
    store: GraphStore,
    request: Request,
    *,
    volunteer: str,
    team: str,
    role: str,
    since: str,
) -> Done:
    """Record a member's ``role`` (``MemberRole``) in a team and the day they joined it
    (``since``, an ISO date)."""
    return await perform(
        store,
        SET_TEAM_MEMBER,
        {
            "id": volunteer,
            "target": team,
            "gone": GONE,
            "props": _props(TEAMS, {"role": role, "since": since}),
        },
        request,
        volunteer,
        {
            "RECORD_NOT_FOUND": missing("volunteer", volunteer),
            "TARGET_NOT_FOUND": missing("organization", team),
            "INACTIVE": refused(
                "This volunteer is deactivated or merged into another record; their teams are "
                "kept for their history only."
            ),
            "NOT_TIED": refused(
                "The volunteer is not a member of that team: they join it first (updateVolunteer's "
                "teamIds), then their role is recorded."
            ),
        },
        change=Change("TEAM_MEMBER_SET", "Volunteer", {"Organization": [team]}),
    )
