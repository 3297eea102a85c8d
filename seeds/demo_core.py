"""The demo's builder: places, taxonomies, the helpers that add organizations, projects and
social workers, and the synthetic people with their needs and their planned service
(``seeds.demo`` runs it; ``seeds.demo_regions`` and ``seeds.demo_scenarios`` add the rest)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from graph import workflows
from graph.model import organizations as O  # noqa: N812 - short aliases keep the data readable
from graph.model import people as P  # noqa: N812
from graph.model import places as PL  # noqa: N812
from graph.model import services as S  # noqa: N812
from graph.model.entities import Point
from graph.model.organizations import Fund, Organization, Project
from graph.model.people import Resident, SocialWorker, Volunteer
from graph.model.places import Community, District
from graph.model.services import ACTIVE_NEED_STATUSES, Recruitment
from seeds import synthetic, taxonomy
from seeds.batch import Batch
from seeds.casework import Giving, Posting, Referring
from seeds.demo_data import (
    BOAI_BRIGADES,
    BOAI_PROJECTS,
    BOAI_RECORD_MINUTES,
    BOAI_RECORDS_PER_VOLUNTEER,
    CENTRE,
    CITIES,
    CITY_OF,
    COMMUNITIES,
    DISTRICTS,
    EAST,
    EAST_TEAMS,
    HUANGPU_CORE_VOLUNTEERS,
    HUANGPU_GROUPS,
    LANGUAGES,
    NEEDS_BY_TAG,
    SLOTS,
    SOUTH,
    TAG_MIX,
)
from seeds.demo_history import Served, Service, record

SEED = 20161122
UTC = dt.UTC


class Demo:
    """Builds the demo set into a :class:`Batch`, deterministically."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.b = Batch()
        self.workers_by_community: dict[str, list[str]] = {}
        self.volunteers_by_community: dict[str, list[str]] = {}
        self.needs: list[tuple[str, str, str]] = []  # (need id, community, category)
        self.need_details: dict[str, tuple[S.Need, str | None, tuple[str, ...]]] = {}
        self.languages_of: dict[str, tuple[str, ...]] = {}
        self.services: list[Service] = []  # what volunteers do, through the workflows
        # Residents' ID-card numbers, registered as the API keeps them (a keyed hash and the
        # last four characters: ``seeds.registered``), never stored as they are.
        self.id_cards: dict[str, str] = {}
        self.postings: list[Posting] = []  # recruitments and sign-ups, through the workflows
        self.referrings: list[Referring] = []
        self.gifts: list[Giving] = []
        self.community_of: dict[str, str] = {}  # volunteer -> the community they serve
        self.history = random.Random(SEED + 1)  # their service history draws from its own stream
        self.counter: Counter[str] = Counter()

    def next_id(self, prefix: str) -> str:
        self.counter[prefix] += 1
        return f"{prefix}-{self.counter[prefix]:04d}"

    # --- places and taxonomies ----------------------------------------------------------

    def places(self) -> None:
        b = self.b
        b.add(*CITIES)
        for did, name, level, city in DISTRICTS:
            b.add(District(did, name, level))
            b.link(PL.DISTRICT_IN_CITY, did, city)
        for cid, name, did, lat, lon, kind, population in COMMUNITIES:
            b.add(Community(cid, name, Point(lat, lon), kind, population))
            b.link(PL.COMMUNITY_IN_DISTRICT, cid, did)

    def taxonomies(self) -> None:
        taxonomy.add_to(self.b)

    # --- organizations ------------------------------------------------------------------

    def org(
        self,
        oid: str,
        name: str,
        kind: str,
        community: str,
        *,
        registration: str | None = "REGISTERED",
        rating: int | None = None,
        team_level: str | None = None,
        founded: str | None = None,
        description: str | None = None,
        categories: tuple[str, ...] = (),
        serves: tuple[str, ...] = (),
    ) -> str:
        where = synthetic.near(self.rng, CENTRE[community], 300)
        self.b.add(
            Organization(
                oid,
                name,
                kind,
                where,
                registration=registration,
                rating=rating,
                team_level=team_level,
                founded_on=dt.date.fromisoformat(founded) if founded else None,
                description=description,
                phone=synthetic.phone(self.rng),
            )
        )
        for cat in categories:
            self.b.link(O.ORG_OF_CATEGORY, oid, cat)
        for area in serves or (community,):
            self.b.link(O.ORG_SERVES_AREA, oid, area)
        return oid

    def project(
        self,
        pid: str,
        name: str,
        runner: str,
        communities: tuple[str, ...],
        categories: tuple[str, ...],
        *,
        start: str = "2016-03-01",
        status: str = "ACTIVE",
        budget_yuan: int | None = None,
        description: str | None = None,
        parent: str | None = None,
    ) -> str:
        self.b.add(
            Project(
                pid,
                name,
                status=status,
                description=description,
                start_date=dt.date.fromisoformat(start),
                budget_fen=None if budget_yuan is None else budget_yuan * 100,
            )
        )
        self.b.link(O.ORG_RUNS_PROJECT, runner, pid, role="LEAD")
        for c in communities:
            self.b.link(O.PROJECT_TARGETS, pid, c)
        for cat in categories:
            self.b.link(O.PROJECT_OF_CATEGORY, pid, cat)
        if parent:
            self.b.link(O.PROJECT_PART_OF, pid, parent)
        return pid

    def fund(
        self,
        fid: str,
        name: str,
        kind: str,
        manager: str,
        categories: tuple[str, ...],
        *,
        established: str,
        district: str | None = None,
        community: str | None = None,
        description: str | None = None,
    ) -> str:
        """A fund managed by ``manager``, covering a district or a community."""
        self.b.add(
            Fund(
                fid,
                name,
                kind,
                established_on=dt.date.fromisoformat(established),
                description=description,
            )
        )
        self.b.link(O.FUND_MANAGED_BY, fid, manager)
        if district:
            self.b.link(O.FUND_COVERS_DISTRICT, fid, district)
        if community:
            self.b.link(O.FUND_COVERS_COMMUNITY, fid, community)
        for cat in categories:
            self.b.link(O.FUND_OF_CATEGORY, fid, cat)
        return fid

    # --- people -------------------------------------------------------------------------

    def workers(
        self,
        org: str,
        communities: tuple[str, ...],
        count: int,
        *,
        org_name: str | None = None,
        senior_first: bool = False,
    ) -> list[str]:
        if org_name:
            self.org(org, org_name, "SOCIAL_WORK_AGENCY", communities[0])
        ids = []
        for i in range(count):
            wid = self.next_id("worker")
            qualification = (
                "SENIOR"
                if senior_first and i == 0
                else self.rng.choice(("ASSISTANT", "ASSISTANT", "INTERMEDIATE"))
            )
            self.b.add(
                SocialWorker(
                    wid,
                    synthetic.name(self.rng),
                    qualification,
                    synthetic.phone(self.rng),
                    "督导" if i == 0 else None,
                )
            )
            self.b.link(P.WORKER_EMPLOYED_BY, wid, org, since="2016-01-01")
            for c in communities[i::count] or communities[:1]:
                self.b.link(P.WORKER_COVERS, wid, c)
                self.workers_by_community.setdefault(c, []).append(wid)
            ids.append(wid)
        return ids

    def residents(self, community: str, count: int) -> None:
        rng, b = self.rng, self.b
        langs = LANGUAGES[CITY_OF[community]]
        tag_sets, weights = zip(*TAG_MIX, strict=True)
        for _ in range(count):
            rid = self.next_id("resident")
            tags = rng.choices(tag_sets, weights)[0]
            if "ELDERLY_80_PLUS" in tags:
                birth = rng.randint(1928, 1944)
            elif "ELDERLY" in tags or "EXTREME_POVERTY" in tags:
                birth = rng.randint(1945, 1964)
            elif "CHILD" in tags:
                birth = rng.randint(2011, 2019)
            else:
                birth = rng.randint(1960, 2000)
            spoken = tuple(langs[:1]) if birth < 1960 else tuple(langs)
            if "MIGRANT" in tags:
                spoken = ("MANDARIN",)
            # Drawn in this order, so a seed gives the same people.
            name = synthetic.name(rng)
            home = synthetic.near(rng, CENTRE[community], 600)
            phone = synthetic.phone(rng)
            address = f"{rng.randint(1, 40)}栋{rng.randint(1, 30)}0{rng.randint(1, 6)}"
            self.id_cards[rid] = synthetic.id_number(rng, birth)
            b.add(
                Resident(
                    rid,
                    name,
                    home,
                    phone=phone,
                    address=address,
                    birth_year=birth,
                    gender=rng.choice(("FEMALE", "MALE")),
                    tags=tags,
                    languages=spoken,
                    consent=True,
                    registered_on=dt.date(2016, rng.randint(1, 12), rng.randint(1, 28)),
                )
            )
            b.link(P.RESIDENT_LIVES_IN, rid, community)
            self.languages_of[rid] = spoken
            workers = self.workers_by_community.get(community)
            if workers:
                b.link(P.WORKER_CASE_MANAGER_OF, rng.choice(workers), rid, since="2016-06-01")
            for tag in tags:
                for category, title, per_week, headcount in NEEDS_BY_TAG.get(tag, []):
                    if rng.random() < 0.6:
                        self.need(rid, community, category, title, per_week, headcount)

    def need(
        self,
        resident: str,
        community: str,
        category: str,
        title: str,
        per_week: int,
        headcount: int,
    ) -> None:
        rng = self.rng
        nid = self.next_id("need")
        need = synthetic.need(
            rng,
            nid,
            title,
            per_week,
            headcount,
            created=lambda: (
                dt.datetime(2024, 1, 1, 9, tzinfo=UTC)
                + dt.timedelta(days=rng.randint(0, 600), hours=rng.randint(0, 8))
            ),
            language_share=0.4,
            record_closing=True,
        )
        self.b.add(need)
        self.b.link(S.RESIDENT_HAS_NEED, resident, nid)
        self.b.link(S.NEED_IN, nid, community)
        self.b.link(S.NEED_OF_CATEGORY, nid, category)
        skill = taxonomy.SKILL_FOR_CATEGORY.get(category)
        if skill:
            self.b.link(S.NEED_REQUIRES, nid, skill)
        self.needs.append((nid, community, category))
        self.need_details[nid] = (need, skill, self.languages_of[resident])

    def volunteers(self, community: str, count: int, teams: list[str]) -> None:
        rng, b = self.rng, self.b
        langs = LANGUAGES[CITY_OF[community]]
        skills = [s[0] for s in taxonomy.SKILLS]
        for i in range(count):
            vid = self.next_id("volunteer")
            # Everyone gets a couple of skills; in 东区 every third volunteer can cut hair (义剪).
            held = set(rng.sample(skills, rng.randint(1, 3)))
            if community in EAST and i % 3 == 0:
                held.add("skill-haircut")
            volunteer = Volunteer(
                vid,
                synthetic.name(rng),
                synthetic.near(rng, CENTRE[community], 800),
                phone=synthetic.phone(rng),
                certificate_no=f"ZSBA{rng.randrange(10**6):06d}"
                if CITY_OF[community] == "city-zhongshan"
                else None,
                gender=rng.choice(("FEMALE", "FEMALE", "MALE")),
                birth_year=rng.randint(1950, 2004),
                service_radius_meters=rng.choice((1000, 1500, 2000, 3000, 5000)),
                availability=tuple(sorted(rng.sample(SLOTS, rng.randint(2, 6)))),
                languages=tuple(langs if rng.random() < 0.7 else langs[1:]),
                status=rng.choices(("ACTIVE", "PAUSED", "LEFT"), (10, 1, 0.5))[0],
                max_load=rng.choice((1, 2, 2, 3)),
                verified_minutes=0,  # the verifications below add to it
                star_level=0,
                joined_on=dt.date(rng.randint(2014, 2023), rng.randint(1, 12), 1),
            )
            b.add(volunteer)
            b.link(P.VOLUNTEER_SERVES_AREA, vid, community)
            for skill in sorted(held):
                b.link(
                    P.VOLUNTEER_HAS_SKILL,
                    vid,
                    skill,
                    level=rng.choice(("BASIC", "SKILLED", "PROFESSIONAL")),
                    certified=rng.random() < 0.3,
                )
            for team in teams:
                b.link(
                    P.VOLUNTEER_MEMBER_OF,
                    vid,
                    team,
                    role=rng.choices(("MEMBER", "CORE", "LEADER"), (8, 2, 0.5))[0],
                    since=f"{rng.randint(2014, 2023)}-0{rng.randint(1, 9)}-01",
                )
            self.volunteers_by_community.setdefault(community, []).append(vid)
            self.community_of[vid] = community
            self.plan_service(volunteer, community, held, teams)

    def plan_service(
        self, volunteer: Volunteer, community: str, held: set[str], teams: list[str]
    ) -> None:
        """What the volunteer does: takes on local needs they fit (the API checks it again) and
        keeps records of their service, most verified by a social worker covering the place.
        博爱 volunteers serve on the report's scale (demo_data.BOAI_RECORDS_PER_VOLUNTEER)."""
        rng = self.history
        workers = self.workers_by_community[community]
        boai = CITY_OF[community] == "city-zhongshan"
        fits = [
            nid
            for nid, where, _ in self.needs
            if where == community and self._fits(volunteer, held, nid)
        ]
        rng.shuffle(fits)
        low, high = BOAI_RECORDS_PER_VOLUNTEER if boai else (2, 6)
        minutes = BOAI_RECORD_MINUTES if boai else (60, 90, 120, 180, 240)
        service = Service(
            volunteer.id,
            workers[0],
            fits[:4],
            min(volunteer.max_load, rng.choice((1, 1, 2))),
        )
        local = [cat for _, where, cat in self.needs if where == community] or ["cat-care"]
        for _ in range(rng.randint(low, high)):
            served = record(
                self.next_id("record"),
                dt.date(2025, 12, 1) - dt.timedelta(days=rng.randint(0, 330)),
                rng.choice(minutes),
                rng.randint(1, 5),
                rng.choice((4, 5, 5, None)),
            )
            project = rng.choice(BOAI_PROJECTS) if boai else None
            service.records.append(
                Served(
                    served,
                    rng.choice(workers) if rng.random() < 0.8 else None,
                    rng.randrange(2),
                    project[1] if project else rng.choice(local),
                    project[0] if project else None,
                )
            )
        self.services.append(service)

    def _fits(self, volunteer: Volunteer, held: set[str], nid: str) -> bool:
        """A first sieve over needs the volunteer could take on; ``assign`` has the last word."""
        need, skill, spoken = self.need_details[nid]
        wanted = need.slots or ((need.one_off_slot,) if need.one_off_slot else ())
        return (
            volunteer.status == "ACTIVE"
            and need.status in ACTIVE_NEED_STATUSES
            and (skill is None or skill in held or skill.split("-")[1] in "".join(held))
            and bool(set(wanted) & set(volunteer.availability))
            and (not need.language_required or bool(set(spoken) & set(volunteer.languages)))
        )

    def people(self) -> None:
        rng = self.rng
        team_of = {c: [t for t, _, home in EAST_TEAMS if home == c] for c in EAST}
        home_brigade: dict[str, str] = {}
        for bid, _, home in BOAI_BRIGADES:
            home_brigade.setdefault(home, bid)
        for cid, *_ in COMMUNITIES:
            self.residents(cid, rng.randint(8, 12))
        for cid, *_ in COMMUNITIES:
            teams = list(team_of.get(cid, []))
            if not teams and cid in EAST:
                teams = [rng.choice(EAST_TEAMS)[0]]
            brigade = home_brigade.get(cid) or (
                "team-zs-boai-east"
                if cid in EAST
                else "team-zs-boai-south"
                if cid in SOUTH
                else None
            )
            if cid == "community-zs-huangpu":
                # 24 骨干 in three groups of the 黄圃 brigade (boai report, line 19).
                size = HUANGPU_CORE_VOLUNTEERS // HUANGPU_GROUPS
                for i in range(1, HUANGPU_GROUPS + 1):
                    self.volunteers(cid, size, [*teams, "team-zs-boai-huangpu", f"{brigade}-{i}"])
                continue
            if cid == "community-zs-xiqu":
                # 西区 and 儿童福利院 brigades both meet in 西区: two volunteers each.
                self.volunteers(cid, 2, [*teams, "team-zs-boai-west"])
                self.volunteers(cid, 2, [*teams, "team-zs-boai-welfare"])
                continue
            if brigade:
                teams.append(brigade)
            if cid == "community-qd-xingangshanlu":
                teams.append("team-qd-linli-jieyou")
            self.volunteers(cid, 6 if cid in EAST else 4, teams)

    def workflows(self) -> None:
        """Recruitments and their sign-ups, referrals and gifts of resources, planned here and
        written through their steps by ``seeds.casework`` (assignments and service records are
        the volunteers' part: ``plan_service``, written by ``seeds.demo_history``). Recruitments
        start in the days after the load, so the demo always has activities to sign up for."""
        rng = self.rng
        first = workflows.now().replace(hour=1, minute=0, second=0) + dt.timedelta(days=4)
        for i, (community, org, title) in enumerate(
            (
                ("community-zs-qiwan", "org-zs-east-hub", "衣物银行周末分拣义工招募"),
                ("community-zs-liangdu", self.org_id_lianhe, "良都长者探访义工招募"),
                ("community-qd-xingangshanlu", "org-qd-senior-studio", "“邻里节”活动志愿者招募"),
                ("community-hz-qiaosi", "org-hz-huahu", "胡阿虎便民服务日志愿者招募"),
            ),
            start=1,
        ):
            starts = first + dt.timedelta(days=i - 1)
            recruitment = Recruitment(
                f"recruitment-{i:02d}",
                title,
                capacity=rng.choice((10, 20, 30)),
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=4),
                place="社区服务中心",
            )
            clothes_bank = i == 1
            self.postings.append(
                Posting(
                    recruitment,
                    org,
                    community,
                    tuple((self.volunteers_by_community.get(community) or [])[:3]),
                    venue="venue-zs-east-hub" if clothes_bank else None,
                    project="project-zs-clothes-bank" if clothes_bank else None,
                    skills=("skill-sorting",) if clothes_bank else (),
                )
            )
        self.referrals()
        relief = [n for n in self.active_needs() if n[2] == "cat-relief"][:2]
        for nid, _, _ in relief:
            self.gifts.append(Giving("resource-zs-clothes", nid, 20, by="worker-0001"))

    def active_needs(self) -> list[tuple[str, str, str]]:
        """The needs a referral or a gift may be for: those still open to service."""
        return [n for n in self.needs if self.need_details[n[0]][0].status in ACTIVE_NEED_STATUSES]

    def referrals(self) -> None:
        """联和 refers three needs for specialist help, within reach: to 东区's community health
        centre, which works with it on residents with mental disorders (the 东区 report), and to
        智源; the first is accepted, the second completed, the third still pending."""
        legal = [n for n in self.active_needs() if n[2] in {"cat-legal", "cat-mental"}][:3]
        for i, (nid, _, _) in enumerate(legal, start=1):
            status = ("PENDING", "ACCEPTED", "COMPLETED")[i % 3]
            self.referrings.append(
                Referring(
                    f"referral-{i:02d}",
                    nid,
                    "org-zs-lianhe",
                    "org-zs-east-clinic" if i % 2 else "org-zs-zhiyuan",
                    "需要专业服务",
                    status,
                    outcome="已完成个案辅导" if status == "COMPLETED" else None,
                )
            )
