"""``GET /export/graph.graphml``, ``/export/nodes.csv``, ``/export/edges.csv``: a de-identified
subgraph around one entity, for analysis tools.

Query parameters: ``root`` (a global id, required), ``depth`` (1–4, default 2), ``limit``
(1–500 nodes, default 500). The same bearer token as the API; analysts, social workers and
administrators only. Errors are JSON in the GraphQL error shape, with the same codes. The whole
graph is exported by ``python -m cli export-graph`` instead (unbounded, so not over HTTP).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from access.tokens import Role, TokenError, from_header
from api.errors import ApiError
from api.ids import from_global_id
from graph.engine.errors import GraphError, GraphUnavailable
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
