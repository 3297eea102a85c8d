"""Partner webhooks (docs/LIVE.md "Webhooks"): the mutations and ``Organization.webhook``.

An organization has at most one webhook, so the mutations name it by its organization. A URL is
checked here (``domain.webhooks.check_url``), before the graph: a bad one is ``BAD_USER_INPUT``
naming ``url`` and nothing is written. The secret is made here too and handed back once, in the
payload of the step that set it; the request's fingerprint leaves it out, so a retry with the same
key replays (without the secret: it is never read back).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from access import policy
from api.errors import BadUserInput
from domain.webhooks import BadWebhookUrl, check_url, new_secret
from graph import webhooks as stored
from graph import workflows
from graph.engine.store import GraphStore
from graph.workflows import Done, Request
from resolvers.steps import entity_key
from resolvers.steps import request as _request

if TYPE_CHECKING:
    from resolvers.context import Info


@dataclass(frozen=True)
class Shown(Done):
    """A step's answer with the secret it set (None on a replayed retry and for other steps)."""

    secret: str | None = None


def _organization(organization_id: str) -> str:
    return entity_key(organization_id, "Organization", "organizationId")


def _url(info: Info, url: str) -> str:
    try:
        return check_url(
            url, allow_loopback_http=info.context.settings.webhooks.allow_loopback_http
        )
    except BadWebhookUrl as bad:
        raise BadUserInput(f"`url`: {bad}", field="url") from None


def _shown(done: Done, secret: str) -> Shown:
    return Shown(done.result, done.replayed, done.row, None if done.replayed else secret)


async def register_webhook(info: Info, key: str | None, *, organization_id: str, url: str) -> Done:
    organization = _organization(organization_id)
    checked = _url(info, url)
    secret = new_secret()
    request = _request(info, "registerWebhook", key, organization=organization, url=checked)
    done = await workflows.register_webhook(
        info.context.store,
        request,
        webhook=workflows.new_id("webhook"),
        organization=organization,
        url=checked,
        secret=secret,
    )
    return _shown(done, secret)


# A status step of graph.workflows (approve, disable, enable).
Step = Callable[[GraphStore, Request, str], Awaitable[Done]]


async def _set_status(
    info: Info, key: str | None, organization_id: str, operation: str, step: Step
) -> Done:
    organization = _organization(organization_id)
    request = _request(info, operation, key, organization=organization)
    return await step(info.context.store, request, organization)


async def approve_webhook(info: Info, key: str | None, *, organization_id: str) -> Done:
    return await _set_status(
        info, key, organization_id, "approveWebhook", workflows.approve_webhook
    )


async def disable_webhook(info: Info, key: str | None, *, organization_id: str) -> Done:
    return await _set_status(
        info, key, organization_id, "disableWebhook", workflows.disable_webhook
    )


async def enable_webhook(info: Info, key: str | None, *, organization_id: str) -> Done:
    return await _set_status(info, key, organization_id, "enableWebhook", workflows.enable_webhook)


async def rotate_webhook_secret(info: Info, key: str | None, *, organization_id: str) -> Done:
    organization = _organization(organization_id)
    secret = new_secret()
    request = _request(info, "rotateWebhookSecret", key, organization=organization)
    done = await workflows.rotate_webhook_secret(
        info.context.store, request, organization=organization, secret=secret
    )
    return _shown(done, secret)


async def organization_webhook(info: Info, organization: str) -> dict[str, Any] | None:
    """The organization's webhook for its own partner and administrators; None for anyone else
    (whether or not there is one) and when there is none."""
    if not policy.reads_webhook(info.context.viewer, organization):
        return None
    return await stored.of_organization(info.context.store, organization)
