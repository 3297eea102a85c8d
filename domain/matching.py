"""Why someone or something is offered for a need, and how far away it is as the viewer may know.

The graph ranks (``graph.queries.matching``, docs/MATCHING.md) and links
(``graph.queries.linking``); these rules put its answers in a social worker's words: one
:class:`Reason` per ground, carrying the points it added to a volunteer's score. Distances follow
the policy's distance rule: metres only where the viewer may read both ends, else the band.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from access import inference
from domain.money import yuan

if TYPE_CHECKING:  # the graph's answers, read here by their fields only
    from graph.queries import linking, matching


class ReasonKind(Enum):
    """The grounds for offering something, each with what it means (the API's descriptions)."""

    SKILL = "Has the skill the need requires."
    NARROWER_SKILL = "Has a narrower skill (中医义诊 for 义诊)."
    CATEGORY_SKILL = "Has a skill of the need's category (no skill was named)."
    DISTANCE = "How near (就近原则)."
    AVAILABILITY = "Free in the need's slots."
    CONTINUITY = "Already serves, or has served, this resident."
    EXPERIENCE = "Verified hours in the need's category."
    STAR_LEVEL = "Star level (星级)."
    LANGUAGE = "Speaks the resident's language."
    CASE_MANAGER = "The resident's case manager (个案负责社工)."
    COVERS_COMMUNITY = "Covers the resident's community."
    CATEGORY = "Works in the need's category."
    SERVES_COMMUNITY = "Serves the resident's community."
    SCOPE = "Its scope covers the community."
    BALANCE = "Has money left."
    DOMAIN = "Expert in a relevant domain."
    ADVISES_AREA = "Their think tank advises this district."
    REMAINING = "Some of it is still on offer."


@dataclass(frozen=True)
class Reason:
    """One ground for an offer, in words; ``points`` where it added to a volunteer's score."""

    kind: ReasonKind
    message: str
    points: float | None = None


@dataclass(frozen=True)
class Distance:
    """A distance as the viewer may know it: ``meters`` when they may read both ends, else only
    its ``band`` (and why the metres are ``withheld``)."""

    meters: int | None
    withheld: str | None
    band: inference.DistanceBand


BASE_WITHHELD = (
    "The exact distance is withheld because you may not read this volunteer's base "
    "(Volunteer.location); `distanceBand` says how far it is."
)
HOME_WITHHELD = (
    "The exact distance is withheld because you may not read the resident's home "
    "(Resident.location); `distanceBand` says how far it is."
)


def withheld(home_exact: bool) -> str:
    """Why a candidate's metres may be withheld: measured from the home, only a base the viewer
    may not read hides them; measured from the home's cell, the home does."""
    return BASE_WITHHELD if home_exact else HOME_WITHHELD


def distance(meters: float, exact: bool, why_withheld: str) -> Distance:
    return Distance(
        meters=round(meters) if exact else None,
        withheld=None if exact else why_withheld,
        band=inference.distance_band(meters),
    )


def how_far(meters: float, exact: bool) -> str:
    return f"{round(meters)} m" if exact else inference.distance_band(meters).label


def _skill_reason(context: matching.NeedContext, m: matching.SkillMatch) -> Reason:
    if context.required_from_category:
        return Reason(
            ReasonKind.CATEGORY_SKILL,
            f"Has {m.skill_name}, a skill of the need's category {context.category_name}.",
        )
    if m.direct:
        return Reason(ReasonKind.SKILL, f"Has the required skill {m.skill_name}.")
    return Reason(
        ReasonKind.NARROWER_SKILL,
        f"Has {m.skill_name}, a narrower skill than the required {m.required_name}.",
    )


def candidate_reasons(context: matching.NeedContext, c: matching.Candidate) -> list[Reason]:
    """Why a volunteer is offered, each scored ground with the points it added."""
    reasons = [_skill_reason(context, m) for m in c.matches]
    points = c.points
    if c.served_before or c.serves_resident:
        what = (
            f"has served this resident before ({c.served_before} service records)"
            if c.served_before
            else "already serves another of this resident's needs"
        )
        reasons.append(Reason(ReasonKind.CONTINUITY, f"Continuity: {what}.", points["continuity"]))
    reasons.append(
        Reason(
            ReasonKind.DISTANCE,
            f"{how_far(c.distance_meters, c.exact)} from the resident's home, within "
            "their own service radius.",
            points["distance"],
        )
    )
    if c.category_minutes:
        reasons.append(
            Reason(
                ReasonKind.EXPERIENCE,
                f"{round(c.category_minutes / 60, 1)} verified hours in {context.category_name}.",
                points["experience"],
            )
        )
    if c.star_level:
        reasons.append(
            Reason(ReasonKind.STAR_LEVEL, f"{c.star_level}-star volunteer.", points["star"])
        )
    reasons.append(
        Reason(ReasonKind.AVAILABILITY, f"Free in {', '.join(c.free_slots)}.", points["coverage"])
    )
    if context.language_required:
        reasons.append(Reason(ReasonKind.LANGUAGE, "Speaks one of the resident's languages."))
    return reasons


def social_worker_reasons(context: matching.NeedContext, w: linking.LinkedWorker) -> list[Reason]:
    reasons = [Reason(ReasonKind.COVERS_COMMUNITY, f"Covers {context.community_name}.")]
    if w.case_manager:
        reasons.append(Reason(ReasonKind.CASE_MANAGER, "The resident's case manager."))
    return reasons


def organization_reasons(
    context: matching.NeedContext, o: linking.LinkedOrganization, exact: bool
) -> list[Reason]:
    reasons = [
        Reason(ReasonKind.CATEGORY, f"Provides {', '.join(o.categories)}."),
        Reason(ReasonKind.DISTANCE, f"{how_far(o.distance_meters, exact)} away."),
    ]
    if o.serves_community:
        reasons.append(Reason(ReasonKind.SERVES_COMMUNITY, f"Serves {context.community_name}."))
    return reasons


def fund_reasons(f: linking.LinkedFund) -> list[Reason]:
    return [
        Reason(ReasonKind.SCOPE, f"Covers {', '.join(f.scopes)}."),
        Reason(ReasonKind.CATEGORY, f"Supports {', '.join(f.categories)}."),
        Reason(ReasonKind.BALANCE, f"{yuan(f.balance_fen)} yuan left to grant."),
    ]


def expert_reasons(e: linking.LinkedExpert) -> list[Reason]:
    reasons = [Reason(ReasonKind.DOMAIN, f"Expert in {', '.join(e.domains)}.")]
    if e.advises_area:
        reasons.append(
            Reason(ReasonKind.ADVISES_AREA, f"{', '.join(e.think_tanks)} advises this district.")
        )
    return reasons


def resource_reasons(r: linking.LinkedResource, exact: bool) -> list[Reason]:
    remaining = (
        f"{r.remaining} left"
        + (f", offered by {r.offered_by}" if r.offered_by else "")
        + (f" at {r.venue}" if r.venue else "")
        + "."
    )
    return [
        Reason(ReasonKind.CATEGORY, f"For {r.category}."),
        Reason(ReasonKind.REMAINING, remaining),
        Reason(ReasonKind.DISTANCE, f"{how_far(r.distance_meters, exact)} away."),
    ]


@dataclass(frozen=True)
class Found:
    """A matching as the viewer may see it: ``home_exact`` says whether distances were measured
    from the resident's home itself or only from its cell."""

    result: matching.Matching
    home_exact: bool

    @property
    def withheld(self) -> str:
        return withheld(self.home_exact)


@dataclass(frozen=True)
class Linked:
    """Everything linked to a need as the viewer may see it. Measured from the home's cell, the
    organizations and resources are ordered by band, then by id: their order by metres would
    tell what the bands hide."""

    links: linking.Links
    home_exact: bool
    organizations: Sequence[linking.LinkedOrganization]
    resources: Sequence[linking.LinkedResource]

    @classmethod
    def of(cls, links: linking.Links, home_exact: bool) -> Linked:
        organizations, resources = links.organizations, links.resources
        if not home_exact:
            organizations = sorted(
                organizations,
                key=lambda o: (not o.serves_community, _band(o.distance_meters), o.id),
            )
            resources = sorted(resources, key=lambda r: (_band(r.distance_meters), r.id))
        return cls(links, home_exact, tuple(organizations), tuple(resources))

    @property
    def context(self) -> matching.NeedContext:
        return self.links.matching.context

    @property
    def volunteers(self) -> Found:
        return Found(self.links.matching, self.home_exact)


def _band(meters: float) -> int:
    return inference.distance_band(meters).at_least
