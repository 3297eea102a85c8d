"""Our service beside the Neo4j GraphQL Library, on the same Neo4j: ``python -m bench.peer --tier
demo|district|city``.

1. Starts the local Neo4j with APOC core (``CRG_NEO4J_PLUGINS``: the launcher registers the
   plugins of ``tools/neo4j-server/target/plugins``; the library calls APOC) and loads the tier
   with our seeds generator through our own store, as ``bench.run`` does (``--reuse`` keeps a tier
   loaded before; the directory is ``bench/data/<tier>-peer``).
2. Starts our service (uvicorn, as ``bench.run``) and the peer (``tools/graphql-peer``: the
   library on Apollo Server, Node 20) on that database. The peer's type definitions are written
   here (:func:`type_defs`): the families the four operations read, and ``whoCanServe`` as a
   ``@cypher`` field carrying our registered matching statements (:func:`who_statement`).
3. Samples arguments as ``bench.run`` does, then asks both for the same argument sets and checks
   that they answer the same data (:func:`same_answers`: the same ids in the same order, the same
   counts) before any timing: like is compared with like.
4. Drives both with ``bench.load`` — node lookup, a filtered page, the nested list and
   whoCanServe, at each concurrency (``--concurrency``, default 1 and 16) — prints the table side
   by side and writes ``bench/results/<tier>-peer.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from access.tokens import Role, mint
from api.ids import from_global_id
from bench import ops
from bench.run import ROOT, Graph, Service, drive, load, sample
from graph.engine import local_neo4j
from graph.engine.dialect import NEO4J
from graph.engine.local_neo4j import Memory, free_port
from graph.model.filters import MAX_TAXONOMY_DEPTH
from graph.model.services import ACTIVE_NEED_STATUSES
from graph.queries import matching

PEER_DIR = ROOT / "tools" / "graphql-peer"
PLUGINS = local_neo4j.TARGET / "plugins"
OPERATIONS = ("node", "page", "nested", "whoCanServe")

# Ours: the benchmark's queries (bench.ops), with the ids the comparison reads; whoCanServe asks
# only what the peer can answer (the team proposal is computed in Python, not in the statement).
OURS = {
    "node": ops.NODE,
    "page": ops.PAGE,
    "nested": """
query ($c: ID!) {
  volunteers(filter: {community: $c}, first: 50) {
    nodes {
      id name starLevel
      skills { edges { level node { id name } } }
      teams { edges { role node { id name } } }
      serviceRecords(first: 5) { nodes { id date hours category { name } } }
    }
  }
}""",
    "whoCanServe": """
query ($n: ID!) {
  whoCanServe(needId: $n, first: 10) { candidates { score distanceMeters volunteer { id name } } }
}""",
}


def _skill_or_narrower(depth: int = MAX_TAXONOMY_DEPTH) -> str:
    """Our ``skill`` filter (the skill or one below it, ``BROADER*0..depth``) in the library's
    where: the library has no variable-length paths, so each depth is spelt out."""
    alternatives = []
    for hops in range(depth + 1):
        inner = "{id: {eq: $s}}"
        for _ in range(hops):
            inner = f"{{broader: {{some: {inner}}}}}"
        alternatives.append(inner)
    return "{OR: [" + ", ".join(alternatives) + "]}"


# The peer: the same questions in the library's dialect (7.x: `where` with operator objects,
# `limit` and `sort` on lists, `first` and `sort` on connections; ours orders by name, then id).
PEER = {
    "node": "query ($id: ID!) { volunteers(where: {id: {eq: $id}}) { id name starLevel status } }",
    "page": """
query ($c: ID!, $s: ID!) {
  volunteersConnection(
    first: 20, sort: [{name: ASC}, {id: ASC}],
    where: {serviceAreas: {some: {id: {eq: $c}}}, skills: {some: SKILL}}
  ) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id name starLevel verifiedMinutes } }
  }
}""".replace("SKILL", _skill_or_narrower()),
    "nested": """
query ($c: ID!) {
  volunteers(
    where: {serviceAreas: {some: {id: {eq: $c}}}}, limit: 50, sort: [{name: ASC}, {id: ASC}]
  ) {
    id name starLevel
    skillsConnection { edges { properties { level } node { id name } } }
    teamsConnection { edges { properties { role } node { id name } } }
    serviceRecords(limit: 5, sort: [{date: ASC}, {id: ASC}]) {
      id date minutes category { name }
    }
  }
}""",
    "whoCanServe": """
query ($n: ID!) { whoCanServe(needId: $n, first: 10) { score distanceMeters volunteerId name } }
""",
}


def _literal(value: Any) -> str:
    """A constant of our matching's parameters as a Cypher literal."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return "[" + ", ".join(_literal(v) for v in value) + "]"


def who_statement() -> str:
    """whoCanServe as one statement for the library's ``@cypher``: our two registered statements
    (``matching.need_context``, then ``matching.candidates``), rendered for Neo4j.

    The library passes only the field's arguments (``$needId``, ``$first``), so what our resolver
    reads first and sends as parameters is computed in the statement: the need's context is a
    subquery, its values and the constants (the default radius, every base measured exactly —
    an administrator's view —, the weights) a map ``p`` carried through every ``WITH``; each
    ``$name`` of the candidates statement becomes ``p.name``. The pool's ``LIMIT`` is ``$first``:
    the same first rows, since the order is total (score, distance, id)."""
    context = matching.NEED_CONTEXT.render(NEO4J).replace("$need", "$needId")
    constants = {
        "radius": matching.DEFAULT_RADIUS_METERS,
        "reach": matching.DEFAULT_RADIUS_METERS + matching.EXACT.slack_meters,
        **matching.EXACT.params(),
        "active": [str(s) for s in ACTIVE_NEED_STATUSES],
        "experience_full": matching.EXPERIENCE_FULL_MINUTES,
        **{f"w_{name}": weight for name, weight in matching.WEIGHTS.items()},
    }
    fixed = ", ".join(f"{key}: {_literal(value)}" for key, value in constants.items())
    candidates = matching.CANDIDATES.render(NEO4J).replace("$limit", "$first")
    candidates = re.sub(r"(?m)^(\s*)WITH ", r"\1WITH p, ", candidates)
    candidates = re.sub(r"\$(?!first\b)([a-z_]+)", r"p.\1", candidates)
    candidates = candidates.replace("RETURN v.id AS volunteer,", "WITH p, v, v.id AS volunteer,")
    return f"""
    CALL {{ {context} }}
    WITH status, location, resident, languages, category, required, fallback, slots,
         oneOffSlot, oneOffKey, languageRequired
    WHERE status IN {_literal(constants["active"])} AND location IS NOT NULL
    WITH {{need: $needId, resident: resident, latitude: location.latitude,
           longitude: location.longitude, languages: languages, category: category,
           language_required: languageRequired, one_off_key: oneOffKey,
           wanted: CASE WHEN oneOffSlot IS NOT NULL THEN [oneOffSlot]
                        ELSE coalesce(slots, []) END,
           required: CASE WHEN size(required) > 0 THEN required ELSE fallback END,
           {fixed}}} AS p
    WHERE size(p.wanted) > 0 AND size(p.required) > 0
    {candidates}
    RETURN {{volunteerId: volunteer, name: v.name, score: score, distanceMeters: distance}}
           AS candidate
    """


def type_defs() -> str:
    """The peer's type definitions: what the four operations read, named as our schema names
    them where the library allows (its relationship fields are lists; `verifiedMinutes` is the
    stored value our `verifiedHours` is computed from)."""
    statement = who_statement()
    assert '"""' not in statement and "\\" not in statement
    return f'''
type Volunteer @node {{
  id: ID!
  name: String
  starLevel: Int
  status: String
  verifiedMinutes: Int
  skills: [Skill!]! @relationship(type: "HAS_SKILL", direction: OUT, properties: "Proficiency")
  teams: [Organization!]!
    @relationship(type: "MEMBER_OF", direction: OUT, properties: "Membership")
  serviceAreas: [Community!]! @relationship(type: "SERVES_AREA", direction: OUT)
  serviceRecords: [ServiceRecord!]! @relationship(type: "PERFORMED", direction: OUT)
}}
type Proficiency @relationshipProperties {{ level: String certified: Boolean }}
type Membership @relationshipProperties {{ role: String }}
type Skill @node {{
  id: ID!
  name: String
  broader: [Skill!]! @relationship(type: "BROADER", direction: OUT)
}}
type Organization @node {{ id: ID! name: String }}
type Community @node {{ id: ID! name: String }}
type ServiceCategory @node {{ id: ID! name: String }}
type ServiceRecord @node {{
  id: ID!
  date: Date
  minutes: Int
  category: [ServiceCategory!]! @relationship(type: "OF_CATEGORY", direction: OUT)
}}
type Need @node {{ id: ID! title: String status: String }}
type Candidate {{ volunteerId: ID! name: String score: Float! distanceMeters: Float! }}
type Query {{
  whoCanServe(needId: ID!, first: Int! = 10): [Candidate!]!
    @cypher(columnName: "candidate", statement: """{statement}""")
}}
'''


class Peer:
    """The library's server (``tools/graphql-peer/server.mjs``) over the graph's database."""

    def __init__(self, graph: Graph, typedefs: Path, timeout_s: float = 300) -> None:
        assert graph.server is not None
        typedefs.write_text(type_defs())
        self.port = free_port()
        env = {
            **os.environ,
            "NEO4J_URI": graph.server.uri,
            "NEO4J_USER": local_neo4j.USER,
            "NEO4J_PASSWORD": graph.server.password,
            "NEO4J_DATABASE": local_neo4j.DATABASE,
        }
        self.process = subprocess.Popen(
            ["node", "server.mjs", str(typedefs), str(self.port)],  # noqa: S607
            cwd=PEER_DIR, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )  # fmt: skip
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout_s
        os.set_blocking(self.process.stdout.fileno(), False)
        seen = b""
        while b"ready " not in seen:
            seen += self.process.stdout.read() or b""
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the peer did not start: {seen.decode(errors='replace')}")
            time.sleep(0.1)

    def stop(self) -> None:
        """Its standard input's end is its signal to stop (SIGTERM does too)."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()


def post(port: int, query: str, variables: dict[str, Any], token: str | None = None) -> Any:
    """One GraphQL request; its ``data``, or an error with the answer's errors."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables}).encode(),
        headers=headers,
    )
    with urllib.request.urlopen(request, timeout=120) as answer:
        body = json.loads(answer.read())
    if body.get("errors"):
        raise RuntimeError(f"GraphQL errors: {json.dumps(body['errors'])[:1000]}")
    return body["data"]


def raw(variables: dict[str, str]) -> dict[str, str]:
    """Our global ids as the peer's ids (the stored ``id``)."""
    return {name: from_global_id(value)[1] for name, value in variables.items()}


def _key(global_id: str) -> str:
    return from_global_id(global_id)[1]


def ours_ids(operation: str, data: dict[str, Any]) -> Any:
    """What our answer says, as plain ids and counts (compared with :func:`peer_ids`)."""
    if operation == "node":
        return [_key(data["node"]["id"])] if data["node"] else []
    if operation == "page":
        page = data["volunteers"]
        return page["totalCount"], [_key(n["id"]) for n in page["nodes"]]
    if operation == "nested":
        return [
            (
                _key(v["id"]),
                sorted(_key(e["node"]["id"]) for e in v["skills"]["edges"]),
                sorted(_key(e["node"]["id"]) for e in v["teams"]["edges"]),
                [_key(r["id"]) for r in v["serviceRecords"]["nodes"]],
            )
            for v in data["volunteers"]["nodes"]
        ]
    return [_key(c["volunteer"]["id"]) for c in data["whoCanServe"]["candidates"]]


def peer_ids(operation: str, data: dict[str, Any]) -> Any:
    if operation == "node":
        return [v["id"] for v in data["volunteers"]]
    if operation == "page":
        page = data["volunteersConnection"]
        return page["totalCount"], [e["node"]["id"] for e in page["edges"]]
    if operation == "nested":
        return [
            (
                v["id"],
                sorted(e["node"]["id"] for e in v["skillsConnection"]["edges"]),
                sorted(e["node"]["id"] for e in v["teamsConnection"]["edges"]),
                [r["id"] for r in v["serviceRecords"]],
            )
            for v in data["volunteers"]
        ]
    return [c["volunteerId"] for c in data["whoCanServe"]]


def same_answers(
    ours_port: int, peer_port: int, token: str, arguments: dict[str, list[dict[str, str]]], n: int
) -> dict[str, dict[str, int]]:
    """Ask both the same argument sets of each operation, until ``n`` answers that hold
    something agreed (or ``20 × n`` sets were asked: on the demo tier most needs have no
    candidate); raise on the first difference. Returns how many were asked and held something."""
    checked: dict[str, dict[str, int]] = {}
    for operation in OPERATIONS:
        asked = nonempty = 0
        for variables in arguments[operation][: 20 * n]:
            ours = ours_ids(operation, post(ours_port, OURS[operation], variables, token))
            peer = peer_ids(operation, post(peer_port, PEER[operation], raw(variables)))
            if ours != peer:
                raise AssertionError(
                    f"{operation} {variables}: ours {ours!r}\n  differs from the peer's {peer!r}"
                )
            asked += 1
            nonempty += bool(ours[1] if operation == "page" else ours)
            if nonempty >= n:
                break
        checked[operation] = {"asked": asked, "nonempty": nonempty}
    return checked


def _plan(
    args: argparse.Namespace, token: str, ports: dict[str, int], pids: dict[str, int | None],
    arguments: dict[str, list[dict[str, str]]],
) -> dict[str, Any]:  # fmt: skip
    levels = [int(x) for x in args.concurrency.split(",")]
    runs, prime = [], []
    for operation in OPERATIONS:
        for side, queries, convert in (("ours", OURS, dict), ("peer", PEER, raw)):
            item = {"name": f"{operation} ({side})", "query": queries[operation],
                    "variables": [convert(v) for v in arguments[operation]],
                    "port": ports[side]}  # fmt: skip
            prime.append(item)
            runs += [
                {"name": item["name"], "mix": [item], "concurrency": level,
                 "duration": args.duration, "port": ports[side]}
                for level in levels
            ]  # fmt: skip
    return {
        "host": "127.0.0.1", "port": ports["ours"], "token": token, "pids": pids, "runs": runs,
        "prime": {"items": prime, "concurrency": 2, "cap_s": args.prime_cap},
    }  # fmt: skip


def table(runs: list[dict[str, Any]]) -> str:
    """The side-by-side table: one row per operation and concurrency."""
    by = {(r["name"], r["concurrency"]): r for r in runs}
    lines = [
        "| operation | c | ours req/s | peer req/s | ours p50 ms | peer p50 ms | ours p99 ms "
        "| peer p99 ms | errors (ours/peer) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (name, level), run in by.items():
        if not name.endswith("(ours)"):
            continue
        operation = name.removesuffix(" (ours)")
        peer = by[(f"{operation} (peer)", level)]
        lines.append(
            f"| {operation} | {level} | {run['throughput']:,.1f} | {peer['throughput']:,.1f} "
            f"| {run['p50']:.2f} | {peer['p50']:.2f} | {run['p99']:.2f} | {peer['p99']:.2f} "
            f"| {run['errors']}/{peer['errors']} |"
        )
    return "\n".join(lines)


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """``values`` in this process's environment while the block runs: the local Neo4j and the
    loader inherit them, and nothing started afterwards does (a test session's own Neo4j)."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def start(tier: str, data: Path, memory: Memory, *, reuse: bool, seed: int = 1) -> Graph:
    """The local Neo4j with APOC, over ``data``, holding the tier (loaded unless ``reuse`` finds
    it there). A statement of the load may take long when the machine is busy."""
    with _environment(CRG_NEO4J_PLUGINS=str(PLUGINS), GRAPH_QUERY_TIMEOUT_S="600"):
        graph = Graph("neo4j", data, memory)
        previous = data / "bench-load.json"
        earlier = json.loads(previous.read_text()) if previous.exists() else {}
        if not (reuse and earlier.get("tier") == tier and graph.holds_nodes()):
            load(tier, graph, seed)
        graph.start()
    return graph


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.peer", description=__doc__)
    parser.add_argument("--tier", choices=("demo", "district", "city"), required=True)
    parser.add_argument("--reuse", action="store_true", help="keep a tier an earlier run loaded")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measured run")
    parser.add_argument("--concurrency", default="1,16", help="comma-separated levels")
    parser.add_argument("--prime-cap", type=float, default=60.0, help="seconds of priming at most")
    parser.add_argument("--check", type=int, default=30, help="argument sets compared per op")
    parser.add_argument("--neo4j-heap-mb", type=int, default=2048)
    parser.add_argument("--neo4j-pagecache-mb", type=int, default=1024)
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    data = (args.data / f"{args.tier}-peer").resolve()
    data.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    memory = Memory(args.neo4j_heap_mb, args.neo4j_pagecache_mb)
    graph = start(args.tier, data, memory, reuse=args.reuse)
    api: Service | None = None
    peer: Peer | None = None
    try:
        api = Service("app:app", graph.env())
        api.wait("/readyz")
        peer = Peer(graph, data / "peer.graphql")
        settings = graph.settings()
        token = mint(settings, Role.ADMIN, "admin-bench", ttl_s=6 * 3600)
        sampled = {op.name: op.variables for op in asyncio.run(sample(settings))}
        arguments = {name: sampled[name] for name in OPERATIONS}
        checked = same_answers(api.port, peer.port, token, arguments, args.check)
        print(f"the same answers from both: {checked}", file=sys.stderr)
        ports = {"ours": api.port, "peer": peer.port}
        pids = {"api": api.process.pid, "peer": peer.process.pid, "graph": graph.pid()}
        plan = _plan(args, token, ports, pids, arguments)
        driven = drive(plan, args.out / f"{args.tier}-peer.runs.json")
    finally:
        if peer is not None:
            peer.stop()
        if api is not None:
            api.stop()
        graph.stop()
    result = {
        "tier": args.tier, "graph": graph.describe(), "checked": checked,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "settings": {"duration_s": args.duration, "concurrency": args.concurrency},
        "prime": driven["prime"], "runs": driven["runs"],
    }  # fmt: skip
    path = args.out / f"{args.tier}-peer.json"
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(table(driven["runs"]))
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
