"""Exports for analysis tools open in NetworkX with the graph's counts, and carry no PII."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import subprocess
import sys
import typing
from pathlib import Path

import httpx
import networkx as nx
import pytest
from starlette.applications import Starlette

from access import exports, policy
from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.model import entities
from graph.model.registry import RELS
from graph.queries.network import NETWORK_LABELS
from tests.conftest import GraphQL, bearer, graph_env

ROOT = Path(__file__).resolve().parents[2]
# Counted here, independently of the export's paging: nodes of the network families and the
# relationships between two of them, but for the family ties no export carries, and but for the
# service records awaiting review (an analyst sees a record once approved: it says when a visit
# ended, policy.UNTIL_REVIEWED) and their ties.
SEEN = "(NOT {x}:ServiceRecord OR (:SocialWorker)-[:VERIFIED]->({x}))"
COUNT_NODES = dynamic(
    "test.export.nodes",
    "MATCH (n) WHERE any(x IN labels(n) WHERE x IN $labels) "
    f"AND {SEEN.format(x='n')} RETURN count(n) AS n",
)
COUNT_EDGES = dynamic(
    "test.export.edges",
    "MATCH (a)-[r]->(b) WHERE any(x IN labels(a) WHERE x IN $labels) "
    "AND any(x IN labels(b) WHERE x IN $labels) AND NOT type(r) IN $personal "
    f"AND {SEEN.format(x='a')} AND {SEEN.format(x='b')} "
    "RETURN count(r) AS n",
)
UNAPPROVED = dynamic(
    "test.export.unapproved",
    "MATCH (n:ServiceRecord) WHERE NOT (:SocialWorker)-[:VERIFIED]->(n) "
    "RETURN collect(n.id) AS ids",
)
PERSONAL = ["FAMILY_OF", "SPENT_ON"]  # a volunteer's family; credits only family may spend
# A ledger entry's holder and what earned it are the balance's (FULL only): with them an export
# would add up a balance the API withholds.
LEDGER = ["HOLDS", "EARNED_BY"]
PII_NAME = "林婆婆"
# Attributes no node of the family may carry in an export: PII, and free text about residents.
WITHHELD = {
    "Resident": {
        "name",
        "phone",
        "address",
        "idHash",
        "idLast4",
        "birthYear",
        "latitude",
        "search",
    },
    "Volunteer": {"phone", "latitude", "birthYear", "search"},
    "SocialWorker": {"phone"},
    "Expert": {"phone"},
    "Need": {"title", "description", "closingNote", "search"},
    "ServiceRecord": {"title", "note"},
    "Referral": {"reason", "outcome"},
    "TimeBankEntry": {"note", "minutes"},
}
# 何姨 (volunteer-zs-near) is a resident's daughter: the demo's one family tie.
HE_YI, MOTHER = "volunteer-zs-near", "resident-zs-neighbour-1"


def _assert_deidentified(graph: nx.MultiDiGraph) -> None:
    for _, attrs in graph.nodes(data=True):
        assert not WITHHELD.get(attrs["entity"], set()) & set(attrs), attrs


def _client(app: Starlette, headers: dict[str, str]) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers
    )


async def test_the_whole_graph_exports_as_graphml_with_every_node_and_edge(
    demo_app: Starlette, engine_store: GraphStore, tmp_path: Path
) -> None:
    # The ledger adds up to balances an analyst may not read, and exports are the same for every
    # role: no ledger in an export at all.
    labels = {"labels": [x for x in NETWORK_LABELS if x != "TimeBankEntry"]}
    nodes = (await engine_store.read(COUNT_NODES, labels))[0]["n"]
    withheld = PERSONAL + LEDGER
    edges = (await engine_store.read(COUNT_EDGES, {**labels, "personal": withheld}))[0]["n"]
    settings: Settings = demo_app.state.settings
    env = {
        "PATH": "/usr/bin:/bin",
        **graph_env(settings),
        "LOAD_DEMO_DATA": "false",
    }
    # The CLI adopts the session's running graph server (and leaves it running).
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "cli", "export-graph", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    graph = nx.read_graphml(tmp_path / "graph.graphml")
    assert graph.number_of_nodes() == nodes
    assert graph.number_of_edges() == edges
    assert PII_NAME not in (tmp_path / "graph.graphml").read_text()
    _assert_deidentified(graph)
    assert not graph.has_edge(HE_YI, MOTHER)
    assert not {t for _, _, t in graph.edges(data="type")} & set(withheld)
    assert not [a for _, a in graph.nodes(data=True) if a["entity"] == "TimeBankEntry"]
    unapproved = (await engine_store.read(UNAPPROVED, {}))[0]["ids"]
    assert unapproved and not set(unapproved) & set(graph.nodes)
    assert [a for _, a in graph.nodes(data=True) if a["entity"] == "ServiceRecord"]
    resident = graph.nodes["resident-zs-qiwan-01"]
    assert resident["entity"] == "Resident" and resident["label"].startswith("服务对象")
    assert "approximateLatitude" in resident and "latitude" not in resident


async def test_an_analyst_downloads_a_neighbourhood_as_graphml_and_csv(
    demo_app: Starlette, settings: Settings
) -> None:
    qiwan = gid("Community", "community-zs-qiwan")
    async with _client(demo_app, bearer(settings, Role.ANALYST, "analyst-zs-bureau")) as http:
        hood = await GraphQL(http)(
            "query ($id: ID!) { neighborhood(id: $id, depth: 1, limit: 500) "
            "{ truncated nodes { key } edges { type } } }",
            id=qiwan,
        )
        response = await http.get("/export/graph.graphml", params={"root": qiwan, "depth": 1})
        assert response.status_code == 200
        graph = nx.read_graphml(io.BytesIO(response.content))
        assert graph.number_of_nodes() == len(hood["neighborhood"]["nodes"])
        assert graph.number_of_edges() == len(hood["neighborhood"]["edges"])
        assert PII_NAME not in response.text
        _assert_deidentified(graph)
        nodes = await http.get("/export/nodes.csv", params={"root": qiwan, "depth": 1})
        edges = await http.get("/export/edges.csv", params={"root": qiwan, "depth": 1})
        assert nodes.text.splitlines()[0] == "Id,Label,entity,properties"
        assert len(nodes.text.splitlines()) - 1 == graph.number_of_nodes()
        assert len(edges.text.splitlines()) - 1 == graph.number_of_edges()
        assert PII_NAME not in nodes.text


@pytest.mark.parametrize(
    ("role", "params", "status", "code"),
    [
        (None, {"root": "x"}, 403, "FORBIDDEN"),
        (Role.VOLUNTEER, {"root": "x"}, 403, "FORBIDDEN"),
        (Role.ANALYST, {}, 400, "BAD_USER_INPUT"),
        (Role.ANALYST, {"root": "nonsense"}, 400, "BAD_USER_INPUT"),
        (Role.ANALYST, {"root": gid("Community", "community-zs-qiwan"), "depth": "9"}, 400,
         "BAD_USER_INPUT"),
        (Role.ANALYST, {"root": gid("Community", "nowhere")}, 404, "NOT_FOUND"),
    ],
)  # fmt: skip
async def test_bad_export_requests_get_clear_errors(
    demo_app: Starlette,
    settings: Settings,
    role: Role | None,
    params: dict[str, str],
    status: int,
    code: str,
) -> None:
    headers = bearer(settings, role, "volunteer-zs-busy") if role else {}
    async with _client(demo_app, headers) as http:
        response = await http.get("/export/graph.graphml", params=params)
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == code


async def test_an_export_around_a_volunteer_carries_no_family_tie_to_a_resident(
    demo_app: Starlette, settings: Settings
) -> None:
    root = {"root": gid("Volunteer", HE_YI), "depth": 1}
    for role in (Role.ANALYST, Role.ADMIN):  # exports are the same for every role
        async with _client(demo_app, bearer(settings, role, "someone")) as http:
            response = await http.get("/export/graph.graphml", params=root)
            graph = nx.read_graphml(io.BytesIO(response.content))
            # The mother is not even a node: at one hop from her daughter only the tie reaches her.
            assert HE_YI in graph and MOTHER not in graph
            assert "FAMILY_OF" not in {t for _, _, t in graph.edges(data="type")}
            edges = (await http.get("/export/edges.csv", params=root)).text
            assert "FAMILY_OF" not in edges and MOTHER not in edges and "PARENT" not in edges


async def test_exported_needs_and_records_carry_no_free_text(
    demo_app: Starlette, settings: Settings
) -> None:
    lin = {"root": gid("Resident", "resident-zs-qiwan-01"), "depth": 2}
    async with _client(demo_app, bearer(settings, Role.ANALYST, "analyst-zs-bureau")) as http:
        response = await http.get("/export/graph.graphml", params=lin)
    graph = nx.read_graphml(io.BytesIO(response.content))
    needs = [key for key, entity in graph.nodes(data="entity") if entity == "Need"]
    assert "need-zs-qiwan-01-visit" in needs
    _assert_deidentified(graph)
    # Her weekly visit's title (每周上门探访) is neither a property nor the label Gephi shows.
    assert all(graph.nodes[key]["label"] == key for key in needs)
    assert "每周上门探访" not in response.text


# --- the guard: everything stored about residents is declared --------------------------------

ABOUT = sorted(policy.ABOUT_RESIDENTS)


def _declared(label: str) -> set[str]:
    return (
        set(policy.FIELD_VIEWS.get(label, {}))
        | policy.FREE_TEXT.get(label, frozenset())
        | policy.PLAIN.get(label, frozenset())
        | set(policy.STORED_AS.get(label, {}))
    )


@pytest.mark.parametrize("label", ABOUT)
def test_every_property_of_a_record_about_residents_is_declared_once(label: str) -> None:
    record = entities.family_named(label).record
    stored = {entities.camel(f.name) for f in dataclasses.fields(record)}
    assert stored <= _declared(label), f"declare {sorted(stored - _declared(label))} in policy"
    plain = policy.PLAIN.get(label, frozenset())
    assert not plain & policy.FREE_TEXT.get(label, frozenset())
    assert not plain & set(policy.FIELD_VIEWS.get(label, {}))
    # The strings declared plain are ids and vocabulary (a short, fixed form): declaring another
    # one plain is a decision this list makes visible.
    hints = typing.get_type_hints(record)
    strings = {entities.camel(f.name) for f in dataclasses.fields(record)
               if "str" in str(hints[f.name])}  # fmt: skip
    assert strings & plain <= {"id", "gender", "languages", "status", "urgency", "source",
                               "slots", "oneOffSlot", "oneOffKey", "kind"}  # fmt: skip


FREE_TEXT_SEEN = dynamic(
    "test.export.free_text",
    "MATCH (n) WHERE any(x IN labels(n) WHERE x IN $labels) "
    "UNWIND keys(n) AS k RETURN DISTINCT [x IN labels(n) WHERE x IN $labels][0] AS label, k",
)


async def test_every_property_stored_about_residents_in_the_demo_is_declared(
    demo_app: Starlette, engine_store: GraphStore
) -> None:
    rows = await engine_store.read(FREE_TEXT_SEEN, {"labels": ABOUT})
    undeclared = {(r["label"], r["k"]) for r in rows
                  if r["k"] not in _declared(r["label"]) | exports.INTERNAL_PROPS}  # fmt: skip
    assert not undeclared


def test_every_relationship_touching_residents_is_declared_personal_or_not() -> None:
    touching = {rel.type for rel in RELS if {rel.start, rel.end} & policy.ABOUT_RESIDENTS}
    personal, service = set(policy.PERSONAL_TIES), set(policy.SERVICE_TIES)
    assert touching == personal | service and not personal & service
    assert {"FAMILY_OF", "SPENT_ON"} <= personal
    for kind, end in policy.PERSONAL_TIES.items():
        assert any(rel.type == kind and end in {rel.start, rel.end} for rel in RELS)
    # Their properties are dates, counts, vocabulary and who recorded them: no free text (a
    # visit's attendance on ASSIGNED: times, CODE/LOCATION, minutes, the ids of codes used).
    props = {p for rel in RELS if {rel.start, rel.end} & policy.ABOUT_RESIDENTS for p in rel.props}
    assert props <= {"since", "by", "slots", "at", "quantity", "relation", "checkedInAt",
                     "checkInEpoch", "checkInBy", "checkedOutAt", "checkOutBy", "minutes",
                     "codes"}  # fmt: skip


# Protected fields the API computes from other protected ones (age from the birth year).
COMPUTED = {("Resident", "age")}


@pytest.mark.parametrize("label", ABOUT)
def test_every_protected_field_about_residents_is_tied_to_what_stores_it(label: str) -> None:
    """A protected field is withheld from exports only through what stores it: a property of
    the same name, a property it is derived from (``STORED_AS``) or the relationship it is
    (``LINK_FIELDS``). A field tied to none could leak under its stored name."""
    record = entities.family_named(label).record
    stored = {entities.camel(f.name) for f in dataclasses.fields(record)}
    aliased = set(policy.STORED_AS.get(label, {}).values())
    linked = {field for family, field in policy.LINK_FIELDS.values() if family == label}
    for name in policy.FIELD_VIEWS.get(label, {}):
        assert name in stored | aliased | linked or (label, name) in COMPUTED, (
            f"{label}.{name} is protected but nothing says where it is stored"
        )
