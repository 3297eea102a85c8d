"""``GET /export/graph.graphml``, ``/export/nodes.csv``, ``/export/edges.csv``: a de-identified
subgraph around one entity, for analysis tools. ``GET /export/subject.json?resident=<id>``:
everything held about one resident, for her (PIPL art. 45), to an administrator or a social
worker covering her community, audited as a read of her personal information.

Query parameters: ``root`` (a global id, required), ``depth`` (1–4, default 2), ``limit``
(1–500 nodes, default 500). The same bearer token as the API; analysts, social workers and
administrators only. Errors are JSON in the GraphQL error shape, with the same codes. The whole
graph is exported by ``python -m cli export-graph`` instead (unbounded, so not over HTTP).
"""

from __future__ import annotations

import datetime as dt
import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from access import acts, policy
from access.tokens import Role, TokenError, Viewer, from_header
from api.errors import ApiError
from api.ids import from_global_id
from graph.access import audit
from graph.access import facts as graph_access
from graph.engine.errors import GraphError, GraphUnavailable
from graph.engine.store import GraphStore
from graph.io import subject
from graph.queries import network
from web import exports

ALLOWED = frozenset({Role.ADMIN, Role.ANALYST, Role.SOCIAL_WORKER})
MEDIA = {
    "graph.graphml": "application/graphml+xml",
    "nodes.csv": "text/csv; charset=utf-8",
    "edges.csv": "text/csv; charset=utf-8",
}


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def _number(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise ValueError(f"`{name}` must be a whole number between {low} and {high}.")
    return int(text)


async def export_graph(request: Request) -> Response:
    name = request.path_params["file"]
    if name == SUBJECT:
        return await subject_access(request)
    if name not in MEDIA:
        return _error(404, "NOT_FOUND", "Export graph.graphml, nodes.csv or edges.csv.")
    settings = request.app.state.settings
    try:
        viewer = from_header(settings, request.headers.get("authorization"))
    except TokenError as exc:
        return _error(401, "UNAUTHENTICATED", str(exc))
    if viewer.role not in ALLOWED:
        return _error(
            403, "FORBIDDEN", "Exports are for analysts, social workers and administrators."
        )
    try:
        depth = _number(request, "depth", 2, 1, network.MAX_DEPTH)
        limit = _number(request, "limit", network.MAX_NODES, 1, network.MAX_NODES)
        root_id = request.query_params.get("root")
        if not root_id:
            raise ValueError("Give `root`: the global id of the entity to export around.")
        label, key = from_global_id(root_id, expect=exports.EXPORTED_LABELS)
    except (ValueError, ApiError) as exc:
        return _error(400, "BAD_USER_INPUT", str(exc))
    store = request.app.state.store
    try:
        found = await network.nodes(store, [(label, key)])
        if not found:
            return _error(404, "NOT_FOUND", f"There is no {label.lower()} with id {key}.")
        data = await exports.around(store, found[0], depth=depth, limit=limit)
    except GraphUnavailable:
        return _error(503, "GRAPH_UNAVAILABLE", "The graph cannot be reached; try again shortly.")
    except GraphError:
        return _error(500, "INTERNAL_SERVER_ERROR", "The export failed on our side.")
    content = dict(exports.files(data, "graphml" if name.endswith("graphml") else "csv"))[name]
    return Response(
        content,
        media_type=MEDIA[name],
        headers={
            "content-disposition": f'attachment; filename="{key}-{name}"',
            "x-truncated": "true" if data.truncated else "false",
        },
    )


SUBJECT = "subject.json"


async def subject_access(request: Request) -> Response:
    """Everything held about one resident as a JSON file (``graph.io.subject``). Asked for by
    the people who answer her requests — an administrator, a social worker covering her
    community (``acts.Act.CASEWORK``) — and written to the audit log as a read of every field
    it holds before it is sent; if the entry cannot be written, nothing is sent."""
    settings = request.app.state.settings
    try:
        viewer = from_header(settings, request.headers.get("authorization"))
    except TokenError as exc:
        return _error(401, "UNAUTHENTICATED", str(exc))
    try:
        resident_id = request.query_params.get("resident")
        if not resident_id:
            raise ValueError("Give `resident`: the global id of the resident whose file this is.")
        _, key = from_global_id(resident_id, expect="Resident")
    except (ValueError, ApiError) as exc:
        return _error(400, "BAD_USER_INPUT", str(exc))
    store = request.app.state.store
    try:
        denied = await _may_read_whole(store, viewer, key)
        if denied:
            return _error(403, "FORBIDDEN", denied)
        doc = await subject.document(store, key)
        if doc is None:
            return _error(404, "NOT_FOUND", f"There is no resident with id {key}.")
        await audit.append(store, [_entry(request, viewer, key, subject.fields_of(doc))])
    except GraphUnavailable:
        return _error(503, "GRAPH_UNAVAILABLE", "The graph cannot be reached; try again shortly.")
    except GraphError:
        return _error(500, "INTERNAL_SERVER_ERROR", "The export failed on our side.")
    return Response(
        subject.dumps(doc),
        media_type="application/json; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{key}-subject.json"',
            "cache-control": "no-store",
        },
    )


async def _may_read_whole(store: GraphStore, viewer: Viewer, key: str) -> str | None:
    """Why ``viewer`` may not have the file (None: they may). Decided before the graph says
    whether she exists, so a refused caller learns nothing about the id."""
    if viewer.role is Role.ADMIN:
        return None
    if viewer.role is not Role.SOCIAL_WORKER:
        return (
            "A resident's file is given to her through an administrator or a social worker "
            "covering her community."
        )
    found = await graph_access.target(store, "Resident", key)
    communities = found[0] if found is not None else frozenset()
    grants = policy.Grants(**await graph_access.grants(store, viewer.role.value, viewer.subject))
    decision = acts.decide(viewer, grants, acts.Act.CASEWORK, acts.Target(communities))
    return None if decision.allowed else decision.reason


def _entry(request: Request, viewer: Viewer, key: str, fields: tuple[str, ...]) -> audit.AuditEntry:
    return audit.AuditEntry(
        id=f"audit-{uuid.uuid4().hex}",
        at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        actor=viewer.actor,
        role=viewer.role.value,
        action="READ_PII",
        operation="subjectAccess",
        entity_ids=(key,),
        fields=fields,
        request_id=getattr(request.state, "request_id", None),
    )
