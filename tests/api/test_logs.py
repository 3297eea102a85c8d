"""The service's log reads as text to a person at a terminal and as JSON to a machine.

Each case starts a real process that configures logging from the environment, as ``python -m
cli`` does, and logs one record with a field; its stderr is a pseudo-terminal (a developer's
``make run``) or a pipe (a container, a log shipper).
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LOG_ONE_RECORD = """
import logging
from config import Settings
from web import logs
settings = Settings.from_env()
logs.configure(settings.log_level, settings.log_format)
logging.getLogger("crg.test").info("service started", extra={"port": 8123})
"""


def _environment(log_format: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    if log_format is not None:
        env["LOG_FORMAT"] = log_format
    return env


def log_to_terminal(log_format: str | None) -> str:
    """What the process wrote to a terminal."""
    main, attached = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", LOG_ONE_RECORD],
            cwd=ROOT,
            env=_environment(log_format),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=attached,
        )
        os.close(attached)
        assert process.wait(timeout=60) == 0
        chunks = []
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal's other end closed: everything is read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(main)
    return b"".join(chunks).decode().replace("\r\n", "\n").strip()


def log_to_pipe(log_format: str | None) -> str:
    """What the process wrote to a pipe."""
    done = subprocess.run(
        [sys.executable, "-c", LOG_ONE_RECORD],
        cwd=ROOT,
        env=_environment(log_format),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stderr.strip()


def is_json_record(line: str) -> bool:
    try:
        record = json.loads(line)
    except ValueError:
        return False
    return record["msg"] == "service started" and record["port"] == 8123


def is_text_line(line: str) -> bool:
    return line.startswith("INFO") and "service started" in line and "port=8123" in line


@pytest.mark.parametrize("log_format", [None, "auto"])
def test_a_terminal_reads_text_and_a_pipe_reads_json_by_default(log_format: str | None) -> None:
    assert is_text_line(log_to_terminal(log_format))
    assert is_json_record(log_to_pipe(log_format))


def test_the_setting_forces_one_format_wherever_the_log_goes() -> None:
    assert is_json_record(log_to_terminal("json"))
    assert is_text_line(log_to_pipe("text"))


def test_an_unknown_format_is_refused_naming_the_setting() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli", "token", "--list"],
        cwd=ROOT,
        env=_environment("yaml"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "LOG_FORMAT must be auto, json or text" in done.stderr
