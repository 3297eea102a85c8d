"""From a file's rows to checked values: find the header, match the columns, check each cell.

Every problem is reported where the user will look for it: the row number Excel shows, the
column's header as written in the file, a stable code and a message in Chinese and English.
A file whose header cannot be found, or that lacks a required column, is refused as a whole.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from graph.workflows.service import MAX_SERVICE_HOURS, service_date_problem, service_minutes
from intake import identity, normalize, vocabulary
from intake.families import Column, IntakeFamily, header_key
from intake.normalize import Bad, clean
from intake.readers import FileRefused, Row

HEADER_SEARCH_ROWS = 10  # a title, a date line or a merged banner may come before the header


@dataclass(frozen=True)
class Problem:
    row: int | None  # None: about the file, not one row
    column: str | None  # the header as the file writes it
    code: str
    zh: str
    en: str

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Header:
    row: int  # the last header row (data start below it)
    columns: Mapping[int, Column]  # cell position -> the column it holds
    titles: Mapping[int, str]  # cell position -> its header as written
    unknown: tuple[str, ...]  # headers no column of the family has


@dataclass
class Parsed:
    """One row's checked values: fields of the record, and the names it refers to."""

    row: int
    key: str
    values: dict[str, Any] = field(default_factory=dict)
    community: str = ""
    links: dict[str, list[str]] = field(default_factory=dict)  # column field -> names or ids


def _lookup(family: IntakeFamily) -> dict[str, Column]:
    return {header_key(name): column for column in family.columns for name in column.names}


def find_header(family: IntakeFamily, rows: Iterator[Row]) -> tuple[Header, Iterator[Row]]:
    """The header row (the first of the first rows naming two or more known columns) and the
    rows after it."""
    lookup = _lookup(family)
    seen: list[Row] = []
    for row in rows:
        seen.append(row)
        matched = {
            i: lookup[header_key(c)] for i, c in enumerate(row.cells) if header_key(c) in lookup
        }
        if len({c.field for c in matched.values()}) >= min(2, len(family.columns)):
            return _header(family, row, matched), rows
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    names = "、".join(c.zh for c in family.columns if c.required)
    raise FileRefused(
        "NO_HEADER",
        f"前{HEADER_SEARCH_ROWS}行中找不到表头；表头须包含：{names}",
        f"No header row in the first {HEADER_SEARCH_ROWS} rows; it must name: "
        + ", ".join(c.en for c in family.columns if c.required)
        + ".",
    )


def _header(family: IntakeFamily, row: Row, matched: Mapping[int, Column]) -> Header:
    columns: dict[int, Column] = {}
    titles: dict[int, str] = {}
    unknown: list[str] = []
    for i, cell in enumerate(row.cells):
        title = clean(cell)
        if i in matched:
            if matched[i] in columns.values():
                unknown.append(f"{title} (重复列 duplicate column, ignored)")
                continue
            columns[i] = matched[i]
            titles[i] = title
        elif title:
            unknown.append(title)
    missing = [c for c in family.columns if c.required and c not in columns.values()]
    if missing:
        raise FileRefused(
            "MISSING_COLUMNS",
            "缺少必填列：" + "、".join(c.zh for c in missing),
            "Required columns are missing: " + ", ".join(c.en for c in missing) + ".",
        )
    return Header(row.number, columns, titles, tuple(unknown))


def _is_header_again(header: Header, row: Row, lookup: Mapping[str, Column]) -> bool:
    filled = [(i, c) for i, c in enumerate(row.cells) if clean(c)]
    return bool(filled) and all(
        header.columns.get(i) is lookup.get(header_key(c)) for i, c in filled
    )


def data_rows(family: IntakeFamily, header: Header, rest: Iterable[Row]) -> Iterator[Row]:
    """The data rows: blank rows (trailing ones, spacers) and the English header row skipped."""
    lookup = _lookup(family)
    first = True
    for row in rest:
        if row.blank:
            continue
        if first and _is_header_again(header, row, lookup):
            first = False
            continue
        first = False
        yield row


def _converters(id_hash_key: str) -> Mapping[str, Callable[[Column, Any], Mapping[str, Any]]]:
    def id_card(column: Column, value: Any) -> Mapping[str, Any]:
        card = identity.id_card(value)
        return {
            "id_hash": card.keyed_hash(id_hash_key),
            "id_last4": card.last4,
            "birth_year": card.birth.year,
            "gender": card.gender,
        }

    def one(convert: Callable[[Any], Any]) -> Callable[[Column, Any], Mapping[str, Any]]:
        return lambda column, value: {column.field: convert(value)}

    def text(value: Any) -> str:
        cleaned = clean(value)
        if len(cleaned) > 200:
            raise Bad("TOO_LONG", "内容过长(最多200字)", "Too long (200 characters at most).")
        return cleaned

    return {
        "volunteer": one(clean),
        "need": one(clean),
        "service_date": one(lambda v: _service_date(v).isoformat()),
        "hours": lambda column, v: {"minutes": _service_minutes(v, 1)},
        "minutes": lambda column, v: {"minutes": _service_minutes(v, 60)},
        "text": one(text),
        "phone": one(normalize.phone),
        "date": one(lambda v: normalize.date(v).isoformat()),
        "year": one(lambda v: normalize.whole_number(v, 1890, 2100)),
        "gender": one(normalize.gender),
        "yes_no": one(normalize.yes_no),
        "id_card": id_card,
        "volunteer_no": one(identity.volunteer_no),
        "certificate_no": one(identity.certificate_no),
        "community": one(clean),
        "links": one(normalize.items),
        "codes": lambda column, v: {column.field: vocabulary.codes(str(column.vocabulary), v)},
        "code": lambda column, v: {column.field: vocabulary.code(str(column.vocabulary), v)},
        "rating": one(normalize.rating),
        "credit_code": one(identity.credit_code),
    }


# recordService's rules for a date and a duration (graph/workflows/service.py), in a cell's words.
_DATE_PROBLEMS = {
    "FUTURE": ("FUTURE_DATE", "服务日期不能晚于今天", "The service date is in the future."),
    "TOO_OLD": (
        "DATE_TOO_OLD",
        "只能登记一年以内的服务",
        "Only services within the last year can be recorded.",
    ),
}


def _service_date(value: Any) -> Any:
    date = normalize.date(value)
    problem = service_date_problem(date)
    if problem is not None:
        raise Bad(*_DATE_PROBLEMS[problem])
    return date


def _service_minutes(value: Any, per_hour: int) -> int:
    """A cell of hours (``per_hour`` 1) or of whole minutes (60) as minutes, within
    recordService's bounds."""
    text = clean(value)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if per_hour == 60 and amount.is_finite() and amount != amount.to_integral_value():
        amount = Decimal("NaN")  # minutes are whole
    try:
        return service_minutes(amount / per_hour if amount.is_finite() else amount)
    except ValueError:
        high = MAX_SERVICE_HOURS * (60 if per_hour == 60 else 1)
        unit_zh, unit_en = ("分钟", "minutes") if per_hour == 60 else ("小时", "hours")
        raise Bad(
            "BAD_DURATION",
            f"时长应为大于0且不超过{high}的{unit_zh}数",
            f"The duration must be a number of {unit_en} more than 0 and at most {high}.",
        ) from None


def parse(
    family: IntakeFamily, header: Header, rows: Iterable[Row], id_hash_key: str
) -> Iterator[Parsed | list[Problem]]:
    """Each data row checked: its values, or its problems (all of them, not the first)."""
    converters = _converters(id_hash_key)
    for row in rows:
        problems: list[Problem] = []
        values: dict[str, Any] = {}
        given: dict[str, str] = {}  # a field -> the title of the column that gave it
        for i, column in header.columns.items():
            cell = row.cells[i] if i < len(row.cells) else None
            title = header.titles[i]
            if clean(cell) == "":
                if column.required:
                    problems.append(
                        Problem(
                            row.number,
                            title,
                            "REQUIRED",
                            f"“{column.zh}”不能为空",
                            f"{column.en.capitalize()} is required.",
                        )
                    )
                continue
            try:
                converted = converters[column.kind](column, cell)
            except Bad as bad:
                problems.append(Problem(row.number, title, bad.code, bad.zh, bad.en))
                continue
            # What a column says outright (its one value: 服务小时数 gives minutes) against what
            # another said outright: two columns for one thing that disagree are refused, never
            # one taken over the other. A value implied besides (an ID number's gender) yields.
            if column.field in converted:
                outright = [column.field]
            else:
                outright = list(converted) if len(converted) == 1 else []
            clash = [
                given[name]
                for name in outright
                if name in given and values.get(name) != converted[name]
            ]
            if clash:
                problems.append(
                    Problem(
                        row.number,
                        title,
                        "CONFLICTING_COLUMNS",
                        f"“{clash[0]}”和“{title}”只填一个，或填相同的值",
                        f"Give {clash[0]} or {title}, not both (or the same value in both).",
                    )
                )
                continue
            given.update(dict.fromkeys(outright, title))
            for name, value in converted.items():
                # The gender an ID number implies yields to a gender column.
                if name not in values or name == column.field:
                    values[name] = value
        if problems:
            yield problems
            continue
        yield Parsed(
            row=row.number,
            key=values.pop(family.key),
            community=values.pop("community", ""),
            links={c.field: values.pop(c.field, []) for c in family.links},
            values=values,
        )
