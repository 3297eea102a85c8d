"""``GET /certificates/{number}``: the public verification of a service certificate (the URL in
its QR code), and ``GET /certificates/{number}.pdf``: the certificate itself, signed in.

The verification says only what the certificate's bearer already shows: a valid certificate's
number, the volunteer's masked name and the hours; a revoked one's number and that it is
revoked; an unknown or malformed number is "unknown" (404). Nothing else about the volunteer,
so a scanned or guessed number tells nobody more than the paper did. JSON by default, a small
page for a browser (a phone scanning the QR code). The gate rate-limits anonymous callers per
address, and numbers carry 50 random bits, so they cannot be enumerated.

The PDF: administrators, the volunteer themself, and the social workers of the issuing
organization; anyone else is told it is not found (as a forged number is).
"""

from __future__ import annotations

import html

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from access.tokens import Role
from domain import certificates
from graph.engine.errors import GraphUnavailable
from graph.queries import certificates as stored
from web import certificate_pdf


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status
    )


def verification(stored: dict | None, number: str) -> dict:
    """What the public may know of certificate ``number``."""
    if stored is None:
        return {"number": number, "status": "UNKNOWN"}
    if stored["status"] != "VALID":
        return {"number": number, "status": "REVOKED"}
    return {
        "number": number,
        "status": "VALID",
        "name": certificates.mask_name(stored["name"]),
        "hours": float(certificates.hours(int(stored["minutes"]))),
    }


_WORDS = {"VALID": "有效 · valid", "REVOKED": "已撤销 · revoked", "UNKNOWN": "查无此证明 · unknown"}


def _page(answer: dict, status: int) -> HTMLResponse:
    rows = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(str(answer[key]))}</td></tr>"
        for key, label in (("number", "证明编号"), ("name", "姓名"), ("hours", "服务时长（小时）"))
        if key in answer
    )
    body = (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width">'
        "<title>志愿服务记录证明核验</title><h1>志愿服务记录证明核验</h1>"
        f"<p><strong>{_WORDS[answer['status']]}</strong></p><table>{rows}</table></html>"
    )
    return HTMLResponse(body, status_code=status)


async def _stored(request: Request, number: str, viewer: str | None = None) -> dict | None:
    if not certificates.is_number(number):
        return None
    found = await stored.find(request.app.state.store, number, viewer)
    if found is None:
        return None
    return {**found["certificate"], "_colleague": found["colleague"]}


async def verify(request: Request) -> Response:
    number = request.path_params["number"].strip().upper()
    try:
        stored = await _stored(request, number)
    except GraphUnavailable:
        return _error(503, "GRAPH_UNAVAILABLE", "The graph cannot be reached; try again shortly.")
    answer = verification(stored, number)
    status = 404 if stored is None else 200
    if "text/html" in request.headers.get("accept", ""):
        return _page(answer, status)
    return JSONResponse(answer, status_code=status, headers={"cache-control": "no-store"})


async def download(request: Request) -> Response:
    viewer = request.state.viewer
    if viewer.role is Role.ANONYMOUS:
        return _error(401, "UNAUTHENTICATED", "Sign in to download a certificate.")
    number = request.path_params["number"].strip().upper()
    try:
        stored = await _stored(request, number, viewer.subject)
    except GraphUnavailable:
        return _error(503, "GRAPH_UNAVAILABLE", "The graph cannot be reached; try again shortly.")
    allowed = stored is not None and (
        viewer.role is Role.ADMIN
        or (viewer.role is Role.VOLUNTEER and viewer.subject == stored["volunteer"])
        or (viewer.role is Role.SOCIAL_WORKER and stored["_colleague"])
    )
    if stored is None or not allowed:
        return _error(404, "NOT_FOUND", "There is no certificate with that number for you.")
    base = request.app.state.settings.public_url or str(request.base_url).rstrip("/")
    try:
        # fontTools subsets the font for a second or so: off the event loop.
        pdf = await run_in_threadpool(
            certificate_pdf.render, stored, f"{base}/certificates/{number}"
        )
    except certificate_pdf.FontMissing as exc:
        return _error(500, "INTERNAL_SERVER_ERROR", str(exc))
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{number}.pdf"'},
    )
