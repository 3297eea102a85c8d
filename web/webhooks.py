"""Posting one webhook delivery: signed JSON, retried with backoff (docs/LIVE.md "Webhooks").

Why a module of its own: the HTTP side of a delivery (headers, signature, what counts as
delivered, what the delivery log records) is the same whoever drives it, the per-webhook worker
reading the event log or a test; the rules it applies (URL, signature, backoff) are
``domain/webhooks.py``.

A delivery succeeds on any 2xx answer. Anything else (another status, a timeout, a refused
connection) is retried up to ``Backoff.attempts`` times, waiting ``Backoff.delay(n)`` between
tries; the URL is checked again before every try, since its host's addresses may have changed
since it was approved. The outcome says what the delivery log keeps: attempts, the last HTTP
status, the last error, when it was delivered.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from domain.webhooks import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    Backoff,
    BadWebhookUrl,
    check_url,
    sign,
)

USER_AGENT = "community-resource-graph-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """One delivery as the delivery log records it."""

    event_id: str
    attempts: int
    status: int | None  # the last HTTP status answered, None if none was
    error: str | None  # why the last attempt failed, None when delivered
    delivered_at: dt.datetime | None

    @property
    def delivered(self) -> bool:
        return self.delivered_at is not None


def body_of(payload: Mapping[str, object]) -> bytes:
    """The exact bytes signed and sent (compact, keys sorted: stable for the same payload)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


async def deliver(
    client: httpx.AsyncClient,
    url: str,
    secret: str,
    event_id: str,
    payload: Mapping[str, object],
    *,
    backoff: Backoff,
    allow_loopback_http: bool = False,
    timeout_s: float = 10.0,
) -> Outcome:
    """POST ``payload`` to ``url`` until a 2xx or ``backoff.attempts`` tries; never raises for
    the receiver's failures (they are the outcome)."""
    body = body_of(payload)
    status: int | None = None
    error: str | None = None
    attempt = 0
    for attempt in range(1, backoff.attempts + 1):
        if attempt > 1:
            await asyncio.sleep(backoff.delay(attempt - 1))
        try:
            check_url(url, allow_loopback_http=allow_loopback_http)
        except BadWebhookUrl as refused:
            return Outcome(event_id, attempt, None, str(refused), None)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            EVENT_ID_HEADER: event_id,
            SIGNATURE_HEADER: sign(secret, body, int(time.time())),
        }
        try:
            answer = await client.post(
                url, content=body, headers=headers, timeout=timeout_s, follow_redirects=False
            )
        except httpx.HTTPError as failed:
            status, error = None, f"{type(failed).__name__}: {failed}"[:500]
            continue
        status = answer.status_code
        if 200 <= status < 300:
            return Outcome(event_id, attempt, status, None, dt.datetime.now(dt.UTC))
        error = f"HTTP {status}"
    return Outcome(event_id, attempt, status, error, None)


@dataclass
class Standing:
    """A webhook's health as deliveries tell it: consecutive failures, the last error, and
    whether it is still enabled (disabled after ``max_failures`` failed deliveries in a row; the
    partner re-enables it, which clears the count)."""

    max_failures: int
    failures: int = 0
    last_error: str | None = None
    enabled: bool = True

    def record(self, outcome: Outcome) -> None:
        if outcome.delivered:
            self.failures = 0
            return
        self.failures += 1
        self.last_error = outcome.error
        if self.failures >= self.max_failures:
            self.enabled = False

    def enable(self) -> None:
        self.failures = 0
        self.enabled = True
