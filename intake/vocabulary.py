"""The fixed vocabularies a cell may name, in their codes or their Chinese names.

The codes and the Chinese names are the domain's own (``graph.model.vocab``: each value's
description ends with its Chinese names in brackets, e.g. ``Lives alone … (独居 / 孤寡).``), read
from there so a station's 独居 and the API's LIVING_ALONE can never drift apart.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from graph.model import vocab
from intake.normalize import Bad, items

_CHINESE = re.compile(r"\(([^()]*[\u4e00-\u9fff][^()]*)\)\.?$")


@functools.cache
def _table(enum_name: str) -> Mapping[str, str]:
    """Every spelling -> code: the code itself (any case) and each Chinese name."""
    table: dict[str, str] = {}
    for member in getattr(vocab, enum_name):
        code = str(member.value)
        table[code.lower()] = code
        found = _CHINESE.search(member.description or "")
        for name in re.split(r"\s*/\s*", found.group(1)) if found else ():
            table[name.strip().lower()] = code
    if enum_name == "WeeklySlot":  # 星期二上午 and 周日/周天 as well as 周二上午
        for spelling, code in list(table.items()):
            if spelling.startswith("周"):
                table["星期" + spelling[1:]] = code
                if spelling.startswith("周日"):
                    table["周天" + spelling[2:]] = code
                    table["星期天" + spelling[2:]] = code
    return table


# Spellings stations use that the API's descriptions do not carry.
_EXTRA: Mapping[str, Mapping[str, str]] = {
    "Registration": {
        "登记": "REGISTERED",
        "已登记": "REGISTERED",
        "备案": "FILED",
        "未登记": "INFORMAL",
    },
}


def _example(enum_name: str) -> str:
    table = _table(enum_name)
    chinese = [k for k in table if not k.isascii()][:2]
    return "、".join(chinese) + " / " + next(iter(table.values()))


def codes(enum_name: str, value: object) -> list[str]:
    """The codes a cell lists, in order, each once; an unknown name is :class:`Bad`."""
    table = {**_table(enum_name), **_EXTRA.get(enum_name, {})}
    found: dict[str, None] = {}
    for item in items(value):
        code = table.get(item.lower())
        if code is None:
            raise Bad(
                "UNKNOWN_VALUE",
                f"无法识别“{item}”，可填：{_example(enum_name)}等",
                f"Unknown value {item!r}; for example {_example(enum_name)}.",
            )
        found[code] = None
    return list(found)


def code(enum_name: str, value: object) -> str:
    """The one code a cell names."""
    found = codes(enum_name, value)
    if len(found) != 1:
        raise Bad("ONE_VALUE", "此列只能填一个值", "This column takes one value.")
    return found[0]
