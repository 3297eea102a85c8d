"""The benchmark's peer keeps working: the Neo4j GraphQL Library (tools/graphql-peer) starts on the
local Neo4j with APOC, answers the four compared operations with the same data as our service on
the same database (the demo tier), and stops.

Real processes throughout: the local Neo4j with the APOC plugins, our service under uvicorn, the
peer on Node. It is the check ``python -m bench.peer`` makes before it times anything.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from access.tokens import Role, mint
from bench import peer
from bench.run import Service, sample
from graph.engine.local_neo4j import Memory

pytestmark = [pytest.mark.slow, pytest.mark.neo4j]


def test_the_peer_answers_the_four_operations_with_our_ids(tmp_path: Path) -> None:
    graph = peer.start("demo", tmp_path / "graph", Memory(1024, 256), reuse=False)
    api: Service | None = None
    library: peer.Peer | None = None
    try:
        api = Service("app:app", graph.env())
        api.wait("/readyz", timeout_s=300)
        library = peer.Peer(graph, tmp_path / "peer.graphql")
        settings = graph.settings()
        sampled = {op.name: op.variables for op in asyncio.run(sample(settings))}
        token = mint(settings, Role.ADMIN, "admin-test", ttl_s=600)

        checked = peer.same_answers(
            api.port, library.port, token, {name: sampled[name] for name in peer.OPERATIONS}, 3
        )

        # Compared on answers that hold something, not on empty lists that agree by accident.
        assert all(checked[name]["nonempty"] > 0 for name in peer.OPERATIONS), checked
    finally:
        if library is not None:
            library.stop()
            assert library.process.returncode == 0
        if api is not None:
            api.stop()
        graph.stop()
