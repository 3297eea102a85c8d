"""The webhook worker: each ACTIVE webhook is given the events about its organization, in order,
from the cursor kept on its ``Webhook`` node (docs/LIVE.md "Webhooks").

One round (:func:`deliver_due`) reads every active webhook, then for each one the event log after
its cursor (``graph.feed.after``). An event about a referral the organization sent or received or
a resource it offers (what its partner's rows of those families are, ``graph.webhooks.scope``) is
POSTed, signed (``web.webhooks.deliver``, with its retries); any other event only moves the
cursor. A delivered event moves the cursor past it; a failed one leaves the cursor on it (tried
again next round) and counts a failure, and ``max_failures`` in a row disable the webhook. So a
restarted process resumes where the graph says, and deliveries are at least once (a receiver
de-duplicates on ``Webhook-Id``).

The payload names entities by their global ids and nothing else (no names, no text): what the
entity now is, the partner reads through the API under its own rules.

Not built yet: a lease. Every API process runs this worker, so with several processes an event
may be delivered once per process; run one process with webhooks on until the lease exists.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
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


async def _serve(
    store: GraphStore, settings: Settings, client: httpx.AsyncClient, hook: stored.Hook
) -> int:
    """Deliver what is due to one webhook (one page of the log); how many were delivered."""
    hooks = settings.webhooks
    events = await feed.after(store, hook.cursor, PAGE)
    if not events:
        return 0
    scope = await stored.scope(store, hook.organization)
    backoff = Backoff(hooks.backoff_base_s, hooks.backoff_cap_s, hooks.attempts)
    passed = hook.cursor  # the last event not about the organization, not yet recorded
    sent = 0
    for event in events:
        seq = int(event.seq or 0)
        if not about(event, scope):
            passed = seq
            continue
        if passed > hook.cursor and not await stored.skip(store, hook, passed):
            return sent  # changed meanwhile (disabled, re-registered): next round reads it anew
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
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        if outcome.delivered:
            if not await stored.delivered(store, hook, seq, now, int(outcome.status or 0)):
                return sent
            sent += 1
            passed = seq
            continue
        after = await stored.failed(
            store,
            hook,
            at=now,
            status=outcome.status,
            error=outcome.error,
            max_failures=hooks.max_failures,
        )
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
    if passed > hook.cursor:
        await stored.skip(store, hook, passed)
    return sent


async def deliver_due(
    store: GraphStore, settings: Settings, client: httpx.AsyncClient
) -> Mapping[str, int]:
    """One round over every active webhook: how many events each was delivered."""
    delivered: dict[str, int] = {}
    for hook in await stored.active(store):
        try:
            delivered[hook.id] = await _serve(store, settings, client, hook)
        except Exception:
            log.warning("webhook round failed", extra={"webhook": hook.id}, exc_info=True)
    return delivered


async def run(store: GraphStore, settings: Settings) -> None:
    """The app lifespan's background task: a round every ``WEBHOOK_POLL_S`` until cancelled."""
    async with httpx.AsyncClient() as client:
        while True:
            current = asyncio.ensure_future(deliver_due(store, settings, client))
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
