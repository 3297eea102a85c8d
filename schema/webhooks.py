"""Partner webhooks (docs/LIVE.md "Webhooks"): the ``Webhook`` an organization reads, and the
mutations that register, approve, disable, enable it and rotate its secret.

An organization has at most one webhook, so each mutation names the organization. The signing
secret is never readable: the payload of ``registerWebhook`` and ``rotateWebhookSecret`` carries
it once (``null`` on a replayed retry).

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

import datetime as dt
from typing import Annotated, Any

import strawberry

from access.acts import Act
from graph.webhooks import DELIVERY_LOG, deliveries
from resolvers import webhooks as resolve
from resolvers.webhooks import Shown
from schema.enums import WebhookStatus
from schema.fields import entity
from schema.permissions import may
from schema.steps import Arg, id_arg, mutation_type, step


def _instant(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    when = dt.datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@strawberry.type(
    description="One delivery attempt of a webhook, as its delivery log keeps it (the event's "
    "cursor and kind, how it ended, how long it took; never the payload or the secret)."
)
class WebhookDelivery:
    at: dt.datetime = strawberry.field(description="When the delivery ended.")
    cursor: str = strawberry.field(
        description="The event's number in the log, as subscriptions give it (`cursor`)."
    )
    kind: str = strawberry.field(description="The event's kind, e.g. REFERRAL_ACCEPTED.")
    delivered: bool = strawberry.field(description="True when the receiver answered with a 2xx.")
    status: int | None = strawberry.field(
        description="The HTTP status the receiver last answered, null if it answered none."
    )
    error: str | None = strawberry.field(
        description="Why it failed (e.g. `HTTP 500`, a timeout, a refused connection); null "
        "when delivered."
    )
    attempts: int = strawberry.field(description="Tries made (retries with backoff included).")
    duration_ms: int = strawberry.field(
        description="How long the delivery took, its tries and waits included, in milliseconds."
    )

    @classmethod
    def of(cls, entry: dict[str, Any]) -> "WebhookDelivery":
        return cls(
            at=_instant(entry["at"]) or dt.datetime.min,
            cursor=str(entry["cursor"]),
            kind=str(entry["kind"]),
            delivered=bool(entry["delivered"]),
            status=entry.get("status"),
            error=entry.get("error"),
            attempts=int(entry.get("attempts") or 0),
            duration_ms=int(entry.get("durationMs") or 0),
        )


@strawberry.type(
    description="An organization's webhook: where events about its referrals and resources are "
    "POSTed, signed with its secret (never shown here), and how deliveries are going."
)
class Webhook:
    url: str = strawberry.field(description="Where deliveries are POSTed.")
    status: WebhookStatus = strawberry.field(description="Pending approval, active or disabled.")
    failures: int = strawberry.field(
        description="Failed deliveries in a row (reset by a delivery or by enabling it)."
    )
    last_delivery_at: dt.datetime | None = strawberry.field(
        description="When the last delivery was answered with a 2xx."
    )
    last_status: int | None = strawberry.field(
        description="The HTTP status the receiver last answered, if any."
    )
    last_error: str | None = strawberry.field(
        description="Why the last failed delivery failed (cleared by a delivery)."
    )
    version: int = strawberry.field(description="Changes so far.")
    deliveries: list[WebhookDelivery] = strawberry.field(
        description=f"The last {DELIVERY_LOG} delivery attempts, newest first: when, which "
        "event, the HTTP status or the error, how long. Read by whoever may read the webhook."
    )

    @classmethod
    def of(cls, stored: dict[str, Any]) -> "Webhook":
        return cls(
            deliveries=[WebhookDelivery.of(entry) for entry in deliveries(stored)],
            url=str(stored["url"]),
            status=WebhookStatus(stored["status"]),
            failures=int(stored["failures"] or 0),
            last_delivery_at=_instant(stored.get("lastDeliveryAt")),
            last_status=None if stored.get("lastStatus") is None else int(stored["lastStatus"]),
            last_error=stored.get("lastError"),
            version=int(stored["version"] or 0),
        )


async def organization_webhook(info: strawberry.Info, organization: str) -> Webhook | None:
    """``Organization.webhook``: for its own partner and administrators, else null."""
    stored = await resolve.organization_webhook(info, organization)
    return None if stored is None else Webhook.of(stored)


@strawberry.type(description="The organization whose webhook a step acted on, and the webhook.")
class WebhookPayload:
    key: strawberry.Private[str]
    replayed: bool = strawberry.field(
        description="True when this answers a retry of an earlier request (same key)."
    )
    secret: str | None = strawberry.field(
        description="The signing secret, shown this once: by `registerWebhook` and "
        "`rotateWebhookSecret` (null on a replayed retry and for the other steps). Keep it to "
        "verify the `Webhook-Signature` header; it cannot be read again."
    )

    @strawberry.field(description="The organization, as it is now.")
    async def organization(
        self, info: strawberry.Info
    ) -> Annotated["Organization", strawberry.lazy("schema.organizations")] | None:  # noqa: F821
        return await entity(info, "Organization", self.key)

    @strawberry.field(description="Its webhook, as it is now.")
    async def webhook(self, info: strawberry.Info) -> Webhook | None:
        return await organization_webhook(info, self.key)

    @classmethod
    def from_result(cls, done: Any) -> "WebhookPayload":
        secret = done.secret if isinstance(done, Shown) else None
        return cls(key=done.result, replayed=done.replayed, secret=secret)


ORGANIZATION_ID = id_arg("organization_id", "The organization whose webhook it is.")
OWNER = may(Act.ORGANIZATION, organization="organization_id")

MUTATIONS = (
    step(
        resolve.register_webhook,
        WebhookPayload,
        OWNER,
        "Register the organization's webhook (its partner or an administrator): PENDING until an "
        "administrator approves it. Registering again replaces the URL and the secret and waits "
        "for approval again. The URL must be https to a public host (BAD_USER_INPUT naming `url` "
        "otherwise, nothing written). The payload's `secret` is shown this once.",
        ORGANIZATION_ID,
        Arg("url", str, "Where to POST deliveries (https, a public host)."),
    ),
    step(
        resolve.approve_webhook,
        WebhookPayload,
        may(Act.ADMINISTER),
        "Approve a PENDING webhook (administrators): it becomes ACTIVE and receives the events "
        "from now on.",
        ORGANIZATION_ID,
    ),
    step(
        resolve.disable_webhook,
        WebhookPayload,
        OWNER,
        "Disable the organization's webhook (its partner or an administrator): nothing is "
        "delivered until it is enabled again.",
        ORGANIZATION_ID,
    ),
    step(
        resolve.enable_webhook,
        WebhookPayload,
        OWNER,
        "Enable a DISABLED webhook again (its partner or an administrator), clearing its "
        "failures: deliveries resume where they stopped.",
        ORGANIZATION_ID,
    ),
    step(
        resolve.rotate_webhook_secret,
        WebhookPayload,
        OWNER,
        "Give the organization's webhook a new signing secret (its partner or an administrator), "
        "shown this once in the payload; the old one stops signing at once.",
        ORGANIZATION_ID,
    ),
)

WebhookMutation = mutation_type(
    "WebhookMutation", MUTATIONS, "Partner webhooks: register, approve, disable, enable, rotate."
)
