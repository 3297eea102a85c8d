"""Inference through the questions a list answers: filters, sorts, counts, sums, distances.

A viewer who may not read a value must not narrow it down through a list's answer either. The
guard tests check that every filter and sort of a family with protected fields declares what it
reveals (``inference.QUERY_REVEALS``); the scenarios play the attacks of issue 17 on the demo data
as the personas of docs/ACCESS.md, over HTTP, on both engines:

- a volunteer bisecting another volunteer's home base with `near` learns its ~500 m grid cell at
  best (membership is decided on the cell's centre, the radius raised to 1 km);
- an analyst paging residents gets them in key order, not name order (and may not sort by name);
- an analyst or a social worker who does not cover a volunteer cannot add up that volunteer's
  time-bank ledger (the balance is theirs and their social workers'); the ledger's notes are
  withheld the same way;
- a count under a filter over a field the viewer may not read is refused or narrowed;
- searching residents leaves an audit entry that never holds what was searched for.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import pytest
from graphql import GraphQLObjectType
from starlette.applications import Starlette

from access import inference, policy
from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from graph.model import entities
from schema import schema
from tests.conftest import DemoLoader, GraphQL, signed_in_as

NEAR_V, BUSY_V = "volunteer-zs-near", "volunteer-zs-busy"  # 何姨; the volunteer persona
WORKER, OUTSIDE_WORKER = "worker-0001", "worker-0014"  # covers 起湾; covers only Hangzhou
QIWAN, EAST = "community-zs-qiwan", "district-zs-east"
COVERED = {"community-zs-qiwan", "community-zs-zhuyuan", "community-zs-maling"}  # worker-0001's
COVERED_IN_EAST = {"community-zs-qiwan", "community-zs-zhuyuan"}  # 马岭 is in 南区
MOTHER_NEED = "need-zs-neighbour-visit"  # 何姨's mother's need: her credits may pay for it
NOTE = "母亲膝关节炎复诊陪同"  # free text about the person served, health included
EARTH_RADIUS_M = 6_378_140.0  # as the service measures (graph.dialect)


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def towards(start: tuple[float, float], to: tuple[float, float], m: float) -> tuple[float, float]:
    """The point ``m`` metres from ``start`` in the direction of ``to`` (negative: away)."""
    north = (to[0] - start[0]) * math.radians(EARTH_RADIUS_M)
    east = (to[1] - start[1]) * math.radians(EARTH_RADIUS_M) * math.cos(math.radians(start[0]))
    length = math.hypot(north, east)
    per_degree = math.radians(EARTH_RADIUS_M)
    return (
        start[0] + m * north / length / per_degree,
        start[1] + m * east / length / (per_degree * math.cos(math.radians(start[0]))),
    )


# --- guards: every filter and sort says what it reveals -------------------------------------

GRAPHQL = schema._schema
# Stored properties that hold a protected field under another name: declaring either is enough.
STORED_AS = {("Resident", "birthYear"): {"birthYear", "age"}}


def test_fields_computed_from_one_another_have_one_rule() -> None:
    """A resident's age is this year minus their birth year: a viewer who reads one knows the
    other, so a stricter rule on either would only be refused where a filter or arithmetic
    answers it (the attacker's probe: a visiting volunteer read `age` and was refused
    `birthYear`, then filtered by it)."""
    for (label, _), names in STORED_AS.items():
        rules = {frozenset(policy.FIELD_VIEWS[label].get(n, ())) for n in names}
        assert len(rules) == 1, f"{label}: {sorted(names)} are one value with different rules"


def _protected_families() -> list[entities.Family]:
    return [f for f in entities._families() if f.label in policy.FIELD_VIEWS]


def test_every_filter_and_sort_of_a_family_with_protected_fields_declares_what_it_reveals() -> None:
    for family in _protected_families():
        asked = {c for c in family.conditions if not c.startswith("_")}
        asked |= {f"sort:{s}" for s in family.sorts}
        asked |= {"search"} if family.searchable else set()
        declared = set(inference.QUERY_REVEALS.get(family.label, {}))
        assert asked - declared == set(), f"{family.label}: undeclared {asked - declared}"
        assert declared - asked == set(), f"{family.label}: stale {declared - asked}"


def test_a_filter_or_sort_over_a_protected_property_names_the_field() -> None:
    for family in _protected_families():
        protected = set(policy.FIELD_VIEWS[family.label])
        declared = inference.QUERY_REVEALS[family.label]
        texts = {**family.conditions, **{f"sort:{k}": v for k, v in family.sorts.items()}}
        for part, text in texts.items():
            if part.startswith("_"):
                continue
            for prop in set(re.findall(r"\bn\.([A-Za-z]+)", text)):
                names = STORED_AS.get((family.label, prop), {prop})
                if names & protected:
                    assert names & declared[part], f"{family.label} {part} reads n.{prop}"
        for part in family.searchable and ["search"]:
            shown = {n for n in family.searchable if n in protected}
            assert shown <= declared[part], f"{family.label} search reads {shown}"


def test_declared_fields_exist_and_hidden_points_are_compared_on_their_cell() -> None:
    for family in _protected_families():
        graphql_type = GRAPHQL.get_type(family.label)
        assert isinstance(graphql_type, GraphQLObjectType)
        for part, fields in inference.QUERY_REVEALS[family.label].items():
            assert fields <= set(graphql_type.fields), f"{family.label} {part}: {fields}"
            hidden = fields & inference.COARSE
            text = (
                family.sorts[part.removeprefix("sort:")]
                if part.startswith("sort:")
                else family.conditions.get(part, "")
            )
            if hidden:  # exact only where readable, elsewhere on the grid cell's centre
                assert "floor(n.location" in text, f"{family.label} {part} compares exactly"
            if fields - inference.COARSE and part.startswith("sort:"):
                # Ordered blind where the value is hidden: only placed families are linted so.
                assert family.place is not None, f"{family.label} sorts by {fields}"


def test_every_sort_the_schema_offers_is_a_declared_sort_of_its_family() -> None:
    query = GRAPHQL.query_type
    assert query is not None
    for name, root in query.fields.items():
        if "sort" not in root.args:
            continue
        connection = root.type.of_type if hasattr(root.type, "of_type") else root.type
        node = connection.fields["nodes"].type
        while hasattr(node, "of_type"):
            node = node.of_type
        family = entities.family_named(node.name)
        sort_enum = root.args["sort"].type
        for value in sort_enum.values:
            assert value in family.sorts, f"{name}(sort: {value}) is not a sort of {node.name}"
            if family.label in policy.FIELD_VIEWS:
                assert f"sort:{value}" in inference.QUERY_REVEALS[family.label], (name, value)


# --- near: a hidden point is compared on its grid cell, with a floored radius ---------------

VOLUNTEERS_NEAR = """
query ($lat: Float!, $lon: Float!, $r: Int!) {
  volunteers(filter: {near: {latitude: $lat, longitude: $lon, radiusMeters: $r}}, first: 100) {
    totalCount nodes { key }
  }
}
"""


async def _volunteer_base(gql: GraphQL, key: str) -> tuple[float, float]:
    found = await gql(
        "query ($id: ID!) { node(id: $id) { ... on Volunteer "
        "{ location { latitude longitude } } } }",
        id=gid("Volunteer", key),
    )
    location = found["node"]["location"]
    return location["latitude"], location["longitude"]


async def test_a_volunteer_bisecting_another_volunteers_base_learns_no_more_than_its_cell(
    demo_app: Starlette, settings: Settings, gql: GraphQL
) -> None:
    base = await _volunteer_base(gql, NEAR_V)
    cell = inference.coarse(*base)
    # Probes on the line through the cell's centre and the base, where the exact answer and the
    # cell's answer differ: inside 1 km of the cell but not of the base, and the other way round.
    inside_cell_only = towards(cell, base, -950)
    inside_base_only = towards(cell, base, 1050)
    beside_base = towards(base, cell, -200)  # 200 m from the base, away from the cell's centre
    probes = [(inside_cell_only, 1000), (inside_base_only, 1000), (beside_base, 10)]
    for centre, radius in probes:  # the probes are discriminating on this data
        exact = metres(centre, base) <= radius
        coarse = metres(centre, cell) <= max(radius, inference.NEAR_FLOOR_METERS)
        assert exact != coarse

    async with signed_in_as(demo_app, settings, Role.VOLUNTEER, BUSY_V) as volunteer:
        for (lat, lon), radius in probes:
            data = await volunteer(VOLUNTEERS_NEAR, lat=lat, lon=lon, r=radius)
            found = NEAR_V in {n["key"] for n in data["volunteers"]["nodes"]}
            expected = metres((lat, lon), cell) <= max(radius, inference.NEAR_FLOOR_METERS)
            assert found == expected, f"answer at {lat},{lon} r={radius} follows the base"

    # Who may read the base (the volunteer themself) gets the exact answer.
    async with signed_in_as(demo_app, settings, Role.VOLUNTEER, NEAR_V) as herself:
        for (lat, lon), radius in probes:
            data = await herself(VOLUNTEERS_NEAR, lat=lat, lon=lon, r=radius)
            found = NEAR_V in {n["key"] for n in data["volunteers"]["nodes"]}
            assert found == (metres((lat, lon), base) <= radius)


async def test_ordering_volunteers_by_distance_uses_the_cell_of_a_hidden_base(
    demo_app: Starlette, settings: Settings, gql: GraphQL
) -> None:
    """Two volunteers whose bases are in the same cell are as far from any point, for a viewer
    who may read neither: they come in key order whichever of them is nearer."""
    bases = {}
    for key in ("volunteer-zs-near", "volunteer-zs-busy", "volunteer-zs-loaded"):
        bases[key] = await _volunteer_base(gql, key)
    cells = {key: inference.coarse(*base) for key, base in bases.items()}
    same = [k for k in cells if cells[k] == cells[NEAR_V]]
    assert len(same) >= 2  # 何姨, 忙碌 and 满载 live in one cell of 起湾
    # A point on the far side of 何姨's base: she is nearest by her base.
    probe = towards(bases[NEAR_V], cells[NEAR_V], -300)
    nearest = min(same, key=lambda k: metres(probe, bases[k]))
    assert nearest != min(same)  # exact order and key order differ here

    query = """
    query ($lat: Float!, $lon: Float!) {
      volunteers(filter: {near: {latitude: $lat, longitude: $lon, radiusMeters: 5000}},
                 sort: DISTANCE, first: 100) { nodes { key } }
    }
    """
    async with signed_in_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as analyst:
        data = await analyst(query, lat=probe[0], lon=probe[1])
    order = [n["key"] for n in data["volunteers"]["nodes"] if n["key"] in same]
    assert order == sorted(same)


# --- order: residents are not in name order for those who may not read names ---------------

RESIDENTS_OF = """
query ($c: ID!) { residents(filter: {community: $c}, first: 100) { totalCount nodes { key } } }
"""


async def test_an_analyst_paging_residents_gets_them_in_key_order_not_name_order(
    demo_app: Starlette, settings: Settings, gql: GraphQL
) -> None:
    by_name = await gql(RESIDENTS_OF, c=gid("Community", QIWAN))
    keys = [n["key"] for n in by_name["residents"]["nodes"]]
    assert keys != sorted(keys)  # the administrator's name order is not key order here

    async with signed_in_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as analyst:
        data = await analyst(RESIDENTS_OF, c=gid("Community", QIWAN))
        assert [n["key"] for n in data["residents"]["nodes"]] == sorted(keys)
        # Page by page, forwards and backwards: the same key order.
        pages, after = [], None
        while True:
            page = await analyst(
                "query ($c: ID!, $after: String) { residents(filter: {community: $c}, first: 7, "
                "after: $after) { nodes { key } pageInfo { hasNextPage endCursor } } }",
                c=gid("Community", QIWAN),
                after=after,
            )
            pages += [n["key"] for n in page["residents"]["nodes"]]
            if not page["residents"]["pageInfo"]["hasNextPage"]:
                break
            after = page["residents"]["pageInfo"]["endCursor"]
        assert pages == sorted(keys)
        nested = await analyst(
            "query ($c: ID!) { node(id: $c) { ... on Community { residents(first: 100) "
            "{ nodes { key } } } } }",
            c=gid("Community", QIWAN),
        )
        assert [n["key"] for n in nested["node"]["residents"]["nodes"]] == sorted(keys)
        for sort in ("NAME", "BIRTH_YEAR"):
            errors = await analyst.errors(
                f"{{ residents(sort: {sort}, first: 5) {{ nodes {{ key }} }} }}"
            )
            assert errors[0]["extensions"]["code"] == "FORBIDDEN"
            assert "may not read" in errors[0]["message"]


async def test_a_social_worker_sees_covered_residents_by_name_then_the_others_by_key(
    demo_app: Starlette, settings: Settings, gql: GraphQL
) -> None:
    query = """
    query ($d: ID!, $after: String) {
      residents(filter: {district: $d}, first: 100, after: $after) {
        totalCount nodes { key community { key } } pageInfo { hasNextPage endCursor }
      }
    }
    """
    admin_total = (await gql(query, d=gid("District", EAST)))["residents"]["totalCount"]
    names = {}
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker:
        rows, after = [], None
        while True:
            data = await worker(query, d=gid("District", EAST), after=after)
            rows += data["residents"]["nodes"]
            if not data["residents"]["pageInfo"]["hasNextPage"]:
                break
            after = data["residents"]["pageInfo"]["endCursor"]
        assert data["residents"]["totalCount"] == admin_total == len(rows)
        covered = [r["key"] for r in rows if r["community"]["key"] in COVERED]
        others = [r["key"] for r in rows if r["community"]["key"] not in COVERED]
        assert covered and others
        assert [r["key"] for r in rows] == covered + others
        assert others == sorted(others)
        for key in covered:
            found = await worker(
                "query ($id: ID!) { node(id: $id) { ... on Resident { name } } }",
                id=gid("Resident", key),
            )
            names[key] = found["node"]["name"]
    assert [names[k] for k in covered] == sorted(names[k] for k in covered)

    # Searched by name, sorted or not, only the residents whose names the worker may read.
    outside = others[0]
    name = (
        await gql(
            "query ($id: ID!) { node(id: $id) { ... on Resident { name } } }",
            id=gid("Resident", outside),
        )
    )["node"]["name"]
    search = "query ($q: String!) {{ residents(search: $q{}) {{ nodes {{ key }} }} }}"
    assert outside in {
        n["key"] for n in (await gql(search.format(""), q=name))["residents"]["nodes"]
    }
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker:
        for sort in ("", ", sort: NAME", ", sort: NAME, direction: DESC"):
            data = await worker(search.format(sort), q=name)
            assert outside not in {n["key"] for n in data["residents"]["nodes"]}


# --- sums: a time-bank ledger is read only by who may read its balance ----------------------


@pytest.fixture(scope="module")
async def spent_entry(demo_app: Starlette, settings: Settings) -> str:
    """何姨 spends two hours on her mother's visit, with a note about her mother's health."""
    async with signed_in_as(demo_app, settings, Role.ADMIN, "admin-tests") as admin:
        done = await admin(
            "mutation ($v: ID!, $n: ID!, $note: String) { spendTimeCredits(volunteerId: $v, "
            'needId: $n, hours: "2", note: $note) { entry { key } } }',
            v=gid("Volunteer", NEAR_V),
            n=gid("Need", MOTHER_NEED),
            note=NOTE,
        )
    return str(done["spendTimeCredits"]["entry"]["key"])


QIWAN_V = {NEAR_V, BUSY_V, "volunteer-zs-regular"}  # 起湾's volunteers with a ledger
LEDGER_PATHS = {
    "list": (
        "query ($v: ID!) { timeBankEntries(filter: {volunteer: $v}, first: 100) "
        "{ totalCount nodes { key hours note } } }"
    ),
    "nested": (
        "query ($v: ID!) { node(id: $v) { ... on Volunteer { timeBank(first: 100) "
        "{ totalCount nodes { key hours note } } } } }"
    ),
    "all": "{ timeBankEntries(first: 100) { nodes { key hours note volunteer { key } } } }",
}


@pytest.mark.parametrize(
    ("role", "subject"),
    [(Role.ANALYST, "analyst-zs-bureau"), (Role.SOCIAL_WORKER, OUTSIDE_WORKER)],
)
async def test_who_may_not_read_a_balance_cannot_add_up_the_ledger_or_read_its_notes(
    demo_app: Starlette, settings: Settings, spent_entry: str, role: Role, subject: str
) -> None:
    # The social worker covering 起湾, where 何姨 serves, reads her ledger: it sums to her balance.
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker:
        data = await worker(
            "query ($v: ID!) { node(id: $v) { ... on Volunteer { timeBankHours "
            "timeBank(first: 100) { nodes { key hours note } } } } }",
            v=gid("Volunteer", NEAR_V),
        )
    ledger = data["node"]["timeBank"]["nodes"]
    assert data["node"]["timeBankHours"] == sum(e["hours"] for e in ledger) == 28.0
    assert {e["note"] for e in ledger if e["key"] == spent_entry} == {NOTE}

    # Who may not read the balance reaches neither the amounts nor the notes, by any path.
    async with signed_in_as(demo_app, settings, role, subject) as viewer:
        hours: list[float] = []
        for path, query in LEDGER_PATHS.items():
            body = await viewer.raw(query, v=gid("Volunteer", NEAR_V))
            assert NOTE not in json.dumps(body, ensure_ascii=False), path
            if path == "all":
                # Every demo volunteer has a ledger (their verified service): the whole list
                # holds those serving the outside worker's own community, legitimately; any
                # entry of 起湾's volunteers, or of a volunteer not named, is not theirs.
                nodes = ((body.get("data") or {}).get("timeBankEntries") or {}).get("nodes") or []
                whose = [(n.get("volunteer") or {}).get("key", NEAR_V) for n in nodes]
                named = [n for n, v in zip(nodes, whose, strict=True) if v in QIWAN_V]
                body = {"nodes": named, "errors": body.get("errors")}
            for entry in re.findall(r'"hours": (-?[\d.]+)', json.dumps(body)):
                hours.append(float(entry))
            if body.get("errors"):
                assert {e["extensions"]["code"] for e in body["errors"]} == {"FORBIDDEN"}
        assert hours == [], "ledger amounts reached a viewer who may not read the balance"
        body = await viewer.raw(
            "query ($id: ID!) { node(id: $id) { ... on TimeBankEntry { hours note "
            "volunteer { key } } } }",
            id=gid("TimeBankEntry", spent_entry),
        )
        assert body["data"]["node"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert NOTE not in json.dumps(body, ensure_ascii=False)


# --- counts under protected filters ---------------------------------------------------------


async def test_a_count_under_a_filter_the_viewer_may_not_read_is_refused_or_narrowed(
    demo_app: Starlette, settings: Settings, gql: GraphQL
) -> None:
    # A volunteer sees the residents they visit, but not their tags: no count by tag.
    async with signed_in_as(demo_app, settings, Role.VOLUNTEER, BUSY_V) as volunteer:
        errors = await volunteer.errors(
            "{ residents(filter: {tagsAny: [ELDERLY]}) { totalCount } }"
        )
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
        assert "tags" in errors[0]["message"]
    # An analyst may not count residents by age (the age band is what analysis gets).
    async with signed_in_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as analyst:
        errors = await analyst.errors("{ residents(filter: {ageMin: 80}) { totalCount } }")
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"
    # A social worker counts by age the residents whose age they may read: the covered ones.
    by_age = "query ($f: ResidentFilter) { residents(filter: $f) { totalCount } }"
    covered = 0
    for community in sorted(COVERED_IN_EAST):
        found = await gql(by_age, f={"community": gid("Community", community), "ageMin": 80})
        covered += found["residents"]["totalCount"]
    everywhere = await gql(by_age, f={"district": gid("District", EAST), "ageMin": 80})
    assert everywhere["residents"]["totalCount"] > covered > 0
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker:
        found = await worker(by_age, f={"district": gid("District", EAST), "ageMin": 80})
    assert found["residents"]["totalCount"] == covered


# --- audit: PII queries are logged, their values never ------------------------------------


async def _audit(gql: GraphQL, actor: str, operation: str) -> list[dict[str, Any]]:
    data = await gql(
        "query ($a: String!) { auditLog(filter: {actor: $a, action: [PII_QUERY]}, last: 100) "
        "{ nodes { operation fields entityIds rows outcome } } }",
        a=actor,
    )
    return [e for e in data["auditLog"]["nodes"] if e["operation"] == operation]


async def test_resident_searches_and_near_queries_are_audited_without_what_was_asked(
    demo_app: Starlette, settings: Settings, gql: GraphQL
) -> None:
    lin = await gql(
        "query ($id: ID!) { node(id: $id) { ... on Resident { name location "
        "{ latitude longitude } } } }",
        id=gid("Resident", "resident-zs-qiwan-01"),
    )
    name, home = lin["node"]["name"], lin["node"]["location"]
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker:
        found = await worker(
            "query FindByName($q: String!) { residents(search: $q) { nodes { key } } }", q=name
        )
        assert "resident-zs-qiwan-01" in {n["key"] for n in found["residents"]["nodes"]}
        await worker(
            "query AroundHome($lat: Float!, $lon: Float!) { residents(filter: {near: "
            "{latitude: $lat, longitude: $lon, radiusMeters: 50}}) { nodes { key } } }",
            lat=home["latitude"],
            lon=home["longitude"],
        )
    async with signed_in_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as analyst:
        await analyst.errors(
            "query AnalystFinds($q: String!) { residents(search: $q) { nodes { key } } }", q=name
        )

    (search,) = await _audit(gql, f"social_worker:{WORKER}", "FindByName")
    assert search["fields"] == ["Resident.search"] and search["outcome"] == "OK"
    assert "resident-zs-qiwan-01" in search["entityIds"]
    assert search["rows"] == len(found["residents"]["nodes"])
    (near,) = await _audit(gql, f"social_worker:{WORKER}", "AroundHome")
    assert near["fields"] == ["Resident.near"] and "resident-zs-qiwan-01" in near["entityIds"]
    (refused,) = await _audit(gql, "analyst:analyst-zs-bureau", "AnalystFinds")
    assert refused["outcome"] == "FORBIDDEN" and refused["rows"] == 0
    log = json.dumps(
        await gql("{ auditLog(last: 100) { nodes { operation fields entityIds } } }"),
        ensure_ascii=False,
    )
    assert name not in log
    assert str(home["latitude"]) not in log and str(home["longitude"]) not in log


# --- existence: "none" and "not yours" read alike ------------------------------------------

NODE = "query ($id: ID!) { node(id: $id) { id } }"


@pytest.mark.parametrize(
    ("role", "subject", "label", "hidden"),
    [
        # 林婆婆 exists; the volunteer is not assigned to her.
        (Role.VOLUNTEER, BUSY_V, "Resident", "resident-zs-qiwan-01"),
        (Role.PARTNER, "org-zs-east-clinic", "Resident", "resident-zs-qiwan-01"),
        (Role.VOLUNTEER, BUSY_V, "ServiceRecord", "record-zs-qiwan-01-haircut"),
        (Role.PARTNER, "org-zs-east-clinic", "Referral", "referral-02"),
    ],
)
async def test_a_guessed_key_does_not_tell_whether_someone_is_registered(
    demo_app: Starlette, settings: Settings, role: Role, subject: str, label: str, hidden: str
) -> None:
    """A viewer who sees only some rows of a family gets the same answer for a row that exists
    but is not theirs and for a key nobody holds: otherwise guessing keys would tell who is on
    the books."""
    async with signed_in_as(demo_app, settings, role, subject) as viewer:
        there = await viewer.raw(NODE, id=gid(label, hidden))
        nobody = await viewer.raw(NODE, id=gid(label, f"{hidden}-nobody"))
    assert there["data"] == nobody["data"] == {"node": None}
    strip = [{k: e[k] for k in ("message", "extensions")} for e in there["errors"]]
    assert strip == [{k: e[k] for k in ("message", "extensions")} for e in nobody["errors"]]
    assert strip[0]["extensions"]["code"] == "FORBIDDEN"


NEEDS_OF = "query ($r: ID!) { needs(filter: {resident: $r}) { nodes { key } } }"


@pytest.mark.parametrize(
    ("role", "subject", "resident"),
    [
        (Role.VOLUNTEER, BUSY_V, "resident-0002"),  # her counselling need is open to volunteers
        (Role.PARTNER, "org-zs-east-clinic", "resident-0015"),  # her need's referral is pending
    ],
)
async def test_a_filter_naming_a_hidden_resident_answers_as_her_node_does(
    demo_app: Starlette,
    settings: Settings,
    gql: GraphQL,
    role: Role,
    subject: str,
    resident: str,
) -> None:
    """`needs(filter: {resident})` would tie needs the viewer sees (open visits, counselling, a
    pending referral) to a resident they may not see, key by guessed key: it is answered like
    `node(id:)` of that resident."""
    hidden = gid("Resident", resident)
    assert (await gql(NEEDS_OF, r=hidden))["needs"]["nodes"]  # the administrator's answer
    async with signed_in_as(demo_app, settings, role, subject) as viewer:
        listed = await viewer.raw(NEEDS_OF, r=hidden)
        unknown = await viewer.raw(NEEDS_OF, r=gid("Resident", f"{resident}-nobody"))
        node = await viewer.raw(NODE, id=hidden)
    assert listed["data"] == unknown["data"] == {"needs": None}
    reasons = {e["message"] for e in listed["errors"] + unknown["errors"] + node["errors"]}
    assert len(reasons) == 1
    assert {e["extensions"]["code"] for e in listed["errors"]} == {"FORBIDDEN"}


RECORD = """mutation ($input: RecordServiceInput!) { recordService(input: $input) { replayed } }"""
UNASSIGN = """mutation ($n: ID!, $v: ID!) { unassignVolunteer(needId: $n, volunteerId: $v)
  { replayed } }"""
SPEND = """mutation ($v: ID!, $n: ID!) { spendTimeCredits(volunteerId: $v, needId: $n,
  hours: "0.5") { entry { kind } } }"""


async def test_a_volunteers_changes_do_not_tell_a_hidden_need_from_none(
    demo_app: Starlette, settings: Settings, engine_store: GraphStore, load_demo: DemoLoader
) -> None:
    """Recording, leaving or paying for a need the volunteer may not see (need-0002 is closed)
    answers exactly as for a key nobody holds — not NOT_FOUND for one and "not assigned" for the
    other — and changes nothing; 何姨 still pays for her mother's visit, which she cannot read."""
    me = gid("Volunteer", BUSY_V)

    def asks(need: str) -> list[tuple[str, dict[str, Any]]]:
        return [
            (RECORD, {"input": {"volunteerId": me, "needId": need, "date": "2026-11-30",
                                "hours": "1"}}),
            (UNASSIGN, {"n": need, "v": me}),
            (SPEND, {"v": me, "n": need}),
        ]  # fmt: skip

    before = await checksum(engine_store)
    async with signed_in_as(demo_app, settings, Role.VOLUNTEER, BUSY_V) as volunteer:
        for (query, hidden), (_, nobody) in zip(
            asks(gid("Need", "need-0002")), asks(gid("Need", "need-0002-nobody")), strict=True
        ):
            there, none = await volunteer.raw(query, **hidden), await volunteer.raw(query, **nobody)
            assert there["data"] == none["data"]
            shown = [(e["message"], e["extensions"]["code"]) for e in there["errors"]]
            assert shown == [(e["message"], e["extensions"]["code"]) for e in none["errors"]]
            assert shown[0][1] == "FORBIDDEN"
    assert await checksum(engine_store) == before
    try:
        async with signed_in_as(demo_app, settings, Role.VOLUNTEER, NEAR_V) as he_yi:
            mother = gid("Need", MOTHER_NEED)
            spent = await he_yi(SPEND, v=gid("Volunteer", NEAR_V), n=mother)
        assert spent["spendTimeCredits"] == {"entry": {"kind": "SPENT"}}
    finally:  # the module's demo data is shared: put it back as it was
        await load_demo(engine_store)


# --- a connection of residents under another parent is a list too ---------------------------

CASELOAD = """
query ($id: ID!) {
  node(id: $id) { ... on SocialWorker { caseload(first: 50) { totalCount nodes { key } } } }
}
"""
MOVE = """
mutation ($id: ID!, $version: Int!, $to: ID!) {
  updateResident(id: $id, version: $version, input: {communityId: $to}) { resident { id } }
}
"""
XIQU_MANAGER = "worker-0007"  # manages residents of 西区, which worker-0001 does not cover


async def test_a_caseload_reaching_into_a_workers_communities_does_not_count_the_few_outside(
    fresh_demo: None, demo_app: Starlette, settings: Settings, gql: GraphQL
) -> None:
    """worker-0007's cases live in 西区. Some of them move to 起湾, which worker-0001 covers:
    reading worker-0007's caseload, worker-0001 reads those in full and the rest de-identified.
    While the rest are many the caseload is listed; once two are left, "9 cases, 7 of them in
    my communities" would point at those two — so the caseload is refused to worker-0001 as a
    list of two de-identified residents is, while its manager and the administrator list it."""
    manager = gid("SocialWorker", XIQU_MANAGER)
    cases = (await gql(CASELOAD, id=manager))["node"]["caseload"]
    keys = sorted(n["key"] for n in cases["nodes"])
    assert cases["totalCount"] == len(keys) >= 5

    async def move(residents: list[str]) -> None:
        for key in residents:
            found = await gql(
                "query ($id: ID!) { node(id: $id) { ... on Resident { version } } }",
                id=gid("Resident", key),
            )
            await gql(
                MOVE,
                id=gid("Resident", key),
                version=found["node"]["version"],
                to=gid("Community", QIWAN),
            )

    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker:
        before = await worker.raw(CASELOAD, id=manager)
        await move(keys[:-4])  # four stay in 西区
        listed = await worker.raw(CASELOAD, id=manager)
        await move(keys[-4:-2])  # two stay
        refused = await worker.raw(CASELOAD, id=manager)
    seen = {n["key"] for n in before["data"]["node"]["caseload"]["nodes"]}
    assert seen and seen <= set(keys)  # those consenting to analysis, de-identified
    assert listed["data"]["node"]["caseload"]["totalCount"] >= 5
    assert refused["data"]["node"] is None or refused["data"]["node"].get("caseload") is None
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert "Fewer than 3 residents you read de-identified" in refused["errors"][0]["message"]
    assert (await gql(CASELOAD, id=manager))["node"]["caseload"]["totalCount"] == len(keys)
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, XIQU_MANAGER) as own:
        assert (await own(CASELOAD, id=manager))["node"]["caseload"]["totalCount"] >= 3
