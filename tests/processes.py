"""Helpers for tests that start and kill real processes."""

from __future__ import annotations

import time

from graph.engine.embedded import _is_alive


def wait_gone(pid: int, timeout_s: float = 15.0) -> bool:
    """True once ``pid`` has exited (a zombie counts as gone), False if it outlives the wait."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _is_alive(pid):
            return True
        time.sleep(0.05)
    return False
