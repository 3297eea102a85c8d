"""The rate limiter on its own: what it does when its shared counts are away."""

from __future__ import annotations

from graph.engine.local_neo4j import free_port
from web.gate import RateLimiter


async def test_when_the_shared_counts_cannot_be_reached_the_process_counts_alone() -> None:
    """A Redis for the counts that does not answer (nothing listens on the port): the limit
    still holds, counted in this process, rather than switching off."""
    limiter = RateLimiter(rate_per_minute=60, burst=3)
    limiter.share(f"async+redis://127.0.0.1:{free_port()}", "crg")
    waits = [await limiter.take("caller") for _ in range(5)]
    assert waits[:3] == [0.0] * 3
    assert all(wait >= 1 for wait in waits[3:])
