"""Rows read packed into one value (``$$packed``, ``Dialect.unpack``) are the rows a plain read
gives, on every engine: FalkorDB's ``toJSON`` writes strings without escaping them, so a name
with a quote or a backslash is where a packed read would go wrong."""

from __future__ import annotations

import pytest

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore

WRITE = cypher(
    "test.packed.write",
    """
    UNWIND $rows AS row
    CREATE (c:Community {id: row.id, name: row.name, tags: row.tags, size: row.size,
                         open: row.open, location: point({latitude: row.lat, longitude: row.lon})})
    RETURN count(c) AS n
    """,
)
FIELDS = """c.id AS key, c.name AS name, c.tags AS tags, c.size AS size, c.open AS open,
            c.location AS location, c.missing AS missing"""
PLAIN = cypher(
    "test.packed.plain",
    f"MATCH (c:Community) RETURN {FIELDS} ORDER BY key",
)
PACKED = cypher(
    "test.packed.packed",
    """
    MATCH (c:Community)
    WITH c ORDER BY c.id
    RETURN $$packed(collect({
        key: $$text(c.id), name: $$text(c.name), tags: $$texts(c.tags), size: c.size,
        open: c.open, location: c.location, missing: c.missing
    })) AS rows
    """,
)

NAMES = [
    'quote " and backslash \\ and \\" both',
    '"}, {"key": "forged',
    "newline\nand tab\t and \u0001",
    "emoji 👵🏻 and zero\u200bwidth",
    "起湾社区",
    "",
]


async def test_a_packed_read_gives_the_rows_a_plain_read_gives(store: GraphStore) -> None:
    rows = [
        {"id": f"c{n}\\\"{name[:3]}", "name": name, "tags": [name, "LIVING_ALONE"],
         "size": n, "open": n % 2 == 0, "lat": 22.52381 + n / 1000, "lon": 113.41207 - n / 7}
        for n, name in enumerate(NAMES)
    ]  # fmt: skip
    await store.write(WRITE, {"rows": rows})
    plain = await store.read(PLAIN)
    [found] = await store.read(PACKED)
    packed = store.dialect.unpack(found["rows"])
    assert packed == plain
    assert [r["name"] for r in packed] == [r["name"] for r in sorted(rows, key=lambda r: r["id"])]


async def test_nothing_found_unpacks_to_no_rows(store: GraphStore) -> None:
    [found] = await store.read(PACKED)
    assert store.dialect.unpack(found["rows"]) == []


@pytest.mark.parametrize("latitude", [22.52381, 22.99999, 23.00001, 89.99999])
async def test_a_packed_point_is_the_point_a_plain_read_gives(
    store: GraphStore, latitude: float
) -> None:
    row = {"id": "c", "name": "", "tags": [], "size": 0, "open": True}
    await store.write(WRITE, {"rows": [{**row, "lat": latitude, "lon": 113.99999}]})
    [plain] = await store.read(PLAIN)
    [found] = await store.read(PACKED)
    assert store.dialect.unpack(found["rows"]) == [plain]
