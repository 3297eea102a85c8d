"""The webhook lease and delivery log as statements (``graph/webhooks.py``), on both engines: two
holders on one graph, as two API processes' workers would be (docs/LIVE.md "Several API
processes"). The end-to-end checks with real processes are ``tests/api/test_webhook_lease.py``."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from domain.webhooks import new_secret
from graph import webhooks as stored
from graph import workflows
from graph.engine.store import GraphStore
from graph.workflows import Request
from tests.conftest import DemoLoader

PARTNER = "org-zs-east-clinic"


@pytest.fixture(autouse=True)
async def demo(engine_store: GraphStore, load_demo: DemoLoader) -> None:
    """The demo graph with no app and so no worker of its own: the test's holders are the only
    ones."""
    await load_demo(engine_store)


async def approved(store: GraphStore) -> None:
    def request(operation: str) -> Request:
        return Request(operation, {"organization": PARTNER}, by="admin-tests")

    await workflows.register_webhook(
        store,
        request("registerWebhook"),
        webhook=workflows.new_id("webhook"),
        organization=PARTNER,
        url="https://hooks.example.org/in",
        secret=new_secret(),
    )
    await workflows.approve_webhook(store, request("approveWebhook"), PARTNER)


def attempt(cursor: int, *, status: int | None = 200, error: str | None = None) -> stored.Attempt:
    return stored.Attempt(
        at=dt.datetime.now(dt.UTC),
        cursor=cursor,
        kind="REFERRAL_ACCEPTED",
        delivered=error is None,
        status=status,
        error=error,
        attempts=1,
        duration_ms=12,
    )


async def test_one_holder_at_a_time_and_the_other_takes_over_when_the_lease_runs_out(
    engine_store: GraphStore,
) -> None:
    await approved(engine_store)
    first = stored.Holder("process-a", lease_ms=800)
    second = stored.Holder("process-b", lease_ms=800)
    # Both claim at once: exactly one gets the webhook.
    got = await asyncio.gather(*(stored.claim(engine_store, one) for one in (first, second)))
    assert sorted(len(hooks) for hooks in got) == [0, 1]
    holder, other = (first, second) if got[0] else (second, first)
    (hook,) = got[0] or got[1]
    # The holder renews it every round; the other gets nothing while it is held.
    assert len(await stored.claim(engine_store, holder)) == 1
    assert await stored.claim(engine_store, other) == []
    assert (await stored.lease(engine_store, PARTNER) or {})["owner"] == holder.owner
    # The holder stops renewing: once the lease has run out the other takes the webhook, and
    # the lapsed holder's writes change nothing (no cursor moved, no delivery recorded).
    await asyncio.sleep(1.0)
    (taken,) = await stored.claim(engine_store, other)
    assert not await stored.delivered(engine_store, holder, hook, attempt(hook.cursor + 5))
    assert not await stored.skip(engine_store, holder, hook, hook.cursor + 5)
    lapsed = attempt(1, error="x")
    assert await stored.failed(engine_store, holder, hook, lapsed, max_failures=1) is None
    now = await stored.of_organization(engine_store, PARTNER)
    assert now is not None and now["status"] == "ACTIVE" and stored.deliveries(now) == []
    assert await stored.delivered(engine_store, other, taken, attempt(taken.cursor + 1))
    # Given back, it is free for the next claim.
    await stored.release(engine_store, other)
    assert len(await stored.claim(engine_store, holder)) == 1


async def test_the_delivery_log_keeps_the_last_attempts_newest_first(
    engine_store: GraphStore,
) -> None:
    await approved(engine_store)
    me = stored.Holder("process-a", lease_ms=60_000)
    (hook,) = await stored.claim(engine_store, me)
    for n in range(1, stored.DELIVERY_LOG + 4):
        if n % 2:
            after = await stored.failed(
                engine_store, me, hook, attempt(n, status=500, error="HTTP 500"), max_failures=99
            )
            assert after is not None
        else:
            assert await stored.delivered(engine_store, me, hook, attempt(n))
    now = await stored.of_organization(engine_store, PARTNER)
    assert now is not None
    log = stored.deliveries(now)
    assert [entry["cursor"] for entry in log] == list(range(stored.DELIVERY_LOG + 3, 3, -1))
    assert log[0] == {**log[0], "delivered": False, "status": 500, "error": "HTTP 500"}
    assert log[1] == {**log[1], "delivered": True, "status": 200, "error": None}
    assert set(log[0]) == {
        "at",
        "cursor",
        "kind",
        "delivered",
        "status",
        "error",
        "attempts",
        "durationMs",
    }
