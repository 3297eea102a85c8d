"""A local Neo4j 5.26 Community server, for the tests and ``make run-neo4j``.

The server is ``tools/neo4j-server`` (one Java file and a pom): Neo4j's embedded database with
its Bolt connector on 127.0.0.1 and authentication on, built from Maven Central by
``scripts/install.sh``. We start it as a child process the way ``graph.embedded`` starts FalkorDB
and it is bound to our lifetime the same ways: a clean ``stop`` closes its standard input (the
launcher's signal to shut down), ``atexit`` does it if nobody did, and the kernel sends it
SIGTERM if we die first (``PR_SET_PDEATHSIG``). ``kill`` is SIGKILL, for the crash tests.

The password is generated on first start and kept in ``password`` (mode 0600) in the server's
directory; it is given to the launcher in a file, never on a command line others can read.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph.engine.embedded import die_with_parent
from graph.engine.errors import GraphUnavailable

LAUNCHER = Path(__file__).resolve().parents[2] / "tools" / "neo4j-server"
TARGET = LAUNCHER / "target"
MAIN_CLASS = "crg.Neo4jServer"
USER = "neo4j"
DATABASE = "neo4j"


@dataclass(frozen=True)
class Memory:
    """The JVM heap and Neo4j's page cache, in MiB (stated with every benchmark)."""

    heap_mb: int = 1024
    pagecache_mb: int = 512


def free_port() -> int:
    """A TCP port on loopback nobody listens on now (for the servers tests and benchmarks start)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise GraphUnavailable("The local Neo4j needs Java 17 or newer; 'java' is not on PATH.")
    return found


class LocalNeo4j:
    """One Neo4j server over one directory: start, stop, kill and start again on the same data."""

    def __init__(
        self,
        home: Path,
        *,
        port: int | None = None,
        memory: Memory | None = None,
        startup_timeout_s: float = 120.0,
    ) -> None:
        self.home = home.resolve()
        self.port = port or free_port()
        self.memory = memory or Memory()
        self.startup_timeout_s = startup_timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self._log: Path = self.home / "server.log"
        atexit.register(self.stop)

    @property
    def uri(self) -> str:
        """The routing address, as Aura and clusters are reached (reads go to readers)."""
        return f"neo4j://127.0.0.1:{self.port}"

    @property
    def password(self) -> str:
        return self._password_file().read_text().strip()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def _password_file(self) -> Path:
        return self.home / "password"

    def _classpath(self) -> str:
        jar = TARGET / "neo4j-server.jar"
        if not jar.exists() or not (TARGET / "lib").is_dir():
            raise GraphUnavailable(
                f"The local Neo4j is not built ({jar} is missing); run 'make install' "
                "(it builds tools/neo4j-server with Maven)."
            )
        return f"{jar}{os.pathsep}{TARGET / 'lib' / '*'}"

    def start(self) -> None:
        """Start the server and wait until Bolt takes connections with our password."""
        if self.process and self.process.poll() is None:
            return
        self.home.mkdir(parents=True, exist_ok=True)
        self.home.chmod(0o700)  # the store will hold residents' personal data
        password_file = self._password_file()
        if not password_file.exists():
            password_file.touch(mode=0o600)
            password_file.write_text(secrets.token_urlsafe(24))
        command = [
            java(),
            f"-Xms{self.memory.heap_mb}m",
            f"-Xmx{self.memory.heap_mb}m",
            "-XX:+ExitOnOutOfMemoryError",
            "-cp",
            self._classpath(),
            MAIN_CLASS,
            str(self.home / "db"),
            str(self.port),
            str(password_file),
            str(self.memory.pagecache_mb),
        ]
        with self._log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own launcher, fixed arguments
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                preexec_fn=die_with_parent,  # noqa: PLW1509 - only prctl, no locks involved
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        assert self.process and self.process.stdout
        deadline = time.monotonic() + self.startup_timeout_s
        os.set_blocking(self.process.stdout.fileno(), False)
        seen = b""
        while time.monotonic() < deadline:
            chunk = self.process.stdout.read()
            if chunk:
                seen += chunk
                if b"ready bolt://" in seen:
                    self.process.stdout.close()  # the launcher says nothing more
                    return
            if self.process.poll() is not None:
                tail = self._log.read_text(errors="replace")[-2000:]
                raise GraphUnavailable(f"The local Neo4j exited at start-up: {tail}")
            time.sleep(0.1)
        self.kill()
        raise GraphUnavailable(f"The local Neo4j did not start in {self.startup_timeout_s:.0f} s.")

    def stop(self, timeout_s: float = 60.0) -> None:
        """Shut down cleanly (checkpoint and close the store); SIGKILL if it will not."""
        process, self.process = self.process, None
        if process is None:
            return
        self._close_pipes(process)
        try:
            process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self) -> None:
        """SIGKILL, as a power cut would: the next start recovers from the transaction log."""
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
        self._close_pipes(process)

    @staticmethod
    def _close_pipes(process: subprocess.Popen[bytes]) -> None:
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
