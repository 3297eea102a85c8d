"""A synthetic city of any size, deterministic for a given seed.

``python -m cli seed city --residents 1000000 --volunteers 100000 …`` builds districts of about
twenty communities of ~5,000 residents each, the skill and category taxonomies, organizations of
every kind (a hub per district incubating others, volunteer teams in 小组 → 大队 hierarchies),
funds with donations and grants, social workers covering communities, residents with vulnerability
tags in the shares the field reports suggest, their needs, volunteers with skills, availability,
teams and service records (verified ones giving star levels), and recruitments with sign-ups.

Loading streams: records are generated chunk by chunk and written with batched ``UNWIND … MERGE``
statements, so memory stays flat whatever the size, and a re-run with the same seed rewrites the
same graph (idempotent).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from config import DEVELOPMENT_ID_HASH_KEY
from graph.engine.store import GraphStore
from graph.model import people as P  # noqa: N812
from graph.model import places as PL  # noqa: N812
from graph.model import services as S  # noqa: N812
from graph.model.entities import Point
from graph.model.people import Resident, SocialWorker, Volunteer, star_level
from graph.model.places import City, Community, District
from graph.model.services import Recruitment, ServiceRecord
from graph.model.vocab import (
    CommunityKind,
    Gender,
    Language,
    MemberRole,
    Qualification,
    SignUpStatus,
    SkillLevel,
    VolunteerStatus,
    VulnerabilityTag,
)
from intake.identity import id_card
from seeds import city_organizations, synthetic, taxonomy
from seeds.batch import Batch
from seeds.demo_data import NEEDS_BY_TAG, SLOTS, TAG_MIX

UTC = dt.UTC
RESIDENTS_PER_COMMUNITY = 5_000
COMMUNITIES_PER_DISTRICT = 20
CHUNK = 20_000
# Zhongshan's centre; communities are laid out on a grid around it, ~1.2 km apart.
ORIGIN = Point(22.52, 113.39)
SPACING_M = 1_200


@dataclass(frozen=True)
class CitySpec:
    residents: int = 10_000
    volunteers: int = 1_000
    needs: int = 2_000
    organizations: int | None = None  # default: one per 200 residents, at least 20
    records_per_volunteer: float = 3.0
    seed: int = 1
    name: str = "示范市"

    @property
    def communities(self) -> int:
        return max(1, math.ceil(self.residents / RESIDENTS_PER_COMMUNITY))

    @property
    def districts(self) -> int:
        return max(1, math.ceil(self.communities / COMMUNITIES_PER_DISTRICT))

    @property
    def organization_count(self) -> int:
        return (
            self.organizations if self.organizations is not None else max(20, self.residents // 200)
        )


Progress = Callable[[str, int, int], None]


def stderr_progress() -> Progress:
    """A one-line progress bar on stderr: stage, done/total, rate."""
    started: dict[str, float] = {}

    def show(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        begin = started.setdefault(stage, now)
        rate = done / (now - begin) if now > begin else 0.0
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(
            f"\r{stage:<16} [{'#' * filled}{'.' * (width - filled)}] "
            f"{done:>10,}/{total:,}  {rate:,.0f}/s   "
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


class CityGenerator:
    def __init__(self, spec: CitySpec, store: GraphStore, progress: Progress | None = None) -> None:
        self.spec = spec
        self.store = store
        self.progress = progress or (lambda *_: None)
        self.rng = random.Random(spec.seed)
        # Dates to come are counted from the day the city is generated (01:00 UTC).
        self.today = dt.datetime.now(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
        self.written: Counter[str] = Counter()
        self.prefix = f"gen{spec.seed}"
        self.community_ids: list[str] = []
        self.centres: list[Point] = []
        self.district_of: list[int] = []
        self.teams_by_community: dict[int, list[str]] = {}
        self.workers_by_community: dict[int, list[str]] = {}
        self.orgs: list[str] = []
        self.projects: list[str] = []

    def id(self, kind: str, n: int) -> str:
        return f"{self.prefix}-{kind}-{n}"

    async def flush(self, batch: Batch) -> None:
        self.written.update(await batch.flush(self.store))

    async def run(self) -> Counter[str]:
        await self.places()
        await self.taxonomies()
        await self.organizations()
        await self.workers()
        await self.residents_and_needs()
        await self.volunteers()
        await self.recruitments()
        return self.written

    async def places(self) -> None:
        spec, b = self.spec, Batch()
        city = self.id("city", 1)
        b.add(City(city, spec.name))
        side = math.ceil(math.sqrt(spec.communities))
        for d in range(spec.districts):
            b.add(District(self.id("district", d), f"第{d + 1}街道", "街道"))
            b.link(PL.DISTRICT_IN_CITY, self.id("district", d), city)
        for c in range(spec.communities):
            row, col = divmod(c, side)
            centre = Point(
                round(ORIGIN.latitude + row * SPACING_M / 111_320, 6),
                round(
                    ORIGIN.longitude + col * SPACING_M / (111_320 * math.cos(math.radians(22.5))), 6
                ),
            )
            cid = self.id("community", c)
            district = c // COMMUNITIES_PER_DISTRICT
            village = self.rng.random() < 0.15
            kind = CommunityKind.VILLAGE if village else CommunityKind.COMMUNITY
            b.add(
                Community(
                    cid,
                    f"第{district + 1}街道第{c + 1}{'村' if village else '社区'}",
                    centre,
                    kind,
                    RESIDENTS_PER_COMMUNITY,
                )
            )
            b.link(PL.COMMUNITY_IN_DISTRICT, cid, self.id("district", district))
            self.community_ids.append(cid)
            self.centres.append(centre)
            self.district_of.append(district)
        await self.flush(b)
        self.progress("places", spec.communities, spec.communities)

    async def taxonomies(self) -> None:
        b = Batch()
        taxonomy.add_to(b)
        await self.flush(b)

    async def organizations(self) -> None:
        await city_organizations.organizations(
            self, chunk=CHUNK, per_district=COMMUNITIES_PER_DISTRICT
        )

    def community_name(self, c: int) -> str:
        return f"第{c + 1}社区"

    async def workers(self) -> None:
        spec, rng, b = self.spec, self.rng, Batch()
        total = spec.communities * 2
        for n in range(total):
            wid = self.id("worker", n)
            c = n // 2
            b.add(
                SocialWorker(
                    wid,
                    synthetic.name(rng),
                    rng.choice(
                        (
                            Qualification.ASSISTANT,
                            Qualification.ASSISTANT,
                            Qualification.INTERMEDIATE,
                            Qualification.SENIOR,
                        )
                    ),
                    synthetic.phone(rng),
                )
            )
            b.link(P.WORKER_COVERS, wid, self.community_ids[c])
            hub = self.id("hub", self.district_of[c])
            b.link(P.WORKER_EMPLOYED_BY, wid, hub, since="2022-01-01")
            self.workers_by_community.setdefault(c, []).append(wid)
        await self.flush(b)
        self.progress("social workers", total, total)

    async def residents_and_needs(self) -> None:
        spec, rng = self.spec, self.rng
        tag_sets, weights = zip(*TAG_MIX, strict=True)
        needs_left = spec.needs
        b = Batch()
        year = 2026
        for n in range(spec.residents):
            rid = self.id("resident", n)
            c = n % spec.communities
            tags = rng.choices(tag_sets, weights)[0]
            if VulnerabilityTag.ELDERLY_80_PLUS in tags:
                birth = rng.randint(year - 100, year - 80)
            elif VulnerabilityTag.ELDERLY in tags or VulnerabilityTag.EXTREME_POVERTY in tags:
                birth = rng.randint(year - 79, year - 60)
            elif VulnerabilityTag.CHILD in tags:
                birth = rng.randint(year - 14, year - 4)
            else:
                birth = rng.randint(year - 59, year - 18)
            # Drawn in this order, so a seed gives the same city.
            name = synthetic.name(rng)
            home = synthetic.near(rng, self.centres[c], 700)
            phone = synthetic.phone(rng)
            address = f"{rng.randint(1, 60)}栋{rng.randint(101, 3006)}"
            card = id_card(synthetic.id_number(rng, birth))
            b.add(
                Resident(
                    rid,
                    name,
                    home,
                    phone=phone,
                    address=address,
                    # Kept as registration keeps it, under the development key (a benchmark city).
                    id_hash=card.keyed_hash(DEVELOPMENT_ID_HASH_KEY),
                    id_last4=card.last4,
                    birth_year=birth,
                    gender=rng.choice((Gender.FEMALE, Gender.MALE)),
                    tags=tags,
                    languages=(Language.CANTONESE,)
                    if birth < 1960
                    else (Language.CANTONESE, Language.MANDARIN),
                    consent=rng.random() < 0.95,
                )
            )
            b.link(P.RESIDENT_LIVES_IN, rid, self.community_ids[c])
            if rng.random() < 0.3:
                b.link(
                    P.WORKER_CASE_MANAGER_OF,
                    rng.choice(self.workers_by_community[c]),
                    rid,
                    since="2024-01-01",
                )
            # Spread the needs evenly over the residents, as many as asked.
            due = round((n + 1) * spec.needs / spec.residents) - round(
                n * spec.needs / spec.residents
            )
            for _ in range(min(due, needs_left)):
                needs_left -= 1
                self.need(b, spec.needs - needs_left - 1, rid, c, tags)
            if len(b) >= CHUNK:
                await self.flush(b)
                self.progress("residents", n + 1, spec.residents)
        await self.flush(b)
        self.progress("residents", spec.residents, spec.residents)

    def need(self, b: Batch, n: int, rid: str, c: int, tags: tuple[str, ...]) -> None:
        rng = self.rng
        options = [x for tag in tags for x in NEEDS_BY_TAG.get(tag, [])] or [
            ("cat-visit", "探访", 1, 1)
        ]
        category, title, per_week, headcount = rng.choice(options)
        nid = self.id("need", n)
        b.add(
            synthetic.need(
                rng,
                nid,
                title,
                per_week,
                headcount,
                created=lambda: (
                    dt.datetime(2025, 1, 1, 9, tzinfo=UTC)
                    + dt.timedelta(minutes=rng.randrange(600 * 24 * 60))
                ),
                language_share=0.3,
                record_closing=False,
            )
        )
        b.link(S.RESIDENT_HAS_NEED, rid, nid)
        b.link(S.NEED_IN, nid, self.community_ids[c])
        b.link(S.NEED_OF_CATEGORY, nid, category)
        skill = taxonomy.SKILL_FOR_CATEGORY.get(category)
        if skill:
            b.link(S.NEED_REQUIRES, nid, skill)

    async def volunteers(self) -> None:
        spec, rng = self.spec, self.rng
        skills = [s[0] for s in taxonomy.SKILLS]
        categories = [c[0] for c in taxonomy.CATEGORIES]
        b = Batch()
        record = 0
        for n in range(spec.volunteers):
            vid = self.id("volunteer", n)
            c = rng.randrange(spec.communities)
            minutes = 0
            count = int(spec.records_per_volunteer) + (
                rng.random() < spec.records_per_volunteer % 1
            )
            for _ in range(count):
                rec = self.id("record", record)
                record += 1
                spent = rng.choice((60, 90, 120, 180))
                day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(680))
                b.add(
                    ServiceRecord(rec, day, spent, rng.randint(1, 4), rng.choice((3, 4, 5, None)))
                )
                b.link(S.VOLUNTEER_PERFORMED, vid, rec)
                b.link(S.RECORD_OF_CATEGORY, rec, rng.choice(categories))
                if self.projects and rng.random() < 0.3:
                    b.link(S.RECORD_PART_OF, rec, rng.choice(self.projects))
                if rng.random() < 0.8:
                    b.link(
                        S.WORKER_VERIFIED,
                        rng.choice(self.workers_by_community[c]),
                        rec,
                        at=dt.datetime.combine(day, dt.time(18), UTC),
                    )
                    minutes += spent
            minutes += rng.choice((0, 0, 0, 6_000, 18_000, 36_000, 60_000, 90_000))
            b.add(
                Volunteer(
                    vid,
                    synthetic.name(rng),
                    synthetic.near(rng, self.centres[c], 900),
                    phone=synthetic.phone(rng),
                    certificate_no=f"V{spec.seed}{n:08d}",
                    gender=rng.choice((Gender.FEMALE, Gender.FEMALE, Gender.MALE)),
                    birth_year=rng.randint(1950, 2006),
                    service_radius_meters=rng.choice((1000, 1500, 2000, 3000, 5000)),
                    availability=tuple(sorted(rng.sample(SLOTS, rng.randint(2, 6)))),
                    languages=rng.choice(
                        (
                            (Language.CANTONESE, Language.MANDARIN),
                            (Language.MANDARIN,),
                            (Language.CANTONESE,),
                        )
                    ),
                    status=rng.choices(
                        (VolunteerStatus.ACTIVE, VolunteerStatus.PAUSED, VolunteerStatus.LEFT),
                        (10, 1, 0.5),
                    )[0],
                    max_load=rng.choice((1, 2, 2, 3)),
                    verified_minutes=minutes,
                    star_level=star_level(minutes),
                    joined_on=dt.date(rng.randint(2014, 2025), rng.randint(1, 12), 1),
                )
            )
            b.link(P.VOLUNTEER_SERVES_AREA, vid, self.community_ids[c])
            if rng.random() < 0.3 and c + 1 < spec.communities:
                b.link(P.VOLUNTEER_SERVES_AREA, vid, self.community_ids[c + 1])
            # Levels and roles batch-written with their ties, unlike the demo's (which go through
            # rateVolunteerSkill's and setTeamMember's steps): for speed, docs/BENCHMARKS.md.
            for skill in rng.sample(skills, rng.randint(1, 3)):
                b.link(
                    P.VOLUNTEER_HAS_SKILL,
                    vid,
                    skill,
                    level=rng.choice(
                        (SkillLevel.BASIC, SkillLevel.SKILLED, SkillLevel.PROFESSIONAL)
                    ),
                    certified=rng.random() < 0.3,
                )
            teams = self.teams_by_community.get(c)
            if teams and rng.random() < 0.7:
                b.link(
                    P.VOLUNTEER_MEMBER_OF,
                    vid,
                    rng.choice(teams),
                    role=rng.choices(
                        (MemberRole.MEMBER, MemberRole.CORE, MemberRole.LEADER), (8, 2, 0.3)
                    )[0],
                    since="2023-01-01",
                )
            if len(b) >= CHUNK:
                await self.flush(b)
                self.progress("volunteers", n + 1, spec.volunteers)
        await self.flush(b)
        self.progress("volunteers", spec.volunteers, spec.volunteers)

    async def recruitments(self) -> None:
        spec, rng, b = self.spec, self.rng, Batch()
        total = max(1, len(self.orgs) // 10)
        for n in range(total):
            rid = self.id("recruitment", n)
            org = rng.choice(self.orgs)
            c = rng.randrange(spec.communities)
            # In the 60 days after the day it is generated, so sign-ups stay open to measure.
            starts = self.today + dt.timedelta(days=rng.randrange(60))
            b.add(
                Recruitment(
                    rid,
                    f"{self.community_name(c)}义工招募{n + 1}",
                    capacity=rng.choice((5, 10, 20, 50)),
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=3),
                )
            )
            b.link(S.RECRUITMENT_RUN_BY, org, rid)
            b.link(S.RECRUITMENT_IN, rid, self.community_ids[c])
            for _ in range(rng.randint(0, 4)):
                b.link(
                    S.VOLUNTEER_SIGNED_UP,
                    self.id("volunteer", rng.randrange(spec.volunteers)),
                    rid,
                    at=starts - dt.timedelta(days=2),
                    status=SignUpStatus.SIGNED_UP,
                )
        await self.flush(b)
        self.progress("recruitments", total, total)


async def generate(
    store: GraphStore, spec: CitySpec, progress: Progress | None = None
) -> Counter[str]:
    """Generate and load a city; returns what was written per label and relationship type."""
    return await CityGenerator(spec, store, progress).run()
