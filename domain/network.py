"""How the network appears in an analysis: a resident as a stand-in, money shared out.

A resident's name (and the free text of records about them) shows only where the viewer may read
it (``policy.in_analysis``); otherwise a resident stands in as "服务对象 · <age band>" and any
other record by its id. Money granted to a project working in several communities is shared
equally among them, so each community's figure adds up to the grant.
"""

from __future__ import annotations

from dataclasses import dataclass

from access import inference

RESIDENT = "服务对象"


@dataclass(frozen=True)
class Shown:
    """One node of an analysis as the viewer sees it: ``name`` is a stand-in when
    ``name_withheld``."""

    label: str
    key: str
    name: str | None
    name_withheld: bool = False


def stand_in(label: str, key: str, birth_year: int | None) -> str:
    """What shows in place of a name the viewer may not read."""
    if label != "Resident":
        return key
    band = inference.age_band(birth_year)
    return f"{RESIDENT} · {band}" if band else RESIDENT


def shares(amount: int, parts: int) -> list[int]:
    """``amount`` shared equally among ``parts``, the rest to the first, so the shares add up."""
    share, rest = divmod(amount, parts)
    return [share + (rest if i == 0 else 0) for i in range(parts)]


def hours(minutes: int) -> float:
    return round(minutes / 60, 2)
