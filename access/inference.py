"""What an answer reveals beyond the fields it shows, and how a list runs so it reveals no more
than the viewer may read: the filters, sorts, searches and counts of each family
(:data:`QUERY_REVEALS`, :func:`plan_query`), the ~500 m grid cell a point the viewer may not read
is compared on (:func:`coarse`), age bands, and distances told as bands (docs/ACCESS.md,
docs/PRIVACY.md). Pure rules, like ``access.policy``, whose views and field rules they build on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from access.policy import AUDITED, FIELD_VIEWS, PLACED, Grants, View, may_read, row_scope, view
from access.tokens import Viewer

# --- questions a list answers: filters, sorts, search and counts --------------------------

# Every filter (the graph's condition name), sort (``sort:KEY``) and, where the family is
# searchable, ``search`` of each family with protected fields, and the fields its answers depend
# on. A filter or a sort asks about its field even when no field is selected: a 1-metre `near`
# finds a door, a count under an age filter is an age, ordering by name spells the names out
# page by page. :func:`plan_query` derives from this table and :data:`FIELD_VIEWS` how a list
# runs for a viewer; a guard test (tests/api/test_inference.py) fails when such a family gains a
# filter or sort that is not declared here, or one that reads a protected property unnamed.
NOTHING: frozenset[str] = frozenset()
_NAME, _AGE, _PLACE = frozenset({"name"}), frozenset({"age"}), frozenset({"location"})

QUERY_REVEALS: Mapping[str, Mapping[str, frozenset[str]]] = {
    "Resident": {
        "search": _NAME,
        "community": NOTHING,
        "district": NOTHING,
        "tags_any": frozenset({"tags"}),
        "tags_all": frozenset({"tags"}),
        "born_from": _AGE,  # ageMax
        "born_to": _AGE,  # ageMin
        "gender": NOTHING,
        "language": NOTHING,
        "near": _PLACE,
        "sort:NAME": _NAME,
        "sort:BIRTH_YEAR": _AGE,
        "sort:DISTANCE": _PLACE,
    },
    "Volunteer": {
        "search": NOTHING,  # their name is public
        **dict.fromkeys(
            ("skill", "community", "district", "team", "slot", "star_min", "star_max"), NOTHING
        ),
        "status": NOTHING,
        "language": NOTHING,
        "near": _PLACE,
        **dict.fromkeys(
            ("sort:NAME", "sort:STAR_LEVEL", "sort:VERIFIED_HOURS", "sort:JOINED_ON"), NOTHING
        ),
        "sort:DISTANCE": _PLACE,
    },
    "SocialWorker": dict.fromkeys(
        ("search", "community", "district", "qualification", "employer", "sort:NAME"), NOTHING
    ),
    "Expert": dict.fromkeys(("search", "domain", "think_tank", "sort:NAME"), NOTHING),
    "Need": {
        **dict.fromkeys(
            ("search", "status", "urgency", "category", "skill", "community", "district"),
            NOTHING,
        ),
        "resident": frozenset({"resident"}),
        **dict.fromkeys(("slot", "created_from", "created_to"), NOTHING),
        **dict.fromkeys(("sort:CREATED_AT", "sort:URGENCY", "sort:TITLE"), NOTHING),
    },
    "ServiceRecord": {
        **dict.fromkeys(("volunteer", "need", "project", "category", "community"), NOTHING),
        **dict.fromkeys(("verified", "unverified", "date_from", "date_to"), NOTHING),
        **dict.fromkeys(("sort:DATE", "sort:MINUTES"), NOTHING),
    },
    "Referral": dict.fromkeys(
        ("status", "from_organization", "to_organization", "need", "sort:CREATED_AT"), NOTHING
    ),
    "TimeBankEntry": {
        "volunteer": frozenset({"volunteer"}),
        "kind": NOTHING,
        "sort:AT": NOTHING,
    },
}

# A list's `where` (``graph.model.where``) reads properties by their stored names: each reads
# its own field, except those standing for another, as the named filters over them do (a birth
# year is an age: ``bornFrom``/``bornTo`` reveal the age).
WHERE_REVEALS: Mapping[str, Mapping[str, frozenset[str]]] = {"Resident": {"birthYear": _AGE}}


def where_reveals(label: str, name: str) -> frozenset[str]:
    """The fields a `where` condition on ``label``'s property or relationship ``name`` reveals."""
    return WHERE_REVEALS.get(label, {}).get(name, frozenset({name}))


# Fields with a coarse stand-in a filter or sort may use instead of refusing: a point the viewer
# may not read is compared on its ~500 m grid cell (:func:`coarse`), with the radius raised to
# :data:`NEAR_FLOOR_METERS`, so no answer depends on more than the cell.
COARSE = frozenset({"location"})
# Why 1 km: a cell is ~550 × 500 m (diagonal ~750 m). A smaller disc around a cell's centre
# would hold that one cell and no neighbour, so one answer could confirm "this cell" outright;
# at 1 km every answer is about a disc of a dozen cells, and bisection by moving the centre
# ends on the cell's centre, never inside the cell.
NEAR_FLOOR_METERS = 1_000


@dataclass(frozen=True)
class ReadScope:
    """The visible rows of a family on which a viewer may read a protected field: an id in
    ``ids``, or placed (:data:`PLACED`) in one of ``communities`` (a social worker's covered)."""

    ids: frozenset[str] = frozenset()
    communities: frozenset[str] = frozenset()

    @property
    def empty(self) -> bool:
        return not self.ids and not self.communities

    def __and__(self, other: ReadScope) -> ReadScope:
        """Rows in both (conservatively: a row in one by id and in the other by community is
        left out)."""
        return ReadScope(self.ids & other.ids, self.communities & other.communities)


def read_scope(
    viewer: Viewer, grants: Grants, label: str, fields: frozenset[str]
) -> ReadScope | None:
    """The rows of ``label`` on which the viewer may read all of ``fields`` (``None``: every row
    they see). Derived from :func:`row_scope` and :func:`view`, which depends on a row only
    through the viewer's own key, their grants and the communities they cover. Views are not
    nested (a de-identified view reads tags, a visit's does not), so only the views of rows the
    viewer sees count."""
    protected = fields & frozenset(FIELD_VIEWS.get(label, ()))
    if not protected:
        return None

    def readable(seen_as: View) -> bool:
        return all(may_read(label, name, seen_as) for name in protected)

    rows = row_scope(viewer, grants, label)
    if rows is not None and rows.closed:
        return ReadScope()
    # Rows seen without a grant (every row, open needs by status, approved service records) have a
    # grantless row's view.
    ungranted = rows is None or bool(rows.statuses) or rows.reviewed or rows.consented
    if ungranted and readable(view(viewer, grants, label, "")):
        return None
    # The rows seen by a grant (a key of another family has a grantless row's view: not readable
    # here when rows are seen without a grant, and not among the rows seen otherwise).
    granted = {viewer.subject or ""}
    for grant in dataclasses.fields(grants):
        if grant.name != "communities":
            granted |= getattr(grants, grant.name)
    if rows is not None and not ungranted:
        granted &= rows.ids
    ids = frozenset(k for k in granted if k and readable(view(viewer, grants, label, k)))
    covered = (
        label in PLACED
        and bool(grants.communities)
        and readable(view(viewer, grants, label, "", grants.communities))
    )
    if rows is not None and not ungranted and rows.ids <= ids and (covered or not rows.communities):
        return None  # readable on every row they see
    return ReadScope(ids, grants.communities if covered else frozenset())


@dataclass(frozen=True)
class QueryPlan:
    """How one list question runs for one viewer (:func:`plan_query`)."""

    # Filters over protected fields: only these rows are considered (None: no narrowing), in
    # the Cypher, so pages and totalCount are exact.
    rows: ReadScope | None = None
    # The sort's fields are readable on these rows only: they come first, in the sort's order,
    # the others after them by key (None: every row in the sort's order).
    order: ReadScope | None = None
    # Points (COARSE) compared exactly on these rows, on their grid cell elsewhere with the
    # radius floored; ``compares_points`` says whether the list compares protected points at all.
    exact: ReadScope | None = None
    compares_points: bool = False
    # The questions about audited personal information asked (names, never values).
    asked: tuple[str, ...] = ()
    refusal: str | None = None


def plan_query(
    viewer: Viewer,
    grants: Grants,
    label: str,
    filters: frozenset[str],
    sort: str | None,
    *,
    search: bool,
    sort_asked: bool,
    reads: frozenset[str] = frozenset(),
) -> QueryPlan:
    """How a list of ``label`` filtered by ``filters`` (condition names; ``_``-prefixed ones are
    the service's own), searched or not, in ``sort`` order (the family's default unless
    ``sort_asked``) runs for the viewer: narrowed, ordered, compared coarsely, or refused.
    ``reads``: the properties and relationship fields a `where` reads, each a filter revealing
    :func:`where_reveals` (``where:<name>``)."""
    declared = QUERY_REVEALS.get(label)
    if declared is None:
        return QueryPlan()  # no protected fields: nothing to narrow
    declared = {**declared, **{f"where:{r}": where_reveals(label, r) for r in reads}}
    parts = sorted(f for f in filters if not f.startswith("_")) + (["search"] if search else [])
    parts += [f"where:{r}" for r in sorted(reads)]
    if sort is not None:
        parts.append(f"sort:{sort}")
    rows: ReadScope | None = None
    order: ReadScope | None = None
    exact: ReadScope | None = None
    compares_points = False
    asked: list[str] = []
    for part in parts:
        if part not in declared:
            raise ValueError(f"{label}'s {part!r} does not declare what it reveals.")
        fields = declared[part]
        is_sort = part.startswith("sort:")
        if (not is_sort or sort_asked) and not fields.isdisjoint(AUDITED.get(label, ())):
            asked.append(part)
        if not fields.isdisjoint(COARSE):
            compares_points = True
            points = read_scope(viewer, grants, label, fields & COARSE)
            if points is not None:
                exact = points if exact is None else exact & points
        scope = read_scope(viewer, grants, label, fields - COARSE)
        if scope is None:
            continue
        if is_sort:
            if scope.empty and sort_asked:
                return QueryPlan(asked=tuple(asked), refusal=_sort_refusal(label, sort, fields))
            order = scope
            continue
        rows = scope if rows is None else rows & scope
        if rows.empty:
            return QueryPlan(asked=tuple(asked), refusal=_filter_refusal(label, fields))
    return QueryPlan(rows, order, exact, compares_points, tuple(asked))


def _filter_refusal(label: str, fields: frozenset[str]) -> str:
    """Why a filter is refused, and the filters of the family that reveal nothing protected."""
    free = [
        re.sub(r"_([a-z])", lambda m: m.group(1).upper(), part)
        for part, revealed in QUERY_REVEALS[label].items()
        if not revealed and part != "search" and not part.startswith(("sort:", "where:"))
    ]
    free = free[:4]
    named = ", ".join(free[:-1]) + f" or {free[-1]}" if len(free) > 1 else "".join(free)
    instead = f" ({named})" if free else ""
    return (
        f"Filtering or searching {label} records by {' and '.join(sorted(fields))} needs access "
        f"to that information, which you do not have; narrow the list by what you may read{instead}"
        " instead."
    )


def _sort_refusal(label: str, sort: str | None, fields: frozenset[str]) -> str:
    return (
        f"Sorting {label} records by {sort} orders them by {' and '.join(sorted(fields))}, which "
        "you may not read; choose another order or leave the default one."
    )


# --- de-identification --------------------------------------------------------------------

GRID_DEGREES = 0.005  # ~550 m north-south, ~500 m east-west at Zhongshan's latitude (22.5° N)
# The farthest a point lies from its cell's centre: half the cell's diagonal, at most ~394 m (at
# the equator; less further from it), rounded up. A search over cells reads this much wider.
CELL_REACH_METERS = math.ceil(GRID_DEGREES / 2 * 111_320 * math.sqrt(2)) + 1


def coarse(latitude: float, longitude: float) -> tuple[float, float]:
    """The centre of the ~500 m grid cell holding a point: near enough for a map of need, too
    coarse to find a door."""

    def snap(value: float) -> float:
        return round((value // GRID_DEGREES) * GRID_DEGREES + GRID_DEGREES / 2, 6)

    return snap(latitude), snap(longitude)


def age_band(birth_year: int | None, today: dt.date | None = None) -> str | None:
    """Ten-year bands ("80-89"); 90 and over in one band, so the oldest are not singled out."""
    if birth_year is None:
        return None
    age = (today or dt.date.today()).year - birth_year
    if age >= 90:
        return "90+"
    low = max(0, age // 10 * 10)
    return f"{low}-{low + 9}"


# --- distances ----------------------------------------------------------------------------

# A distance measured from a known place says where the other end is: three exact distances from
# homes a viewer knows trilaterate a volunteer's base to a metre. So a distance is exact only when
# the viewer may read both ends: a protected point is its family's ``location`` in FIELD_VIEWS (a
# resident's home, a volunteer's base); every other place (communities, organizations, venues,
# resources) is public. A protected end the viewer may not read enters an answer only as the
# centre of its ~500 m cell (:func:`coarse`), and the distance is shown only as a band of
# :data:`DISTANCE_BANDS`: whatever the viewer asks, from whichever places, the answers depend on
# that cell alone, and say no more than the cell a de-identified view shows anyway.
LOCATION_FIELD = "location"
# Upper edges of the bands, metres; the last band is open. The first is the ~500 m of the grid
# (a nearer band would resolve within a cell); then doubling widths up to 5 km, where an annulus
# holds a town's worth of homes; beyond 5 km nearness no longer decides a match (就近).
DISTANCE_BANDS: tuple[int, ...] = (500, 1_000, 2_000, 5_000)


def point_readable(label: str, seen_as: View) -> bool:
    """May a viewer who sees an entity of ``label`` as ``seen_as`` read where it is?"""
    return may_read(label, LOCATION_FIELD, seen_as)


def bases_read(viewer: Viewer, grants: Grants) -> ReadScope | None:
    """The volunteers whose base the viewer may read (:func:`point_readable` over the family at
    once, :func:`read_scope` of the location): ``None`` for every one (an administrator), so a
    matching or a survey need not ask of each of the thousands within reach."""
    return read_scope(viewer, grants, "Volunteer", frozenset({LOCATION_FIELD}))


@dataclass(frozen=True)
class DistanceBand:
    at_least: int  # metres
    under: int | None  # metres; None for the last, open band

    @property
    def representative(self) -> int:
        """The one distance every point of the band is scored and ordered as: its middle (the
        open band: its lower edge)."""
        return self.at_least if self.under is None else (self.at_least + self.under) // 2

    @property
    def label(self) -> str:
        def km(m: int) -> str:
            return f"{m} m" if m < 1_000 else f"{m / 1_000:g} km"

        if self.under is None:
            return f"more than {km(self.at_least)}"
        if self.at_least == 0:
            return f"less than {km(self.under)}"
        return f"{km(self.at_least)}–{km(self.under)}"


BANDS: tuple[DistanceBand, ...] = tuple(
    DistanceBand(low, high)
    for low, high in zip((0, *DISTANCE_BANDS), (*DISTANCE_BANDS, None), strict=True)
)


def distance_band(meters: float) -> DistanceBand:
    return BANDS[sum(1 for edge in DISTANCE_BANDS if edge <= meters)]
