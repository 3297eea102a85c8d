"""The work itself: needs (需求), recruitments (招募), service records (服务记录),
referrals (转介)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.model import vocab
from graph.model.family import Family, Rel, Via, props_of
from graph.model.filters import IN_CATEGORY, in_community

# Urgency as a number (its place in the vocabulary, LOW 0 to CRITICAL 3), stored beside the
# urgency so lists can sort most urgent first.
URGENCY_RANK = {urgency: rank for rank, urgency in enumerate(vocab.Urgency)}

# Needs still being served: they hold their volunteers' slots and count towards their load.
ACTIVE_NEED_STATUSES = (
    vocab.NeedStatus.OPEN,
    vocab.NeedStatus.MATCHED,
    vocab.NeedStatus.IN_SERVICE,
)

# Weekly slots are local time in China: morning before 12:00, afternoon before 18:00, evening.
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
WEEKDAYS = tuple(vocab.DAYS)  # MON … SUN, as date.weekday() counts
# The hours of each part of a day, as vocab.PARTS names them (local time, from, until): when a
# recurring slot's visit takes place (graph/workflows/attendance.py).
PART_HOURS = {"AM": (8, 12), "PM": (14, 18), "EVE": (19, 21)}


def slot_hours(
    slot: vocab.WeeklySlot | str, day: dt.date
) -> tuple[dt.datetime, dt.datetime] | None:
    """When ``slot`` runs on ``day`` (local time, aware), or None if it is another weekday's."""
    weekday, part = str(getattr(slot, "value", slot)).split("_")
    if WEEKDAYS.index(weekday) != day.weekday():
        return None
    start, end = PART_HOURS[part]
    return (
        dt.datetime.combine(day, dt.time(start), LOCAL_TIME),
        dt.datetime.combine(day, dt.time(end), LOCAL_TIME),
    )


def booking(at: dt.datetime) -> tuple[vocab.WeeklySlot, str]:
    """The weekly slot a one-off appointment falls in, and its dated key.

    A one-off visit on Tuesday 2 December at 09:30 is ``("TUE_AM", "2025-12-02_AM")``: it clashes
    with a weekly Tuesday-morning commitment and with another one-off that same morning, but not
    with a one-off on another Tuesday.
    """
    local = (
        at.astimezone(LOCAL_TIME) if at.tzinfo else at.replace(tzinfo=dt.UTC).astimezone(LOCAL_TIME)
    )
    period = "AM" if local.hour < 12 else "PM" if local.hour < 18 else "EVE"
    slot = vocab.WeeklySlot(f"{WEEKDAYS[local.weekday()]}_{period}")
    return slot, f"{local.date().isoformat()}_{period}"


@dataclass(frozen=True)
class Need:
    id: str
    title: str
    status: vocab.NeedStatus = vocab.NeedStatus.OPEN
    urgency: vocab.Urgency = vocab.Urgency.NORMAL
    urgency_rank: int = 1  # 0..3, for sorting by urgency
    source: vocab.NeedSource | None = None
    description: str | None = None
    headcount: int = 1  # volunteers the service needs at once (pairs, small teams)
    slots: tuple[vocab.WeeklySlot, ...] = ()
    one_off_at: dt.datetime | None = None  # or a single appointment
    one_off_slot: vocab.WeeklySlot | None = None  # derived from one_off_at by `booking`
    one_off_key: str | None = None  # derived from one_off_at by `booking`
    duration_minutes: int = 60
    language_required: bool = False  # the volunteer must speak one of the resident's languages
    created_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    closing_note: str | None = None  # why it was closed or cancelled


@dataclass(frozen=True)
class Recruitment:
    id: str
    title: str
    capacity: int
    status: vocab.RecruitmentStatus = vocab.RecruitmentStatus.OPEN
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class ServiceRecord:
    id: str
    date: dt.date
    minutes: int
    beneficiaries: int = 1
    rating: int | None = None  # 1–5, the beneficiary's or social worker's rating
    note: str | None = None
    title: str | None = None
    # Why a social worker declined it (退回理由): free text about the service, so kept on the
    # record under the note's rules (access/policy.py), not on the DECLINED tie.
    decline_reason: str | None = None


@dataclass(frozen=True)
class Referral:
    id: str
    status: vocab.ReferralStatus = vocab.ReferralStatus.PENDING
    reason: str | None = None
    created_at: dt.datetime | None = None
    responded_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    outcome: str | None = None


@dataclass(frozen=True)
class TimeBankEntry:
    """One line of a volunteer's time bank (时间银行): credits earned by verified service,
    debits spent on services for themselves or family. Append-only; the balance is their sum."""

    id: str
    minutes: int  # positive: earned; negative: spent
    kind: vocab.TimeBankEntryKind
    at: dt.datetime
    note: str | None = None


NEEDS = Family(
    "Need",
    Need,
    props=props_of(
        Need,
        unfiltered=("urgency_rank", "one_off_key"),
    ),
    searchable=("title",),
    place="(n)-[:IN]->(c:Community)",
    conditions={
        "status": "n.status IN $status",
        "urgency": "n.urgency IN $urgency",
        "category": IN_CATEGORY,
        "skill": "(n)-[:REQUIRES]->(:Skill {id: $skill})",
        **in_community("(n)-[:IN]->"),
        "resident": "(:Resident {id: $resident})-[:HAS_NEED]->(n)",
        "slot": "$slot IN n.slots",
        "created_from": "n.createdAt >= $created_from",
        "created_to": "n.createdAt < $created_to",
    },
    sorts={"CREATED_AT": "n.createdAt", "URGENCY": "n.urgencyRank", "TITLE": "n.title"},
    sort_docs={"URGENCY": "Use DESC for most urgent first."},
    default_sort="CREATED_AT",
)

RECRUITMENTS = Family(
    "Recruitment",
    Recruitment,
    props=props_of(Recruitment),
    searchable=("title",),
    conditions={
        "status": "n.status IN $status",
        "community": "(n)-[:IN]->(:Community {id: $community})",
        "organization": "(:Organization {id: $organization})-[:RUNS]->(n)",
        "skill": "(n)-[:REQUIRES]->(:Skill)<-[:BROADER*0..6]-(:Skill {id: $skill})",
        "starts_from": "n.startsAt >= $starts_from",
        "starts_to": "n.startsAt < $starts_to",
    },
    sorts={"STARTS_AT": "n.startsAt", "TITLE": "n.title", "CAPACITY": "n.capacity"},
    sort_docs={"STARTS_AT": "By start time."},
    default_sort="STARTS_AT",
)

SERVICE_RECORDS = Family(
    "ServiceRecord",
    ServiceRecord,
    props=props_of(ServiceRecord),
    searchable=(),
    # Its need's community, or its activity's (a recruitment's attendance proposes records too).
    place="(n)-[:FOR|AT]->()-[:IN]->(c:Community)",
    # Approved: until then it says when a visit ended (access.policy.UNTIL_REVIEWED).
    reviewed="(:SocialWorker)-[:VERIFIED]->(n)",
    conditions={
        "volunteer": "(:Volunteer {id: $volunteer})-[:PERFORMED]->(n)",
        "need": "(n)-[:FOR]->(:Need {id: $need})",
        "project": "(n)-[:PART_OF]->(:Project {id: $project})",
        "category": IN_CATEGORY,
        "verified": "(:SocialWorker)-[:VERIFIED]->(n)",
        "unverified": "NOT (:SocialWorker)-[:VERIFIED]->(n)",
        "date_from": "n.date >= $date_from",
        "date_to": "n.date <= $date_to",
        "community": "(n)-[:FOR]->(:Need)-[:IN]->(:Community {id: $community})",
    },
    sorts={"DATE": "n.date", "MINUTES": "n.minutes"},
    sort_docs={"DATE": "By the day of service.", "MINUTES": "By length of service."},
    default_sort="DATE",
)

REFERRALS = Family(
    "Referral",
    Referral,
    props=props_of(Referral),
    searchable=(),
    conditions={
        "status": "n.status IN $status",
        "from_organization": "(:Organization {id: $from_organization})-[:REFERRED]->(n)",
        "to_organization": "(n)-[:TO]->(:Organization {id: $to_organization})",
        "need": "(n)-[:ABOUT]->(:Need {id: $need})",
    },
    sorts={"CREATED_AT": "n.createdAt"},
    default_sort="CREATED_AT",
)

TIME_BANK_ENTRIES = Family(
    "TimeBankEntry",
    TimeBankEntry,
    props=props_of(TimeBankEntry),
    searchable=(),
    # The ledger is where its volunteer serves: it follows the balance's rule (policy).
    place="(n)<-[:HOLDS]-(:Volunteer)-[:SERVES_AREA]->(c:Community)",
    conditions={
        "volunteer": "(:Volunteer {id: $volunteer})-[:HOLDS]->(n)",
        "kind": "n.kind IN $kind",
    },
    sorts={"AT": "n.at"},
    default_sort="AT",
)

FAMILIES = (NEEDS, RECRUITMENTS, SERVICE_RECORDS, REFERRALS, TIME_BANK_ENTRIES)

RESIDENT_HAS_NEED = Rel("HAS_NEED", "Resident", "Need")
# The resident's community, kept on the need too: open needs can be shown by community without
# touching the resident's record (access rules), and filtering by community is one hop.
NEED_IN = Rel("IN", "Need", "Community")
NEED_OF_CATEGORY = Rel("OF_CATEGORY", "Need", "ServiceCategory")
NEED_REQUIRES = Rel("REQUIRES", "Need", "Skill")
# `slots`: the weekly slots of the need this volunteer takes (all of them by default). Visits are
# attended on it (graph/workflows/attendance.py): the open visit's check-in (cleared at check-out),
# the last check-out and its minutes, and the codes used that could still be valid.
VOLUNTEER_ASSIGNED = Rel(
    "ASSIGNED",
    "Volunteer",
    "Need",
    (
        "since", "by", "slots", "checkedInAt", "checkInEpoch", "checkInBy", "checkedOutAt",
        "checkOutBy", "minutes", "codes",
    ),
)  # fmt: skip
RECRUITMENT_RUN_BY = Rel("RUNS", "Organization", "Recruitment")
RECRUITMENT_FOR = Rel("FOR", "Recruitment", "Project")
RECRUITMENT_REQUIRES = Rel("REQUIRES", "Recruitment", "Skill")
RECRUITMENT_IN = Rel("IN", "Recruitment", "Community")
RECRUITMENT_LOCATED_AT = Rel("LOCATED_AT", "Recruitment", "Venue")
# Attendance rides on the sign-up (graph/workflows/attendance.py): when and how they checked
# in and out, the codes used (each once), the minutes, CHECKED_IN/ATTENDED/NO_SHOW.
VOLUNTEER_SIGNED_UP = Rel(
    "SIGNED_UP",
    "Volunteer",
    "Recruitment",
    (
        "at", "status", "withdrawnAt", "checkedInAt", "checkInEpoch", "checkInBy", "checkInCode",
        "checkedOutAt", "checkOutBy", "checkOutCode", "minutes", "attendance", "noShowAt",
    ),
)  # fmt: skip
VOLUNTEER_PERFORMED = Rel("PERFORMED", "Volunteer", "ServiceRecord")
RECORD_FOR = Rel("FOR", "ServiceRecord", "Need")
RECORD_OF_CATEGORY = Rel("OF_CATEGORY", "ServiceRecord", "ServiceCategory")
RECORD_PART_OF = Rel("PART_OF", "ServiceRecord", "Project")
# Hours proposed from attendance at a recruitment (its community is the recruitment's).
RECORD_AT = Rel("AT", "ServiceRecord", "Recruitment")
WORKER_VERIFIED = Rel("VERIFIED", "SocialWorker", "ServiceRecord", ("at",))
# A record the covering social worker declined, with why: never deleted (docs/GROUND.md).
WORKER_DECLINED = Rel("DECLINED", "SocialWorker", "ServiceRecord", ("at",))
ORG_REFERRED = Rel("REFERRED", "Organization", "Referral")
REFERRAL_TO = Rel("TO", "Referral", "Organization")
REFERRAL_ABOUT = Rel("ABOUT", "Referral", "Need")
# One relationship per allocation (keyed by its own id): a need may get a resource twice.
RESOURCE_ALLOCATED_TO = Rel(
    "ALLOCATED_TO", "Resource", "Need", ("quantity", "at", "by"), keyed=True
)
VOLUNTEER_HOLDS = Rel("HOLDS", "Volunteer", "TimeBankEntry")
ENTRY_EARNED_BY = Rel("EARNED_BY", "TimeBankEntry", "ServiceRecord")
ENTRY_SPENT_ON = Rel("SPENT_ON", "TimeBankEntry", "Need")
# Whose needs a volunteer may pay for with time-bank credits: themselves (relation SELF) or
# family (SPOUSE, PARENT, CHILD, GRANDPARENT, SIBLING, OTHER_FAMILY).
VOLUNTEER_FAMILY_OF = Rel("FAMILY_OF", "Volunteer", "Resident", ("relation",))

RELS = (
    RESIDENT_HAS_NEED,
    NEED_IN,
    NEED_OF_CATEGORY,
    NEED_REQUIRES,
    VOLUNTEER_ASSIGNED,
    RECRUITMENT_RUN_BY,
    RECRUITMENT_FOR,
    RECRUITMENT_REQUIRES,
    RECRUITMENT_IN,
    RECRUITMENT_LOCATED_AT,
    VOLUNTEER_SIGNED_UP,
    VOLUNTEER_PERFORMED,
    RECORD_FOR,
    RECORD_OF_CATEGORY,
    RECORD_PART_OF,
    RECORD_AT,
    WORKER_VERIFIED,
    WORKER_DECLINED,
    ORG_REFERRED,
    REFERRAL_TO,
    REFERRAL_ABOUT,
    RESOURCE_ALLOCATED_TO,
    VOLUNTEER_HOLDS,
    ENTRY_EARNED_BY,
    ENTRY_SPENT_ON,
    VOLUNTEER_FAMILY_OF,
)

# The relationships a list's `where` may follow (`<name>Some/None/All`), named as the fields.
VIA = {
    "Need": (
        Via("resident", RESIDENT_HAS_NEED, "in"),
        Via("community", NEED_IN, "out"),
        Via("category", NEED_OF_CATEGORY, "out"),
        Via("requiredSkills", NEED_REQUIRES, "out"),
    ),
    "Recruitment": (
        Via("postedBy", RECRUITMENT_RUN_BY, "in"),
        Via("project", RECRUITMENT_FOR, "out"),
        Via("requiredSkills", RECRUITMENT_REQUIRES, "out"),
    ),
    "ServiceRecord": (
        Via("volunteer", VOLUNTEER_PERFORMED, "in"),
        Via("need", RECORD_FOR, "out"),
        Via("category", RECORD_OF_CATEGORY, "out"),
        Via("project", RECORD_PART_OF, "out"),
    ),
    "Referral": (
        Via("fromOrganization", ORG_REFERRED, "in"),
        Via("toOrganization", REFERRAL_TO, "out"),
        Via("need", REFERRAL_ABOUT, "out"),
    ),
    "TimeBankEntry": (Via("volunteer", VOLUNTEER_HOLDS, "in"),),
}


TIME_BANK_BALANCES = cypher(
    "services.time_bank_balances",
    """
    UNWIND $keys AS key
    MATCH (v:Volunteer {id: key})
    OPTIONAL MATCH (v)-[:HOLDS]->(e:TimeBankEntry)
    RETURN key, sum(e.minutes) AS minutes
    """,
)


async def time_bank_balances(store: GraphStore, keys: Sequence[str]) -> dict[str, int]:
    """Each volunteer's time-bank balance in minutes: the sum of their ledger, never stored."""
    rows = await store.read(TIME_BANK_BALANCES, {"keys": list(dict.fromkeys(keys))})
    return {row["key"]: int(row["minutes"] or 0) for row in rows}
