"""The rate limiter's benchmark runs: both ways of counting, on a graph server of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import rates


async def test_the_limiter_benchmark_times_memory_and_shared_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await rates.main(requests=50, folder=tmp_path)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["memory", "shared"]
    assert all(re.fullmatch(r"\w+: \d+\.\d{3} ms a request", line) for line in lines), lines
