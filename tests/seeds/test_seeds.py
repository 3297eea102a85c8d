"""Seed data: the demo set loads idempotently; the generator is deterministic and sized as asked."""

from __future__ import annotations

from config import DEVELOPMENT_ID_HASH_KEY
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import counts_by_label
from graph.model import entities
from intake.identity import id_card
from seeds import demo
from seeds.generate import CitySpec, generate


async def test_loading_the_demo_twice_changes_nothing(store: GraphStore) -> None:
    await demo.load(store)
    first = await counts_by_label(store)
    await demo.load(store)
    assert await counts_by_label(store) == first
    counts = {c.label: c.nodes for c in first}
    assert counts["Community"] == 22  # 曹边村 is a village of 北溪社区, not a community
    assert counts["Expert"] == 15
    assert counts["Organization"] > 279  # 乔司 alone: 63 registered + 216 filed


async def test_demo_people_are_synthetic(store: GraphStore) -> None:
    await demo.load(store)
    page = await entities.list_page(
        store,
        "Resident",
        where={},
        sort=None,
        descending=False,
        search=None,
        window=entities.Window(first=100),
        with_total=False,
    )
    for resident in page.items:
        assert resident.phone.startswith("0760-0") and len(resident.phone) == 13
    # ID-card numbers are of region 99, which no region has, and are kept as registration keeps
    # them: the keyed hash and the last four characters, never the number.
    numbers = demo.build().id_cards
    assert numbers and all(n.startswith("99") for n in numbers.values())
    for resident in page.items:
        number = numbers[resident.id]
        assert resident.id_last4 == number[-4:] and len(resident.id_hash) == 64
        assert resident.id_hash == id_card(number).keyed_hash(DEVELOPMENT_ID_HASH_KEY)
    rows = await store.read(
        dynamic("test.seeds.every_value", "MATCH (n) RETURN properties(n) AS p")
    )
    held = "\n".join(str(value) for row in rows for value in row["p"].values())
    assert not [n for n in numbers.values() if n in held]


async def test_a_generated_city_has_what_was_asked_and_the_same_seed_gives_the_same_city(
    store: GraphStore,
) -> None:
    spec = CitySpec(residents=3_000, volunteers=300, needs=600, organizations=40, seed=7)
    written = await generate(store, spec)
    counts = {c.label: c.nodes for c in await counts_by_label(store)}
    assert counts["Resident"] == written["Resident"] == 3_000
    assert counts["Volunteer"] == 300
    assert counts["Need"] == 600
    assert counts["Organization"] == 40 + 2  # plus the district's hub and street office
    sample = await entities.get_many(store, "Volunteer", ["gen7-volunteer-17"])
    await generate(store, spec)  # idempotent: MERGE on ids
    assert {c.label: c.nodes for c in await counts_by_label(store)} == counts
    assert await entities.get_many(store, "Volunteer", ["gen7-volunteer-17"]) == sample
