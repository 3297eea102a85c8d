"""The rights of the person (PIPL): erasing a resident (art. 47).

Called as ``fn(info, idempotency_key, **arguments)`` like every mutation resolver
(``resolvers/workflows.py``); the schema's declaration (``schema/rights.py``) makes the payload.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from api.errors import BadUserInput
from api.ids import from_global_id
from graph.workflows import Done, Request
from graph.workflows import rights as graph_rights

if TYPE_CHECKING:
    from resolvers.context import Info


def _resident(value: str, name: str = "residentId") -> str:
    if not value:
        raise BadUserInput(f"`{name}` is required.")
    return from_global_id(value, expect="Resident")[1]


def _request(info: Info, operation: str, key: str | None, **inputs: str) -> Request:
    if key is not None and not 1 <= len(key) <= 200:
        raise BadUserInput("`idempotencyKey` must be 1–200 characters (a UUID is ideal).")
    return Request(operation, inputs, key, by=info.context.viewer.actor)


async def erase_resident(info: Info, idempotency_key: str | None, *, resident_id: str) -> Done:
    """Erase a resident's identity everywhere it is kept; her history stays, anonymous. The home
    is moved to the centre of its ~500 m grid cell (``access.inference.coarse``), which is what the
    de-identified views see already, so an analyst's answers do not change."""
    resident = _resident(resident_id)
    request = _request(info, "eraseResident", idempotency_key, resident=resident)
    return await graph_rights.erase_resident(info.context.store, request, resident=resident)
