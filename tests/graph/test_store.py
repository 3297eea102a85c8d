"""The store interface gives the same plain values and errors on every engine."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import math
import socket
import warnings
from collections.abc import Iterator
from pathlib import Path

import neo4j
import pytest

from config import Settings
from graph.engine.bootstrap import SchemaError, ensure_schema
from graph.engine.connect import open_store
from graph.engine.cypher import cypher, dynamic
from graph.engine.errors import GraphConflict, GraphQueryError, GraphTimeout, GraphUnavailable
from graph.engine.indexes import NATURAL_KEYS
from graph.engine.neo4j_store import Neo4jStore
from graph.engine.store import GraphStore, background_task
from graph.engine.system import CHECKSUM
from graph.model.text import search_text
from graph.queries.search import search

WRITE_COMMUNITY = cypher(
    "test.write_community",
    """
    MERGE (c:Community {id: $id})
    SET c.name = $name,
        c.location = point({latitude: $lat, longitude: $lon}),
        c.founded = date($founded),
        c.seenAt = localdatetime($seen),
        c.recordedAt = $$now,
        c.tags = $tags
    RETURN c
    """,
)
READ_COMMUNITY = cypher(
    "test.read_community",
    "MATCH (c:Community {id: $id}) RETURN c, c.location AS location, c.founded AS founded, "
    "c.seenAt AS seen, c.recordedAt AS recorded, c.name AS name, c.tags AS tags",
)
LINK = cypher(
    "test.link",
    """
    MATCH (a:Community {id: $a}), (b:District {id: $b})
    MERGE (a)-[r:IN]->(b)
    SET r.since = $since
    RETURN r
    """,
)
WRITE_DISTRICT = cypher("test.write_district", "MERGE (d:District {id: $id}) RETURN d.id AS id")
PATH = cypher(
    "test.path",
    "MATCH p = (a:Community {id: $a})-[:IN]->(b:District) RETURN p",
)
DISTANCE = cypher(
    "test.distance",
    "MATCH (a:Community {id: $a}), (b:Community {id: $b}) "
    "RETURN $$distance(a.location, b.location) AS metres",
)
CREATE_COMMUNITY = cypher(
    "test.create_community", "CREATE (c:Community {id: $id}) RETURN c.id AS id"
)
SLOW = cypher(
    "test.slow",
    "UNWIND range(1, 50000000) AS i WITH i WHERE i % 7 = 0 RETURN count(i) AS n",
)
BROKEN = cypher(
    "test.broken", "MATCH (c:Community) RETURN c.name AS name ORDER BY nonexistent_fn(c)"
)
WRITE_SEARCHABLE = cypher(
    "test.write_searchable",
    """
    UNWIND $rows AS row
    MERGE (o:Organization {id: row.id})
    SET o:Searchable, o.name = row.name, o.search = row.search
    RETURN count(o) AS n
    """,
)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_378_140.0  # the radius of Neo4j's haversine, which FalkorDB's $$distance repeats
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


async def write_community(store: GraphStore, cid: str = "c1", **overrides: object) -> None:
    params = {
        "id": cid,
        "name": "起湾社区",
        "lat": 22.5238,
        "lon": 113.412,
        "founded": dt.date(2016, 3, 1),
        "seen": dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC),
        "tags": ["ELDERLY_80_PLUS", "LIVING_ALONE"],
    }
    params.update(overrides)
    await store.write(WRITE_COMMUNITY, params)


async def test_a_node_reads_back_as_plain_python_values(store: GraphStore) -> None:
    await write_community(store)
    [row] = await store.read(READ_COMMUNITY, {"id": "c1"})
    assert row["location"] == {"latitude": 22.5238, "longitude": 113.412}
    assert row["founded"] == dt.date(2016, 3, 1)
    assert row["seen"] == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)
    assert isinstance(row["recorded"], dt.datetime)
    assert row["recorded"].tzinfo is not None
    assert abs(row["recorded"] - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert row["tags"] == ["ELDERLY_80_PLUS", "LIVING_ALONE"]
    node = row["c"]
    assert node["_labels"] == ["Community"]
    assert node["name"] == "起湾社区"
    assert node["location"] == row["location"]


async def test_a_datetime_in_another_zone_is_stored_as_the_same_instant(store: GraphStore) -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    await write_community(store, seen=dt.datetime(2024, 5, 6, 15, 8, 9, tzinfo=beijing))
    [row] = await store.read(READ_COMMUNITY, {"id": "c1"})
    assert row["seen"] == dt.datetime(2024, 5, 6, 7, 8, 9, tzinfo=dt.UTC)


async def test_relationships_and_paths_come_back_as_dicts(store: GraphStore) -> None:
    await write_community(store)
    await store.write(WRITE_DISTRICT, {"id": "d1"})
    [row] = await store.write(LINK, {"a": "c1", "b": "d1", "since": 2016})
    assert row["r"] == {"since": 2016, "_type": "IN"}
    [row] = await store.read(PATH, {"a": "c1"})
    path = row["p"]
    assert [n["id"] for n in path["nodes"]] == ["c1", "d1"]
    assert [r["_type"] for r in path["relationships"]] == ["IN"]


@pytest.mark.parametrize(
    "text",
    [
        'quote " and backslash \\ and \\" both',
        "'single' quotes and `backticks`",
        "newline\nand tab\t",
        '"}) MATCH (n) DETACH DELETE n //',
        "emoji 👵🏻 and zero\u200bwidth and right\u202eto-left",
        "全角　空格，标点。",
        "",
    ],
)
async def test_any_string_parameter_round_trips_unchanged(store: GraphStore, text: str) -> None:
    await write_community(store, name=text)
    await write_community(store, cid="c2")
    [row] = await store.read(READ_COMMUNITY, {"id": "c1"})
    assert row["name"] == text
    assert len(await store.read(READ_COMMUNITY, {"id": "c2"})) == 1


async def test_a_non_finite_number_is_refused_before_reaching_the_graph(store: GraphStore) -> None:
    with pytest.raises(ValueError, match="NaN or infinite"):
        await write_community(store, lat=float("nan"))
    assert await store.read(READ_COMMUNITY, {"id": "c1"}) == []


async def test_distance_between_points_is_in_metres_on_every_engine(store: GraphStore) -> None:
    await write_community(store, "a", lat=22.5238, lon=113.4120)
    await write_community(store, "b", lat=22.5004, lon=113.4106)
    [row] = await store.read(DISTANCE, {"a": "a", "b": "b"})
    expected = haversine_m(22.5238, 113.4120, 22.5004, 113.4106)
    # The same metres on both engines, though FalkorDB keeps points in single precision.
    assert row["metres"] == pytest.approx(expected, abs=1e-6)
    await write_community(store, "far", lat=36.6512, lon=117.1201)  # Jinan, ~1,600 km away
    [row] = await store.read(DISTANCE, {"a": "a", "b": "far"})
    assert row["metres"] == pytest.approx(
        haversine_m(22.5238, 113.4120, 36.6512, 117.1201), abs=1e-6
    )


async def test_a_duplicate_id_is_a_conflict_and_writes_nothing(store: GraphStore) -> None:
    await store.write(CREATE_COMMUNITY, {"id": "dup"})
    with pytest.raises(GraphConflict):
        await store.write(CREATE_COMMUNITY, {"id": "dup"})
    rows = await store.read(
        cypher("test.count_dup", "MATCH (c:Community {id: $id}) RETURN count(c) AS n"),
        {"id": "dup"},
    )
    assert rows == [{"n": 1}]


async def test_a_statement_the_engine_rejects_is_a_query_error_naming_it(store: GraphStore) -> None:
    with pytest.raises(GraphQueryError) as caught:
        await store.read(BROKEN)
    assert caught.value.statement_name == "test.broken"
    assert "MATCH" not in str(caught.value)  # the message is safe to show; detail holds the rest


async def test_a_statement_past_its_deadline_times_out(store: GraphStore) -> None:
    saved = store.query_timeout_s
    store.query_timeout_s = 0.2
    try:
        with pytest.raises(GraphTimeout):
            await store.read(SLOW)
    finally:
        store.query_timeout_s = saved


# Locks a then b, or b then a, with some work in between so two transactions interleave.
CROSSED = cypher(
    "test.crossed_locks",
    """
    MATCH (first:City {id: $first}), (second:City {id: $second})
    SET first._lock = true
    WITH first, second, reduce(s = 0, x IN range(1, 50000) | s + x + size(first.id)) AS busy
    SET second._lock = true, second.touched = coalesce(second.touched, 0) + 1
    REMOVE first._lock, second._lock
    RETURN busy
    """,
)


async def test_crossed_write_locks_are_retried_not_returned_as_errors(
    store: GraphStore, engine: str
) -> None:
    """Neo4j runs writers in parallel: transactions that lock the same two nodes in opposite
    orders deadlock, Neo4j aborts one, and the store runs it again; no caller sees an error."""
    await store.write(cypher("test.two_cities", "CREATE (:City {id: 'a'}), (:City {id: 'b'})"))
    store.retries = 0
    orders = [{"first": "a", "second": "b"}, {"first": "b", "second": "a"}] * 8
    await asyncio.gather(*(store.write(CROSSED, order) for order in orders))
    (row,) = await store.read(
        cypher("test.touched", "MATCH (c:City) RETURN sum(c.touched) AS n, count(c._lock) AS l")
    )
    assert row == {"n": 16, "l": 0}
    if engine == "neo4j":
        assert store.retries > 0  # the deadlocks did happen, and were absorbed


async def test_every_call_counts_one_round_trip(store: GraphStore) -> None:
    await write_community(store)
    await store.read(READ_COMMUNITY, {"id": "c1"})
    await store.read(READ_COMMUNITY, {"id": "nope"})
    assert store.round_trips == 3


async def test_schema_bootstrap_can_run_again_without_harm(store: GraphStore) -> None:
    await ensure_schema(store)
    await ensure_schema(store)
    await store.write(CREATE_COMMUNITY, {"id": "after"})
    with pytest.raises(GraphConflict):
        await store.write(CREATE_COMMUNITY, {"id": "after"})


async def test_chinese_names_are_found_by_any_part_typed(store: GraphStore) -> None:
    names = {
        "o1": "全民公益园",
        "o2": "东区衣物银行",
        "o3": "岐江公园义工队",
        "o4": "Boai Action 博爱行动",
    }
    rows = [{"id": k, "name": v, "search": search_text(v)} for k, v in names.items()]
    await store.write(WRITE_SEARCHABLE, {"rows": rows})
    assert [h.id for h in await search(store, "公益园")] == ["o1"]
    assert [h.id for h in await search(store, "衣物银行")] == ["o2"]
    assert [h.id for h in await search(store, "boai")] == ["o4"]
    assert {h.id for h in await search(store, "公")} == {"o1", "o3"}
    assert await search(store, "公益银行") == []
    assert await search(store, '") OR 1=1 //') == []
    assert (await search(store, "博爱"))[0].label == "Organization"


CREATE_TWIN_SKILLS = cypher(
    "test.create_twin_skills", "CREATE (:Skill {id: 'twin'}), (:Skill {id: 'twin'}) RETURN 1 AS ok"
)


async def test_bootstrap_refuses_a_graph_whose_ids_are_not_unique(
    falkordb_store: GraphStore, data_dir: Path
) -> None:
    """Duplicates that predate a constraint (e.g. an old import) stop the start, loudly."""
    from graph.engine.falkordb_store import FalkorDBStore  # noqa: PLC0415

    assert isinstance(falkordb_store, FalkorDBStore)
    scratch = await open_store(
        Settings(graph_data_dir=data_dir, graph_name="dup-check", load_demo_data=False),
        bootstrap=False,
    )
    try:
        await scratch.write(CREATE_TWIN_SKILLS)
        with pytest.raises(SchemaError, match=r"Skill\.id"):
            await ensure_schema(scratch)
    finally:
        await scratch.close()


TWIN_VOLUNTEERS = cypher(
    "test.twin_volunteers",
    "CREATE (:Volunteer {id: 'v1', volunteerNo: 'GD1'}), "
    "(:Volunteer {id: 'v2', volunteerNo: 'GD1'}), "
    "(:Volunteer {id: 'v3'}), (:Volunteer {id: 'v4'}) RETURN 1 AS ok",
)
MERGED_TWIN = cypher("test.merged_twin", "MATCH (v:Volunteer {id: 'v2'}) REMOVE v.volunteerNo")
NUMBERED_AGAIN = cypher(
    "test.numbered_again", "MATCH (v:Volunteer {id: 'v3'}) SET v.volunteerNo = 'GD1'"
)


async def test_a_graph_holding_two_volunteers_with_one_number_starts_and_names_them(
    store: GraphStore, engine: str
) -> None:
    """Records registered twice before volunteer numbers were unique: the service starts (the
    merge that mends them is a mutation), says which records to merge, and makes the constraint
    at the next start once they are merged. Volunteers without a number never collide."""
    spec = next(s for s in NATURAL_KEYS if s.label == "Volunteer")
    if engine == "neo4j":
        await store.write(
            dynamic("test.drop", "DROP CONSTRAINT volunteer_volunteerno_unique IF EXISTS")
        )
    else:
        for step in store.dialect.without_constraint(spec):
            await store.apply_ddl(step)
    await store.write(TWIN_VOLUNTEERS)
    (warning,) = await ensure_schema(store)
    assert warning.startswith("Volunteer records share a volunteerNo (1 value; for example v1")
    assert "v1 and v2" in warning and "mergeVolunteer" in warning and "GD1" not in warning

    await store.write(MERGED_TWIN)
    assert await ensure_schema(store) == []
    with pytest.raises(GraphConflict):
        await store.write(NUMBERED_AGAIN)


LEAK_PROBE = cypher("test.leak_probe", "RETURN 1 AS one")


@pytest.fixture
def unanswering_port() -> Iterator[int]:
    """A port whose backlog is full: a connection to it never completes (a frozen server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    yield port
    for filler in fillers:
        filler.close()
    listener.close()


async def test_giving_up_on_a_neo4j_that_is_still_connecting_leaves_no_socket_behind(
    unanswering_port: int,
) -> None:
    """Our deadlines end by cancelling; cancelled mid-connect, the driver would leave its new
    socket open until the garbage collector found it (one such socket failed a CI run)."""
    driver = neo4j.AsyncGraphDatabase.driver(
        f"bolt://127.0.0.1:{unanswering_port}",
        auth=("neo4j", "unused"),
        connection_timeout=2,
        connection_acquisition_timeout=2,
    )
    store = Neo4jStore(driver, f"bolt://127.0.0.1:{unanswering_port}", "neo4j", 5.0)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(GraphUnavailable):
            await store.ping()  # gives up after its second
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.3):  # a caller that stops waiting
                await store.read(LEAK_PROBE)
        await store.close()
        gc.collect()
    assert [str(w.message) for w in seen if issubclass(w.category, ResourceWarning)] == []


async def test_a_task_cancelled_during_a_statement_is_cancelled_whenever_the_cancel_arrives(
    store: GraphStore,
) -> None:
    """Shutdown cancels the app's background tasks and waits for them. Python 3.11's
    ``asyncio.wait_for`` (inside redis-py) lost a cancel that arrived as a command completed, so
    the task went on to its next hour-long sleep and the shutdown hung. Cancels are sent at
    every moment of a statement's life; each must end the task (or come after it finished)."""

    async def survey() -> None:
        await store.read(CHECKSUM)
        await asyncio.sleep(30)  # a cancel that got lost waits here

    lost = 0
    for attempt in range(60):
        task = asyncio.create_task(survey())
        await asyncio.sleep(attempt * 0.0001)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        if not done:
            lost += 1
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        else:
            assert task.cancelled()
    assert lost == 0
    await store.ping()
    assert not store.down


async def test_the_services_background_statements_are_not_counted_as_a_requests(
    store: GraphStore,
) -> None:
    """Tests hold a request to its number of statements (``round_trips``); the webhook worker,
    the sweeps and the feed poll the graph meanwhile, and once made such a count flaky."""
    before = store.round_trips
    await background_task(store.read(CHECKSUM), "a poll")
    assert store.round_trips == before
    await store.read(CHECKSUM)
    assert store.round_trips == before + 1


async def test_compacting_while_the_server_rewrites_its_file_waits_for_it_and_rewrites_again(
    falkordb_store: GraphStore,
) -> None:
    """Redis rewrites its append-only file by itself as it grows; a restore's compaction landing
    during one was refused with "already in progress" and failed the whole restore."""
    from graph.engine.falkordb_store import FalkorDBStore  # noqa: PLC0415

    assert isinstance(falkordb_store, FalkorDBStore)
    server = falkordb_store._db.connection
    await server.config_set("rdb-key-save-delay", 300_000)  # µs per key: the rewrite lasts
    try:
        rewrites_before = (await server.info("persistence"))["aof_rewrites"]  # counted at start
        await server.execute_command("BGREWRITEAOF")  # the server's own, still running
        assert (await server.info("persistence"))["aof_rewrite_in_progress"]
        await falkordb_store.compact()
        after = await server.info("persistence")
    finally:
        await server.config_set("rdb-key-save-delay", 0)
    assert not after["aof_rewrite_in_progress"]
    assert after["aof_rewrites"] == rewrites_before + 2  # the one running, then ours
