"""The explorer page (``/explore``): static files served by the app, no build step.

The page calls ``/graphql`` with the analyst's token like any client. Its front-end libraries
are vendored into ``static/vendor`` by ``scripts/vendor.sh`` (pinned in
``tools/explorer-vendor/package-lock.json``). On a development instance with demo data,
``/explore/demo-token`` hands out the demo analyst's token so the page works at once (only while
tokens are signed with the public development secret); elsewhere it does not exist.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from access.tokens import Role, mint

STATIC = Path(__file__).resolve().parent.parent / "static"
DEMO_ANALYST = "analyst-zs-bureau"
DEMO_TOKEN_TTL_S = 8 * 3600


async def demo_token(request: Request) -> Response:
    settings = request.app.state.settings
    # Only where tokens are signed with the public development secret: anyone could mint this
    # one anyway, so handing it out gives nothing away.
    if (
        settings.production
        or not settings.load_demo_data
        or not settings.signs_with_development_secret
    ):
        return JSONResponse({"error": "There is no demo token on this instance."}, 404)
    if request.method == "HEAD":
        return Response(status_code=200)
    token = mint(settings, Role.ANALYST, DEMO_ANALYST, ttl_s=DEMO_TOKEN_TTL_S)
    return JSONResponse({"token": token, "role": "analyst", "subject": DEMO_ANALYST})


async def page(request: Request) -> Response:
    return RedirectResponse("/explore/")


def routes() -> list[BaseRoute]:
    return [
        Route("/explore/demo-token", demo_token, methods=["GET", "HEAD"]),
        Route("/explore", page),
        Mount("/explore", StaticFiles(directory=STATIC / "explore", html=True)),
        Mount("/vendor", StaticFiles(directory=STATIC / "vendor")),
    ]
