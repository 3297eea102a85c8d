"""A backup restores into a fresh graph exactly; a bad file is refused before anything changes."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import gzip
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from api.ids import to_global_id as gid
from config import Settings
from graph.access import identity
from graph.engine.connect import open_store
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum, clear_graph
from graph.io import backup
from graph.queries import network
from seeds import demo
from tests.conftest import graph_env, serving

ROOT = Path(__file__).resolve().parents[2]
# Counted here, independently of the backup's paging over families and declared relationships.
EVERY_NODE = dynamic(
    "test.backup.nodes", "MATCH (n) WHERE NOT n:SchemaInfo RETURN count(n) AS n"
)  # fmt: skip
EVERY_RELATIONSHIP = dynamic("test.backup.rels", "MATCH ()-[r]->() RETURN count(r) AS n")
LIN = dynamic(
    "test.backup.lin",
    "MATCH (r:Resident {id: 'resident-zs-qiwan-01'}) RETURN properties(r) AS p, labels(r) AS l",
)
GRANT = """
mutation ($f: ID!, $p: ID!, $key: String) {
  grant(fundId: $f, projectId: $p, amount: "1234.56", date: "2026-11-20", idempotencyKey: $key) {
    replayed
  }
}
"""


async def demo_after_a_grant(store: GraphStore, settings: Settings) -> GraphStore:
    """The demo graph after one audited, idempotent grant (audit entries and keys included).

    The app is started and stopped here, not in a fixture: a graph-test module's fixtures
    may be finalized on another event loop than the one an app's lifespan runs on."""
    await clear_graph(store)
    await demo.load(store)
    variables = {
        "f": gid("Fund", "fund-zs-east-seed"),
        "p": gid("Project", "project-zs-clothes-bank"),
        "key": "backup-test-grant",
    }
    async with serving(settings) as http:
        posted = await http.post("/graphql", json={"query": GRANT, "variables": variables})
    assert posted.json() == {"data": {"grant": {"replayed": False}}}, posted.text
    return store


@pytest.fixture
async def source(engine_store: GraphStore, engine_settings: Settings) -> GraphStore:
    return await demo_after_a_grant(engine_store, engine_settings)


@pytest.fixture
async def fresh(settings: Settings, tmp_path: Path) -> AsyncIterator[GraphStore]:
    """A second embedded graph server of its own, empty."""
    own = dataclasses.replace(settings, graph_data_dir=tmp_path / "fresh", graph_name="fresh")
    store = await open_store(own)
    yield store
    await store.close()


async def _count(store: GraphStore) -> tuple[int, int]:
    return (
        (await store.read(EVERY_NODE))[0]["n"],
        (await store.read(EVERY_RELATIONSHIP))[0]["n"],
    )


def _body(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return f.read().splitlines()[1:]  # after the header, which carries the time


async def test_the_whole_graph_round_trips_through_a_file_into_a_fresh_graph_exactly(
    source: GraphStore, fresh: GraphStore, tmp_path: Path
) -> None:
    saved = await backup.save(source, tmp_path / "a.jsonl.gz")
    assert (saved.nodes, saved.relationships) == await _count(source)
    assert (tmp_path / "a.jsonl.gz").stat().st_mode & 0o777 == 0o600

    restored = await backup.restore(fresh, tmp_path / "a.jsonl.gz")

    assert restored == saved
    assert await _count(fresh) == await _count(source)
    assert await checksum(fresh) == await checksum(source)
    assert (await fresh.read(LIN)) == (await source.read(LIN))  # PII and location included
    await backup.save(fresh, tmp_path / "b.jsonl")
    assert _body(tmp_path / "b.jsonl") == _body(tmp_path / "a.jsonl.gz")
    kinds = {json.loads(line)["label"] for line in _body(tmp_path / "b.jsonl") if '"node"' in line}
    assert {"AuditEntry", "IdempotencyKey", "Resident"} <= kinds


async def test_a_subgraph_backup_holds_the_neighbourhood_and_the_relationships_among_it(
    source: GraphStore, fresh: GraphStore, tmp_path: Path
) -> None:
    (qiwan,) = await network.nodes(source, [("Community", "community-zs-qiwan")])
    sub = await network.neighbourhood(
        source, qiwan, depth=1, labels=network.NETWORK_LABELS,
        types=network.RELATIONSHIP_TYPES, limit=500,
    )  # fmt: skip
    saved = await backup.save(source, tmp_path / "qiwan.jsonl", root=qiwan, depth=1)
    assert saved.nodes == len(sub.nodes)
    assert saved.relationships >= len(sub.edges)  # plus those between two neighbours

    await backup.restore(fresh, tmp_path / "qiwan.jsonl")

    assert await _count(fresh) == (saved.nodes, saved.relationships)
    assert (await fresh.read(LIN)) == (await source.read(LIN))


@pytest.mark.neo4j
async def test_the_move_up_to_neo4j_and_back_again_is_exact(
    falkordb_store: GraphStore,
    settings: Settings,
    neo4j_store: GraphStore,
    fresh: GraphStore,
    tmp_path: Path,
) -> None:
    """Embedded FalkorDB -> file -> Neo4j -> file -> a fresh FalkorDB -> file: the three files
    are the same after their headers, and so are the counts and a resident's whole record."""
    embedded = await demo_after_a_grant(falkordb_store, settings)
    await clear_graph(neo4j_store)

    await backup.save(embedded, tmp_path / "embedded.jsonl")
    await backup.restore(neo4j_store, tmp_path / "embedded.jsonl")
    await backup.save(neo4j_store, tmp_path / "neo4j.jsonl")
    await backup.restore(fresh, tmp_path / "neo4j.jsonl")
    await backup.save(fresh, tmp_path / "back.jsonl")

    assert _body(tmp_path / "neo4j.jsonl") == _body(tmp_path / "embedded.jsonl")
    assert _body(tmp_path / "back.jsonl") == _body(tmp_path / "embedded.jsonl")
    assert await _count(neo4j_store) == await _count(embedded) == await _count(fresh)
    assert (await neo4j_store.read(LIN)) == (await embedded.read(LIN)) == (await fresh.read(LIN))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda lines: lines[:-1], "cut short"),
        (lambda lines: lines[:-3] + lines[-2:], "announces"),
        (lambda lines: ['{"kind": "header", "format": "other"}', *lines[1:]], "not a community"),
        (lambda lines: [lines[0].replace('"version":1', '"version":9'), *lines[1:]], "version 9"),
        (lambda lines: [lines[0], *lines[2:]], "does not hold"),  # City gone, IN still names it
        (lambda lines: [*lines[:5], "{not json", *lines[5:]], "not JSON"),
        (lambda lines: [*lines[:5], '{"kind": "node", "label": "Robot"}', *lines[5:]], "label"),
    ],
    ids=["truncated", "miscounted", "foreign", "newer", "dangling", "garbled", "unknown-label"],
)
async def test_a_damaged_backup_is_refused_and_the_graph_is_left_as_it_was(
    source: GraphStore, tmp_path: Path, damage: object, message: str
) -> None:
    await backup.save(source, tmp_path / "good.jsonl")
    lines = (tmp_path / "good.jsonl").read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(damage(lines)) + "\n")  # type: ignore[operator]
    before = await checksum(source)

    with pytest.raises(backup.BackupError, match=message):
        await backup.restore(source, bad)

    assert await checksum(source) == before


async def test_the_cli_restores_only_into_an_empty_graph_unless_told_to_reset(
    source: GraphStore, engine_settings: Settings, tmp_path: Path
) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        **graph_env(engine_settings),
        "LOAD_DEMO_DATA": "false",
        "LOG_LEVEL": "warning",
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip

    file = tmp_path / "demo.jsonl"
    saved = await asyncio.to_thread(cli, "backup", str(file))
    assert saved.returncode == 0, saved.stderr
    counts = await _count(source)
    assert f"saved {counts[0]:,} nodes and {counts[1]:,} relationships" in saved.stdout

    refused = await asyncio.to_thread(cli, "restore", str(file))
    assert refused.returncode == 2
    assert "already holds" in refused.stderr and "--reset" in refused.stderr

    await source.write(dynamic("test.backup.drop", "MATCH (n:Resident) DETACH DELETE n"))
    restored = await asyncio.to_thread(cli, "import", str(file), "--reset")
    assert restored.returncode == 0, restored.stderr
    assert await _count(source) == counts


async def test_a_token_revoked_before_a_backup_is_still_revoked_after_the_restore(
    source: GraphStore, fresh: GraphStore, tmp_path: Path
) -> None:
    """Revocations travel with the graph: restoring last night's backup after a laptop was
    stolen must not bring its social worker's token back to life."""
    now = time.time()
    token = identity.IssuedToken(
        "stolen-laptop", "social_worker", "worker-0001",
        issued=dt.datetime.fromtimestamp(now - 60, dt.UTC),
        expires=dt.datetime.fromtimestamp(now + 3600, dt.UTC), kind="person",
    )  # fmt: skip
    await identity.record(source, [token])
    await identity.revoke(source, token_id=token.id, subject=None, by="admin", keep_s=7200)
    before = await identity.standing(source, "SocialWorker", "worker-0001", token.id, now - 60)
    assert before.revoked

    await backup.save(source, tmp_path / "night.jsonl")
    await backup.restore(fresh, tmp_path / "night.jsonl")

    after = await identity.standing(fresh, "SocialWorker", "worker-0001", token.id, now - 60)
    assert after == before
    assert [t.revoked for t in await identity.issued(fresh)] == [True]
