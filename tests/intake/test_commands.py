"""The spreadsheet commands and the upload route, as a station and an administrator use them."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import openpyxl
import pytest

from access.tokens import Role
from config import Settings
from graph.access.audit import AUDIT_ENTRIES
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from intake import templates
from intake.families import FAMILIES
from tests.conftest import bearer, graph_env
from tests.intake.sheets import id_number, places, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
KEY = "test-id-hash-key-0123456789abcdef"
HEADER = ["志愿者编号", "姓名", "手机号码", "所在社区"]
GOOD = ["44200019900101", "陈志强", "13800138000", "东风社区"]
BAD = ["44200019900102", "李梅", "不详", "东风社区"]

AUDITED = dynamic(
    "test.intake.audited",
    "MATCH (a:AuditEntry) WHERE a.operation STARTS WITH 'import' "
    "RETURN a.actor AS actor, a.operation AS operation, a.fields AS fields, a.outcome AS outcome "
    "ORDER BY a.at",
)
_ = AUDIT_ENTRIES


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        **graph_env(settings),
        "LOAD_DEMO_DATA": "false",
        "LOG_LEVEL": "warning",
        "ID_HASH_KEY": KEY,
    }
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_templates_carry_chinese_then_english_headers_and_import_back_empty(
    family: str, tmp_path: Path, settings: Settings
) -> None:

    xlsx, csv_file = tmp_path / "t.xlsx", tmp_path / "t.csv"
    templates.write(FAMILIES[family], xlsx, "xlsx")
    templates.write(FAMILIES[family], csv_file, "csv")
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    chinese = [c.value for c in sheet[1]]
    english = [c.value for c in sheet[2]]
    assert chinese == [c.zh + ("*" if c.required else "") for c in FAMILIES[family].columns]
    assert english == [c.en for c in FAMILIES[family].columns]
    assert csv_file.read_bytes().startswith(b"\xef\xbb\xbf")  # a BOM, so Excel reads Chinese


async def test_the_cli_imports_with_exit_status_0_only_when_every_row_went_in(
    store: GraphStore, engine_settings: Settings, tmp_path: Path
) -> None:
    await places(store)
    good = write_csv(tmp_path / "good.csv", [HEADER, GOOD])
    mixed = write_csv(tmp_path / "mixed.csv", [HEADER, GOOD, BAD], encoding="gbk")

    dry = await asyncio.to_thread(
        cli, engine_settings, "import", "volunteers", str(mixed), "--dry-run"
    )
    assert dry.returncode == 1, dry.stderr
    assert "row 3 [手机号码] BAD_PHONE" in dry.stdout

    refused = await asyncio.to_thread(
        cli, engine_settings, "import", "volunteers", str(mixed), "--all-or-nothing", "--json"
    )
    assert refused.returncode == 1
    assert json.loads(refused.stdout)["refused"] is True

    done = await asyncio.to_thread(cli, engine_settings, "import", "volunteers", str(good))
    assert done.returncode == 0, done.stdout + done.stderr
    before = await checksum(store)  # audit entries are not in the checksum
    again = await asyncio.to_thread(cli, engine_settings, "import-sheet", "volunteers", str(good))
    assert again.returncode == 0 and "created 0, updated 1" in again.stdout
    assert await checksum(store) == before

    partial = await asyncio.to_thread(cli, engine_settings, "import", "volunteers", str(mixed))
    assert partial.returncode == 1  # the good row is in, the bad one reported
    audited = await store.read(AUDITED)
    assert [a["outcome"] for a in audited] == [
        "DRY_RUN_PARTIAL", "REFUSED", "OK", "OK", "PARTIAL"
    ]  # fmt: skip
    assert audited[0]["operation"] == "importVolunteers"
    assert audited[0]["actor"].startswith("cli:")
    assert "failedRows=1" in audited[-1]["fields"]


def test_cli_usage_errors_exit_2(tmp_path: Path, settings: Settings) -> None:
    missing = cli(settings, "import", "volunteers", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2
    unknown = cli(settings, "import-sheet", "dragons", str(tmp_path / "x.csv"))
    assert unknown.returncode == 2


def _upload(name: str, data: bytes) -> dict:
    return {"file": (name, data, "application/octet-stream")}


async def test_an_admin_uploads_a_roster_and_gets_the_report(
    client: httpx.AsyncClient, engine_store: GraphStore, tmp_path: Path
) -> None:
    await places(engine_store)
    number = id_number(seq="131")
    book = write_xlsx(
        tmp_path / "居民.xlsx",
        [
            ["身份证号码", "姓名", "所在社区"],
            [number, "王秀英", "东风社区"],
            [id_number(seq="133")[:-1] + "0", "孙阿姨", "东风社区"],
        ],
        title="东风社区独居老人名单",
    )
    before = await checksum(engine_store)
    dry = await client.post(
        "/import/residents?dryRun=true", files=_upload("居民.xlsx", book.read_bytes())
    )
    assert dry.status_code == 422, dry.text
    report = dry.json()
    assert report["dryRun"] and report["rows"] == 2 and report["failedRows"] == 1
    assert report["problems"][0]["row"] == 4 and report["problems"][0]["code"] == "BAD_ID_CHECKSUM"
    assert number not in dry.text
    assert await checksum(engine_store) == before

    done = await client.post("/import/residents", files=_upload("居民.xlsx", book.read_bytes()))
    assert done.status_code == 422 and done.json()["created"] == 1
    good = write_csv(tmp_path / "ok.csv", [HEADER, GOOD])
    ok = await client.post("/import/volunteers", files=_upload("ok.csv", good.read_bytes()))
    assert ok.status_code == 200 and ok.json()["complete"] is True
    audited = await engine_store.read(AUDITED)
    assert [a["outcome"] for a in audited] == ["DRY_RUN_PARTIAL", "PARTIAL", "OK"]
    assert audited[0]["actor"] == "admin:admin-tests"


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.ANALYST, Role.VOLUNTEER, Role.PARTNER])
async def test_only_administrators_may_upload(
    client: httpx.AsyncClient, engine_settings: Settings, engine_store: GraphStore,
    tmp_path: Path, role: Role,
) -> None:  # fmt: skip
    await places(engine_store)
    file = write_csv(tmp_path / "ok.csv", [HEADER, GOOD])
    before = await checksum(engine_store)
    subject = None if role is Role.ANALYST else "worker-0001"
    response = await client.post(
        "/import/volunteers",
        files=_upload("ok.csv", file.read_bytes()),
        headers=bearer(engine_settings, role, subject),
    )
    assert response.status_code in {401, 403}
    assert await checksum(engine_store) == before
    anonymous = await client.post(
        "/import/volunteers",
        files=_upload("ok.csv", file.read_bytes()),
        headers={"Authorization": ""},
    )
    assert anonymous.status_code == 403


async def test_a_file_over_the_size_limit_is_refused_with_413(
    client: httpx.AsyncClient, engine_settings: Settings, engine_store: GraphStore
) -> None:
    limit = engine_settings.import_max_bytes
    big = b"44200019900101,x,13800138000,c\r\n" * (limit // 30 + 1)
    response = await client.post("/import/volunteers", files=_upload("big.csv", big))
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    # Sent in chunks with no Content-Length, it is stopped while it streams.
    request = client.build_request("POST", "/import/volunteers", files=_upload("big.csv", big))
    body = request.read()

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 64 * 1024):
            yield body[start : start + 64 * 1024]

    streamed = await client.post(
        "/import/volunteers",
        content=chunks(),
        headers={"content-type": request.headers["content-type"]},
    )
    assert streamed.status_code == 413
    assert await engine_store.read(AUDITED) == []


async def test_an_unknown_family_or_a_missing_file_field_is_a_clear_error(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.post("/import/dragons", files=_upload("x.csv", b"a"))).status_code == 404
    response = await client.post("/import/volunteers", data={"other": "x"})
    assert response.status_code == 400
