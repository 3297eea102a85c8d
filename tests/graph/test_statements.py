"""Every statement also parses and plans on FalkorDB (EXPLAIN on the embedded engine).

With the Neo4j lint this holds "one Cypher for both engines": a template that only one engine
understands fails one of the two checks.
"""

from __future__ import annotations

import re

import pytest

from graph.engine.cypher import Statement
from graph.engine.falkordb_store import FalkorDBStore
from graph.engine.store import GraphStore
from graph.engine.system import clear_graph
from tests.statements import project_statements

STATEMENTS = [s for s in project_statements() if not s.name.startswith("schema.")]
PARAM = re.compile(r"(?<!\$)\$([A-Za-z_][A-Za-z0-9_]*)")
COUNTS = {"limit", "batch", "first", "skip", "offset", "cap"}


def placeholder_params(statement: Statement) -> dict[str, object]:
    """Values that let the planner accept the statement: counts are 1, everything else null."""
    return {name: 1 if name in COUNTS else None for name in PARAM.findall(statement.template)}


@pytest.mark.parametrize("statement", STATEMENTS, ids=[s.name for s in STATEMENTS])
async def test_statement_is_planned_by_falkordb(
    falkordb_store: GraphStore, statement: Statement
) -> None:
    assert isinstance(falkordb_store, FalkorDBStore)
    await clear_graph(falkordb_store)  # EXPLAIN needs the graph key to exist
    plan = await falkordb_store.explain(statement, placeholder_params(statement))
    assert plan.strip()
