"""What the rate limiter adds to each request: counted in memory, or shared in the graph's Redis.

``python -m bench.rates [--requests 3000]``: a fresh embedded FalkorDB; one limiter counting in
this process's memory, then one sharing its minute in the graph server's Redis (as every API
process on one graph does, docs/ACCESS.md "Limits"). Limits high enough never to refuse, ten
callers in turn; prints the mean time a request spends in the limiter for each.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from config import Settings
from graph.engine.connect import open_store
from web.gate import RateLimiter

CALLERS = 10


async def per_request_ms(limiter: RateLimiter, requests: int) -> float:
    for n in range(200):  # connections made and scripts loaded before the clock starts
        await limiter.take(f"caller-{n % CALLERS}")
    started = time.perf_counter()
    for n in range(requests):
        await limiter.take(f"caller-{n % CALLERS}")
    return (time.perf_counter() - started) / requests * 1000


async def main(requests: int, folder: Path) -> None:
    settings = Settings(graph_data_dir=folder / "graph", graph_name="bench", load_demo_data=False)
    store = await open_store(settings)
    try:
        uri = store.counter_uri()
        assert uri is not None, "the embedded FalkorDB keeps its Redis beside the graph"
        for where in ("memory", "shared"):
            limiter = RateLimiter(rate_per_minute=10**7, burst=10**6)
            if where == "shared":
                limiter.share(uri, "bench")
            try:
                print(f"{where}: {await per_request_ms(limiter, requests):.3f} ms a request")
            finally:
                await limiter.close()
    finally:
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.rates")
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(main(args.requests, Path(folder)))
