"""Spreadsheets as stations save them, made by the tests: CSV in each encoding, XLSX with a
merged title banner, numbers Excel stored as numbers, trailing blank rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from graph.engine.store import GraphStore
from graph.model import entities
from graph.model.entities import Point
from graph.model.places import Community
from graph.model.taxonomy import Skill
from intake.identity import check_character

Cells = Sequence[object]


def id_number(region: str = "440103", birth: str = "19450302", seq: str = "123") -> str:
    """A valid 18-character ID number (correct check character) for the tests."""
    first17 = region + birth + seq
    return first17 + check_character(first17)


def write_csv(path: Path, rows: Sequence[Cells], encoding: str = "utf-8-sig") -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: Sequence[Cells], title: str | None = None) -> Path:
    """A workbook whose first rows may be a title merged across the header's width (as most
    Chinese rosters have), then ``rows`` as given (numbers stay numbers)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    if title is not None:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


COMMUNITIES = (
    Community("comm-dongfeng", "东风社区", Point(22.52, 113.39)),
    Community("comm-xinhua", "新华社区", Point(22.53, 113.40)),
    Community("comm-xinhua-2", "新华社区", Point(36.07, 120.38)),  # the same name in another city
)
SKILLS = (Skill("skill-escort", "陪诊"), Skill("skill-elder", "助老"))


async def places(store: GraphStore) -> None:
    """The communities and skills a station's rows name (imports never make them up)."""
    await entities.upsert(store, list(COMMUNITIES))
    await entities.upsert(store, list(SKILLS))
