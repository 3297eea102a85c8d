"""A station brings its rosters in: real files, the real graph, on both engines."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from intake import run
from intake.run import Report
from tests.conftest import GraphQL
from tests.intake.sheets import id_number, places, write_csv, write_xlsx

KEY = "test-id-hash-key-0123456789abcdef"

VOLUNTEER_HEADER = ["志愿者编号", "姓名", "手机号码", "所在社区", "技能", "服务时段", "注册日期"]
RESIDENT_HEADER = ["身份证号码", "姓名", "联系电话", "住址", "所在社区", "人员类别", "同意共享"]

PEOPLE = dynamic(
    "test.intake.people",
    "MATCH (n) WHERE n:Volunteer OR n:Resident "
    "OPTIONAL MATCH (n)-[:SERVES_AREA|LIVES_IN]->(c:Community) "
    "OPTIONAL MATCH (n)-[:HAS_SKILL]->(s:Skill) "
    "RETURN properties(n) AS n, collect(DISTINCT c.id) AS places, collect(DISTINCT s.id) AS skills "
    "ORDER BY n.name",
)


def residents(tmp_path: Path, *rows: list, name: str = "residents.csv", **options: str) -> Path:
    """A CSV list of residents under the usual headers (:data:`RESIDENT_HEADER`)."""
    return write_csv(tmp_path / name, [RESIDENT_HEADER, *rows], **options)


def volunteers(tmp_path: Path, *rows: list) -> Path:
    """A CSV roster of volunteers under the usual headers (:data:`VOLUNTEER_HEADER`)."""
    return write_csv(tmp_path / "v.csv", [VOLUNTEER_HEADER, *rows])


async def people(store: GraphStore) -> list[dict]:
    return await store.read(PEOPLE)


async def imported(store: GraphStore, family: str, path: Path, **options: bool) -> Report:
    return await run.run(store, family, path, id_hash_key=KEY, **options)


def roster(tmp_path: Path) -> Path:
    """A volunteer roster as Chinese Excel saves it: a merged title banner, Chinese headers,
    phones and numbers stored as numbers, a date serial, full-width digits, trailing blanks."""
    return write_xlsx(
        tmp_path / "花名册.xlsx",
        [
            VOLUNTEER_HEADER,
            [44200019900101, "陈志强", 1.3800138e10, "东风社区", "陪诊、助老", "周二上午", 45356],
            [
                "４４２０００１９９００１０２",
                "李\u3000梅",
                "+86 139 0013 9000",
                "comm-xinhua",
                "",
                "",
                "2024年3月5日",
            ],
            ["", None, None, None, None, None, None],
            [None] * 7,
        ],
        title="东风社区志愿者花名册（2024年）",
    )


async def test_a_volunteer_roster_goes_in_with_its_values_made_canonical(
    store: GraphStore, tmp_path: Path
) -> None:
    await places(store)
    report = await imported(store, "volunteers", roster(tmp_path))
    assert report.complete, report.problems
    assert (report.rows, report.created, report.updated) == (2, 2, 0)
    li, chen = await people(store)  # in name order: 李 (U+674E) before 陈 (U+9648)
    assert chen["n"]["volunteerNo"] == "44200019900101"
    assert chen["n"]["phone"] == "13800138000"
    assert chen["n"]["joinedOn"] == "2024-03-05"
    assert chen["n"]["availability"] == ["TUE_AM"]
    assert chen["n"]["status"] == "ACTIVE"  # the record's defaults, on creation
    assert chen["places"] == ["comm-dongfeng"]
    assert sorted(chen["skills"]) == ["skill-elder", "skill-escort"]
    assert li["n"]["name"] == "李 梅"
    assert li["n"]["volunteerNo"] == "442000199001" + "02"
    assert li["n"]["phone"] == "13900139000"
    assert li["places"] == ["comm-xinhua"]
    assert "location" in chen["n"]  # at the community's centre until someone records better


async def test_the_same_file_twice_changes_nothing(store: GraphStore, tmp_path: Path) -> None:
    await places(store)
    file = roster(tmp_path)
    await imported(store, "volunteers", file)
    before = await checksum(store)
    again = await imported(store, "volunteers", file)
    assert (again.created, again.updated) == (0, 2)
    assert await checksum(store) == before


UPDATE_VOLUNTEER = """
mutation ($id: ID!, $version: Int!, $input: UpdateVolunteerInput!) {
  updateVolunteer(id: $id, version: $version, input: $input) { volunteer { name version } }
}
"""


async def test_an_import_that_changes_a_record_bumps_its_version_and_an_older_update_is_refused(
    client: httpx.AsyncClient, engine_store: GraphStore, tmp_path: Path
) -> None:
    """A coordinator reads 陈志强's record; the office imports a roster with his new phone; the
    coordinator's change, made from what they read, is refused instead of silently undoing the
    import's. A file that changes nothing leaves the version as it is."""
    await places(engine_store)
    header = ["志愿者编号", "姓名", "手机号码", "所在社区", "技能"]
    chen = ["44200019900101", "陈志强", "13800138000", "东风社区", "陪诊"]
    await imported(engine_store, "volunteers", write_csv(tmp_path / "1.csv", [header, chen]))
    gql = GraphQL(client)
    read = (await gql("{ volunteers(first: 1) { nodes { id version phone } } }"))["volunteers"]
    (volunteer,) = read["nodes"]

    new_phone = write_csv(tmp_path / "2.csv", [header, [*chen[:2], "13900139000", *chen[3:]]])
    report = await imported(engine_store, "volunteers", new_phone)
    assert (report.created, report.updated) == (0, 1)
    before = await checksum(engine_store)
    errors = await gql.errors(
        UPDATE_VOLUNTEER, id=volunteer["id"], version=volunteer["version"], input={"name": "陈强"}
    )
    assert errors[0]["extensions"]["code"] == "CONFLICT" and "version" in errors[0]["message"]
    assert await checksum(engine_store) == before

    # The same file again changes nothing, its version neither.
    await imported(engine_store, "volunteers", new_phone)
    assert await checksum(engine_store) == before
    # A skill an import adds is a change too (an update replacing the skills would drop it).
    more = write_csv(tmp_path / "3.csv", [header, [*chen[:2], "13900139000", "东风社区", "助老"]])
    await imported(engine_store, "volunteers", more)
    now = await gql(
        "query ($id: ID!) { node(id: $id) { ... on Volunteer { version phone } } }",
        id=volunteer["id"],
    )
    assert now["node"] == {"version": volunteer["version"] + 2, "phone": "13900139000"}
    done = await gql(
        UPDATE_VOLUNTEER, id=volunteer["id"], version=now["node"]["version"], input={"name": "陈强"}
    )
    assert done["updateVolunteer"]["volunteer"]["version"] == volunteer["version"] + 3


async def test_a_dry_run_reports_every_problem_and_writes_nothing(
    store: GraphStore, tmp_path: Path
) -> None:
    await places(store)
    file = residents(
        tmp_path,
        [id_number(seq="123"), "王秀英", "020-87654321", "东风路1号", "东风社区", "独居", "是"],
        [id_number(seq="123")[:-1] + "0", "赵大爷", "12345", "", "东风社区", "", "否"],
        ["", "孙阿姨", "", "", "新华社区", "", ""],
        [id_number(seq="125"), "周伯", "", "", "西湖社区", "火星人", ""],
    )
    before = await checksum(store)
    report = await imported(store, "residents", file, dry_run=True)
    assert await checksum(store) == before
    assert report.rows == 4 and report.failed_rows == 3 and not report.complete
    found = {(p.row, p.column, p.code) for p in report.problems}
    assert found == {
        (3, "身份证号码", "BAD_ID_CHECKSUM"),
        (3, "联系电话", "BAD_PHONE"),
        (4, "身份证号码", "REQUIRED"),
        (5, "人员类别", "UNKNOWN_VALUE"),
    }
    assert all(p.zh and p.en for p in report.problems)
    # Row 4 also names an ambiguous community and row 5 an unknown one: those are looked up
    # only for rows whose cells are right, so fixing the cells shows them next time.


async def test_rows_naming_unknown_or_ambiguous_places_are_problems_never_new_places(
    store: GraphStore, tmp_path: Path
) -> None:
    await places(store)
    file = residents(
        tmp_path,
        [id_number(seq="131"), "王秀英", "", "", "东风社区", "", ""],
        [id_number(seq="133"), "孙阿姨", "", "", "新华社区", "", ""],
        [id_number(seq="135"), "周伯", "", "", "西湖社区", "", ""],
    )
    report = await imported(store, "residents", file)
    assert [(p.row, p.code) for p in report.problems] == [
        (3, "AMBIGUOUS_REFERENCE"),
        (4, "UNKNOWN_REFERENCE"),
    ]
    assert report.created == 1 and not report.complete
    (wang,) = await people(store)
    assert wang["n"]["name"] == "王秀英"


async def test_a_resident_is_kept_by_a_keyed_hash_of_their_id_number_never_the_number(
    store: GraphStore, tmp_path: Path
) -> None:
    await places(store)
    number = id_number(birth="19380712", seq="131")
    file = residents(
        tmp_path,
        [number, "王秀英", "", "东风路1号", "东风社区", "独居、低保对象", "是"],
        encoding="gb18030",  # what Excel on a Chinese Windows saves as "CSV"
    )
    assert (await imported(store, "residents", file)).complete
    (wang,) = await people(store)
    stored = wang["n"]
    assert number not in repr(stored) and number[:17] not in repr(stored)
    assert stored["idLast4"] == number[-4:]
    assert len(stored["idHash"]) == 64
    assert stored["birthYear"] == 1938 and stored["gender"] == "MALE"
    assert stored["tags"] == ["LIVING_ALONE", "LOW_INCOME"] and stored["consent"] is True
    # Moving to another community (named by id this time) moves them; nothing else changes.
    moved = residents(
        tmp_path, [number, "王秀英", "", "东风路1号", "comm-xinhua", "", ""], name="moved.csv"
    )
    report = await imported(store, "residents", moved)
    assert (report.created, report.updated) == (0, 1)
    (wang,) = await people(store)
    assert wang["places"] == ["comm-xinhua"]
    assert wang["n"]["tags"] == ["LIVING_ALONE", "LOW_INCOME"]  # an empty cell keeps the value
    # The move alone is a change: the version goes up once; the same file again leaves it.
    assert wang["n"]["version"] == stored["version"] + 1
    await imported(store, "residents", moved)
    (wang,) = await people(store)
    assert wang["n"]["version"] == stored["version"] + 1


async def test_duplicated_rows_go_in_once_and_the_repeats_are_reported(
    store: GraphStore, tmp_path: Path
) -> None:
    await places(store)
    row = ["44200019900101", "陈志强", "13800138000", "东风社区", "", "", ""]
    file = volunteers(
        tmp_path, row, row, ["44200019900102", "李梅", "", "东风社区", "", "", ""], row
    )
    report = await imported(store, "volunteers", file)
    assert report.created == 2
    assert [(p.row, p.code) for p in report.problems] == [
        (3, "DUPLICATE_ROW"),
        (5, "DUPLICATE_ROW"),
    ]
    assert "第2行" in report.problems[0].zh and "row 2" in report.problems[0].en


async def test_all_or_nothing_refuses_the_whole_file_for_one_bad_row(
    store: GraphStore, tmp_path: Path
) -> None:
    await places(store)
    file = volunteers(
        tmp_path,
        ["44200019900101", "陈志强", "13800138000", "东风社区", "", "", ""],
        ["44200019900102", "李梅", "不详", "东风社区", "", "", ""],
    )
    before = await checksum(store)
    report = await imported(store, "volunteers", file, all_or_nothing=True)
    assert report.refused and report.created == 0
    assert await checksum(store) == before
    partial = await imported(store, "volunteers", file)  # the default: the good rows go in
    assert partial.created == 1 and partial.failed_rows == 1


@pytest.mark.parametrize(
    ("rows", "code"),
    [
        ([["姓名", "手机号码"], ["陈志强", "13800138000"]], "MISSING_COLUMNS"),
        ([["随便"], ["什么"]], "NO_HEADER"),
    ],
)
async def test_a_file_without_its_required_columns_is_refused_whole(
    store: GraphStore, tmp_path: Path, rows: list, code: str
) -> None:
    report = await imported(store, "volunteers", write_csv(tmp_path / "v.csv", rows))
    assert report.refused and [p.code for p in report.problems] == [code]
    assert report.problems[0].row is None


async def test_an_organization_register_goes_in_by_credit_code(
    store: GraphStore, tmp_path: Path
) -> None:
    await places(store)
    header = [
        "统一社会信用代码",
        "机构名称",
        "机构类型",
        "服务社区",
        "登记状态",
        "评估等级",
        "成立日期",
    ]
    file = write_xlsx(
        tmp_path / "社会组织名录.xlsx",
        [
            header,
            [
                "91350100M000100Y43",
                "东风社工服务中心",
                "社工机构",
                "东风社区",
                "登记",
                "AAAA",
                42156,
            ],
            ["91350100M000100Y44", "错码协会", "社会组织", "东风社区", "", "", ""],
        ],
    )
    report = await imported(store, "organizations", file)
    assert [(p.row, p.code) for p in report.problems] == [(3, "BAD_CREDIT_CODE_CHECKSUM")]
    assert report.created == 1
    (org,) = await store.read(
        dynamic(
            "test.intake.orgs",
            "MATCH (o:Organization)-[:SERVES_AREA]->(c) RETURN properties(o) AS o, c.id AS c",
        )
    )
    assert org["c"] == "comm-dongfeng"
    assert org["o"]["kind"] == "SOCIAL_WORK_AGENCY" and org["o"]["rating"] == 4
    assert org["o"]["registration"] == "REGISTERED" and org["o"]["foundedOn"] == "2015-06-01"
    before = await checksum(store)
    await imported(store, "organizations", file)
    assert await checksum(store) == before


async def test_social_workers_go_in_by_certificate_with_their_employer_looked_up(
    store: GraphStore, tmp_path: Path
) -> None:
    await places(store)
    orgs = write_csv(
        tmp_path / "orgs.csv",
        [["统一社会信用代码", "机构名称", "机构类型", "服务社区"],
         ["91350100M000100Y43", "东风社工服务中心", "社工机构", "东风社区"]],
    )  # fmt: skip
    assert (await imported(store, "organizations", orgs)).complete
    workers = write_csv(
        tmp_path / "社工.csv",
        [
            ["证书编号", "姓名", "手机号码", "职业资格", "职务", "服务社区", "所在机构"],
            [
                "S2019440100001",
                "黄社工",
                "13800138000",
                "社会工作师",
                "站长",
                "东风社区",
                "东风社工服务中心",
            ],
            ["S2019440100002", "林社工", "", "助理社会工作师", "", "东风社区", "西风公司"],
        ],
    )
    report = await imported(store, "social-workers", workers)
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (3, "所在机构", "UNKNOWN_REFERENCE")
    ]
    (worker,) = await store.read(
        dynamic(
            "test.intake.workers",
            "MATCH (w:SocialWorker)-[:COVERS]->(c:Community) "
            "MATCH (w)-[:EMPLOYED_BY]->(o:Organization) "
            "RETURN properties(w) AS w, c.id AS c, o.name AS o",
        )
    )
    assert worker["w"]["qualification"] == "INTERMEDIATE" and worker["w"]["title"] == "站长"
    assert worker["c"] == "comm-dongfeng" and worker["o"] == "东风社工服务中心"
    assert "location" not in worker["w"]  # social workers are not placed on the map


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 60, "OLD_EXCEL_FORMAT"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "BAD_WORKBOOK"),
        ("binary.csv", bytes(range(128, 256)) * 4, "BAD_ENCODING"),
    ],
)
async def test_a_file_that_is_no_spreadsheet_is_refused_with_a_clear_code(
    store: GraphStore, tmp_path: Path, name: str, data: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    report = await imported(store, "volunteers", path)
    assert report.refused and [p.code for p in report.problems] == [code]
