"""Service certificates (志愿服务记录证明) on the demo data: the social worker of 起湾 issues one
for 陈叔's approved hours, the PDF carries every field the rules require (checked on the text
pdftotext extracts, and kept as a PNG in ``artifacts/certificates/``), and anyone holding the
paper verifies it at the QR code's address — valid, revoked, or unknown."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import GraphQL, SignIn, client_as

pytestmark = pytest.mark.usefixtures("fresh_demo")

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "certificates"
LIN_VISIT = gid("Need", "need-zs-qiwan-01-visit")
REGULAR = gid("Volunteer", "volunteer-zs-regular")
ID_NUMBER = "44200019900101123X"

ISSUE = """
mutation ($v: ID!, $o: ID!, $id: String!, $key: String) {
  issueServiceCertificate(volunteerId: $v, organizationId: $o, idType: RESIDENT_ID,
      idNumber: $id, personInCharge: "黄主任", contact: "0760-88886666", idempotencyKey: $key) {
    replayed
    certificate { number status maskedName idType idNumberMasked volunteerNo hours periodFrom
      periodUntil content organizationName personInCharge handler contact issuedOn pdfPath
      verifyPath }
  }
}
"""
REVOKE = """
mutation ($n: String!) {
  revokeServiceCertificate(number: $n, reason: "时长登记有误") {
    certificate { status revokeReason }
  }
}
"""
FACTS = dynamic(
    "tests.certificates.facts",
    """
    MATCH (w:SocialWorker {id: 'worker-0001'})-[:EMPLOYED_BY]->(o:Organization)
    MATCH (v:Volunteer {id: 'volunteer-zs-regular'})
    RETURN o.id AS organization, o.name AS organizationName, w.name AS worker,
           v.name AS name, v.volunteerNo AS volunteerNo
    """,
)

# 陈叔's number in the national volunteer system (the demo leaves it out).
REGISTERED = dynamic(
    "tests.certificates.registered",
    "MATCH (v:Volunteer {id: 'volunteer-zs-regular'}) SET v.volunteerNo = '44200012345678'",
)


async def approved_and_pending_hours(gql: GraphQL, worker: GraphQL) -> None:
    """陈叔 serves 林婆婆: 3.5 h approved, 2 h declined, 4 h still waiting."""
    await gql(
        "mutation ($n: ID!, $v: ID!) { assignVolunteers(needId: $n, volunteers: "
        "[{volunteerId: $v}]) { need { status } } }",
        n=LIN_VISIT,
        v=REGULAR,
    )
    ids = []
    for days_ago, hours in ((3, "3.5"), (2, "2"), (1, "4")):
        day = (dt.date.today() - dt.timedelta(days=days_ago)).isoformat()
        done = await gql(
            "mutation ($i: RecordServiceInput!) { recordService(input: $i) "
            "{ serviceRecord { id } } }",
            i={"volunteerId": REGULAR, "needId": LIN_VISIT, "date": day, "hours": hours},
        )
        ids.append(done["recordService"]["serviceRecord"]["id"])
    await worker(
        "mutation ($d: [ReviewDecisionInput!]!) { reviewServiceRecords(decisions: $d) "
        "{ replayed } }",
        d=[
            {"recordId": ids[0], "approve": True},
            {"recordId": ids[1], "approve": False, "reason": "未到岗"},
        ],
    )


def pdf_text_and_png(pdf: bytes, name: str) -> tuple[str, str]:
    """The PDF's text (pdftotext) and its fonts (pdffonts); its first page kept as a PNG."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-singlefile", str(path), str(ARTIFACTS / name)],
        check=True,
    )
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    fonts = subprocess.run(
        ["pdffonts", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return text, fonts


async def test_a_certificate_for_approved_hours_is_issued_downloaded_verified_and_revoked(
    gql: GraphQL,
    signed_in: SignIn,
    demo_app: Starlette,
    settings: Settings,
    engine_store: GraphStore,
    engine: str,
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    await approved_and_pending_hours(gql, worker)
    await engine_store.write(REGISTERED, {})
    facts = (await engine_store.read(FACTS, {}))[0]
    org = gid("Organization", facts["organization"])
    before_hours = (
        await gql(
            "query ($v: ID!) { node(id: $v) { ... on Volunteer { verifiedHours } } }", v=REGULAR
        )
    )["node"]["verifiedHours"]

    issued = (await worker(ISSUE, v=REGULAR, o=org, id=ID_NUMBER, key="cert-1"))[
        "issueServiceCertificate"
    ]
    cert = issued["certificate"]
    number = cert["number"]
    # Only approved hours: the 3.5 h just approved plus what the demo had approved before
    # (by this organization's social workers); the declined 2 h and the waiting 4 h never.
    assert cert["hours"] <= before_hours and cert["hours"] >= 3.5
    assert cert["status"] == "VALID" and cert["idType"] == "居民身份证"
    assert cert["idNumberMasked"] == "4420**********123X"
    assert cert["personInCharge"] == "黄主任" and cert["handler"] == facts["worker"]
    assert cert["organizationName"] == facts["organizationName"]
    assert (
        cert["issuedOn"] == dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date().isoformat()
    )
    assert cert["verifyPath"] == f"/certificates/{number}"
    # A retry issues nothing new.
    again = (await worker(ISSUE, v=REGULAR, o=org, id=ID_NUMBER, key="cert-1"))[
        "issueServiceCertificate"
    ]
    assert again["replayed"] is True and again["certificate"]["number"] == number
    # The full ID number is nowhere in the graph.
    found = await engine_store.read(
        dynamic(
            "tests.certificates.full_id",
            "MATCH (c:ServiceCertificate) WHERE any(k IN keys(c) WHERE c[k] = $id) "
            "RETURN count(c) AS n",
        ),
        {"id": ID_NUMBER},
    )
    assert found[0]["n"] == 0

    # The PDF: the volunteer downloads their own; it carries every required field.
    async with client_as(demo_app, settings, Role.VOLUNTEER, "volunteer-zs-regular") as http:
        response = await http.get(cert["pdfPath"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    text, fonts = pdf_text_and_png(response.content, f"certificate-{engine}")
    flat = "".join(text.split())
    for value in (
        "志愿服务记录证明",
        number,
        facts["name"],
        "居民身份证",
        "4420**********123X",
        facts["volunteerNo"],
        cert["periodFrom"],
        cert["periodUntil"],
        cert["content"],
        f"{cert['hours']:g}小时",
        facts["organizationName"],
        "黄主任",
        facts["worker"],
        "0760-88886666",
        cert["issuedOn"],
        f"/certificates/{number}",
    ):
        assert "".join(str(value).split()) in flat, value
    assert ID_NUMBER not in flat
    assert "NotoSansCJK" in fonts and " yes " in fonts  # the Chinese font is embedded

    # Who may download it: not another volunteer, not anonymous callers.
    async with client_as(demo_app, settings, Role.VOLUNTEER, "volunteer-zs-near") as http:
        assert (await http.get(cert["pdfPath"])).status_code == 404
    async with client_as(demo_app, settings, Role.ADMIN, "admin-tests") as http:
        assert (await http.get(cert["pdfPath"])).status_code == 200
        anonymous = {"Authorization": ""}
        assert (await http.get(cert["pdfPath"], headers=anonymous)).status_code == 401

        # The public verification: number, masked name and hours, nothing else.
        valid = await http.get(f"/certificates/{number}", headers=anonymous)
        assert valid.status_code == 200
        masked = facts["name"][0] + "*" * (len(facts["name"]) - 2) + facts["name"][-1]
        if len(facts["name"]) == 2:
            masked = facts["name"][0] + "*"
        assert valid.json() == {
            "number": number,
            "status": "VALID",
            "name": masked,
            "hours": cert["hours"],
        }
        page = await http.get(
            f"/certificates/{number}", headers={**anonymous, "accept": "text/html"}
        )
        assert "有效" in page.text and masked in page.text and facts["name"] not in page.text
        forged = number[:-1] + ("0" if number[-1] != "0" else "1")
        unknown = await http.get(f"/certificates/{forged}", headers=anonymous)
        assert unknown.status_code == 404
        assert unknown.json() == {"number": forged, "status": "UNKNOWN"}
        junk = await http.get("/certificates/not-a-number", headers=anonymous)
        assert junk.status_code == 404 and junk.json()["status"] == "UNKNOWN"

        # Revoked by its issuer: it verifies as revoked, and is kept.
        revoked = await worker(REVOKE, n=number)
        assert revoked["revokeServiceCertificate"]["certificate"] == {
            "status": "REVOKED",
            "revokeReason": "时长登记有误",
        }
        after = await http.get(f"/certificates/{number}", headers=anonymous)
        assert after.status_code == 200
        assert after.json() == {"number": number, "status": "REVOKED"}
    errors = await worker.errors(REVOKE, n=number)
    assert errors[0]["extensions"]["code"] == "CONFLICT"

    # Issuing and revoking are in the audit log.
    log = await gql(
        '{ auditLog(filter: {actor: "social_worker:worker-0001"}, first: 50) '
        "{ nodes { operation outcome } } }"
    )
    operations = {(e["operation"], e["outcome"]) for e in log["auditLog"]["nodes"]}
    assert ("issueServiceCertificate", "OK") in operations
    assert ("revokeServiceCertificate", "OK") in operations


async def test_certificates_are_refused_clearly_and_nothing_is_written(
    gql: GraphQL, signed_in: SignIn, engine_store: GraphStore
) -> None:
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    facts = (await engine_store.read(FACTS, {}))[0]
    org = gid("Organization", facts["organization"])
    before = await checksum(engine_store)
    bad = await worker.errors(ISSUE, v=REGULAR, o=org, id="44-20!")
    assert bad[0]["extensions"]["code"] == "BAD_USER_INPUT"
    volunteer = await signed_in(Role.VOLUNTEER, "volunteer-zs-regular")
    denied = await volunteer.errors(ISSUE, v=REGULAR, o=org, id=ID_NUMBER)
    assert denied[0]["extensions"]["code"] == "FORBIDDEN"
    other = await engine_store.read(
        dynamic(
            "tests.certificates.other_org",
            "MATCH (o:Organization) WHERE NOT (:SocialWorker {id: 'worker-0001'})"
            "-[:EMPLOYED_BY]->(o) RETURN o.id AS id ORDER BY o.id LIMIT 1",
        ),
        {},
    )
    not_mine = await worker.errors(
        ISSUE, v=REGULAR, o=gid("Organization", other[0]["id"]), id=ID_NUMBER
    )
    assert not_mine[0]["extensions"]["code"] == "CONFLICT"
    assert "employs" in not_mine[0]["message"]
    empty = await gql.errors(
        "mutation ($v: ID!, $o: ID!, $w: ID!) { issueServiceCertificate(volunteerId: $v, "
        'organizationId: $o, idType: PASSPORT, idNumber: "E12345678", personInCharge: "黄主任", '
        'contact: "0760-88886666", periodFrom: "2000-01-01", periodUntil: "2000-12-31", '
        "socialWorkerId: $w) { replayed } }",
        v=REGULAR,
        o=org,
        w=gid("SocialWorker", "worker-0001"),
    )
    assert empty[0]["extensions"]["code"] == "CONFLICT" and "approved" in empty[0]["message"]
    forged = await worker.errors(REVOKE, n="ZYFW-20260101-0000000000")
    assert forged[0]["extensions"]["code"] == "NOT_FOUND"
    assert await checksum(engine_store) == before
