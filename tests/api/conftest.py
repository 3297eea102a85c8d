"""Fixtures the API tests share beyond the session's (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph import events
from graph.events import Event


@pytest.fixture
def told() -> Iterator[list[Event]]:
    """Every event emitted in this process while the test runs, in order."""
    seen: list[Event] = []
    stop = events.subscribe(seen.append)
    yield seen
    stop()
