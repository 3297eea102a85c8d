"""Twenty SIGKILLs at random moments (API, graph server, or both) lose no acknowledged write."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.crash import crash_cycles

pytestmark = pytest.mark.slow


async def test_no_acknowledged_write_is_lost_and_no_invariant_breaks_over_twenty_kills(
    tmp_path: Path,
) -> None:
    report = await crash_cycles(tmp_path, cycles=20, seed=11)

    assert report["lost"] == 0, report
    assert report["broken"] == {}, report
    assert report["acknowledged"] > 40, report  # the writers did get work through
    assert set(report["kills"]) == {"api", "graph", "both"}, report
    assert report["needs"] and report["records"] and report["sign_ups"], report
