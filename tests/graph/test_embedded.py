"""The embedded FalkorDB is ours: started once per data directory, never orphaned, never lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import redis

from graph.engine.embedded import DOWN, LOADING, READY, EmbeddedFalkorDB, _is_alive
from tests.processes import wait_gone

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def write_key(server: EmbeddedFalkorDB, value: str) -> None:
    client = redis.Redis(unix_socket_path=str(server.socket_path))
    try:
        client.execute_command("GRAPH.QUERY", "probe", f"MERGE (:City {{id: '{value}'}})")
    finally:
        client.close()


def read_ids(server: EmbeddedFalkorDB) -> list[str]:
    client = redis.Redis(unix_socket_path=str(server.socket_path), decode_responses=True)
    try:
        reply = client.execute_command("GRAPH.QUERY", "probe", "MATCH (c:City) RETURN c.id")
        return sorted(row[0] for row in reply[1])
    finally:
        client.close()


def test_a_started_server_listens_only_on_a_socket_in_its_directory(tmp_path: Path) -> None:
    server = EmbeddedFalkorDB(tmp_path / "g")
    server.start()
    try:
        assert server.owned
        assert server.socket_path.parent == tmp_path / "g"
        assert (tmp_path / "g").stat().st_mode & 0o777 == 0o700  # the data holds PII
        record = json.loads((tmp_path / "g" / "server.json").read_text())
        assert record["pid"] == server.process.pid  # type: ignore[union-attr]
        client = redis.Redis(unix_socket_path=str(server.socket_path), decode_responses=True)
        try:
            assert client.config_get("port") == {"port": "0"}  # no TCP listener
            assert client.config_get("appendonly") == {"appendonly": "yes"}
            assert client.config_get("appendfsync") == {"appendfsync": "always"}
        finally:
            client.close()
    finally:
        server.stop()
    assert wait_gone(record["pid"])
    assert not (tmp_path / "g" / "server.json").exists()


def test_data_written_before_a_stop_is_there_after_a_start(tmp_path: Path) -> None:
    server = EmbeddedFalkorDB(tmp_path)
    server.start()
    write_key(server, "before-stop")
    server.stop()
    again = EmbeddedFalkorDB(tmp_path)
    again.start()
    try:
        assert read_ids(again) == ["before-stop"]
    finally:
        again.stop()


def test_a_second_opener_reuses_the_live_server_and_leaves_it_running(tmp_path: Path) -> None:
    first = EmbeddedFalkorDB(tmp_path)
    first.start()
    try:
        second = EmbeddedFalkorDB(tmp_path)
        second.start()
        assert not second.owned
        assert second.pid == first.pid
        write_key(second, "via-second")
        second.stop()
        assert _is_alive(first.pid)  # type: ignore[arg-type]
        assert read_ids(first) == ["via-second"]
    finally:
        first.stop()


def test_a_stale_record_from_a_crash_is_cleared(tmp_path: Path) -> None:
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (tmp_path / "server.json").write_text(json.dumps({"pid": dead.pid, "socket": "/nowhere"}))
    (tmp_path / "falkordb.sock").write_text("left over")
    server = EmbeddedFalkorDB(tmp_path)
    server.start()
    try:
        assert server.owned
        assert server.pid != dead.pid
        write_key(server, "after-crash")
        assert read_ids(server) == ["after-crash"]
    finally:
        server.stop()


def test_a_deep_data_directory_gets_a_short_socket_path(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*(["nested-directory-name"] * 6))
    server = EmbeddedFalkorDB(deep)
    server.start()
    try:
        assert len(str(server.socket_path)) < 108
        write_key(server, "deep")
        assert read_ids(server) == ["deep"]
    finally:
        server.stop()


def test_killing_the_owner_with_sigkill_takes_the_server_down_and_loses_nothing(
    tmp_path: Path,
) -> None:
    owner = textwrap.dedent(
        f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from graph.engine.embedded import EmbeddedFalkorDB
        server = EmbeddedFalkorDB(Path({str(tmp_path)!r}))
        server.start()
        print(server.pid, flush=True)
        time.sleep(600)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", owner], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(process.stdout.readline())  # type: ignore[union-attr]
        server = EmbeddedFalkorDB(tmp_path)
        server.start()  # reuses the owner's server
        write_key(server, "acknowledged")
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert wait_gone(pid), "the embedded server outlived its owner (orphan)"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()  # type: ignore[union-attr]
    restarted = EmbeddedFalkorDB(tmp_path)
    restarted.start()
    try:
        assert restarted.owned
        assert read_ids(restarted) == ["acknowledged"]
    finally:
        restarted.stop()


def test_a_server_busy_loading_is_told_from_one_that_is_not_there(tmp_path: Path) -> None:
    """A city's graph takes the server seconds to minutes to load, and while it builds the
    indexes it takes a connection and answers nothing: the start waits for such a server (up to
    LOADING_TIMEOUT_S) instead of giving up after the start-up timeout, and gives up on a socket
    nothing listens on as soon as before."""
    import socket  # noqa: PLC0415 - only this test stands in for a busy server

    busy_path = tmp_path / "busy.sock"
    busy = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    busy.bind(str(busy_path))
    busy.listen(16)  # accepts, never answers: a server building its indexes
    try:
        assert EmbeddedFalkorDB._state(busy_path) == LOADING
    finally:
        busy.close()
    assert EmbeddedFalkorDB._state(tmp_path / "nothing.sock") == DOWN
    server = EmbeddedFalkorDB(tmp_path / "graph")
    server.start()
    try:
        assert EmbeddedFalkorDB._state(server.socket_path) == READY
    finally:
        server.stop()
