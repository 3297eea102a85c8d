"""Synthetic people: names, phones, birth years and homes that look real and are not.

Everything is drawn from a seeded ``random.Random``, so a seed always gives the same people.
Phones are Zhongshan landlines whose local number starts with 0 (``0760-0…``): a local number
in China never does (0 is the trunk prefix), so these can never ring anyone, and the API's
phone check accepts them, as the demo is registered through it. Identity numbers start with
region code 99, which no region has.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable

from graph.model.entities import Point
from graph.model.services import URGENCY_RANK, Need, booking
from graph.model.vocab import NeedSource, NeedStatus, Urgency, WeeklySlot
from intake.identity import check_character

URGENCIES = (Urgency.LOW, Urgency.NORMAL, Urgency.HIGH, Urgency.CRITICAL)
NEED_STATUSES = (
    NeedStatus.OPEN,
    NeedStatus.MATCHED,
    NeedStatus.IN_SERVICE,
    NeedStatus.CLOSED,
    NeedStatus.CANCELLED,
)
SLOTS = list(WeeklySlot)  # MON_AM, MON_PM, MON_EVE, TUE_AM … SUN_EVE
DAYTIME_SLOTS = SLOTS[:18]  # needs recur Monday to Saturday

SURNAMES = "陈李黄张梁林刘何吴郑杨罗周谭冯曾郭卢蔡许谢邓彭萧苏潘钟余朱叶徐孙马胡高赵王袁温欧"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华玲桂兰志辉建国淑珍文彬少玉凤金海燕瑞霞平红梅"
    "嘉欣俊浩子轩婉婷佩仪锦荣振雄美玲惠芬家豪宝珠碧云耀祖德胜丽珍国强绍基"
)


def name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def phone(rng: random.Random) -> str:
    # Eight draws, as before the format changed: a seed gives the same people after a phone.
    digits = "".join(str(rng.randrange(10)) for _ in range(8))
    return "0760-0" + digits[1:]


def id_number(rng: random.Random, birth_year: int) -> str:
    """An ID-card number no one holds (region code 99, which no region has) that passes the
    API's check: a possible birth date and the check character GB 11643 computes."""
    first = f"99{rng.randrange(10_000):04d}{birth_year:04d}{rng.randrange(1, 13):02d}" + (
        f"{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}"
    )
    return first + check_character(first)


def near(rng: random.Random, centre: Point, radius_m: float) -> Point:
    """A point uniformly inside a circle around ``centre`` (good enough at city scale)."""
    r = radius_m * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    dlat = (r * math.cos(theta)) / 111_320
    dlon = (r * math.sin(theta)) / (111_320 * math.cos(math.radians(centre.latitude)))
    return Point(round(centre.latitude + dlat, 6), round(centre.longitude + dlon, 6))


def need(
    rng: random.Random,
    nid: str,
    title: str,
    per_week: int,
    headcount: int,
    *,
    created: Callable[[], dt.datetime],
    language_share: float,
    record_closing: bool,
) -> Need:
    """A need as surveys record them; ``created`` draws its report time (each set has its own)."""
    urgency = rng.choices(URGENCIES, (2, 6, 2, 0.3))[0]
    at = created()
    status = rng.choices(NEED_STATUSES, (5, 2, 3, 3, 0.5))[0]
    one_off_at = None if per_week else at + dt.timedelta(days=rng.randint(3, 20))
    one_off_slot, one_off_key = booking(one_off_at) if one_off_at else (None, None)
    return Need(
        nid,
        title,
        status=status,
        urgency=urgency,
        urgency_rank=URGENCY_RANK[urgency],
        source=rng.choice(
            (
                NeedSource.SURVEY,
                NeedSource.HOME_VISIT,
                NeedSource.COMMUNITY_COMMITTEE,
                NeedSource.SELF_REPORT,
            )
        ),
        headcount=headcount,
        slots=tuple(sorted(rng.sample(DAYTIME_SLOTS, per_week))) if per_week else (),
        one_off_at=one_off_at,
        one_off_slot=one_off_slot,
        one_off_key=one_off_key,
        duration_minutes=rng.choice((60, 90, 120)),
        language_required=rng.random() < language_share,
        created_at=at,
        closed_at=at + dt.timedelta(days=rng.randint(10, 90))
        if record_closing and status == NeedStatus.CLOSED
        else None,
    )
