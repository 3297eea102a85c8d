"""A signed token is not enough: its subject must exist as what the role says, still be active,
and the token must not be revoked — checked on every request, in every API process on the graph.
And what the service tells about itself (`service { labelCounts }`) follows the row rules."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from access import policy
from access.tokens import Kind, Role, TokenError, Viewer, issue, mint, verify
from app import create_app
from bench.readiness import wait_ready
from config import ConfigError, Settings
from graph.engine.cypher import cypher
from graph.engine.labels import SUPPORT_LABELS
from graph.engine.local_neo4j import free_port
from graph.engine.store import GraphStore
from graph.engine.system import checksum, clear_graph
from graph.model.entities import Point, upsert
from graph.model.organizations import Organization
from graph.model.people import Resident, SocialWorker, Volunteer
from graph.model.places import Community
from tests.conftest import GraphQL, graph_env
from tests.processes import wait_gone

ROOT = Path(__file__).resolve().parents[2]
HERE = Point(22.52, 113.39)
CACHE_S = 0.5  # the identity cache's lifetime in these tests (60 s at most in production)

VOLUNTEER, OTHER_VOLUNTEER = "volunteer-ada", "volunteer-bo"
WORKER, ORGANIZATION = "worker-chen", "org-dongfang"
SUBJECTS = {Role.VOLUNTEER: VOLUNTEER, Role.SOCIAL_WORKER: WORKER, Role.PARTNER: ORGANIZATION}

LEAVE = {
    label: cypher(
        f"test.identity.leave.{label}",
        f"MATCH (n:{label} {{id: $id}}) SET n.status = 'LEFT' RETURN n.id AS id",
    )
    for label in ("Volunteer", "SocialWorker", "Organization")
}
REVOCATIONS = cypher(
    "test.identity.revocations", "MATCH (r:Revocation) RETURN count(r) AS revocations"
)

ASK = "{ service { graphEngine } }"
REVOKE = """
mutation ($tokenId: String, $subject: String) {
  revokeTokens(tokenId: $tokenId, subject: $subject) { tokenId subject revokedAt recordedTokens }
}
"""


async def seed(store: GraphStore) -> None:
    """A community with a resident, two volunteers, a social worker and a partner organization."""
    await clear_graph(store)
    await upsert(store, [Community("community-qiwan", "起湾社区", HERE)])
    await upsert(store, [Resident("resident-lin", "林婆婆", HERE)])
    await upsert(
        store, [Volunteer(VOLUNTEER, "陈艾", HERE), Volunteer(OTHER_VOLUNTEER, "李波", HERE)]
    )
    await upsert(store, [SocialWorker(WORKER, "陈社工", "INTERMEDIATE")])
    await upsert(store, [Organization(ORGANIZATION, "东方社工", "SOCIAL_WORK_AGENCY", HERE)])


@pytest.fixture
async def app(engine_settings: Settings, engine_store: GraphStore) -> AsyncIterator[Starlette]:
    await seed(engine_store)
    service = create_app(replace(engine_settings, identity_cache_s=CACHE_S))
    async with LifespanManager(service, startup_timeout=30, shutdown_timeout=30):
        yield service


Caller = Callable[..., Any]


@pytest.fixture
def as_token(app: Starlette) -> Caller:
    """A client presenting ``token`` (None: anonymous)."""

    @asynccontextmanager
    async def caller(token: str | None) -> AsyncIterator[httpx.AsyncClient]:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers
        ) as http:
            yield http

    return caller


async def status_of(as_token: Caller, token: str | None) -> tuple[int, dict[str, Any]]:
    async with as_token(token) as http:
        response = await http.post("/graphql", json={"query": ASK})
    return response.status_code, response.json()


def assert_unauthenticated(answer: tuple[int, dict[str, Any]], says: str) -> None:
    status, body = answer
    assert status == 401, body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert says in error["message"]
    assert "data" not in body


# --- identity binding -----------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.SOCIAL_WORKER, Role.PARTNER])
async def test_a_validly_signed_token_for_a_subject_that_does_not_exist_is_refused(
    as_token: Caller, engine_settings: Settings, role: Role
) -> None:
    assert (await status_of(as_token, mint(engine_settings, role, SUBJECTS[role])))[0] == 200
    ghost = mint(engine_settings, role, f"{SUBJECTS[role]}-who-never-was")
    assert_unauthenticated(await status_of(as_token, ghost), "not registered here")


async def test_a_social_worker_token_naming_a_volunteer_is_refused(
    as_token: Caller, engine_settings: Settings
) -> None:
    posing = mint(engine_settings, Role.SOCIAL_WORKER, VOLUNTEER)
    assert_unauthenticated(await status_of(as_token, posing), "social worker")
    posing = mint(engine_settings, Role.PARTNER, WORKER)
    assert_unauthenticated(await status_of(as_token, posing), "partner organization")


@pytest.mark.parametrize(
    ("role", "label"),
    [
        (Role.VOLUNTEER, "Volunteer"),
        (Role.SOCIAL_WORKER, "SocialWorker"),
        (Role.PARTNER, "Organization"),
    ],
)
async def test_someone_who_has_left_loses_access_within_the_identity_cache_lifetime(
    as_token: Caller, engine_settings: Settings, engine_store: GraphStore, role: Role, label: str
) -> None:
    token = mint(engine_settings, role, SUBJECTS[role])
    assert (await status_of(as_token, token))[0] == 200  # now remembered for CACHE_S
    await engine_store.write(LEAVE[label], {"id": SUBJECTS[role]})
    await asyncio.sleep(CACHE_S + 0.2)
    assert_unauthenticated(await status_of(as_token, token), "no longer active")
    # Someone else of the same role is unaffected.
    if role is Role.VOLUNTEER:
        other = mint(engine_settings, role, OTHER_VOLUNTEER)
        assert (await status_of(as_token, other))[0] == 200


async def test_admins_and_analysts_are_account_names_bound_by_revocation_only(
    as_token: Caller, engine_settings: Settings
) -> None:
    for role in (Role.ADMIN, Role.ANALYST):
        assert (await status_of(as_token, mint(engine_settings, role, "not-in-the-graph")))[
            0
        ] == 200


# --- revocation over GraphQL ------------------------------------------------------------------


async def test_an_admin_revokes_one_token_by_id_and_it_is_refused_at_once(
    as_token: Caller, engine_settings: Settings
) -> None:
    lost = issue(engine_settings, Role.VOLUNTEER, VOLUNTEER)
    kept = issue(engine_settings, Role.VOLUNTEER, VOLUNTEER)
    for token in (lost.token, kept.token):
        assert (await status_of(as_token, token))[0] == 200  # both remembered as good
    async with as_token(mint(engine_settings, Role.ADMIN, "admin-ops")) as http:
        done = await GraphQL(http)(REVOKE, tokenId=lost.id)
    assert done["revokeTokens"]["tokenId"] == lost.id
    assert done["revokeTokens"]["subject"] is None
    # No waiting: the process that revoked forgets what it remembered.
    assert_unauthenticated(await status_of(as_token, lost.token), "revoked")
    assert (await status_of(as_token, kept.token))[0] == 200


async def test_an_admin_revokes_every_token_of_a_subject_issued_so_far(
    as_token: Caller, engine_settings: Settings
) -> None:
    before = [mint(engine_settings, Role.SOCIAL_WORKER, WORKER) for _ in range(2)]
    bystander = mint(engine_settings, Role.VOLUNTEER, VOLUNTEER)
    async with as_token(mint(engine_settings, Role.ADMIN, "admin-ops")) as http:
        done = await GraphQL(http)(REVOKE, subject=WORKER)
    assert done["revokeTokens"]["subject"] == WORKER
    for token in before:
        assert_unauthenticated(await status_of(as_token, token), "revoked")
    assert (await status_of(as_token, bystander))[0] == 200
    # Signing in again afterwards gives a token that works.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2)
    again = mint(engine_settings, Role.SOCIAL_WORKER, WORKER, now=later)
    assert (await status_of(as_token, again))[0] == 200


async def test_revoking_is_audited_and_an_admin_can_revoke_an_admin(
    as_token: Caller, engine_settings: Settings
) -> None:
    other_admin = mint(engine_settings, Role.ADMIN, "admin-leaver")
    async with as_token(mint(engine_settings, Role.ADMIN, "admin-ops")) as http:
        gql = GraphQL(http)
        await gql(REVOKE, subject="admin-leaver")
        log = await gql(
            '{ auditLog(filter: {actor: "admin:admin-ops"}) '
            "{ nodes { operation fields outcome } } }"
        )
    assert log["auditLog"]["nodes"] == [
        {"operation": "revokeTokens", "fields": ["subject", "token_id"], "outcome": "OK"}
    ]
    assert_unauthenticated(await status_of(as_token, other_admin), "revoked")


@pytest.mark.parametrize(
    ("role", "subject"),
    [
        (Role.SOCIAL_WORKER, WORKER),
        (Role.VOLUNTEER, VOLUNTEER),
        (Role.PARTNER, ORGANIZATION),
        (Role.ANALYST, "analyst-1"),
        (None, None),
    ],
)
async def test_only_admins_may_revoke_and_a_refusal_changes_nothing(
    as_token: Caller,
    engine_settings: Settings,
    engine_store: GraphStore,
    role: Role | None,
    subject: str | None,
) -> None:
    victim = mint(engine_settings, Role.VOLUNTEER, OTHER_VOLUNTEER)
    before = await checksum(engine_store)
    token = None if role is None else mint(engine_settings, role, subject)
    async with as_token(token) as http:
        (error,) = await GraphQL(http).errors(REVOKE, subject=OTHER_VOLUNTEER)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await checksum(engine_store) == before
    assert (await engine_store.read(REVOCATIONS))[0]["revocations"] == 0
    assert (await status_of(as_token, victim))[0] == 200


async def test_a_revocation_must_name_a_token_or_a_subject(
    as_token: Caller, engine_settings: Settings
) -> None:
    async with as_token(mint(engine_settings, Role.ADMIN, "admin-ops")) as http:
        (error,) = await GraphQL(http).errors(REVOKE, subject="  ")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "tokenId" in error["message"]


# --- revocation through the command line, honoured by another API process ---------------------


async def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m cli token ARGS`` in its own process (off the event loop the app runs on)."""
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "cli", "token", *args],
        cwd=ROOT,
        env={**os.environ, **graph_env(settings), "LOG_FORMAT": "text"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done


async def test_the_cli_mints_lists_and_revokes_tokens_by_id_and_by_subject(
    as_token: Caller, engine_settings: Settings
) -> None:
    volunteer = (await cli(engine_settings, "--role", "volunteer", "--id", VOLUNTEER)).stdout
    service = (
        await cli(engine_settings, "--role", "partner", "--id", ORGANIZATION, "--service")
    ).stdout
    volunteer, service = volunteer.strip(), service.strip()
    listed = (await cli(engine_settings, "--list")).stdout
    volunteer_id = verify(engine_settings, volunteer).token_id
    assert volunteer_id is not None and volunteer_id in listed
    assert volunteer not in listed  # the token itself is never stored
    (row,) = [line for line in listed.splitlines() if line.startswith(volunteer_id)]
    assert row.split()[1:4] == ["volunteer", VOLUNTEER, "person"]
    (row,) = [line for line in listed.splitlines() if ORGANIZATION in line]
    assert row.split()[1:4] == ["partner", ORGANIZATION, "service"] and row.endswith("live")
    for token in (volunteer, service):
        assert (await status_of(as_token, token))[0] == 200

    await cli(engine_settings, "--revoke-id", volunteer_id)
    await cli(engine_settings, "--revoke-subject", ORGANIZATION)
    await asyncio.sleep(CACHE_S + 0.2)  # another process revoked: honoured within the cache time
    assert_unauthenticated(await status_of(as_token, volunteer), "revoked")
    assert_unauthenticated(await status_of(as_token, service), "revoked")
    listed = (await cli(engine_settings, "--list")).stdout
    assert sum(line.endswith("revoked") for line in listed.splitlines()) == 2


def serve(settings: Settings, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A second API process (`python -m cli serve`) on the same graph."""
    port = free_port()
    env = {
        **os.environ,
        **graph_env(settings),
        "PORT": str(port),
        "LOAD_DEMO_DATA": "false",
        "IDENTITY_CACHE_S": str(CACHE_S),
    }
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    if wait_ready(process, url, budget_s=60):
        return process, url
    process.kill()
    raise AssertionError(f"the second API process did not start: {log.read_text()}")


@asynccontextmanager
async def second_process(settings: Settings, log: Path) -> AsyncIterator[str]:
    process, url = await asyncio.to_thread(serve, settings, log)
    try:
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.to_thread(process.wait, 30)
        except subprocess.TimeoutExpired:
            process.kill()
        assert await asyncio.to_thread(wait_gone, process.pid)


async def test_a_token_revoked_in_one_api_process_is_refused_by_another(
    engine_settings: Settings, engine_store: GraphStore, tmp_path: Path
) -> None:
    # Both processes start inside the test, so this one's event loop (and its graph watcher)
    # runs throughout instead of pausing between fixtures.
    await seed(engine_store)
    this = create_app(replace(engine_settings, identity_cache_s=CACHE_S))
    token = issue(engine_settings, Role.VOLUNTEER, VOLUNTEER)
    revoker = {"Authorization": f"Bearer {mint(engine_settings, Role.ADMIN, 'admin-ops')}"}
    async with (
        LifespanManager(this, startup_timeout=30, shutdown_timeout=30),
        second_process(engine_settings, tmp_path / "second.log") as url,
        httpx.AsyncClient(
            base_url=url, headers={"Authorization": f"Bearer {token.token}"}, timeout=30
        ) as other,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=this), base_url="http://testserver", headers=revoker
        ) as http,
    ):
        assert (await other.post("/graphql", json={"query": ASK})).status_code == 200
        await GraphQL(http)(REVOKE, tokenId=token.id)
        await asyncio.sleep(CACHE_S + 0.2)
        refused = await other.post("/graphql", json={"query": ASK})
    assert_unauthenticated((refused.status_code, refused.json()), "revoked")


# --- what the service says about itself -------------------------------------------------------


async def label_counts(as_token: Caller, token: str | None) -> dict[str, int]:
    async with as_token(token) as http:
        data = await GraphQL(http)("{ service { labelCounts { label nodes } } }")
    return {c["label"]: c["nodes"] for c in data["service"]["labelCounts"]}


async def test_label_counts_show_only_families_whose_every_row_the_caller_may_see(
    as_token: Caller, engine_settings: Settings
) -> None:
    admin = mint(engine_settings, Role.ADMIN, "admin-ops")
    async with as_token(admin) as http:  # leaves an audit entry and a revocation behind
        await GraphQL(http)(REVOKE, subject="nobody")
    everything = await label_counts(as_token, admin)
    assert {"Resident", "Volunteer", "AuditEntry", "Revocation", "Searchable"} <= set(everything)

    anonymous = await label_counts(as_token, None)
    assert anonymous == {"Community": 1, "Organization": 1}  # public families only
    volunteer = await label_counts(as_token, mint(engine_settings, Role.VOLUNTEER, VOLUNTEER))
    assert "Resident" not in volunteer and "AuditEntry" not in volunteer  # scoped, closed
    assert volunteer["Volunteer"] == 2  # public profiles: every row
    worker = await label_counts(as_token, mint(engine_settings, Role.SOCIAL_WORKER, WORKER))
    # Residents who keep out of analysis are rows only for those who serve them: scoped.
    assert "Resident" not in worker and worker["Volunteer"] == 2
    assert not {"AuditEntry", "Revocation", "Searchable"} & set(worker)


def test_the_services_bookkeeping_is_closed_to_everyone_but_admins() -> None:
    for label in SUPPORT_LABELS:
        for role in Role:
            scope = policy.row_scope(Viewer(role, "x"), policy.Grants(), label)
            if role is Role.ADMIN:
                assert scope is None
            else:
                assert scope is not None and scope.closed, (label, role)


# --- lifetimes ----------------------------------------------------------------------------------


def test_a_partner_integration_gets_a_service_token_and_only_a_partner_does() -> None:
    settings = Settings()
    person = issue(settings, Role.PARTNER, ORGANIZATION)
    service = issue(settings, Role.PARTNER, ORGANIZATION, kind=Kind.SERVICE)
    assert person.expires - person.issued == dt.timedelta(seconds=settings.token_ttl_s)
    assert service.expires - service.issued == dt.timedelta(seconds=settings.service_token_ttl_s)
    assert verify(settings, service.token).role is Role.PARTNER
    with pytest.raises(TokenError, match="partner"):
        issue(settings, Role.VOLUNTEER, VOLUNTEER, kind=Kind.SERVICE)


def test_no_token_may_outlive_the_longest_lifetime_its_revocation_is_kept_for() -> None:
    settings = Settings()
    with pytest.raises(TokenError, match="live between"):
        issue(settings, Role.ADMIN, "a", ttl_s=settings.max_token_lifetime_s + 1)
    # Signed elsewhere with the same key but a longer life: refused when presented.
    longer = replace(settings, service_token_ttl_s=settings.service_token_ttl_s * 2)
    token = issue(longer, Role.PARTNER, ORGANIZATION, kind=Kind.SERVICE).token
    with pytest.raises(TokenError, match="longer than this service accepts"):
        verify(settings, token)


def test_the_identity_cache_may_not_outlast_a_minute() -> None:
    assert Settings.from_env({"IDENTITY_CACHE_S": "60"}).identity_cache_s == 60
    with pytest.raises(ConfigError, match="within a minute"):
        Settings.from_env({"IDENTITY_CACHE_S": "61"})
