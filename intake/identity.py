"""The keys people already have: a resident's ID-card number and a volunteer's national number.

A resident's 居民身份证号码 (GB 11643-1999) is checked (18 characters, the ISO 7064 MOD 11-2
check character, a plausible birth date) and then kept only as a keyed hash plus its last four
characters: the hash finds the same person again on the next import, the last four let a social
worker tell two records apart on the phone, and the number itself is never stored or logged.
The hash is HMAC-SHA256 under ``settings.id_hash_key``: without the key nobody can test guessed
numbers (an ID number has little entropy: region, birth date, three digits) against the hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from intake.normalize import Bad, clean, phone

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"  # the check character for (weighted sum mod 11)
_SHAPE = re.compile(r"^[1-9][0-9]{16}[0-9X]$")


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 over the first 17 digits, as GB 11643 defines it."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class IdCard:
    """A checked ID-card number, held only until it is hashed; its repr shows the last four."""

    number: str = field(repr=False)
    birth: dt.date

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def gender(self) -> str:
        """The 17th digit: odd for men, even for women."""
        return "MALE" if int(self.number[16]) % 2 else "FEMALE"

    def keyed_hash(self, key: str) -> str:
        return hmac.new(key.encode(), self.number.encode(), hashlib.sha256).hexdigest()


def id_card(value: object, today: dt.date | None = None) -> IdCard:
    """An 18-character resident ID number, checked; full-width digits and a lower-case x pass."""
    text = clean(value).replace(" ", "").upper()
    if len(text) == 15 and text.isdigit():
        raise Bad(
            "OLD_ID_NUMBER",
            "这是旧的15位身份证号，请填写18位号码",
            "This is an old 15-digit ID number; give the 18-character one.",
        )
    if not _SHAPE.match(text):
        raise Bad(
            "BAD_ID_NUMBER",
            "身份证号应为18位：17位数字加1位数字或X",
            "An ID number has 18 characters: 17 digits, then a digit or X.",
        )
    if check_character(text[:17]) != text[17]:
        raise Bad(
            "BAD_ID_CHECKSUM",
            "身份证号校验位不符，请核对号码(常见原因：抄错一位，或Excel把号码存成了数字)",
            "The ID number's check character does not match: a digit is wrong, or Excel stored "
            "the number as a number and lost its last digits.",
        )
    today = today or dt.date.today()
    try:
        birth = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        birth = None
    if birth is None or not dt.date(1890, 1, 1) <= birth <= today:
        raise Bad(
            "BAD_ID_BIRTH_DATE",
            "身份证号中的出生日期不合理",
            "The birth date inside the ID number is not a possible one.",
        )
    return IdCard(text, birth)


# The national volunteer number (全国志愿服务信息系统 志愿者编号) and the numbers of local
# platforms (i志愿, 志愿汇…) that stations export have no published format or check digit, and
# differ by platform: digits, sometimes letter prefixes, 8 to ~20 characters. So the check is
# loose on purpose: letters and digits only (after dropping spaces and hyphens), 6 to 32 long.
# It still catches what goes wrong in practice: a blank, a name in the wrong column, a number
# Excel turned into 1.23E+17.
VOLUNTEER_NO = re.compile(r"^[0-9A-Z]{6,32}$")


def volunteer_no(value: object) -> str:
    return _loose_number(value, "志愿者编号", "volunteer number")


def certificate_no(value: object) -> str:
    """A social worker's 职业资格证书 number: shaped as loosely as a volunteer number, for the
    same reason (the format has changed over the years and by province)."""
    return _loose_number(value, "证书编号", "certificate number")


def _loose_number(value: object, zh: str, en: str) -> str:
    text = clean(value).upper()
    if re.fullmatch(r"[0-9.]+E\+?[0-9]+", text):
        raise Bad(
            "SCIENTIFIC_NOTATION",
            f"{zh}被写成了科学计数法，数字已丢失；请把该列设为“文本”后重新填写",
            f"The {en} was saved in scientific notation and has lost digits; format the column "
            "as Text and enter it again.",
        )
    text = re.sub(r"[\s\-]", "", text)
    if not VOLUNTEER_NO.match(text):
        raise Bad(
            f"BAD_{en.upper().replace(' NUMBER', '_NO')}",
            f"{zh}应为6到32位字母或数字",
            f"A {en} has 6 to 32 letters or digits.",
        )
    return text


# 统一社会信用代码 (GB 32100-2015): 18 characters from 31 (no I, O, Z, S, V); the last is a
# check character, 31 minus the weighted sum mod 31.
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_SHAPE = re.compile(rf"^[{_CREDIT_CHARS}]{{18}}$")


def credit_check_character(first17: str) -> str:
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_CHARS[(31 - total % 31) % 31]


def credit_code(value: object) -> str:
    """An organization's unified social credit code, checked."""
    text = re.sub(r"[\s\-]", "", clean(value).upper())
    if not _CREDIT_SHAPE.match(text):
        raise Bad(
            "BAD_CREDIT_CODE",
            "统一社会信用代码应为18位数字或大写字母(不含I、O、Z、S、V)",
            "A unified social credit code has 18 digits or capital letters (no I, O, Z, S, V).",
        )
    if credit_check_character(text[:17]) != text[17]:
        raise Bad(
            "BAD_CREDIT_CODE_CHECKSUM",
            "统一社会信用代码校验位不符，请核对",
            "The unified social credit code's check character does not match: a character is "
            "wrong.",
        )
    return text


# The normalisers a family's declaration names for a property (``Prop.check``): the API's
# registration, the import and the demo check a value with the same one. (An ID-card number,
# ``id_card``, is checked and kept as its keyed hash by each caller: it needs the key.)
CHECKS: Mapping[str, Callable[[object], str]] = {
    "phone": phone,
    "volunteer_no": volunteer_no,
    "certificate_no": certificate_no,
    "credit_code": credit_code,
}
