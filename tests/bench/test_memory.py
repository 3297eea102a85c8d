"""The benchmark's memory readings outlive the process they watch."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.load import rss_mb


def test_a_graph_server_that_has_exited_reads_as_gone_not_as_an_error() -> None:
    """A server stopped under its memory watcher is a zombie until reaped: its status file has
    no VmRSS. Reading it must say "gone" (None), so the watcher thread keeps running."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "State:\tZ" in Path(f"/proc/{child.pid}/status").read_text():
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the child did not exit within 30 s")
        assert rss_mb(child.pid) is None
    finally:
        child.wait()
    assert rss_mb(child.pid) is None  # reaped: no status file at all


def test_a_running_process_reads_its_memory() -> None:
    mb = rss_mb(os.getpid())
    assert mb is not None and 0 < mb["rss"] <= mb["peak"]
