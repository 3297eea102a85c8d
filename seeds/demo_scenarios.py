"""The named people of the demo's stories (林婆婆 and the volunteers around her in 起湾社区),
so that tests and walkthroughs can point at them."""

from __future__ import annotations

import datetime as dt

from graph.model import organizations as O  # noqa: N812 - short aliases keep the data readable
from graph.model import people as P  # noqa: N812
from graph.model import services as S  # noqa: N812
from graph.model.entities import Point
from graph.model.organizations import Resource
from graph.model.people import Resident, Volunteer
from seeds import synthetic
from seeds.demo_core import UTC, Demo
from seeds.demo_data import CENTRE
from seeds.demo_history import Served, Service, record

# 何姨's weekly visits to her mother in 2025 (closed): the need her 30 verified hours are for.
PAST_VISITS = "need-zs-neighbour-1-visits-2025"
# 林婆婆's ID-card number (synthetic: region 99 is no region), kept only as the API keeps one.
LIN_ID_CARD = "990000194103150026"


def scenarios(d: Demo) -> None:
    """Named people for the stories the reports tell, so tests and demos can point at them.

    Around 起湾社区 (东区): 林婆婆, 85, living alone and speaking only Cantonese, with a weekly
    Tuesday-morning visit, a Cantonese chat on Thursday afternoons and a home clinic for
    which a pair of volunteers is needed; and the volunteers who are, or are not, able to
    serve her, each for one reason.
    """
    b = d.b
    home = CENTRE["community-zs-qiwan"]

    def at(north_m: float, east_m: float) -> Point:
        return Point(
            round(home.latitude + north_m / 111_320, 6),
            round(home.longitude + east_m / 104_000, 6),
        )

    elder = "resident-zs-qiwan-01"
    b.add(
        Resident(
            elder,
            "林婆婆",
            at(0, 0),
            phone="0760-01234567",
            address="起湾社区 3栋 502",
            birth_year=1941,
            gender="FEMALE",
            tags=("ELDERLY_80_PLUS", "LIVING_ALONE"),
            languages=("CANTONESE",),
            consent=True,
            registered_on=dt.date(2016, 3, 1),
        )
    )
    d.id_cards[elder] = LIN_ID_CARD
    b.link(P.RESIDENT_LIVES_IN, elder, "community-zs-qiwan")
    worker = d.workers_by_community["community-zs-qiwan"][0]
    b.link(P.WORKER_CASE_MANAGER_OF, worker, elder, since="2016-03-01")
    created = dt.datetime(2026, 11, 2, 9, tzinfo=UTC)
    for nid, title, cat, skill, slots, headcount, language, status in (
        ("need-zs-qiwan-01-visit", "每周上门探访", "cat-visit", "skill-visit",
         ("TUE_AM",), 1, False, "OPEN"),
        ("need-zs-qiwan-01-chat", "粤语陪伴聊天", "cat-visit", "skill-visit",
         ("THU_PM",), 1, True, "OPEN"),
        ("need-zs-qiwan-01-clinic", "上门义诊", "cat-clinic", "skill-clinic",
         ("WED_AM",), 2, False, "OPEN"),
        ("need-zs-qiwan-01-haircut", "上门义剪", "cat-haircut", "skill-haircut",
         ("SAT_AM",), 1, False, "OPEN"),  # closed once 陈叔 has cut her hair (below)
    ):  # fmt: skip
        b.add(
            S.Need(
                nid,
                title,
                status=status,
                urgency="HIGH" if nid == "need-zs-qiwan-01-visit" else "NORMAL",
                urgency_rank=S.URGENCY_RANK[
                    "HIGH" if nid == "need-zs-qiwan-01-visit" else "NORMAL"
                ],
                source="HOME_VISIT",
                headcount=headcount,
                slots=slots,
                duration_minutes=60,
                language_required=language,
                created_at=created,
            )
        )
        b.link(S.RESIDENT_HAS_NEED, elder, nid)
        b.link(S.NEED_IN, nid, "community-zs-qiwan")
        b.link(S.NEED_OF_CATEGORY, nid, cat)
        b.link(S.NEED_REQUIRES, nid, skill)
    # Two other residents' needs that keep some volunteers busy; and last year's weekly visits
    # to the first of them (何姨's mother), which 何姨 gave until that need was closed.
    for rid in ("resident-zs-neighbour-1", "resident-zs-neighbour-2"):
        name, phone = synthetic.name(d.rng), synthetic.phone(d.rng)
        d.id_cards[rid] = synthetic.id_number(d.rng, 1946)
        b.add(
            Resident(
                rid,
                name,
                at(150, -120),
                phone=phone,
                address="起湾社区 5栋 201",
                birth_year=1946,
                tags=("ELDERLY",),
                languages=("CANTONESE", "MANDARIN"),
                consent=True,
            )
        )
        b.link(P.RESIDENT_LIVES_IN, rid, "community-zs-qiwan")
    for rid, nid, title, slots, since in (
        ("resident-zs-neighbour-1", "need-zs-neighbour-visit", "邻居探访", ("TUE_AM",), created),
        ("resident-zs-neighbour-2", "need-zs-neighbour-shopping", "邻居探访", ("WED_PM",), created),
        ("resident-zs-neighbour-1", PAST_VISITS, "每周探访（2025年）", ("TUE_AM",),
         dt.datetime(2025, 1, 6, 9, tzinfo=UTC)),
    ):  # fmt: skip
        b.add(S.Need(nid, title, status="OPEN", slots=slots, created_at=since))
        b.link(S.RESIDENT_HAS_NEED, rid, nid)
        b.link(S.NEED_IN, nid, "community-zs-qiwan")
        b.link(S.NEED_OF_CATEGORY, nid, "cat-visit")
        b.link(S.NEED_REQUIRES, nid, "skill-visit")
    # (id, name, metres north, metres east, radius, slots, languages, skills, status, max
    # load, teams): each volunteer is in or out for one reason.
    people = (
        ("volunteer-zs-near", "何姨", 300, 0, 2000, ("TUE_AM", "THU_PM"),
         ("CANTONESE", "MANDARIN"), ("skill-visit",), "ACTIVE", 2, ("team-zs-linshe",)),
        ("volunteer-zs-regular", "陈叔", 0, 900, 1500, ("TUE_AM", "SAT_AM"),
         ("CANTONESE",), ("skill-chat", "skill-haircut"), "ACTIVE", 2, ("team-zs-linshe",)),
        ("volunteer-zs-far", "远方", 3500, 0, 1000, ("TUE_AM",),
         ("CANTONESE",), ("skill-visit",), "ACTIVE", 2, ()),
        ("volunteer-zs-busy", "忙碌", 200, 100, 2000, ("TUE_AM",),
         ("CANTONESE",), ("skill-visit",), "ACTIVE", 3, ()),
        ("volunteer-zs-loaded", "满载", 250, -100, 2000, ("TUE_AM", "WED_PM"),
         ("CANTONESE",), ("skill-visit",), "ACTIVE", 1, ()),
        ("volunteer-zs-paused", "暂停", 100, 100, 2000, ("TUE_AM",),
         ("CANTONESE",), ("skill-visit",), "PAUSED", 2, ()),
        ("volunteer-zs-mandarin", "普通话", 200, 200, 2000, ("THU_PM",),
         ("MANDARIN",), ("skill-chat",), "ACTIVE", 2, ()),
        ("volunteer-zs-tcm", "中医李", 400, 300, 3000, ("WED_AM",),
         ("CANTONESE", "MANDARIN"), ("skill-tcm-clinic",), "ACTIVE", 2,
         ("team-zs-mantianxin",)),
        ("volunteer-zs-doctor", "医生王", 500, -300, 3000, ("WED_AM",),
         ("MANDARIN",), ("skill-clinic",), "ACTIVE", 2, ("team-zs-mantianxin",)),
    )  # fmt: skip
    for vid, name, north, east, radius, slots, langs, skills, status, load, teams in people:
        b.add(
            Volunteer(
                vid,
                name,
                at(north, east),
                phone=synthetic.phone(d.rng),
                service_radius_meters=radius,
                availability=slots,
                languages=langs,
                status=status,
                max_load=load,
                verified_minutes=0,  # their verified records below add to it
                star_level=0,
                joined_on=dt.date(2018, 5, 1),
            )
        )
        b.link(P.VOLUNTEER_SERVES_AREA, vid, "community-zs-qiwan")
        d.community_of[vid] = "community-zs-qiwan"
        for skill in skills:
            b.link(P.VOLUNTEER_HAS_SKILL, vid, skill, level="SKILLED", certified=False)
        for team in teams:
            b.link(P.VOLUNTEER_MEMBER_OF, vid, team, role="MEMBER", since="2018-05-01")
    # Through the workflows (seeds.demo_history): 忙碌 and 满载 are assigned to the neighbours'
    # needs; 陈叔 cut 林婆婆's hair last year (continuity), and 何姨 gave her mother 30 hours of
    # weekly visits in 2025; both verified by 林婆婆's social worker and both needs closed since.
    d.services += [
        Service("volunteer-zs-busy", worker, ["need-zs-neighbour-visit"], 1, slots=["TUE_AM"]),
        Service("volunteer-zs-loaded", worker, ["need-zs-neighbour-shopping"], 1,
                slots=["WED_PM"]),
        Service("volunteer-zs-regular", worker, ["need-zs-qiwan-01-haircut"], 1,
                [Served(record("record-zs-qiwan-01-haircut", dt.date(2025, 10, 11), 60, 1, 5),
                        worker, 0, "cat-haircut")],
                close_after=True),
        Service("volunteer-zs-near", worker, [PAST_VISITS], 1,
                [Served(record(f"record-zs-near-visit-{week:02d}",
                               dt.date(2025, 1, 7) + dt.timedelta(weeks=week), 120, 1, 5),
                        worker, 0, "cat-visit")
                 for week in range(1, 16)],
                close_after=True),
    ]  # fmt: skip
    # A care pack on offer for visits to elders (慰问包), from the eldercare centre.
    b.add(
        Resource(
            "resource-zs-care-packs",
            "长者慰问包",
            "GOODS",
            40,
            "份",
            available_from=dt.date(2026, 1, 1),
            available_until=dt.date(2027, 12, 31),
            description="米、油、日用品，探访时带给独居长者。",
        )
    )
    b.link(O.ORG_OFFERS, "org-zs-east-eldercare", "resource-zs-care-packs")
    b.link(O.RESOURCE_OF_CATEGORY, "resource-zs-care-packs", "cat-care")
    # 何姨's mother lives nearby; 何姨 may spend time-bank credits on her care.
    b.link(S.VOLUNTEER_FAMILY_OF, "volunteer-zs-near", "resident-zs-neighbour-1",
           relation="PARENT")  # fmt: skip
