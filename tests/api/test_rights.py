"""The rights of the person (PIPL): an elder asks to be erased, on both engines.

林婆婆 (resident-zs-qiwan-01) tells her social worker she wants the service to forget her. After
the erasure no query, search, export or new backup finds her name, phone, address or the last
four characters of her ID number; the figures an analyst reads are the same as before; and a
backup taken before the erasure, restored, keeps her erased.

Each test starts from a freshly loaded demo graph.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from access.tokens import Role
from api.ids import to_global_id as gid
from config import DEVELOPMENT_ID_HASH_KEY
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum, clear_graph
from graph.io import backup, erasures
from graph.workflows import rights
from intake import run
from intake.identity import id_card
from seeds.demo_scenarios import LIN_ID_CARD
from tests.conftest import GraphQL, SignIn, client_as, graph_env
from tests.intake.sheets import id_number, write_csv

pytestmark = pytest.mark.usefixtures("fresh_demo")

ROOT = Path(__file__).resolve().parents[2]
LIN = "resident-zs-qiwan-01"
LIN_ID = gid("Resident", LIN)
# Everything that identifies her in the demo: name, phone, address, and what is kept of her ID
# number (its keyed hash; the number itself is never stored).
HER_ID_HASH = id_card(LIN_ID_CARD).keyed_hash(DEVELOPMENT_ID_HASH_KEY)
HER = ("林婆婆", "0760-01234567", "起湾社区 3栋 502", HER_ID_HASH)
EAST = gid("District", "district-zs-east")
WORKER = ("worker-0001", Role.SOCIAL_WORKER)  # covers 起湾: her case manager

ERASE = """
mutation ($r: ID!, $key: String) {
  eraseResident(residentId: $r, idempotencyKey: $key) {
    replayed resident { key name phone address idLast4 birthYear tags community { key } }
  }
}
"""

STATS = """
query ($d: ID) {
  statistics(districtId: $d) {
    residents residentsByTag { key count } volunteersByStar { key count }
    hoursByMonth { month categoryKey hours verifiedHours records }
    needsByStatus { key count } medianDaysToFirstService
    supplyDemand { categoryKey supplySlots volunteers demandSlots needs }
  }
}
"""

GAPS = """
query ($d: ID, $subject: GapSubject!, $cat: ID) {
  coverageGaps(districtId: $d, subject: $subject, categoryId: $cat, radiusMeters: 3000,
               minCandidates: 2) {
    subjects short volunteersConsidered truncated
    groups { communityName categoryName subjects short uncovered medianCandidates }
  }
}
"""

EVERY_NODE = dynamic(
    "test.rights.every_node", "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"
)
IMPORTED = dynamic(
    "test.rights.imported",
    "MATCH (r:Resident) WHERE r.name IN ['甲婆婆', '乙婆婆', '丙婆婆'] "
    "RETURN r.name AS name, r.id AS id",
)
# A social worker who does not cover 起湾.
ELSEWHERE = dynamic(
    "test.rights.elsewhere",
    """
    MATCH (w:SocialWorker)
    WHERE NOT (w)-[:COVERS]->(:Community {id: 'community-zs-qiwan'})
    RETURN w.id AS id ORDER BY id LIMIT 1
    """,
)


async def figures(analyst: GraphQL) -> list[dict[str, Any]]:
    """What an analyst reads about 东区: the statistics and a gap survey of needs (residents are
    surveyed only by who reads them in full, docs/PRIVACY.md "Small cells")."""
    return [await analyst(STATS, d=EAST), await analyst(GAPS, d=EAST, subject="NEEDS")]


async def anywhere(store: GraphStore, text: str) -> list[str]:
    """The nodes (labels and id) holding ``text`` in any property."""
    rows = await store.read(EVERY_NODE)
    return [
        f"{row['labels']} {row['props'].get('id')}"
        for row in rows
        if any(text in str(value) for value in row["props"].values())
    ]


async def test_an_elder_who_asks_to_be_erased_is_found_nowhere_and_the_figures_stay(
    signed_in: SignIn, gql: GraphQL, engine_store: GraphStore, tmp_path: Path, demo_app: Any
) -> None:
    analyst = await signed_in(Role.ANALYST, "analyst-zs-bureau")
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    # A request about her made before, with a key: its stored answer is derived from her inputs.
    reported = await worker(
        """
        mutation ($input: ReportNeedInput!) {
          reportNeed(input: $input, idempotencyKey: "before-erasure") { need { key } }
        }
        """,
        input={
            "residentId": LIN_ID,
            "categoryId": gid("ServiceCategory", "cat-visit"),
            "title": "陪同去街市",
            "description": "林婆婆 想要人陪她去街市，电话 10012345678",
            "slots": ["WED_AM"],
        },
    )
    new_need = reported["reportNeed"]["need"]["key"]
    before = await figures(analyst)
    assert all([await anywhere(engine_store, pii) for pii in HER])

    erased = (await worker(ERASE, r=LIN_ID))["eraseResident"]

    assert erased == {
        "replayed": False,
        "resident": {
            "key": LIN,
            "name": rights.ERASED_NAME,
            "phone": None,
            "address": None,
            "idLast4": None,
            "birthYear": None,
            "tags": ["ELDERLY_80_PLUS", "LIVING_ALONE"],
            "community": {"key": "community-zs-qiwan"},
        },
    }
    # The figures an analyst reads are exactly what they were: she still counts, anonymously.
    assert await figures(analyst) == before
    # Nothing the graph keeps holds her identity: properties, search text, the free text of her
    # needs, the stored answers' fingerprints.
    for pii in HER:
        assert await anywhere(engine_store, pii) == [], pii
    for name in ("林婆婆", "林", "婆婆"):
        found = await gql(
            "query ($s: String!) { residents(search: $s) { totalCount nodes { key } } }", s=name
        )
        assert LIN not in str(found), name
    visit = await gql(
        "query ($n: ID!) { node(id: $n) { ... on Need { title description resident { key } } } }",
        n=gid("Need", new_need),
    )
    assert visit["node"] == {
        "title": rights.ERASED_TITLE,
        "description": None,
        "resident": {"key": LIN},
    }
    keys = await engine_store.read(
        dynamic(
            "test.rights.keys",
            "MATCH (k:IdempotencyKey) WHERE k.result = $need RETURN k.fingerprint AS fingerprint",
        ),
        {"need": new_need},
    )
    assert keys == [{"fingerprint": rights.ERASED_FINGERPRINT}]
    # Her home is now the centre of its ~500 m cell: what de-identified views saw before.
    home = await gql(
        "query ($r: ID!) { node(id: $r) { ... on Resident { location { latitude longitude } "
        "approximateLocation { latitude longitude } } } }",
        r=LIN_ID,
    )
    where = home["node"]
    assert where["location"] == pytest.approx(where["approximateLocation"], abs=1e-5)

    # Neither a new backup nor an export holds her.
    saved = tmp_path / "after.jsonl"
    await backup.save(engine_store, saved)
    text = saved.read_text(encoding="utf-8")
    assert not [pii for pii in HER if pii in text]
    assert '"label":"Erasure"' in text and "林" not in text.split('"label":"Erasure"')[1][:200]
    async with client_as(demo_app, demo_app.state.settings, Role.ADMIN, "admin-tests") as http:
        qiwan = gid("Community", "community-zs-qiwan")
        exported = await http.get("/export/graph.graphml", params={"root": qiwan, "depth": 2})
    assert exported.status_code == 200 and LIN in exported.text
    assert not [pii for pii in HER if pii in exported.text]

    # That it happened is audited — by whom, when, which id — and her name is in no entry.
    log = await gql(
        """
        { auditLog(filter: {action: [MUTATION]}, first: 50) {
            nodes { actor operation entityIds outcome at } } }
        """
    )
    entries = [e for e in log["auditLog"]["nodes"] if e["operation"] == "eraseResident"]
    assert [(e["actor"], e["entityIds"], e["outcome"]) for e in entries] == [
        ("social_worker:worker-0001", [LIN], "OK")
    ]
    everything = await gql("{ auditLog(first: 100) { nodes { entityIds fields operation } } }")
    assert not [pii for pii in HER if pii in str(everything)]


async def test_erasing_twice_answers_the_same_and_an_unknown_resident_is_not_found(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    first = await gql(ERASE, r=LIN_ID, key="erase-lin")
    again = await gql(ERASE, r=LIN_ID)
    retried = await gql(ERASE, r=LIN_ID, key="erase-lin")
    assert again["eraseResident"] == first["eraseResident"]
    assert retried["eraseResident"] == {**first["eraseResident"], "replayed": True}
    assert await erasures.erased_ids(engine_store) == [LIN]

    before = await checksum(engine_store)
    errors = await gql.errors(ERASE, r=gid("Resident", "resident-nobody"))
    assert errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert "resident-nobody" in errors[0]["message"]
    bad = await gql.errors(ERASE, r=gid("Need", "need-zs-qiwan-01-visit"))
    assert bad[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await checksum(engine_store) == before


async def test_only_an_administrator_or_her_covering_social_worker_may_erase_her(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    rows = await engine_store.read(ELSEWHERE)
    for role, subject in (
        (Role.SOCIAL_WORKER, rows[0]["id"]),
        (Role.VOLUNTEER, "volunteer-zs-busy"),
        (Role.PARTNER, "org-zs-east-clinic"),
        (Role.ANALYST, "analyst-zs-bureau"),
    ):
        caller = await signed_in(role, subject)
        errors = await caller.errors(ERASE, r=LIN_ID)
        assert errors[0]["extensions"]["code"] == "FORBIDDEN", (role, errors)
    # Refusals are audited like every attempt, so only the audit log grew.
    after = await engine_store.read(
        dynamic("test.rights.lin", "MATCH (r:Resident {id: $id}) RETURN r.name AS name"),
        {"id": LIN},
    )
    assert after == [{"name": "林婆婆"}]
    assert await erasures.erased_ids(engine_store) == []


async def test_a_backup_from_before_the_erasure_does_not_bring_her_back(
    gql: GraphQL, engine_store: GraphStore, tmp_path: Path
) -> None:
    older = tmp_path / "last-night.jsonl.gz"
    await backup.save(engine_store, older)
    await gql(ERASE, r=LIN_ID)

    # Merged into the graph: the graph's own ledger scrubs her again.
    await backup.restore(engine_store, older)
    assert [await anywhere(engine_store, pii) for pii in HER] == [[], [], [], []]

    # Into an emptied graph, given the ledger of the graph it replaces (as `cli restore --reset`
    # does) or of a newer backup (`--erasures`).
    newer = tmp_path / "tonight.jsonl"
    await backup.save(engine_store, newer)
    assert backup.ledger_of(newer) == [LIN]
    await clear_graph(engine_store)
    await backup.restore(engine_store, older, erased=backup.ledger_of(newer))
    assert [await anywhere(engine_store, pii) for pii in HER] == [[], [], [], []]
    assert await erasures.erased_ids(engine_store) == [LIN]


async def test_the_cli_restoring_an_older_backup_over_the_graph_keeps_her_erased(
    gql: GraphQL, engine_store: GraphStore, demo_app: Any, tmp_path: Path
) -> None:
    older = tmp_path / "older.jsonl"
    await backup.save(engine_store, older)
    await gql(ERASE, r=LIN_ID)
    env = {
        "PATH": "/usr/bin:/bin",
        **graph_env(demo_app.state.settings),
        "LOAD_DEMO_DATA": "false",
        "LOG_LEVEL": "warning",
    }
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "cli", "restore", str(older), "--reset"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [await anywhere(engine_store, pii) for pii in HER] == [[], [], [], []]


# --- the right to a copy (art. 45) -----------------------------------------------------------


async def test_her_social_worker_downloads_everything_held_about_her_as_one_file(
    demo_app: Any, gql: GraphQL
) -> None:
    settings = demo_app.state.settings
    async with client_as(demo_app, settings, Role.SOCIAL_WORKER, "worker-0001") as http:
        response = await http.get("/export/subject.json", params={"resident": LIN_ID})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["content-disposition"] == f'attachment; filename="{LIN}-subject.json"'
    held = response.json()
    assert held["format"] == "community-resource-graph/subject-access"
    me = held["resident"]
    assert (me["id"], me["name"], me["phone"], me["address"]) == (LIN, *HER[:3])
    assert me["idHash"] == HER_ID_HASH and me["idLast4"] == LIN_ID_CARD[-4:]
    assert "idNumber" not in me and "search" not in me
    assert held["community"]["id"] == "community-zs-qiwan"
    assert "worker-0001" in {m["id"] for m in held["caseManagers"]}
    assert "need-zs-qiwan-01-visit" in {n["id"] for n in held["needs"]}
    assert {r["need"] for r in held["serviceRecords"]} <= {n["id"] for n in held["needs"]}

    # Handing it over is a read of her personal information, and audited as one.
    log = await gql(
        """
        { auditLog(filter: {action: [READ_PII], actor: "social_worker:worker-0001"}, first: 10) {
            nodes { operation entityIds fields outcome } } }
        """
    )
    given = [e for e in log["auditLog"]["nodes"] if e["operation"] == "subjectAccess"]
    assert len(given) == 1 and given[0]["entityIds"] == [LIN] and given[0]["outcome"] == "OK"
    assert {"name", "phone", "address", "idLast4"} <= set(given[0]["fields"])

    # After she is erased, her file holds nothing that identifies her.
    await gql(ERASE, r=LIN_ID)
    async with client_as(demo_app, settings, Role.ADMIN, "admin-tests") as http:
        after = await http.get("/export/subject.json", params={"resident": LIN_ID})
    assert after.status_code == 200
    assert not [pii for pii in HER if pii in after.text]


async def test_her_file_is_only_for_those_who_answer_her_requests(
    demo_app: Any, engine_store: GraphStore
) -> None:
    settings = demo_app.state.settings
    elsewhere = await engine_store.read(ELSEWHERE)
    for role, subject in (
        (Role.SOCIAL_WORKER, elsewhere[0]["id"]),
        (Role.VOLUNTEER, "volunteer-zs-busy"),
        (Role.PARTNER, "org-zs-east-clinic"),
        (Role.ANALYST, "analyst-zs-bureau"),
    ):
        async with client_as(demo_app, settings, role, subject) as http:
            refused = await http.get("/export/subject.json", params={"resident": LIN_ID})
        assert refused.status_code == 403, (role, refused.text)
        assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert "林婆婆" not in refused.text
    async with client_as(demo_app, settings, Role.ADMIN, "admin-tests") as http:
        unknown = await http.get(
            "/export/subject.json", params={"resident": gid("Resident", "resident-nobody")}
        )
        wrong = await http.get(
            "/export/subject.json", params={"resident": gid("Need", "need-zs-qiwan-01-visit")}
        )
        missing = await http.get("/export/subject.json")
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert [r.status_code for r in (wrong, missing)] == [400, 400]
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# --- consent -----------------------------------------------------------------------------------

CONSENT = """
mutation ($r: ID!, $scopes: [ConsentScope!]!, $by: ConsentGiver!, $on: Date) {
  recordConsent(residentId: $r, scopes: $scopes, givenBy: $by, givenOn: $on) {
    resident { consent consentScopes consentGivenBy consentGivenOn consentWithdrawnOn }
  }
}
"""
WITHDRAW = """
mutation ($r: ID!, $on: Date) {
  withdrawConsent(residentId: $r, withdrawnOn: $on) {
    resident { consent consentScopes consentGivenBy consentGivenOn consentWithdrawnOn }
  }
}
"""
REFER = """
mutation ($n: ID!, $from: ID!, $to: ID!) {
  referNeed(needId: $n, fromOrganizationId: $from, toOrganizationId: $to) { referral { id } }
}
"""


async def test_her_daughter_consents_for_her_and_after_she_withdraws_it_she_is_not_referred_on(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    given = await worker(
        CONSENT, r=LIN_ID, scopes=["REFERRAL", "RECORD", "ANALYSIS"], by="GUARDIAN", on="2026-11-01"
    )
    assert given["recordConsent"]["resident"] == {
        "consent": True,
        "consentScopes": ["ANALYSIS", "RECORD", "REFERRAL"],
        "consentGivenBy": "GUARDIAN",
        "consentGivenOn": "2026-11-01",
        "consentWithdrawnOn": None,
    }
    # An analyst reads the consent as they read `consent`: it says nothing of who she is.
    analyst = await signed_in(Role.ANALYST, "analyst-zs-bureau")
    seen = await analyst(
        "query ($r: ID!) { node(id: $r) { ... on Resident { consent consentScopes } } }", r=LIN_ID
    )
    assert seen["node"] == {"consent": True, "consentScopes": ["ANALYSIS", "RECORD", "REFERRAL"]}

    withdrawn = await worker(WITHDRAW, r=LIN_ID, on="2026-11-20")
    assert withdrawn["withdrawConsent"]["resident"] == {
        **given["recordConsent"]["resident"],
        "consent": False,
        "consentWithdrawnOn": "2026-11-20",
    }
    # Her needs stay with the station covering her: none is referred to another organization.
    referrals = await _referrals(engine_store)
    refused = await worker.errors(
        REFER,
        n=gid("Need", "need-zs-qiwan-01-visit"),
        **{
            "from": gid("Organization", "org-zs-lianhe"),
            "to": gid("Organization", "org-zs-east-eldercare"),
        },
    )
    assert refused[0]["extensions"]["code"] == "CONFLICT"
    assert "withdrawn consent" in refused[0]["message"]
    again = await worker.errors(WITHDRAW, r=LIN_ID)
    assert again[0]["extensions"]["code"] == "CONFLICT"
    assert await _referrals(engine_store) == referrals


async def _referrals(store: GraphStore) -> list[dict[str, Any]]:
    return await store.read(
        dynamic(
            "test.rights.referrals",
            "MATCH (x:Referral) RETURN x.id AS id ORDER BY id",
        )
    )


async def _consent(store: GraphStore) -> list[dict[str, Any]]:
    return await store.read(
        dynamic(
            "test.rights.consent",
            "MATCH (r:Resident {id: $id}) RETURN r.consent AS consent, "
            "r.consentScopes AS scopes, r.consentGivenOn AS givenOn",
        ),
        {"id": LIN},
    )


async def test_consent_needs_what_was_agreed_and_a_day_not_in_the_future(
    gql: GraphQL, engine_store: GraphStore
) -> None:
    referrals, consent = await _referrals(engine_store), await _consent(engine_store)
    for variables, code in (
        ({"scopes": [], "by": "RESIDENT"}, "BAD_USER_INPUT"),
        ({"scopes": ["RECORD"], "by": "RESIDENT", "on": "2037-01-01"}, "BAD_USER_INPUT"),
        ({"scopes": ["SOMETHING"], "by": "RESIDENT"}, "GRAPHQL_VALIDATION_FAILED"),
    ):
        errors = await gql.errors(CONSENT, r=LIN_ID, **variables)
        assert errors[0]["extensions"]["code"] == code, (variables, errors)
    missing = await gql.errors(
        CONSENT, r=gid("Resident", "resident-nobody"), scopes=["RECORD"], by="RESIDENT"
    )
    assert missing[0]["extensions"]["code"] == "NOT_FOUND"
    assert await _consent(engine_store) == consent
    assert await _referrals(engine_store) == referrals


# --- consent to analysis --------------------------------------------------------------------

QIWAN = gid("Community", "community-zs-qiwan")
# What an analyst can learn of whether she is counted: her row, a list and its count under a
# filter, the women of her district (a `where`), the statistics of her community. (A survey of
# its residents' reach is refused to an analyst: docs/PRIVACY.md "Small cells".)
COUNTED = """
query ($r: ID!, $c: ID!, $d: ID!) {
  node(id: $r) { id }
  listed: residents(filter: {community: $c}, first: 100) { totalCount nodes { key } }
  women: residents(filter: {district: $d}, where: {gender: {eq: FEMALE}}) { totalCount }
  statistics(communityId: $c) { residents residentsByTag { key count } }
}
"""


QIWAN_WOMEN = """
query ($c: ID!) {
  residents(filter: {community: $c}, where: {gender: {eq: FEMALE}}) { totalCount }
}
"""


async def _counted(gql: GraphQL) -> dict[str, Any]:
    body = await gql.raw(COUNTED, r=LIN_ID, c=QIWAN, d=EAST)
    data = body["data"]
    assert not [e for e in body.get("errors", ()) if e["path"][0] != "node"], body
    return {
        "row": data["node"] is not None,
        "listed": LIN in {n["key"] for n in data["listed"]["nodes"]},
        "total": data["listed"]["totalCount"],
        "women": data["women"]["totalCount"],
        "residents": data["statistics"]["residents"],
        "tags": {t["key"]: t["count"] for t in data["statistics"]["residentsByTag"]},
    }


async def test_an_elder_who_keeps_out_of_statistics_is_served_and_not_counted(
    signed_in: SignIn, demo_app: Any
) -> None:
    """林婆婆 consents to her record, visits and referrals but not to analysis: the bureau's
    analyst no longer sees her de-identified row or counts her, by any list, count, filter,
    statistic or export; her social worker still serves her. Consenting again brings her back;
    withdrawing takes her out again."""
    worker = await signed_in(*reversed(WORKER))
    analyst = await signed_in(Role.ANALYST, "analyst-zs-bureau")
    before = await _counted(analyst)
    served = await _counted(worker)
    assert before["row"] and before["listed"] and served["row"]
    assert (await analyst(QIWAN_WOMEN, c=QIWAN))["residents"]["totalCount"] == 3
    # What the analyst reads of her registration: the month, not the day.
    when = await analyst.raw(
        "query ($r: ID!) { node(id: $r) { ... on Resident { registeredMonth registeredOn } } }",
        r=LIN_ID,
    )
    assert when["data"]["node"] == {"registeredMonth": "2016-03", "registeredOn": None}
    assert when["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    await worker(
        CONSENT, r=LIN_ID, scopes=["RECORD", "VOLUNTEER_VISITS", "REFERRAL"], by="RESIDENT"
    )
    left_out = await _counted(analyst)
    hers = ("ELDERLY_80_PLUS", "LIVING_ALONE")
    assert {k: v for k, v in left_out.items() if k != "tags"} == {
        "row": False,
        "listed": False,
        "total": before["total"] - 1,
        # She was one of the three women of 起湾 the analyst reads: the two left would be a
        # small cell, so the district's list of women leaves them out too ("Small cells").
        "women": before["women"] - 3,
        "residents": before["residents"] - 1,
    }
    qiwan_women = await analyst.raw(QIWAN_WOMEN, c=QIWAN)
    assert [e["extensions"]["code"] for e in qiwan_women["errors"]] == ["FORBIDDEN"]
    # Her tags count one fewer (a count of 1–2 is withheld: null, docs/PRIVACY.md "Small cells").
    for tag in hers:
        was = before["tags"][tag]
        assert left_out["tags"].get(tag) == (None if was is None or was - 1 < 3 else was - 1)
    others = {k: v for k, v in before["tags"].items() if k not in hers}
    assert {k: v for k, v in left_out["tags"].items() if k not in hers} == others
    refused = await analyst.errors("query ($r: ID!) { node(id: $r) { id } }", r=LIN_ID)
    assert refused[0]["extensions"]["code"] == "FORBIDDEN"
    # The station serves her as before: her social worker reads and counts her.
    assert await _counted(worker) == served
    named = await worker("query ($r: ID!) { node(id: $r) { ... on Resident { name } } }", r=LIN_ID)
    assert named["node"] == {"name": "林婆婆"}
    # An export around her community does not carry her.
    async with client_as(demo_app, demo_app.state.settings, Role.ANALYST, "analyst-zs-bureau") as h:
        exported = await h.get("/export/graph.graphml", params={"root": QIWAN, "depth": 1})
    assert exported.status_code == 200 and LIN not in exported.text

    await worker(CONSENT, r=LIN_ID, scopes=["RECORD", "ANALYSIS"], by="RESIDENT")
    assert await _counted(analyst) == before
    await worker(WITHDRAW, r=LIN_ID)
    assert await _counted(analyst) == left_out


async def test_a_yes_on_an_imported_register_counts_in_analysis_and_a_no_or_a_blank_does_not(
    signed_in: SignIn, engine_store: GraphStore, tmp_path: Path
) -> None:
    """起湾's station imports its paper register: its 同意共享 column says 是, 否 or nothing, and
    names no purposes. A 是 is consent on record and she counts in what the bureau's analyst
    reads; a 否, or a blank (never asked, as for anyone registered before their consent is
    recorded), keeps her out until a consent that includes ANALYSIS is recorded; withdrawing
    takes her out again (docs/PRIVACY.md "Consent to analysis")."""
    register = write_csv(
        tmp_path / "register.csv",
        [
            ["身份证号码", "姓名", "住址", "所在社区", "人员类别", "同意共享"],
            [id_number(seq="311"), "甲婆婆", "起湾社区 1栋", "起湾社区", "独居", "是"],
            [id_number(seq="322"), "乙婆婆", "起湾社区 2栋", "起湾社区", "独居", "否"],
            [id_number(seq="333"), "丙婆婆", "起湾社区 3栋", "起湾社区", "独居", ""],
        ],
    )
    report = await run.run(engine_store, "residents", register, id_hash_key=DEVELOPMENT_ID_HASH_KEY)
    assert report.complete and report.created == 3
    ids = {r["name"]: gid("Resident", r["id"]) for r in await engine_store.read(IMPORTED)}
    analyst = await signed_in(Role.ANALYST, "analyst-zs-bureau")
    worker = await signed_in(*reversed(WORKER))

    async def counted() -> set[str]:
        seen = set()
        for name, rid in ids.items():
            body = await analyst.raw("query ($r: ID!) { node(id: $r) { id } }", r=rid)
            if body["data"]["node"]:
                seen.add(name)
            else:
                assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        return seen

    assert await counted() == {"甲婆婆"}
    version = "query ($r: ID!) { node(id: $r) { ... on Resident { version } } }"
    was = (await worker(version, r=ids["丙婆婆"]))["node"]["version"]
    await worker(CONSENT, r=ids["丙婆婆"], scopes=["RECORD", "ANALYSIS"], by="RESIDENT")
    # Her consent is part of her record: its version moves, as any change of it does.
    assert (await worker(version, r=ids["丙婆婆"]))["node"]["version"] == was + 1
    await worker(CONSENT, r=ids["乙婆婆"], scopes=["RECORD"], by="RESIDENT")
    assert await counted() == {"甲婆婆", "丙婆婆"}
    await worker(WITHDRAW, r=ids["甲婆婆"])
    assert await counted() == {"丙婆婆"}
    # Her social worker serves all three whatever they consented to.
    for rid in ids.values():
        assert (await worker("query ($r: ID!) { node(id: $r) { id } }", r=rid))["node"]


# --- consent history -----------------------------------------------------------------------------

# How the history (and the audit log) names the account that recorded an entry.
BY_WORKER = "social_worker:worker-0001"

HISTORY = """
query ($r: ID!) {
  node(id: $r) {
    ... on Resident { consent consentHistory { action on scopes givenBy recordedBy recordedAt } }
  }
}
"""


async def test_her_consent_history_stays_provable_until_she_is_erased(
    signed_in: SignIn, demo_app: Any, engine_store: GraphStore
) -> None:
    """林婆婆 consents herself to her record, her daughter later consents for her to more, and she
    withdraws it: each is kept, in order, with who recorded it; the current consent is the last.
    The history is read as the consent's days are (those who read her in full), is in her file,
    and goes when she is erased."""
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    earlier = (await worker(HISTORY, r=LIN_ID))["node"]["consentHistory"]  # the demo's
    await worker(CONSENT, r=LIN_ID, scopes=["RECORD"], by="RESIDENT", on="2026-10-01")
    await worker(CONSENT, r=LIN_ID, scopes=["RECORD", "REFERRAL"], by="GUARDIAN", on="2026-11-01")
    await worker(WITHDRAW, r=LIN_ID, on="2026-11-20")

    seen = (await worker(HISTORY, r=LIN_ID))["node"]
    assert seen["consent"] is False
    entries = seen["consentHistory"]
    assert entries[: len(earlier)] == earlier
    assert [
        (e["action"], e["on"], e["scopes"], e["givenBy"], e["recordedBy"])
        for e in entries[len(earlier) :]
    ] == [
        ("GIVEN", "2026-10-01", ["RECORD"], "RESIDENT", BY_WORKER),
        ("GIVEN", "2026-11-01", ["RECORD", "REFERRAL"], "GUARDIAN", BY_WORKER),
        ("WITHDRAWN", "2026-11-20", None, None, BY_WORKER),
    ]
    assert all(e["recordedAt"] for e in entries)

    # An administrator reads it too; an analyst, who reads whether she consents but not the
    # days, gets null and FORBIDDEN, as for `consentGivenOn`.
    admin = await signed_in(Role.ADMIN, "admin-tests")
    assert (await admin(HISTORY, r=LIN_ID))["node"]["consentHistory"] == entries
    analyst = await signed_in(Role.ANALYST, "analyst-zs-bureau")
    await worker(CONSENT, r=LIN_ID, scopes=["ANALYSIS"], by="RESIDENT", on="2026-11-21")
    body = await analyst.raw(HISTORY, r=LIN_ID)
    assert body["data"]["node"] == {"consent": True, "consentHistory": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["path"] == ["node", "consentHistory"]

    # Her file holds the history as entries.
    async with client_as(
        demo_app, demo_app.state.settings, Role.SOCIAL_WORKER, "worker-0001"
    ) as http:
        file = (await http.get("/export/subject.json", params={"resident": LIN_ID})).json()
    held = file["resident"]["consentHistory"][len(earlier) :]
    assert [(e["action"], e["on"]) for e in held] == [
        ("GIVEN", "2026-10-01"),
        ("GIVEN", "2026-11-01"),
        ("WITHDRAWN", "2026-11-20"),
        ("GIVEN", "2026-11-21"),
    ]
    assert held[1]["givenBy"] == "GUARDIAN" and held[1]["recordedBy"] == BY_WORKER

    # Erased, she has no history left; the current consent stays (it says nothing of who she was).
    await worker(ERASE, r=LIN_ID)
    after = (await worker(HISTORY, r=LIN_ID))["node"]
    assert after == {"consent": True, "consentHistory": []}
    stored = await engine_store.read(
        dynamic(
            "test.rights.history",
            "MATCH (r:Resident {id: $id}) RETURN r.consentHistory AS history",
        ),
        {"id": LIN},
    )
    assert stored == [{"history": None}]


async def test_a_retried_consent_is_one_history_entry_and_a_refused_one_none(
    signed_in: SignIn, engine_store: GraphStore
) -> None:
    """A retry with the same key answers the same and adds nothing; a withdrawal refused for want
    of a consent, or a consent in the future, adds nothing either (the graph is unchanged)."""
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    earlier = len((await worker(HISTORY, r=LIN_ID))["node"]["consentHistory"])
    keyed = """
    mutation ($r: ID!) {
      recordConsent(residentId: $r, scopes: [RECORD], givenBy: RESIDENT, idempotencyKey: "c-1") {
        replayed
      }
    }
    """
    assert (await worker(keyed, r=LIN_ID))["recordConsent"]["replayed"] is False
    assert (await worker(keyed, r=LIN_ID))["recordConsent"]["replayed"] is True
    assert len((await worker(HISTORY, r=LIN_ID))["node"]["consentHistory"]) == earlier + 1
    await worker(WITHDRAW, r=LIN_ID)
    before = await checksum(engine_store)
    refused = await worker.errors(WITHDRAW, r=LIN_ID)
    assert refused[0]["extensions"]["code"] == "CONFLICT"
    future = await worker.errors(
        CONSENT, r=LIN_ID, scopes=["RECORD"], by="RESIDENT", on="2037-01-01"
    )
    assert future[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await checksum(engine_store) == before
    assert len((await worker(HISTORY, r=LIN_ID))["node"]["consentHistory"]) == earlier + 2
