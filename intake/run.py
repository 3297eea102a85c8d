"""One import: read the file, check every row, look its names up, write the good rows.

By default the rows without problems go in and the others are reported: a station's roster of
5,000 volunteers with three mistyped phones should not wait for the three to be fixed, and the
import is idempotent, so the corrected file can simply be imported again (the rows already in
change nothing). ``all_or_nothing`` refuses the whole file when any row has a problem, for
bureaus that keep the spreadsheet as the record and want the graph to match it exactly.
A dry run checks everything, the graph lookups included, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.access import audit
from graph.engine.store import GraphStore
from graph.io import intake as graph_intake
from graph.model import entities
from graph.model.registry import family_named as registered_family
from graph.model.text import search_text
from intake import hours
from intake.families import FAMILIES, SERVICE_HOURS, Column, IntakeFamily
from intake.readers import FileRefused, read
from intake.rows import Header, Parsed, Problem, data_rows, find_header, parse

BATCH = 2_000

Progress = Callable[[int], None]  # called with the number of rows just written


@dataclass
class Report:
    family: str
    dry_run: bool
    all_or_nothing: bool
    rows: int = 0  # data rows in the file
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # service hours already recorded (nothing written for them)
    refused: bool = False  # nothing written: the file, or (all-or-nothing) one of its rows, failed
    unknown_columns: tuple[str, ...] = ()
    problems: list[Problem] = field(default_factory=list)
    header: Header | None = field(default=None, repr=False)  # the file's, once found

    @property
    def failed_rows(self) -> int:
        return len({p.row for p in self.problems if p.row is not None})

    @property
    def complete(self) -> bool:
        """Every row went in (or, in a dry run, would)."""
        return not self.refused and not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "dryRun": self.dry_run,
            "allOrNothing": self.all_or_nothing,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "failedRows": self.failed_rows,
            "refused": self.refused,
            "complete": self.complete,
            "unknownColumns": list(self.unknown_columns),
            "problems": [p.as_json() for p in self.problems],
        }


def family_named(name: str) -> IntakeFamily:
    try:
        return FAMILIES[name]
    except KeyError:
        raise ValueError(
            f"Unknown family {name!r}: import one of {', '.join(sorted(FAMILIES))}."
        ) from None


async def check(
    store: GraphStore,
    family: IntakeFamily,
    path: Path,
    id_hash_key: str,
    sheet: str | None = None,
    worker: str | None = None,
) -> tuple[Report, list[Parsed]]:
    """Every row checked (cells, duplicates, names looked up); nothing written. ``worker``: the
    social worker importing (service hours), who may name only needs they cover."""
    report = Report(family.name, dry_run=True, all_or_nothing=False)
    try:
        header, rest = find_header(family, iter(read(path, sheet)))
        report.unknown_columns = header.unknown
        report.header = header
        good: list[Parsed] = []
        first_seen: dict[str, int] = {}
        for result in parse(family, header, data_rows(family, header, rest), id_hash_key):
            report.rows += 1
            if isinstance(result, list):
                report.problems.extend(result)
                continue
            if family is SERVICE_HOURS:  # its key is known once the volunteer is looked up
                if "minutes" not in result.values:
                    report.problems.append(_no_duration(result.row))
                    continue
                good.append(result)
                continue
            if result.key in first_seen:
                column = header.titles[_position(header, family.key)]
                report.problems.append(
                    Problem(
                        result.row,
                        column,
                        "DUPLICATE_ROW",
                        f"与第{first_seen[result.key]}行是同一条记录(编号相同)，本行未导入",
                        f"The same record (same key) as row {first_seen[result.key]}; this row "
                        "was not imported.",
                    )
                )
                continue
            first_seen[result.key] = result.row
            good.append(result)
    except FileRefused as refused:
        report.refused = True
        report.problems.append(Problem(None, None, refused.code, refused.zh, refused.en))
        return report, []
    if family is SERVICE_HOURS:
        good = await hours.resolve(store, header, good, report, worker)
    else:
        good = await _resolve(store, family, header, good, report)
    report.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return report, good


def _no_duration(row: int) -> Problem:
    hours, minutes = SERVICE_HOURS.column("hours"), SERVICE_HOURS.column("minutes")
    return Problem(
        row,
        hours.zh,
        "REQUIRED",
        f"请填写“{hours.zh}”或“{minutes.zh}”",
        f"Give the {hours.en} or the {minutes.en}.",
    )


def _position(header: Header, field_name: str) -> int:
    return next(i for i, c in header.columns.items() if c.field == field_name)


async def _resolve(
    store: GraphStore, family: IntakeFamily, header: Header, good: list[Parsed], report: Report
) -> list[Parsed]:
    """Communities, skills, employers named by id or name; a row naming an unknown or ambiguous
    one is a problem (never a new community or skill made up on the way)."""
    communities = await graph_intake.find(store, "Community", (p.community for p in good))
    named = {
        c.field: await graph_intake.find(
            store, _end(c), (name for p in good for name in p.links[c.field])
        )
        for c in family.links
    }
    kept: list[Parsed] = []
    for parsed in good:
        problems = []
        found = communities.get(parsed.community, [])
        title = header.titles[_position(header, "community")]
        if len(found) != 1:
            problems.append(_unknown(parsed.row, title, "社区", "community", len(found)))
        else:
            parsed.community = found[0]
        for column in family.links:
            ids = []
            for name in parsed.links[column.field]:
                matches = named[column.field].get(name, [])
                if len(matches) != 1:
                    title = header.titles.get(_position(header, column.field), column.zh)
                    zh, en = f"{column.zh}“{name}”", f"{column.en} {name!r}"
                    problems.append(_unknown(parsed.row, title, zh, en, len(matches)))
                else:
                    ids.append(matches[0])
            parsed.links[column.field] = sorted(set(ids))
        if problems:
            report.problems.extend(problems)
        else:
            kept.append(parsed)
    return kept


def _end(column: Column) -> str:
    assert column.rel is not None, column
    return column.rel.end


def _unknown(row: int, title: str, zh: str, en: str, matches: int) -> Problem:
    if matches == 0:
        return Problem(
            row,
            title,
            "UNKNOWN_REFERENCE",
            f"系统中没有该{zh}：请填写系统中已有的名称或编号",
            f"No {en} of that name or id in the graph: use one that exists.",
        )
    return Problem(
        row,
        title,
        "AMBIGUOUS_REFERENCE",
        f"有{matches}个同名的{zh}：请改填编号",
        f"{matches} of them have that name: use the id instead.",
    )


async def run(
    store: GraphStore,
    family_name: str,
    path: Path,
    *,
    id_hash_key: str,
    dry_run: bool = False,
    all_or_nothing: bool = False,
    sheet: str | None = None,
    actor: tuple[str, str] | None = None,
    progress: Progress | None = None,
    worker: str | None = None,
) -> Report:
    """Import ``path`` as ``family_name``; ``actor`` (actor, role) audits it with its counts;
    ``worker``: a social worker importing service hours, for the needs they cover only."""
    family = family_named(family_name)
    report, good = await check(store, family, path, id_hash_key, sheet, worker)
    report.dry_run, report.all_or_nothing = dry_run, all_or_nothing
    if all_or_nothing and report.problems:
        report.refused = True
    if not (dry_run or report.refused):
        if family is SERVICE_HOURS:
            assert report.header is not None  # the file was read
            await hours.write(store, report.header, good, report, actor, progress, worker)
        else:
            await _write(store, family, good, report, progress)
    if actor is not None:
        await _audit(store, family, report, actor)
    return report


def _created_defaults(family: IntakeFamily) -> dict[str, Any]:
    """The record's defaults (``Family.defaults``, as a registration sets them), set on a new
    node only (a matched one keeps what it has); an imported record starts at version 0, and
    each import that changes it bumps it (``graph.io.intake``)."""
    return {**registered_family(family.label).defaults, "version": 0}


async def _write(
    store: GraphStore,
    family: IntakeFamily,
    good: Sequence[Parsed],
    report: Report,
    progress: Progress | None,
) -> None:
    created = _created_defaults(family)
    prefix = family.label.lower()
    for start in range(0, len(good), BATCH):
        batch = good[start : start + BATCH]
        rows = [
            {
                "key": p.key,
                "id": f"{prefix}-{uuid.uuid4().hex[:16]}",
                "community": p.community,
                "props": {entities.camel(k): v for k, v in p.values.items() if k != family.key},
                "created": created,
                "search": search_text(p.values.get("name")),
            }
            for p in batch
        ]
        for row, p in zip(rows, batch, strict=True):
            row["props"][entities.camel(family.key)] = p.key
        written = await graph_intake.upsert(store, family.label, rows)
        ids = {w.key: w.id for w in written}
        report.created += sum(w.created for w in written)
        report.updated += sum(not w.created for w in written)
        placed = [(ids[p.key], p.community) for p in batch]
        linked = [(column.rel, column.field) for column in family.links if column.rel is not None]
        ties = [(family.place, placed)] + [
            (rel, [(ids[p.key], end) for p in batch for end in p.links[name]])
            for rel, name in linked
        ]
        # A matched record gaining a relationship (a skill, a community; a resident's new home)
        # is changed too: its version is bumped once the links are written.
        new = {w.id for w in written if w.created}
        gained: set[str] = set()
        for rel, pairs in ties:
            gained |= await graph_intake.gaining(store, rel, pairs)
        if family.one_place:
            await graph_intake.move_residents(store, placed)
        for rel, pairs in ties:
            await entities.link(store, rel, pairs)
        # Bumped again after the links too, so an update read between the properties and the
        # links (with the version the properties' change gave) is still refused: it did not see
        # the links this row adds.
        await graph_intake.bump(store, family.label, gained - new)
        if progress is not None:
            progress(len(batch))


async def _audit(
    store: GraphStore, family: IntakeFamily, report: Report, actor: tuple[str, str]
) -> None:
    """Who imported what, and the counts: never a row's values."""
    outcome = "REFUSED" if report.refused else ("OK" if report.complete else "PARTIAL")
    if report.dry_run:
        outcome = f"DRY_RUN_{outcome}"
    await audit.append(
        store,
        [
            audit.AuditEntry(
                id=f"audit-{uuid.uuid4().hex}",
                at=dt.datetime.now(dt.UTC),
                actor=actor[0],
                role=actor[1],
                action="MUTATION",
                operation=f"import{family.label}s",
                fields=(
                    f"rows={report.rows}",
                    f"created={report.created}",
                    f"updated={report.updated}",
                    f"unchanged={report.unchanged}",
                    f"failedRows={report.failed_rows}",
                ),
                outcome=outcome,
                rows=report.created + report.updated,
            )
        ],
    )
