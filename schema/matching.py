"""Resource linking (资源链接): who can serve a need, and everything else that can help it.

The rules and the score are in ``graph/queries/matching.py`` and docs/MATCHING.md; these types show
them: each candidate and each linked item carries its reasons, and a candidate's reasons carry
the points they added to its score.

No ``from __future__ import annotations`` here: the lazy references to other modules' types are
quoted names inside ``Annotated``, which strawberry resolves itself.
"""

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry

from access import inference
from api.errors import Forbidden
from domain import matching as rules
from domain.money import yuan
from graph.model.taxonomy import Skill
from graph.queries import matching
from resolvers import matching as resolve
from schema.base import to_node
from schema.enums import WeeklySlot
from schema.fields import keyed, lazy

PEOPLE = "schema.people"
ORGS = "schema.organizations"
SERVICES = "schema.services"
TAXONOMY = "schema.taxonomy"


def slots(values: Iterable[str]) -> list[WeeklySlot]:
    return [WeeklySlot(s) for s in values]


ReasonKind = strawberry.enum(
    Enum(
        "ReasonKind",
        {k.name: strawberry.enum_value(k.name, description=k.value) for k in rules.ReasonKind},
    ),
    description="Why something was offered for a need.",
)


@strawberry.type(description="One reason an item is offered.")
class Reason:
    kind: ReasonKind = strawberry.field(description="What kind of reason.")  # type: ignore[valid-type]
    message: str = strawberry.field(description="The reason in words.")
    points: float | None = strawberry.field(
        description="Points it added to a volunteer's score (null where nothing is scored)."
    )

    @classmethod
    def each(cls, reasons: Iterable[rules.Reason]) -> list["Reason"]:
        return [
            cls(kind=ReasonKind[r.kind.name], message=r.message, points=r.points) for r in reasons
        ]


@strawberry.type(description="A band of distances (docs/ACCESS.md, distances).")
class DistanceBand:
    at_least_meters: int = strawberry.field(description="Its lower edge, metres.")
    under_meters: int | None = strawberry.field(
        description="Its upper edge, metres (null: the open band beyond the last edge)."
    )

    @strawberry.field(description="The band in words, e.g. 500 m–1 km.")
    def label(self) -> str:
        return inference.DistanceBand(self.at_least_meters, self.under_meters).label


@strawberry.type
class Measured:
    """A distance from the resident's home, exact only where the viewer may read both ends."""

    distance: strawberry.Private[rules.Distance]

    @strawberry.field(
        description="Metres from the resident's home; null (FORBIDDEN) when you may not read "
        "one of the two ends — then only `distanceBand` is given."
    )
    def distance_meters(self) -> int | None:
        if self.distance.meters is None:
            raise Forbidden(self.distance.withheld or "The exact distance is withheld.")
        return self.distance.meters

    @strawberry.field(description="The band the distance falls in (always given).")
    def distance_band(self) -> DistanceBand:
        band = self.distance.band
        return DistanceBand(at_least_meters=band.at_least, under_meters=band.under)


@strawberry.type(description="How a volunteer's skill meets what the need requires.")
class SkillMatch:
    skill: Annotated["Skill", strawberry.lazy(TAXONOMY)] = strawberry.field(
        description="The volunteer's skill."
    )
    required: Annotated["Skill", strawberry.lazy(TAXONOMY)] = strawberry.field(
        description="The skill the need requires (or a skill of its category)."
    )
    direct: bool = strawberry.field(description="False when a narrower skill satisfies it.")

    @classmethod
    def from_result(cls, m: matching.SkillMatch) -> "SkillMatch":
        return cls(
            skill=to_node("Skill", Skill(m.skill, m.skill_name)),
            required=to_node("Skill", Skill(m.required, m.required_name)),
            direct=m.direct,
        )


@strawberry.type(description="A volunteer able to serve a need, with why and how well.")
class Candidate(Measured):
    volunteer_key: strawberry.Private[str]
    team_keys: strawberry.Private[tuple[str, ...]]
    score: float = strawberry.field(description="Ranking score, 0–100 (docs/MATCHING.md).")
    free_slots: list[WeeklySlot] = strawberry.field(
        description="The need's slots they are free in."
    )
    matched_skills: list[SkillMatch] = strawberry.field(description="Skills that qualify them.")
    reasons: list[Reason] = strawberry.field(description="Why they are offered, with points.")

    @classmethod
    def from_result(
        cls, context: matching.NeedContext, c: matching.Candidate, withheld: str
    ) -> "Candidate":
        return cls(
            volunteer_key=c.volunteer,
            team_keys=c.teams,
            distance=rules.distance(c.distance_meters, c.exact, withheld),
            score=c.score,
            free_slots=slots(c.free_slots),
            matched_skills=[SkillMatch.from_result(m) for m in c.matches],
            reasons=Reason.each(rules.candidate_reasons(context, c)),
        )

    volunteer = keyed("Volunteer", "volunteer_key", lazy("Volunteer", PEOPLE), "The volunteer.")

    teams = keyed(
        "Organization",
        "team_keys",
        list[lazy("Organization", ORGS)],
        "Teams they belong to (义工队).",
        many=True,
    )


@strawberry.type(description="A volunteer in a proposal and the slots they would take.")
class ProposedMember:
    volunteer_key: strawberry.Private[str]
    slots: list[WeeklySlot] = strawberry.field(description="Slots they would take.")

    volunteer = keyed("Volunteer", "volunteer_key", lazy("Volunteer", PEOPLE), "The volunteer.")


@strawberry.type(description="How many volunteers a slot still lacks.")
class SlotShortfall:
    slot: WeeklySlot = strawberry.field(description="The slot.")
    missing: int = strawberry.field(description="Volunteers still needed in it.")


@strawberry.type(
    description="Volunteers who together cover every slot of the need with its headcount, "
    "members of one team when a team can (一人缺席不断服务)."
)
class TeamProposal:
    team_key: strawberry.Private[str | None]
    members: list[ProposedMember] = strawberry.field(description="Who, and which slots.")
    complete: bool = strawberry.field(description="Every slot has its headcount.")
    shortfall: list[SlotShortfall] = strawberry.field(description="What is still missing.")

    @classmethod
    def from_result(cls, proposal: matching.Proposal) -> "TeamProposal":
        return cls(
            team_key=proposal.team,
            members=[
                ProposedMember(volunteer_key=m.volunteer, slots=slots(m.slots))
                for m in proposal.members
            ],
            complete=proposal.complete,
            shortfall=[
                SlotShortfall(slot=WeeklySlot(s), missing=n) for s, n in proposal.shortfall.items()
            ],
        )

    team = keyed(
        "Organization",
        "team_key",
        lazy("Organization", ORGS) | None,
        "The team all members belong to, if one team covers it.",
    )


@strawberry.type(description="Volunteers able to serve a need, ranked (供需配对).")
class Matching:
    need_key: strawberry.Private[str]
    radius_meters: int = strawberry.field(description="The radius searched, metres.")
    slots: list[WeeklySlot] = strawberry.field(description="The slots to be covered.")
    headcount: int = strawberry.field(description="Volunteers needed in each slot.")
    candidates: list[Candidate] = strawberry.field(description="Eligible volunteers, best first.")
    proposal: TeamProposal = strawberry.field(description="A set covering the whole need.")

    @classmethod
    def from_result(cls, found: rules.Found) -> "Matching":
        result = found.result
        return cls(
            need_key=result.context.need,
            radius_meters=result.radius_meters,
            slots=slots(result.slots),
            headcount=result.context.headcount,
            candidates=[
                Candidate.from_result(result.context, c, found.withheld) for c in result.candidates
            ],
            proposal=TeamProposal.from_result(result.proposal),
        )

    need = keyed("Need", "need_key", lazy("Need", SERVICES), "The need.")


@strawberry.type(description="A social worker for the need, and why.")
class LinkedSocialWorker:
    key: strawberry.Private[str]
    reasons: list[Reason] = strawberry.field(description="Why they are linked.")

    social_worker = keyed("SocialWorker", "key", lazy("SocialWorker", PEOPLE), "The social worker.")


@strawberry.type(description="An organization providing the need's category nearby, and why.")
class LinkedOrganization(Measured):
    key: strawberry.Private[str]
    reasons: list[Reason] = strawberry.field(description="Why it is linked.")

    organization = keyed("Organization", "key", lazy("Organization", ORGS), "The organization.")


@strawberry.type(description="A fund that can pay for the need, and why.")
class LinkedFund:
    key: strawberry.Private[str]
    balance: Decimal = strawberry.field(description="Money left to grant, yuan (余额).")
    reasons: list[Reason] = strawberry.field(description="Why it is linked.")

    fund = keyed("Fund", "key", lazy("Fund", ORGS), "The fund.")


@strawberry.type(description="A think-tank expert for the need's domain, and why.")
class LinkedExpert:
    key: strawberry.Private[str]
    reasons: list[Reason] = strawberry.field(description="Why they are linked.")

    expert = keyed("Expert", "key", lazy("Expert", PEOPLE), "The expert.")


@strawberry.type(description="A charity resource on offer that fits the need, and why.")
class LinkedResource(Measured):
    key: strawberry.Private[str]
    remaining: int = strawberry.field(description="Still on offer, in its unit.")
    reasons: list[Reason] = strawberry.field(description="Why it is linked.")

    resource = keyed("Resource", "key", lazy("Resource", ORGS), "The resource.")


@strawberry.type(description="Everything that can help one need (资源链接, 五社联动).")
class ResourceLinks:
    need_key: strawberry.Private[str]
    volunteers: Matching = strawberry.field(description="Volunteer candidates (义工).")
    social_workers: list[LinkedSocialWorker] = strawberry.field(
        description="Social workers covering the community (社工)."
    )
    organizations: list[LinkedOrganization] = strawberry.field(
        description="Organizations providing the category nearby (社会组织)."
    )
    funds: list[LinkedFund] = strawberry.field(
        description="Funds covering the community and category, with money left (社区基金)."
    )
    experts: list[LinkedExpert] = strawberry.field(
        description="Think-tank experts in the domain (智库)."
    )
    resources: list[LinkedResource] = strawberry.field(
        description="Goods, venue time and service slots on offer (慈善资源)."
    )

    @classmethod
    def from_result(cls, linked: rules.Linked) -> "ResourceLinks":
        context, exact = linked.context, linked.home_exact
        links = linked.links

        def far(meters: float) -> rules.Distance:
            return rules.distance(meters, exact, rules.HOME_WITHHELD)

        return cls(
            need_key=context.need,
            volunteers=Matching.from_result(linked.volunteers),
            social_workers=[
                LinkedSocialWorker(
                    key=w.id, reasons=Reason.each(rules.social_worker_reasons(context, w))
                )
                for w in links.social_workers
            ],
            organizations=[
                LinkedOrganization(
                    key=o.id,
                    distance=far(o.distance_meters),
                    reasons=Reason.each(rules.organization_reasons(context, o, exact)),
                )
                for o in linked.organizations
            ],
            funds=[
                LinkedFund(
                    key=f.id,
                    balance=yuan(f.balance_fen),
                    reasons=Reason.each(rules.fund_reasons(f)),
                )
                for f in links.funds
            ],
            experts=[
                LinkedExpert(key=e.id, reasons=Reason.each(rules.expert_reasons(e)))
                for e in links.experts
            ],
            resources=[
                LinkedResource(
                    key=r.id,
                    remaining=r.remaining,
                    distance=far(r.distance_meters),
                    reasons=Reason.each(rules.resource_reasons(r, exact)),
                )
                for r in linked.resources
            ],
        )

    need = keyed("Need", "need_key", lazy("Need", SERVICES), "The need.")


@strawberry.type
class MatchingQuery:
    @strawberry.field(
        description="Volunteers able to serve a need, ranked with distance, score and reasons; "
        "and a proposal covering pairs and teams (谁能就近服务). For administrators, the social "
        "workers covering the need's community and a partner that accepted its referral.",
    )
    async def who_can_serve(
        self,
        info: strawberry.Info,
        need_id: Annotated[strawberry.ID, strawberry.argument(description="The need.")],
        radius_meters: Annotated[
            int | None,
            strawberry.argument(
                description="Search radius from the resident's home, metres (default 5000, "
                "at most 50000). Each volunteer's own service radius applies too."
            ),
        ] = None,
        slot: Annotated[
            WeeklySlot | None,
            strawberry.argument(description="Match for this slot instead of the need's own."),
        ] = None,
        first: Annotated[int, strawberry.argument(description="How many candidates (1–50).")] = 10,
    ) -> Matching:
        return Matching.from_result(
            await resolve.who_can_serve(
                info, need_id, radius_meters, slot.value if slot else None, first
            )
        )

    @strawberry.field(
        description="Everything that can help a need, each item with its reasons: volunteers, "
        "social workers, organizations, funds, experts and resources (资源链接). For the same "
        "viewers as `whoCanServe`.",
    )
    async def link_resources(
        self,
        info: strawberry.Info,
        need_id: Annotated[strawberry.ID, strawberry.argument(description="The need.")],
        radius_meters: Annotated[
            int | None,
            strawberry.argument(
                description="Volunteer search radius, metres (default 5000); organizations "
                "and resources are looked for within at least 10 km."
            ),
        ] = None,
    ) -> ResourceLinks:
        return ResourceLinks.from_result(await resolve.link_resources(info, need_id, radius_meters))
