"""Partner webhooks (docs/LIVE.md "Webhooks"): registering one, approving, disabling, enabling,
rotating its secret.

A ``Webhook`` node names its organization by id (``organization``), like an evaluation, and an
organization has at most one: registering again replaces its URL and secret and sends it back to
PENDING. Every step locks the organization, so two steps on one webhook queue. Its ``cursor`` is
the number of the last event of the log (``graph/feed.py``) it has been given; approval sets it to
the log's head, so a webhook receives what happens from then on, not the past. The delivery
worker's own bookkeeping (outcomes, cursor, disabling after failures) is not a step: it changes
no entity anyone reads events about (``graph/webhooks.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.vocab import WebhookStatus
from graph.workflows.guards import Lock, guarded
from graph.workflows.runner import Done, Request, missing, perform, refused

# Every step locks the organization and reads its webhook, if any; all but registering need both.
_ORGANIZATION = Lock("o", "Organization", "organization")
_WEBHOOK = "OPTIONAL MATCH (w:Webhook {organization: $organization})"
_ORGANIZATION_FOUND = ("o IS NULL", "ORGANIZATION_NOT_FOUND")
_WEBHOOK_FOUND = ("w IS NULL", "WEBHOOK_NOT_FOUND")

REGISTER_WEBHOOK = guarded(
    "workflows.register_webhook",
    locks=_ORGANIZATION,
    reads=_WEBHOOK,
    keep="o, w",
    problems=[_ORGANIZATION_FOUND],
    write="FOREACH (x IN CASE WHEN w IS NULL THEN [1] ELSE [] END | "
    "CREATE (:Webhook {id: $id, organization: $organization, url: $url, status: $status, "
    "secret: $secret, failures: 0, cursor: 0, version: 1, createdAt: $at, updatedAt: $at})) "
    "FOREACH (x IN CASE WHEN w IS NULL THEN [] ELSE [w] END | "
    "SET x.url = $url, x.status = $status, x.secret = $secret, x.failures = 0, "
    "x.lastError = null, x.version = x.version + 1, x.updatedAt = $at)",
    result="$organization",
)

# approve, disable, enable: from the statuses the step allows, to its status. ``$from_head``:
# deliveries start at the log's head (approval); ``$reset``: the failure count starts again.
SET_WEBHOOK_STATUS = guarded(
    "workflows.set_webhook_status",
    locks=_ORGANIZATION,
    reads=f"""
    {_WEBHOOK}
    OPTIONAL MATCH (head:EventClock {{id: 'events'}})
    """,
    keep="o, w, head",
    problems=[
        _ORGANIZATION_FOUND,
        _WEBHOOK_FOUND,
        ("NOT w.status IN $from_statuses", "WRONG_STATUS"),
    ],
    write="SET w.status = $status, w.version = w.version + 1, w.updatedAt = $at, "
    "w.failures = CASE WHEN $reset THEN 0 ELSE w.failures END, "
    "w.cursor = CASE WHEN $from_head THEN coalesce(head.seq, 0) ELSE w.cursor END",
    result="$organization",
)

ROTATE_WEBHOOK_SECRET = guarded(
    "workflows.rotate_webhook_secret",
    locks=_ORGANIZATION,
    reads=_WEBHOOK,
    keep="o, w",
    problems=[_ORGANIZATION_FOUND, _WEBHOOK_FOUND],
    write="SET w.secret = $secret, w.version = w.version + 1, w.updatedAt = $at",
    result="$organization",
)


def _problems(organization: str) -> dict[str, Any]:
    return {
        "ORGANIZATION_NOT_FOUND": missing("organization", organization),
        "WEBHOOK_NOT_FOUND": refused("This organization has no webhook; register one first."),
    }


async def register_webhook(
    store: GraphStore, request: Request, *, webhook: str, organization: str, url: str, secret: str
) -> Done:
    """Register (or replace) an organization's webhook: PENDING until an administrator approves
    it. ``url`` has been checked (``domain.webhooks.check_url``) and ``secret`` made fresh."""
    return await perform(
        store,
        REGISTER_WEBHOOK,
        {
            "id": webhook,
            "organization": organization,
            "url": url,
            "secret": secret,
            "status": WebhookStatus.PENDING,
        },
        request,
        organization,
        {"ORGANIZATION_NOT_FOUND": missing("organization", organization)},
        change=Change("WEBHOOK_REGISTERED", "Organization"),
    )


@dataclass(frozen=True)
class Transition:
    """One of approve, disable, enable: the statuses it may start from, the status it reaches,
    whether the failure count starts again, whether deliveries start at the log's head, and the
    change it announces. The three differ only in these, so one function prepares each."""

    status: WebhookStatus
    allowed: tuple[WebhookStatus, ...]
    reset: bool
    from_head: bool
    event: str


TRANSITIONS = {
    "approve": Transition(
        WebhookStatus.ACTIVE, (WebhookStatus.PENDING,), True, True, "WEBHOOK_APPROVED"
    ),
    "disable": Transition(
        WebhookStatus.DISABLED,
        (WebhookStatus.PENDING, WebhookStatus.ACTIVE),
        False,
        False,
        "WEBHOOK_DISABLED",
    ),
    "enable": Transition(
        WebhookStatus.ACTIVE, (WebhookStatus.DISABLED,), True, False, "WEBHOOK_ENABLED"
    ),
}


def _transition(name: str, organization: str) -> tuple[dict[str, Any], dict[str, Any], Change]:
    """The statement's parameters, its problems and the change it announces, for one of
    :data:`TRANSITIONS` (each public step still calls ``perform`` itself: the workflow seam)."""
    step = TRANSITIONS[name]
    params = {
        "organization": organization,
        "status": step.status,
        "from_statuses": list(step.allowed),
        "reset": step.reset,
        "from_head": step.from_head,
    }
    problems = {
        **_problems(organization),
        "WRONG_STATUS": refused(
            f"Only a webhook that is {' or '.join(step.allowed)} can become {step.status}."
        ),
    }
    return params, problems, Change(step.event, "Organization")


async def approve_webhook(store: GraphStore, request: Request, organization: str) -> Done:
    """PENDING → ACTIVE; deliveries start with the next event."""
    params, problems, change = _transition("approve", organization)
    return await perform(
        store, SET_WEBHOOK_STATUS, params, request, organization, problems, change=change
    )


async def disable_webhook(store: GraphStore, request: Request, organization: str) -> Done:
    """PENDING or ACTIVE → DISABLED; nothing is delivered while disabled."""
    params, problems, change = _transition("disable", organization)
    return await perform(
        store, SET_WEBHOOK_STATUS, params, request, organization, problems, change=change
    )


async def enable_webhook(store: GraphStore, request: Request, organization: str) -> Done:
    """DISABLED → ACTIVE with the failure count cleared; deliveries resume at its cursor (the
    event that failed last, then what came after it, while the log still holds them)."""
    params, problems, change = _transition("enable", organization)
    return await perform(
        store, SET_WEBHOOK_STATUS, params, request, organization, problems, change=change
    )


async def rotate_webhook_secret(
    store: GraphStore, request: Request, *, organization: str, secret: str
) -> Done:
    """A new signing secret (shown once, by the mutation); the old one stops signing at once."""
    return await perform(
        store,
        ROTATE_WEBHOOK_SECRET,
        {"organization": organization, "secret": secret},
        request,
        organization,
        _problems(organization),
        change=Change("WEBHOOK_SECRET_ROTATED", "Organization"),
    )
