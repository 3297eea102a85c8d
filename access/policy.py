"""Who may see what: the rows and fields each viewer reads, and what identifies a resident.

The rest of the access rules build on these, one job per module: what a list's filters, sorts and
counts and a distance reveal (``access.inference``), who may change what and match for a need
(``access.acts``), what an analysis export carries (``access.exports``).

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

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

from access.tokens import Role, Viewer
from graph.engine.labels import SUPPORT_LABELS
from graph.model.vocab import NeedStatus


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
    # Or reviewed: approved by a social worker (a family of :data:`UNTIL_REVIEWED`).
    reviewed: bool = False
    # Or consented: the person consents to de-identified analysis (a family of :data:`BY_CONSENT`).
    consented: bool = False

    def admits(
        self,
        key: str,
        status: str | None = None,
        placed_in: frozenset[str] = frozenset(),
        reviewed: bool = False,
        consented: bool = False,
    ) -> bool:
        return (
            key in self.ids
            or (status is not None and status in self.statuses)
            or not placed_in.isdisjoint(self.communities)
            or (self.reviewed and reviewed)
            or (self.consented and consented)
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

OPEN_NEED_STATUSES = frozenset({NeedStatus.OPEN})

# Families whose rows tell when something happened at a resident's home until someone reviews
# them. A visit's check-out proposes its service record at that moment, so a record that appears
# says when the visit ended and, from its minutes, when it began; one typed in with
# `recordService` is as fresh. Until a social worker approves it (a DECLINED one never), such a
# row is seen only by those who read it in FULL — the social workers covering its need's
# community or its activity's, administrators — and by the volunteer who served (their own
# record). Everyone else who reads the family (analysts, other social workers) sees it once it
# is approved, at a moment the reviewer chooses, not the visit (docs/PRIVACY.md). Every list,
# connection, `node`, count, `where`, figure, network answer, export and feed takes it from the
# row scope (:func:`row_scope`: ``RowScope.reviewed``), and the graph layer from the family's
# ``reviewed`` predicate.
UNTIL_REVIEWED = frozenset({"ServiceRecord"})

# Families whose rows are about a person who chooses whether she counts in de-identified analysis
# (``ConsentScope.ANALYSIS``, PIPL art. 14, 15, 29). Those who read her row de-identified — an
# analyst, a social worker outside her communities — see it only while her consent on record
# includes ANALYSIS and is not withdrawn; those who serve her (FULL: the social workers covering
# her community, administrators; VISIT: her assigned volunteer, a partner she was referred to)
# see her as before, since stopping care is not what she asked for. Every list, connection,
# `node`, count, `where`, sort, statistic of residents, network answer and export takes it from
# the row scope (:func:`row_scope`: ``RowScope.consented``), the graph layer from the family's
# ``consented`` predicate. Figures of the service itself (needs, hours, gaps) still count her
# needs and visits: they are the station's work, not statistics about her (docs/PRIVACY.md).
BY_CONSENT = frozenset({"Resident"})

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
    if label in UNTIL_REVIEWED and role in {Role.SOCIAL_WORKER, Role.ANALYST}:
        return _covered_or(viewer, grants, UNREVIEWED, reviewed=True)
    if label in BY_CONSENT and role in {Role.SOCIAL_WORKER, Role.ANALYST}:
        return _covered_or(viewer, grants, UNCONSENTED, consented=True)
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


# Why a reader outside the communities does not see a row of an UNTIL_REVIEWED or BY_CONSENT
# family (``RowScope.reason``).
UNREVIEWED = (
    "A service record is seen outside the communities covering it only once a social worker has "
    "approved it: until then it tells when a visit to a resident ended."
)
UNCONSENTED = (
    "A resident is seen de-identified only while she consents to de-identified analysis "
    "(otherwise only by those who serve her); this is not one you may see."
)


def _covered_or(viewer: Viewer, grants: Grants, reason: str, **condition: bool) -> RowScope:
    """Rows of an :data:`UNTIL_REVIEWED` or :data:`BY_CONSENT` family: those meeting its
    ``condition`` (``reviewed=True``: approved; ``consented=True``: consented to analysis), and
    for a social worker every one placed in a community they cover (their FULL view: the records
    they review, the residents they serve). Both families are held back the same way."""
    return RowScope(
        **condition,
        communities=grants.communities if viewer.role is Role.SOCIAL_WORKER else frozenset(),
        reason=reason,
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
        # The age is this year minus the birth year: whoever reads one knows the other, so both
        # have one rule (a guard test holds fields computed from one another to the same views).
        "birthYear": frozenset({View.FULL, View.VISIT}),
        # What registration and imports keep of an ID-card number, never the number
        # (intake/identity.py): as private as it.
        "idHash": frozenset({View.FULL}),
        "idLast4": frozenset({View.FULL}),
        # A tag (LIVING_ALONE, DISABLED) is read row by row only in full: counted row by row, a
        # de-identified list gives back exactly the small cells statistics withhold ("the two
        # elders living alone in 起湾", docs/PRIVACY.md "Small cells"). Below FULL tags are read
        # only as statistics (`residentsByTag`, k = 3), so no field, filter, `where`, export or
        # survey of rows counts them: a gap survey of residents (`coverageGaps(subject:
        # RESIDENTS)`, by tag or of any tag) is refused unless the viewer reads every resident
        # of its scope in full (`resolvers.network._check_resident_survey`).
        "tags": frozenset({View.FULL}),
        "consent": frozenset({View.FULL, View.DEIDENTIFIED}),
        # The consent record, read as `consent` is (issue 19).
        "consentScopes": frozenset({View.FULL, View.DEIDENTIFIED}),
        "consentGivenBy": frozenset({View.FULL, View.DEIDENTIFIED}),
        # Days are quasi-identifiers (the day she was registered, and consented with it, is
        # known to her neighbours): de-identified views read the month (`registeredMonth`) and
        # whether consent was given or withdrawn (`consent`), not the days (docs/PRIVACY.md).
        "consentGivenOn": frozenset({View.FULL}),
        "consentWithdrawnOn": frozenset({View.FULL}),
        # Every consent given and withdrawn, with its days: read as the days are.
        "consentHistory": frozenset({View.FULL}),
        "registeredOn": frozenset({View.FULL}),
    },
    "Need": {
        "description": frozenset({View.FULL, View.VISIT}),
        "closingNote": frozenset({View.FULL, View.VISIT}),
        "resident": frozenset({View.FULL, View.VISIT, View.DEIDENTIFIED}),
    },
    "Volunteer": {
        "phone": frozenset({View.FULL}),
        # The national volunteer number identifies the person across systems, like a phone.
        "volunteerNo": frozenset({View.FULL}),
        "location": frozenset({View.FULL}),
        "birthYear": frozenset({View.FULL}),
        "timeBankHours": frozenset({View.FULL}),
    },
    # The certificate number identifies the person across systems, like a volunteer number.
    "SocialWorker": {"phone": frozenset({View.FULL}), "certificateNo": frozenset({View.FULL})},
    "Expert": {"phone": frozenset({View.FULL})},
    "ServiceRecord": {"note": frozenset({View.FULL}), "declineReason": frozenset({View.FULL})},
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
_CONSENT = {
    "consent",
    "consentScopes",
    "consentGivenBy",
    "consentGivenOn",
    "consentWithdrawnOn",
    "consentHistory",
}
AUDITED = {"Resident": frozenset(FIELD_VIEWS["Resident"]) - {"tags", "registeredOn", *_CONSENT}}


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


def reads_certificates(
    viewer: Viewer, grants: Grants, volunteer: str, communities: frozenset[str]
) -> bool:
    """Whether the viewer may list a volunteer's service certificates (``communities``: those the
    volunteer serves). Narrower than the volunteer's FULL view: a partner the volunteer belongs to
    does not see certificates another organization issued, so only the volunteer themself, a
    social worker covering a community they serve and an administrator (docs/GROUND.md)."""
    if viewer.role is Role.ADMIN:
        return True
    if viewer.role is Role.VOLUNTEER:
        return volunteer == viewer.subject
    return viewer.role is Role.SOCIAL_WORKER and not communities.isdisjoint(grants.communities)


def reads_webhook(viewer: Viewer, organization: str) -> bool:
    """Whether the viewer may read an organization's webhook (its URL, status, failures, last
    delivery and error; never its secret): the organization's own partner and administrators.
    Anyone else reads ``null``, the same whether the organization has a webhook or not (docs/LIVE.md
    "Webhooks")."""
    if viewer.role is Role.ADMIN:
        return True
    return viewer.role is Role.PARTNER and viewer.subject == organization


# Events that say someone is at a resident's home right now: a visit's check-in and check-out.
VISIT_PRESENCE_EVENTS = frozenset({"CHECKED_IN", "CHECKED_OUT"})
# Events on a need that propose a service record (:data:`UNTIL_REVIEWED`), typed in or at a
# check-out: the moment says when a visit ended, so a need's feed tells them as it tells a
# visit's presence — to those who see the record before it is reviewed.
RECORD_PROPOSED_EVENTS = frozenset({"SERVICE_RECORDED", "CHECKED_OUT"})
# What a need's feed tells only to those who run the visit (:func:`hears_visit_presence`).
VISIT_EVENTS = VISIT_PRESENCE_EVENTS | RECORD_PROPOSED_EVENTS


def hears_visit_presence(viewer: Viewer, need_view: View, volunteers: Collection[str]) -> bool:
    """Whether a need's live feed may tell the viewer of a visit's check-in or check-out, or of a
    service record proposed for it (:data:`VISIT_EVENTS`). When someone is at a resident's home is
    shown by no field, network answer or export (docs/GROUND.md), and a record awaiting review by
    none below FULL (:data:`UNTIL_REVIEWED`); the feed says it only to those who run the visit:
    whoever reads the need in full (the social workers covering it, administrators) and the
    volunteer who checked in or served (``volunteers``: those the event names). Everyone else
    who may see the need (other volunteers, analysts, a partner it was referred to) hears nothing
    of it."""
    if need_view is View.FULL:
        return True
    return viewer.role is Role.VOLUNTEER and viewer.subject in volunteers


def may_read(label: str, field_name: str, seen_as: View) -> bool:
    allowed = FIELD_VIEWS.get(label, {}).get(field_name)
    return allowed is None or seen_as in allowed


def field_denial(label: str, field_name: str, seen_as: View) -> str:
    if seen_as is View.DEIDENTIFIED:
        return f"{label}.{field_name} is personal information; this view is de-identified."
    if seen_as is View.VISIT:
        return f"{label}.{field_name} is not part of what a visit needs."
    return f"{label}.{field_name} is personal information you may not read."


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
    "DECLINED": "a social worker's work on a record (see VERIFIED)",
    "AT": "a volunteer's record of a public activity (see ASSIGNED)",
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
    "ServiceRecord": frozenset({"title", "note", "declineReason"}),
    "Referral": frozenset({"reason", "outcome"}),
    "TimeBankEntry": frozenset({"note"}),
}
PLAIN: Mapping[str, frozenset[str]] = {
    "Resident": frozenset({"id", "gender", "languages", "version"}),
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
