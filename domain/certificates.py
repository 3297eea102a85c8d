"""What a service certificate (志愿服务记录证明) shows and how it is numbered: pure rules.

The certificate prints the volunteer's ID type and a masked number (the full number is never
stored: it is masked before the graph sees it), and the public verification shows only the
number, a masked name and the hours (docs/GROUND.md).
"""

from __future__ import annotations

import datetime as dt
import secrets
from enum import StrEnum

# Crockford's base32 without I, L, O, U: read aloud or typed from paper without confusion.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARS = 10  # 50 bits: a guessed number names no certificate


class IdType(StrEnum):
    """证件类型 (67号令 第十五条: 证件类型及号码)."""

    RESIDENT_ID = "居民身份证"
    PASSPORT = "护照"
    HK_MACAO_PERMIT = "港澳居民来往内地通行证"
    TAIWAN_PERMIT = "台湾居民来往大陆通行证"
    OTHER = "其他"


def new_number(today: dt.date) -> str:
    """``ZYFW-20261201-7K3Q9M2XPA``: the issue day, then 10 random characters."""
    tail = "".join(secrets.choice(_ALPHABET) for _ in range(RANDOM_CHARS))
    return f"ZYFW-{today:%Y%m%d}-{tail}"


def is_number(text: str) -> bool:
    """Whether ``text`` has the shape of a certificate number (a cheap refusal of junk)."""
    parts = text.split("-")
    return (
        len(parts) == 3
        and parts[0] == "ZYFW"
        and len(parts[1]) == 8
        and parts[1].isdigit()
        and len(parts[2]) == RANDOM_CHARS
        and all(c in _ALPHABET for c in parts[2])
    )


def mask_id(number: str) -> str:
    """The ID number as printed: the first 4 and last 4 characters of a long number (the region
    and the check digits of a 身份证号), one of each of a short one, the rest ``*``."""
    number = number.strip().upper()
    keep = 4 if len(number) >= 12 else 1
    if len(number) <= 2 * keep:
        return "*" * len(number)
    return number[:keep] + "*" * (len(number) - 2 * keep) + number[-keep:]


def mask_name(name: str) -> str:
    """The name as the public verification shows it: the first and (for 3+ characters) last
    character, ``*`` between — 张三 → 张*, 欧阳小明 → 欧**明."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def hours(minutes: int) -> str:
    """Hours as printed: two decimals at most, no trailing zeros (12.5, 3, 0.75)."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")
