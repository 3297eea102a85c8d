"""The Starlette application: GraphQL at /graphql, health probes, the graph opened in the lifespan.

``uvicorn app:app`` serves it with settings from the environment; ``python -m cli serve`` (what
``make run`` calls) does the same after checking that the graph can be reached. However it is
started, the service's logging is set up (:func:`create_app` configures it when nothing else has),
so the reference an internal error hands the client is in the log to be found.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route, WebSocketRoute, request_response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult

from access.tokens import ANONYMOUS
from config import Settings
from graph.engine.connect import open_store
from graph.engine.errors import GraphRejected, GraphUnavailable
from graph.engine.store import GraphStore, background_task
from graph.feed import Feed, prune
from graph.model.services import LOCAL_TIME
from graph.queries.evaluations import expired_grades
from graph.workflows import Request as StepRequest
from graph.workflows import expire_grade
from resolvers.context import Context
from schema import schema as default_schema
from schema.errors import format_error
from schema.live import LiveContext
from seeds import first_start
from web import certificates, explorer, logs, webhook_worker
from web.downloads import export_graph
from web.gate import Gate, Identities, RateLimiter
from web.imports import import_sheet
from web.live import Connections, LiveHandler

log = logging.getLogger("crg.app")
GRAPHIQL_PAGE = explorer.STATIC / "graphiql" / "index.html"

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"


def preferred_media_type(accept: str | None) -> str:
    """GraphQL over HTTP negotiation: the better of our two types, application/json by default."""
    best, best_q = JSON, -1.0
    for position, part in enumerate((accept or "").split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        q = 1.0
        for param in fields[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media not in {JSON, GRAPHQL_RESPONSE}:
            continue
        if q > best_q or (q == best_q and position == 0):
            best, best_q = media, q
    return best


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view, with our context, error format and media-type negotiation; over
    WebSocket, subscriptions with the graphql-transport-ws protocol (``web/live.py``)."""

    graphql_transport_ws_handler_class = LiveHandler

    def __init__(self, settings: Settings, **kwargs: Any) -> None:
        super().__init__(
            default_schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=dt.timedelta(seconds=10),
            **kwargs,
        )
        self.settings = settings

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from the service's own files (static/graphiql, static/vendor/graphiql), not
        strawberry's page, which loads React and GraphiQL from a CDN and stays on "Loading…"
        offline or wherever that CDN is slow or blocked."""
        return HTMLResponse(GRAPHIQL_PAGE.read_text(encoding="utf-8"))

    async def get_context(self, request: Request, response: Any) -> Context:  # type: ignore[override]
        if isinstance(request, WebSocket):  # the viewer comes with connection_init
            return LiveContext(
                request=request, store=request.app.state.store, settings=self.settings
            )
        return Context(
            request=request,
            store=request.app.state.store,
            settings=self.settings,
            viewer=getattr(request.state, "viewer", ANONYMOUS),
        )

    async def get_sub_response(self, request: Request) -> Response:  # type: ignore[override]
        sub = await super().get_sub_response(request)
        sub.media_type = preferred_media_type(request.headers.get("accept"))
        return sub

    async def process_result(  # type: ignore[override]
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            response["errors"] = [format_error(e) for e in result.errors]
        if result.extensions:
            response["extensions"] = result.extensions
        if result.data is None and result.errors and not _executed(result):
            response.pop("data")  # a request error: the document never ran (spec: no data key)
        return response

    def create_response(  # type: ignore[override]
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media = sub_response.media_type or JSON
        response.headers["content-type"] = f"{media}; charset=utf-8"
        if (
            media == GRAPHQL_RESPONSE
            and isinstance(response_data, dict)
            and "data" not in response_data
            and response.status_code == 200
        ):
            response.status_code = 400
        return response


def _executed(result: ExecutionResult) -> bool:
    """A result whose errors all came from resolvers did run; parse/validation errors did not."""
    return any(error.path is not None for error in result.errors or [])


class AccessLog:
    """One structured log line per request, with a request id echoed to the client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming[:64] if incoming.isprintable() and incoming else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 2),
                    "request_id": request_id,
                },
            )


async def healthz(request: Request) -> Response:
    """The process is alive; says nothing about the graph (that is /readyz)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready when the graph answers; load balancers route traffic only to ready instances."""
    store: GraphStore | None = getattr(request.app.state, "store", None)
    if store is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    try:
        await store.ping()
    except GraphUnavailable:
        return JSONResponse({"status": "unavailable", "graph": store.dialect.name}, status_code=503)
    return JSONResponse({"status": "ready", "graph": store.dialect.name})


async def index(request: Request) -> Response:
    return RedirectResponse("/graphql")


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    if not logging.getLogger().handlers:
        # Nobody configured logging (plain `uvicorn app:app` sets up only uvicorn's own loggers):
        # without this, our records would go to Python's last-resort handler, which drops their
        # fields (an internal error's reference among them).
        logs.configure(settings.log_level, settings.log_format)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = await open_store(settings)
        try:
            if settings.load_demo_data:
                await first_start.load_demo_if_empty(store, str(settings.id_hash_key))
            app.state.store = store
            configured = settings.limits.rate_storage
            shared = str(configured) if configured else store.counter_uri()
            if shared:
                rates.share(shared, settings.graph_name)
            watcher = background_task(store.watch(), "graph-watch")
            app.state.feed = Feed(store, settings.live.poll_s)
            background = [
                watcher,
                background_task(app.state.feed.run(), "event-feed"),
                background_task(_prune_events(store, settings), "event-prune"),
                background_task(_sweep_grades(store), "grade-expiry"),
                background_task(webhook_worker.run(store, settings), "webhooks"),
                background_task(identities.follow(store), "standing-changes"),
            ]
            if settings.signs_with_development_secret:
                log.warning(
                    "tokens are signed with the public development secret; set AUTH_SECRET "
                    "(or APP_ENV=production) before real data goes in"
                )
            # Everything built so far (schema, settings, modules) lives as long as the process:
            # keep it out of the cyclic collector's full passes, which otherwise walk it all and
            # stall requests (the ~100 ms p99 steps under concurrent load, docs/BENCHMARKS.md).
            gc.collect()
            gc.freeze()
            log.info("service ready", extra={"graph": store.description})
            try:
                yield
            finally:
                for task in background:
                    task.cancel()
                for task in background:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        finally:
            app.state.store = None
            await rates.close()
            await store.close()

    graphql = GraphQLView(settings)
    identities = Identities(settings.identity_cache_s)
    rates = RateLimiter(settings.limits.rate_per_minute, settings.limits.rate_burst)
    app = Starlette(
        middleware=[Middleware(AccessLog)],
        routes=[
            Route("/", index),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", Gate(graphql, settings, identities, rates), methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # subscriptions; web/live.py signs them in
            Route(
                "/export/{file}",
                Gate(request_response(export_graph), settings, identities, rates),
                methods=["GET"],
            ),
            # A certificate's PDF (signed in) and its public verification (the QR code's URL).
            Route(
                "/certificates/{number}.pdf",
                Gate(request_response(certificates.download), settings, identities, rates),
                methods=["GET"],
            ),
            Route(
                "/certificates/{number}",
                Gate(request_response(certificates.verify), settings, identities, rates),
                methods=["GET"],
            ),
            # Uploads check their token themselves: the gate's body limit is for queries.
            Route("/import/{family}", import_sheet, methods=["POST"]),
            *explorer.routes(),
        ],
        lifespan=lifespan,
    )
    app.state.store = None
    app.state.settings = settings
    app.state.identities = identities
    app.state.rates = rates
    app.state.live = Connections()
    return app


PRUNE_EVERY_S = 3600.0


async def _prune_events(store: GraphStore, settings: Settings) -> None:
    """Drop events past the retention window, at start and hourly (docs/LIVE.md)."""
    while True:
        try:
            pruned = await prune(store, settings.live.retention_s)
            if pruned:
                log.info("events pruned", extra={"events": pruned})
        except Exception:
            log.warning("could not prune the event log", exc_info=True)
        await asyncio.sleep(PRUNE_EVERY_S)


async def expire_grades(store: GraphStore, today: dt.date) -> list[str]:
    """Clear the grades whose latest evaluation ran out before ``today`` (docs/GROUND.md):
    filters, sorts and matching read ``rating``, so an expired grade must not stay there. Each
    organization goes through its own guarded step (one event each); one re-evaluated meanwhile
    is refused by the step and skipped. Which organizations were cleared."""
    cleared = []
    for organization in await expired_grades(store, today.isoformat()):
        request = StepRequest("expireGrade", {"organization": organization})
        with contextlib.suppress(GraphRejected):
            await expire_grade(store, request, organization, today.isoformat())
            cleared.append(organization)
    return cleared


async def _sweep_grades(store: GraphStore) -> None:
    """Sweep expired grades at start and hourly (cheap: only graded organizations are read), so
    a grade is gone within an hour of the local day it ran out."""
    while True:
        try:
            cleared = await expire_grades(store, dt.datetime.now(LOCAL_TIME).date())
            if cleared:
                log.info("grades expired", extra={"organizations": len(cleared)})
        except Exception:
            log.warning("could not expire grades", exc_info=True)
        await asyncio.sleep(PRUNE_EVERY_S)


def __getattr__(name: str) -> Any:
    # `uvicorn app:app` builds the app on first access, so importing this module stays cheap.
    if name == "app":
        return create_app()
    raise AttributeError(name)
