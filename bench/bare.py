"""The floor's HTTP half: a bare Starlette endpoint under the same uvicorn, answering at once.

``uvicorn bench.bare:app``: what one round trip costs with no GraphQL, no auth and no graph.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def answer(request: Request) -> JSONResponse:
    await request.body()
    return JSONResponse({"data": {"ok": True}})


app = Starlette(routes=[Route("/graphql", answer, methods=["POST"])])
