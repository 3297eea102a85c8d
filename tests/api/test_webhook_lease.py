"""Two API processes on one graph serve one partner webhook, on both engines: each event reaches
the receiver on 127.0.0.1 exactly once, and when the process holding the webhook's lease dies the
other takes it over within the lease; when it stops cleanly it gives the lease back (docs/LIVE.md
"Several API processes").

Both processes run the worker of the app's lifespan (``web/webhook_worker.py``) with one try per
delivery, a 0.1 s poll and ``WEBHOOK_LEASE_S=1``, so a lease lasts 1 s plus the longest delivery
(one try of at most 2 s) past its holder's last write: 3 s."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest

from access.tokens import Role, mint
from api.ids import to_global_id as gid
from config import Settings
from graph import webhooks as stored
from graph.engine.store import GraphStore
from tests.conftest import DemoLoader
from tests.processes import Api, start_api, wait_gone
from tests.receivers import Endpoint, listening

pytestmark = pytest.mark.slow

PARTNER = "org-zs-east-clinic"
FROM = "org-zs-lianhe"
NEED = gid("Need", "need-zs-qiwan-01-visit")
LEASE_S = 3.0  # WEBHOOK_LEASE_S plus one try's timeout, below
ENV = {
    "LOAD_DEMO_DATA": "false",
    "LOG_FORMAT": "json",
    "RATE_LIMIT_PER_MINUTE": "0",
    "WEBHOOK_ALLOW_LOOPBACK_HTTP": "true",
    "WEBHOOK_ATTEMPTS": "1",
    "WEBHOOK_TIMEOUT_S": "2",
    "WEBHOOK_POLL_S": "0.1",
    "WEBHOOK_LEASE_S": "1",
}


@pytest.fixture
def receiver() -> Iterator[Endpoint]:
    with listening(Endpoint()) as state:
        yield state


@pytest.fixture
async def apis(
    engine_settings: Settings, engine_store: GraphStore, load_demo: DemoLoader, tmp_path: Path
) -> AsyncIterator[list[Api]]:
    """The demo graph, then two API processes on it (started afresh: a test kills one)."""
    await load_demo(engine_store)
    started: list[Api] = []
    try:
        started.append(start_api(engine_settings, tmp_path, ENV))
        started.append(start_api(engine_settings, tmp_path, ENV))
        yield started
    finally:
        for api in started:
            api.stop()


class Admin:
    """An administrator over HTTP to one of the processes."""

    def __init__(self, settings: Settings) -> None:
        self.headers = {"Authorization": f"Bearer {mint(settings, Role.ADMIN, 'admin-tests')}"}

    async def __call__(self, api: Api, query: str, **variables: object) -> dict:
        async with httpx.AsyncClient(timeout=30) as http:
            answer = await http.post(
                f"http://127.0.0.1:{api.port}/graphql",
                json={"query": query, "variables": variables},
                headers=self.headers,
            )
        body = answer.json()
        assert "errors" not in body, body
        return body["data"]


REGISTER = """
mutation ($o: ID!, $url: String!) { registerWebhook(organizationId: $o, url: $url) { secret } }
"""
APPROVE = "mutation ($o: ID!) { approveWebhook(organizationId: $o) { webhook { status } } }"
REFER = """
mutation ($n: ID!, $from: ID!, $to: ID!) {
  referNeed(needId: $n, fromOrganizationId: $from, toOrganizationId: $to) { referral { id } }
}
"""
DECLINE = "mutation ($r: ID!) { declineReferral(id: $r) { referral { id } } }"


async def refer_and_decline(admin: Admin, api: Api) -> None:
    """Two events about the partner's referrals, written through ``api``."""
    to = {"from": gid("Organization", FROM), "to": gid("Organization", PARTNER)}
    done = await admin(api, REFER, n=NEED, **to)
    await admin(api, DECLINE, r=done["referNeed"]["referral"]["id"])


async def until(check: Callable[[], bool], within: float) -> float:
    """Wait until ``check()`` holds; how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < within:
        if check():
            return time.monotonic() - started
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


def ids(receiver: Endpoint) -> Counter[str]:
    return Counter(headers["Webhook-Id"] for headers, _ in receiver.seen)


async def test_two_processes_deliver_each_event_once_and_the_survivor_takes_over(
    apis: list[Api],
    engine_settings: Settings,
    engine_store: GraphStore,
    receiver: Endpoint,
    tmp_path: Path,
) -> None:
    admin = Admin(engine_settings)
    await admin(apis[0], REGISTER, o=gid("Organization", PARTNER), url=receiver.url)
    await admin(apis[1], APPROVE, o=gid("Organization", PARTNER))
    # Events written through both processes, while both workers poll.
    for n in range(5):
        await refer_and_decline(admin, apis[n % 2])
    await until(lambda: len(ids(receiver)) == 10, within=15)
    await asyncio.sleep(1.0)  # a second delivery of any of them would have come by now
    assert len(receiver.seen) == 10 and set(ids(receiver).values()) == {1}
    # The holder dies without giving its lease back; the other takes over when it runs out.
    lease = await stored.lease(engine_store, PARTNER)
    assert lease is not None and lease["owner"]
    pid = int(str(lease["owner"]).split("/")[1])
    (holder,) = [api for api in apis if api.process.pid == pid]
    (survivor,) = [api for api in apis if api is not holder]
    holder.process.kill()
    assert wait_gone(pid)
    killed = time.monotonic()
    await refer_and_decline(admin, survivor)
    await until(lambda: len(ids(receiver)) == 12, within=LEASE_S + 10)
    took = time.monotonic() - killed
    assert took < LEASE_S + 1.5, took
    await asyncio.sleep(1.0)
    assert len(receiver.seen) == 12 and set(ids(receiver).values()) == {1}
    after = await stored.lease(engine_store, PARTNER)
    assert after is not None and str(after["owner"]).split("/")[1] == str(survivor.process.pid)
    # A holder that stops cleanly gives the lease back: a newcomer takes over at its next round.
    newcomer = start_api(engine_settings, tmp_path, ENV)
    apis.append(newcomer)
    survivor.stop()
    # Given back, not run out: free now, or already the newcomer's (it polls every 0.1 s).
    released = await stored.lease(engine_store, PARTNER)
    assert released is not None
    assert released["owner"] is None or released["owner"].split("/")[1] == str(newcomer.process.pid)
    await refer_and_decline(admin, newcomer)
    await until(lambda: len(ids(receiver)) == 14, within=LEASE_S + 10)
    await asyncio.sleep(1.0)
    assert len(receiver.seen) == 14 and set(ids(receiver).values()) == {1}
