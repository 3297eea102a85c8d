"""People: residents (服务对象), volunteers (义工), social workers (社工), experts (智库专家).

Fields marked PII in DESIGN.md (names, phones, addresses, exact locations, identity numbers of
residents; volunteers' phones) are separate fields, so the access rules can withhold them one by
one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.model import vocab
from graph.model.family import Family, Point, Rel, Tie, Via, props_of
from graph.model.filters import GUARDED_NEAR, GUARDED_NEAR_DISTANCE, in_community, narrower_or_same
from graph.model.services import VOLUNTEER_FAMILY_OF


@dataclass(frozen=True)
class Resident:
    id: str
    name: str  # PII
    location: Point  # PII: the home, exact
    phone: str | None = None  # PII
    address: str | None = None  # PII
    # A 身份证号 is never stored: registration and imports keep its keyed hash (the natural key,
    # see intake/identity.py) and its last four characters, both PII like the number.
    id_hash: str | None = None  # PII
    id_last4: str | None = None  # PII
    birth_year: int | None = None
    gender: vocab.Gender | None = None
    tags: tuple[vocab.VulnerabilityTag, ...] = ()
    languages: tuple[vocab.Language, ...] = ()
    consent: bool = False  # agreed to have their record shared with the service network
    # The current consent record (recordConsent / withdrawConsent): what, by whom, when; a
    # withdrawal keeps what was given and when it ended (consent false, withdrawn_on set).
    consent_scopes: tuple[vocab.ConsentScope, ...] = ()
    consent_given_by: vocab.ConsentGiver | None = None
    consent_given_on: dt.date | None = None
    consent_withdrawn_on: dt.date | None = None
    # Every consent given and withdrawn, oldest first, appended and never rewritten (one JSON
    # text each: graph.workflows.rights "consent history"); dropped on erasure.
    consent_history: tuple[str, ...] = ()
    registered_on: dt.date | None = None
    version: int = 0  # bumped by every registration change (optimistic concurrency)


@dataclass(frozen=True)
class Volunteer:
    id: str
    name: str  # PII
    location: Point  # PII: where they start from (home or work)
    phone: str | None = None  # PII
    certificate_no: str | None = None  # e.g. the 博爱行动义工证 number
    volunteer_no: str | None = None  # 志愿者编号 (national volunteer system): the natural key
    gender: vocab.Gender | None = None
    birth_year: int | None = None
    service_radius_meters: int = 2_000
    availability: tuple[vocab.WeeklySlot, ...] = ()
    languages: tuple[vocab.Language, ...] = ()
    status: vocab.VolunteerStatus = vocab.VolunteerStatus.ACTIVE
    max_load: int = 2  # needs served at the same time
    verified_minutes: int = 0  # derived from verified service records
    star_level: int = 0  # derived: 0 (none yet) to 5
    joined_on: dt.date | None = None
    version: int = 0


@dataclass(frozen=True)
class SocialWorker:
    id: str
    name: str
    qualification: vocab.Qualification
    phone: str | None = None  # PII
    title: str | None = None  # e.g. 站长, 督导
    certificate_no: str | None = None  # 社会工作者职业资格证书 number: the natural key of imports
    version: int = 0


@dataclass(frozen=True)
class Expert:
    id: str
    name: str
    domains: tuple[vocab.ExpertDomain, ...] = ()
    title: str | None = None
    affiliation: str | None = None
    phone: str | None = None  # PII
    version: int = 0


# A resident counts in de-identified analysis (``access.policy.BY_CONSENT``) while a consent is on
# record, not withdrawn, that includes ANALYSIS or names no purposes at all (a yes/no consent:
# an import's 同意共享 column, a record from before consents named their purposes). A resident
# whose consent was never recorded (registered, not asked yet; an import's 否 or blank) does not
# count, nor does one whose consent leaves ANALYSIS out (docs/PRIVACY.md "Consent to analysis").
# ``recordConsent`` sets ``consent`` and its scopes, ``withdrawConsent`` clears ``consent``.
ANALYSED = (
    "(n.consentWithdrawnOn IS NULL AND coalesce(n.consent, false) = true AND "
    "(size(coalesce(n.consentScopes, [])) = 0 OR "
    f"'{vocab.ConsentScope.ANALYSIS.value}' IN n.consentScopes))"
)

RESIDENTS = Family(
    "Resident",
    Resident,
    props=props_of(
        Resident,
        keys=("id_hash",),
        unfiltered=("consent_history",),  # JSON texts: read as a whole, never compared
        writes={
            "name": "staff",
            "location": "staff",
            "phone": "staff",
            "address": "staff",
            "id_hash": "staff",  # given as the ID-card number, kept as its hash + last four
            "birth_year": "staff",
            "gender": "staff",
            "tags": "staff",
            "languages": "staff",
            "registered_on": "staff",
        },
        required=("name", "location"),
        checks={"phone": "phone", "id_hash": "id_card"},
        bounds={"birth_year": (1900, 2100)},
    ),
    located=True,
    place="(n)-[:LIVES_IN]->(c:Community)",
    consented=ANALYSED,
    conditions={
        **in_community("(n)-[:LIVES_IN]->"),
        "tags_any": "any(t IN n.tags WHERE t IN $tags_any)",
        # Every one of the tags: those of hers among them, counted once, are as many as asked
        # (the resolver asks each once). Not `all(t IN $tags_all WHERE t IN n.tags)`: FalkorDB
        # finds no rows with that right after the `WITH DISTINCT n` of a community or district
        # filter (graph.model.entities._stage), so it iterates her tags instead.
        "tags_all": "size(reduce(found = [], t IN n.tags | CASE WHEN t IN $tags_all AND NOT t "
        "IN found THEN found + [t] ELSE found END)) = size($tags_all)",
        "born_from": "n.birthYear >= $born_from",
        "born_to": "n.birthYear <= $born_to",
        "gender": "n.gender = $gender",
        "language": "$language IN n.languages",
        "near": GUARDED_NEAR,
    },
    sorts={"NAME": "n.name", "BIRTH_YEAR": "n.birthYear", "DISTANCE": GUARDED_NEAR_DISTANCE},
    sort_docs={"BIRTH_YEAR": "Oldest first (ASC)."},
)

VOLUNTEERS = Family(
    "Volunteer",
    Volunteer,
    props=props_of(
        Volunteer,
        keys=("volunteer_no",),
        writes={
            "name": "member",
            "location": "self",
            "phone": "self",
            "certificate_no": "member",
            "volunteer_no": "staff",
            "gender": "member",
            "birth_year": "member",
            "service_radius_meters": "self",
            "availability": "self",
            "languages": "self",
            "max_load": "member",
            "joined_on": "member",
        },
        required=("name", "location"),
        checks={"phone": "phone", "volunteer_no": "volunteer_no"},
        bounds={
            "birth_year": (1900, 2100),
            "service_radius_meters": (100, 50_000),
            "max_load": (1, 10),
        },
    ),
    located=True,
    place="(n)-[:SERVES_AREA]->(c:Community)",
    conditions={
        "skill": narrower_or_same("(n)-[:HAS_SKILL]->(:Skill)", "Skill", "skill"),
        **in_community("(n)-[:SERVES_AREA]->"),
        "team": "(n)-[:MEMBER_OF]->(:Organization)-[:PART_OF*0..3]->(:Organization {id: $team})",
        "slot": "$slot IN n.availability",
        "star_min": "n.starLevel >= $star_min",
        "star_max": "n.starLevel <= $star_max",
        "status": "n.status IN $status",
        "language": "$language IN n.languages",
        "near": GUARDED_NEAR,
    },
    sorts={
        "NAME": "n.name",
        "STAR_LEVEL": "n.starLevel",
        "VERIFIED_HOURS": "n.verifiedMinutes",
        "JOINED_ON": "n.joinedOn",
        "DISTANCE": GUARDED_NEAR_DISTANCE,
    },
    sort_docs={
        "STAR_LEVEL": "By star level (星级).",
        "VERIFIED_HOURS": "By verified service hours.",
        "JOINED_ON": "By the day they joined.",
    },
)

SOCIAL_WORKERS = Family(
    "SocialWorker",
    SocialWorker,
    props=props_of(
        SocialWorker,
        keys=("certificate_no",),
        writes={
            "name": "staff",
            "qualification": "staff",
            "phone": "staff",
            "title": "staff",
            "certificate_no": "staff",
        },
        required=("name", "qualification"),
        checks={"phone": "phone", "certificate_no": "certificate_no"},
    ),
    conditions={
        **in_community("(n)-[:COVERS]->"),
        "qualification": "n.qualification IN $qualification",
        "employer": "(n)-[:EMPLOYED_BY]->(:Organization {id: $employer})",
    },
)

EXPERTS = Family(
    "Expert",
    Expert,
    props=props_of(
        Expert,
        writes={
            "name": "staff",
            "domains": "staff",
            "title": "staff",
            "affiliation": "staff",
            "phone": "staff",
        },
        required=("name",),
        checks={"phone": "phone"},
    ),
    conditions={
        "domain": "any(d IN n.domains WHERE d IN $domain)",
        "think_tank": "(n)-[:PART_OF]->(:ThinkTank {id: $think_tank})",
    },
)

FAMILIES = (RESIDENTS, VOLUNTEERS, SOCIAL_WORKERS, EXPERTS)

RESIDENT_LIVES_IN = Rel("LIVES_IN", "Resident", "Community")
VOLUNTEER_HAS_SKILL = Rel("HAS_SKILL", "Volunteer", "Skill", ("level", "certified"))
VOLUNTEER_SERVES_AREA = Rel("SERVES_AREA", "Volunteer", "Community")
VOLUNTEER_MEMBER_OF = Rel("MEMBER_OF", "Volunteer", "Organization", ("role", "since"))
WORKER_COVERS = Rel("COVERS", "SocialWorker", "Community")
WORKER_EMPLOYED_BY = Rel("EMPLOYED_BY", "SocialWorker", "Organization", ("since",))
WORKER_CASE_MANAGER_OF = Rel("CASE_MANAGER_OF", "SocialWorker", "Resident", ("since",))
WORKER_SUPERVISES = Rel("SUPERVISES", "SocialWorker", "Organization")
EXPERT_PART_OF = Rel("PART_OF", "Expert", "ThinkTank", ("since",))
EXPERT_ADVISES_ORGANIZATION = Rel("ADVISES", "Expert", "Organization")
EXPERT_ADVISES_PROJECT = Rel("ADVISES", "Expert", "Project")
EXPERT_ADVISES_COMMUNITY = Rel("ADVISES", "Expert", "Community")

RELS = (
    RESIDENT_LIVES_IN,
    VOLUNTEER_HAS_SKILL,
    VOLUNTEER_SERVES_AREA,
    VOLUNTEER_MEMBER_OF,
    WORKER_COVERS,
    WORKER_EMPLOYED_BY,
    WORKER_CASE_MANAGER_OF,
    WORKER_SUPERVISES,
    EXPERT_PART_OF,
    EXPERT_ADVISES_ORGANIZATION,
    EXPERT_ADVISES_PROJECT,
    EXPERT_ADVISES_COMMUNITY,
)

# The relationships a list's `where` may follow (`<name>Some/None/All`), named as the fields.
VIA = {
    "Resident": (Via("community", RESIDENT_LIVES_IN, "out"),),
    "Volunteer": (
        Via("skills", VOLUNTEER_HAS_SKILL, "out"),
        Via("serviceAreas", VOLUNTEER_SERVES_AREA, "out"),
        Via("teams", VOLUNTEER_MEMBER_OF, "out"),
    ),
    "SocialWorker": (
        Via("communities", WORKER_COVERS, "out"),
        Via("employers", WORKER_EMPLOYED_BY, "out"),
    ),
    "Expert": (Via("thinkTanks", EXPERT_PART_OF, "out"),),
}


# The relationships registration sets (``createVolunteer(input: {skillIds, serviceAreaIds,
# teamIds})``…): a volunteer keeps their own skills; the communities and teams are staff's.
TIES = {
    "Resident": (
        Tie("community", RESIDENT_LIVES_IN, required=True, single=True),
        # Who manages her case (个案社工): set by whoever may change her record (a social worker
        # covering her community, an administrator); grants no reading (access.policy).
        Tie("caseManagers", WORKER_CASE_MANAGER_OF, since="since", direction="in"),
        # Volunteers who are her family (家属): they may spend their time-bank credits on her
        # needs and read them (access.facts), so only whoever may change her record names them.
        Tie("relatives", VOLUNTEER_FAMILY_OF, direction="in"),
    ),
    "Volunteer": (
        Tie("skills", VOLUNTEER_HAS_SKILL, "self", props={"level": "BASIC", "certified": False}),
        Tie("serviceAreas", VOLUNTEER_SERVES_AREA, required=True),
        Tie("teams", VOLUNTEER_MEMBER_OF, props={"role": "MEMBER"}, since="since"),
    ),
    "SocialWorker": (
        Tie("communities", WORKER_COVERS),
        Tie("employers", WORKER_EMPLOYED_BY, since="since"),
        Tie("supervisedTeams", WORKER_SUPERVISES),
    ),
    "Expert": (
        Tie("thinkTanks", EXPERT_PART_OF, since="since"),
        Tie("advisedOrganizations", EXPERT_ADVISES_ORGANIZATION),
        Tie("advisedProjects", EXPERT_ADVISES_PROJECT),
        Tie("advisedCommunities", EXPERT_ADVISES_COMMUNITY),
    ),
}


# Verified hours at which a volunteer reaches one to five stars. The 博爱行动 scheme awards
# one- to five-star titles on hours and quality; these thresholds are Guangdong's common local
# rule (100/300/600/1000/1500 verified hours), the default until a site configures its own.
STAR_THRESHOLDS_HOURS = (100, 300, 600, 1000, 1500)


def star_level(verified_minutes: int) -> int:
    hours = verified_minutes / 60
    return sum(hours >= threshold for threshold in STAR_THRESHOLDS_HOURS)
