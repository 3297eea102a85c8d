"""Service hours from a spreadsheet: each row is what ``recordService`` records, under its rules.

A row names a volunteer (national number or id), a need (its id), the date and the hours or
minutes, and what was done. Its cells are checked by recordService's own rules for a date and a
duration (``graph.workflows.service``: not in the future, within the last year, more than 0 and at
most 24 hours); then each row is checked against the graph by the statement that holds
recordService's graph rules (``RECORD_SERVICE_CHECK``: the volunteer and the need exist, the
volunteer is assigned to the need), and written through the ``record_service`` step itself, which
checks again under its lock. Imported hours are unverified: they wait in the verification queue of
the social workers covering the need's community, and reach the time bank and star level only when
approved (``reviewServiceRecords``, ``verifyService``).

**Natural key: the volunteer, the need and the date.** A row whose volunteer already has a record
for that need on that date is already recorded: with the same minutes it changes nothing (so the
same file imported twice changes nothing), with other minutes it is reported, never a second
record (an import does not correct or add to recorded hours; a declined record is not brought
back either). Two services for one need on one day go in as one row with their total.

A social worker imports hours only for needs in the communities they cover, as recordService
lets them: a row naming another need is reported as an unknown need, the same as a need that does
not exist, before anything about its volunteer is checked; and a national number names only a
volunteer serving a community they cover (whose number they may read), any other volunteer being
named by id, so the report never tells them whether a number is on record elsewhere.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from api.errors import BadUserInput
from api.ids import from_global_id
from graph.engine.errors import GraphError
from graph.engine.store import GraphStore
from graph.io import intake as graph_intake
from graph.model.entities import to_props
from graph.model.services import ServiceRecord
from graph.workflows import new_id, record_service
from graph.workflows.runner import Request
from graph.workflows.service import RECORD_SERVICE_CHECK
from intake.identity import volunteer_no
from intake.normalize import Bad
from intake.rows import Header, Parsed, Problem

if TYPE_CHECKING:
    from intake.run import Progress, Report

# recordService's refusals (RECORD_SERVICE_PROBLEMS) as a row's problem: the column, zh, en.
_REFUSALS = {
    "VOLUNTEER_NOT_FOUND": (
        "volunteer",
        "系统中没有该志愿者：请填写志愿者编号或系统中的志愿者ID",
        "No volunteer with that number or id in the graph.",
    ),
    "NEED_NOT_FOUND": (
        "need",
        "找不到该需求(或不在您负责的社区)：请填写系统中的需求ID",
        "No such need (or not in a community you cover): use the need's id in the system.",
    ),
    "NOT_ASSIGNED": (
        "need",
        "该志愿者未被派到这个需求，不能为其登记时长：请先派单",
        "The volunteer is not assigned to that need, so no hours can be recorded for it: "
        "assign them first.",
    ),
}


def _title(header: Header, field: str) -> str:
    return next(header.titles[i] for i, c in header.columns.items() if c.field == field)


def _volunteer_names(text: str) -> list[str]:
    """The strings a volunteer cell may match: as written (an id), and as a national number."""
    names = [text]
    with contextlib.suppress(Bad):
        names.append(volunteer_no(text))
    return names


def _need_id(text: str) -> str:
    """A need's id as written, or the id inside a global id copied from the app."""
    try:
        return from_global_id(text, expect="Need")[1]
    except BadUserInput:
        return text


async def resolve(
    store: GraphStore,
    header: Header,
    good: list[Parsed],
    report: Report,
    worker: str | None,
) -> list[Parsed]:
    """The rows recordService would record now, each with its volunteer's and need's ids; the
    others reported (with the first row for a duplicate); rows already recorded are marked
    ``values["recorded"]`` (they change nothing)."""
    cells = {p.row: p.key for p in good}
    found = await graph_intake.find_volunteers(
        store, (name for text in cells.values() for name in _volunteer_names(text)), worker
    )
    for parsed in good:
        parsed.values["need"] = _need_id(parsed.values["need"])
    covered = (
        None
        if worker is None
        else await graph_intake.covered_needs(store, worker, (p.values["need"] for p in good))
    )
    checked: list[Parsed] = []
    first_seen: dict[tuple[str, str, str], int] = {}
    for parsed in good:
        problem = _problem(parsed, found, covered)
        if problem is None:
            rows = await store.read(
                RECORD_SERVICE_CHECK,
                {
                    "volunteer": parsed.key,
                    "need": parsed.values["need"],
                    "category": None,
                    "project": None,
                },
            )
            problem = rows[0]["problem"]
        if problem is not None:
            report.problems.append(_refused(parsed.row, header, problem))
            continue
        key = (parsed.key, parsed.values["need"], parsed.values["date"])
        if key in first_seen:
            report.problems.append(
                Problem(
                    parsed.row,
                    _title(header, "date"),
                    "DUPLICATE_ROW",
                    f"与第{first_seen[key]}行是同一条服务(同一志愿者、需求和日期)，本行未导入",
                    f"The same service (volunteer, need and date) as row {first_seen[key]}; "
                    "this row was not imported.",
                )
            )
            continue
        first_seen[key] = parsed.row
        checked.append(parsed)
    recorded = await graph_intake.recorded_services(
        store, ((p.key, p.values["need"]) for p in checked)
    )
    kept = []
    for parsed in checked:
        there = recorded.get((parsed.key, parsed.values["need"], parsed.values["date"]), [])
        if there and parsed.values["minutes"] not in there:
            report.problems.append(_already_recorded(parsed.row, header))
            continue
        parsed.values["recorded"] = bool(there)
        kept.append(parsed)
    return kept


def _problem(parsed: Parsed, found: dict[str, list[str]], covered: set[str] | None) -> str | None:
    """Why a row cannot name its volunteer or need, before recordService's check (which then
    runs with the volunteer's id); None when it can."""
    if covered is not None and parsed.values["need"] not in covered:
        return "NEED_NOT_FOUND"
    ids = sorted({i for name in _volunteer_names(parsed.key) for i in found.get(name, [])})
    if len(ids) != 1:
        return "VOLUNTEER_NOT_FOUND" if not ids else "AMBIGUOUS_VOLUNTEER"
    parsed.key = ids[0]
    return None


def _refused(row: int, header: Header, code: str) -> Problem:
    if code == "AMBIGUOUS_VOLUNTEER":
        return Problem(
            row,
            _title(header, "volunteer"),
            "AMBIGUOUS_REFERENCE",
            "有多名志愿者符合：请改填系统中的志愿者ID",
            "Several volunteers match: use the volunteer's id instead.",
        )
    field, zh, en = _REFUSALS.get(
        code, ("need", "该服务无法登记", f"recordService refuses it ({code}).")
    )
    return Problem(row, _title(header, field), code, zh, en)


async def recorder(store: GraphStore, worker: str | None) -> str:
    """Whose import it is, for its idempotency keys: a social worker's organisations (any of its
    workers may upload the station's sheet), the worker alone if she works for none on record,
    the administration for an administrator (HTTP or CLI)."""
    if worker is None:
        return "administration"
    employers = await graph_intake.employers(store, worker)
    return "org:" + "+".join(employers) if employers else f"worker:{worker}"


async def write(
    store: GraphStore,
    header: Header,
    good: Sequence[Parsed],
    report: Report,
    actor: tuple[str, str] | None,
    progress: Progress | None,
    worker: str | None = None,
) -> None:
    """Each new row through the ``record_service`` step, as a ``recordService`` by the importer
    (its event included); rows already recorded change nothing."""
    by = actor[0] if actor is not None else None
    owner = await recorder(store, worker)
    for parsed in good:
        if parsed.values["recorded"]:
            report.unchanged += 1
        else:
            await _record(store, header, parsed, report, by, owner)
        if progress is not None:
            progress(1)


def _already_recorded(row: int, header: Header) -> Problem:
    return Problem(
        row,
        _title(header, "date"),
        "ALREADY_RECORDED",
        "该志愿者当天为该需求已有服务记录，时长不同；导入不修改已登记的时长",
        "The volunteer already has a record for that need on that date, with other hours; an "
        "import does not change recorded hours.",
    )


async def _record(
    store: GraphStore, header: Header, parsed: Parsed, report: Report, by: str | None, owner: str
) -> None:
    volunteer, need, date = parsed.key, parsed.values["need"], parsed.values["date"]
    record = ServiceRecord(
        id=new_id("record"),
        date=dt.date.fromisoformat(date),
        minutes=parsed.values["minutes"],
        note=parsed.values.get("note") or None,
    )
    props = to_props(record)
    # A retried import's row finds its first answer instead of a second record, and so does the
    # same sheet uploaded by two people of one organisation at once: the key names the service and
    # the organisation (``owner``), not the person nor the id this import gives its record. It
    # never names another organisation's import, so no answer depends on what another
    # organisation sent; the step itself records a service once whoever asks (``once``), and a
    # row found recorded under its lock is answered as if the import had come a moment later.
    request = Request(
        "recordService",
        {
            "volunteer": volunteer,
            "need": need,
            "category": None,
            "project": None,
            "props": {k: v for k, v in props.items() if k != "id"},
        },
        key=f"import:service-hours:{owner}:{volunteer}:{need}:{date}",
        by=by,
        scoped=False,
    )
    try:
        done = await record_service(
            store, request, record.id, props, volunteer=volunteer, need=need, category=None,
            project=None, once=True,
        )  # fmt: skip
    except GraphError as refused:
        try:
            there = (await graph_intake.recorded_services(store, [(volunteer, need)])).get(
                (volunteer, need, date), []
            )
        except GraphError:  # the graph went away meanwhile: the row is reported, as refused
            there = []
        if parsed.values["minutes"] in there:
            report.unchanged += 1
        elif there:
            report.problems.append(_already_recorded(parsed.row, header))
        else:  # the graph changed since the check: reported, not written
            report.problems.append(
                Problem(
                    parsed.row,
                    _title(header, "need"),
                    "REFUSED",
                    "该服务未能登记(数据已变化)，请重新检查后再导入",
                    str(refused),
                )
            )
        return
    if done.replayed:
        report.unchanged += 1
    else:
        report.created += 1
