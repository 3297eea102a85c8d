"""Waiting for a service process that was just started to say it is ready (``/readyz``)."""

from __future__ import annotations

import subprocess
import time

import httpx


def wait_ready(process: subprocess.Popen[bytes], url: str, budget_s: float) -> bool:
    """True once the process at ``url`` answers ``/readyz`` with 200; False as soon as it exits
    or once ``budget_s`` has passed (``process.poll()`` tells the caller which, for its message).
    """
    deadline = time.monotonic() + budget_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False
