"""The properties of a tie registration made: a volunteer's skill rated (``level``,
``certified``) and a team member's ``role`` and ``since`` recorded; the real day of a case, an
employment or a think-tank seat, and how a volunteer is family of a resident (:data:`STEPS`,
:func:`set_tie`).

Registration (``graph.workflows.registration``) makes a tie with its declared defaults
(``graph.model.people.TIES``: a skill BASIC and not certified, a member a MEMBER since the day);
these steps change the properties of a tie that exists, and make none: a volunteer claims a
skill and joins a team through registration, where who may do that is decided. Each statement
is built from its ``Tie``'s declaration (the relationship type, the labels at both ends, its
direction, the properties it may set), one guarded statement per tie, the record locked.
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
from graph.model.registry import family_named as family_of
from graph.model.vocab import VolunteerStatus
from graph.workflows import registration
from graph.workflows.guards import Lock, each_ok, guarded
from graph.workflows.runner import Done, Request, missing, perform, refused

# A volunteer who left or was merged into another record takes no change.
GONE = [VolunteerStatus.LEFT.value, VolunteerStatus.MERGED.value]


def _tie(family: str, name: str) -> Tie:
    (tie,) = (t for t in family_of(family).ties if t.name == name)
    return tie


def tie_statement(family: str, tie: Tie) -> Statement:
    """Set declared properties (``$props``, only those ``tie.rel`` declares) on the record's
    existing tie to ``$target`` (a tie ``direction="in"`` points at the record: the case manager
    of a resident, the organization running a project)."""
    record, target = allowed_label(family), allowed_label(tie.target)
    rel = relationship_type(tie.rel.type)
    arrow = f"(n)<-[r:{rel}]-(t)" if tie.direction == "in" else f"(n)-[r:{rel}]->(t)"
    return guarded(
        f"workflows.ties.{family}.{tie.name}",
        locks=Lock("n", record, "id"),
        reads=f"""
    OPTIONAL MATCH (t:{target} {{id: $target}})
    OPTIONAL MATCH {arrow}
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
# Ties registration makes with its defaults whose real properties users then record: the day a
# case was taken, an employment or think-tank membership began (registration dates them to the
# day it names them), how a volunteer is family of a resident. (family, tie) -> the mutation.
STEPS = {
    ("Resident", "caseManagers"): "setCaseManager",
    ("Resident", "relatives"): "setRelative",
    ("SocialWorker", "employers"): "setEmployment",
    ("Expert", "thinkTanks"): "setThinkTankMember",
}
TIE_STATEMENTS = {pair: tie_statement(pair[0], _tie(*pair)) for pair in STEPS}


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


async def set_tie(
    store: GraphStore,
    request: Request,
    *,
    family: str,
    tie: str,
    key: str,
    target: str,
    props: Mapping[str, Any],
) -> Done:
    """Record the properties of one of :data:`STEPS`' ties that exists: the day it really began
    (``since``, an ISO date: a case manager took the case, a social worker joined an employer,
    an expert a think tank), or how a volunteer is family of a resident (``relation``). The tie
    itself is made or ended through registration (``update<Family>``'s ids), as who may do so
    decides; this step changes a tie, never makes one."""
    declared = _tie(family, tie)
    what, other = _words(family), _words(declared.target)
    record = family_of(family)
    field = f"{declared.name[0].lower()}{declared.name[1:]}"
    return await perform(
        store,
        TIE_STATEMENTS[(family, tie)],
        {
            "id": key,
            "target": target,
            "gone": [registration.left(record), registration.MERGED],
            "props": _props(declared, props),
        },
        request,
        key,
        {
            "RECORD_NOT_FOUND": missing(what, key),
            "TARGET_NOT_FOUND": missing(other, target),
            "INACTIVE": refused(
                f"This {what} is deactivated or merged into another record; its ties are kept "
                "for its history only."
            ),
            "NOT_TIED": refused(
                f"That {other} is not among the {what}'s `{field}`: name it there first "
                f"(update{family}), then record this."
            ),
        },
        change=Change(f"{_kind(tie)}_SET", family, {declared.target: [target]}),
    )


def _words(label: str) -> str:
    """``SocialWorker`` as "social worker", for messages."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in label).strip()


def _kind(tie: str) -> str:
    """The event's kind: ``caseManagers`` is ``CASE_MANAGERS_SET``."""
    return "".join(f"_{c}" if c.isupper() else c for c in tie).upper()
