"""Who may change what, tokens that must be refused, limits that refuse before the graph is read,
and the audit trail — over HTTP on the demo data."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
import jwt
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from access.tokens import Role, mint
from api.ids import to_global_id as gid
from app import create_app
from config import Limits, Settings
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from tests.conftest import GraphQL, bearer

pytestmark = pytest.mark.usefixtures("fresh_demo")

CLINIC, ZHIYUAN = "org-zs-east-clinic", "org-zs-zhiyuan"


def client(app: Starlette, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers
    )


@pytest.fixture
async def partner(demo_app: Starlette, settings: Settings) -> AsyncIterator[GraphQL]:
    async with client(demo_app, bearer(settings, Role.PARTNER, CLINIC)) as http:
        yield GraphQL(http)


OFFER = """
mutation ($org: ID!) {
  offerResource(input: {organizationId: $org, name: "心理咨询时段", kind: SERVICE_SLOT,
                        quantity: 10, unit: "次", categoryIds: ["MENTAL"]}) { resource { id key } }
}
""".replace("MENTAL", gid("ServiceCategory", "cat-mental"))

ALLOCATE = """
mutation ($r: ID!, $n: ID!) {
  allocateResource(resourceId: $r, needId: $n, quantity: 1) { resource { remaining } }
}
"""


async def test_a_partner_registers_its_resource_and_links_it_only_to_needs_referred_to_it(
    partner: GraphQL, engine_store: GraphStore
) -> None:
    offered = await partner(OFFER, org=gid("Organization", CLINIC))
    resource = offered["offerResource"]["resource"]["id"]
    # referral-01 (accepted) is about need-0003: the partner may link its resource to it.
    done = await partner(ALLOCATE, r=resource, n=gid("Need", "need-0003"))
    assert done["allocateResource"]["resource"]["remaining"] == 9
    before = await checksum(engine_store)
    # 林婆婆's visit was never referred to it.
    (error,) = await partner.errors(ALLOCATE, r=resource, n=gid("Need", "need-zs-qiwan-01-visit"))
    assert error["extensions"]["code"] == "FORBIDDEN"
    # Another organization's resource is not its to give.
    (error,) = await partner.errors(
        ALLOCATE, r=gid("Resource", "resource-zs-clothes"), n=gid("Need", "need-0003")
    )
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await checksum(engine_store) == before
    # It updates what its own resource offers, and nobody else's.
    update = (
        "mutation ($r: ID!, $q: Int!) { updateResource(id: $r, input: {quantity: $q}) "
        "{ resource { quantity remaining } } }"
    )
    done = await partner(update, r=resource, q=20)
    assert done["updateResource"]["resource"] == {"quantity": 20, "remaining": 19}
    before = await checksum(engine_store)
    (error,) = await partner.errors(update, r=gid("Resource", "resource-zs-clothes"), q=1)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "own organization's resources" in error["message"]
    assert await checksum(engine_store) == before


async def test_a_partner_cannot_act_for_another_organization(
    partner: GraphQL, engine_store: GraphStore
) -> None:
    before = await checksum(engine_store)
    (error,) = await partner.errors(OFFER, org=gid("Organization", ZHIYUAN))
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "own organization" in error["message"]
    # referral-02 went from 联和 to 智源: neither the health centre's to answer nor to read.
    (error,) = await partner.errors(
        'mutation ($id: ID!) { completeReferral(id: $id, outcome: "x") { referral { id } } }',
        id=gid("Referral", "referral-02"),
    )
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert await checksum(engine_store) == before


async def test_a_partner_reads_only_its_own_referrals_and_a_pending_ones_minimum(
    partner: GraphQL,
) -> None:
    body = await partner.raw(
        "query ($id: ID!) { node(id: $id) { ... on Referral { status } } }",
        id=gid("Referral", "referral-02"),
    )
    assert body["data"]["node"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    listed = await partner("{ referrals(first: 50) { nodes { key status } } }")
    assert {r["key"] for r in listed["referrals"]["nodes"]} == {"referral-01", "referral-03"}
    # The pending referral's need: its minimum (no description, no resident) until accepted.
    pending = gid("Need", "need-0025")
    query = (
        "query ($id: ID!) { node(id: $id) { ... on Need { title description resident { key } } } }"
    )
    body = await partner.raw(query, id=pending)
    assert body["data"]["node"]["title"] and body["data"]["node"]["description"] is None
    assert body["data"]["node"]["resident"] is None
    await partner(
        "mutation ($id: ID!) { acceptReferral(id: $id) { referral { status } } }",
        id=gid("Referral", "referral-03"),
    )
    accepted = await partner(query, id=pending)
    assert accepted["node"]["resident"]["key"] == "resident-0015"


async def test_a_volunteer_records_service_only_for_themself(
    demo_app: Starlette, settings: Settings
) -> None:
    record = """
    mutation ($v: ID!, $n: ID!) {
      recordService(input: {volunteerId: $v, needId: $n, date: "2026-11-17", hours: 1})
      { serviceRecord { key } }
    }
    """
    need = gid("Need", "need-zs-neighbour-visit")
    async with client(demo_app, bearer(settings, Role.VOLUNTEER, "volunteer-zs-busy")) as http:
        gql = GraphQL(http)
        assert (await gql(record, v=gid("Volunteer", "volunteer-zs-busy"), n=need))["recordService"]
        (error,) = await gql.errors(record, v=gid("Volunteer", "volunteer-zs-near"), n=need)
        assert error["extensions"]["code"] == "FORBIDDEN"


async def test_analysts_and_anonymous_callers_change_nothing(
    demo_app: Starlette, settings: Settings
) -> None:
    cancel = 'mutation ($id: ID!) { cancelNeed(id: $id, reason: "x") { need { status } } }'
    need = gid("Need", "need-zs-qiwan-01-visit")
    for headers in (bearer(settings, Role.ANALYST, "analyst-1"), {}):
        async with client(demo_app, headers) as http:
            (error,) = await GraphQL(http).errors(cancel, id=need)
            assert error["extensions"]["code"] == "FORBIDDEN"


# --- tokens ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("not-a-jwt", id="malformed"),
        pytest.param("forged", id="wrong-key"),
        pytest.param("expired", id="expired"),
        pytest.param("foreign", id="other-issuer"),
        pytest.param("roleless", id="unknown-role"),
    ],
)
async def test_a_token_that_cannot_be_trusted_gets_401_never_the_public_view(
    demo_app: Starlette, settings: Settings, token: str
) -> None:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "sub": "admin-x",
        "role": "admin",
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "iat": now,
        "exp": now + dt.timedelta(hours=1),
    }
    secret = str(settings.auth_secret)
    tokens = {
        "not-a-jwt": "not-a-jwt",
        "forged": jwt.encode(claims, "another-secret-of-at-least-32-chars!", algorithm="HS256"),
        "expired": mint(settings, Role.ADMIN, "a", now=now - dt.timedelta(days=2), ttl_s=3600),
        "foreign": jwt.encode({**claims, "iss": "elsewhere"}, secret, algorithm="HS256"),
        "roleless": jwt.encode({**claims, "role": "root"}, secret, algorithm="HS256"),
    }
    async with client(demo_app, {"Authorization": f"Bearer {tokens[token]}"}) as http:
        response = await http.post("/graphql", json={"query": "{ organizations { totalCount } }"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED" and "data" not in response.json()


async def test_without_a_token_the_public_view_is_served(demo_app: Starlette) -> None:
    async with client(demo_app) as http:
        gql = GraphQL(http)
        assert (await gql("{ organizations { totalCount } }"))["organizations"]["totalCount"] > 0
        body = await gql.raw("{ residents { totalCount } }")
        assert body["data"]["residents"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# --- limits ---------------------------------------------------------------------------------


@pytest.fixture
async def limited(engine_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    tight = replace(
        engine_settings,
        introspection=False,
        limits=Limits(
            max_depth=6,
            max_aliases=3,
            max_tokens=400,
            max_cost=2_000,
            max_body_bytes=4_096,
            rate_per_minute=60,
            rate_burst=5,
        ),
    )
    app = create_app(tight)
    async with (
        LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager,
        # A caller of its own per test: the counts live in the graph's Redis, shared by every app
        # on it, so an earlier test's requests would count against this one.
        client(manager.app, bearer(tight, Role.ADMIN, f"admin-limits-{uuid.uuid4().hex}")) as http,
    ):
        yield http


@pytest.mark.parametrize(
    ("query", "limit"),
    [
        pytest.param(
            "{ volunteers { nodes { teams { nodes { members { nodes { teams { nodes "
            "{ members { nodes { name } } } } } } } } } } }",
            "depth",
            id="too-deep",
        ),
        pytest.param(
            "{ a: organizations { totalCount } b: organizations { totalCount } "
            "c: organizations { totalCount } d: organizations { totalCount } }",
            "aliases",
            id="too-wide",
        ),
        pytest.param(
            "{ volunteers(first: 100) { nodes { skills(first: 100) { nodes { name } } } } }",
            "cost",
            id="too-costly",
        ),
    ],
)
async def test_an_oversized_query_is_refused_before_the_graph_is_read(
    limited: httpx.AsyncClient, engine_store: GraphStore, query: str, limit: str
) -> None:
    engine_store.round_trips = 0
    response = await limited.post("/graphql", json={"query": query})
    errors = response.json()["errors"]
    assert {e["extensions"]["code"] for e in errors} == {"QUERY_TOO_COMPLEX"}
    assert limit in {e["extensions"]["limit"] for e in errors}
    assert "data" not in response.json()
    assert engine_store.round_trips == 0


async def test_too_many_tokens_a_big_body_and_batches_are_refused(
    limited: httpx.AsyncClient,
) -> None:
    many = "{ " + " ".join(f"f{i}: __typename" for i in range(150)) + " }"
    response = await limited.post("/graphql", json={"query": many})
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    response = await limited.post("/graphql", json={"query": "{ __typename }", "x": "y" * 5000})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    response = await limited.post("/graphql", json=[{"query": "{ __typename }"}] * 2)
    assert response.status_code == 400
    assert "one operation per request" in response.json()["errors"][0]["message"]


async def test_introspection_can_be_switched_off(limited: httpx.AsyncClient) -> None:
    response = await limited.post("/graphql", json={"query": "{ __schema { types { name } } }"})
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_token_past_its_rate_gets_429_with_retry_after(
    limited: httpx.AsyncClient,
) -> None:
    statuses = [
        (await limited.post("/graphql", json={"query": "{ __typename }"})).status_code
        for _ in range(8)
    ]
    assert statuses[:5] == [200] * 5 and 429 in statuses[5:]
    refused = await limited.post("/graphql", json={"query": "{ __typename }"})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1


# --- audit ----------------------------------------------------------------------------------


async def test_pii_reads_and_mutations_leave_audit_entries_only_admins_can_read(
    demo_app: Starlette, settings: Settings
) -> None:
    worker = bearer(settings, Role.SOCIAL_WORKER, "worker-0001")
    async with client(demo_app, worker) as http:
        gql = GraphQL(http)
        await gql(
            "query CaseFile($id: ID!) { node(id: $id) { ... on Resident { name phone tags } } }",
            id=gid("Resident", "resident-zs-qiwan-01"),
        )
        await gql(
            'mutation ($id: ID!) { closeNeed(id: $id, note: "已安排") { need { status } } }',
            id=gid("Need", "need-zs-qiwan-01-chat"),
        )
        (denied,) = await gql.errors(
            'mutation ($id: ID!) { cancelNeed(id: $id, reason: "x") { need { status } } }',
            id=gid("Need", "need-0025"),  # 岔岗: not covered by worker-0001
        )
        assert denied["extensions"]["code"] == "FORBIDDEN"
        body = await gql.raw("{ auditLog { totalCount } }")
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with client(demo_app, bearer(settings, Role.ADMIN, "admin-audit")) as http:
        log = await GraphQL(http)(
            """
            query ($actor: String!) {
              auditLog(filter: {actor: $actor}, first: 20) {
                nodes { action operation entityIds fields outcome requestId }
              }
            }
            """,
            actor="social_worker:worker-0001",
        )
    entries = log["auditLog"]["nodes"]
    read = [e for e in entries if e["action"] == "READ_PII"]
    assert read == [
        {
            "action": "READ_PII",
            "operation": "CaseFile",
            "entityIds": ["resident-zs-qiwan-01"],
            "fields": ["name", "phone"],
            "outcome": "OK",
            "requestId": read[0]["requestId"],
        }
    ]
    changes = {(e["operation"], e["outcome"]) for e in entries if e["action"] == "MUTATION"}
    assert changes == {("closeNeed", "OK"), ("cancelNeed", "FORBIDDEN")}
    assert all("已安排" not in str(e) for e in entries)  # argument values are never logged
