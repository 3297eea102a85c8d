"""People: residents (居民 / 服务对象), volunteers (义工), social workers (社工),
experts (智库专家).

Fields holding personal information (PII) say so in their description; the access rules decide
who sees them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from access import inference
from graph.model import people as graph
from graph.model import services as services_graph
from graph.workflows import rights
from resolvers import ground
from resolvers import people as resolve
from schema.base import Location, entity
from schema.enums import (
    ConsentGiver,
    ConsentScope,
    ExpertDomain,
    Gender,
    Language,
    Qualification,
    VolunteerStatus,
    VulnerabilityTag,
    WeeklySlot,
)
from schema.fields import lazy, root_list, version_field
from schema.ground import ServiceCertificate
from schema.inputs import NearInput, optional
from schema.links import (
    AssignmentConnection,
    DeclineConnection,
    MembershipConnection,
    ProficiencyConnection,
    SignUpConnection,
    SinceConnection,
    VerificationConnection,
)
from schema.relations import link, reference, survivor_of
from schema.relay import Connection, Node

PEOPLE = "schema.people"

PII = " Personal information (PII)."


@strawberry.type(
    description="One entry of a resident's consent history (同意记录): a consent given or "
    "withdrawn, who recorded it and when. Entries are only ever added."
)
class ConsentEntry:
    action: str = strawberry.field(
        description="GIVEN (a consent recorded: recordConsent) or WITHDRAWN (withdrawConsent)."
    )
    on: dt.date = strawberry.field(description="The day it was given or withdrawn.")
    scopes: list[ConsentScope] | None = strawberry.field(
        description="What was agreed to (同意范围); null for a withdrawal."
    )
    given_by: ConsentGiver | None = strawberry.field(
        description="Who gave it: the resident or a guardian (同意人); null for a withdrawal."
    )
    recorded_by: str | None = strawberry.field(
        description="The account that recorded it (as the audit log names it)."
    )
    recorded_at: dt.datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def of(cls, entry: dict[str, object]) -> ConsentEntry:
        scopes = entry.get("scopes")
        given_by = entry.get("givenBy")
        return cls(
            action=str(entry["action"]),
            on=dt.date.fromisoformat(str(entry["on"])),
            scopes=None if scopes is None else [ConsentScope(s) for s in scopes],  # type: ignore[union-attr]
            given_by=None if given_by is None else ConsentGiver(given_by),
            recorded_by=None if entry.get("recordedBy") is None else str(entry["recordedBy"]),
            recorded_at=dt.datetime.fromisoformat(str(entry["recordedAt"])),
        )


@entity("Resident")
@strawberry.type(
    description="A resident on record who may need service (服务对象): an elder living alone, a "
    "person with a disability, a low-income family… Sensitive personal information."
)
class Resident(Node):
    name: str | None = strawberry.field(description="Full name (姓名)." + PII)
    phone: str | None = strawberry.field(description="Phone (电话)." + PII)
    address: str | None = strawberry.field(description="Home address (住址)." + PII)
    id_last4: str | None = strawberry.field(
        description="Last four characters of the ID-card number (身份证号后四位), to tell two "
        "residents of one name apart; the number itself is never kept, only its keyed hash." + PII
    )
    location: Location | None = strawberry.field(
        description="Exact home location (住址坐标)." + PII
    )
    birth_year: int | None = strawberry.field(description="Year of birth (出生年份)." + PII)
    gender: Gender | None = strawberry.field(description="Gender (性别).")
    tags: list[VulnerabilityTag] | None = strawberry.field(
        description="Why they may need service (服务对象类别)."
    )
    languages: list[Language] = strawberry.field(description="Languages spoken (语言).")
    consent: bool | None = strawberry.field(
        description="Agreed that the service network may hold and share this record (知情同意)."
    )
    consent_scopes: list[ConsentScope] | None = strawberry.field(
        description="What the current or last consent covers (同意范围; recordConsent)."
    )
    consent_given_by: ConsentGiver | None = strawberry.field(
        description="Who gave it: the resident or a guardian (同意人)."
    )
    consent_given_on: dt.date | None = strawberry.field(description="When it was given.")
    consent_withdrawn_on: dt.date | None = strawberry.field(
        description="When it was withdrawn (撤回同意; withdrawConsent), if it was."
    )
    registered_on: dt.date | None = strawberry.field(description="On record since (建档日期).")
    merged_into = survivor_of("Resident")
    version: int = version_field()
    # As stored (JSON texts); the field below reads it. Named as the record's field, which fills it.
    consent_history: strawberry.Private[Any] = None

    @strawberry.field(
        name="consentHistory",
        description="Every consent given and withdrawn (同意记录), oldest first: what was agreed, "
        "by whom, on which day, and who recorded it when. The current consent is the `consent*` "
        "fields; this keeps the earlier ones too. Read as `consentGivenOn` is (its days are "
        "quasi-identifiers); removed when the resident is erased.",
    )
    def consent_entries(self) -> list[ConsentEntry] | None:
        return [ConsentEntry.of(e) for e in rights.read_history(self.consent_history)]

    @strawberry.field(description="Age this year (年龄), from the year of birth." + PII)
    def age(self) -> int | None:
        return None if self.birth_year is None else dt.date.today().year - self.birth_year

    @strawberry.field(
        description="Age band (年龄段): 80-89, 90+… — what de-identified views show instead of "
        "the age."
    )
    def age_band(self) -> str | None:
        return inference.age_band(self.birth_year)

    @strawberry.field(
        description="The month they were registered (建档月份, YYYY-MM) — what de-identified "
        "views show instead of `registeredOn`."
    )
    def registered_month(self) -> str | None:
        return None if self.registered_on is None else self.registered_on.isoformat()[:7]

    @strawberry.field(
        description="The centre of the ~500 m grid cell of their home (大致位置): enough for a "
        "map of need, not enough to find the door."
    )
    def approximate_location(self) -> Location | None:
        if self.location is None:
            return None
        latitude, longitude = inference.coarse(self.location.latitude, self.location.longitude)
        return Location(latitude=latitude, longitude=longitude)

    community = reference(graph.RESIDENT_LIVES_IN, "out", "Where they live (所在社区).")
    needs = link(
        services_graph.RESIDENT_HAS_NEED,
        "out",
        "Their needs, in the order they were reported (需求).",
    )
    case_managers = link(
        graph.WORKER_CASE_MANAGER_OF,
        "in",
        "Social workers managing their case (个案社工).",
        edges=SinceConnection,
    )


@entity("Volunteer")
@strawberry.type(
    description="A registered volunteer (义工 / 志愿者), e.g. a 博爱行动义工 with a certificate. "
    "Star level and verified hours are derived from verified service records."
)
class Volunteer(Node):
    name: str = strawberry.field(description="Full name (姓名), shown on their public profile.")
    phone: str | None = strawberry.field(description="Phone (电话)." + PII)
    location: Location | None = strawberry.field(
        description="Base location they serve from (服务出发地)." + PII
    )
    certificate_no: str | None = strawberry.field(
        description="Volunteer certificate number (义工证编号)."
    )
    gender: Gender | None = strawberry.field(description="Gender (性别).")
    birth_year: int | None = strawberry.field(description="Year of birth (出生年份)." + PII)
    service_radius_meters: int = strawberry.field(
        description="How far from their base they will go (服务半径, metres)."
    )
    availability: list[WeeklySlot] = strawberry.field(
        description="Weekly slots they are free (可服务时段)."
    )
    languages: list[Language] = strawberry.field(description="Languages spoken (语言).")
    status: VolunteerStatus = strawberry.field(description="Standing (状态).")
    max_load: int = strawberry.field(
        description="How many needs they serve at the same time at most (同时服务上限)."
    )
    star_level: int = strawberry.field(
        description="Star level 0–5 (星级义工), awarded on verified hours and quality."
    )
    joined_on: dt.date | None = strawberry.field(description="Registered on (注册日期).")
    merged_into = survivor_of("Volunteer")
    version: int = version_field()
    verified_minutes: strawberry.Private[int]

    @strawberry.field(description="Hours of service verified by social workers (已核实服务时数).")
    def verified_hours(self) -> float:
        return round((self.verified_minutes or 0) / 60, 2)

    @strawberry.field(
        description="Time-bank balance in hours (时间银行余额): the sum of the ledger, derived."
    )
    async def time_bank_hours(self, info: strawberry.Info) -> float | None:
        minutes = await resolve.time_bank_balance(info, self.key)
        return round(minutes / 60, 2)

    time_bank = link(
        services_graph.VOLUNTEER_HOLDS, "out", "Time-bank ledger, oldest first (时间银行流水)."
    )
    skills = link(
        graph.VOLUNTEER_HAS_SKILL,
        "out",
        "Skills, with level and certification (专长).",
        edges=ProficiencyConnection,
    )
    teams = link(
        graph.VOLUNTEER_MEMBER_OF,
        "out",
        "Teams and organizations they belong to, with their role (所属队伍).",
        edges=MembershipConnection,
    )
    service_areas = link(graph.VOLUNTEER_SERVES_AREA, "out", "Communities they serve (服务社区).")
    assignments = link(
        services_graph.VOLUNTEER_ASSIGNED,
        "out",
        "Needs they are assigned to (指派的需求).",
        edges=AssignmentConnection,
    )
    sign_ups = link(
        services_graph.VOLUNTEER_SIGNED_UP,
        "out",
        "Recruitments they signed up for (报名).",
        edges=SignUpConnection,
    )
    service_records = link(
        services_graph.VOLUNTEER_PERFORMED,
        "out",
        "Services they delivered, by date, oldest first (服务记录).",
    )

    @strawberry.field(
        description="Service certificates issued to them (志愿服务记录证明), revoked ones "
        "included, latest first: number, date, hours, status. Read by the volunteer, a social "
        "worker covering a community they serve and administrators; `FORBIDDEN` for anyone else."
    )
    async def certificates(self, info: strawberry.Info) -> list[ServiceCertificate] | None:
        found = await ground.volunteer_certificates(info, self.key)
        return [ServiceCertificate.of(c) for c in found]


@entity("SocialWorker")
@strawberry.type(
    description="A professional social worker (社工) who assesses needs, manages cases, "
    "supervises volunteers and verifies their hours."
)
class SocialWorker(Node):
    name: str = strawberry.field(description="Full name (姓名).")
    phone: str | None = strawberry.field(description="Phone (电话)." + PII)
    qualification: Qualification = strawberry.field(description="Qualification (职业水平).")
    title: str | None = strawberry.field(description="Post, e.g. 站长, 督导 (职务).")
    merged_into = survivor_of("SocialWorker")
    version: int = version_field()

    employers = link(
        graph.WORKER_EMPLOYED_BY, "out", "Employing agency (所属机构).", edges=SinceConnection
    )
    communities = link(graph.WORKER_COVERS, "out", "Communities they cover (驻点 / 负责社区).")
    caseload = link(
        graph.WORKER_CASE_MANAGER_OF,
        "out",
        "Residents whose cases they manage (个案).",
        edges=SinceConnection,
    )
    supervised_teams = link(
        graph.WORKER_SUPERVISES, "out", "Volunteer teams they supervise (督导的队伍)."
    )
    verified_records = link(
        services_graph.WORKER_VERIFIED,
        "out",
        "Service records they verified (核实的服务记录).",
        edges=VerificationConnection,
    )
    declined_records = link(
        services_graph.WORKER_DECLINED,
        "out",
        "Service records they declined, with why (退回的服务记录).",
        edges=DeclineConnection,
    )


@entity("Expert")
@strawberry.type(description="A think-tank expert (智库专家) advising social work in the area.")
class Expert(Node):
    name: str = strawberry.field(description="Full name (姓名).")
    domains: list[ExpertDomain] = strawberry.field(description="Fields of expertise (专业领域).")
    title: str | None = strawberry.field(description="Title, e.g. 教授, 律师 (职称).")
    affiliation: str | None = strawberry.field(description="Where they work (工作单位).")
    phone: str | None = strawberry.field(description="Phone (电话)." + PII)
    version: int = version_field()

    think_tanks = link(
        graph.EXPERT_PART_OF, "out", "Think tanks they sit on (所属智库).", edges=SinceConnection
    )
    advised_organizations = link(
        graph.EXPERT_ADVISES_ORGANIZATION, "out", "Organizations they advise."
    )
    advised_projects = link(graph.EXPERT_ADVISES_PROJECT, "out", "Projects they advise.")
    advised_communities = link(graph.EXPERT_ADVISES_COMMUNITY, "out", "Communities they advise.")


@strawberry.input(description="Filters for residents.")
class ResidentFilter:
    community: strawberry.ID | None = optional("Lives in it.")
    district: strawberry.ID | None = optional("Lives in it.")
    tags_any: list[VulnerabilityTag] | None = optional("Carries at least one of these tags.")
    tags_all: list[VulnerabilityTag] | None = optional("Carries all of these tags.")
    age_min: int | None = optional("At least this old this year.")
    age_max: int | None = optional("At most this old this year.")
    gender: Gender | None = optional("Of this gender.")
    language: Language | None = optional("Speaks it.")
    near: NearInput | None = optional("Home within a radius.")


@strawberry.input(description="Filters for volunteers.")
class VolunteerFilter:
    skill: strawberry.ID | None = optional(
        "Has this skill or a narrower one (中医义诊 counts for 义诊)."
    )
    community: strawberry.ID | None = optional("Serves it.")
    district: strawberry.ID | None = optional("Serves a community of it.")
    team: strawberry.ID | None = optional(
        "Member of this team or of a team under it (小组 → 大队 → 总队)."
    )
    slot: WeeklySlot | None = optional("Free in this weekly slot.")
    star_level_min: int | None = optional("At least this star level.")
    star_level_max: int | None = optional("At most this star level.")
    status: list[VolunteerStatus] | None = optional("Any of these.")
    language: Language | None = optional("Speaks it.")
    near: NearInput | None = optional("Base within a radius.")


@strawberry.input(description="Filters for social workers.")
class SocialWorkerFilter:
    community: strawberry.ID | None = optional("Covers it.")
    district: strawberry.ID | None = optional("Covers a community of it.")
    qualification: list[Qualification] | None = optional("Any of these qualifications.")
    employer: strawberry.ID | None = optional("Employed by it.")


@strawberry.input(description="Filters for experts.")
class ExpertFilter:
    domain: list[ExpertDomain] | None = optional("Advises on at least one of these fields.")
    think_tank: strawberry.ID | None = optional("Sits on it.")


@strawberry.type
class PeopleQuery:
    residents = root_list(
        "Resident",
        ResidentFilter,
        resolve.resident_where,
        Connection[lazy("Resident", PEOPLE)],
        "Residents on record (服务对象). Sensitive: see the access rules.",
    )
    volunteers = root_list(
        "Volunteer",
        VolunteerFilter,
        resolve.volunteer_where,
        Connection[lazy("Volunteer", PEOPLE)],
        "Registered volunteers (义工).",
    )
    social_workers = root_list(
        "SocialWorker",
        SocialWorkerFilter,
        resolve.social_worker_where,
        Connection[lazy("SocialWorker", PEOPLE)],
        "Professional social workers (社工).",
    )
    experts = root_list(
        "Expert",
        ExpertFilter,
        resolve.expert_where,
        Connection[lazy("Expert", PEOPLE)],
        "Think-tank experts (智库专家).",
    )
