"""The webhook worker: each ACTIVE webhook is given the events about its organization, in order,
from the cursor kept on its ``Webhook`` node (docs/LIVE.md "Webhooks").

One round (:func:`deliver_due`) claims the active webhooks this process may serve (the lease,
below), then reads for each one the event log after its cursor (``graph.feed.after``). An event
about a referral the organization sent or received or a resource it offers (what its partner's rows
of those families are, ``graph.webhooks.scope``) is POSTed, signed (``web.webhooks.deliver``, with
its retries); any other event only moves the cursor. A delivered event moves the cursor past it; a
failed one leaves the cursor on it (tried again next round) and counts a failure, and
``max_failures`` in a row disable the webhook. So a restarted process resumes where the graph says,
and deliveries are at least once (a receiver de-duplicates on ``Webhook-Id``).

The payload names entities by their global ids and nothing else (no names, no text): what the
entity now is, the partner reads through the API under its own rules.

Every API process runs this worker, and each webhook is served by one of them at a time: the
process holding its lease (``graph.webhooks.CLAIM``: ``leaseOwner`` and ``leaseUntil`` on the
node, taken when free, run out or already its own, renewed every round and by every write the
holder makes). Each write is conditional on still holding it, so a process whose lease ran out
mid-round records nothing and stops; the lease outlasts the holder's last write by the longest one
delivery may take plus ``WEBHOOK_LEASE_S``, so another process cannot take a webhook over while
its holder's POST is still in flight. A process that stops cleanly gives its leases back; one that
dies is replaced when its leases run out.

Every delivery is logged on the node by the statement that records its outcome (the last
``graph.webhooks.DELIVERY_LOG``: when, which event, status or error, tries, how long). These
writes are the service's bookkeeping, not anyone's action: no audit entry, no event, and (run as a
``background_task``) not counted as a request's round trips.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections.abc import Mapping

import httpx

from api.ids import to_global_id
from config import Settings
from domain.webhooks import Backoff
from graph import feed
from graph import webhooks as stored
from graph.engine.store import GraphStore
from graph.events import Event
from web.webhooks import deliver

log = logging.getLogger(__name__)

PAGE = 100  # events read per webhook and round
SHUTDOWN_GRACE_S = 5.0  # how long a round in flight may finish at shutdown
# The families whose ids a payload names (a resident's or volunteer's id never leaves this way).
NAMED = ("Referral", "Resource", "Organization", "Need")


def about(event: Event, scope: stored.Scope) -> bool:
    """Whether the webhook whose organization has ``scope`` is told about ``event``."""
    referrals = set(event.keys.get("Referral", ()))
    resources = set(event.keys.get("Resource", ()))
    if event.family == "Referral":
        referrals.add(event.key)
    if event.family == "Resource":
        resources.add(event.key)
    return bool(referrals & scope.referrals or resources & scope.resources)


def payload(event: Event) -> dict[str, object]:
    """What is POSTed for ``event``: its id, kind, time and the ids of what it touched."""
    entities: dict[str, list[str]] = {}
    for label in NAMED:
        ids = event.keys.get(label, ())
        if ids:
            entities[label] = [to_global_id(label, key) for key in ids]
    return {
        "id": event.id,
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "entity": to_global_id(event.family, event.key),
        "entities": entities,
    }


def holder(settings: Settings) -> stored.Holder:
    """This process as a lease holder: a fresh owner id (host, pid and a random part, so a
    restarted process with a reused pid is not taken for its predecessor) and the lease, which
    covers the longest delivery plus ``WEBHOOK_LEASE_S``."""
    hooks = settings.webhooks
    backoff = Backoff(hooks.backoff_base_s, hooks.backoff_cap_s, hooks.attempts)
    owner = f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"
    return stored.Holder(owner, int((hooks.lease_s + backoff.longest_s(hooks.timeout_s)) * 1000))


async def _serve(
    store: GraphStore,
    settings: Settings,
    client: httpx.AsyncClient,
    holder: stored.Holder,
    hook: stored.Hook,
    claimed: float,
) -> int:
    """Deliver what is due to one webhook (one page of the log); how many were delivered.

    ``claimed`` is when the round's claim renewed its lease (``time.monotonic()``). Before each
    POST the lease is known to be fresh: the last write renewed it less than half of
    ``WEBHOOK_LEASE_S`` ago, or a write (recording the events passed over) renews it now. So a
    POST always starts with at least the longest delivery left on the lease, even for a webhook
    served late in a long round."""
    hooks = settings.webhooks
    events = await feed.after(store, hook.cursor, PAGE)
    if not events:
        return 0
    scope = await stored.scope(store, hook.organization)
    backoff = Backoff(hooks.backoff_base_s, hooks.backoff_cap_s, hooks.attempts)
    recorded = passed = hook.cursor  # the cursor as last written; the last event passed over
    renewed = claimed
    sent = 0
    for event in events:
        seq = int(event.seq or 0)
        if not about(event, scope):
            passed = seq
            continue
        if passed > recorded or time.monotonic() - renewed > hooks.lease_s / 2:
            if not await stored.skip(store, holder, hook, passed):
                return sent  # changed meanwhile (disabled, re-registered, taken over): stop
            recorded, renewed = passed, time.monotonic()
        started = time.monotonic()
        outcome = await deliver(
            client,
            hook.url,
            hook.secret,
            event.id,
            payload(event),
            backoff=backoff,
            allow_loopback_http=hooks.allow_loopback_http,
            timeout_s=hooks.timeout_s,
        )
        attempt = stored.Attempt(
            at=dt.datetime.now(dt.UTC),
            cursor=seq,
            kind=event.kind,
            delivered=outcome.delivered,
            status=outcome.status,
            error=outcome.error,
            attempts=outcome.attempts,
            duration_ms=round((time.monotonic() - started) * 1000),
        )
        if outcome.delivered:
            if not await stored.delivered(store, holder, hook, attempt):
                return sent
            sent += 1
            recorded = passed = seq
            renewed = time.monotonic()
            continue
        after = await stored.failed(store, holder, hook, attempt, max_failures=hooks.max_failures)
        log.warning(
            "webhook delivery failed",
            extra={
                "webhook": hook.id,
                "event": event.id,
                "error": outcome.error,
                "failures": None if after is None else after["failures"],
            },
        )
        return sent
    if passed > recorded:
        await stored.skip(store, holder, hook, passed)
    return sent


async def deliver_due(
    store: GraphStore, settings: Settings, client: httpx.AsyncClient, holder: stored.Holder
) -> Mapping[str, int]:
    """One round over the active webhooks this process holds: how many events each was
    delivered."""
    delivered: dict[str, int] = {}
    claimed = time.monotonic()
    for hook in await stored.claim(store, holder):
        try:
            delivered[hook.id] = await _serve(store, settings, client, holder, hook, claimed)
        except Exception:
            log.warning("webhook round failed", extra={"webhook": hook.id}, exc_info=True)
    return delivered


async def run(store: GraphStore, settings: Settings) -> None:
    """The app lifespan's background task: a round every ``WEBHOOK_POLL_S`` until cancelled;
    then the leases are given back."""
    me = holder(settings)
    try:
        async with httpx.AsyncClient() as client:
            while True:
                current = asyncio.ensure_future(deliver_due(store, settings, client, me))
                try:
                    # A statement cancelled halfway left the app's shutdown hanging (seen on the
                    # embedded FalkorDB): at shutdown the round in flight gets a moment to finish.
                    await asyncio.shield(current)
                except asyncio.CancelledError:
                    with contextlib.suppress(Exception, asyncio.CancelledError):
                        await asyncio.wait_for(current, SHUTDOWN_GRACE_S)
                    raise
                except Exception:
                    log.warning("could not read the webhooks", exc_info=True)
                await asyncio.sleep(settings.webhooks.poll_s)
    finally:
        # Cancelled in the round or in the sleep between rounds alike: give the leases back, so
        # another process takes them at its next round rather than when they run out.
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(stored.release(store, me), SHUTDOWN_GRACE_S)
