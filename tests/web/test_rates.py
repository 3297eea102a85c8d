"""The rate limiter on its own: what is shared between processes, and what it does when its
shared counts are away."""

from __future__ import annotations

import asyncio

import pytest

from graph.engine.local_neo4j import free_port
from graph.engine.store import GraphStore
from web.gate import RateLimiter


async def test_when_the_shared_counts_cannot_be_reached_the_process_counts_alone() -> None:
    """A Redis for the counts that does not answer (nothing listens on the port): the limit
    still holds, counted in this process, rather than switching off."""
    limiter = RateLimiter(rate_per_minute=60, burst=3)
    limiter.share(f"async+redis://127.0.0.1:{free_port()}", "crg")
    waits = [await limiter.take("caller") for _ in range(5)]
    assert waits[:3] == [0.0] * 3
    assert all(wait >= 1 for wait in waits[3:])


async def test_two_processes_share_the_minute_and_each_smooths_its_own_burst(
    falkordb_store: GraphStore, request: pytest.FixtureRequest
) -> None:
    """Two API processes' limiters on one graph's Redis: the minute's allowance is the pair's
    (six in all, however the balancer spreads them), while a burst is refused by the process it
    hits, without using up the minute."""
    uri = falkordb_store.counter_uri()
    assert uri is not None
    caller = f"caller-{request.node.name}"  # the counts outlive the test in the graph's Redis
    first, second = RateLimiter(6, burst=2), RateLimiter(6, burst=2)
    first.share(uri, "crg-test")
    second.share(uri, "crg-test")
    try:
        await _spread(first, second, caller)
    finally:
        await first.close()
        await second.close()


async def _spread(first: RateLimiter, second: RateLimiter, caller: str) -> None:

    burst = [await first.take(caller) for _ in range(3)]
    assert burst[:2] == [0.0, 0.0]
    assert burst[2] >= 1  # the third in one second is the first process's burst

    rest = [await second.take(caller) for _ in range(3)]
    assert rest[:2] == [0.0, 0.0]  # the second process has its own burst
    assert rest[2] >= 1  # …and its own burst is spent in this second too

    await asyncio.sleep(1.05)  # a new second: bursts free again, the minute holds four
    later = [await limiter.take(caller) for limiter in (first, second, first)]
    assert later[:2] == [0.0, 0.0]  # the minute's fifth and sixth
    assert later[2] >= 1  # the seventh, refused by the shared minute
