"""The service as an operator runs it: `python -m cli serve`, a real uvicorn, real signals."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from access.tokens import Role, mint
from bench.readiness import wait_ready
from config import Settings
from graph.engine.connect import open_store
from graph.engine.embedded import _is_alive
from graph.engine.local_neo4j import free_port
from graph.model.entities import Point, upsert
from graph.model.people import Volunteer
from graph.model.places import City
from tests.processes import wait_gone

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STARTUP_BUDGET_S = 120  # a local Neo4j starts its JVM first


@dataclass
class Service:
    process: subprocess.Popen[bytes]
    port: int
    data_dir: Path
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def graph_pid(self) -> int:
        return int(json.loads((self.data_dir / "server.json").read_text())["pid"])

    def query(self, query: str, role: Role | None = None) -> dict:  # type: ignore[type-arg]
        headers = (
            {} if role is None else {"Authorization": f"Bearer {mint(Settings(), role, 'tests')}"}
        )
        response = httpx.post(
            f"{self.url}/graphql", json={"query": query}, headers=headers, timeout=30
        )
        response.raise_for_status()
        return response.json()

    def label_counts(self) -> dict[str, int]:
        data = self.query("{ service { labelCounts { label nodes } } }")
        return {c["label"]: c["nodes"] for c in data["data"]["service"]["labelCounts"]}

    def stop(self, sig: int) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=30)

    def logs(self) -> list[dict]:  # type: ignore[type-arg]
        lines = self.log.read_text().splitlines()
        return [json.loads(line) for line in lines if line.startswith("{")]


def start(
    data_dir: Path, *args: str, command: tuple[str, ...] = ("cli", "serve"), **env: str
) -> Service:
    port = free_port()
    environment = {
        **os.environ,
        "GRAPH_DATA_DIR": str(data_dir),
        "PORT": str(port),
        "LOG_FORMAT": "json",
        **env,
    }
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir.parent / f"service-{port}.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", *command, *(a.format(port=port) for a in args)],
            cwd=ROOT,
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    service = Service(process, port, data_dir, log)
    if wait_ready(process, service.url, budget_s=STARTUP_BUDGET_S):
        return service
    if process.poll() is not None:
        raise AssertionError(f"the service exited at start-up: {log.read_text()}")
    process.kill()
    raise AssertionError(f"the service was not ready within {STARTUP_BUDGET_S} s")


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "graph"
    record = tmp_path / "graph" / "server.json"
    if record.exists():  # never leave a server behind, even when a test fails
        pid = json.loads(record.read_text())["pid"]
        if _is_alive(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def services(data_dir: Path) -> Iterator[list[Service]]:
    """Services a test starts on one graph: whatever the test leaves running (it failed before
    stopping them) is killed, the graph's owner last."""
    started: list[Service] = []
    yield started
    for service in reversed(started):
        if service.process.poll() is None:
            service.process.kill()
            service.process.wait(timeout=30)


def write_marker(data_dir: Path, city_id: str) -> None:
    """An acknowledged write from another process, through the server the service owns."""

    async def write() -> None:
        settings = replace(Settings(), graph_data_dir=data_dir, load_demo_data=False)
        store = await open_store(settings, bootstrap=False)
        try:
            await upsert(store, [City(city_id, "标记市")])
        finally:
            await store.close()

    asyncio.run(write())


def test_the_run_command_serves_graphql_with_demo_data(data_dir: Path) -> None:
    started = time.monotonic()
    service = start(data_dir)
    try:
        assert time.monotonic() - started < STARTUP_BUDGET_S
        assert service.query("{ __typename }") == {"data": {"__typename": "Query"}}
        page = httpx.get(f"{service.url}/graphql", headers={"accept": "text/html"}, timeout=10)
        assert "graphiql" in page.text.lower()
        counts = service.label_counts()
        assert counts["Community"] >= 15
        assert counts["City"] == 5
    finally:
        service.stop(signal.SIGTERM)


def test_a_second_service_on_a_busy_port_names_the_setting_and_exits(
    data_dir: Path, tmp_path: Path
) -> None:
    first = start(data_dir)
    try:
        second = subprocess.run(
            [sys.executable, "-m", "cli", "serve"],
            cwd=ROOT,
            env={
                **os.environ,
                "GRAPH_DATA_DIR": str(tmp_path / "second"),
                "PORT": str(first.port),
                "LOG_FORMAT": "json",
            },
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 2
        assert second.stderr.strip() == (
            f"error: 127.0.0.1:{first.port} is in use (is the service already running?); "
            f"set PORT to another port, e.g. PORT={first.port + 1} make run"
        )
        assert "Errno" not in second.stdout + second.stderr
        assert not (tmp_path / "second").exists(), "no graph was started for the second"
        # The first one serves on.
        assert first.query("{ __typename }") == {"data": {"__typename": "Query"}}
    finally:
        first.stop(signal.SIGTERM)


def test_the_error_reference_reaches_the_log_when_started_by_plain_uvicorn(
    data_dir: Path,
) -> None:
    """`uvicorn app:app` configures only uvicorn's loggers; the app sets up the rest itself."""
    service = start(
        data_dir, "--port", "{port}", command=("uvicorn", "app:app"), LOAD_DEMO_DATA="false"
    )
    try:
        # A record the schema cannot represent (a status no enum knows), written by another
        # process: reading it is an internal error, answered with a reference to quote.
        write_volunteer(data_dir, status="ON_A_BOAT")
        answer = service.query("{ volunteers { nodes { status } } }", Role.ADMIN)
        (error,) = answer["errors"]
        assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
        reference = error["message"].split("reference ")[1].split()[0]
    finally:
        service.stop(signal.SIGTERM)
    logged = [entry for entry in service.logs() if entry.get("reference") == reference]
    assert [entry["level"] for entry in logged] == ["error"]
    assert "ON_A_BOAT" in logged[0]["exc"]  # the traceback is in the log, not in the answer
    assert "ON_A_BOAT" not in str(answer)
    assert any(entry["msg"] == "service ready" for entry in service.logs())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_leaves_no_graph_server_and_restarting_finds_the_data(
    data_dir: Path, sig: int
) -> None:
    service = start(data_dir)
    graph_pid = service.graph_pid()
    write_marker(data_dir, "city-marker")
    assert service.stop(sig) in {0, -sig}  # uvicorn re-raises the signal after a clean shutdown
    assert "embedded graph server stopped" in [entry["msg"] for entry in service.logs()]
    assert wait_gone(graph_pid), "redis-server outlived the service"
    assert not (data_dir / "server.json").exists()

    again = start(data_dir)
    try:
        assert again.label_counts()["City"] == 6
        assert again.graph_pid() != graph_pid
        messages = [entry["msg"] for entry in again.logs()]
        assert "demo data loaded into the empty graph" not in messages
    finally:
        again.stop(signal.SIGTERM)


def write_volunteer(data_dir: Path, status: str) -> None:
    async def write() -> None:
        settings = replace(Settings(), graph_data_dir=data_dir, load_demo_data=False)
        store = await open_store(settings, bootstrap=False)
        try:
            await upsert(
                store, [Volunteer("volunteer-odd", "奇", Point(22.5, 113.4), status=status)]
            )
        finally:
            await store.close()

    asyncio.run(write())


def test_after_kill_9_the_graph_server_goes_too_and_a_restart_recovers(data_dir: Path) -> None:
    service = start(data_dir)
    graph_pid = service.graph_pid()
    write_marker(data_dir, "city-before-kill")
    service.process.kill()
    service.process.wait(timeout=10)
    assert wait_gone(graph_pid), "redis-server was orphaned by kill -9"

    again = start(data_dir)
    try:
        assert again.label_counts()["City"] == 6
    finally:
        again.stop(signal.SIGTERM)


@pytest.mark.parametrize(
    "uri", ["neo4j://127.0.0.1:1", "bolt://127.0.0.1:1", "falkordb://127.0.0.1:1", "mysql://x"]
)
def test_an_unreachable_graph_fails_fast_with_a_message_naming_it(tmp_path: Path, uri: str) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "cli", "serve"],
        cwd=ROOT,
        env={**os.environ, "GRAPH_URI": uri, "GRAPH_CONNECT_TIMEOUT_S": "3", "PORT": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert time.monotonic() - started < 20
    assert uri in done.stderr
    assert "Traceback" not in done.stderr


def test_when_the_graph_dies_requests_fail_fast_with_graph_unavailable(data_dir: Path) -> None:
    """While the graph is down, /readyz says so and a request fails at once with a stable code.
    The service restarts its embedded graph by itself, sometimes before the next request: then
    the graph is killed again, until a request meets it down (five tries)."""
    service = start(data_dir)
    try:
        for _ in range(5):
            pid = service.graph_pid()
            os.kill(pid, signal.SIGKILL)
            assert wait_gone(pid)
            ready = httpx.get(f"{service.url}/readyz", timeout=5)
            started = time.monotonic()
            response = httpx.post(
                f"{service.url}/graphql",
                json={"query": "{ service { labelCounts { label } } }"},
                timeout=10,
            )
            elapsed = time.monotonic() - started
            if ready.status_code == 503 and "errors" in response.json():
                break
            _wait_for_new_graph(service, pid)  # it came back first: kill the new one
        else:
            pytest.fail("The graph was back before every request; none met it down.")
        assert elapsed < 2
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "GRAPH_UNAVAILABLE"
        assert "sock" not in error["message"]
    finally:
        service.stop(signal.SIGTERM)


def _wait_for_new_graph(service: Service, old_pid: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError, ValueError, KeyError):
            if (
                service.graph_pid() != old_pid
                and httpx.get(f"{service.url}/readyz", timeout=5).status_code == 200
            ):
                return
        time.sleep(0.1)
    pytest.fail("The service did not bring its graph back.")


# The README's examples and a matching question: the same answers, field for field, on both.
SAME_ON_BOTH = [
    """{ volunteers(filter: {district: "RGlzdHJpY3Q6ZGlzdHJpY3QtenMtZWFzdA",
                             skill: "U2tpbGw6c2tpbGwtaGFpcmN1dA"}, first: 10) {
         totalCount nodes { name starLevel verifiedHours
                            teams { edges { role node { name teamLevel } } } } } }""",
    """{ funds(search: "公益创投") { nodes { name money { donated granted balance }
         grants(first: 20) {
           edges { amount date node { name runBy { nodes { name } } } } } } } }""",
    "{ experts(filter: {domain: [LEGAL_AFFAIRS, CASEWORK]}) { nodes { name title domains } } }",
    """{ statistics { residents residentsByTag { key count } needsByStatus { key count }
                    volunteersByStar { key count } medianDaysToFirstService } }""",
    """{ whoCanServe(needId: "TmVlZDpuZWVkLXpzLXFpd2FuLTAxLXZpc2l0", first: 5) {
         candidates { volunteer { key } distanceMeters score freeSlots } } }""",
]


def _neo4j_pids(home: Path) -> list[int]:
    """The local Neo4j servers running on ``home``."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"crg.Neo4jServer" in cmdline and str(home / "db").encode() in cmdline:
                found.append(int(proc.name))
    return [pid for pid in found if _is_alive(pid)]


@pytest.mark.neo4j
def test_run_neo4j_serves_the_demo_with_the_same_answers_and_takes_neo4j_down_with_it(
    tmp_path: Path,
) -> None:
    home = tmp_path / "neo4j"
    on_neo4j = start(
        tmp_path / "unused", "--local-neo4j", str(home), "--neo4j-port", str(free_port())
    )
    embedded = start(tmp_path / "graph")
    try:
        assert on_neo4j.query("{ service { graphEngine } }")["data"]["service"] == {
            "graphEngine": "neo4j"
        }
        assert on_neo4j.label_counts() == embedded.label_counts()
        for query in SAME_ON_BOTH:
            answer = on_neo4j.query(query, Role.ADMIN)
            assert "errors" not in answer, answer
            assert answer == embedded.query(query, Role.ADMIN), query
        (jvm,) = _neo4j_pids(home)
    finally:
        embedded.stop(signal.SIGTERM)
        on_neo4j.stop(signal.SIGTERM)
    assert wait_gone(jvm, 60), "Neo4j outlived the service"
    assert (home / "password").stat().st_mode & 0o777 == 0o600


def test_two_api_processes_on_one_graph_share_one_rate_allowance(
    data_dir: Path, services: list[Service]
) -> None:
    """Two API processes behind a balancer, on one embedded graph (the second finds the first's
    server and uses it): a caller's requests are counted in the graph's own Redis, so the pair
    together allows the rate once, not once per process."""
    limits = {"RATE_LIMIT_PER_MINUTE": "6", "RATE_LIMIT_BURST": "100", "LOAD_DEMO_DATA": "false"}
    first = start(data_dir, **limits)
    services.append(first)
    second = start(data_dir, **limits)
    services.append(second)
    assert first.graph_pid() == second.graph_pid()
    token = mint(Settings(), Role.ADMIN, "balanced")
    statuses = [
        httpx.post(
            f"{service.url}/graphql",
            json={"query": "{ __typename }"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).status_code
        for _ in range(5)
        for service in (first, second)
    ]
    assert sorted(statuses) == [200] * 6 + [429] * 4, statuses
    assert statuses[:6] == [200] * 6  # alternating, each process let three through
    assert second.stop(signal.SIGTERM) in {0, -signal.SIGTERM}
    assert first.stop(signal.SIGTERM) in {0, -signal.SIGTERM}


def test_a_token_revoked_through_one_api_process_stops_working_in_the_other_at_once(
    data_dir: Path, services: list[Service]
) -> None:
    """The other process had just let the token through and remembers that for a minute
    (IDENTITY_CACHE_S=60); the revocation's announcement makes it read the standing afresh."""
    settings = {"IDENTITY_CACHE_S": "60", "LOAD_DEMO_DATA": "true"}
    first = start(data_dir, **settings)
    services.append(first)
    second = start(data_dir, **settings)
    services.append(second)
    admin = {"Authorization": f"Bearer {mint(Settings(), Role.ADMIN, 'admin-a')}"}
    token = mint(Settings(), Role.ANALYST, "analyst-leaving")
    headers = {"Authorization": f"Bearer {token}"}

    def status_at(service: Service) -> int:
        return httpx.post(
            f"{service.url}/graphql",
            json={"query": "{ __typename }"},
            headers=headers,
            timeout=30,
        ).status_code

    assert status_at(second) == 200  # remembered there as standing
    revoked = httpx.post(
        f"{first.url}/graphql",
        json={"query": 'mutation { revokeTokens(subject: "analyst-leaving") { revokedAt } }'},
        headers=admin,
        timeout=30,
    ).json()
    assert "errors" not in revoked, revoked
    deadline = time.monotonic() + 5  # far inside the minute the answer was kept for
    while status_at(second) == 200:
        assert time.monotonic() < deadline, "the other process still honours the token"
        time.sleep(0.05)
    assert status_at(second) == 401
    second.stop(signal.SIGTERM)
    first.stop(signal.SIGTERM)
