"""Partner webhooks as the delivery worker and the API read them, and the worker's bookkeeping
(docs/LIVE.md "Webhooks"); the steps partners and administrators take are workflow steps
(``graph/workflows/webhooks.py``).

The worker's writes are not workflow steps and record no event: a delivery's outcome and the
cursor it advances change no entity anyone subscribes to, and an event per delivery would itself
be read back by every feed. Each write names the webhook's ``version`` it read, so an outcome
recorded after the partner re-registered, rotated, disabled or re-enabled it changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore, Record
from graph.model.vocab import WebhookStatus

OF_ORGANIZATION = cypher(
    "webhooks.of_organization",
    """
    MATCH (w:Webhook {organization: $organization})
    RETURN w.id AS id, w.organization AS organization, w.url AS url, w.status AS status,
           w.failures AS failures, w.lastDeliveryAt AS lastDeliveryAt,
           w.lastStatus AS lastStatus, w.lastError AS lastError, w.version AS version,
           w.createdAt AS createdAt
    """,
)

ACTIVE = cypher(
    "webhooks.active",
    """
    MATCH (w:Webhook) WHERE w.status = $active
    RETURN w.id AS id, w.organization AS organization, w.url AS url, w.secret AS secret,
           w.cursor AS cursor, w.failures AS failures, w.version AS version
    ORDER BY w.id
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

# Past events about nobody it serves: only the cursor moves.
SKIP = cypher(
    "webhooks.skip",
    """
    MATCH (w:Webhook {id: $id}) WHERE w.version = $version AND w.status = $active
    SET w.cursor = CASE WHEN w.cursor < $cursor THEN $cursor ELSE w.cursor END
    RETURN w.cursor AS cursor
    """,
)

DELIVERED = cypher(
    "webhooks.delivered",
    """
    MATCH (w:Webhook {id: $id}) WHERE w.version = $version AND w.status = $active
    SET w.cursor = CASE WHEN w.cursor < $cursor THEN $cursor ELSE w.cursor END,
        w.failures = 0, w.lastDeliveryAt = $at, w.lastStatus = $status, w.lastError = null
    RETURN w.cursor AS cursor
    """,
)

# A failed delivery leaves the cursor where it is (the event is tried again at the next poll) and
# disables the webhook at ``$max`` failures in a row. Disabling bumps the version, as the steps do.
FAILED = cypher(
    "webhooks.failed",
    """
    MATCH (w:Webhook {id: $id}) WHERE w.version = $version AND w.status = $active
    SET w.failures = coalesce(w.failures, 0) + 1, w.lastStatus = $status, w.lastError = $error,
        w.lastAttemptAt = $at
    WITH w
    FOREACH (x IN CASE WHEN w.failures >= $max THEN [w] ELSE [] END |
        SET x.status = $disabled, x.version = x.version + 1, x.updatedAt = $at)
    RETURN w.failures AS failures, w.status AS status
    """,
)


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
class Scope:
    """The entities an organization's webhook is told about."""

    referrals: frozenset[str]
    resources: frozenset[str]


async def of_organization(store: GraphStore, organization: str) -> Record | None:
    """An organization's webhook, without its secret; None when it has none."""
    rows = await store.read(OF_ORGANIZATION, {"organization": organization})
    return rows[0] if rows else None


async def active(store: GraphStore) -> list[Hook]:
    rows = await store.read(ACTIVE, {"active": WebhookStatus.ACTIVE})
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


async def scope(store: GraphStore, organization: str) -> Scope:
    rows = await store.read(SCOPE, {"organization": organization})
    if not rows:
        return Scope(frozenset(), frozenset())
    row = rows[0]
    return Scope(
        frozenset([*(row["sent"] or ()), *(row["received"] or ())]),
        frozenset(row["resources"] or ()),
    )


async def skip(store: GraphStore, hook: Hook, cursor: int) -> bool:
    """Move the cursor past events the webhook is not told about; False if it changed since."""
    params = {"id": hook.id, "version": hook.version, "active": WebhookStatus.ACTIVE}
    return bool(await store.write(SKIP, {**params, "cursor": cursor}))


async def delivered(store: GraphStore, hook: Hook, cursor: int, at: object, status: int) -> bool:
    """Record a delivered event; False when the webhook changed meanwhile (nothing written)."""
    rows = await store.write(
        DELIVERED,
        {
            "id": hook.id,
            "version": hook.version,
            "active": WebhookStatus.ACTIVE,
            "cursor": cursor,
            "at": at,
            "status": status,
        },
    )
    return bool(rows)


async def failed(
    store: GraphStore,
    hook: Hook,
    *,
    at: object,
    status: int | None,
    error: str | None,
    max_failures: int,
) -> Record | None:
    """Record a failed delivery; the webhook's failures and status after it (None when it
    changed meanwhile and nothing was written)."""
    rows = await store.write(
        FAILED,
        {
            "id": hook.id,
            "version": hook.version,
            "active": WebhookStatus.ACTIVE,
            "disabled": WebhookStatus.DISABLED,
            "at": at,
            "status": status,
            "error": error,
            "max": max_failures,
        },
    )
    return rows[0] if rows else None
