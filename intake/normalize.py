"""Cell values as people type them into spreadsheets, turned into the values the graph keeps.

Each function takes what a reader gave for one cell (text, a number, a date) and returns the
canonical value, or raises :class:`Bad` with a stable code and a message in Chinese and English.
Messages never repeat the cell's value: the report of an import may be read by someone who
should not see a resident's phone or ID number, and the file's owner has the value anyway.
"""

from __future__ import annotations

import datetime as dt
import re

# Full-width forms (U+FF01..U+FF5E) map to ASCII by a fixed offset; the ideographic space is a
# space. Narrower than NFKC on purpose: NFKC would also rewrite compatibility ideographs in names.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


class Bad(ValueError):
    """One cell that cannot be used: a stable code, and what is wrong in Chinese and English."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(code, zh, en)
        self.code, self.zh, self.en = code, zh, en

    def __str__(self) -> str:
        return f"{self.code}: {self.en}"


def halfwidth(text: str) -> str:
    """Full-width digits, letters, punctuation and spaces as their ASCII forms."""
    return text.translate(_FULL_WIDTH)


def clean(value: object) -> str:
    """A cell as trimmed text with runs of spaces collapsed; empty for a blank cell.

    Spreadsheet numbers come through whole: an integral float (``1.3800138e10``, what Excel
    stores for a phone typed as a number) becomes its digits, never ``13800138000.0``.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = text.translate(_FULL_WIDTH)
    return " ".join(text.split())


_SCIENTIFIC = re.compile(r"^[0-9.]+[eE][+-]?[0-9]+$")
_PHONE_NOISE = re.compile(r"[\s\-()（）.·]")
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE = re.compile(r"^0[1-9][0-9]{8,10}$")


def _no_scientific(text: str, what_zh: str, what_en: str) -> None:
    if _SCIENTIFIC.match(text):
        raise Bad(
            "SCIENTIFIC_NOTATION",
            f"{what_zh}被写成了科学计数法(如1.38E+10)，数字可能已丢失；请把该列设为“文本”后重新填写",
            f"The {what_en} was saved in scientific notation (like 1.38E+10), which may have lost "
            "digits; format the column as Text and enter it again.",
        )


def phone(value: object) -> str:
    """A Chinese phone number: an 11-digit mobile (``13800138000``) or a landline with its area
    code (``020-12345678``). Country prefixes (+86, 0086), spaces, hyphens, brackets and
    full-width digits are accepted and dropped."""
    text = clean(value)
    _no_scientific(text, "电话", "phone")
    digits = _PHONE_NOISE.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.match(digits):
        return digits
    if _LANDLINE.match(digits):
        # 010 and 02x are the two-digit area codes (Beijing, Shanghai, Guangzhou…); the rest
        # have three digits after the 0. The local number is 7 or 8 digits.
        split = 3 if digits[1] in "12" else 4
        local = digits[split:]
        if 7 <= len(local) <= 8:
            return f"{digits[:split]}-{local}"
    raise Bad(
        "BAD_PHONE",
        "电话号码无效：应为11位手机号，或带区号的固定电话(如020-12345678)",
        "Not a valid phone number: an 11-digit mobile, or a landline with its area code "
        "(like 020-12345678).",
    )


# Excel counts days from 1899-12-30 (its 1900 leap-year bug folded in); 2958465 is 9999-12-31.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_FORMS = (
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"),
    re.compile(r"^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_BAD_DATE = Bad(
    "BAD_DATE",
    "日期无法识别：请写成2024-03-05、2024/3/5或2024年3月5日",
    "Not a date: write it as 2024-03-05, 2024/3/5 or 2024年3月5日.",
)


def date(value: object) -> dt.date:
    """A date from an Excel date cell, an Excel serial number, or 2024年3月5日, 2024/3/5,
    2024-03-05, 2024.3.5, 20240305."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = clean(value)
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a serial that reached a CSV as text
        return _serial(float(text))
    for form in _DATE_FORMS:
        match = form.match(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                raise _BAD_DATE from None
    raise _BAD_DATE


def _serial(number: float) -> dt.date:
    if not 1 <= number <= 2_958_465:
        raise _BAD_DATE
    return _EXCEL_EPOCH + dt.timedelta(days=int(number))


_TRUE = {"是", "有", "同意", "已同意", "y", "yes", "true", "1", "√"}
_FALSE = {"否", "无", "不同意", "未同意", "n", "no", "false", "0", "×"}


def yes_no(value: object) -> bool:
    text = clean(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise Bad("BAD_YES_NO", "请填“是”或“否”", "Write 是 (yes) or 否 (no).")


_GENDERS = {"男": "MALE", "女": "FEMALE", "m": "MALE", "f": "FEMALE"}


def gender(value: object) -> str:
    text = clean(value).lower()
    found = _GENDERS.get(text) or {"male": "MALE", "female": "FEMALE"}.get(text)
    if found is None:
        raise Bad("BAD_GENDER", "性别请填“男”或“女”", "Gender: write 男 (male) or 女 (female).")
    return found


def whole_number(value: object, low: int, high: int) -> int:
    text = clean(value)
    if not text.isdigit() or not low <= int(text) <= high:
        raise Bad(
            "BAD_NUMBER",
            f"应为{low}到{high}之间的整数",
            f"Must be a whole number from {low} to {high}.",
        )
    return int(text)


_GRADES = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}


def rating(value: object) -> int:
    """A social organization's evaluation grade (评估等级), 1A–5A: 4A, AAAA, 4A级, 四级, 4."""
    text = clean(value).upper().removesuffix("级").removesuffix("等")
    grade = None
    if re.fullmatch(r"[1-5]A?", text):
        grade = int(text[0])
    elif re.fullmatch(r"A{1,5}", text):
        grade = len(text)
    elif text in _GRADES:
        grade = _GRADES[text]
    if grade is None:
        raise Bad("BAD_RATING", "评估等级请填1A到5A", "An evaluation grade is 1A to 5A.")
    return grade


_LIST_SEPARATORS = re.compile(r"[,，、;；/|\s]+")


def items(value: object) -> list[str]:
    """A cell listing several things (技能: 助老、陪诊; slots: 周二上午，周四下午)."""
    return [part for part in _LIST_SEPARATORS.split(clean(value)) if part]
