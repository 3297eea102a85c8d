"""Partner webhooks as the delivery worker and the API read them, and the worker's bookkeeping
(docs/LIVE.md "Webhooks"); the steps partners and administrators take are workflow steps
(``graph/workflows/webhooks.py``).

The worker's writes are not workflow steps and record no event and no audit entry: a delivery's
outcome and the cursor it advances change no entity anyone subscribes to, and an event per
delivery would itself be read back by every feed. Each write names the webhook's ``version`` it
read and the process holding its lease, so an outcome recorded after the partner re-registered,
rotated, disabled or re-enabled it, or after another process took the webhook over, changes
nothing. The same write keeps the delivery log (the last :data:`DELIVERY_LOG` attempts).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from graph.engine.cypher import Statement, cypher
from graph.engine.store import GraphStore, Record
from graph.model.vocab import WebhookStatus

# How many delivery attempts a webhook's log keeps (``Organization.webhook.deliveries``).
DELIVERY_LOG = 20

OF_ORGANIZATION = cypher(
    "webhooks.of_organization",
    """
    MATCH (w:Webhook {organization: $organization})
    RETURN w.id AS id, w.organization AS organization, w.url AS url, w.status AS status,
           w.failures AS failures, w.lastDeliveryAt AS lastDeliveryAt,
           w.lastStatus AS lastStatus, w.lastError AS lastError, w.version AS version,
           w.createdAt AS createdAt, w.deliveries AS deliveries
    """,
)

# The lease (docs/LIVE.md "Several API processes"): every API process runs the worker, and a
# webhook is served by the one process holding it, named by ``leaseOwner`` until ``leaseUntil``
# (epoch ms on the graph's own clock, ``timestamp()``, so processes whose clocks differ agree).
# A process may take a webhook that is free, whose lease has run out, or that is already its own.
CLAIMABLE = (
    "w.status = $active AND (w.leaseOwner IS NULL OR w.leaseOwner = $owner "
    "OR w.leaseUntil < timestamp())"
)

# One round's claim: every ACTIVE webhook this process may hold is locked (in id order, so two
# processes claiming at once queue instead of deadlocking), checked again under the lock (the
# WHERE read what was committed before; on Neo4j a concurrent claim may have committed since),
# and taken or renewed; what returns is what this process serves this round. A webhook another
# process holds is not locked or written at all. (The last filter names the owner through an
# alias: FalkorDB applied ``WITH w WHERE w.leaseOwner = $owner`` to the node as matched, before
# the FOREACH set it, and returned nothing.)
CLAIM = cypher(
    "webhooks.claim",
    f"""
    MATCH (w:Webhook) WHERE {CLAIMABLE}
    WITH w ORDER BY w.id
    SET w._lock = true
    WITH w
    FOREACH (x IN CASE WHEN {CLAIMABLE} THEN [w] ELSE [] END |
        SET x.leaseOwner = $owner, x.leaseUntil = timestamp() + $lease_ms)
    REMOVE w._lock
    WITH w, w.leaseOwner AS holder WHERE holder = $owner AND w.status = $active
    RETURN w.id AS id, w.organization AS organization, w.url AS url, w.secret AS secret,
           w.cursor AS cursor, w.failures AS failures, w.version AS version
    ORDER BY w.id
    """,
)

# A process that stops cleanly gives its webhooks back, so another takes them at its next round
# instead of when the lease runs out.
RELEASE = cypher(
    "webhooks.release",
    """
    MATCH (w:Webhook) WHERE w.leaseOwner = $owner
    SET w._lock = true
    WITH w
    FOREACH (x IN CASE WHEN w.leaseOwner = $owner THEN [w] ELSE [] END |
        REMOVE x.leaseOwner, x.leaseUntil)
    REMOVE w._lock
    RETURN count(w) AS released
    """,
)

LEASE = cypher(
    "webhooks.lease",
    """
    MATCH (w:Webhook {organization: $organization})
    RETURN w.leaseOwner AS owner, w.leaseUntil AS until, timestamp() AS now
    """,
)

# What an organization's webhook is told about: the referrals it sent or received (a partner's
# rows of the Referral family, ``graph/access/facts.PARTNER_GRANTS``) and the resources it offers.
SCOPE = cypher(
    "webhooks.scope",
    """
    MATCH (o:Organization {id: $organization})
    RETURN [(o)-[:REFERRED]->(f1:Referral) | f1.id] AS sent,
           [(f2:Referral)-[:TO]->(o) | f2.id] AS received,
           [(o)-[:OFFERS]->(r:Resource) | r.id] AS resources
    """,
)

# The worker's writes below lock the webhook and check, under the lock, that it is still the
# version the round read, still ACTIVE and still this process's (``$owner``): a process whose
# lease ran out mid-round, or whose webhook the partner changed, writes nothing and stops its
# round. Each write also renews the lease, so a holder delivering a long page keeps it. The
# cursor only moves forward.
OURS = "w.version = $version AND w.status = $active AND w.leaseOwner = $owner"
RENEW = "x.leaseUntil = timestamp() + $lease_ms"

# The delivery log: the newest ``$keep`` attempts, newest first, as JSON (no payload, no secret),
# kept and pruned by the statement that records the outcome.
LOGGED = "x.deliveries = ([$entry] + coalesce(x.deliveries, []))[0..$keep]"


def _ours(name: str, write: str, returns: str, then: str = "") -> Statement:
    """A worker write: ``write`` (on ``x``) when the webhook is still the round's and this
    process's, then ``then`` (a clause over ``w`` and ``ours``), returning ``returns``."""
    return cypher(
        name,
        f"""
    MATCH (w:Webhook {{id: $id}})
    SET w._lock = true
    WITH w, {OURS} AS ours
    FOREACH (x IN CASE WHEN ours THEN [w] ELSE [] END | {write})
    {then}
    REMOVE w._lock
    WITH w, ours WHERE ours
    RETURN {returns}
    """,
    )


# Past events about nobody it serves: only the cursor moves.
SKIP = _ours(
    "webhooks.skip",
    f"SET x.cursor = CASE WHEN x.cursor < $cursor THEN $cursor ELSE x.cursor END, {RENEW}",
    "w.cursor AS cursor",
)

DELIVERED = _ours(
    "webhooks.delivered",
    "SET x.cursor = CASE WHEN x.cursor < $cursor THEN $cursor ELSE x.cursor END, "
    f"x.failures = 0, x.lastDeliveryAt = $at, x.lastStatus = $status, x.lastError = null, "
    f"{LOGGED}, {RENEW}",
    "w.cursor AS cursor",
)

# A failed delivery leaves the cursor where it is (the event is tried again at the next poll) and
# disables the webhook at ``$max`` failures in a row. Disabling bumps the version, as the steps do.
FAILED = _ours(
    "webhooks.failed",
    "SET x.failures = coalesce(x.failures, 0) + 1, x.lastStatus = $status, "
    f"x.lastError = $error, x.lastAttemptAt = $at, {LOGGED}, {RENEW}",
    "w.failures AS failures, w.status AS status",
    "FOREACH (x IN CASE WHEN ours AND w.failures >= $max THEN [w] ELSE [] END | "
    "SET x.status = $disabled, x.version = x.version + 1, x.updatedAt = $at)",
)


@dataclass(frozen=True)
class Holder:
    """This process as the holder of webhook leases: its ``owner`` id, and how long a claim or
    a write keeps a webhook its own (``lease_ms``, on the graph's clock)."""

    owner: str
    lease_ms: int


@dataclass(frozen=True)
class Hook:
    """An active webhook as the worker reads it (secret included: it signs with it)."""

    id: str
    organization: str
    url: str
    secret: str
    cursor: int
    failures: int
    version: int


@dataclass(frozen=True)
class Attempt:
    """One delivery as the delivery log keeps it: which event, how it ended, how long it took.
    Never the payload or the secret."""

    at: dt.datetime
    cursor: int
    kind: str
    delivered: bool
    status: int | None
    error: str | None
    attempts: int
    duration_ms: int

    def entry(self) -> str:
        return json.dumps(
            {
                "at": self.at.astimezone(dt.UTC).isoformat(),
                "cursor": self.cursor,
                "kind": self.kind,
                "delivered": self.delivered,
                "status": self.status,
                "error": self.error,
                "attempts": self.attempts,
                "durationMs": self.duration_ms,
            },
            sort_keys=True,
        )


def deliveries(stored: Record) -> list[dict[str, Any]]:
    """The delivery log of a webhook read by :func:`of_organization`, newest first."""
    return [json.loads(entry) for entry in stored.get("deliveries") or ()]


@dataclass(frozen=True)
class Scope:
    """The entities an organization's webhook is told about."""

    referrals: frozenset[str]
    resources: frozenset[str]


async def of_organization(store: GraphStore, organization: str) -> Record | None:
    """An organization's webhook, without its secret; None when it has none."""
    rows = await store.read(OF_ORGANIZATION, {"organization": organization})
    return rows[0] if rows else None


async def claim(store: GraphStore, holder: Holder) -> list[Hook]:
    """Take or renew the lease on every ACTIVE webhook free for this process: the ones it
    serves this round."""
    rows = await store.write(
        CLAIM,
        {"active": WebhookStatus.ACTIVE, "owner": holder.owner, "lease_ms": holder.lease_ms},
    )
    return [
        Hook(
            id=str(r["id"]),
            organization=str(r["organization"]),
            url=str(r["url"]),
            secret=str(r["secret"]),
            cursor=int(r["cursor"] or 0),
            failures=int(r["failures"] or 0),
            version=int(r["version"] or 0),
        )
        for r in rows
    ]


async def release(store: GraphStore, holder: Holder) -> None:
    """Give back every webhook this process holds (at shutdown)."""
    await store.write(RELEASE, {"owner": holder.owner})


async def lease(store: GraphStore, organization: str) -> Record | None:
    """Who holds an organization's webhook and until when (epoch ms), with the graph's clock."""
    rows = await store.read(LEASE, {"organization": organization})
    return rows[0] if rows else None


async def scope(store: GraphStore, organization: str) -> Scope:
    rows = await store.read(SCOPE, {"organization": organization})
    if not rows:
        return Scope(frozenset(), frozenset())
    row = rows[0]
    return Scope(
        frozenset([*(row["sent"] or ()), *(row["received"] or ())]),
        frozenset(row["resources"] or ()),
    )


def _ours_params(holder: Holder, hook: Hook) -> dict[str, Any]:
    return {
        "id": hook.id,
        "version": hook.version,
        "active": WebhookStatus.ACTIVE,
        "owner": holder.owner,
        "lease_ms": holder.lease_ms,
    }


async def skip(store: GraphStore, holder: Holder, hook: Hook, cursor: int) -> bool:
    """Move the cursor past events the webhook is not told about; False if it changed since or
    is no longer this process's (nothing written)."""
    return bool(await store.write(SKIP, {**_ours_params(holder, hook), "cursor": cursor}))


async def delivered(store: GraphStore, holder: Holder, hook: Hook, attempt: Attempt) -> bool:
    """Record a delivered event and log it; False when the webhook changed meanwhile or is no
    longer this process's (nothing written)."""
    rows = await store.write(
        DELIVERED,
        {
            **_ours_params(holder, hook),
            "cursor": attempt.cursor,
            "at": attempt.at.replace(microsecond=0),
            "status": attempt.status,
            "entry": attempt.entry(),
            "keep": DELIVERY_LOG,
        },
    )
    return bool(rows)


async def failed(
    store: GraphStore, holder: Holder, hook: Hook, attempt: Attempt, *, max_failures: int
) -> Record | None:
    """Record a failed delivery and log it; the webhook's failures and status after it (None
    when it changed meanwhile or is no longer this process's, and nothing was written)."""
    rows = await store.write(
        FAILED,
        {
            **_ours_params(holder, hook),
            "disabled": WebhookStatus.DISABLED,
            "at": attempt.at.replace(microsecond=0),
            "status": attempt.status,
            "error": attempt.error,
            "entry": attempt.entry(),
            "keep": DELIVERY_LOG,
            "max": max_failures,
        },
    )
    return rows[0] if rows else None
