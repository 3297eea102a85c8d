"""Resource linking: who may ask, how exactly they may measure, and the graph's answers turned
into candidates with reasons.

Two policy rules apply before the graph is asked: :func:`policy.may_match` (only those entrusted
with the need match for it) and the distance rule (``policy.point_readable``): the resident's home
and each volunteer's base are measured exactly only when the viewer may read them; otherwise only
through their ~500 m cell, and the distance is shown as a band.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from typing import Any

from access import policy
from graph.access import facts as graph_access
from graph.model.entities import Point
from graph.model.taxonomy import Skill
from graph.queries import linking, matching
from resolvers.entities import entity, entity_list  # noqa: F401 - the schema's loaders
from schema.base import to_node, yuan
from schema.context import Info
from schema.enums import WeeklySlot
from schema.errors import BadUserInput, Forbidden
from schema.relay import from_global_id

# The precision of a base the viewer may not read: its cell, and bands (policy's distance rule).
BANDED = matching.Precision(
    exact=frozenset(),
    grid=policy.GRID_DEGREES,
    band_edges=policy.DISTANCE_BANDS,
    band_reps=tuple(band.representative for band in policy.BANDS),
)


def _radius(radius_meters: int | None) -> int | None:
    if radius_meters is not None and not 1 <= radius_meters <= matching.MAX_RADIUS_METERS:
        raise BadUserInput(
            f"`radiusMeters` must be between 1 and {matching.MAX_RADIUS_METERS} metres."
        )
    return radius_meters


async def _entrusted(info: Info, need: str) -> None:
    """Refuse (FORBIDDEN) a viewer not entrusted with the need (``policy.may_match``)."""
    access = info.context.access
    found = await graph_access.target(info.context.store, "Need", need)
    communities = found[0] if found else frozenset()
    decision = policy.may_match(access.viewer, await access.grants(), need, communities)
    if not decision.allowed:
        raise Forbidden(decision.reason)


async def _measure(
    info: Info, need: str, radius_meters: int
) -> tuple[matching.NeedContext, matching.Precision, bool]:
    """The need as the viewer may measure from it: its home exact or as its cell (and whether
    exact), and which volunteers' bases within reach they may measure exactly."""
    store, access = info.context.store, info.context.access
    context = await matching.need_context(store, need)
    where = context.location
    if where is not None and context.resident is not None:
        home = await access.view("Resident", context.resident)
        if not policy.point_readable("Resident", home):
            cell = Point(*policy.coarse(where.latitude, where.longitude))
            return dataclasses.replace(context, location=cell), BANDED, False
    nearby = await matching.nearby(store, context, radius_meters)
    return context, await precision(info, nearby), True


async def precision(info: Info, volunteers: Sequence[str]) -> matching.Precision:
    """How exactly the viewer may measure these volunteers' bases (policy's distance rule)."""
    access = info.context.access
    views = await asyncio.gather(*(access.view("Volunteer", key) for key in volunteers))
    readable = [policy.point_readable("Volunteer", seen) for seen in views]
    exact = frozenset(key for key, ok in zip(volunteers, readable, strict=True) if ok)
    if len(exact) == len(set(volunteers)):
        return matching.EXACT
    return dataclasses.replace(BANDED, exact=exact)


async def who_can_serve(
    info: Info, need_id: str, radius_meters: int | None, slot: WeeklySlot | None, first: int
) -> Any:
    from schema.matching import Matching  # noqa: PLC0415 - the schema module imports this one

    _, need = from_global_id(need_id, expect="Need")
    if not 1 <= first <= matching.POOL:
        raise BadUserInput(f"`first` must be between 1 and {matching.POOL}.")
    radius = _radius(radius_meters)
    await _entrusted(info, need)
    context, measured, home_exact = await _measure(
        info, need, radius or matching.DEFAULT_RADIUS_METERS
    )
    result = await matching.who_can_serve(
        info.context.store,
        need,
        radius_meters=radius,
        slot=slot.value if slot else None,
        first=first,
        precision=measured,
        context=context,
    )
    return _matching(Matching, result, BASE_WITHHELD if home_exact else HOME_WITHHELD)


def _matching(cls: type, result: matching.Matching, withheld: str) -> Any:
    """The schema's Matching; ``withheld`` says why a candidate's metres are not given."""
    from schema import matching as types  # noqa: PLC0415

    proposal = result.proposal
    return cls(
        need_key=result.context.need,
        radius_meters=result.radius_meters,
        slots=[WeeklySlot(s) for s in result.slots],
        headcount=result.context.headcount,
        candidates=[_candidate(types, result.context, c, withheld) for c in result.candidates],
        proposal=types.TeamProposal(
            team_key=proposal.team,
            members=[
                types.ProposedMember(
                    volunteer_key=m.volunteer, slots=[WeeklySlot(s) for s in m.slots]
                )
                for m in proposal.members
            ],
            complete=proposal.complete,
            shortfall=[
                types.SlotShortfall(slot=WeeklySlot(s), missing=n)
                for s, n in proposal.shortfall.items()
            ],
        ),
    )


BASE_WITHHELD = (
    "The exact distance is withheld because you may not read this volunteer's base "
    "(Volunteer.location); `distanceBand` says how far it is."
)
HOME_WITHHELD = (
    "The exact distance is withheld because you may not read the resident's home "
    "(Resident.location); `distanceBand` says how far it is."
)


def _how_far(meters: float, exact: bool) -> str:
    return f"{round(meters)} m" if exact else policy.distance_band(meters).label


def _distance(types: Any, meters: float, exact: bool, withheld: str) -> Any:
    band = policy.distance_band(meters)
    return types.Distance(
        meters=round(meters) if exact else None,
        withheld=None if exact else withheld,
        band=types.DistanceBand(at_least_meters=band.at_least, under_meters=band.under),
    )


def _skill(key: str, name: str) -> Any:
    return to_node("Skill", Skill(key, name))


def _candidate(
    types: Any, context: matching.NeedContext, c: matching.Candidate, withheld: str
) -> Any:
    reason = types.Reason
    kind = types.ReasonKind
    reasons = []
    for m in c.matches:
        if context.required_from_category:
            reasons.append(
                reason(
                    kind=kind.CATEGORY_SKILL,
                    message=f"Has {m.skill_name}, a skill of the need's category "
                    f"{context.category_name}.",
                    points=None,
                )
            )
        elif m.direct:
            reasons.append(
                reason(
                    kind=kind.SKILL, message=f"Has the required skill {m.skill_name}.", points=None
                )
            )
        else:
            reasons.append(
                reason(
                    kind=kind.NARROWER_SKILL,
                    message=f"Has {m.skill_name}, a narrower skill than the required "
                    f"{m.required_name}.",
                    points=None,
                )
            )
    points = c.points
    if c.served_before or c.serves_resident:
        what = (
            f"has served this resident before ({c.served_before} service records)"
            if c.served_before
            else "already serves another of this resident's needs"
        )
        reasons.append(
            reason(
                kind=kind.CONTINUITY, message=f"Continuity: {what}.", points=points["continuity"]
            )
        )
    reasons.append(
        reason(
            kind=kind.DISTANCE,
            message=f"{_how_far(c.distance_meters, c.exact)} from the resident's home, within "
            "their own service radius.",
            points=points["distance"],
        )
    )
    if c.category_minutes:
        reasons.append(
            reason(
                kind=kind.EXPERIENCE,
                message=f"{round(c.category_minutes / 60, 1)} verified hours in "
                f"{context.category_name}.",
                points=points["experience"],
            )
        )
    if c.star_level:
        reasons.append(
            reason(
                kind=kind.STAR_LEVEL,
                message=f"{c.star_level}-star volunteer.",
                points=points["star"],
            )
        )
    reasons.append(
        reason(
            kind=kind.AVAILABILITY,
            message=f"Free in {', '.join(c.free_slots)}.",
            points=points["coverage"],
        )
    )
    if context.language_required:
        reasons.append(
            reason(
                kind=kind.LANGUAGE, message="Speaks one of the resident's languages.", points=None
            )
        )
    return types.Candidate(
        volunteer_key=c.volunteer,
        team_keys=c.teams,
        distance=_distance(types, c.distance_meters, c.exact, withheld),
        score=c.score,
        free_slots=[WeeklySlot(s) for s in c.free_slots],
        matched_skills=[
            types.SkillMatch(
                skill=_skill(m.skill, m.skill_name),
                required=_skill(m.required, m.required_name),
                direct=m.direct,
            )
            for m in c.matches
        ],
        reasons=reasons,
    )


async def link_resources(info: Info, need_id: str, radius_meters: int | None) -> Any:
    from schema import matching as types  # noqa: PLC0415

    _, need = from_global_id(need_id, expect="Need")
    radius = _radius(radius_meters)
    await _entrusted(info, need)
    context, measured, home_exact = await _measure(
        info, need, radius or matching.DEFAULT_RADIUS_METERS
    )
    links = await linking.link_resources(
        info.context.store, need, radius_meters=radius, precision=measured, context=context
    )
    organizations, resources = links.organizations, links.resources
    if not home_exact:  # measured from the home's cell: ordered by band, then by id
        organizations = tuple(
            sorted(
                organizations,
                key=lambda o: (
                    not o.serves_community,
                    policy.distance_band(o.distance_meters).at_least,
                    o.id,
                ),
            )
        )
        resources = tuple(
            sorted(
                resources, key=lambda r: (policy.distance_band(r.distance_meters).at_least, r.id)
            )
        )
    reason, kind = types.Reason, types.ReasonKind
    return types.ResourceLinks(
        need_key=need,
        volunteers=_matching(
            types.Matching, links.matching, BASE_WITHHELD if home_exact else HOME_WITHHELD
        ),
        social_workers=[
            types.LinkedSocialWorker(
                key=w.id,
                reasons=[
                    reason(
                        kind=kind.COVERS_COMMUNITY,
                        points=None,
                        message=f"Covers {context.community_name}.",
                    ),
                    *(
                        [
                            reason(
                                kind=kind.CASE_MANAGER,
                                points=None,
                                message="The resident's case manager.",
                            )
                        ]
                        if w.case_manager
                        else []
                    ),
                ],
            )
            for w in links.social_workers
        ],
        organizations=[
            types.LinkedOrganization(
                key=o.id,
                distance=_distance(types, o.distance_meters, home_exact, HOME_WITHHELD),
                reasons=[
                    reason(
                        kind=kind.CATEGORY,
                        points=None,
                        message=f"Provides {', '.join(o.categories)}.",
                    ),
                    reason(
                        kind=kind.DISTANCE,
                        points=None,
                        message=f"{_how_far(o.distance_meters, home_exact)} away.",
                    ),
                    *(
                        [
                            reason(
                                kind=kind.SERVES_COMMUNITY,
                                points=None,
                                message=f"Serves {context.community_name}.",
                            )
                        ]
                        if o.serves_community
                        else []
                    ),
                ],
            )
            for o in organizations
        ],
        funds=[
            types.LinkedFund(
                key=f.id,
                balance=yuan(f.balance_fen),
                reasons=[
                    reason(kind=kind.SCOPE, points=None, message=f"Covers {', '.join(f.scopes)}."),
                    reason(
                        kind=kind.CATEGORY,
                        points=None,
                        message=f"Supports {', '.join(f.categories)}.",
                    ),
                    reason(
                        kind=kind.BALANCE,
                        points=None,
                        message=f"{yuan(f.balance_fen)} yuan left to grant.",
                    ),
                ],
            )
            for f in links.funds
        ],
        experts=[
            types.LinkedExpert(
                key=e.id,
                reasons=[
                    reason(
                        kind=kind.DOMAIN, points=None, message=f"Expert in {', '.join(e.domains)}."
                    ),
                    *(
                        [
                            reason(
                                kind=kind.ADVISES_AREA,
                                points=None,
                                message=f"{', '.join(e.think_tanks)} advises this district.",
                            )
                        ]
                        if e.advises_area
                        else []
                    ),
                ],
            )
            for e in links.experts
        ],
        resources=[
            types.LinkedResource(
                key=r.id,
                remaining=r.remaining,
                distance=_distance(types, r.distance_meters, home_exact, HOME_WITHHELD),
                reasons=[
                    reason(kind=kind.CATEGORY, points=None, message=f"For {r.category}."),
                    reason(
                        kind=kind.REMAINING,
                        points=None,
                        message=f"{r.remaining} left"
                        + (f", offered by {r.offered_by}" if r.offered_by else "")
                        + (f" at {r.venue}" if r.venue else "")
                        + ".",
                    ),
                    reason(
                        kind=kind.DISTANCE,
                        points=None,
                        message=f"{_how_far(r.distance_meters, home_exact)} away.",
                    ),
                ],
            )
            for r in resources
        ],
    )
