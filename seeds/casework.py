"""The demo's casework, written through the steps users' requests run: needs reported, closed and
withdrawn; recruitments posted and signed up for; needs referred and referrals answered;
resources given to needs.

Needs (``report_needs``) go through ``reportNeed``'s step: resident, category and required
skills must exist, the need lands in the resident's community, it starts OPEN, its event is
written. One the survey draws as closed or cancelled is then closed or withdrawn through
``setNeedStatus``'s step. One drawn as matched or in service gets there only when the volunteers'
part (``seeds.demo_history``) assigns someone and records service; otherwise it stays OPEN, as it
would for a station. A closure is dated when the step runs, as the API dates it.

Residents' consent (``consents``, ``record_consents``) goes through ``recordConsent``'s step:
scopes, who gave it and when are on record for every resident whose consent the demo holds,
as they are for one a station records, never a bare flag.

Donations and grants (``money``, ``record_money``) go through ``donate``'s and ``grant``'s
steps with the days the reports give: every donation first, then the grants, each within what
its fund holds by then (the step refuses an overdraft, so the demo cannot hold one).

A hub's incubation ties (``incubations``, ``record_incubations``) go through
``recordIncubation``'s step, stage and day as the reports give them.

A volunteer's skills and teams are registered with registration's defaults (a skill BASIC and not
certified, a member a MEMBER since the day of registration); the levels, certificates, roles and
real days the demo draws (``ties``, ``record_ties``) then go through ``rateVolunteerSkill``'s and
``setTeamMember``'s steps, a skill only where it is not the default, every membership for its day.

The rest (``run``) is planned by ``seeds.demo_core`` as :class:`Posting`, :class:`Referring` and
:class:`Giving` and goes through ``postRecruitment``, ``signUp``, ``referNeed``,
``acceptReferral``/``completeReferral`` and ``allocateResource``'s steps, which have the last
word: a volunteer who is not active, or a recruitment already full, is not signed up. Referrals
and recruitments are dated when the load runs; recruitments start in the days after it, so a
freshly loaded demo always has activities to sign up for.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from graph import workflows
from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore
from graph.model.organizations import FUND_GRANTED, ORG_DONATED, ORG_INCUBATED_BY
from graph.model.people import TIES, VOLUNTEER_HAS_SKILL, VOLUNTEER_MEMBER_OF, Resident
from graph.model.services import (
    NEED_IN,
    NEED_OF_CATEGORY,
    NEED_REQUIRES,
    RESIDENT_HAS_NEED,
    Need,
    Recruitment,
    Rel,
)
from graph.model.vocab import ConsentGiver, ConsentScope, NeedStatus, VulnerabilityTag
from seeds.batch import Batch

ACTOR = "seeds.demo"
# Steps written at once: as many as registration's (``seeds.registered.CONCURRENT``).
CONCURRENT = 8
# What a social worker writes when they close or withdraw a need the survey found so.
# How far a referral is answered: each answer after the one before it.
ANSWERS = ("ACCEPTED", "COMPLETED")
NOTES = {NeedStatus.CLOSED: "服务完成", NeedStatus.CANCELLED: "居民不再需要"}


@dataclass(frozen=True)
class Posting:
    """A recruitment an organization posts, and the volunteers who try to sign up, in order."""

    recruitment: Recruitment
    organization: str
    community: str
    volunteers: tuple[str, ...]
    venue: str | None = None
    project: str | None = None
    skills: tuple[str, ...] = ()


@dataclass(frozen=True)
class Referring:
    """A need one organization refers to another, and how far the other has answered it
    (PENDING, ACCEPTED or COMPLETED with its ``outcome``)."""

    id: str
    need: str
    source: str
    target: str
    reason: str
    status: str
    outcome: str | None = None


@dataclass(frozen=True)
class Giving:
    """A quantity of a charity resource given to a need."""

    resource: str
    need: str
    quantity: int
    by: str  # the social worker who gives it


# What the demo's residents consented to: everything the station asks for (建档服务、志愿者上门、
# 转介、去标识化统计).
CONSENTED = sorted(s.value for s in ConsentScope)
# Whose consent a guardian gives (PIPL art. 31: a child under 14).
GUARDED = {
    VulnerabilityTag.CHILD.value,
    VulnerabilityTag.LEFT_BEHIND_CHILD.value,
    VulnerabilityTag.CHILD_SPECIAL_NEEDS.value,
}


def _request(operation: str, key: str, by: str = ACTOR, **inputs: object) -> workflows.Request:
    return workflows.Request(operation, inputs, key=f"demo:{key}", by=by)


async def _each(items: Sequence[Any], step: Callable[[Any], Awaitable[None]]) -> None:
    """Run ``step`` for every item, ``CONCURRENT`` at a time."""
    for start in range(0, len(items), CONCURRENT):
        await asyncio.gather(*(step(item) for item in items[start : start + CONCURRENT]))


def _ends(batch: Batch, rel: Rel, at_start: bool) -> dict[str, list[str]]:
    """The batch's pairs of ``rel``, taken out of it, keyed by their need."""
    keyed: dict[str, list[str]] = defaultdict(list)
    for start, end, _ in batch.links.pop(rel, []):
        need, other = (start, end) if at_start else (end, start)
        keyed[need].append(other)
    return keyed


async def report_needs(store: GraphStore, batch: Batch) -> int:
    """Report the batch's needs (taken out of it, with their four relationships), then close or
    withdraw those drawn so; the number of steps. Residents (with their communities),
    categories and skills must exist."""
    needs: list[Need] = batch.nodes.pop(Need, [])
    residents = _ends(batch, RESIDENT_HAS_NEED, at_start=False)
    batch.links.pop(NEED_IN, None)  # reporting places a need in its resident's community
    categories = _ends(batch, NEED_OF_CATEGORY, at_start=True)
    skills = _ends(batch, NEED_REQUIRES, at_start=True)

    async def report(need: Need) -> None:
        (resident,) = residents[need.id]
        (category,) = categories[need.id]
        await workflows.report_need(
            store,
            _request("reportNeed", f"report:{need.id}", need=need.id),
            dataclasses.replace(need, status=NeedStatus.OPEN, closed_at=None),
            resident=resident,
            category=category,
            skills=skills.get(need.id, []),
        )

    async def settle(need: Need) -> None:
        status = NeedStatus(need.status)
        await workflows.set_need_status(
            store,
            _request(f"setNeedStatus:{status}", f"settle:{need.id}", need=need.id),
            need.id,
            status,
            NOTES[status],
        )

    settled = [n for n in needs if n.status in NOTES]
    await _each(needs, report)
    await _each(settled, settle)
    return len(needs) + len(settled)


def consents(batch: Batch) -> list[Resident]:
    """The batch's residents who consent, taken out of the flag the batch writes: a resident
    is written as a registration leaves one (no consent) and their consent recorded afterwards
    (``record_consents``)."""
    residents: list[Resident] = batch.nodes.get(Resident, [])
    batch.nodes[Resident] = [dataclasses.replace(r, consent=False) for r in residents]
    return [r for r in residents if r.consent]


async def record_consents(store: GraphStore, residents: Sequence[Resident]) -> int:
    """Record each resident's consent through ``recordConsent``'s step, given on the day they
    were registered, by their guardian for a child; the number of steps."""

    async def consent(resident: Resident) -> None:
        guarded = not GUARDED.isdisjoint(resident.tags)
        await workflows.record_consent(
            store,
            _request("recordConsent", f"consent:{resident.id}", resident=resident.id),
            resident=resident.id,
            scopes=CONSENTED,
            given_by=(ConsentGiver.GUARDIAN if guarded else ConsentGiver.RESIDENT).value,
            given_on=resident.registered_on or workflows.now().date(),
        )

    await _each(residents, consent)
    return len(residents)


Movement = tuple[str, str, dict[str, Any]]  # a DONATED or GRANTED link: start, end, props


def money(batch: Batch) -> tuple[list[Movement], list[Movement]]:
    """The batch's donations and grants, taken out of it."""
    return batch.links.pop(ORG_DONATED, []), batch.links.pop(FUND_GRANTED, [])


async def record_money(
    store: GraphStore, donations: Sequence[Movement], grants: Sequence[Movement]
) -> int:
    """Record the donations, then the grants (each in the order of its day); the number of
    steps."""

    async def donate(movement: Movement) -> None:
        donor, fund, props = movement
        await workflows.donate(
            store,
            _request("donate", f"donate:{props['id']}", fund=fund, donor=donor),
            fund=fund,
            donor=donor,
            amount_fen=props["amountFen"],
            date=dt.date.fromisoformat(props["date"]),
            note=props.get("note"),
        )

    async def grant(movement: Movement) -> None:
        fund, project, props = movement
        await workflows.grant(
            store,
            _request("grant", f"grant:{props['id']}", fund=fund, project=project),
            fund=fund,
            project=project,
            amount_fen=props["amountFen"],
            date=dt.date.fromisoformat(props["date"]),
            award=props.get("award"),
        )

    def by_day(movements: Sequence[Movement]) -> list[Movement]:
        return sorted(movements, key=lambda m: m[2]["date"])

    await _each(by_day(donations), donate)
    for movement in by_day(grants):  # one after another: each spends what the fund holds
        await grant(movement)
    return len(donations) + len(grants)


def incubations(batch: Batch) -> list[tuple[str, str, dict[str, Any]]]:
    """The batch's incubation ties (organization, hub, stage and since), taken out of it."""
    return batch.links.pop(ORG_INCUBATED_BY, [])


async def record_incubations(store: GraphStore, ties: Sequence[tuple[str, str, Any]]) -> int:
    """Record each tie through ``recordIncubation``'s step, as its hub records it; the number of
    steps."""
    today = workflows.now().date().isoformat()

    async def incubate(tie: tuple[str, str, Any]) -> None:
        organization, hub, props = tie
        await workflows.record_incubation(
            store,
            _request(
                "recordIncubation", f"incubation:{organization}:{hub}", by=hub,
                organization=organization, hub=hub,
            ),
            organization=organization,
            hub=hub,
            stage=props["stage"],
            since=props["since"],
            today=today,
        )  # fmt: skip

    await _each(ties, incubate)
    return len(ties)


Tied = tuple[str, str, dict[str, Any]]  # a HAS_SKILL or MEMBER_OF link: volunteer, end, props


def ties(batch: Batch) -> tuple[list[Tied], list[Tied]]:
    """The batch's skill ratings and memberships (their properties), taken out of it: the
    registrations made the ties, their properties go through the steps (``record_ties``)."""
    (skills,) = (t for t in TIES["Volunteer"] if t.rel == VOLUNTEER_HAS_SKILL)
    default = dict(skills.props)
    ratings = [
        (v, skill, props)
        for v, skill, props in batch.links.pop(VOLUNTEER_HAS_SKILL, [])
        if {k: props.get(k, default[k]) for k in default} != default
    ]
    return ratings, batch.links.pop(VOLUNTEER_MEMBER_OF, [])


async def record_ties(
    store: GraphStore, ratings: Sequence[Tied], memberships: Sequence[Tied]
) -> int:
    """Rate each skill through ``rateVolunteerSkill``'s step and record each membership's role
    and day through ``setTeamMember``'s, as the team records it; the number of steps."""

    async def rate(tie: Tied) -> None:
        volunteer, skill, props = tie
        await workflows.rate_skill(
            store,
            _request("rateVolunteerSkill", f"rate:{volunteer}:{skill}", volunteer=volunteer),
            volunteer=volunteer,
            skill=skill,
            level=props["level"],
            certified=props["certified"],
        )

    async def member(tie: Tied) -> None:
        volunteer, team, props = tie
        await workflows.set_team_member(
            store,
            _request("setTeamMember", f"member:{volunteer}:{team}", by=team, volunteer=volunteer),
            volunteer=volunteer,
            team=team,
            role=props["role"],
            since=props["since"],
        )

    await _each(ratings, rate)
    await _each(memberships, member)
    return len(ratings) + len(memberships)


async def run(
    store: GraphStore, postings: list[Posting], referrals: list[Referring], gifts: list[Giving]
) -> int:
    """Post, sign up, refer, answer and give, in that order; the number of steps that went in."""
    steps = 0

    async def post(p: Posting) -> None:
        nonlocal steps
        r = p.recruitment
        await workflows.post_recruitment(
            store,
            _request("postRecruitment", f"post:{r.id}", recruitment=r.id),
            r,
            organization=p.organization,
            community=p.community,
            venue=p.venue,
            project=p.project,
            skills=p.skills,
        )
        steps += 1
        for volunteer in p.volunteers:  # one after another: each takes a place
            try:
                await workflows.sign_up(
                    store,
                    _request("signUp", f"sign-up:{r.id}:{volunteer}", by=volunteer),
                    r.id,
                    volunteer,
                )
            except GraphRejected:
                continue  # not active, or no place left: the API has the last word
            steps += 1

    async def refer(r: Referring) -> None:
        nonlocal steps
        await workflows.refer(
            store,
            _request("referNeed", f"refer:{r.id}", need=r.need),
            need=r.need,
            source=r.source,
            target=r.target,
            reason=r.reason,
            referral=r.id,
        )
        steps += 1
        for status in ANSWERS[: ANSWERS.index(r.status) + 1] if r.status in ANSWERS else ():
            await workflows.answer_referral(
                store,
                _request(f"answerReferral:{status}", f"{status}:{r.id}", referral=r.id),
                referral=r.id,
                status=status,
                outcome=r.outcome if status == "COMPLETED" else None,
                organization=r.target,
            )
            steps += 1

    async def give(g: Giving) -> None:
        nonlocal steps
        await workflows.allocate_resource(
            store,
            _request("allocateResource", f"give:{g.resource}:{g.need}", by=g.by, need=g.need),
            resource=g.resource,
            need=g.need,
            quantity=g.quantity,
            today=workflows.now().date(),
        )
        steps += 1

    await _each(postings, post)
    await _each(referrals, refer)
    await _each(gifts, give)
    return steps
