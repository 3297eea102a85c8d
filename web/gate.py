"""The gate every GraphQL request passes before the schema sees it.

In order: the body is read up to ``MAX_BODY_BYTES`` (413 beyond), a batch (a JSON array of
operations) is refused (400: one operation per request keeps the per-request limits meaningful),
the bearer token is verified (401 when it is present but cannot be trusted), the caller's rate is
checked (429 with ``Retry-After``; per token subject, per client address when anonymous), and the
token is bound to its subject's standing in the graph (:class:`Identities`: 401 when the subject
does not exist as what the role says, has left, or the token was revoked). The viewer is left in
``request.state.viewer`` for the GraphQL context.

Refusals are GraphQL-shaped JSON (``errors[].extensions.code``) so clients handle them like any
other error.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections import OrderedDict
from typing import Any

import redis
from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import ConfigurationError
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from access import tokens
from api.errors import Code
from config import Settings
from graph.access import identity
from graph.access.identity import STANDING_CHANNEL, announce_standing
from graph.engine.errors import GraphError
from graph.engine.store import GraphStore

log = logging.getLogger(__name__)

COUNTS_TIMEOUT_S = 1.0  # the longest a request waits on the shared rate counts


class RateLimiter:
    """Requests per caller: at most ``rate_per_minute`` in any minute and ``burst`` in any
    second, counted by the ``limits`` library's moving window.

    The minute's counts live where every API process on the same graph sees them: in the
    graph's own Redis on FalkorDB (embedded or not), or in ``RATE_LIMIT_STORAGE`` (any ``limits``
    storage URI, e.g. a Redis beside Neo4j); otherwise in this process's memory, and then each
    API process behind a balancer allows the rate (docs/ACCESS.md "Limits"). The second's burst
    is counted in each process: it smooths what one process is asked at once, and counting it
    there saves the request a round trip to the shared counts (measured: 0.78 ms with both
    windows shared, about half with the minute alone: ``python -m bench.rates``). One limiter serves
    every gated route, so the export and the certificates draw on the caller's one allowance.
    """

    def __init__(self, rate_per_minute: int, burst: int) -> None:
        self.burst: RateLimitItem | None = None
        self.minute: RateLimitItem | None = None
        if rate_per_minute > 0:
            self.burst = RateLimitItemPerSecond(burst)
            self.minute = RateLimitItemPerMinute(rate_per_minute)
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._storage: Any = None
        self._shared = self._local
        self._namespace = "crg"
        self._complained = 0.0

    def share(self, uri: str, namespace: str) -> None:
        """Count the minute in the storage at ``uri`` from now on (the lifespan calls it once the
        graph, whose Redis it may be, is open), under ``namespace`` (the graph's name), so two
        deployments on one server keep apart."""
        options: dict[str, Any] = {}
        if "redis" in uri.split("://", 1)[0]:
            # A Redis that hangs must not hold every request: short timeouts, then the local count.
            options = {
                "implementation": "redispy",
                "socket_timeout": COUNTS_TIMEOUT_S,
                "socket_connect_timeout": COUNTS_TIMEOUT_S,
            }
        self._storage = storage_from_string(uri, **options)
        self._shared = MovingWindowRateLimiter(self._storage)
        self._namespace = namespace

    async def close(self) -> None:
        """Let go of the shared counts' connections (at the lifespan's end), so none is left
        for the garbage collector to close on a loop that has gone.

        ``limits`` gives its async Redis storages no close of their own: the redis-py client
        it keeps is closed here (``bridge.storage``; other storages hold no connection)."""
        client = getattr(getattr(self._storage, "bridge", None), "storage", None)
        if client is not None and hasattr(client, "aclose"):
            await client.aclose()
        self._storage = None
        self._shared = self._local

    async def take(self, caller: str) -> float:
        """0 when the request may go ahead (and is counted), else the seconds until it may.

        The burst first: a request refused there does not use up the minute. When the shared
        counts cannot be reached, this process counts the minute alone (as if it were the only
        one behind the balancer) and says so in the log at most once a minute."""
        if self.burst is None or self.minute is None:
            return 0.0
        wait = await self._hit(self._local, self.burst, caller)
        if wait:
            return wait
        try:
            return await self._hit(self._shared, self.minute, caller)
        except (OSError, redis.RedisError, ConfigurationError, TimeoutError) as exc:
            now = time.monotonic()
            if now - self._complained > 60:
                self._complained = now
                log.warning(
                    "the shared rate counts cannot be reached; counting in this process",
                    extra={"error": type(exc).__name__},
                )
            return await self._hit(self._local, self.minute, caller)

    async def _hit(
        self, window: MovingWindowRateLimiter, item: RateLimitItem, caller: str
    ) -> float:
        # Each hit is atomic in its storage (two processes never both take the last place).
        if await window.hit(item, self._namespace, caller):
            return 0.0
        stats = await window.get_window_stats(item, self._namespace, caller)
        return max(1.0, stats.reset_time - time.time())


_NOUN = {
    tokens.Role.SOCIAL_WORKER: "social worker",
    tokens.Role.VOLUNTEER: "volunteer",
    tokens.Role.PARTNER: "partner organization",
}


class Identities:
    """Binds tokens to their subjects' standing in the graph, remembering each answer for
    ``Settings.identity_cache_s`` (at most 60 s) in a bounded cache.

    A token's subject must exist with the label of its role (``tokens.SUBJECT_LABEL``), be active
    (``graph.identity.INACTIVE_STATUSES``), and neither the token nor its subject may have been
    revoked. Admins and analysts are account names, not graph entities: they are bound by
    revocation only. Other API processes on the same graph see a change within the cache's
    lifetime; this process at once after it revokes (:meth:`forget`).
    """

    def __init__(self, ttl_s: float, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._known: OrderedDict[tuple[str, ...], tuple[str | None, float]] = OrderedDict()
        # Bumped by every forget(): an answer read while a change was announced is not kept.
        self._generation = 0
        # Set once this process hears announcements (or knows the engine passes none): from
        # then on a remembered answer is only dropped for a change.
        self.listening = asyncio.Event()

    def forget(self) -> None:
        """Drop every remembered answer (after a revocation, so it holds at once here)."""
        self._known.clear()
        self._generation += 1

    async def changed(self, store: GraphStore) -> None:
        """A subject's standing changed (revoked, deactivated, reactivated, merged): forget here
        at once and tell the other API processes on the graph to forget too."""
        self.forget()
        await announce_standing(store)

    def _heard(self) -> None:
        self.forget()
        self.listening.set()

    async def follow(self, store: GraphStore) -> None:
        """Forget whenever another process announces a change (the lifespan runs this). Where the
        engine passes no announcements (Neo4j), the cache's lifetime bounds staleness alone."""
        while True:
            try:
                if not await store.listen(STANDING_CHANNEL, self._heard):
                    self.listening.set()
                    return
            except GraphError:
                pass  # the graph is away: listen again shortly
            except Exception:  # whatever stops it, the cache lifetime still bounds staleness
                log.exception("listening for changes of standing stopped; listening again")
            self.forget()
            await asyncio.sleep(1.0)

    async def check(self, store: GraphStore, viewer: tokens.Viewer) -> None:
        """Raise :class:`tokens.TokenError` unless the viewer may still act through its token."""
        if viewer.subject is None:
            return  # anonymous
        key = (viewer.role.value, viewer.subject, viewer.token_id or "", str(viewer.issued_at))
        now = time.monotonic()
        known = self._known.get(key)
        if known is not None and now < known[1]:
            self._known.move_to_end(key)
            refusal = known[0]
        else:
            generation = self._generation
            refusal = await self._refusal(store, viewer)
            if self.ttl_s > 0 and generation == self._generation:
                self._known[key] = (refusal, now + self.ttl_s)
                self._known.move_to_end(key)
                while len(self._known) > self.max_entries:
                    self._known.popitem(last=False)
        if refusal is not None:
            raise tokens.TokenError(refusal)

    @staticmethod
    async def _refusal(store: GraphStore, viewer: tokens.Viewer) -> str | None:
        label = tokens.SUBJECT_LABEL.get(viewer.role)
        standing = await identity.standing(
            store, label, str(viewer.subject), viewer.token_id, viewer.issued_at or 0.0
        )
        if standing.revoked:
            return "The token has been revoked; sign in again for a new one."
        if label is None:
            return None
        noun = _NOUN[viewer.role]
        if not standing.found:
            return (
                f"The token is for a {noun} that is not registered here; ask an administrator "
                "for a token in your own name."
            )
        if not standing.active:
            return f"The token's {noun} is no longer active here, so its tokens no longer work."
        return None


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
    def __init__(
        self, app: ASGIApp, settings: Settings, identities: Identities, limiter: RateLimiter
    ) -> None:
        self.app = app
        self.settings = settings
        self.identities = identities
        self.limiter = limiter

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
        viewer = tokens.ANONYMOUS
        if refusal is None:
            try:
                raw = headers.get(b"authorization")
                viewer = tokens.from_header(self.settings, raw.decode("latin-1") if raw else None)
            except tokens.TokenError as exc:
                refusal = _refusal(
                    401,
                    Code.UNAUTHENTICATED,
                    str(exc),
                    {"www-authenticate": 'Bearer error="invalid_token"'},
                )
        if refusal is None:
            client = scope.get("client") or ("unknown", 0)
            wait = await self.limiter.take(viewer.rate_key or f"address:{client[0]}")
            if wait > 0:
                refusal = _refusal(
                    429,
                    Code.RATE_LIMITED,
                    f"Too many requests; try again in {math.ceil(wait)} s.",
                    {"retry-after": str(math.ceil(wait))},
                )
        if refusal is None:
            refusal = await self._bind(scope, viewer)
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

    async def _bind(self, scope: Scope, viewer: tokens.Viewer) -> Any:
        """The refusal for a token whose subject may no longer act, else None."""
        if viewer.subject is None:
            return None
        store: GraphStore | None = scope["app"].state.store
        try:
            if store is None:
                raise GraphError("The graph store is not open yet.")
            await self.identities.check(store, viewer)
        except tokens.TokenError as exc:
            return _refusal(
                401,
                Code.UNAUTHENTICATED,
                str(exc),
                {"www-authenticate": 'Bearer error="invalid_token"'},
            )
        except GraphError:
            # Without the graph a token cannot be bound; the request could not be answered anyway.
            log.warning("could not check a token's subject", exc_info=True)
            return _refusal(
                503,
                Code.GRAPH_UNAVAILABLE,
                "The graph store is unavailable at the moment; try again shortly.",
                {"retry-after": "1"},
            )
        return None

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
