"""The access table of docs/ACCESS.md, walked over HTTP on the demo data.

For each persona and each resident of the table, every PII field is asked for through every
path that can reach a resident — the root list, full-text search, ``node(id:)``, a need's
resident, a community's residents, ``linkResources``' need, the analysts' ``neighborhood`` walk
(display names included) — and must be visible exactly where
the table says: a value where the view includes the field; else null with a FORBIDDEN error, or
the row left out of a list. The same walk covers volunteers' contact details and their
time-bank ledgers. Expectations are written out here, not derived from ``policy``, so the test
checks the rules rather than repeating them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from seeds.personas import BY_NAME
from tests.conftest import bearer

RESIDENT_PII = ("name", "phone", "address", "idLast4", "location", "birthYear", "age")
SELECT = " ".join(f"{f} {{ latitude }}" if f == "location" else f for f in RESIDENT_PII)

# What each view shows of a resident (docs/ACCESS.md, "Residents").
SHOWN = {
    "FULL": set(RESIDENT_PII),
    "VISIT": {"name", "phone", "address", "location", "age", "birthYear"},
    "DEID": set(),
}

LIN, NEIGHBOUR, ACCEPTED, PENDING = (
    "resident-zs-qiwan-01",  # 起湾; her needs have no volunteer yet
    "resident-zs-neighbour-1",  # 起湾; volunteer-zs-busy is assigned to her weekly visit
    "resident-0002",  # 起湾; her need was referred to the health centre and accepted
    "resident-0015",  # 岔岗 (not covered by worker-0001); referred to the clinic, still pending
)
NEED_OF = {
    LIN: "need-zs-qiwan-01-visit",
    NEIGHBOUR: "need-zs-neighbour-visit",
    ACCEPTED: "need-0003",
    PENDING: "need-0025",
}
OUTSIDE_WORKER = "worker-0014"  # covers 生姜社区 in Hangzhou only

PERSONAS: dict[str, tuple[Role | None, str | None]] = {
    **{name: (p.role, p.subject) for name, p in BY_NAME.items()},
    "outside_worker": (Role.SOCIAL_WORKER, OUTSIDE_WORKER),
    "anonymous": (None, None),
}

# persona -> resident -> view; CLOSED: the family is closed to the persona; NONE: the row is
# hidden from them.
TABLE: dict[str, dict[str, str]] = {
    "admin": {LIN: "FULL", NEIGHBOUR: "FULL", ACCEPTED: "FULL", PENDING: "FULL"},
    "social_worker": {LIN: "FULL", NEIGHBOUR: "FULL", ACCEPTED: "FULL", PENDING: "DEID"},
    "outside_worker": {LIN: "DEID", NEIGHBOUR: "DEID", ACCEPTED: "DEID", PENDING: "DEID"},
    "volunteer": {LIN: "NONE", NEIGHBOUR: "VISIT", ACCEPTED: "NONE", PENDING: "NONE"},
    "partner": {LIN: "NONE", NEIGHBOUR: "NONE", ACCEPTED: "VISIT", PENDING: "NONE"},
    "analyst": {LIN: "DEID", NEIGHBOUR: "DEID", ACCEPTED: "DEID", PENDING: "DEID"},
    "anonymous": {LIN: "CLOSED", NEIGHBOUR: "CLOSED", ACCEPTED: "CLOSED", PENDING: "CLOSED"},
}
# persona -> residents whose need they may match (linkResources/whoCanServe): the needs they are
# entrusted with — a covering social worker's, a partner's accepted referral.
MATCHES = {
    "admin": {LIN, NEIGHBOUR, ACCEPTED, PENDING},
    "social_worker": {LIN, NEIGHBOUR, ACCEPTED},  # 岔岗 is not covered
    "partner": {ACCEPTED},
}


@pytest.fixture(scope="module")
async def facts(demo_app: Starlette, settings: Settings) -> dict[str, Any]:
    """Names and communities of the table's residents, read as an administrator."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_app),
        base_url="http://testserver",
        headers=bearer(settings, Role.ADMIN, "admin-tests"),
    ) as http:
        found: dict[str, Any] = {}
        for key in (LIN, NEIGHBOUR, ACCEPTED, PENDING):
            response = await http.post(
                "/graphql",
                json={
                    "query": "query ($id: ID!) { node(id: $id) { ... on Resident "
                    f"{{ {SELECT} community {{ id }} }} }} }}",
                    "variables": {"id": gid("Resident", key)},
                },
            )
            found[key] = response.json()["data"]["node"]
        return found


@pytest.fixture
async def as_persona(
    demo_app: Starlette, settings: Settings, request: pytest.FixtureRequest
) -> AsyncIterator[httpx.AsyncClient]:
    role, subject = PERSONAS[request.param]
    headers = {} if role is None else bearer(settings, role, subject)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_app), base_url="http://testserver", headers=headers
    ) as http:
        yield http


def _objects_with_key(data: Any, key: str) -> list[dict[str, Any]]:
    """Every object with this ``key`` anywhere in a response's data."""
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("key") == key:
                found.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    return found


def _query(path: str, key: str, facts: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    fields = f"key {SELECT}"
    community = facts[key]["community"]["id"]
    if path == "list":
        return (
            "query ($c: ID!) { residents(filter: {community: $c}, first: 100) "
            f"{{ nodes {{ {fields} }} }} }}",
            {"c": community},
        )
    if path == "search":
        return (
            "query ($q: String!) { residents(search: $q, first: 20) "
            f"{{ nodes {{ {fields} }} }} }}",
            {"q": facts[key]["name"]},
        )
    if path == "node":
        return (
            f"query ($id: ID!) {{ node(id: $id) {{ ... on Resident {{ {fields} }} }} }}",
            {"id": gid("Resident", key)},
        )
    if path == "need":
        return (
            f"query ($id: ID!) {{ node(id: $id) {{ ... on Need {{ resident {{ {fields} }} }} }} }}",
            {"id": gid("Need", NEED_OF[key])},
        )
    if path == "community":
        return (
            "query ($c: ID!) { node(id: $c) { ... on Community { residents(first: 100) "
            f"{{ nodes {{ {fields} }} }} }} }} }}",
            {"c": community},
        )
    if path == "network":
        # The walk from the resident's community: the network node has no `key`, so the only
        # object found by key is the entity behind it, read under the field rules.
        return (
            "query ($c: ID!) { neighborhood(id: $c, labels: [Community, Resident], limit: 500) "
            f"{{ nodes {{ id name nameWithheld entity {{ ... on Resident {{ {fields} }} }} }} }} "
            "}",
            {"c": community},
        )
    return (
        "query ($id: ID!) { linkResources(needId: $id) "
        f"{{ need {{ resident {{ {fields} }} }} }} }}",
        {"id": gid("Need", NEED_OF[key])},
    )


PATHS = ("list", "search", "node", "need", "community", "linkResources", "network")
NETWORKERS = {"admin", "social_worker", "outside_worker", "analyst"}  # may run network queries
# Paths that name one resident: hiding them answers FORBIDDEN; lists just leave them out.
DIRECT = {"node", "need", "linkResources"}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("resident", [LIN, NEIGHBOUR, ACCEPTED, PENDING])
@pytest.mark.parametrize("as_persona", list(TABLE), indirect=True)
async def test_each_resident_pii_field_is_visible_only_where_the_table_says(
    as_persona: httpx.AsyncClient,
    facts: dict[str, Any],
    request: pytest.FixtureRequest,
    resident: str,
    path: str,
) -> None:
    persona = request.node.callspec.params["as_persona"]
    view = TABLE[persona][resident]
    query, variables = _query(path, resident, facts)
    response = await as_persona.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    errors = body.get("errors") or []
    assert {e["extensions"]["code"] for e in errors} <= {"FORBIDDEN"}, errors
    found = _objects_with_key(body.get("data"), resident)
    name = facts[resident]["name"]

    matcher_only = (path == "linkResources" and resident not in MATCHES.get(persona, ())) or (
        path == "network" and persona not in NETWORKERS
    )
    # Search asks about names: only rows whose name the viewer may read are searched.
    searched_away = path == "search" and view == "DEID"
    if view in {"NONE", "CLOSED"} or matcher_only or searched_away:
        assert found == [], f"{persona} reached {resident} through {path}"
        assert name not in json.dumps(body, ensure_ascii=False)
        if path in DIRECT or matcher_only or (view == "CLOSED" and path in {"list", "search"}):
            assert errors, f"{persona} got no FORBIDDEN for {resident} through {path}"
        if searched_away and persona == "analyst":
            assert errors  # analysts may not search residents by name at all
        return

    assert found, f"{persona} should reach {resident} through {path}"
    (record,) = found[:1]
    shown = SHOWN[view]
    for field in RESIDENT_PII:
        if field in shown:
            assert record[field] is not None, f"{persona} should see {field} via {path}"
        else:
            assert record[field] is None, f"{persona} must not see {field} via {path}"
            assert any(
                e["path"][-1] == field and _owner(body["data"], e["path"]) == resident
                for e in errors
            ), f"{field} hidden without a FORBIDDEN error"
    if "name" not in shown:
        assert name not in json.dumps(body, ensure_ascii=False)


def _owner(data: Any, path: list[Any]) -> Any:
    """The key of the object holding the field an error's path points at."""
    for step in path[:-1]:
        data = data[step]
    return data.get("key") if isinstance(data, dict) else None


VOLUNTEER_PII = ("phone", "location", "birthYear", "timeBankHours")
V_SELECT = " ".join(f"{f} {{ latitude }}" if f == "location" else f for f in VOLUNTEER_PII)
NEAR, BUSY = "volunteer-zs-near", "volunteer-zs-busy"

# persona -> volunteer -> view (docs/ACCESS.md, "Volunteers").
VOLUNTEER_TABLE = {
    "admin": {NEAR: "FULL", BUSY: "FULL"},
    "social_worker": {NEAR: "FULL", BUSY: "FULL"},  # both serve 起湾, which worker-0001 covers
    "outside_worker": {NEAR: "PUBLIC", BUSY: "PUBLIC"},
    "volunteer": {NEAR: "PUBLIC", BUSY: "FULL"},  # volunteer-zs-busy is themself
    "partner": {NEAR: "PUBLIC", BUSY: "PUBLIC"},
    "analyst": {NEAR: "PUBLIC", BUSY: "PUBLIC"},
    "anonymous": {NEAR: "CLOSED", BUSY: "CLOSED"},
}


def _volunteer_query(path: str, key: str) -> tuple[str, dict[str, Any]]:
    fields = f"key name {V_SELECT}"
    if path == "node":
        return (
            f"query ($id: ID!) {{ node(id: $id) {{ ... on Volunteer {{ {fields} }} }} }}",
            {"id": gid("Volunteer", key)},
        )
    if path == "list":
        return (
            "query ($c: ID!) { volunteers(filter: {community: $c}, first: 100) "
            f"{{ nodes {{ {fields} }} }} }}",
            {"c": gid("Community", "community-zs-qiwan")},
        )
    if path == "team":
        return (
            "query ($c: ID!) { node(id: $c) { ... on Community { volunteers(first: 100) "
            f"{{ nodes {{ {fields} }} }} }} }} }}",
            {"c": gid("Community", "community-zs-qiwan")},
        )
    return (  # whoCanServe: 何姨 is a candidate for 林婆婆's Tuesday visit; the busy one is not
        f"query ($id: ID!) {{ whoCanServe(needId: $id, first: 20) {{ candidates "
        f"{{ volunteer {{ {fields} }} }} }} }}",
        {"id": gid("Need", "need-zs-qiwan-01-visit")},
    )


@pytest.mark.parametrize("path", ["node", "list", "team", "whoCanServe"])
@pytest.mark.parametrize("volunteer", [NEAR, BUSY])
@pytest.mark.parametrize("as_persona", list(VOLUNTEER_TABLE), indirect=True)
async def test_volunteer_contact_details_are_visible_only_where_the_table_says(
    as_persona: httpx.AsyncClient, request: pytest.FixtureRequest, volunteer: str, path: str
) -> None:
    persona = request.node.callspec.params["as_persona"]
    view = VOLUNTEER_TABLE[persona][volunteer]
    query, variables = _volunteer_query(path, volunteer)
    response = await as_persona.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body = response.json()
    errors = body.get("errors") or []
    found = _objects_with_key(body.get("data"), volunteer)
    if view == "CLOSED" or (path == "whoCanServe" and LIN not in MATCHES.get(persona, ())):
        assert found == []
        if path != "team":
            assert errors and {e["extensions"]["code"] for e in errors} == {"FORBIDDEN"}
        return
    if path == "whoCanServe" and volunteer == BUSY:
        assert found == []  # busy on Tuesday mornings: not a candidate at all
        return
    assert found, f"{persona} should see {volunteer} via {path}"
    record = found[0]
    assert record["name"]
    denied = {
        e["path"][-1]
        for e in errors
        if e["extensions"]["code"] == "FORBIDDEN" and _owner(body["data"], e["path"]) == volunteer
    }
    assert record["phone"] is not None or view != "FULL"
    for field in VOLUNTEER_PII:
        if view == "FULL":
            assert field not in denied, f"{persona} should see {field} via {path}"
        else:
            assert record[field] is None, f"{persona} must not see {field} via {path}"
            assert field in denied, f"{field} hidden without a FORBIDDEN error"


# 何姨 earned 30 hours by 15 verified two-hour visits (seeds/demo_scenarios.py); the verifications
# named the entries, so one is looked up by the record it was earned by.
LEDGER_RECORD = "record-zs-near-visit-01"
LEDGER_ENTRY_OF = dynamic(
    "tests.access.ledger_entry",
    "MATCH (e:TimeBankEntry)-[:EARNED_BY]->(:ServiceRecord {id: $record}) RETURN e.id AS id",
)


@pytest.fixture
async def ledger_entry(demo_app: Starlette, engine_store: GraphStore) -> str:
    (row,) = await engine_store.read(LEDGER_ENTRY_OF, {"record": LEDGER_RECORD})
    return str(row["id"])


# persona -> what they see of 何姨's time-bank ledger (docs/ACCESS.md, "Rows": TimeBankEntry
# rows follow the balance's rule). SEEN: the entry and its hours; NONE: left out of lists,
# FORBIDDEN by id; CLOSED: the root list is FORBIDDEN too.
LEDGER_TABLE = {
    "admin": "SEEN",
    "social_worker": "SEEN",  # covers 起湾, where 何姨 serves
    "outside_worker": "NONE",
    "volunteer": "NONE",  # another volunteer's ledger
    "partner": "CLOSED",
    "analyst": "CLOSED",
    "anonymous": "CLOSED",
}
LEDGER_QUERIES = {
    "list": "query ($v: ID!) { timeBankEntries(filter: {volunteer: $v}, first: 50) "
    "{ nodes { key hours } } }",
    "nested": "query ($v: ID!) { node(id: $v) { ... on Volunteer { timeBank(first: 50) "
    "{ nodes { key hours } } } } }",
    "node": "query ($e: ID!) { node(id: $e) { ... on TimeBankEntry { key hours } } }",
}


@pytest.mark.parametrize("path", list(LEDGER_QUERIES))
@pytest.mark.parametrize("as_persona", list(LEDGER_TABLE), indirect=True)
async def test_a_time_bank_ledger_is_seen_only_where_the_balance_may_be_read(
    as_persona: httpx.AsyncClient, request: pytest.FixtureRequest, path: str, ledger_entry: str
) -> None:
    persona = request.node.callspec.params["as_persona"]
    seen = LEDGER_TABLE[persona]
    response = await as_persona.post(
        "/graphql",
        json={
            "query": LEDGER_QUERIES[path],
            "variables": {"v": gid("Volunteer", NEAR), "e": gid("TimeBankEntry", ledger_entry)},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    errors = body.get("errors") or []
    found = _objects_with_key(body.get("data"), ledger_entry)
    if seen == "SEEN":
        assert errors == [] and found and found[0]["hours"] == 2.0  # one two-hour visit
        return
    assert found == [], f"{persona} reached 何姨's ledger through {path}"
    refused = path == "node" or (path == "list" and seen == "CLOSED") or persona == "anonymous"
    if refused:
        assert errors and {e["extensions"]["code"] for e in errors} == {"FORBIDDEN"}


async def test_anonymous_callers_are_told_a_teams_members_are_not_public(
    demo_app: Starlette,
) -> None:
    # 西区大队 has members (tests/seeds/test_demo_truth.py); an anonymous caller is told they
    # are not public, as the root list of volunteers tells them, not "members: 0".
    query = (
        "query ($id: ID!) { node(id: $id) { ... on Organization { name "
        "members(first: 5) { totalCount } } } }"
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo_app), base_url="http://testserver"
    ) as http:
        response = await http.post(
            "/graphql",
            json={"query": query, "variables": {"id": gid("Organization", "team-zs-boai-west")}},
        )
    body = response.json()
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"][-1] == "members" and "Sign in" in error["message"]
    assert '"totalCount": 0' not in json.dumps(body)
