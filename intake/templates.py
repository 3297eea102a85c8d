"""The blank spreadsheets a station fills in: one per family, as CSV or XLSX.

Row 1 holds the Chinese headers (required ones marked ``*``), row 2 the English ones; an import
recognises and skips the English row, so both rows can stay. No sample rows: a forgotten sample
would be imported. The XLSX template formats every column as text (so Excel keeps phones, ID and
volunteer numbers whole instead of turning them into 1.38E+10) and adds a sheet 填写说明 (notes)
with each column's meaning and an example.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from intake.families import IntakeFamily

_KIND_NOTES = {
    "text": ("文字", "text"),
    "phone": ("11位手机号或带区号的固定电话", "an 11-digit mobile or a landline with area code"),
    "date": ("日期，如2024-03-05或2024年3月5日", "a date, like 2024-03-05"),
    "year": ("四位年份", "a four-digit year"),
    "gender": ("男 / 女", "男 (male) / 女 (female)"),
    "yes_no": ("是 / 否", "是 (yes) / 否 (no)"),
    "id_card": (
        "18位身份证号码(系统只保存加密摘要和末四位)",
        "the 18-character ID number (only a keyed hash and its last four characters are kept)",
    ),
    "certificate_no": (
        "社会工作者职业资格证书编号",
        "the social work qualification certificate number",
    ),
    "volunteer_no": ("全国志愿服务信息系统的志愿者编号", "the national volunteer number"),
    "community": ("系统中已有社区的名称或编号", "the name or id of a community in the system"),
    "links": (
        "系统中已有的名称或编号，多个用顿号分隔",
        "names or ids in the system, separated by 、",
    ),
    "codes": (
        "可填多个，用顿号分隔(见示例)",
        "several, separated by 、 or commas (see the example)",
    ),
    "code": ("填一个(见示例)", "one value (see the example)"),
    "rating": ("1A到5A", "1A to 5A"),
    "credit_code": ("18位统一社会信用代码", "the 18-character unified social credit code"),
    "volunteer": (
        "志愿者编号(或系统中的志愿者ID)",
        "the national volunteer number (or the volunteer's id in the system)",
    ),
    "need": (
        "系统中的需求ID(该志愿者已被派到的需求)",
        "the need's id in the system (one the volunteer is assigned to)",
    ),
    "service_date": (
        "一年内、不晚于今天的日期，如2024年3月5日",
        "a date within the last year, not in the future",
    ),
    "hours": (
        "小时数，大于0且不超过24(填小时或分钟之一)",
        "hours, more than 0 and at most 24 (give hours or minutes)",
    ),
    "minutes": (
        "分钟数，整数，不超过1440(填小时或分钟之一)",
        "whole minutes, at most 1440 (give hours or minutes)",
    ),
}


def headers(family: IntakeFamily) -> tuple[list[str], list[str]]:
    chinese = [c.zh + ("*" if c.required else "") for c in family.columns]
    return chinese, [c.en for c in family.columns]


def csv_bytes(family: IntakeFamily) -> bytes:
    """UTF-8 with a BOM: what Excel needs to open Chinese CSV without mojibake."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(headers(family))
    return out.getvalue().encode("utf-8-sig")


def write(family: IntakeFamily, path: Path, fmt: str) -> None:
    if fmt == "csv":
        path.write_bytes(csv_bytes(family))
        return
    import openpyxl  # noqa: PLC0415 - only xlsx templates need it
    from openpyxl.styles import Font  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = family.name
    chinese, english = headers(family)
    sheet.append(chinese)
    sheet.append(english)
    for i, column in enumerate(family.columns, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(14, len(column.en) + 4)
        sheet.column_dimensions[letter].number_format = "@"  # text: long numbers stay whole
        sheet.cell(1, i).font = Font(bold=True)
        sheet.cell(2, i).font = Font(italic=True, color="808080")
    sheet.freeze_panes = "A3"
    notes = book.create_sheet("填写说明 notes")
    notes.append(["列 column", "必填 required", "填写说明", "notes", "示例 example"])
    for column in family.columns:
        zh, en = _KIND_NOTES[column.kind]
        notes.append(
            [
                f"{column.zh} / {column.en}",
                "是 yes" if column.required else "",
                zh,
                en,
                column.example,
            ]
        )
    book.save(path)
