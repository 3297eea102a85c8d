"""Partner webhooks end to end, on both engines: the steps over HTTP to the app, the worker of the
app's lifespan (``web.webhook_worker.run``) delivering to a real receiver on 127.0.0.1
(docs/LIVE.md "Webhooks").

The app runs with ``allow_loopback_http`` (WEBHOOK_ALLOW_LOOPBACK_HTTP), one try per delivery,
two failures in a row to disable and a 0.1 s poll, so each test takes a few seconds."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, replace

import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from app import create_app
from config import Settings, Webhooks
from domain.webhooks import EVENT_ID_HEADER, SIGNATURE_HEADER, verify
from graph.engine.store import GraphStore, background_task
from graph.engine.system import checksum
from tests.conftest import DemoLoader, client_as
from tests.receivers import Endpoint, listening
from web import webhook_worker

PARTNER = "org-zs-east-clinic"
OTHER = "org-zs-zhiyuan"
FROM = "org-zs-lianhe"
NEED = gid("Need", "need-zs-qiwan-01-visit")
HOOK = "url status failures lastDeliveryAt lastStatus lastError version"

REGISTER = f"""
mutation ($o: ID!, $url: String!) {{
  registerWebhook(organizationId: $o, url: $url) {{ secret webhook {{ {HOOK} }} }}
}}
"""
STEP = """
mutation ($o: ID!) {{ {name}(organizationId: $o) {{ secret webhook {{ status failures }} }} }}
"""
READ = f"query ($o: ID!) {{ node(id: $o) {{ ... on Organization {{ webhook {{ {HOOK} }} }} }} }}"
REFER = """
mutation ($n: ID!, $from: ID!, $to: ID!) {
  referNeed(needId: $n, fromOrganizationId: $from, toOrganizationId: $to) { referral { id } }
}
"""


@dataclass
class Receiver(Endpoint):
    """What the partner's endpoint saw, and how it answers (200 unless ``status`` says)."""

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, body in self.seen]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with listening(Receiver()) as state:
        yield state


@pytest.fixture(scope="module")
def hook_settings(engine_settings: Settings) -> Settings:
    return replace(
        engine_settings,
        webhooks=Webhooks(
            allow_loopback_http=True,
            attempts=1,
            backoff_base_s=0.0,
            max_failures=2,
            timeout_s=2.0,
            poll_s=0.1,
        ),
    )


@pytest.fixture(scope="module")
async def hook_app(
    hook_settings: Settings, engine_store: GraphStore, load_demo: DemoLoader
) -> AsyncIterator[Starlette]:
    """The app on the session's store, with the webhook worker the lifespan would start
    (``webhook_worker.run``) running beside it; the lifespan itself is not run here (an app
    lifespan started in a module fixture did not shut down in time, see the report)."""
    await load_demo(engine_store)
    app = create_app(hook_settings)
    app.state.store = engine_store
    worker = background_task(webhook_worker.run(engine_store, hook_settings), "webhooks")
    try:
        yield app
    finally:
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
        app.state.store = None


@pytest.fixture(autouse=True)
async def demo(hook_app: Starlette, engine_store: GraphStore, load_demo: DemoLoader) -> None:
    await load_demo(engine_store)


class As:
    def __init__(self, app: Starlette, settings: Settings, role: Role, subject: str) -> None:
        self.http = client_as(app, settings, role, subject)

    async def raw(self, query: str, **variables: object) -> dict:
        answer = await self.http.post("/graphql", json={"query": query, "variables": variables})
        return answer.json()

    async def __call__(self, query: str, **variables: object) -> dict:
        body = await self.raw(query, **variables)
        assert "errors" not in body, body["errors"]
        return body["data"]

    async def step(self, name: str, organization: str) -> dict:
        return (await self(STEP.format(name=name), o=gid("Organization", organization)))[name]


@pytest.fixture
async def people(hook_app: Starlette, hook_settings: Settings) -> AsyncIterator[dict[str, As]]:
    who = {
        "admin": As(hook_app, hook_settings, Role.ADMIN, "admin-tests"),
        "partner": As(hook_app, hook_settings, Role.PARTNER, PARTNER),
        "other": As(hook_app, hook_settings, Role.PARTNER, OTHER),
    }
    yield who
    for one in who.values():
        await one.http.aclose()


async def until(check: Callable[[], Awaitable[bool]]) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def refer(admin: As, to: str) -> str:
    done = await admin(
        REFER, n=NEED, **{"from": gid("Organization", FROM), "to": gid("Organization", to)}
    )
    return done["referNeed"]["referral"]["id"]


async def read_hook(viewer: As, organization: str = PARTNER) -> dict | None:
    data = await viewer(READ, o=gid("Organization", organization))
    return data["node"]["webhook"]


async def register_and_approve(people: dict[str, As], receiver: Receiver) -> str:
    done = await people["partner"](REGISTER, o=gid("Organization", PARTNER), url=receiver.url)
    await people["admin"].step("approveWebhook", PARTNER)
    return done["registerWebhook"]["secret"]


async def test_an_approved_webhook_is_told_of_its_own_referrals_signed(
    people: dict[str, As], receiver: Receiver
) -> None:
    admin, partner = people["admin"], people["partner"]
    registered = await partner(REGISTER, o=gid("Organization", PARTNER), url=receiver.url)
    secret = registered["registerWebhook"]["secret"]
    assert secret and secret.startswith("whsec_")
    assert registered["registerWebhook"]["webhook"]["status"] == "PENDING"
    # Before approval nothing is delivered, and the partner cannot approve its own webhook.
    referral = await refer(admin, PARTNER)
    await asyncio.sleep(0.5)
    assert receiver.seen == []
    refused = await partner.raw(STEP.format(name="approveWebhook"), o=gid("Organization", PARTNER))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    approved = await admin.step("approveWebhook", PARTNER)
    assert approved == {"secret": None, "webhook": {"status": "ACTIVE", "failures": 0}}
    # After approval: a referral to another organization is not delivered; the partner's
    # acceptance of the one sent to it is, signed with its secret.
    await refer(admin, OTHER)
    await partner("mutation ($r: ID!) { acceptReferral(id: $r) { referral { id } } }", r=referral)

    async def delivered() -> bool:
        return bool(receiver.seen)

    await until(delivered)
    await asyncio.sleep(0.5)  # anything else would have come by now
    ((headers, body),) = receiver.seen
    assert verify(secret, headers[SIGNATURE_HEADER], body)
    sent = json.loads(body)
    assert sent["kind"] == "REFERRAL_ACCEPTED" and sent["entity"] == referral
    assert headers[EVENT_ID_HEADER] == sent["id"]
    assert set(sent) == {"id", "seq", "kind", "at", "entity", "entities"}
    hook = await read_hook(partner)
    assert hook is not None
    assert hook["lastStatus"] == 200 and hook["lastDeliveryAt"] and hook["failures"] == 0
    assert hook["url"] == receiver.url and hook["lastError"] is None
    assert await read_hook(admin) == hook
    assert await read_hook(people["other"]) is None  # another partner reads null


async def test_a_failing_receiver_disables_the_webhook_and_enabling_resumes(
    people: dict[str, As], receiver: Receiver
) -> None:
    partner = people["partner"]
    await register_and_approve(people, receiver)
    receiver.status = 500
    await refer(people["admin"], PARTNER)

    async def disabled() -> bool:
        hook = await read_hook(partner)
        return hook is not None and hook["status"] == "DISABLED"

    await until(disabled)
    hook = await read_hook(partner)
    assert hook is not None
    assert hook["failures"] == 2 and hook["lastStatus"] == 500 and hook["lastError"] == "HTTP 500"
    assert len(receiver.seen) == 2  # disabled: no more tries
    await asyncio.sleep(0.5)
    assert len(receiver.seen) == 2
    # Enabled again, the failures are cleared and the same event is delivered.
    receiver.status = 200
    enabled = await partner.step("enableWebhook", PARTNER)
    assert enabled["webhook"] == {"status": "ACTIVE", "failures": 0}

    async def recovered() -> bool:
        hook = await read_hook(partner)
        return hook is not None and hook["lastStatus"] == 200

    await until(recovered)
    bodies = receiver.bodies()
    assert len(bodies) == 3 and {b["id"] for b in bodies} == {bodies[0]["id"]}
    assert bodies[0]["kind"] == "NEED_REFERRED"


@pytest.mark.parametrize(
    "url",
    ["https://169.254.169.254/latest", "http://example.com/hooks", "https://10.0.0.1/x", "ftp:/x"],
)
async def test_a_bad_url_is_refused_naming_it_and_nothing_is_written(
    people: dict[str, As], engine_store: GraphStore, url: str
) -> None:
    before = await checksum(engine_store)
    answer = await people["partner"].raw(REGISTER, o=gid("Organization", PARTNER), url=url)
    (error,) = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "url" in error["message"]
    assert await checksum(engine_store) == before


async def test_only_the_organizations_partner_or_an_admin_keeps_its_webhook(
    people: dict[str, As], receiver: Receiver, engine_store: GraphStore
) -> None:
    other, partner = people["other"], people["partner"]
    before = await checksum(engine_store)
    answer = await other.raw(REGISTER, o=gid("Organization", PARTNER), url=receiver.url)
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await checksum(engine_store) == before
    await register_and_approve(people, receiver)
    for name in ("disableWebhook", "rotateWebhookSecret", "enableWebhook"):
        refused = await other.raw(STEP.format(name=name), o=gid("Organization", PARTNER))
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN", name
    rotated = await partner.step("rotateWebhookSecret", PARTNER)
    assert rotated["secret"].startswith("whsec_")
    assert (await partner.step("disableWebhook", PARTNER))["webhook"]["status"] == "DISABLED"
    assert (await people["admin"].step("enableWebhook", PARTNER))["webhook"]["status"] == "ACTIVE"


async def test_a_retried_registration_replays_without_the_secret(
    people: dict[str, As], receiver: Receiver
) -> None:
    query = REGISTER.replace("url: $url)", "url: $url, idempotencyKey: $k)").replace(
        "$url: String!)", "$url: String!, $k: String)"
    )
    first = await people["partner"](query, o=gid("Organization", PARTNER), url=receiver.url, k="k1")
    again = await people["partner"](query, o=gid("Organization", PARTNER), url=receiver.url, k="k1")
    assert first["registerWebhook"]["secret"] and again["registerWebhook"]["secret"] is None
    assert again["registerWebhook"]["webhook"]["version"] == 1


DELIVERIES = """
query ($o: ID!) { node(id: $o) { ... on Organization { webhook {
  deliveries { at cursor kind delivered status error attempts durationMs } } } } }
"""


async def decline(partner: As, referral: str) -> None:
    await partner("mutation ($r: ID!) { declineReferral(id: $r) { referral { id } } }", r=referral)


async def deliveries(viewer: As) -> list[dict] | None:
    data = await viewer(DELIVERIES, o=gid("Organization", PARTNER))
    hook = data["node"]["webhook"]
    return None if hook is None else hook["deliveries"]


async def test_the_delivery_log_shows_failures_then_success_newest_first_and_keeps_the_last_20(
    people: dict[str, As], receiver: Receiver
) -> None:
    admin, partner = people["admin"], people["partner"]
    await register_and_approve(people, receiver)
    assert await deliveries(partner) == []
    receiver.answers = [500]  # the first try fails, the next round delivers it
    first = await refer(admin, PARTNER)

    async def logged(count: int) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return len(await deliveries(partner) or []) >= count

        return check

    await until(await logged(2))
    delivered, failed = await deliveries(partner) or []
    assert failed["delivered"] is False and failed["status"] == 500
    assert failed["error"] == "HTTP 500" and failed["attempts"] == 1
    assert delivered["delivered"] is True and delivered["status"] == 200
    assert delivered["error"] is None
    assert delivered["cursor"] == failed["cursor"] and delivered["kind"] == "NEED_REFERRED"
    assert delivered["at"] >= failed["at"] and failed["durationMs"] >= 0
    # Who may not read the webhook reads nothing of its log either.
    assert await deliveries(people["other"]) is None
    assert await deliveries(admin) == await deliveries(partner)
    # More deliveries than the log keeps: the newest 20, newest first; the failure is gone.
    # (A need is referred to one organization once at a time: declined, it can be again.)
    await decline(partner, first)
    for _ in range(10):
        await decline(partner, await refer(admin, PARTNER))

    async def all_delivered() -> bool:
        return len(receiver.seen) == 23

    await until(all_delivered)
    await until(await logged(20))
    log = await deliveries(partner) or []
    assert len(log) == 20 and all(entry["delivered"] for entry in log)
    cursors = [int(entry["cursor"]) for entry in log]
    assert cursors == sorted(cursors, reverse=True)
    assert cursors[0] == max(body["seq"] for body in receiver.bodies())


async def test_the_workers_writes_are_not_a_requests_round_trips(
    people: dict[str, As], receiver: Receiver, engine_store: GraphStore
) -> None:
    await register_and_approve(people, receiver)
    await refer(people["admin"], PARTNER)
    before = engine_store.round_trips
    # Meanwhile the worker claims its lease every round, delivers, logs and moves the cursor
    # (started as the lifespan starts it, ``background_task``: run as a plain task, this failed).

    async def delivered() -> bool:
        return bool(receiver.seen)

    await until(delivered)
    await asyncio.sleep(0.5)
    assert engine_store.round_trips == before
    log = await deliveries(people["partner"]) or []
    assert [entry["kind"] for entry in log] == ["NEED_REFERRED"]
