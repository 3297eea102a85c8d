"""SIGKILLs at random moments (API, graph server, or both) lose no acknowledged write: twenty on
the embedded FalkorDB, eight on Neo4j (each graph kill there costs a JVM restart)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.crash import crash_cycles

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("engine", "cycles"), [("falkordb", 20), pytest.param("neo4j", 8, marks=pytest.mark.neo4j)]
)
async def test_no_acknowledged_write_is_lost_and_no_invariant_breaks_over_many_kills(
    tmp_path: Path, engine: str, cycles: int
) -> None:
    report = await crash_cycles(tmp_path, cycles=cycles, seed=11, engine=engine)

    assert report["lost"] == 0, report
    assert report["broken"] == {}, report
    assert report["acknowledged"] > 2 * cycles, report  # the writers did get work through
    assert set(report["kills"]) == {"api", "graph", "both"}, report
    assert report["needs"] and report["records"] and report["sign_ups"], report
