"""whoCanServe and linkResources as each kind of viewer who may match, on a loaded tier.

``bench.run`` asks as an administrator, who measures every volunteer's base exactly; a social
worker covering the need's community measures exactly only the bases they may read and the
others by their cell (docs/ACCESS.md, the distance rule), which is what this measures:
``python -m bench.viewers --data bench/data/district [--needs 40] [--rounds 5]``, on a graph a
``python -m bench.run`` (or ``cli seed``) loaded. The service runs in this process (the app over
an ASGI transport, no HTTP server), one request at a time; it prints p50/p99 milliseconds and the
store's round trips per request, per operation and viewer.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from typing import Any

import httpx

from access.tokens import Role, mint
from api.ids import to_global_id
from app import create_app
from bench.inprocess import settings_over
from bench.ops import LINK, WHO
from graph.engine.cypher import cypher
from graph.model.services import ACTIVE_NEED_STATUSES

# Active needs with a resident and the social workers covering their community.
COVERED_NEEDS = cypher(
    "bench.viewers.covered_needs",
    """
    MATCH (:Resident)-[:HAS_NEED]->(n:Need)-[:IN]->(:Community)<-[:COVERS]-(w:SocialWorker)
    WHERE n.status IN $active
    RETURN n.id AS need, min(w.id) AS worker
    """,
)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def measure(data: str, needs: int, rounds: int, seed: int) -> list[dict[str, Any]]:
    settings = settings_over(data)
    app = create_app(settings)
    results = []
    async with app.router.lifespan_context(app):
        store = app.state.store
        found = await store.read(COVERED_NEEDS, {"active": sorted(ACTIVE_NEED_STATUSES)})
        sample = random.Random(seed).sample(found, min(needs, len(found)))
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:

            async def ask(token: str, query: str, need: str) -> tuple[float, int]:
                before, started = store.round_trips, time.perf_counter()
                response = await http.post(
                    "/graphql",
                    json={"query": query, "variables": {"n": to_global_id("Need", need)}},
                    headers={"Authorization": f"Bearer {token}"},
                )
                elapsed = (time.perf_counter() - started) * 1000
                body = response.json()
                if body.get("data") is None:
                    raise SystemExit(f"{need}: {body.get('errors')}")
                return elapsed, store.round_trips - before

            admin = mint(settings, Role.ADMIN, "admin-bench", ttl_s=3600)
            for name, query in (("whoCanServe", WHO), ("linkResources", LINK)):
                for viewer in ("administrator", "social worker"):
                    times: list[float] = []
                    trips: list[int] = []
                    for row in sample:
                        token = admin
                        if viewer == "social worker":
                            token = mint(settings, Role.SOCIAL_WORKER, row["worker"], ttl_s=3600)
                        await ask(token, query, row["need"])  # warm: the token's standing read
                        for _ in range(rounds):
                            elapsed, used = await ask(token, query, row["need"])
                            times.append(elapsed)
                            trips.append(used)
                    results.append(
                        {
                            "operation": name,
                            "viewer": viewer,
                            "requests": len(times),
                            "p50_ms": round(statistics.median(times), 1),
                            "p99_ms": round(_percentile(times, 0.99), 1),
                            "round_trips": statistics.median(trips),
                        }
                    )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="the loaded tier's FalkorDB directory")
    parser.add_argument("--needs", type=int, default=40, help="needs sampled")
    parser.add_argument("--rounds", type=int, default=5, help="requests per need and viewer")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for row in asyncio.run(measure(args.data, args.needs, args.rounds, args.seed)):
        print(
            f"{row['operation']:14} {row['viewer']:14} n={row['requests']:4} "
            f"p50 {row['p50_ms']:7.1f} ms  p99 {row['p99_ms']:7.1f} ms  "
            f"round trips {row['round_trips']:g}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
