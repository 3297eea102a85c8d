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
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from auth import Role, Viewer


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
    members: frozenset[str] = frozenset()  # volunteers in a partner's organization


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

OPEN_NEED_STATUSES = frozenset({"OPEN"})

SIGN_IN = "Sign in to see this; it is not public."


def row_scope(viewer: Viewer, grants: Grants, label: str) -> RowScope | None:
    """The rows of ``label`` the viewer may see (``None``: all of them)."""
    role = viewer.role
    if label in PUBLIC_FAMILIES or role is Role.ADMIN:
        return None
    if label == "AuditEntry":
        return RowScope(reason="Only administrators read the audit log.", closed=True)
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
) -> QueryPlan:
    """How a list of ``label`` filtered by ``filters`` (condition names; ``_``-prefixed ones are
    the service's own), searched or not, in ``sort`` order (the family's default unless
    ``sort_asked``) runs for the viewer: narrowed, ordered, compared coarsely, or refused."""
    declared = QUERY_REVEALS.get(label)
    if declared is None:
        return QueryPlan()  # no protected fields: nothing to narrow
    parts = sorted(f for f in filters if not f.startswith("_")) + (["search"] if search else [])
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
        if not revealed and part != "search" and not part.startswith("sort:")
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


# --- mutations ----------------------------------------------------------------------------


class Act(StrEnum):
    """What a mutation needs of its caller (each mutation names one; ``schema.permissions``)."""

    CASEWORK = "casework"  # a social worker covering the need's/resident's/record's community
    VOLUNTEER_SELF = "volunteer_self"  # the volunteer themself, or a covering social worker
    ORGANIZATION = "organization"  # a partner acting for its own organization
    OWNER = "owner"  # the partner owning the resource, for a need referred to it
    KEEPER = "keeper"  # the partner offering the resource (changing what it offers)
    REFERRAL_RECEIVER = "referral_receiver"  # the partner a referral was sent to
    REFERRER = "referrer"  # a covering social worker, or a partner referring a need it holds
    FUNDS = "funds"  # the organization managing the fund


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
            covers or (partner and target.organization == subject and target.need in grants.needs),
            "Refer from your own organization a need you hold, or as a covering social worker.",
        ),
        Act.FUNDS: (
            partner and subject in target.organizations,
            "Only the organization managing the fund may record its money.",
        ),
    }[act]
    return ALLOW if allowed else Decision(False, reason)


# --- exports for analysis -----------------------------------------------------------------

# Families whose records are about residents: exported as their de-identified view. Everything
# else is exported as its public face. Exports are the same for every role that may ask.
ABOUT_RESIDENTS = frozenset({"Resident", "Need", "ServiceRecord", "Referral"})
# Stored properties that never leave the service: the search text holds names' characters.
INTERNAL_PROPS = frozenset({"search"})


def export_view(label: str) -> View:
    return View.DEIDENTIFIED if label in ABOUT_RESIDENTS else View.PUBLIC


def deidentified(label: str, props: Mapping[str, object]) -> dict[str, object]:
    """A node's stored properties as an analysis export may carry them: protected fields the
    export view may not read are dropped; a resident's home becomes its ~500 m grid cell and
    their birth year an age band."""
    seen_as = export_view(label)
    out: dict[str, object] = {}
    for name, value in props.items():
        if name in INTERNAL_PROPS or name.startswith("_"):
            continue
        if not may_read(label, name, seen_as):
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
