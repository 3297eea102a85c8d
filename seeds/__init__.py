"""Seed data: the demo set drawn from the field reports (``seeds.demo``)."""

from __future__ import annotations

import logging

from graph.engine.store import GraphStore
from graph.engine.system import node_count

log = logging.getLogger(__name__)


async def load_demo_if_empty(store: GraphStore) -> bool:
    """Load the demo set into an empty graph; never touch a graph that holds anything."""
    if await node_count(store) > 0:
        return False
    from seeds import demo  # noqa: PLC0415 - only needed on a first start

    counts = await demo.load(store)
    await store.compact()  # the next start loads a snapshot instead of replaying the load
    log.info("demo data loaded into the empty graph", extra=counts)
    return True
