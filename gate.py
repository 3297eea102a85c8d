"""The gate every GraphQL request passes before the schema sees it.

In order: the body is read up to ``MAX_BODY_BYTES`` (413 beyond), a batch (a JSON array of
operations) is refused (400: one operation per request keeps the per-request limits meaningful),
the bearer token is verified (401 when it is present but cannot be trusted), and the caller's
rate is checked (429 with ``Retry-After``; per token subject, per client address when anonymous).
The viewer is left in ``request.state.viewer`` for the GraphQL context.

Refusals are GraphQL-shaped JSON (``errors[].extensions.code``) so clients handle them like any
other error.
"""

from __future__ import annotations

import json
import math
import time
from collections import OrderedDict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

import auth
from config import Settings
from schema.errors import Code


class RateLimiter:
    """A token bucket per caller: ``rate_per_minute`` sustained, ``burst`` at once. In memory,
    per API process (several instances behind a balancer each allow the rate)."""

    def __init__(self, rate_per_minute: int, burst: int, max_callers: int = 50_000) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.max_callers = max_callers
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def take(self, caller: str, now: float | None = None) -> float:
        """0 when the request may go ahead, else the seconds until it may."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        tokens, last = self.buckets.pop(caller, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self.buckets[caller] = (tokens, now)
        while len(self.buckets) > self.max_callers:
            self.buckets.popitem(last=False)
        return wait


def _refusal(status: int, code: Code, message: str, headers: dict[str, str] | None = None) -> Any:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": str(code)}}]})
    return status, body.encode(), {"content-type": "application/json", **(headers or {})}


async def _respond(send: Send, refusal: Any) -> None:
    status, body, headers = refusal
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Gate:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        limits = settings.limits
        self.limiter = RateLimiter(limits.rate_per_minute, limits.rate_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.settings.limits.max_body_bytes
        body, refusal = await self._read_body(scope, receive, limit)
        if refusal is None and body.lstrip()[:1] == b"[":
            refusal = _refusal(
                400,
                Code.BAD_USER_INPUT,
                "Batched requests (a JSON array) are not accepted; send one operation per request.",
            )
        headers = dict(scope.get("headers") or [])
        viewer = auth.ANONYMOUS
        if refusal is None:
            try:
                raw = headers.get(b"authorization")
                viewer = auth.from_header(self.settings, raw.decode("latin-1") if raw else None)
            except auth.TokenError as exc:
                refusal = _refusal(
                    401,
                    Code.UNAUTHENTICATED,
                    str(exc),
                    {"www-authenticate": 'Bearer error="invalid_token"'},
                )
        if refusal is None:
            client = scope.get("client") or ("unknown", 0)
            wait = self.limiter.take(viewer.rate_key or f"address:{client[0]}")
            if wait > 0:
                refusal = _refusal(
                    429,
                    Code.RATE_LIMITED,
                    f"Too many requests; try again in {math.ceil(wait)} s.",
                    {"retry-after": str(math.ceil(wait))},
                )
        if refusal is not None:
            await _respond(send, refusal)
            return
        scope.setdefault("state", {})["viewer"] = viewer
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _read_body(scope: Scope, receive: Receive, limit: int) -> tuple[bytes, Any]:
        too_large = _refusal(
            413,
            Code.PAYLOAD_TOO_LARGE,
            f"The request body is larger than {limit:,} bytes; send a smaller query or fewer "
            "variables.",
        )
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            return b"", too_large
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return b"", too_large
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks), None
