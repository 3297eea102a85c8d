"""The rights of the person (PIPL): a resident's consent, and erasing a resident (art. 47).

Called as ``fn(info, idempotency_key, **arguments)`` like every mutation resolver
(``resolvers/workflows.py``); the schema's declaration (``schema/rights.py``) makes the payload.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from api.errors import BadUserInput
from graph.workflows import Done
from graph.workflows import rights as graph_rights

if TYPE_CHECKING:
    from resolvers import steps
from resolvers import steps
from resolvers.context import Info
from resolvers.steps import request as _request


def _resident(value: str, name: str = "residentId") -> str:
    return steps.entity_key(value, "Resident", name)


async def erase_resident(info: Info, idempotency_key: str | None, *, resident_id: str) -> Done:
    """Erase a resident's identity everywhere it is kept; her history stays, anonymous. The home
    is moved to the centre of its ~500 m grid cell (``access.inference.coarse``), which is what the
    de-identified views see already, so an analyst's answers do not change."""
    resident = _resident(resident_id)
    request = _request(info, "eraseResident", idempotency_key, resident=resident)
    return await graph_rights.erase_resident(info.context.store, request, resident=resident)


def _day(value: dt.date | None, name: str) -> dt.date:
    """A day the consent was given or withdrawn: today when left out, never in the future."""
    today = dt.datetime.now(dt.UTC).date()
    if value is None:
        return today
    if value > today:
        raise BadUserInput(f"`{name}` cannot be in the future.")
    return value


async def record_consent(
    info: Info,
    idempotency_key: str | None,
    *,
    resident_id: str,
    scopes: Sequence[Any],
    given_by: Any,
    given_on: dt.date | None = None,
) -> Done:
    """Record a resident's consent; it replaces the current one (a new record, not a merge)."""
    resident = _resident(resident_id)
    chosen = sorted({str(getattr(s, "value", s)) for s in scopes})
    if not chosen:
        raise BadUserInput("`scopes` must name at least one thing consented to.")
    given = str(getattr(given_by, "value", given_by))
    day = _day(given_on, "givenOn")
    request = _request(
        info, "recordConsent", idempotency_key, resident=resident, scopes=chosen,
        given_by=given, given_on=day.isoformat(),
    )  # fmt: skip
    return await graph_rights.record_consent(
        info.context.store, request, resident=resident, scopes=chosen, given_by=given, given_on=day
    )


async def withdraw_consent(
    info: Info,
    idempotency_key: str | None,
    *,
    resident_id: str,
    withdrawn_on: dt.date | None = None,
) -> Done:
    """Record that the resident (or their guardian) withdrew their consent."""
    resident = _resident(resident_id)
    day = _day(withdrawn_on, "withdrawnOn")
    request = _request(
        info, "withdrawConsent", idempotency_key, resident=resident, withdrawn_on=day.isoformat()
    )
    return await graph_rights.withdraw_consent(
        info.context.store, request, resident=resident, withdrawn_on=day
    )
