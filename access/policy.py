"""Who may see and change what: every access rule of the service, in one module.

DESIGN.md "Who may see what" made concrete, and docs/ACCESS.md is this module as a table (a test
walks that table over HTTP). Nothing here knows GraphQL or Cypher: the schema's permission
classes and the resolvers' row scopes ask these functions, the graph layer supplies the facts
(:class:`Grants`: which communities a social worker covers, which needs a volunteer is assigned to).

Two questions are answered for every object a request touches:
- **rows**: may the viewer know this entity exists? (:func:`row_scope`; invisible rows are left
  out of lists, and a direct reference to one is null with a FORBIDDEN error);
- **fields**: which :class:`View` of a visible entity does the viewer get? (:func:`view`); each
  protected field names the views that may read it (:data:`FIELD_VIEWS`), anything else is null
  with a FORBIDDEN error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from access.tokens import Role, Viewer
from graph.engine.labels import SUPPORT_LABELS


class View(StrEnum):
    FULL = "full"  # the whole record
    VISIT = "visit"  # what a visit needs: who, where, how to reach them — nothing else
    DEIDENTIFIED = "deidentified"  # analysis: no identity, coarse place, age band
    PUBLIC = "public"  # the entity's public face (a volunteer's name, skills, star level)


@dataclass(frozen=True)
class Grants:
    """The facts about a viewer the rules depend on, read from the graph once per request."""

    communities: frozenset[str] = frozenset()  # a social worker's covered communities
    needs: frozenset[str] = frozenset()  # needs a volunteer is assigned to / referred to a partner
    visit_needs: frozenset[str] = frozenset()  # of those, the ones being served by the viewer
    residents: frozenset[str] = frozenset()  # residents behind the visit needs
    referrals: frozenset[str] = frozenset()  # a partner's referrals, sent or received
    records: frozenset[str] = frozenset()  # a volunteer's own service records
    entries: frozenset[str] = frozenset()  # a volunteer's own time-bank entries
    # Needs of a volunteer's family: theirs to spend credits on (not to read: see row_scope).
    family_needs: frozenset[str] = frozenset()
    members: frozenset[str] = frozenset()  # volunteers in a partner's organization
    employers: frozenset[str] = frozenset()  # organizations employing a social worker


@dataclass(frozen=True)
class RowScope:
    """The rows of one family a viewer may see: those with an id in ``ids`` or a status in
    ``statuses``. ``None`` from :func:`row_scope` means every row."""

    ids: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    reason: str = "You may not see this."
    closed: bool = False  # the whole family is closed to the viewer (a root list is FORBIDDEN)
    # Or placed (:data:`PLACED`) in one of these communities (a social worker's covered ones).
    communities: frozenset[str] = frozenset()

    def admits(
        self, key: str, status: str | None = None, placed_in: frozenset[str] = frozenset()
    ) -> bool:
        return (
            key in self.ids
            or (status is not None and status in self.statuses)
            or not placed_in.isdisjoint(self.communities)
        )


# Families anyone may read, signed in or not (DESIGN.md: public organizations, projects,
# recruitments, funds; places and the taxonomy are the reference data they are read with).
PUBLIC_FAMILIES = frozenset(
    {
        "City",
        "District",
        "Community",
        "Skill",
        "ServiceCategory",
        "Organization",
        "Project",
        "Fund",
        "Recruitment",
        "Resource",
        "Venue",
        "ThinkTank",
        "Expert",
    }
)

# The service's own bookkeeping: issued tokens, revocations, idempotency keys, search text. Not
# families anyone browses; even their counts are for administrators.
BOOKKEEPING = frozenset(SUPPORT_LABELS)

OPEN_NEED_STATUSES = frozenset({"OPEN"})

SIGN_IN = "Sign in to see this; it is not public."


def row_scope(viewer: Viewer, grants: Grants, label: str) -> RowScope | None:
    """The rows of ``label`` the viewer may see (``None``: all of them)."""
    role = viewer.role
    if label in PUBLIC_FAMILIES or role is Role.ADMIN:
        return None
    if label == "AuditEntry":
        return RowScope(reason="Only administrators read the audit log.", closed=True)
    if label in BOOKKEEPING:
        return RowScope(reason="Only administrators see the service's bookkeeping.", closed=True)
    if role is Role.ANONYMOUS:
        return RowScope(reason=SIGN_IN, closed=True)
    if label == "TimeBankEntry" and role in {Role.SOCIAL_WORKER, Role.ANALYST}:
        return _ledger_rows(viewer, grants)
    if role in {Role.SOCIAL_WORKER, Role.ANALYST}:
        return None  # every row; what they see of it is the view's business
    if label in {"Volunteer", "SocialWorker"}:
        return None  # public profiles; contact details are fields with their own rule
    if role is Role.VOLUNTEER:
        return _volunteer_rows(grants, label)
    return _partner_rows(grants, label)


def _volunteer_rows(grants: Grants, label: str) -> RowScope:
    if label == "Resident":
        return RowScope(
            ids=grants.residents,
            reason="A volunteer sees a resident only while assigned to one of their needs.",
        )
    if label == "Need":
        return RowScope(
            ids=grants.needs,
            statuses=OPEN_NEED_STATUSES,
            reason="A volunteer sees open needs and the needs they are assigned to.",
        )
    if label == "ServiceRecord":
        return RowScope(ids=grants.records, reason="A volunteer sees their own service records.")
    if label == "TimeBankEntry":
        return RowScope(ids=grants.entries, reason="A volunteer sees their own time-bank ledger.")
    return RowScope(reason="Volunteers do not see referrals between organizations.", closed=True)


def _ledger_rows(viewer: Viewer, grants: Grants) -> RowScope:
    """A time-bank ledger sums to the volunteer's balance (``Volunteer.timeBankHours``), so its
    rows follow the balance's rule: a social worker sees the ledgers of volunteers serving a
    community they cover; analysts see none (aggregates of hours come from verified service)."""
    if viewer.role is Role.ANALYST:
        return RowScope(
            reason="Time-bank ledgers add up to a volunteer's balance, which is theirs and their "
            "social workers' to read; analyse verified service hours instead.",
            closed=True,
        )
    return RowScope(
        communities=grants.communities,
        reason="A social worker sees the time-bank ledgers of volunteers serving the communities "
        "they cover.",
    )


def _partner_rows(grants: Grants, label: str) -> RowScope:
    if label == "Referral":
        return RowScope(
            ids=grants.referrals, reason="A partner sees only referrals it sent or received."
        )
    if label == "Need":
        return RowScope(ids=grants.needs, reason="A partner sees only needs referred to it.")
    if label == "Resident":
        return RowScope(
            ids=grants.residents,
            reason="A partner sees a resident only once it has accepted a referral of their need.",
        )
    return RowScope(reason="Partners see their own organization's records only.", closed=True)


# --- fields -------------------------------------------------------------------------------

# Protected fields and the views that may read them; a field not listed here is readable by
# anyone who may see the row. PII (DESIGN.md): residents' name, phone, address, exact location
# and identity number, and what identifies them indirectly (birth year, exact age; free text
# written about them); volunteers' and professionals' phones and a volunteer's home base.
FIELD_VIEWS: Mapping[str, Mapping[str, frozenset[View]]] = {
    "Resident": {
        "name": frozenset({View.FULL, View.VISIT}),
        "phone": frozenset({View.FULL, View.VISIT}),
        "address": frozenset({View.FULL, View.VISIT}),
        "location": frozenset({View.FULL, View.VISIT}),
        "age": frozenset({View.FULL, View.VISIT}),
        "idNumber": frozenset({View.FULL}),
        "birthYear": frozenset({View.FULL}),
        "tags": frozenset({View.FULL, View.DEIDENTIFIED}),
        "consent": frozenset({View.FULL, View.DEIDENTIFIED}),
        "registeredOn": frozenset({View.FULL, View.DEIDENTIFIED}),
    },
    "Need": {
        "description": frozenset({View.FULL, View.VISIT}),
        "closingNote": frozenset({View.FULL, View.VISIT}),
        "resident": frozenset({View.FULL, View.VISIT, View.DEIDENTIFIED}),
    },
    "Volunteer": {
        "phone": frozenset({View.FULL}),
        "location": frozenset({View.FULL}),
        "birthYear": frozenset({View.FULL}),
        "timeBankHours": frozenset({View.FULL}),
    },
    "SocialWorker": {"phone": frozenset({View.FULL})},
    "Expert": {"phone": frozenset({View.FULL})},
    "ServiceRecord": {"note": frozenset({View.FULL})},
    # A ledger sums to the balance: its amounts and its tie to the volunteer are the balance's
    # (FULL); a note is free text about the person served, like a service record's.
    "TimeBankEntry": {
        "hours": frozenset({View.FULL}),
        "note": frozenset({View.FULL}),
        "volunteer": frozenset({View.FULL}),
        "earnedBy": frozenset({View.FULL}),
        "spentOn": frozenset({View.FULL}),
    },
    "Referral": {
        "reason": frozenset({View.FULL}),
        "outcome": frozenset({View.FULL}),
    },
}

# Fields that are a resident's personal information: each read of one is audited.
AUDITED = {"Resident": frozenset(FIELD_VIEWS["Resident"]) - {"tags", "consent", "registeredOn"}}


# Families whose view for a social worker depends on the communities the entity is in (a
# resident's home, a need's or record's community, the communities a volunteer serves, those
# of the volunteer holding a time-bank entry).
PLACED = frozenset({"Resident", "Need", "ServiceRecord", "Volunteer", "TimeBankEntry"})


def view(
    viewer: Viewer,
    grants: Grants,
    label: str,
    key: str,
    communities: frozenset[str] = frozenset(),
) -> View:
    """What the viewer sees of a visible entity; ``communities`` as in :data:`PLACED`."""
    role, subject = viewer.role, viewer.subject
    if role is Role.ADMIN:
        return View.FULL
    covered = role is Role.SOCIAL_WORKER and not communities.isdisjoint(grants.communities)
    if label in {"Resident", "Need", "ServiceRecord"}:
        if covered:
            return View.FULL
        if role is Role.VOLUNTEER and label == "ServiceRecord":
            return View.FULL if key in grants.records else View.DEIDENTIFIED
        if role in {Role.VOLUNTEER, Role.PARTNER}:
            # A volunteer's assigned need, a partner's accepted referral: what the visit needs.
            granted = grants.residents if label == "Resident" else grants.visit_needs
            return View.VISIT if key in granted else View.DEIDENTIFIED
        return View.DEIDENTIFIED
    if label == "TimeBankEntry":  # the balance's rule (see _ledger_rows)
        own = role is Role.VOLUNTEER and key in grants.entries
        return View.FULL if own or covered else View.DEIDENTIFIED
    if label == "Volunteer":
        own = role is Role.VOLUNTEER and key == subject
        if own or covered or (role is Role.PARTNER and key in grants.members):
            return View.FULL
        return View.PUBLIC
    if label == "Referral":
        if role is Role.SOCIAL_WORKER or (role is Role.PARTNER and key in grants.referrals):
            return View.FULL
        return View.DEIDENTIFIED
    if label in {"SocialWorker", "Expert"}:
        # Work phones are for the people who work with them, not for analysis or the public.
        return View.PUBLIC if role in {Role.ANALYST, Role.ANONYMOUS} else View.FULL
    return View.PUBLIC


def may_read(label: str, field_name: str, seen_as: View) -> bool:
    allowed = FIELD_VIEWS.get(label, {}).get(field_name)
    return allowed is None or seen_as in allowed


def field_denial(label: str, field_name: str, seen_as: View) -> str:
    if seen_as is View.DEIDENTIFIED:
        return f"{label}.{field_name} is personal information; this view is de-identified."
    if seen_as is View.VISIT:
        return f"{label}.{field_name} is not part of what a visit needs."
    return f"{label}.{field_name} is personal information you may not read."


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
    # Rows seen without a grant (every row, or open needs by status) have a grantless row's view.
    ungranted = rows is None or bool(rows.statuses)
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


# --- mutations ----------------------------------------------------------------------------


class Act(StrEnum):
    """What a mutation needs of its caller (each mutation names one; ``schema.permissions``)."""

    CASEWORK = "casework"  # a social worker covering the need's/resident's/record's community
    VOLUNTEER_SELF = "volunteer_self"  # the volunteer themself, or a covering social worker
    ORGANIZATION = "organization"  # a partner acting for its own organization
    OWNER = "owner"  # the partner owning the resource, for a need referred to it
    KEEPER = "keeper"  # the partner offering the resource (changing what it offers)
    REFERRAL_RECEIVER = "referral_receiver"  # the partner a referral was sent to
    REFERRER = "referrer"  # a covering social worker for their employer, or a partner forwarding
    # a need whose referral to it it has accepted
    FUNDS = "funds"  # the organization managing the fund
    ADMINISTER = "administer"  # administrators only (revoking tokens)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""


ALLOW = Decision(True)


@dataclass(frozen=True)
class Target:
    """What a mutation acts on, as the rules need it (read from the graph before deciding)."""

    communities: frozenset[str] = frozenset()  # where the need/resident/record/recruitment is
    organizations: frozenset[str] = frozenset()  # owners: resource's, fund's, referral's receiver
    volunteer: str | None = None  # the volunteer acted for
    organization: str | None = None  # the organization the caller says it acts for
    need: str | None = None  # the need a partner links a resource to or refers


# A referral sends a resident's need, and once accepted their record, to another organization:
# only someone already entrusted with the need may send it on, and only in their own name (a
# referral "from" an organization is that organization's act, and shows as its collaboration).
_REFERRER_RULE = (
    "Refer a need from your own organization: as a social worker covering its community, from "
    "the organization that employs you; as a partner, only a need whose referral to you you have "
    "accepted."
)


def decide(viewer: Viewer, grants: Grants, act: Act, target: Target) -> Decision:
    """Whether ``viewer`` may perform a mutation of kind ``act`` on ``target``. Admins may do
    everything (and every mutation is audited); analysts and anonymous callers nothing."""
    role, subject = viewer.role, viewer.subject
    if role is Role.ADMIN:
        return ALLOW
    if role is Role.ANONYMOUS:
        return Decision(False, "Sign in to change anything.")
    if role is Role.ANALYST:
        return Decision(False, "Analysts read; they do not change records.")
    covers = role is Role.SOCIAL_WORKER and not target.communities.isdisjoint(grants.communities)
    partner = role is Role.PARTNER
    allowed, reason = {
        Act.CASEWORK: (covers, "Only a social worker covering the community may do this."),
        Act.VOLUNTEER_SELF: (
            covers or (role is Role.VOLUNTEER and target.volunteer == subject),
            "A volunteer may do this only for themself.",
        ),
        Act.ORGANIZATION: (
            partner and target.organization == subject,
            "A partner may act only for its own organization.",
        ),
        Act.OWNER: (
            partner and subject in target.organizations and target.need in grants.needs,
            "A partner may allocate only its own resources, to needs referred to it.",
        ),
        Act.KEEPER: (
            partner and subject in target.organizations,
            "A partner may change only its own organization's resources.",
        ),
        Act.REFERRAL_RECEIVER: (
            partner and subject in target.organizations,
            "Only the organization a referral was sent to may answer it.",
        ),
        Act.REFERRER: (
            (covers and target.organization in grants.employers)
            or (partner and target.organization == subject and target.need in grants.visit_needs),
            _REFERRER_RULE,
        ),
        Act.FUNDS: (
            partner and subject in target.organizations,
            "Only the organization managing the fund may record its money.",
        ),
        Act.ADMINISTER: (False, "Only administrators may do this."),
    }[act]
    return ALLOW if allowed else Decision(False, reason)


# --- what identifies a resident besides their fields --------------------------------------

# The views that know who a resident is (they may read the name). A relationship or free text
# that would identify a resident reaches a viewer only through one of these.
IDENTIFYING: frozenset[View] = FIELD_VIEWS["Resident"]["name"]

# Families whose records are about a resident (a need, what was done for it, a referral of it,
# time-bank hours spent on it): their relationships and their text are declared below.
ABOUT_RESIDENTS = frozenset({"Resident", "Need", "ServiceRecord", "Referral", "TimeBankEntry"})

# Relationships that are personal facts about a resident, each with the family at its resident
# end. A viewer whose view of that end is not identifying gets no such edge in any network answer
# or export, and no walk or path crosses one (the named end is not de-identified instead: a
# volunteer's name and id are public, so the edge itself is the leak).
PERSONAL_TIES: Mapping[str, str] = {
    # Kinship (relation SELF: the volunteer is the resident). Family is known outside the
    # service: "何姨's mother" is one person, whatever her node shows.
    "FAMILY_OF": "Resident",
    # Credits pay only for the holder's or their family's needs (graph.workflows.SPEND_CREDITS),
    # so volunteer -HOLDS-> entry -SPENT_ON-> need says FAMILY_OF one hop further on.
    "SPENT_ON": "Need",
}

# Every other relationship touching a family about residents, and why it does not identify one
# (a guard test fails on a relationship of the model declared in neither mapping).
SERVICE_TIES: Mapping[str, str] = {
    "LIVES_IN": "the resident's community: the de-identified view's own place",
    "HAS_NEED": "a resident's own need; nobody else is named",
    "IN": "a need's community, the same as its resident's",
    "OF_CATEGORY": "vocabulary",
    "REQUIRES": "vocabulary",
    "CASE_MANAGER_OF": "a social worker's caseload in the communities they cover: no narrower "
    "than the resident's community",
    "ASSIGNED": "a volunteer's work: the service pairs strangers within the volunteer's service "
    "area, so it says what the volunteer does, not whom the resident knows",
    "PERFORMED": "a volunteer's work (see ASSIGNED)",
    "VERIFIED": "a social worker's work on a record",
    "HOLDS": "a volunteer's own ledger",
    "EARNED_BY": "hours earned by the holder's own service (see ASSIGNED)",
    "FOR": "one record of the service to another",
    "ABOUT": "one record of the service to another",
    "PART_OF": "a record to the public project it was part of",
    "REFERRED": "between organizations",
    "TO": "between organizations",
    "ALLOCATED_TO": "an organization's resource to a need",
}


def shows_tie(rel_type: str, resident_view: View) -> bool:
    """Whether an edge of ``rel_type`` may be shown to a viewer whose view of its resident end
    (:data:`PERSONAL_TIES`) is ``resident_view``."""
    return rel_type not in PERSONAL_TIES or resident_view in IDENTIFYING


def tie_denial(rel_type: str) -> str:
    return (
        f"A {rel_type} link ties a resident to someone named: it is personal information, and "
        "your view of this resident is de-identified."
    )


# Every stored property of the families about residents is declared once: protected
# (FIELD_VIEWS), free text (prose someone typed: it may name anyone, and nothing can check what it
# holds), or plain (ids, vocabulary values, dates, numbers, flags). Analysis answers (exports,
# network node names) carry free text only to identifying views and nothing undeclared; a guard
# test fails on a stored property declared nowhere. Free text without a FIELD_VIEWS rule (a need's
# title: volunteers choose open needs by it) is read with its row in the API.
FREE_TEXT: Mapping[str, frozenset[str]] = {
    "Resident": frozenset({"address"}),
    "Need": frozenset({"title", "description", "closingNote"}),
    "ServiceRecord": frozenset({"title", "note"}),
    "Referral": frozenset({"reason", "outcome"}),
    "TimeBankEntry": frozenset({"note"}),
}
PLAIN: Mapping[str, frozenset[str]] = {
    "Resident": frozenset({"id", "gender", "languages"}),
    "Need": frozenset(
        {
            "id",
            "status",
            "urgency",
            "urgencyRank",
            "source",
            "headcount",
            "slots",
            "oneOffAt",
            "oneOffSlot",
            "oneOffKey",
            "durationMinutes",
            "languageRequired",
            "createdAt",
            "closedAt",
        }
    ),
    "ServiceRecord": frozenset({"id", "date", "minutes", "beneficiaries", "rating"}),
    "Referral": frozenset({"id", "status", "createdAt", "respondedAt", "completedAt"}),
    "TimeBankEntry": frozenset({"id", "kind", "at"}),
}


# Stored properties that hold a protected field under another name (the API derives the field
# from them: a ledger entry's `hours` from its stored `minutes`): protected exactly as the field.
STORED_AS: Mapping[str, Mapping[str, str]] = {"TimeBankEntry": {"minutes": "hours"}}

# Relationships that *are* a protected field of the family at one end (a ledger entry's
# `volunteer` is its HOLDS edge): an edge goes into an analysis answer only where that field may
# be read, so an export cannot rebuild by its edges what the fields withhold (a balance from
# entries tied to their holder).
LINK_FIELDS: Mapping[str, tuple[str, str]] = {
    "HOLDS": ("TimeBankEntry", "volunteer"),
    "EARNED_BY": ("TimeBankEntry", "earnedBy"),
    "SPENT_ON": ("TimeBankEntry", "spentOn"),
    "HAS_NEED": ("Need", "resident"),
}


def link_readable(rel_type: str, seen_as: View) -> bool:
    """Whether an edge of ``rel_type`` may be shown to a viewer whose view of the family that
    holds it as a field (:data:`LINK_FIELDS`) is ``seen_as``."""
    held = LINK_FIELDS.get(rel_type)
    return held is None or may_read(held[0], held[1], seen_as)


def in_analysis(label: str, field_name: str, seen_as: View) -> bool:
    """Whether an analysis answer (an export, a network node's name) may carry a stored property
    of an entity seen as ``seen_as``: a field the view may read and, for the families about
    residents, a declared one, free text only where the view knows who the resident is."""
    if not may_read(label, STORED_AS.get(label, {}).get(field_name, field_name), seen_as):
        return False
    if label not in ABOUT_RESIDENTS:
        return True
    if field_name in FREE_TEXT.get(label, ()):
        return seen_as in IDENTIFYING
    return field_name in PLAIN.get(label, ()) or field_name in FIELD_VIEWS.get(label, {})


def may_match(viewer: Viewer, grants: Grants, need: str, communities: frozenset[str]) -> Decision:
    """Whether ``viewer`` may ask who can serve a need, or what can help it (``whoCanServe``,
    ``linkResources``): the answers are measured from the resident's home and name who could
    come to it, so they are casework on that need, for the people entrusted with it: an
    administrator, a social worker covering the need's community (``communities``), or a partner
    that has accepted the need's referral."""
    role = viewer.role
    if role is Role.ADMIN:
        return ALLOW
    if role is Role.SOCIAL_WORKER and not communities.isdisjoint(grants.communities):
        return ALLOW
    if role is Role.PARTNER and need in grants.visit_needs:
        return ALLOW
    return Decision(
        False,
        {
            Role.ANONYMOUS: "Sign in to match volunteers and resources to a need.",
            Role.SOCIAL_WORKER: "You may match volunteers and resources only to needs in the "
            "communities you cover.",
            Role.PARTNER: "A partner may match volunteers and resources to a need only once it "
            "has accepted the need's referral.",
        }.get(
            role,
            "Matching volunteers and resources to a need is the work of the social workers "
            "covering its community and of partners that have accepted its referral.",
        ),
    )


# --- exports for analysis -----------------------------------------------------------------

# Records about residents (ABOUT_RESIDENTS) are exported as their de-identified view, everything
# else as its public face. Exports are the same for every role that may ask.
# Stored properties that never leave the service: the search text holds names' characters.
INTERNAL_PROPS = frozenset({"search"})


def export_view(label: str) -> View:
    return View.DEIDENTIFIED if label in ABOUT_RESIDENTS else View.PUBLIC


def exported_family(label: str) -> bool:
    """Whether an export carries the nodes of ``label``. Exports are the same for every role
    that may ask, so they hold only the families whose every row the least entitled of those
    roles, the analyst, may see: not the time-bank ledger (it adds up to balances), nor the
    audit log."""
    return row_scope(Viewer(Role.ANALYST, "export"), Grants(), label) is None


def exported_tie(rel_type: str) -> bool:
    """Whether an export carries relationships of ``rel_type`` (personal ties never)."""
    end = PERSONAL_TIES.get(rel_type)
    held = LINK_FIELDS.get(rel_type)
    return (end is None or shows_tie(rel_type, export_view(end))) and (
        held is None or link_readable(rel_type, export_view(held[0]))
    )


def deidentified(label: str, props: Mapping[str, object]) -> dict[str, object]:
    """A node's stored properties as an analysis export may carry them (:func:`in_analysis`:
    no protected field the export view may not read, no free text or undeclared property about a
    resident); a resident's home becomes its ~500 m grid cell and their birth year an age band."""
    seen_as = export_view(label)
    out: dict[str, object] = {}
    for name, value in props.items():
        if name in INTERNAL_PROPS or name.startswith("_"):
            continue
        if not in_analysis(label, name, seen_as):
            continue
        out[name] = value
    if label == "Resident":
        location = props.get("location")
        if isinstance(location, Mapping):
            lat, lon = coarse(float(location["latitude"]), float(location["longitude"]))
            out["approximateLocation"] = {"latitude": lat, "longitude": lon}
        birth_year = props.get("birthYear")
        out["ageBand"] = age_band(birth_year if isinstance(birth_year, int) else None)
    return out
