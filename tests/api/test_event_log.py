"""The durable event log: written by the very statement that makes the change, numbered in commit
order, read back from a cursor, pruned past its retention window. Both engines, through the API.

What ``tests/api/test_events.py`` checks of the in-process events (one per write that happened,
none for a refusal or a replayed retry) holds for the log too: the log and the in-process events
are the same events.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from api.ids import to_global_id as gid
from graph import feed
from graph.engine.store import GraphStore
from graph.events import Event
from tests.conftest import GraphQL

pytestmark = pytest.mark.usefixtures("fresh_demo")

FUND = gid("Fund", "fund-zs-east-seed")
PROJECT = gid("Project", "project-zs-clothes-bank")
NEAR = gid("Volunteer", "volunteer-zs-near")

GRANT = """
mutation ($f: ID!, $p: ID!, $amount: Decimal!, $key: String) {
  grant(fundId: $f, projectId: $p, amount: $amount, date: "2026-11-20", idempotencyKey: $key) {
    replayed
  }
}
"""

REPORT = """
mutation ($input: ReportNeedInput!) { reportNeed(input: $input) { need { key } } }
"""


def need_input(title: str) -> dict[str, object]:
    return {
        "residentId": gid("Resident", "resident-zs-qiwan-01"),
        "categoryId": gid("ServiceCategory", "cat-visit"),
        "title": title,
        "slots": ["TUE_AM"],
    }


async def logged_since(store: GraphStore, start: int) -> list[Event]:
    found: list[Event] = []
    while batch := await feed.after(store, start if not found else found[-1].seq or 0):
        found.extend(batch)
    return found


async def test_each_write_is_logged_once_in_its_own_statement_as_it_was_told(
    gql: GraphQL, engine_store: GraphStore, told: list[Event]
) -> None:
    start = await feed.head(engine_store)
    await gql(REPORT, input=need_input("周三上门探访"))
    await gql(GRANT, f=FUND, p=PROJECT, amount="10.00", key="log-grant-1")
    logged = await logged_since(engine_store, start)
    assert [e.seq for e in logged] == [start + 1, start + 2]
    assert [(e.id, e.kind, e.family, e.key, e.keys, e.actor, e.operation) for e in logged] == [
        (e.id, e.kind, e.family, e.key, e.keys, e.actor, e.operation) for e in told
    ]
    assert [e.at for e in logged] == [e.at.replace(microsecond=0) for e in told]
    assert await feed.head(engine_store) == start + 2


async def test_refusals_and_replays_log_nothing(gql: GraphQL, engine_store: GraphStore) -> None:
    await gql(GRANT, f=FUND, p=PROJECT, amount="10.00", key="log-grant-2")
    start = await feed.head(engine_store)
    again = await gql(GRANT, f=FUND, p=PROJECT, amount="10.00", key="log-grant-2")
    assert again["grant"]["replayed"] is True
    errors = await gql.errors(
        "mutation ($n: ID!) { cancelNeed(id: $n) { need { key } } }",
        n=gid("Need", "need-that-does-not-exist"),
    )
    assert errors
    errors = await gql.errors(GRANT, f=FUND, p=PROJECT, amount="10.001")
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await logged_since(engine_store, start) == []
    assert await feed.head(engine_store) == start


async def test_concurrent_writes_get_gapless_numbers_and_a_reader_never_sees_a_hole(
    gql: GraphQL, engine_store: GraphStore, told: list[Event]
) -> None:
    """On Neo4j the writes run in concurrent transactions: whatever a reader sees while they
    commit is always every number up to the highest it sees (so a cursor never skips one)."""
    start = await feed.head(engine_store)
    done = asyncio.Event()
    holes: list[list[int]] = []

    async def read_while_writing() -> None:
        while not done.is_set():
            seqs = [e.seq for e in await logged_since(engine_store, start)]
            if seqs != list(range(start + 1, start + 1 + len(seqs))):
                holes.append([s or 0 for s in seqs])
            await asyncio.sleep(0)

    reader = asyncio.create_task(read_while_writing())
    results = await asyncio.gather(
        *(gql.raw(REPORT, input=need_input(f"并发需求 {i}")) for i in range(12)),
        *(gql.raw(GRANT, f=FUND, p=PROJECT, amount="1.00", key="log-race") for _ in range(4)),
    )
    done.set()
    await reader
    assert all(not r.get("errors") for r in results), results
    logged = await logged_since(engine_store, start)
    assert [e.seq for e in logged] == list(range(start + 1, start + 14))  # 12 needs, 1 grant
    assert sorted(e.id for e in logged) == sorted(e.id for e in told)
    assert holes == []


async def test_a_cursor_resumes_and_one_past_retention_is_refused(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    start = await feed.head(engine_store)
    for i in range(3):
        await gql(REPORT, input=need_input(f"续读 {i}"))
    assert [e.seq for e in await feed.after(engine_store, start + 1)] == [start + 2, start + 3]
    await feed.check_cursor(engine_store, start + 1)
    with pytest.raises(feed.CursorError, match="beyond the last event"):
        await feed.check_cursor(engine_store, start + 10)
    # Eight days on, everything written so far is past the seven-day window.
    pruned = await feed.prune(engine_store, now=dt.datetime.now(dt.UTC) + dt.timedelta(days=8))
    assert pruned >= 3
    assert await feed.after(engine_store, 0) == []
    with pytest.raises(feed.CursorExpired, match="retention"):
        await feed.check_cursor(engine_store, start + 1)
    await feed.check_cursor(engine_store, start + 3)  # nothing after it was lost
    await gql(REPORT, input=need_input("修剪之后"))  # numbering goes on after pruning
    assert [e.seq for e in await feed.after(engine_store, start + 3)] == [start + 4]


async def test_pruning_keeps_what_is_inside_the_window(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    start = await feed.head(engine_store)
    await gql(REPORT, input=need_input("窗口之内"))
    assert await feed.prune(engine_store) == 0
    assert len(await feed.after(engine_store, start)) == 1


async def test_a_stream_replays_from_its_cursor_then_follows_the_feed(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    reader = feed.Feed(engine_store, poll_s=0.05)
    polling = asyncio.create_task(reader.run())
    try:
        start = await feed.head(engine_store)
        await gql(REPORT, input=need_input("重放一"))
        stream = feed.stream(reader, start)
        first = await asyncio.wait_for(anext(stream), 5)
        assert (first.seq, first.kind) == (start + 1, "NEED_REPORTED")
        await gql(GRANT, f=FUND, p=PROJECT, amount="2.00")
        second = await asyncio.wait_for(anext(stream), 5)
        assert (second.seq, second.kind) == (start + 2, "GRANT_MADE")
        await stream.aclose()
        assert reader.listeners == set()
    finally:
        polling.cancel()
