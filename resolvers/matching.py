"""Resource linking: who may ask and how exactly they may measure; the graph's answers go back
as they may see them (``domain.matching``: the reasons, the distances), for the GraphQL types in
``schema.matching`` to show.

Two policy rules apply before the graph is asked: :func:`acts.may_match` (only those entrusted
with the need match for it) and the distance rule (``inference.point_readable``): the resident's
home and each volunteer's base are measured exactly only when the viewer may read them; otherwise
only through their ~500 m cell, and the distance is shown as a band.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from access import acts, inference
from api.errors import BadUserInput, Forbidden
from api.ids import from_global_id
from domain import matching as rules
from graph.access import facts as graph_access
from graph.model.entities import Point
from graph.queries import linking, matching

if TYPE_CHECKING:
    from access.policy import Grants  # annotations only
    from resolvers.access import Access
    from resolvers.context import Info


# The precision of a base the viewer may not read: its cell, and bands (policy's distance rule).
BANDED = matching.Precision(
    exact=frozenset(),
    grid=inference.GRID_DEGREES,
    band_edges=inference.DISTANCE_BANDS,
    band_reps=tuple(band.representative for band in inference.BANDS),
)


def _radius(radius_meters: int | None) -> int | None:
    if radius_meters is not None and not 1 <= radius_meters <= matching.MAX_RADIUS_METERS:
        raise BadUserInput(
            f"`radiusMeters` must be between 1 and {matching.MAX_RADIUS_METERS} metres."
        )
    return radius_meters


async def _entrusted(info: Info, need: str) -> None:
    """Refuse (FORBIDDEN) a viewer not entrusted with the need (``acts.may_match``)."""
    access = info.context.access
    found = await graph_access.target(info.context.store, "Need", need)
    communities = found[0] if found else frozenset()
    decision = acts.may_match(access.viewer, await access.grants(), need, communities)
    if not decision.allowed:
        raise Forbidden(decision.reason)


async def _measure(info: Info, need: str) -> tuple[matching.NeedContext, matching.Precision, bool]:
    """The need as the viewer may measure from it: its home exact or as its cell (and whether
    exact), and which volunteers' bases they may measure exactly — as rows the matching
    statement tells apart itself (:func:`_bases_read`), not a list of the bases within reach."""
    store, access = info.context.store, info.context.access
    context = await matching.need_context(store, need)
    where = context.location
    if where is not None and context.resident is not None:
        home = await access.view("Resident", context.resident)
        if not inference.point_readable("Resident", home):
            cell = Point(*inference.coarse(where.latitude, where.longitude))
            return dataclasses.replace(context, location=cell), BANDED, False
    return context, _bases_read(access, await access.grants()), True


def _bases_read(access: Access, grants: Grants) -> matching.Precision:
    """The volunteers whose base the viewer may read (``inference.read_scope`` of the location,
    the rule ``inference.point_readable`` applies to each volunteer's view): every base (an
    administrator: :data:`matching.EXACT`), or their own (a volunteer), their organization's
    members' (a partner), those serving a community they cover (a social worker) — the
    candidates statement measures these exactly, every other base by its cell."""
    scope = inference.bases_read(access.viewer, grants)
    if scope is None:
        return matching.EXACT
    return dataclasses.replace(BANDED, exact=scope.ids, covered_by=access.by(scope))


async def precision(info: Info, volunteers: Sequence[str]) -> matching.Precision:
    """How exactly the viewer may measure these volunteers' bases (policy's distance rule): for
    a handful named by id (an assignment's), each asked of its own view."""
    access = info.context.access
    views = await asyncio.gather(*(access.view("Volunteer", key) for key in volunteers))
    readable = [inference.point_readable("Volunteer", seen) for seen in views]
    exact = frozenset(key for key, ok in zip(volunteers, readable, strict=True) if ok)
    if len(exact) == len(set(volunteers)):
        return matching.EXACT
    return dataclasses.replace(BANDED, exact=exact)


async def _asked(
    info: Info, need_id: str, radius_meters: int | None
) -> tuple[str, int | None, tuple[matching.NeedContext, matching.Precision, bool]]:
    """The need asked about, the radius asked for, and how the viewer may measure from it —
    after refusing a bad radius and a viewer not entrusted with the need."""
    _, need = from_global_id(need_id, expect="Need")
    radius = _radius(radius_meters)
    await _entrusted(info, need)
    return need, radius, await _measure(info, need)


async def who_can_serve(
    info: Info, need_id: str, radius_meters: int | None, slot: str | None, first: int
) -> rules.Found:
    if not 1 <= first <= matching.POOL:
        raise BadUserInput(f"`first` must be between 1 and {matching.POOL}.")
    need, radius, (context, measured, home_exact) = await _asked(info, need_id, radius_meters)
    result = await matching.who_can_serve(
        info.context.store,
        need,
        radius_meters=radius,
        slot=slot,
        first=first,
        precision=measured,
        context=context,
    )
    return rules.Found(result, home_exact)


async def link_resources(info: Info, need_id: str, radius_meters: int | None) -> rules.Linked:
    need, radius, (context, measured, home_exact) = await _asked(info, need_id, radius_meters)
    links = await linking.link_resources(
        info.context.store, need, radius_meters=radius, precision=measured, context=context
    )
    return rules.Linked.of(links, home_exact)
