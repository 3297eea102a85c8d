"""Synthetic people: names, phones, birth years and homes that look real and are not.

Everything is drawn from a seeded ``random.Random``, so a seed always gives the same people.
Phones are 11 digits starting with 100: Chinese mobile numbers start with 13–19, so these can
never ring anyone. Identity numbers start with region code 99, which no region has.
"""

from __future__ import annotations

import math
import random

from graph.entities import Point

SURNAMES = "陈李黄张梁林刘何吴郑杨罗周谭冯曾郭卢蔡许谢邓彭萧苏潘钟余朱叶徐孙马胡高赵王袁温欧"
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华玲桂兰志辉建国淑珍文彬少玉凤金海燕瑞霞平红梅"
    "嘉欣俊浩子轩婉婷佩仪锦荣振雄美玲惠芬家豪宝珠碧云耀祖德胜丽珍国强绍基"
)


def name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def phone(rng: random.Random) -> str:
    return "100" + "".join(str(rng.randrange(10)) for _ in range(8))


def id_number(rng: random.Random, birth_year: int) -> str:
    return f"99{rng.randrange(10_000):04d}{birth_year:04d}{rng.randrange(1, 13):02d}" + (
        f"{rng.randrange(1, 29):02d}{rng.randrange(1000):03d}X"
    )


def near(rng: random.Random, centre: Point, radius_m: float) -> Point:
    """A point uniformly inside a circle around ``centre`` (good enough at city scale)."""
    r = radius_m * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    dlat = (r * math.cos(theta)) / 111_320
    dlon = (r * math.sin(theta)) / (111_320 * math.cos(math.radians(centre.latitude)))
    return Point(round(centre.latitude + dlat, 6), round(centre.longitude + dlon, 6))
