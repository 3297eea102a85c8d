"""Who may change what (each mutation names an :class:`Act`; :func:`decide`), and who may ask
who can serve a need (:func:`may_match`): the rules for acting, beside ``access.policy``'s rules
for reading (docs/ACCESS.md). Pure rules: the graph supplies the facts (:class:`Target`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from access.policy import Grants
from access.tokens import Role, Viewer

# --- mutations ----------------------------------------------------------------------------


class Act(StrEnum):
    """What a mutation needs of its caller (each mutation names one; ``schema.permissions``)."""

    CASEWORK = "casework"  # a social worker covering the need's/resident's/record's community
    # (also the rights of the person: erasing a resident, her consent, her subject-access file —
    # the people who already read her whole record answer her requests; docs/PRIVACY.md)
    VOLUNTEER_SELF = "volunteer_self"  # the volunteer themself, or a covering social worker
    ORGANIZATION = "organization"  # a partner acting for its own organization
    OWNER = "owner"  # the partner owning the resource, for a need referred to it
    KEEPER = "keeper"  # the partner offering the resource or running the project (changing it)
    REFERRAL_RECEIVER = "referral_receiver"  # the partner a referral was sent to
    REFERRER = "referrer"  # a covering social worker for their employer, or a partner forwarding
    # a need whose referral to it it has accepted
    FUNDS = "funds"  # the organization managing the fund
    REVIEW = "review"  # a social worker; that they cover each record's community is checked by
    # the review's own statement, record by record (graph/workflows/hours.py)
    CERTIFY = "certify"  # a social worker covering a community the volunteer serves
    ATTENDANCE = "attendance"  # a social worker covering the recruitment's community, or the
    # partner running it (attendance codes, no-shows)
    ISSUER = "issuer"  # a social worker; that they work for the issuing organization is
    # checked by the revocation's own statement (graph/workflows/certificates.py)
    ADMINISTER = "administer"  # administrators only (revoking tokens, the registers they keep)
    REGISTER = "register"  # a social worker covering every community the new record names
    VOLUNTEER_RECORD = "volunteer_record"  # a covering social worker, the volunteer themself,
    # or a partner the volunteer is a member of
    RATE_SKILL = "rate_skill"  # a covering social worker, or a partner the volunteer is a member
    # of: never the volunteer (they claim a skill; others rate it). Certifying it is the social
    # worker's alone (:func:`may_certify`)
    TEAM_MEMBER = "team_member"  # a covering social worker, or the team itself (a partner), for
    # a volunteer who is its member


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
    # The communities a new record would be in (a registration names them; nothing else yet).
    named: frozenset[str] = frozenset()


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
            "A partner may change only its own organization's resources and projects.",
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
        Act.REVIEW: (
            role is Role.SOCIAL_WORKER,
            "Only social workers review service hours, in the communities they cover.",
        ),
        Act.CERTIFY: (
            covers,
            "Only a social worker covering a community the volunteer serves may certify their "
            "service.",
        ),
        Act.ATTENDANCE: (
            covers or (partner and subject in target.organizations),
            "Only the social workers covering the activity's community, or the organization "
            "running it, keep its attendance.",
        ),
        Act.ISSUER: (
            role is Role.SOCIAL_WORKER,
            "Only a social worker of the issuing organization may do this.",
        ),
        Act.ADMINISTER: (False, "Only administrators may do this."),
        Act.REGISTER: (
            role is Role.SOCIAL_WORKER
            and bool(target.named)
            and target.named <= grants.communities,
            "A social worker registers people only in communities they cover.",
        ),
        Act.VOLUNTEER_RECORD: (
            covers
            or (role is Role.VOLUNTEER and target.volunteer == subject)
            or (partner and subject in target.organizations),
            "Only the volunteer, a social worker covering their communities or a team they are a "
            "member of may change a volunteer's record.",
        ),
        Act.RATE_SKILL: (
            covers or (partner and subject in target.organizations),
            "A volunteer's skills are rated by a social worker covering a community they serve "
            "or by a team they are a member of; a volunteer claims a skill, never rates it.",
        ),
        Act.TEAM_MEMBER: (
            covers
            or (partner and target.organization == subject and subject in target.organizations),
            "A team member's role and start are kept by the team itself or by a social worker "
            "covering a community the volunteer serves.",
        ),
    }[act]
    return ALLOW if allowed else Decision(False, reason)


# --- what a registration may write ---------------------------------------------------------

# The most a role may write of a record it may change (``graph.model.family.Write``): a
# volunteer their own availability, skills, base and phone; a partner also what it keeps of its
# members and itself; social workers and admins everything writable. Ordered: each level includes
# the ones before.
WRITE_LEVELS = ("self", "member", "staff")
_ROLE_WRITES = {Role.VOLUNTEER: "self", Role.PARTNER: "member"}


def may_write(viewer: Viewer, level: str) -> bool:
    """Whether ``viewer``, allowed to change a record, may write a field declared ``level``."""
    most = _ROLE_WRITES.get(viewer.role, "staff")
    return WRITE_LEVELS.index(level) <= WRITE_LEVELS.index(most)


def may_certify(viewer: Viewer, certified: bool | None) -> Decision:
    """Whether ``viewer``, allowed to rate a volunteer's skill (``Act.RATE_SKILL``), may also say
    whether they hold a certificate for it (持证). A certificate is checked against the paper by
    the social worker covering the volunteer (or an administrator): the team a volunteer serves
    with rates how well they do the work, but neither grants nor withdraws the certificate, so a
    partner leaves ``certified`` out (its value then stays as it is)."""
    if certified is None or viewer.role in {Role.ADMIN, Role.SOCIAL_WORKER}:
        return ALLOW
    return Decision(
        False,
        "Only a social worker covering a community the volunteer serves, or an administrator, "
        "certifies a skill (持证); rate its level without `certified`, which keeps it as it is.",
    )


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
