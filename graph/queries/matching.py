"""Who can serve a need (供需配对, 就近原则): eligibility, ranking and team proposals.

A volunteer is **eligible** for a need when all of these hold (docs/MATCHING.md says why):
- a skill that satisfies the need: one of the skills it requires, or a narrower one through the
  skill taxonomy (中医义诊 satisfies 义诊); a need that requires no skill is satisfied by any skill
  of its service category or a narrower one;
- their base is within their own service radius of the resident's home and within the radius
  asked for;
- free in at least one of the need's slots: in their weekly availability, and not already taken
  there by another active need they are assigned to (a one-off appointment takes its weekday slot
  on that date only);
- active, and serving fewer active needs than their load limit;
- when the need asks for it, speaking one of the resident's languages;
- not already assigned to this need.

**Score** (0–100): continuity 40 (has served this resident before, or serves another of their
needs) + distance 30 × (1 − distance ÷ reach) + experience 15 × min(1, verified hours in the
need's category ÷ 20) + star level 10 × stars ÷ 5 + slot coverage 5 × (free slots ÷ slots asked).
Ties go to the nearer volunteer. A base the viewer may not read counts only through its ~500 m
cell and the band of that cell's distance (:class:`Precision`, the policy's distance rule), in
eligibility, score and order alike. The weights are below; the statement computes every term, so
the reasons shown with a candidate are exactly what ranked them.

The resident's home is read first and sent as a point parameter: FalkorDB only uses the point
index for a distance to a constant point, not to a node matched earlier in the same statement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.engine.cypher import cypher
from graph.engine.errors import GraphNotFound, GraphRejected
from graph.engine.store import GraphStore
from graph.model.entities import Point
from graph.model.family import readable_params, readable_predicate
from graph.model.filters import MAX_TAXONOMY_DEPTH
from graph.model.people import VOLUNTEERS
from graph.model.services import ACTIVE_NEED_STATUSES

DEFAULT_RADIUS_METERS = 5_000
MAX_RADIUS_METERS = 50_000
# Candidates scored and ranked in the store; the team proposal chooses among them.
POOL = 50

WEIGHTS = {
    "continuity": 40.0,
    "distance": 30.0,
    "experience": 15.0,
    "star": 10.0,
    "coverage": 5.0,
}
EXPERIENCE_FULL_MINUTES = 20 * 60

NEED_CONTEXT = cypher(
    "matching.need_context",
    f"""
    MATCH (need:Need {{id: $need}})
    OPTIONAL MATCH (r:Resident)-[:HAS_NEED]->(need)
    OPTIONAL MATCH (need)-[:IN]->(c:Community)
    OPTIONAL MATCH (need)-[:OF_CATEGORY]->(cat:ServiceCategory)
    OPTIONAL MATCH (need)-[:REQUIRES]->(req:Skill)
    WITH need, r, c, cat, collect(DISTINCT req.id) AS required
    OPTIONAL MATCH (fallback:Skill)-[:OF_CATEGORY]->(:ServiceCategory)
          -[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(cat)
    WHERE size(required) = 0
    RETURN need.status AS status, need.slots AS slots, need.oneOffSlot AS oneOffSlot,
           need.oneOffKey AS oneOffKey, coalesce(need.headcount, 1) AS headcount,
           coalesce(need.languageRequired, false) AS languageRequired,
           r.id AS resident, coalesce(r.location, c.location) AS location,
           coalesce(r.languages, []) AS languages, c.id AS community, c.name AS communityName,
           cat.id AS category, cat.name AS categoryName,
           required, collect(DISTINCT fallback.id) AS fallback
    """,
)

# Whether the viewer may read the base of the volunteer `n` (``access.inference.read_scope`` of
# its location, the rule ``inference.point_readable`` applies to one volunteer's view): every
# base (`$exact_all`), their own or their organization's members' (`$exact_ids`), or one
# serving a community the social worker `$exact_by` covers — the predicate lists use for the
# rows whose protected value a viewer reads (``graph.model.family.readable_predicate``).
READABLE_BASE = readable_predicate(VOLUNTEERS, "exact", projected=True)

# A base the viewer may not read is measured from the centre of its grid cell (`$grid` degrees)
# and ranked by the representative of that distance's band (`$band_edges`, `$band_reps`), so
# nothing below — eligibility, score, order, the pool's cut — depends on more than the cell.
# Which bases those are is decided here, row by row (READABLE_BASE), not by listing every base
# within reach beforehand (docs/BENCHMARKS.md, "Matching as a social worker").
CANDIDATES = cypher(
    "matching.candidates",
    f"""
    MATCH (n:Volunteer)
    WHERE $$within(n.location, point({{latitude: $latitude, longitude: $longitude}}), $reach)
      AND n.status = 'ACTIVE'
      AND any(s IN $wanted WHERE s IN n.availability)
      AND (NOT $language_required OR any(l IN n.languages WHERE l IN $languages))
    WITH n AS v, {READABLE_BASE} AS exact,
         point({{latitude: $latitude, longitude: $longitude}}) AS home,
         point({{latitude: floor(n.location.latitude / $grid) * $grid + $grid / 2.0,
                longitude: floor(n.location.longitude / $grid) * $grid + $grid / 2.0}}) AS cell
    WITH v, exact, CASE WHEN exact THEN $$distance(v.location, home)
                        ELSE $$distance(cell, home) END AS measured
    WHERE measured <= $radius AND measured <= v.serviceRadiusMeters
    WITH v, exact, CASE WHEN exact THEN measured
                        ELSE $band_reps[size([e IN $band_edges WHERE e <= measured])] END
         AS distance
    MATCH (v)-[:HAS_SKILL]->(s:Skill)-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(t:Skill)
    WHERE t.id IN $required
    WITH v, exact, distance,
         collect(DISTINCT {{skill: s.id, skillName: s.name, required: t.id, requiredName: t.name}})
         AS matches
    OPTIONAL MATCH (v)-[a:ASSIGNED]->(other:Need)
    WHERE other.status IN $active
    OPTIONAL MATCH (other)<-[:HAS_NEED]-(who:Resident)
    WITH v, exact, distance, matches,
         collect(CASE WHEN other IS NULL THEN NULL ELSE
                 {{slots: coalesce(a.slots, other.slots, []), oneOffSlot: other.oneOffSlot,
                   oneOffKey: other.oneOffKey, sameResident: who.id = $resident,
                   thisNeed: other.id = $need}} END) AS others
    WITH v, exact, distance, matches, others,
         [s IN $wanted WHERE s IN v.availability AND none(o IN others WHERE s IN o.slots
             OR (o.oneOffSlot = s AND ($one_off_key IS NULL OR o.oneOffKey = $one_off_key)))]
         AS free
    // Already on this need (an active one: only those are matched): read from `others`, not
    // as a pattern in the first WHERE, where it cost a quarter of the statement in a dense
    // district (one traversal per volunteer within reach, pushed down by the planner).
    WHERE size(free) > 0 AND size(others) < coalesce(v.maxLoad, 1)
      AND none(o IN others WHERE o.thisNeed)
    OPTIONAL MATCH (v)-[:PERFORMED]->(done:ServiceRecord)-[:FOR]->(:Need)
          <-[:HAS_NEED]-(:Resident {{id: $resident}})
    WITH v, exact, distance, matches, others, free, count(done) AS servedBefore
    OPTIONAL MATCH (v)-[:PERFORMED]->(rec:ServiceRecord)-[:OF_CATEGORY]->(:ServiceCategory)
          -[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(:ServiceCategory {{id: $category}})
    WHERE (:SocialWorker)-[:VERIFIED]->(rec)
    WITH v, exact, distance, matches, free, servedBefore,
         any(o IN others WHERE o.sameResident) AS servesResident,
         coalesce(sum(rec.minutes), 0) AS categoryMinutes
    OPTIONAL MATCH (v)-[:MEMBER_OF]->(team:Organization)
    WITH v, exact, distance, matches, free, servedBefore, servesResident, categoryMinutes,
         collect(team.id) AS teams,
         CASE WHEN v.serviceRadiusMeters < $radius THEN v.serviceRadiusMeters ELSE $radius END
         AS reach
    WITH v, exact, distance, matches, free, servedBefore, servesResident, categoryMinutes, teams,
         CASE WHEN servedBefore > 0 OR servesResident THEN $w_continuity ELSE 0.0 END
         AS continuityPoints,
         CASE WHEN reach > 0 THEN $w_distance * (1.0 - toFloat(distance) / reach) ELSE 0.0 END
         AS distancePoints,
         CASE WHEN categoryMinutes >= $experience_full THEN $w_experience
              ELSE $w_experience * toFloat(categoryMinutes) / $experience_full END
         AS experiencePoints,
         $w_star * toFloat(coalesce(v.starLevel, 0)) / 5.0 AS starPoints,
         $w_coverage * toFloat(size(free)) / size($wanted) AS coveragePoints
    WITH v, exact, distance, matches, free, servedBefore, servesResident, categoryMinutes, teams,
         continuityPoints, distancePoints, experiencePoints, starPoints, coveragePoints,
         continuityPoints + distancePoints + experiencePoints + starPoints + coveragePoints
         AS score
    RETURN v.id AS volunteer, exact, distance, matches, free, servedBefore, servesResident,
           categoryMinutes, teams, coalesce(v.starLevel, 0) AS starLevel, continuityPoints,
           distancePoints, experiencePoints, starPoints, coveragePoints, score
    ORDER BY score DESC, distance ASC, volunteer ASC
    LIMIT $limit
    """,
)


@dataclass(frozen=True)
class Precision:
    """How exactly a matching may measure volunteers' bases, for one viewer (the policy's
    distance rule, docs/ACCESS.md): the bases in ``exact`` (every base when it is None) and
    those serving a community the social worker ``covered_by`` covers exactly (the rows of
    ``access.inference.read_scope``); any other only from the centre of its ``grid``-degree
    cell, ranked as the representative (``band_reps``) of the band (upper edges ``band_edges``)
    that distance falls in."""

    exact: frozenset[str] | None = None
    grid: float = 0.005
    band_edges: tuple[int, ...] = ()
    band_reps: tuple[int, ...] = (0,)
    covered_by: str | None = None

    @property
    def slack_meters(self) -> int:
        """How much farther than the asked radius a base may be when its cell's centre is
        within it: half a cell's diagonal (a degree of longitude is at most one of latitude)."""
        return 0 if self.exact is None else math.ceil(self.grid * 111_320 * math.sqrt(2) / 2) + 1

    def params(self) -> dict[str, Any]:
        """The parameters of :data:`READABLE_BASE` and of the cell and bands."""
        return {
            **readable_params("exact", self.exact, self.covered_by),
            "grid": self.grid,
            "band_edges": list(self.band_edges),
            "band_reps": list(self.band_reps),
        }


EXACT = Precision()


@dataclass(frozen=True)
class NeedContext:
    """What matching needs to know about a need (read once, then sent as parameters)."""

    need: str
    status: str
    resident: str | None
    location: Point | None
    languages: tuple[str, ...]
    community: str | None
    community_name: str | None
    category: str | None
    category_name: str | None
    required: tuple[str, ...]  # skill ids; a narrower skill satisfies them
    required_from_category: bool  # no skill asked: any skill of the category counts
    slots: tuple[str, ...]  # the slots to be covered (weekly, or the one-off's weekday slot)
    one_off_key: str | None
    headcount: int
    language_required: bool

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_NEED_STATUSES


@dataclass(frozen=True)
class SkillMatch:
    skill: str  # the volunteer's skill
    skill_name: str
    required: str  # the skill the need asks for (or a skill of its category)
    required_name: str

    @property
    def direct(self) -> bool:
        return self.skill == self.required


@dataclass(frozen=True)
class Candidate:
    volunteer: str
    distance_meters: float  # exact, or the representative of its band when not `exact`
    exact: bool
    score: float
    points: dict[str, float]  # the score's terms, keyed like WEIGHTS
    matches: tuple[SkillMatch, ...]
    free_slots: tuple[str, ...]
    served_before: int  # service records for this resident
    serves_resident: bool  # assigned to another of the resident's active needs
    category_minutes: int  # verified minutes in the need's category
    star_level: int
    teams: tuple[str, ...]


@dataclass(frozen=True)
class ProposedMember:
    volunteer: str
    slots: tuple[str, ...]


@dataclass(frozen=True)
class Proposal:
    """Volunteers who together cover every slot of a need with its headcount."""

    members: tuple[ProposedMember, ...]
    team: str | None  # all members belong to this team
    shortfall: dict[str, int] = field(default_factory=dict)  # slot -> volunteers still missing

    @property
    def complete(self) -> bool:
        return not self.shortfall


@dataclass(frozen=True)
class Matching:
    context: NeedContext
    radius_meters: int
    slots: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    proposal: Proposal


async def need_context(store: GraphStore, need: str) -> NeedContext:
    rows = await store.read(NEED_CONTEXT, {"need": need})
    if not rows:
        raise GraphNotFound(f"There is no need with id {need}.")
    row = rows[0]
    location = row["location"]
    required = tuple(row["required"] or ())
    return NeedContext(
        need=need,
        status=row["status"],
        resident=row["resident"],
        location=Point(location["latitude"], location["longitude"]) if location else None,
        languages=tuple(row["languages"] or ()),
        community=row["community"],
        community_name=row["communityName"],
        category=row["category"],
        category_name=row["categoryName"],
        required=required or tuple(row["fallback"] or ()),
        required_from_category=not required,
        slots=(row["oneOffSlot"],) if row["oneOffSlot"] else tuple(row["slots"] or ()),
        one_off_key=row["oneOffKey"],
        headcount=int(row["headcount"]),
        language_required=bool(row["languageRequired"]),
    )


async def candidates(
    store: GraphStore,
    context: NeedContext,
    *,
    radius_meters: int,
    slots: Sequence[str],
    limit: int,
    precision: Precision = EXACT,
) -> list[Candidate]:
    """Eligible volunteers, best first (see the module docstring for the rules)."""
    if context.location is None or not slots or not context.required:
        return []
    rows = await store.read(
        CANDIDATES,
        {
            "reach": radius_meters + precision.slack_meters,
            **precision.params(),
            "need": context.need,
            "resident": context.resident,
            "latitude": context.location.latitude,
            "longitude": context.location.longitude,
            "radius": radius_meters,
            "wanted": list(slots),
            "required": list(context.required),
            "category": context.category,
            "language_required": context.language_required,
            "languages": list(context.languages),
            "one_off_key": context.one_off_key,
            "active": list(ACTIVE_NEED_STATUSES),
            "experience_full": EXPERIENCE_FULL_MINUTES,
            "limit": limit,
            **{f"w_{name}": weight for name, weight in WEIGHTS.items()},
        },
    )
    return [
        Candidate(
            volunteer=row["volunteer"],
            distance_meters=float(row["distance"]),
            exact=bool(row["exact"]),
            score=round(float(row["score"]), 2),
            points={name: round(float(row[f"{name}Points"]), 2) for name in WEIGHTS},
            matches=tuple(
                sorted(
                    {
                        SkillMatch(m["skill"], m["skillName"], m["required"], m["requiredName"])
                        for m in row["matches"]
                    },
                    key=lambda m: (not m.direct, m.skill),
                )
            ),
            free_slots=tuple(sorted(row["free"], key=list(slots).index)),
            served_before=int(row["servedBefore"]),
            serves_resident=bool(row["servesResident"]),
            category_minutes=int(row["categoryMinutes"]),
            star_level=int(row["starLevel"]),
            teams=tuple(sorted(row["teams"])),
        )
        for row in rows
    ]


def propose(candidates: Sequence[Candidate], slots: Sequence[str], headcount: int) -> Proposal:
    """Choose volunteers so every slot has ``headcount`` of them, preferring one team.

    Each team among the candidates is tried alone (best-scored members first); the complete
    single-team proposal with the highest total score wins. If no team can cover the need alone,
    the best candidates are combined regardless of team, and what is still missing is reported.
    """
    teams = sorted({team for c in candidates for team in c.teams})
    options: list[tuple[float, Proposal]] = []
    for team in teams:
        members = [c for c in candidates if team in c.teams]
        proposal, total = _fill(members, slots, headcount, team)
        if proposal.complete:
            options.append((total, proposal))
    if options:
        return max(options, key=lambda option: option[0])[1]
    return _fill(candidates, slots, headcount, None)[0]


def _fill(
    pool: Sequence[Candidate], slots: Sequence[str], headcount: int, team: str | None
) -> tuple[Proposal, float]:
    needed = dict.fromkeys(slots, headcount)
    members: list[ProposedMember] = []
    total = 0.0
    for candidate in sorted(pool, key=lambda c: (-c.score, c.distance_meters, c.volunteer)):
        taken = tuple(s for s in candidate.free_slots if needed.get(s, 0) > 0)
        if not taken:
            continue
        for slot in taken:
            needed[slot] -= 1
        members.append(ProposedMember(candidate.volunteer, taken))
        total += candidate.score
        if not any(needed.values()):
            break
    shortfall = {slot: missing for slot, missing in needed.items() if missing > 0}
    return Proposal(tuple(members), team if members else None, shortfall), total


async def who_can_serve(
    store: GraphStore,
    need: str,
    *,
    radius_meters: int | None = None,
    slot: str | None = None,
    first: int = 10,
    precision: Precision = EXACT,
    context: NeedContext | None = None,
) -> Matching:
    """Who can serve ``need``; ``context`` when the caller has read it already."""
    context = context or await need_context(store, need)
    if not context.active:
        raise GraphRejected(
            f"Need {need} is {context.status}; only needs still being served are matched."
        )
    radius = radius_meters or DEFAULT_RADIUS_METERS
    slots = (slot,) if slot else context.slots
    pool = await candidates(
        store,
        context,
        radius_meters=radius,
        slots=slots,
        limit=max(first, POOL),
        precision=precision,
    )
    proposal = propose(pool, slots, context.headcount)
    return Matching(context, radius, slots, tuple(pool[:first]), proposal)
