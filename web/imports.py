"""``POST /import/{family}``: a spreadsheet uploaded (multipart, field ``file``) and imported.

Query parameters: ``dryRun=true`` (check every row, write nothing), ``allOrNothing=true``
(write nothing if any row has a problem). The answer is the import's report as JSON (200 when
every row went in, 422 when rows failed or the file was refused). Administrators only: a social
worker's import would upsert residents by ID number wherever they live, so it would both reach
beyond the communities they cover and tell them whether a number is on record elsewhere. Service
hours are the exception, as recordService's policy has it: a social worker imports them for the
needs in the communities they cover (``intake/hours.py``).

The upload never sits in memory whole: the body is counted as it arrives and refused past
``IMPORT_MAX_BYTES`` (413, also up front from ``Content-Length``), the multipart parser spools
the file to disk, and the import reads it from a private temporary directory removed afterwards.
It does not pass the GraphQL gate (whose body limit is for queries); it checks the token, its
revocation and the role itself. Audited with its counts (``intake.run``).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive

from access.tokens import Role, TokenError, from_header
from graph.engine.errors import GraphError, GraphUnavailable
from intake.families import FAMILIES, SERVICE_HOURS
from intake.run import run

_TRUE = {"true", "1", "yes"}


class _TooLarge(Exception):
    pass


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def _limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that gives up once the body passes ``limit`` bytes."""
    seen = 0

    async def counted() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
        return message

    return counted


async def import_sheet(request: Request) -> Response:
    settings = request.app.state.settings
    store = request.app.state.store
    try:
        viewer = from_header(settings, request.headers.get("authorization"))
        await request.app.state.identities.check(store, viewer)
    except TokenError as exc:
        return _error(401, "UNAUTHENTICATED", str(exc))
    except GraphError:
        return _error(503, "GRAPH_UNAVAILABLE", "The graph cannot be reached; try again shortly.")
    family = request.path_params["family"]
    # Service hours follow recordService's policy: a social worker records them for the needs
    # in the communities they cover (the import reports any other need as unknown).
    worker = viewer.subject if viewer.role is Role.SOCIAL_WORKER else None
    if not (viewer.role is Role.ADMIN or (family == SERVICE_HOURS.name and worker)):
        return _error(
            403,
            "FORBIDDEN",
            "Spreadsheet imports are for administrators (service hours: also social workers).",
        )
    if family not in FAMILIES:
        return _error(404, "NOT_FOUND", f"Import one of: {', '.join(sorted(FAMILIES))}.")
    limit = settings.import_max_bytes
    too_large = _error(
        413,
        "PAYLOAD_TOO_LARGE",
        f"The file is larger than {limit:,} bytes: split it, or import it with "
        "`python -m cli import` on the server.",
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return too_large
    with tempfile.TemporaryDirectory(prefix="crg-import-") as folder:
        try:
            bounded = Request(request.scope, _limited(request.receive, limit))
            async with bounded.form(max_files=1, max_fields=5) as form:
                upload = form.get("file")
                if not isinstance(upload, UploadFile):
                    return _error(
                        400, "BAD_USER_INPUT", "Send the spreadsheet as the multipart field `file`."
                    )
                path = Path(folder) / ("upload" + Path(upload.filename or "").suffix.lower())
                with path.open("wb") as out:
                    shutil.copyfileobj(upload.file, out)
        except _TooLarge:
            return too_large
        try:
            report = await run(
                store,
                family,
                path,
                id_hash_key=str(settings.id_hash_key),
                dry_run=request.query_params.get("dryRun", "").lower() in _TRUE,
                all_or_nothing=request.query_params.get("allOrNothing", "").lower() in _TRUE,
                actor=(viewer.actor, viewer.role.value),
                worker=worker,
            )
        except GraphUnavailable:
            return _error(503, "GRAPH_UNAVAILABLE", "The graph cannot be reached; try again.")
        except GraphError:
            return _error(500, "INTERNAL_SERVER_ERROR", "The import failed on our side.")
    return JSONResponse(report.as_json(), status_code=200 if report.complete else 422)
