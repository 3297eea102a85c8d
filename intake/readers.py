"""Spreadsheet files as rows of cells, with the row numbers Excel shows.

CSV comes in whatever encoding the station's software saved: UTF-8 with a BOM (Excel's "CSV
UTF-8"), plain UTF-8, or GB18030/GBK (what Excel on a Chinese Windows saves as plain "CSV"). A
BOM decides; otherwise the file is tried as strict UTF-8 and, failing that, as GB18030 (a
superset of GBK and GB2312). XLSX is read with openpyxl in read-only mode, so a large roster is
streamed, not loaded whole; values come as Excel typed them (numbers, dates), and
:func:`intake.normalize.clean` keeps long numbers whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from intake.normalize import clean


class FileRefused(ValueError):
    """The file as a whole cannot be read (no header, missing columns, not a spreadsheet)."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(code, zh, en)
        self.code, self.zh, self.en = code, zh, en


@dataclass(frozen=True)
class Row:
    number: int  # as Excel shows it: the first line of the file is row 1
    cells: tuple[Any, ...]

    @property
    def blank(self) -> bool:
        return all(clean(cell) == "" for cell in self.cells)


def decode(data: bytes) -> str:
    """The text of a CSV file in UTF-8 (with or without a BOM) or GB18030/GBK."""
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRefused(
            "BAD_ENCODING",
            "无法识别文件编码：请在Excel中“另存为”CSV UTF-8或Excel工作簿(.xlsx)",
            "The file's encoding is not UTF-8 or GB18030/GBK: save it from Excel as "
            "'CSV UTF-8' or as an Excel workbook (.xlsx).",
        ) from None


def read_csv(path: Path) -> Iterator[Row]:
    text = decode(path.read_bytes())
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            yield Row(number, tuple(cells))
    except csv.Error as exc:
        raise FileRefused(
            "BAD_CSV",
            "CSV文件格式有误(例如引号不配对或单元格过长)：请在Excel中重新另存为CSV",
            "The CSV file is malformed (an unbalanced quote, a cell too long): save it from "
            "Excel again.",
        ) from exc


def read_xlsx(path: Path, sheet: str | None = None) -> Iterator[Row]:
    """The rows of the first sheet (or the one named). Merged cells give their value in the
    first cell and blanks in the rest, which the header finder and the columns table expect."""
    import openpyxl  # noqa: PLC0415 - only imports of .xlsx files need it
    from openpyxl.utils.exceptions import InvalidFileException  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileRefused(
            "BAD_WORKBOOK",
            "无法打开该Excel文件：请确认是.xlsx格式(旧的.xls请先另存为.xlsx)",
            "The workbook cannot be opened: it must be .xlsx (save an old .xls as .xlsx).",
        ) from exc
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise FileRefused(
                "NO_SUCH_SHEET",
                f"找不到工作表“{sheet}”",
                f"The workbook has no sheet named {sheet!r}.",
            )
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        for number, cells in enumerate(worksheet.iter_rows(min_row=1, values_only=True), 1):
            yield Row(number, tuple(cells))
    finally:
        book.close()


def read(path: Path, sheet: str | None = None) -> Iterator[Row]:
    """Rows of a .csv/.txt or .xlsx file, chosen by its first bytes (a zip is a workbook)."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"PK"):
        return read_xlsx(path, sheet)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            "OLD_EXCEL_FORMAT",
            "这是旧版Excel(.xls)文件：请另存为.xlsx或CSV后再导入",
            "This is an old Excel (.xls) file: save it as .xlsx or CSV first.",
        )
    return read_csv(path)
