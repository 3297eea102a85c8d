"""A station brings in its 志愿服务时长登记表: each row recorded as recordService records it,
under its rules, waiting for the covering social worker; on the demo data, both engines."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from graph.model.services import LOCAL_TIME
from intake import run
from intake.run import Report
from tests.conftest import GraphQL, SignIn, client_as
from tests.intake.sheets import write_csv, write_xlsx
from tests.intake.test_commands import cli

pytestmark = pytest.mark.usefixtures("fresh_demo")

KEY = "test-id-hash-key-0123456789abcdef"
WORKER = "worker-0001"  # covers 起湾, where 林婆婆's visits are
CHEN = "volunteer-zs-regular"  # 陈叔: 1 verified hour so far
CHEN_NO = "44200019900101"
VISIT = "need-zs-qiwan-01-visit"

NUMBERED = dynamic(
    "tests.hours_import.numbered",
    "MATCH (v:Volunteer {id: $id}) SET v.volunteerNo = $no RETURN v.id AS id",
)
ASSIGNED = dynamic(
    "tests.hours_import.assigned",
    "MATCH (n:Need {id: $need}), (v:Volunteer {id: $volunteer}) "
    "MERGE (v)-[:ASSIGNED]->(n) RETURN n.id AS id",
)
# A need in the worker's communities that 陈叔 was never assigned to.
NOT_HIS = dynamic(
    "tests.hours_import.not_his",
    "MATCH (:SocialWorker {id: $worker})-[:COVERS]->(:Community)<-[:IN]-(n:Need) "
    "WHERE NOT (:Volunteer {id: $volunteer})-[:ASSIGNED]->(n) AND n.id <> $need "
    "RETURN n.id AS id ORDER BY n.id LIMIT 1",
)
# A need in a community the worker does not cover, with a volunteer assigned to it who serves
# none of hers.
ELSEWHERE = dynamic(
    "tests.hours_import.elsewhere",
    "MATCH (c:Community)<-[:IN]-(n:Need)<-[:ASSIGNED]-(v:Volunteer) "
    "WHERE NOT (:SocialWorker {id: $worker})-[:COVERS]->(c) "
    "AND NOT (v)-[:SERVES_AREA]->(:Community)<-[:COVERS]-(:SocialWorker {id: $worker}) "
    "RETURN n.id AS need, v.id AS volunteer ORDER BY n.id, v.id LIMIT 1",
)
IMPORTED = dynamic(
    "tests.hours_import.records",
    "MATCH (:Volunteer {id: $volunteer})-[:PERFORMED]->(r:ServiceRecord)"
    "-[:FOR]->(:Need {id: $need}) "
    "WHERE NOT (:SocialWorker)-[:VERIFIED|DECLINED]->(r) "
    "RETURN r.id AS id, r.date AS date, r.minutes AS minutes, r.note AS note ORDER BY r.date",
)
AUDITED = dynamic(
    "tests.hours_import.audited",
    "MATCH (a:AuditEntry) WHERE a.operation = 'importServiceRecords' "
    "RETURN a.outcome AS outcome, a.fields AS fields ORDER BY a.at",
)

# Another social worker, and two organisations.
STRANGERS = dynamic(
    "tests.hours_import.strangers",
    """
    MATCH (c:SocialWorker) WHERE c.id <> $worker
    WITH c ORDER BY c.id LIMIT 1
    MATCH (o:Organization)
    WITH c, o ORDER BY o.id LIMIT 2
    RETURN c.id AS colleague, collect(o.id) AS orgs
    """,
)
UNEMPLOYED = dynamic(
    "tests.hours_import.unemployed",
    "MATCH (:SocialWorker {id: $id})-[e:EMPLOYED_BY]->() DELETE e RETURN count(*) AS n",
)
EMPLOYED = dynamic(
    "tests.hours_import.employed",
    "MATCH (c:SocialWorker {id: $id}), (o:Organization {id: $org}), "
    "(:SocialWorker {id: $worker})-[:COVERS]->(com:Community) "
    "MERGE (c)-[:EMPLOYED_BY]->(o) MERGE (c)-[:COVERS]->(com) RETURN c.id AS id",
)


async def colleague(store: GraphStore, *, same: bool) -> str:
    """Another social worker made to cover the worker's communities; the worker works for one
    organisation, and the other for the same one (``same``) or for another."""
    found = (await store.read(STRANGERS, {"worker": WORKER}))[0]
    ours, theirs = found["orgs"]
    for who, org in ((WORKER, ours), (found["colleague"], ours if same else theirs)):
        await store.write(UNEMPLOYED, {"id": who})
        await store.write(EMPLOYED, {"id": who, "org": org, "worker": WORKER})
    return str(found["colleague"])


QUEUE = "{ serviceRecordsToReview(first: 100) { id key } }"
REVIEW = """
mutation ($d: [ReviewDecisionInput!]!) {
  reviewServiceRecords(decisions: $d) { records { key } }
}
"""
VOLUNTEER = """
query ($v: ID!) { node(id: $v) { ... on Volunteer { verifiedHours timeBankHours } } }
"""
HEADER = ["志愿者编号", "需求编号", "服务日期", "服务小时数", "服务分钟数", "服务内容"]


def days_ago(days: int) -> dt.date:
    return dt.datetime.now(LOCAL_TIME).date() - dt.timedelta(days=days)


def serial(day: dt.date) -> int:
    """The number Excel stores for a date cell typed as a number."""
    return (day - dt.date(1899, 12, 30)).days


async def imported(store: GraphStore, path: Path, **options: object) -> Report:
    return await run.run(
        store, "service-hours", path, id_hash_key=KEY, actor=("admin:tests", "admin"), **options
    )  # type: ignore[arg-type]


async def station(store: GraphStore) -> str:
    """陈叔 has his national number on record and is assigned to 林婆婆's visits; the id of a
    need of the same community he was never assigned to."""
    await store.write(NUMBERED, {"id": CHEN, "no": CHEN_NO})
    await store.write(ASSIGNED, {"need": VISIT, "volunteer": CHEN})
    rows = await store.read(NOT_HIS, {"worker": WORKER, "volunteer": CHEN, "need": VISIT})
    return str(rows[0]["id"])


def timesheet(tmp_path: Path, not_his: str) -> Path:
    """The station's sheet as Excel saves it: a merged title, Chinese headers, the number and a
    date typed as numbers, full-width digits, a row for a need 陈叔 was never assigned to, the
    first row again, a date in the future, and trailing blank rows."""
    return write_xlsx(
        tmp_path / "服务时长.xlsx",
        [
            HEADER,
            [int(CHEN_NO), VISIT, serial(days_ago(3)), 1.5, None, "陪同散步"],
            [
                "４４２０００１９９００１０１",
                VISIT,
                f"{days_ago(2).year}年{days_ago(2).month}月{days_ago(2).day}日",
                None,
                "９０",
                "",
            ],
            [CHEN_NO, not_his, days_ago(1).isoformat(), "2", None, None],
            [int(CHEN_NO), VISIT, serial(days_ago(3)), 1.5, None, "陪同散步"],
            [CHEN_NO, VISIT, days_ago(-3).isoformat(), "1", None, None],
            [None] * 6,
        ],
        title="起湾社区志愿服务时长登记表",
    )


async def test_a_timesheet_goes_in_under_record_services_rules_and_waits_for_review(
    engine_store: GraphStore, gql: GraphQL, signed_in: SignIn, tmp_path: Path
) -> None:
    not_his = await station(engine_store)
    sheet = timesheet(tmp_path, not_his)

    # The dry run reports every row's problem, in both languages, and writes nothing.
    before = await checksum(engine_store)
    dry = await imported(engine_store, sheet, dry_run=True)
    assert await checksum(engine_store) == before
    assert (dry.rows, dry.created, dry.failed_rows) == (5, 0, 3)
    problems = {(p.row, p.column, p.code) for p in dry.problems}
    assert problems == {
        (5, "需求编号", "NOT_ASSIGNED"),  # rows as Excel numbers them: the title is row 1
        (6, "服务日期", "DUPLICATE_ROW"),
        (7, "服务日期", "FUTURE_DATE"),
    }
    refused = next(p for p in dry.problems if p.code == "NOT_ASSIGNED")
    assert "未被派到" in refused.zh and "not assigned" in refused.en

    # The real run: the two good rows become unverified records of the need, the rest reported.
    done = await imported(engine_store, sheet)
    assert (done.created, done.unchanged, done.failed_rows) == (2, 0, 3)
    records = await engine_store.read(IMPORTED, {"volunteer": CHEN, "need": VISIT})
    assert [(str(r["date"])[:10], r["minutes"], r["note"]) for r in records] == [
        (days_ago(3).isoformat(), 90, "陪同散步"),
        (days_ago(2).isoformat(), 90, None),
    ]
    assert (await gql(VOLUNTEER, v=gid("Volunteer", CHEN)))["node"] == {
        "verifiedHours": 1.0,
        "timeBankHours": 1.0,
    }  # hours count only once approved

    # The same file again changes nothing.
    settled = await checksum(engine_store)
    again = await imported(engine_store, sheet)
    assert (again.created, again.unchanged, again.failed_rows) == (0, 2, 3)
    assert await checksum(engine_store) == settled

    # They wait in the covering social worker's queue; her approval credits the time bank.
    worker = await signed_in(Role.SOCIAL_WORKER, WORKER)
    queue = {r["key"]: r["id"] for r in (await worker(QUEUE))["serviceRecordsToReview"]}
    mine = [queue[r["id"]] for r in records]
    await worker(REVIEW, d=[{"recordId": r, "approve": True} for r in mine])
    assert (await gql(VOLUNTEER, v=gid("Volunteer", CHEN)))["node"] == {
        "verifiedHours": 4.0,
        "timeBankHours": 4.0,
    }
    # Approved hours are not imported again either.
    approved = await checksum(engine_store)
    assert (await imported(engine_store, sheet)).created == 0
    assert await checksum(engine_store) == approved

    audited = await engine_store.read(AUDITED)
    assert [a["outcome"] for a in audited] == ["DRY_RUN_PARTIAL", "PARTIAL", "PARTIAL", "PARTIAL"]
    assert "created=2" in audited[1]["fields"] and "unchanged=2" in audited[2]["fields"]


async def test_a_gbk_csv_with_other_headers_and_the_volunteers_id_goes_in_whole_or_not_at_all(
    engine_store: GraphStore, tmp_path: Path
) -> None:
    not_his = await station(engine_store)
    header = ["志愿者", "需求", "日期", "时长", "备注"]
    good = [CHEN, gid("Need", VISIT), days_ago(5).strftime("%Y/%m/%d"), "２", "理发"]
    sheet = write_csv(
        tmp_path / "时长.csv",
        [header, good, [CHEN, not_his, days_ago(5).isoformat(), "1", ""]],
        encoding="gbk",
    )
    before = await checksum(engine_store)
    whole = await imported(engine_store, sheet, all_or_nothing=True)
    assert whole.refused and whole.created == 0
    assert [(p.row, p.column, p.code) for p in whole.problems] == [(3, "需求", "NOT_ASSIGNED")]
    assert await checksum(engine_store) == before

    fixed = write_csv(tmp_path / "改.csv", [header, good, ["", VISIT, "", "0", ""]], "gbk")
    report = await imported(engine_store, fixed)
    assert report.created == 1
    assert {(p.column, p.code) for p in report.problems} == {
        ("志愿者", "REQUIRED"),
        ("日期", "REQUIRED"),
        ("时长", "BAD_DURATION"),
    }
    records = await engine_store.read(IMPORTED, {"volunteer": CHEN, "need": VISIT})
    assert [(r["minutes"], r["note"]) for r in records] == [(120, "理发")]

    # The same volunteer, need and day with other hours is not a second record.
    other = write_csv(tmp_path / "再.csv", [header, [*good[:3], "3", ""]], "gbk")
    changed = await checksum(engine_store)
    refused = await imported(engine_store, other)
    assert [p.code for p in refused.problems] == ["ALREADY_RECORDED"]
    assert await checksum(engine_store) == changed


def _upload(path: Path) -> dict:
    return {"file": (path.name, path.read_bytes(), "application/octet-stream")}


async def test_a_covering_social_worker_uploads_hours_for_her_communities_only(
    demo_app: Starlette, settings: Settings, engine_store: GraphStore, tmp_path: Path
) -> None:
    await station(engine_store)
    elsewhere = (await engine_store.read(ELSEWHERE, {"worker": WORKER}))[0]
    await engine_store.write(NUMBERED, {"id": elsewhere["volunteer"], "no": "44200019900199"})
    day = days_ago(1).isoformat()
    sheet = write_xlsx(
        tmp_path / "h.xlsx",
        [
            HEADER,
            [CHEN_NO, VISIT, day, "1", None, None],
            # assigned, but in a community she does not cover: the same answer as no such need
            [elsewhere["volunteer"], elsewhere["need"], day, "1", None, None],
            [CHEN_NO, "need-forged", day, "1", None, None],
            # the number of a volunteer serving none of her communities: the same answer as a
            # number on record nowhere (an administrator hears "not assigned")
            ["44200019900199", VISIT, day, "1", None, None],
            ["44200099999999", VISIT, day, "1", None, None],
        ],
    )
    async with client_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as http:
        response = await http.post("/import/service-hours", files=_upload(sheet))
    assert response.status_code == 422, response.text
    report = response.json()
    assert report["created"] == 1
    problems = report["problems"]
    assert [(p["row"], p["code"]) for p in problems] == [
        (3, "NEED_NOT_FOUND"),
        (4, "NEED_NOT_FOUND"),
        (5, "VOLUNTEER_NOT_FOUND"),
        (6, "VOLUNTEER_NOT_FOUND"),
    ]
    assert problems[0]["en"] == problems[1]["en"] and problems[2]["en"] == problems[3]["en"]
    admin = await imported(engine_store, sheet, dry_run=True)
    assert [(p.row, p.code) for p in admin.problems if p.row == 5] == [(5, "NOT_ASSIGNED")]

    before = await checksum(engine_store)
    for role, subject in ((Role.VOLUNTEER, CHEN), (Role.PARTNER, "org-0001")):
        async with client_as(demo_app, settings, role, subject) as http:
            response = await http.post("/import/service-hours", files=_upload(sheet))
        assert response.status_code in {401, 403}
        async with client_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as http:
            volunteers = await http.post("/import/volunteers", files=_upload(sheet))
        assert volunteers.status_code == 403
    assert await checksum(engine_store) == before


async def test_the_cli_writes_the_template_and_checks_a_timesheet(
    engine_store: GraphStore, engine_settings: Settings, tmp_path: Path
) -> None:
    template = tmp_path / "t.csv"
    made = await asyncio.to_thread(
        cli, engine_settings, "template", "service-hours", "--format", "csv", "--out", str(template)
    )
    assert made.returncode == 0, made.stderr
    chinese, english = template.read_text("utf-8-sig").splitlines()
    assert chinese.split(",")[:3] == ["志愿者编号*", "需求编号*", "服务日期*"]
    assert english.split(",")[3:5] == ["hours", "minutes"]

    sheet = timesheet(tmp_path, await station(engine_store))
    before = await checksum(engine_store)
    dry = await asyncio.to_thread(
        cli, engine_settings, "import", "service-hours", str(sheet), "--dry-run"
    )
    assert dry.returncode == 1, dry.stderr
    assert "row 5 [需求编号] NOT_ASSIGNED" in dry.stdout
    assert await checksum(engine_store) == before


async def test_hours_and_minutes_that_disagree_are_refused_not_one_taken_over_the_other(
    engine_store: GraphStore, tmp_path: Path
) -> None:
    """A sheet splitting a duration as 1 hour and 30 minutes is not read as 30 minutes: the
    row is refused naming both columns; one giving the same duration twice goes in."""
    await station(engine_store)
    sheet = write_csv(
        tmp_path / "时长.csv",
        [
            HEADER,
            [CHEN_NO, VISIT, days_ago(6).isoformat(), "1", "30", ""],
            [CHEN_NO, VISIT, days_ago(7).isoformat(), "1.5", "90", ""],
        ],
        encoding="utf-8",
    )
    before = await checksum(engine_store)
    dry = await imported(engine_store, sheet, dry_run=True)
    assert [(p.row, p.code) for p in dry.problems] == [(2, "CONFLICTING_COLUMNS")]
    assert "服务小时数" in dry.problems[0].zh and "服务分钟数" in dry.problems[0].zh
    assert await checksum(engine_store) == before


async def test_two_people_upload_the_same_timesheet_at_once_and_each_service_is_recorded_once(
    demo_app: Starlette, settings: Settings, engine_store: GraphStore, tmp_path: Path
) -> None:
    await station(engine_store)
    sheet = write_xlsx(
        tmp_path / "h.xlsx",
        [
            HEADER,
            [CHEN_NO, VISIT, days_ago(3).isoformat(), "1.5", None, "陪同散步"],
            [CHEN_NO, VISIT, days_ago(2).isoformat(), None, "90", None],
        ],
    )
    # 起湾's social worker and an administrator at the station both upload it.
    async with (
        client_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker,
        client_as(demo_app, settings, Role.ADMIN, "admin-tests") as admin,
    ):
        await _each_row_once(worker, admin, (sheet, sheet))
    records = await engine_store.read(IMPORTED, {"volunteer": CHEN, "need": VISIT})
    assert [(str(r["date"])[:10], r["minutes"]) for r in records] == [
        (days_ago(3).isoformat(), 90),
        (days_ago(2).isoformat(), 90),
    ]


def _two_rows(tmp_path: Path, note: str) -> Path:
    return write_xlsx(
        tmp_path / f"{note}.xlsx",
        [
            HEADER,
            [CHEN_NO, VISIT, days_ago(3).isoformat(), "1.5", None, note],
            [CHEN_NO, VISIT, days_ago(2).isoformat(), None, "90", note],
        ],
    )


async def _each_row_once(
    first: httpx.AsyncClient, second: httpx.AsyncClient, sheets: tuple[Path, Path]
) -> list[dict[str, Any]]:
    """Both upload at once; each of the two rows goes in once, by one of them, and the other
    finds it recorded and changes nothing. The two reports."""
    answers = await asyncio.gather(
        first.post("/import/service-hours", files=_upload(sheets[0])),
        second.post("/import/service-hours", files=_upload(sheets[1])),
    )
    reports = [a.json() for a in answers]
    assert [a.status_code for a in answers] == [200, 200], reports
    assert sum(r["created"] for r in reports) == 2, reports
    assert [r["created"] + r["unchanged"] for r in reports] == [2, 2], reports
    return reports


async def test_two_of_one_organisation_upload_the_same_timesheet_at_once_and_it_goes_in_once(
    demo_app: Starlette, settings: Settings, engine_store: GraphStore, tmp_path: Path
) -> None:
    """The station's sheet, uploaded by two social workers of one organisation at once: each
    row is one request of that organisation (its idempotency key), recorded once."""
    await station(engine_store)
    other = await colleague(engine_store, same=True)
    sheet = _two_rows(tmp_path, "陪同散步")
    async with (
        client_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as one,
        client_as(demo_app, settings, Role.SOCIAL_WORKER, other) as two,
    ):
        await _each_row_once(one, two, (sheet, sheet))
    records = await engine_store.read(IMPORTED, {"volunteer": CHEN, "need": VISIT})
    assert len(records) == 2


async def test_another_organisation_uploading_the_same_rows_is_told_nothing_of_the_first(
    demo_app: Starlette, settings: Settings, engine_store: GraphStore, tmp_path: Path
) -> None:
    """Two organisations covering 起湾 upload the same services at once, with their own notes.
    Their keys never meet: neither answer replays the other's request or refuses it as a key
    used for another one; each row is recorded once (recordService's check under the need's
    lock), and whoever comes second hears what it would hear a moment later: recorded,
    unchanged. Uploading again changes nothing."""
    await station(engine_store)
    other = await colleague(engine_store, same=False)
    ours, theirs = _two_rows(tmp_path, "陪同散步"), _two_rows(tmp_path, "散步聊天")
    async with (
        client_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as one,
        client_as(demo_app, settings, Role.SOCIAL_WORKER, other) as another,
    ):
        reports = await _each_row_once(one, another, (ours, theirs))
        again = await another.post("/import/service-hours", files=_upload(theirs))
    assert all(r["problems"] == [] for r in reports), reports
    assert "idempotency" not in str(reports).lower()
    assert again.status_code == 200 and again.json()["unchanged"] == 2, again.json()
    records = await engine_store.read(IMPORTED, {"volunteer": CHEN, "need": VISIT})
    assert [(str(r["date"])[:10], r["minutes"]) for r in records] == [
        (days_ago(3).isoformat(), 90),
        (days_ago(2).isoformat(), 90),
    ]
