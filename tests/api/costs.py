"""What a query costs the store, counted the one way every cost test needs."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette

from tests.conftest import GraphQL


async def round_trips(
    app: Starlette, http: httpx.AsyncClient, query: str, **variables: object
) -> tuple[int, dict[str, Any]]:
    """The store round trips one run of ``query`` takes, and its data. It is asked once before
    counting: a token's first request also reads its standing (cached for IDENTITY_CACHE_S),
    which is not a cost of the query."""
    await GraphQL(http)(query, **variables)
    store = app.state.store
    before = store.round_trips
    data = await GraphQL(http)(query, **variables)
    return store.round_trips - before, data
