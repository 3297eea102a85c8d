"""``python -m cli template`` and ``python -m cli import FAMILY FILE``: the spreadsheet commands.

``cli.py`` only routes here. ``import`` was already the alias of ``restore`` (a backup file), so
``import FAMILY FILE`` with a family name first is routed to ``import-sheet``; ``import FILE``
still restores a backup. Exit status: 0 when every row went in (a dry run: would go in), 1 when
rows failed or the file was refused, 2 for usage errors and an unreachable graph.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from config import Settings
from graph.engine.connect import open_store
from intake import templates
from intake.families import FAMILIES
from intake.run import Report, family_named, run

COMMANDS = frozenset({"template", "import-sheet"})


def route(argv: Sequence[str]) -> list[str]:
    """``import volunteers FILE`` -> ``import-sheet volunteers FILE``; ``import FILE`` unchanged."""
    args = list(argv)
    if len(args) >= 2 and args[0] == "import" and args[1] in FAMILIES:
        args[0] = "import-sheet"
    return args


def add_parsers(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    families = sorted(FAMILIES)
    template = sub.add_parser(
        "template",
        help="write a family's blank import spreadsheet (docs/INTAKE.md)",
        description="Row 1: Chinese headers (* = required); row 2: English ones (skipped on "
        "import). XLSX adds a sheet of notes and examples and formats columns as text.",
    )
    template.add_argument("family", choices=families)
    template.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    template.add_argument("--out", type=Path, help="where to write (default: FAMILY-template.FMT)")
    sheet = sub.add_parser(
        "import-sheet",
        help="import a CSV/XLSX spreadsheet of one family (also: import FAMILY FILE)",
        description="Upserts by natural key (volunteer number, ID-card number, credit code, "
        "certificate number; service hours: volunteer, need and date, each row under "
        "recordService's rules); the same file again changes nothing. Rows with problems are "
        "reported and the rest go in, unless --all-or-nothing. Exit 0 only when every row went in.",
    )
    sheet.add_argument("family", choices=families)
    sheet.add_argument("file", type=Path)
    sheet.add_argument("--sheet", help="the workbook's sheet to read (default: the first)")
    sheet.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    sheet.add_argument(
        "--all-or-nothing", action="store_true", help="write nothing if any row has a problem"
    )
    sheet.add_argument("--json", action="store_true", help="print the report as JSON")


def main(settings: Settings, args: argparse.Namespace) -> int:
    if args.command == "template":
        fmt = args.format
        out = args.out or Path(f"{args.family}-template.{fmt}")
        templates.write(family_named(args.family), out, fmt)
        print(out)
        return 0
    if not args.file.is_file():
        print(f"error: {args.file} is not a file", file=sys.stderr)
        return 2
    report = asyncio.run(_import(settings, args))
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        _print(report)
    return 0 if report.complete else 1


async def _import(settings: Settings, args: argparse.Namespace) -> Report:
    from tqdm import tqdm  # noqa: PLC0415 - only imports show a progress bar

    store = await open_store(settings)
    try:
        # disable=None: a bar on a terminal, nothing in a pipe or a log.
        with tqdm(desc=f"importing {args.family}", unit=" rows", disable=None) as bar:
            return await run(
                store,
                args.family,
                args.file,
                id_hash_key=str(settings.id_hash_key),
                dry_run=args.dry_run,
                all_or_nothing=args.all_or_nothing,
                sheet=args.sheet,
                actor=(f"cli:{_user()}", "admin"),
                progress=bar.update,
            )
    finally:
        await store.close()


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _print(report: Report) -> None:
    verb = "checked (dry run)" if report.dry_run else "imported"
    if report.refused:
        verb = "refused, nothing written"
    recorded = f", already recorded {report.unchanged}" if report.unchanged else ""
    print(
        f"{report.family}: {report.rows} rows {verb}; created {report.created}, "
        f"updated {report.updated}{recorded}, rows with problems {report.failed_rows}"
    )
    if report.unknown_columns:
        print("unknown columns (ignored): " + ", ".join(report.unknown_columns))
    for p in report.problems:
        where = f"row {p.row}" if p.row is not None else "file"
        column = f" [{p.column}]" if p.column else ""
        print(f"  {where}{column} {p.code}: {p.zh} / {p.en}")
