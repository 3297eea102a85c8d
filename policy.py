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

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from auth import Role, Viewer
from graph.labels import SUPPORT_LABELS


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

    def admits(self, key: str, status: str | None = None) -> bool:
        return key in self.ids or (status is not None and status in self.statuses)


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
    "Referral": {
        "reason": frozenset({View.FULL}),
        "outcome": frozenset({View.FULL}),
    },
}

# Fields that are a resident's personal information: each read of one is audited.
AUDITED = {"Resident": frozenset(FIELD_VIEWS["Resident"]) - {"tags", "consent", "registeredOn"}}


# Families whose view for a social worker depends on the communities the entity is in (a
# resident's home, a need's or record's community, the communities a volunteer serves).
PLACED = frozenset({"Resident", "Need", "ServiceRecord", "Volunteer"})


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


# --- queries over personal information ---------------------------------------------------

# Searching residents by name, filtering them by exact place or age, or ordering them by name, age
# or distance are questions about PII even when no PII field is selected: each answer is an
# oracle (a 1-metre `near` finds a door). Such queries only run over rows whose PII the viewer
# may read.
PII_QUERIES: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    "Resident": (
        frozenset({"near", "born_from", "born_to"}),
        frozenset({"BIRTH_YEAR", "DISTANCE"}),
    ),
}


def asks_about_pii(label: str, filters: frozenset[str], sort: str | None, search: bool) -> bool:
    if label not in PII_QUERIES:
        return False
    pii_filters, pii_sorts = PII_QUERIES[label]
    return search or not filters.isdisjoint(pii_filters) or sort in pii_sorts


def pii_query(viewer: Viewer, label: str) -> tuple[Decision, str | None]:
    """May the viewer ask a PII question of ``label``; if so, the social worker whose covered
    communities the rows must be in (``None``: no narrowing beyond the row scope)."""
    role = viewer.role
    if role is Role.ADMIN or role in {Role.VOLUNTEER, Role.PARTNER}:
        return ALLOW, None  # a volunteer's or partner's rows are already only visit rows
    if role is Role.SOCIAL_WORKER:
        return ALLOW, viewer.subject
    return (
        Decision(
            False,
            f"Searching {label.lower()}s by name, exact place or age needs access to their "
            "personal information; filter by community, district or tag instead.",
        ),
        None,
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
        Act.ADMINISTER: (False, "Only administrators may do this."),
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
