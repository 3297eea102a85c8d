"""Where one district's coverage survey spends its time, phase by phase.

``python -m bench.survey --data DIR [--district ID] [--rounds 3] [--answer FILE]
[--subject RESIDENTS --category ID]``, on a graph
``python -m bench.run`` (or ``cli seed``) loaded into ``DIR`` (embedded FalkorDB). The service
runs in this process (the app over an ASGI transport, no HTTP server); ``coverageGaps`` of
needs (radius 3,000 m) is asked as an administrator, and each part of the resolver
(``resolvers.network.coverage_gaps``) is timed as it runs inside the request: the district's
needs, placing them, the volunteers within reach, placing their bases, the taxonomy, the count.
It prints the rows read and the seconds of each part, and of the whole request (median of the
rounds after one warm-up). ``--answer FILE`` writes the resolver's full answer (every group with
every subject's count and short keys, the volunteers considered) as JSON, to compare the answer
before and after a change on the same data. The district defaults to the one with most needs.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from access.tokens import Role, mint
from api.ids import to_global_id
from app import create_app
from bench.inprocess import settings_over
from graph.engine.cypher import cypher
from graph.queries import gaps
from resolvers import network

QUERY = """
query ($d: ID!, $s: GapSubject!, $c: ID) {
  coverageGaps(districtId: $d, subject: $s, categoryId: $c, radiusMeters: 3000,
               minCandidates: 2) {
    subjects short volunteersConsidered truncated
    groups { communityName categoryName subjects short medianCandidates }
  }
}"""

BUSIEST = cypher(
    "bench.survey.busiest",
    """
    MATCH (d:District)<-[:IN]-(:Community)<-[:IN]-(n:Need)
    RETURN d.id AS district, count(n) AS needs
    ORDER BY needs DESC, district
    LIMIT 1
    """,
)

# The parts of the resolver, in the order it runs them: (module, attribute, label).
PARTS = (
    (gaps, "need_subjects", "needs"),
    (gaps, "resident_subjects", "residents"),
    (network, "_placed", "placing them"),
    (gaps, "supply", "volunteers within reach"),
    (network, "_bases", "placing bases"),
    (gaps, "taxonomy", "taxonomy"),
    (gaps, "survey", "count"),
)


def _rows(found: Any) -> int | None:
    if isinstance(found, tuple):  # (subjects, truncated)
        found = found[0]
    if isinstance(found, list):
        return len(found)
    if isinstance(found, gaps.Survey):
        return found.subjects
    return None


def _timed(module: Any, name: str, label: str, seen: dict[str, list[float]], rows: dict) -> None:
    """Wrap ``module.name`` (looked up by the resolver at call time) with a clock."""
    original = getattr(module, name)
    if asyncio.iscoroutinefunction(original):

        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            found = await original(*args, **kwargs)
            seen[label].append(time.perf_counter() - started)
            rows[label] = _rows(found)
            return found

    else:

        def wrapper(*args: Any, **kwargs: Any) -> Any:  # type: ignore[misc]
            started = time.perf_counter()
            found = original(*args, **kwargs)
            seen[label].append(time.perf_counter() - started)
            rows[label] = _rows(found)
            return found

    setattr(module, name, functools.wraps(original)(wrapper))


def _capture(answers: list[Any]) -> None:
    original: Callable[..., Awaitable[Any]] = network.coverage_gaps

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        found = await original(*args, **kwargs)
        answers.append(found)
        return found

    network.coverage_gaps = wrapper  # type: ignore[assignment]


async def measure(
    data: str,
    district: str | None,
    rounds: int,
    subject: str = "NEEDS",
    category: str | None = None,
) -> Any:
    """Print each part's rows and median seconds; return the last answer of the resolver."""
    settings = settings_over(data, GRAPH_QUERY_TIMEOUT_S="60")
    seen: dict[str, list[float]] = defaultdict(list)
    rows: dict[str, int | None] = {}
    answers: list[Any] = []
    for module, name, label in PARTS:
        _timed(module, name, label, seen, rows)
    _capture(answers)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        store = app.state.store
        if district is None:
            district = (await store.read(BUSIEST))[0]["district"]
        token = mint(settings, Role.ADMIN, "admin-bench", ttl_s=3600)
        variables = {
            "d": to_global_id("District", district),
            "s": subject,
            "c": to_global_id("ServiceCategory", category) if category else None,
        }
        transport = httpx.ASGITransport(app=app)
        whole: list[float] = []
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            for n in range(rounds + 1):
                started = time.perf_counter()
                response = await http.post(
                    "/graphql",
                    json={"query": QUERY, "variables": variables},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=120,
                )
                elapsed = time.perf_counter() - started
                body = response.json()
                if body.get("data") is None:
                    raise SystemExit(f"{district}: {body.get('errors')}")
                if n == 0:  # warm-up: caches, the token's standing read
                    seen.clear()
                    continue
                whole.append(elapsed)
    print(f"coverageGaps of {subject} in {district} as an administrator, median of {rounds}:")
    for _, _, label in PARTS:
        if not seen[label]:
            continue  # the other kind of subject
        read = rows.get(label)
        count = "" if read is None else f"{read:,} rows"
        print(f"  {label:24} {count:>14}  {statistics.median(seen[label]):7.3f} s")
    print(f"  {'the whole request':24} {'':>14}  {statistics.median(whole):7.3f} s")
    return answers[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="the loaded tier's FalkorDB directory")
    parser.add_argument("--district", help="a district's id (default: the one with most needs)")
    parser.add_argument("--rounds", type=int, default=3, help="requests timed, after a warm-up")
    parser.add_argument("--subject", choices=("NEEDS", "RESIDENTS"), default="NEEDS")
    parser.add_argument("--category", help="a service category's id (RESIDENTS needs one)")
    parser.add_argument("--answer", help="write the resolver's full answer to this JSON file")
    args = parser.parse_args(argv)
    found = asyncio.run(measure(args.data, args.district, args.rounds, args.subject, args.category))
    if args.answer:
        text = json.dumps(dataclasses.asdict(found), indent=1, sort_keys=True)
        Path(args.answer).write_text(text, encoding="utf-8")
        print(f"answer written to {args.answer}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
