"""Crash safety: acknowledged writes survive SIGKILL of the API, the graph server, or both.

``python -m bench.crash --cycles 200`` (``tests/resilience/test_crash.py`` runs 20). The service
runs as ``python -m cli serve`` on the demo data in a scratch directory. Each cycle keeps a few
writers busy (needs, sign-ups, service records, verifications, grants; each with an idempotency
key), kills a random victim at a random moment with SIGKILL, restarts what died (the API; the
graph server is restarted by the API's own supervisor), and re-sends the writes that were in
flight with their same keys. At the end every acknowledged write must be in the graph and the
invariants must hold: no recruitment over capacity, no fund overdrawn, no time-bank balance
below zero and no service record credited twice, no node left locked, no half-written entity.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from starlette.datastructures import Secret

from access.tokens import Role, Viewer, mint
from api.ids import to_global_id as gid
from config import Settings
from graph.engine import local_neo4j
from graph.engine.connect import open_store
from graph.engine.cypher import cypher
from graph.engine.local_neo4j import LocalNeo4j, Memory, free_port
from graph.engine.store import GraphStore
from graph.workflows import Request

ROOT = Path(__file__).resolve().parents[1]

REPORT_NEED = """
mutation ($input: ReportNeedInput!, $key: String) {
  reportNeed(input: $input, idempotencyKey: $key) { need { key } }
}"""
SIGN_UP = """
mutation ($r: ID!, $v: ID!, $key: String) {
  signUp(recruitmentId: $r, volunteerId: $v, idempotencyKey: $key) { replayed }
}"""
RECORD = """
mutation ($input: RecordServiceInput!, $key: String) {
  recordService(input: $input, idempotencyKey: $key) { serviceRecord { key } }
}"""
VERIFY = """
mutation ($r: ID!, $w: ID!, $key: String) {
  verifyService(recordId: $r, socialWorkerId: $w, idempotencyKey: $key) { replayed }
}"""
GRANT = """
mutation ($f: ID!, $p: ID!, $amount: Decimal!, $key: String) {
  grant(fundId: $f, projectId: $p, amount: $amount, date: "2026-11-20", idempotencyKey: $key) {
    replayed
  }
}"""

SAMPLE = cypher(
    "bench.crash.sample",
    """
    MATCH (r:Resident) WITH collect(r.id)[0..40] AS residents
    MATCH (c:ServiceCategory) WITH residents, collect(c.id) AS categories
    MATCH (v:Volunteer {status: 'ACTIVE'}) WITH residents, categories, collect(v.id) AS volunteers
    MATCH (rc:Recruitment {status: 'OPEN'})
    WITH residents, categories, volunteers, collect(rc.id) AS recruitments
    MATCH (w:SocialWorker) WITH residents, categories, volunteers, recruitments,
         collect(w.id) AS workers
    MATCH (f:Fund)-[:GRANTED]->(p:Project)
    RETURN residents, categories, volunteers, recruitments, workers,
           collect(DISTINCT [f.id, p.id]) AS grants
    """,
)

# What must be true of any graph the service has ever left behind.
OVER_CAPACITY = cypher(
    "bench.crash.over_capacity",
    """
    MATCH (r:Recruitment)<-[s:SIGNED_UP]-(:Volunteer) WHERE s.status = 'SIGNED_UP'
    WITH r, count(s) AS taken WHERE taken > r.capacity
    RETURN r.id AS id, taken, r.capacity AS capacity
    """,
)
OVERDRAWN = cypher(
    "bench.crash.overdrawn",
    """
    MATCH (f:Fund)
    OPTIONAL MATCH (:Organization)-[d:DONATED]->(f)
    WITH f, coalesce(sum(d.amountFen), 0) AS donated
    OPTIONAL MATCH (f)-[g:GRANTED]->(:Project)
    WITH f, donated, coalesce(sum(g.amountFen), 0) AS granted
    WHERE granted > donated
    RETURN f.id AS id, donated, granted
    """,
)
NEGATIVE_TIME = cypher(
    "bench.crash.negative_time",
    """
    MATCH (v:Volunteer)-[:HOLDS]->(e:TimeBankEntry)
    WITH v, sum(CASE WHEN e.kind = 'EARNED' THEN e.minutes ELSE -e.minutes END) AS balance
    WHERE balance < 0
    RETURN v.id AS id, balance
    """,
)
CREDITED_TWICE = cypher(
    "bench.crash.credited_twice",
    """
    MATCH (e:TimeBankEntry)-[:EARNED_BY]->(r:ServiceRecord)
    WITH r, count(e) AS credits WHERE credits > 1
    RETURN r.id AS id, credits
    """,
)
LOCKED = cypher("bench.crash.locked", "MATCH (n) WHERE n._lock IS NOT NULL RETURN n.id AS id")
HALF_WRITTEN = cypher(
    "bench.crash.half_written",
    """
    MATCH (n:Need) WHERE NOT (:Resident)-[:HAS_NEED]->(n) OR NOT (n)-[:OF_CATEGORY]->()
    RETURN n.id AS id
    UNION
    MATCH (r:ServiceRecord) WHERE NOT (:Volunteer)-[:PERFORMED]->(r) RETURN r.id AS id
    UNION
    MATCH (e:TimeBankEntry) WHERE NOT (:Volunteer)-[:HOLDS]->(e) RETURN e.id AS id
    """,
)
HAS_NEED = cypher(
    "bench.crash.needs", "UNWIND $ids AS id MATCH (:Resident)-[:HAS_NEED]->(n:Need {id: id}) "
    "RETURN n.id AS id",
)  # fmt: skip
HAS_RECORD = cypher(
    "bench.crash.records",
    "UNWIND $ids AS id MATCH (:Volunteer)-[:PERFORMED]->(r:ServiceRecord {id: id}) "
    "RETURN r.id AS id",
)
HAS_SIGN_UP = cypher(
    "bench.crash.sign_ups",
    "UNWIND $pairs AS p MATCH (:Volunteer {id: p[1]})-[:SIGNED_UP]->(:Recruitment {id: p[0]}) "
    "RETURN p AS pair",
)
HAS_KEY = cypher(
    "bench.crash.keys", "UNWIND $keys AS k MATCH (i:IdempotencyKey {key: k}) RETURN i.key AS key"
)
WRITER = Viewer(Role.ADMIN, "admin-crash-test")  # keys are stored per actor: the writers' own


def stored_key(key: str) -> str | None:
    return Request("", {}, key, by=WRITER.actor).stored_key


INVARIANTS = {
    "recruitments over capacity": OVER_CAPACITY,
    "funds overdrawn": OVERDRAWN,
    "time-bank balances below zero": NEGATIVE_TIME,
    "service records credited twice": CREDITED_TWICE,
    "nodes left locked": LOCKED,
    "half-written entities": HALF_WRITTEN,
}


@dataclass
class Ledger:
    """Every write the service acknowledged, by kind."""

    needs: set[str] = field(default_factory=set)
    records: set[str] = field(default_factory=set)
    sign_ups: set[tuple[str, str]] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)  # verifications and grants, by their key
    refused: int = 0
    kills: dict[str, int] = field(default_factory=dict)

    @property
    def acknowledged(self) -> int:
        return len(self.needs) + len(self.records) + len(self.sign_ups) + len(self.keys)


class Service:
    """``python -m cli serve`` on the embedded graph in ``data``, or on a local Neo4j."""

    def __init__(self, data: Path, neo4j: LocalNeo4j | None = None) -> None:
        self.data = data
        self.neo4j = neo4j
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def settings(self) -> Settings:
        """What a process of ours needs to reach the same graph (and sign its tokens)."""
        settings = Settings(graph_data_dir=self.data, load_demo_data=False, log_format="text",
                            log_level="error")  # fmt: skip
        if self.neo4j is None:
            return settings
        return replace(settings, graph_uri=self.neo4j.uri, neo4j_user=local_neo4j.USER,
                       neo4j_password=Secret(self.neo4j.password))  # fmt: skip

    @property
    def env(self) -> dict[str, str]:
        graph = {} if self.neo4j is None else {
            "GRAPH_URI": self.neo4j.uri, "NEO4J_USER": local_neo4j.USER,
            "NEO4J_PASSWORD": self.neo4j.password, "NEO4J_DATABASE": local_neo4j.DATABASE,
        }  # fmt: skip
        return {
            **os.environ, "GRAPH_DATA_DIR": str(self.data), "PORT": str(self.port),
            "LOAD_DEMO_DATA": "true", "RATE_LIMIT_PER_MINUTE": "0", "LOG_LEVEL": "error", **graph,
        }  # fmt: skip

    @property
    def log(self) -> Path:
        return self.data.parent / "service.log"

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli", "serve"], cwd=ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip

    async def ready(self, timeout_s: float = 120) -> float:
        started = time.monotonic()
        async with httpx.AsyncClient() as http:
            while time.monotonic() - started < timeout_s:
                if self.process is not None and self.process.poll() is not None:
                    tail = self.log.read_text(errors="replace")[-1500:]
                    raise RuntimeError(f"the service exited with {self.process.returncode}: {tail}")
                try:
                    answer = await http.get(f"http://127.0.0.1:{self.port}/readyz", timeout=2)
                    if answer.status_code == 200:
                        return time.monotonic() - started
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.05)
        raise RuntimeError(f"the service was not ready within {timeout_s:.0f} s")

    def graph_pid(self) -> int | None:
        if self.neo4j is not None:
            return self.neo4j.pid
        try:
            return int(json.loads((self.data / "server.json").read_text())["pid"])
        except (OSError, ValueError, KeyError):
            return None

    def kill(self, victim: str) -> None:
        graph = self.graph_pid()
        if victim in {"graph", "both"} and self.neo4j is not None:
            self.neo4j.kill()
        elif victim in {"graph", "both"} and graph:
            os.kill(graph, signal.SIGKILL)
        if victim in {"api", "both"} and self.process is not None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


class Writers:
    """Concurrent writers; a write that got no answer is kept to be re-sent with its key."""

    def __init__(self, port: int, token: str, sample: dict[str, Any], ledger: Ledger,
                 rng: random.Random) -> None:  # fmt: skip
        self.url = f"http://127.0.0.1:{port}/graphql"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.sample, self.ledger, self.rng = sample, ledger, rng
        self.pending: dict[str, tuple[str, dict[str, Any], Any]] = {}

    def _next(self) -> tuple[str, dict[str, Any], Any]:
        s, rng, key = self.sample, self.rng, uuid.uuid4().hex
        kind = rng.choice(["need", "sign_up", "record", "record", "verify", "grant"])
        if kind == "verify" and self.ledger.records:
            record = rng.choice(sorted(self.ledger.records))
            variables = {
                "r": gid("ServiceRecord", record),
                "w": gid("SocialWorker", rng.choice(s["workers"])),
                "key": key,
            }
            return VERIFY, variables, ("key", key)
        if kind == "need":
            variables = {"key": key, "input": {
                "residentId": gid("Resident", rng.choice(s["residents"])),
                "categoryId": gid("ServiceCategory", rng.choice(s["categories"])),
                "title": "上门探访 (crash test)", "slots": ["MON_AM"],
            }}  # fmt: skip
            return REPORT_NEED, variables, ("need", None)
        if kind == "sign_up" and s["recruitments"]:
            pair = (rng.choice(s["recruitments"]), rng.choice(s["volunteers"]))
            variables = {"r": gid("Recruitment", pair[0]), "v": gid("Volunteer", pair[1]),
                         "key": key}  # fmt: skip
            return SIGN_UP, variables, ("sign_up", pair)
        if kind == "grant" and s["grants"]:
            fund, project = rng.choice(s["grants"])
            variables = {"f": gid("Fund", fund), "p": gid("Project", project),
                         "amount": f"{rng.randint(1, 500)}.00", "key": key}  # fmt: skip
            return GRANT, variables, ("key", key)
        variables = {"key": key, "input": {
            "volunteerId": gid("Volunteer", rng.choice(s["volunteers"])), "date": "2026-11-20",
            "hours": "1.5", "categoryId": gid("ServiceCategory", rng.choice(s["categories"])),
        }}  # fmt: skip
        return RECORD, variables, ("record", None)

    def _acknowledge(self, answer: dict[str, Any], what: Any) -> None:
        if answer.get("errors"):
            codes = {(e.get("extensions") or {}).get("code") for e in answer["errors"]}
            if codes & {"GRAPH_UNAVAILABLE", "INTERNAL_SERVER_ERROR"}:
                raise ConnectionError("not acknowledged")
            self.ledger.refused += 1  # a rule said no (full, overdrawn...): nothing to check
            return
        data, (kind, detail) = answer["data"], what
        if kind == "need":
            self.ledger.needs.add(data["reportNeed"]["need"]["key"])
        elif kind == "record":
            self.ledger.records.add(data["recordService"]["serviceRecord"]["key"])
        elif kind == "sign_up":
            self.ledger.sign_ups.add(detail)
        else:
            self.ledger.keys.add(detail)

    async def send(self, http: httpx.AsyncClient, query: str, variables: dict[str, Any],
                   what: Any) -> None:  # fmt: skip
        key = variables["key"]
        self.pending[key] = (query, variables, what)
        answer = await http.post(self.url, json={"query": query, "variables": variables},
                                 headers=self.headers, timeout=15)  # fmt: skip
        if answer.status_code != 200:
            raise ConnectionError(f"HTTP {answer.status_code}")
        self._acknowledge(answer.json(), what)
        del self.pending[key]

    async def run(self, seconds: float, workers: int = 4) -> None:
        async def one(http: httpx.AsyncClient) -> None:
            while True:
                try:
                    await self.send(http, *self._next())
                except (httpx.HTTPError, ConnectionError, ValueError):
                    await asyncio.sleep(0.05)  # the service is down: keep the write pending

        async with httpx.AsyncClient() as http:
            tasks = [asyncio.create_task(one(http)) for _ in range(workers)]
            await asyncio.sleep(seconds)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def resend(self) -> None:
        """Re-send every write whose answer was lost, with its key, until each is answered."""
        async with httpx.AsyncClient() as http:
            for _ in range(50):
                if not self.pending:
                    return
                for query, variables, what in list(self.pending.values()):
                    try:
                        await self.send(http, query, variables, what)
                    except (httpx.HTTPError, ConnectionError, ValueError):
                        await asyncio.sleep(0.1)
        raise RuntimeError(f"{len(self.pending)} writes were never answered")


async def _sample(settings: Settings) -> dict[str, Any]:
    store = await open_store(settings, bootstrap=False)
    try:
        (row,) = await store.read(SAMPLE)
    finally:
        await store.close()
    return row


async def verify(store: GraphStore, ledger: Ledger) -> dict[str, Any]:
    """What is missing of the acknowledged writes, and which invariants are broken."""
    found_needs = {r["id"] for r in await store.read(HAS_NEED, {"ids": sorted(ledger.needs)})}
    found_records = {r["id"] for r in await store.read(HAS_RECORD, {"ids": sorted(ledger.records)})}
    pairs = [list(p) for p in sorted(ledger.sign_ups)]
    found_pairs = {tuple(r["pair"]) for r in await store.read(HAS_SIGN_UP, {"pairs": pairs})}
    stored = {stored_key(k): k for k in ledger.keys}
    found_keys = {
        stored[r["key"]] for r in await store.read(HAS_KEY, {"keys": sorted(stored, key=str)})
    }
    lost = (
        len(ledger.needs - found_needs) + len(ledger.records - found_records)
        + len(ledger.sign_ups - found_pairs) + len(ledger.keys - found_keys)
    )  # fmt: skip
    broken = {name: rows for name, s in INVARIANTS.items() if (rows := await store.read(s))}
    return {"acknowledged": ledger.acknowledged, "lost": lost, "broken": broken}


def _victims(seed: int, cycles: int) -> list[str]:
    """Who is killed in each cycle: every kind once in each three cycles, in an order drawn
    from ``seed`` alone (the writers' draws depend on timing, so they must not decide it)."""
    order = random.Random(seed)
    kinds: list[str] = []
    while len(kinds) < cycles:
        kinds += order.sample(["api", "graph", "both"], 3)
    return kinds[:cycles]


async def crash_cycles(
    workdir: Path, cycles: int, seed: int = 1, engine: str = "falkordb"
) -> dict[str, Any]:
    """On Neo4j the graph victim is the Neo4j server, restarted here as its operator would
    (systemd, Aura); the embedded FalkorDB is restarted by the service itself."""
    rng = random.Random(seed)
    data = workdir / "graph"
    neo4j = None
    if engine == "neo4j":
        neo4j = LocalNeo4j(workdir / "neo4j", memory=Memory(heap_mb=768, pagecache_mb=256))
        neo4j.start()
    service = Service(data, neo4j)
    ledger = Ledger()
    started = time.monotonic()
    try:
        service.start()
        await service.ready()
        sample = await _sample(service.settings)
        token = mint(service.settings, WRITER.role, WRITER.subject, ttl_s=24 * 3600)
        writers = Writers(service.port, token, sample, ledger, rng)
        recovery: list[float] = []
        for victim in _victims(seed, cycles):
            await writers.run(rng.uniform(0.2, 1.2))
            service.kill(victim)
            ledger.kills[victim] = ledger.kills.get(victim, 0) + 1
            if victim != "api" and neo4j is not None:
                neo4j.start()  # first: the service will not start without its graph
            if victim != "graph":
                service.start()
            recovery.append(await service.ready())
            await writers.resend()
        store = await open_store(service.settings, bootstrap=False)
        try:
            report = await verify(store, ledger)
        finally:
            await store.close()
    finally:
        service.stop()
        if neo4j is not None:
            neo4j.stop()
    recovery.sort()
    return {
        **report, "engine": engine, "cycles": cycles, "kills": ledger.kills,
        "refused": ledger.refused,
        "needs": len(ledger.needs), "records": len(ledger.records),
        "sign_ups": len(ledger.sign_ups), "verifications_and_grants": len(ledger.keys),
        "recovery_p50_s": round(recovery[len(recovery) // 2], 2) if recovery else None,
        "recovery_max_s": round(recovery[-1], 2) if recovery else None,
        "seconds": round(time.monotonic() - started, 1),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    import tempfile  # noqa: PLC0415

    parser = argparse.ArgumentParser(prog="python -m bench.crash", description=__doc__)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", choices=["falkordb", "neo4j"], default="falkordb")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="crg-crash-") as tmp:
        report = asyncio.run(crash_cycles(Path(tmp), args.cycles, args.seed, args.engine))
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0 if report["lost"] == 0 and not report["broken"] else 1


if __name__ == "__main__":
    sys.exit(main())
