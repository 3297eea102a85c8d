"""Where the network is thin: needs and vulnerable residents with too few volunteers in reach.

Counting eligible volunteers one need at a time (``graph.matching``) costs one statement per need;
a district has tens of thousands. So a gap survey reads three things once — the subjects in scope,
the skill taxonomy, and the active volunteers within reach of any subject (through the point
index) — and counts in memory, with the matching rules that do not depend on other assignments:
a skill that satisfies the need (directly, through the skill taxonomy, or of its category), base
within the volunteer's own radius and the asked radius, free in one of the need's slots, under
the load limit, a common language when the need asks for one. What it leaves out, on purpose:
slot-level clashes with the volunteer's other assignments (``whoCanServe`` checks those for one
need). Distances are great-circle (haversine, R = 6,378,140 m as on both engines).

The subjects and the volunteers come back as one packed value (``$$packed``, read by
``Dialect.unpack``): on FalkorDB one JSON text rather than ~15 typed values a row, which its
client decoded one by one at ~70 µs a row, most of a district's survey (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.engine.cypher import Statement, builder, cypher, dynamic, over
from graph.engine.store import GraphStore
from graph.model.entities import scope_params
from graph.model.filters import MAX_TAXONOMY_DEPTH
from graph.model.services import ACTIVE_NEED_STATUSES
from graph.queries.statistics import RESIDENTS_SEEN

EARTH_RADIUS_M = 6_378_140.0
MAX_SUBJECTS = 50_000

CATEGORIES_UNDER = cypher(
    "gaps.categories_under",
    f"""
    MATCH (x:ServiceCategory)-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->
          (:ServiceCategory {{id: $category}})
    RETURN collect(DISTINCT x.id) AS categories
    """,
)

TAXONOMY = cypher(
    "gaps.taxonomy",
    f"""
    MATCH (s:Skill)
    OPTIONAL MATCH (s)-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(up:Skill)
    WITH s, collect(DISTINCT up.id) AS up
    OPTIONAL MATCH (s)-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(:Skill)-[:OF_CATEGORY]->
          (:ServiceCategory)-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(c:ServiceCategory)
    RETURN s.id AS skill, up, collect(DISTINCT c.id) AS categories
    """,
)

# Where a survey starts: from the community or the district its id index finds, not by testing
# every need or resident of the city against the scope (36 s -> see docs/BENCHMARKS.md).
SCOPES = {
    "community": "(c:Community {id: $community})",
    "district": "(:District {id: $district})<-[:IN]-(c:Community)",
    "everywhere": "(c:Community)",
}


def _scope(district: str | None, community: str | None) -> str:
    return "community" if community else "district" if district else "everywhere"


@builder(each=over("scope", SCOPES))
def needs_statement(scope: str) -> Statement:
    """Active needs in scope, where they are (the resident's home, else the community's centre).
    The status is tested after a ``WITH``: in one ``MATCH`` FalkorDB started from every active
    need of the graph (its status index), or from every category, not from the scope."""
    return dynamic(
        f"gaps.needs.{scope}",
        f"""
    MATCH {SCOPES[scope]}<-[:IN]-(need:Need)
    WITH c, need WHERE need.status IN $active
    MATCH (need)-[:OF_CATEGORY]->(cat:ServiceCategory)
    WHERE $categories IS NULL OR cat.id IN $categories
    OPTIONAL MATCH (r:Resident)-[:HAS_NEED]->(need)
    OPTIONAL MATCH (need)-[:REQUIRES]->(req:Skill)
    WITH need, c, cat, r, collect(req.id) AS required
    ORDER BY need.id
    LIMIT $cap
    RETURN $$packed(collect({{
           key: $$text(need.id), community: $$text(c.id), communityName: $$text(c.name),
           category: $$text(cat.id), categoryName: $$text(cat.name),
           location: coalesce(r.location, c.location),
           slots: $$texts(CASE WHEN need.oneOffSlot IS NULL THEN coalesce(need.slots, [])
                               ELSE [need.oneOffSlot] END),
           languageRequired: coalesce(need.languageRequired, false),
           languages: $$texts(coalesce(r.languages, [])), required: $$texts(required)
    }})) AS rows
    """,
    )


@builder(each=over("scope", SCOPES))
def residents_statement(scope: str) -> Statement:
    """Residents in scope with one of the tags (or any tag), and where they live; only those
    the viewer's row scope admits (``statistics.RESIDENTS_SEEN``: a resident who keeps out of
    analysis is not surveyed for an analyst, docs/PRIVACY.md "Consent to analysis")."""
    return dynamic(
        f"gaps.residents.{scope}",
        f"""
    MATCH {SCOPES[scope]}<-[:LIVES_IN]-(n:Resident)
    WHERE CASE WHEN $tags IS NULL THEN size(coalesce(n.tags, [])) > 0
               ELSE any(t IN coalesce(n.tags, []) WHERE t IN $tags) END
      AND {RESIDENTS_SEEN}
    WITH n, c
    ORDER BY n.id
    LIMIT $cap
    RETURN $$packed(collect({{
           key: $$text(n.id), community: $$text(c.id), communityName: $$text(c.name),
           location: coalesce(n.location, c.location),
           languages: $$texts(coalesce(n.languages, []))
    }})) AS rows
    """,
    )


# The load is counted per volunteer by a comprehension, not an optional match and a count:
# FalkorDB grouped every volunteer in reach by node for the count (~30 % of the statement).
VOLUNTEERS = cypher(
    "gaps.volunteers",
    """
    MATCH (v:Volunteer)
    WHERE $$within(v.location, point({latitude: $latitude, longitude: $longitude}), $reach)
      AND v.status = 'ACTIVE'
    WITH v, size([(v)-[:ASSIGNED]->(other:Need) WHERE other.status IN $active | other]) AS load
    WHERE load < coalesce(v.maxLoad, 1)
    RETURN $$packed(collect({
           key: $$text(v.id), location: v.location, radius: v.serviceRadiusMeters,
           availability: $$texts(coalesce(v.availability, [])),
           languages: $$texts(coalesce(v.languages, [])),
           skills: $$texts([(v)-[:HAS_SKILL]->(s:Skill) | s.id])
    })) AS rows
    """,
)

CATEGORY_NAME = cypher(
    "gaps.category_name",
    "MATCH (c:ServiceCategory {id: $category}) RETURN c.name AS name",
)


@dataclass(frozen=True)
class Subject:
    """A need or a resident whose reach is surveyed."""

    key: str
    community: str
    community_name: str
    category: str
    category_name: str
    latitude: float
    longitude: float
    slots: tuple[str, ...] = ()  # empty: any time (residents)
    languages: tuple[str, ...] = ()
    language_required: bool = False
    required: tuple[str, ...] = ()  # skills; empty: any skill of the category


@dataclass(frozen=True)
class Supply:
    key: str
    latitude: float
    longitude: float
    radius: int
    availability: frozenset[str]
    languages: frozenset[str]
    skills: tuple[str, ...]


@dataclass
class GapGroup:
    community: str
    community_name: str
    category: str
    category_name: str
    subjects: int = 0
    short: int = 0  # fewer than the minimum
    uncovered: int = 0  # nobody at all
    candidates: list[int] = field(default_factory=list)
    short_keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Survey:
    groups: list[GapGroup]
    subjects: int
    truncated: bool


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Taxonomy:
    up: Mapping[str, frozenset[str]]  # skill -> itself and its broader skills
    categories: Mapping[str, frozenset[str]]  # skill -> categories it counts for (and broader)

    def satisfying(self, required: tuple[str, ...], category: str) -> frozenset[str]:
        """The skills a volunteer may have to serve a subject (as in ``graph.matching``)."""
        if required:
            wanted = set(required)
            return frozenset(s for s, up in self.up.items() if not up.isdisjoint(wanted))
        return frozenset(s for s, cats in self.categories.items() if category in cats)


async def taxonomy(store: GraphStore) -> Taxonomy:
    rows = await store.read(TAXONOMY)
    return Taxonomy(
        {r["skill"]: frozenset(r["up"] or ()) for r in rows},
        {r["skill"]: frozenset(r["categories"] or ()) for r in rows},
    )


async def categories_under(store: GraphStore, category: str) -> list[str]:
    rows = await store.read(CATEGORIES_UNDER, {"category": category})
    return list(rows[0]["categories"]) if rows else []


def _point(value: Mapping[str, float] | None) -> tuple[float, float] | None:
    return None if value is None else (float(value["latitude"]), float(value["longitude"]))


async def _read_packed(
    store: GraphStore, statement: Statement, params: dict[str, Any]
) -> list[dict[str, Any]]:
    """The rows of a statement that returns them packed in one ``rows`` column."""
    found = await store.read(statement, params)
    return store.dialect.unpack(found[0]["rows"]) if found else []


async def _subjects(
    store: GraphStore,
    statement: Callable[[str], Statement],
    *,
    district: str | None,
    community: str | None,
    params: Mapping[str, Any],
    rest: Callable[[Mapping[str, Any]], dict[str, Any]],
) -> tuple[list[Subject], bool]:
    """The subjects ``statement`` finds in scope, read with ``cap = MAX_SUBJECTS + 1`` (the
    extra row tells a cut); a subject with no known place cannot be surveyed and is skipped.
    Every row names its subject and community; ``rest`` gives the fields that differ by kind."""
    rows = await _read_packed(
        store,
        statement(_scope(district, community)),
        {"district": district, "community": community, **params, "cap": MAX_SUBJECTS + 1},
    )
    subjects = []
    for row in rows[:MAX_SUBJECTS]:
        where = _point(row["location"])
        if where is not None:
            latitude, longitude = where
            subjects.append(
                Subject(
                    key=row["key"],
                    community=row["community"],
                    community_name=row["communityName"],
                    latitude=latitude,
                    longitude=longitude,
                    **rest(row),
                )
            )
    return subjects, len(rows) > MAX_SUBJECTS


async def need_subjects(
    store: GraphStore, *, district: str | None, community: str | None, category: str | None
) -> tuple[list[Subject], bool]:
    categories = await categories_under(store, category) if category else None
    return await _subjects(
        store,
        needs_statement,
        district=district,
        community=community,
        params={"categories": categories, "active": list(ACTIVE_NEED_STATUSES)},
        rest=lambda row: {
            "category": row["category"],
            "category_name": row["categoryName"],
            "slots": tuple(row["slots"]),
            "languages": tuple(row["languages"]),
            "language_required": bool(row["languageRequired"]),
            "required": tuple(row["required"]),
        },
    )


def _seen(seen: Mapping[str, Any] | None) -> dict[str, Any]:
    return {**(scope_params(()) if seen is None else seen), "scope_all": seen is None}


async def resident_subjects(
    store: GraphStore,
    *,
    district: str | None,
    community: str | None,
    category: str,
    tags: Sequence[str] | None,
    seen: Mapping[str, Any] | None = None,
) -> tuple[list[Subject], bool]:
    """``seen``: ``scope_params`` of the viewer's row scope of residents; None: every one."""
    named = await store.read(CATEGORY_NAME, {"category": category})
    category_name = named[0]["name"] if named else category
    return await _subjects(
        store,
        residents_statement,
        district=district,
        community=community,
        params={"tags": list(tags) if tags else None, **_seen(seen)},
        rest=lambda row: {
            "category": category,
            "category_name": category_name,
            "languages": tuple(row["languages"]),
        },
    )


async def supply(store: GraphStore, subjects: Sequence[Subject], radius: int) -> list[Supply]:
    """Active volunteers under their load limit within ``radius`` of any subject (one read:
    a circle round the subjects' centre that holds every subject's circle)."""
    if not subjects:
        return []
    lat = sum(s.latitude for s in subjects) / len(subjects)
    lon = sum(s.longitude for s in subjects) / len(subjects)
    spread = max(haversine(lat, lon, s.latitude, s.longitude) for s in subjects)
    rows = await _read_packed(
        store,
        VOLUNTEERS,
        {
            "latitude": lat,
            "longitude": lon,
            "reach": spread + radius + 1,
            "active": list(ACTIVE_NEED_STATUSES),
        },
    )
    found = []
    for row in rows:
        where = _point(row["location"])
        if where is None:
            continue
        found.append(
            Supply(
                row["key"],
                *where,
                radius=int(row["radius"] or 0),
                availability=frozenset(row["availability"]),
                languages=frozenset(row["languages"]),
                skills=tuple(row["skills"] or ()),
            )
        )
    return found


# Subjects whose distances to one pool of volunteers are computed at once (a block of CHUNK x
# pool distances: 16 x 57,000 floats is 7 MB per temporary array; 64 put the API over 400 MiB).
CHUNK = 16


class _Bits:
    """Small sets of names (slots, languages) as bit masks, for vectorized "any in common"."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def mask(self, names: Iterable[str]) -> int:
        m = 0
        for name in names:
            bit = self.index.setdefault(name, len(self.index))
            if bit > 62:  # weekly slots are 21, languages a dozen: a vocabulary gone wrong
                raise ValueError("More than 63 distinct slot or language names in one survey.")
            m |= 1 << bit
        return m


def eligible_counts(
    subjects: Sequence[Subject], volunteers: Sequence[Supply], tax: Taxonomy, *, radius: int
) -> list[int]:
    """How many volunteers could serve each subject: a skill that counts, a free slot in
    common (when the subject has slots), a shared language (when required), and the subject
    within both the survey radius and the volunteer's own.

    Vectorized with numpy, a block of subjects against one pool of volunteers at a time: the
    per-pair Python loop took 36 s for a 20,000-need district of the city tier (BENCHMARKS.md).
    Blocks are of subjects near in latitude, each against the band of the pool (sorted by
    latitude) that can reach it, not the whole pool round the district.
    """
    slots, languages = _Bits(), _Bits()
    lat = np.radians(np.array([v.latitude for v in volunteers], dtype=np.float64))
    lon = np.radians(np.array([v.longitude for v in volunteers], dtype=np.float64))
    reach = np.minimum(np.array([v.radius for v in volunteers], dtype=np.float64), radius)
    available = np.array([slots.mask(v.availability) for v in volunteers], dtype=np.int64)
    spoken = np.array([languages.mask(v.languages) for v in volunteers], dtype=np.int64)
    by_skill: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(volunteers):
        for skill in set(v.skills):
            by_skill[skill].append(i)
    by_pool: dict[tuple[tuple[str, ...], str], list[int]] = defaultdict(list)
    for n, s in enumerate(subjects):
        by_pool[(s.required, s.category)].append(n)
    counts = [0] * len(subjects)
    for (required, category), in_pool in by_pool.items():
        skills = tax.satisfying(required, category)
        pool = np.array(sorted({i for k in skills for i in by_skill.get(k, ())}), dtype=np.int64)
        if not len(pool):
            continue
        pool = pool[np.argsort(lat[pool], kind="stable")]  # by latitude: a block reads a band
        p_lat, p_lon, p_reach = lat[pool], lon[pool], reach[pool]
        p_cos = np.cos(p_lat)
        p_slots, p_langs = available[pool], spoken[pool]
        # A volunteer more than `band` radians of latitude away is beyond every reach of the
        # pool (a great-circle distance is at least R x the difference of latitudes); the
        # margin of ~6 mm keeps rounding from deciding.
        band = float(p_reach.max()) / EARTH_RADIUS_M + 1e-9
        members = sorted(in_pool, key=lambda n: subjects[n].latitude)
        for start in range(0, len(members), CHUNK):
            chunk = members[start : start + CHUNK]
            block = [subjects[n] for n in chunk]
            s_lat = np.radians(np.array([s.latitude for s in block]))[:, None]
            s_lon = np.radians(np.array([s.longitude for s in block]))[:, None]
            low = int(np.searchsorted(p_lat, s_lat.min() - band, side="left"))
            high = int(np.searchsorted(p_lat, s_lat.max() + band, side="right"))
            if low >= high:
                continue  # counts stay 0
            b_lat, b_lon, b_cos = p_lat[low:high], p_lon[low:high], p_cos[low:high]
            a = (
                np.sin((b_lat - s_lat) / 2) ** 2
                + np.cos(s_lat) * b_cos * np.sin((b_lon - s_lon) / 2) ** 2
            )
            distance = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
            ok = distance <= p_reach[low:high]
            for row, s in enumerate(block):
                if s.slots:
                    ok[row] &= (p_slots[low:high] & slots.mask(s.slots)) != 0
                if s.language_required:
                    ok[row] &= (p_langs[low:high] & languages.mask(s.languages)) != 0
            for row, n in enumerate(chunk):
                counts[n] = int(ok[row].sum())
    return counts


def survey(
    subjects: Iterable[Subject],
    volunteers: Sequence[Supply],
    tax: Taxonomy,
    *,
    radius: int,
    min_candidates: int,
    truncated: bool = False,
    keep_keys: int = 20,
) -> Survey:
    """Count each subject's eligible volunteers and group by community and category."""
    subjects = list(subjects)
    counts = eligible_counts(subjects, volunteers, tax, radius=radius)
    groups: dict[tuple[str, str], GapGroup] = {}
    for s, count in zip(subjects, counts, strict=True):
        group = groups.get((s.community, s.category))
        if group is None:
            group = groups[(s.community, s.category)] = GapGroup(
                s.community, s.community_name, s.category, s.category_name
            )
        group.subjects += 1
        group.candidates.append(count)
        if count < min_candidates:
            group.short += 1
            if len(group.short_keys) < keep_keys:
                group.short_keys.append(s.key)
        if count == 0:
            group.uncovered += 1
    total = len(subjects)
    ordered = sorted(
        groups.values(),
        key=lambda g: (-g.short / g.subjects, -g.short, g.community, g.category),
    )
    return Survey(ordered, total, truncated)
