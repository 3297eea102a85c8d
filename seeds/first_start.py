"""A first start: the demo set loaded into an empty graph.

Its own module, not the package's ``__init__``: ``seeds.demo`` imports its siblings through the
package (``from seeds import synthetic``), so a package that imported ``demo`` would import
itself in a circle.
"""

from __future__ import annotations

import logging

from graph.engine.store import GraphStore
from graph.engine.system import node_count
from seeds import demo

log = logging.getLogger(__name__)


async def load_demo_if_empty(store: GraphStore, id_hash_key: str) -> bool:
    """Load the demo set into an empty graph; never touch a graph that holds anything."""
    if await node_count(store) > 0:
        return False
    counts = await demo.load(store, id_hash_key)
    await store.compact()  # the next start loads a snapshot instead of replaying the load
    log.info("demo data loaded into the empty graph", extra=counts)
    return True
