"""Spreadsheet import at a city's scale: N generated volunteer rows into a fresh embedded graph.

``python -m bench.intake [--rows 100000] [--dir DIR]``: 50 communities and 10 skills first (an
import never creates them), then a CSV roster of N volunteers (GB18030, as Chinese Excel saves
it; phones with spaces, dates as 2024年3月5日, two skills each) imported twice: the first run
creates every volunteer, the second finds them all and changes nothing. Prints both timings,
and first how long reading and checking the file alone takes (the rest is the graph's).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from config import Settings
from graph.engine.connect import open_store
from graph.model import entities
from graph.model.entities import Point
from graph.model.places import Community
from graph.model.taxonomy import Skill
from intake.families import VOLUNTEERS
from intake.run import check, run

KEY = "bench-id-hash-key-0123456789abcdef"


def roster(path: Path, rows: int, rng: random.Random) -> None:
    with path.open("w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["志愿者编号", "姓名", "手机号码", "所在社区", "技能", "服务时段", "注册日期"]
        )
        for n in range(rows):
            phone = f"1{rng.randint(3, 9)}{rng.randint(0, 999_999_999):09d}"
            writer.writerow(
                [
                    f"4420{n:012d}",
                    f"志愿者{n}",
                    f"{phone[:3]} {phone[3:7]} {phone[7:]}",
                    f"社区{rng.randrange(50)}",
                    f"技能{rng.randrange(10)}、技能{rng.randrange(10)}",
                    "周二上午、周六下午",
                    f"20{rng.randint(10, 24)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
                ]
            )


async def main(rows: int, folder: Path) -> None:
    settings = Settings(graph_data_dir=folder / "graph", graph_name="bench", load_demo_data=False)
    store = await open_store(settings)
    try:
        await entities.upsert(
            store,
            [Community(f"c{i}", f"社区{i}", Point(22.5 + i / 1000, 113.4)) for i in range(50)],
        )
        await entities.upsert(store, [Skill(f"s{i}", f"技能{i}") for i in range(10)])
        file = folder / "roster.csv"
        roster(file, rows, random.Random(19))
        started = time.perf_counter()
        await check(store, VOLUNTEERS, file, KEY)
        print(f"reading and checking alone: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for attempt in ("first", "again"):
            started = time.perf_counter()
            report = await run(store, "volunteers", file, id_hash_key=KEY)
            elapsed = time.perf_counter() - started
            print(
                f"{attempt}: {report.rows:,} rows in {elapsed:.1f} s "
                f"({report.created:,} created, {report.updated:,} updated, "
                f"{report.failed_rows} failed)",
                file=sys.stderr,
            )
    finally:
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.intake")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    if args.dir is not None:
        asyncio.run(main(args.rows, args.dir))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(main(args.rows, Path(tmp)))
