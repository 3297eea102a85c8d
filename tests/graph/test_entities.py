"""The generic repository: windows, records, idempotent writes, batched relationships."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.engine.indexes import SCHEMA
from graph.engine.store import GraphStore
from graph.model import entities, people
from graph.model.entities import Point, Window
from graph.model.people import Volunteer
from graph.model.places import COMMUNITY_IN_DISTRICT, City, Community, District
from graph.model.registry import FAMILIES


@pytest.mark.parametrize(
    ("window", "total", "expected"),
    [
        (Window(first=3), 10, (0, 3)),
        (Window(start=8, first=5), 10, (8, 10)),
        (Window(last=3), 10, (7, 10)),
        (Window(stop=5, last=2), 10, (3, 5)),
        (Window(start=2, stop=8, first=10, last=2), None, (6, 8)),
        (Window(start=20, first=5), 10, (10, 10)),
    ],
)
def test_a_window_follows_relays_slicing(
    window: Window, total: int | None, expected: tuple[int, int]
) -> None:
    assert window.bounds(total) == expected


async def test_records_round_trip_with_dates_points_and_lists(store: GraphStore) -> None:
    volunteer = Volunteer(
        "v1",
        "陈志强",
        Point(22.52, 113.41),
        availability=("TUE_AM", "SAT_PM"),
        languages=("CANTONESE",),
        joined_on=dt.date(2020, 5, 1),
        verified_minutes=90,
    )
    await entities.upsert(store, [volunteer])
    await entities.upsert(store, [volunteer])
    found = await entities.get_many(store, "Volunteer", ["v1", "missing"])
    assert found == {"v1": volunteer}


async def test_related_pages_batch_many_parents_in_one_round_trip(store: GraphStore) -> None:
    await entities.upsert(store, [City("c", "中山市")])
    await entities.upsert(store, [District(f"d{i}", f"第{i}街道") for i in range(3)])
    communities = [Community(f"k{i}", f"社区{i:02d}", Point(22.5, 113.4)) for i in range(7)]
    await entities.upsert(store, communities)
    await entities.link(store, COMMUNITY_IN_DISTRICT, [(f"k{i}", f"d{i % 2}") for i in range(7)])
    store.round_trips = 0
    pages = await entities.related_pages(
        store, COMMUNITY_IN_DISTRICT, "in", ["d0", "d1", "d2"], Window(first=2, start=1)
    )
    assert store.round_trips == 1
    assert [link.node.id for link in pages["d0"].items] == ["k2", "k4"]
    assert (pages["d0"].offset, pages["d0"].total) == (1, 4)
    assert pages["d2"].items == [] and pages["d2"].total == 0


def test_star_levels_follow_the_verified_hour_thresholds() -> None:
    assert [people.star_level(h * 60) for h in (0, 99, 100, 300, 600, 999, 1000, 1500, 9000)] == [
        0,
        0,
        1,
        2,
        3,
        3,
        4,
        5,
        5,
    ]


def test_the_indexes_follow_the_family_declarations() -> None:
    """The engine room sits below the model, so its index list names labels itself; this keeps
    it in step with the declarations: every family's id unique, every located family's point
    indexed, every natural key unique (a constraint, not only an index)."""
    specs = {(s.label, s.property, s.kind) for s in SCHEMA.indexes}
    for family in FAMILIES:
        assert (family.label, "id", "unique") in specs
        assert ((family.label, "location", "point") in specs) == family.located, family.label
        for key in family.natural_key:
            assert (family.label, key, "unique") in specs, (family.label, key)
