"""The WebSocket side of subscriptions (graphql-transport-ws; docs/LIVE.md).

What the HTTP gate does for a request, :class:`LiveHandler` does for a connection:
- ``connection_init`` must carry a bearer token (``{"authorization": "Bearer <token>"}``); a
  missing, untrusted, expired or revoked one, or one whose subject has left, closes the socket
  with 4403 (Forbidden), before anything is subscribed;
- at most ``Live.connections_per_viewer`` open connections per viewer in this process (more: 4429)
  and ``Live.subscriptions_per_viewer`` running subscriptions over them (more: an ``error``
  message with ``extensions.code`` RATE_LIMITED, the connection stays);
- only subscriptions: queries and mutations go over HTTP, through the gate's rate limits;
- every ``Live.recheck_s`` the token is verified again and its subject's standing re-read, so a
  revoked token, an expired one or a deactivated person loses the connection (4403);
- a connection that runs no subscription for ``Live.idle_s`` is closed (4408).
Errors carry ``extensions.code`` as over HTTP (``schema.errors.format_error``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from typing import Any

from graphql import GraphQLError, OperationType, parse
from graphql.error import GraphQLSyntaxError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.types import ExecutionResult

from access import tokens
from api.errors import Code
from config import Settings
from graph.engine.errors import GraphError
from schema.errors import format_error
from schema.live import LiveContext
from web.gate import Identities

log = logging.getLogger(__name__)

FORBIDDEN = 4403
TOO_MANY = 4429
IDLE = 4408


class Connections:
    """Open connections and running subscriptions per viewer, in this process."""

    def __init__(self) -> None:
        self.connections: Counter[str] = Counter()
        self.subscriptions: Counter[str] = Counter()


class LiveOperation(Operation):  # type: ignore[type-arg]
    """An operation whose errors read as over HTTP (``extensions.code``)."""

    async def send_initial_errors(self, errors: list[GraphQLError]) -> None:
        await self.send_operation_message(
            {"id": self.id, "type": "error", "payload": [format_error(e) for e in errors]}
        )

    async def send_next(self, execution_result: ExecutionResult) -> None:
        payload: dict[str, Any] = {"data": execution_result.data}
        if execution_result.errors:
            payload["errors"] = [format_error(e) for e in execution_result.errors]
        await self.send_operation_message({"id": self.id, "type": "next", "payload": payload})


def _error(message: str, code: Code) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": str(code)}}


def _is_subscription(query: str, operation_name: str | None) -> bool | None:
    """Whether the document's operation is a subscription (None: it does not parse)."""
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return None
    for definition in document.definitions:
        operation = getattr(definition, "operation", None)
        name = getattr(getattr(definition, "name", None), "value", None)
        if operation is not None and (operation_name is None or name == operation_name):
            return bool(operation == OperationType.SUBSCRIPTION)
    return None


class LiveHandler(BaseGraphQLTransportWSHandler):  # type: ignore[type-arg]
    """graphql-transport-ws with our sign-in, caps, rechecks and idle timeout."""

    context: LiveContext

    @property
    def _settings(self) -> Settings:
        return self.context.settings

    @property
    def _app_state(self) -> Any:
        return self.context.request.app.state

    async def handle(self) -> None:
        watchdog: asyncio.Task[None] | None = None
        counted: str | None = None
        self._counted = None
        try:
            watchdog = asyncio.create_task(self._watch(), name="live-watchdog")
            await super().handle()
        finally:
            if watchdog is not None:
                watchdog.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watchdog
            counted = self._counted
            if counted is not None:
                self._app_state.live.connections[counted] -= 1

    async def handle_connection_init(self, message: Any) -> None:
        if self.connection_init_received or self.connection_timed_out:
            await super().handle_connection_init(message)
            return
        if self.connection_init_timeout_task:
            self.connection_init_timeout_task.cancel()
        payload = message.get("payload") or {}
        if not isinstance(payload, dict):
            await self.websocket.close(code=4400, reason="Invalid connection init payload")
            return
        self.connection_init_received = True
        raw = payload.get("authorization") or payload.get("Authorization")
        refusal = "Send `authorization: Bearer <token>` in the connection_init payload."
        viewer = tokens.ANONYMOUS
        if isinstance(raw, str) and raw.strip():
            try:
                viewer = tokens.from_header(self._settings, raw)
                await self._identities.check(self.context.store, viewer)
                refusal = ""
            except tokens.TokenError as exc:
                refusal = str(exc)
            except GraphError:
                refusal = "The graph store is unavailable at the moment; try again shortly."
        if refusal or (viewer.subject is None and viewer.role is tokens.Role.ANONYMOUS):
            await self.websocket.close(code=FORBIDDEN, reason=_reason(refusal or "Sign in."))
            return
        live = self._app_state.live
        if live.connections[viewer.actor] >= self._settings.live.connections_per_viewer:
            await self.websocket.close(
                code=TOO_MANY,
                reason=_reason(
                    f"At most {self._settings.live.connections_per_viewer} connections at once."
                ),
            )
            return
        live.connections[viewer.actor] += 1
        self._counted = viewer.actor
        self.context.viewer = viewer
        self.context.token = raw.strip().partition(" ")[2].strip()  # type: ignore[union-attr]
        self.context.connection_params = payload
        self.context.__post_init__()
        await self.send_message({"type": "connection_ack"})
        self.connection_acknowledged = True

    @property
    def _identities(self) -> Identities:
        identities: Identities = self._app_state.identities
        return identities

    async def handle_subscribe(self, message: Any) -> None:
        if not self.connection_acknowledged:
            await self.websocket.close(code=4401, reason="Unauthorized")
            return
        if message["id"] in self.operations:
            await self.websocket.close(
                code=4409, reason=f"Subscriber for {message['id']} already exists"
            )
            return
        payload = message.get("payload") or {}
        query = payload.get("query") or ""
        kind = _is_subscription(query, payload.get("operationName"))
        refusal = None
        if kind is False:
            refusal = _error(
                "Only subscriptions are served over WebSocket; send queries and mutations over "
                "HTTP.",
                Code.BAD_USER_INPUT,
            )
        live = self._app_state.live
        actor = self.context.viewer.actor
        cap = self._settings.live.subscriptions_per_viewer
        if refusal is None and live.subscriptions[actor] >= cap:
            refusal = _error(f"At most {cap} subscriptions at once.", Code.RATE_LIMITED)
        if refusal is not None:
            await self.send_message({"id": message["id"], "type": "error", "payload": [refusal]})
            return
        operation = LiveOperation(
            self, message["id"], query, payload.get("variables"), payload.get("operationName")
        )
        live.subscriptions[actor] += 1

        async def run() -> None:
            try:
                await self.run_operation(operation)
            finally:
                live.subscriptions[actor] -= 1

        operation.task = asyncio.create_task(run())
        operation.task.add_done_callback(self._task_done)
        self.operations[message["id"]] = operation

    async def _watch(self) -> None:
        """Recheck the viewer's standing; close an idle connection."""
        settings = self._settings.live
        idle_since = asyncio.get_running_loop().time()
        while True:
            await asyncio.sleep(min(settings.recheck_s, settings.idle_s))
            now = asyncio.get_running_loop().time()
            if self.operations:
                idle_since = now
            elif now - idle_since >= settings.idle_s and self.connection_acknowledged:
                await self.websocket.close(code=IDLE, reason="Idle: no subscription running")
                return
            if not self.connection_acknowledged or self.context.token is None:
                continue
            try:
                viewer = tokens.verify(self._settings, self.context.token)
                await self._identities.check(self.context.store, viewer)
            except tokens.TokenError as exc:
                await self.websocket.close(code=FORBIDDEN, reason=_reason(str(exc)))
                return
            except GraphError:
                log.warning("could not recheck a subscriber's token", exc_info=True)


def _reason(text: str) -> str:
    """A close reason fits in 123 bytes (RFC 6455)."""
    encoded = text.encode()
    return text if len(encoded) <= 123 else encoded[:120].decode(errors="ignore") + "…"
