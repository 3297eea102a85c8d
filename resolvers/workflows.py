"""Mutations: arguments checked and turned into workflow steps on the graph.

Checks that need no graph (lengths, ranges, one of slots or a one-off time, amounts) happen here
and answer ``BAD_USER_INPUT`` before the graph is touched; everything that depends on the graph's
state is checked inside the step's own statement (``graph/workflows/``).

One function per mutation, named as the mutation is (``report_need`` is ``reportNeed``), called
as ``fn(info, idempotency_key, **arguments)`` with the GraphQL arguments by their Python names.
Each answers the graph's :class:`~graph.workflows.Done`; the schema's declaration of the mutation
(``schema/workflows.py``) turns that into its payload, so this module never imports the schema's
types.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from access.tokens import Role
from api.errors import BadUserInput
from api.ids import from_global_id
from graph import workflows
from graph.model.entities import camel, node_rows, to_props
from graph.model.organizations import RESOURCES, Resource
from graph.model.services import (
    LOCAL_TIME,
    URGENCY_RANK,
    Need,
    Recruitment,
    ServiceRecord,
    booking,
)
from graph.model.text import search_text
from graph.workflows import Done, new_id
from graph.workflows.service import MAX_SERVICE_HOURS, service_date_problem, service_minutes
from resolvers import matching

if TYPE_CHECKING:
    pass
from resolvers.context import Info
from resolvers.steps import request as _request

MAX_TEXT = 200
MAX_NOTE = 2_000
MAX_YUAN = Decimal(100_000_000)


def _id(value: str, label: str, name: str) -> str:
    return from_global_id(value, expect=label)[1] if value else _missing(name)


def _optional_id(value: str | None, label: str, name: str) -> str | None:
    return _id(value, label, name) if value else None


def _ids(values: Sequence[str], label: str) -> list[str]:
    return [from_global_id(v, expect=label)[1] for v in values]


def _missing(name: str) -> str:
    raise BadUserInput(f"`{name}` is required.")


def _text(value: str | None, name: str, *, required: bool = False, limit: int = MAX_TEXT) -> Any:
    if value is None:
        if required:
            raise BadUserInput(f"`{name}` is required.")
        return None
    value = value.strip()
    if (required and not value) or len(value) > limit:
        raise BadUserInput(f"`{name}` must be 1–{limit} characters.")
    return value or None


# A number that names a person, as it is written in a title: a mobile (1[3-9] and nine digits), an
# ID-card number (18 characters: region, birth date, sequence, check digit or X), a landline with
# its area code (0 and 2–3 digits, then 7–8), a bank card in groups of four (16–19 digits, from a
# 3–9); or seven digits and more in a row, unless they are a date (20261202). Separators are read
# only where such numbers are grouped (mobile 3-4-4 or 3-8, ID card 6-8-4 or in fours, landline
# (area) local or local 3/4-4, card in fours), by one space, dash, dot or slash each:
# 138.0013.8000, 138 0013 8000, (0760) 8765-4321. Dates (2026-12-02, 2026年12月5日, 12-15) and
# times (0900-1100, 09:00-11:00) are taken out of the title first: they say when, not who, and
# their digits beside each other (2026-12-05 1400-1700 2人) are no number. Full-width digits and
# punctuation are read as their ASCII forms (NFKC).
_S = r"[\s\-./\u2010-\u2015]"
_MOBILE = rf"1[3-9][0-9](?:[0-9]{{8}}|{_S}[0-9]{{4}}{_S}[0-9]{{4}}|{_S}[0-9]{{8}})"
_ID_CARD = (
    r"[1-9][0-9]{5}"
    rf"(?:[0-9]{{11}}|{_S}[0-9]{{8}}{_S}[0-9]{{3}}|[0-9]{{2}}(?:{_S}[0-9]{{4}}){{3}}{_S}[0-9])"
    r"[0-9Xx]"
)
_LANDLINE = (
    rf"(?:\(0[1-9][0-9]{{1,2}}\)\s?|0[1-9][0-9]{{1,2}}{_S}?)"
    rf"[2-9](?:[0-9]{{6,7}}|[0-9]{{2,3}}{_S}[0-9]{{4}})"
)
_CARD = r"[3-9][0-9]{3}(?:[\s\-]?[0-9]{4}){3}(?:[\s\-]?[0-9]{1,3})?"
_DATE = r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?![0-9])"
NUMBER = re.compile(
    rf"(?<![0-9])(?:(?:{_MOBILE}|{_ID_CARD}|{_LANDLINE}|{_CARD})(?![0-9])|(?!{_DATE})[0-9]{{7,}})"
)
# A date or a time (range) standing on its own: not joined by a dash, dot or slash to more digits,
# so that 138-0013-8000 or 0760-8765-4321 is never read as one.
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_HHMM = r"(?:[01][0-9]|2[0-4])[0-5][0-9]"
_HH_MM = r"(?:[01]?[0-9]|2[0-4]):[0-5][0-9]"
WHEN = re.compile(
    r"(?<![0-9])(?<![0-9][\-./:])(?:"
    rf"(?:19|20)[0-9]{{2}}年{_MONTH}月{_DAY}[日号]?|{_MONTH}月{_DAY}[日号]?"
    rf"|(?:19|20)[0-9]{{2}}([\-./]){_MONTH}\1{_DAY}|{_MONTH}-{_DAY}"
    rf"|{_HHMM}-{_HHMM}|{_HH_MM}(?:-{_HH_MM})?"
    r")(?![\-./:]?[0-9])"
)


def holds_number(text: str) -> bool:
    """Whether ``text`` holds a phone, ID-card or bank-card number (``NUMBER``) once its dates
    and times (``WHEN``) are taken out: they are digits too, and what a title needs them for."""
    text = WHEN.sub("|", unicodedata.normalize("NFKC", text))
    return NUMBER.search(text) is not None


def _need_title(title: str | None) -> str | None:
    """A need's title is read by every volunteer who may take it: it says what is needed. Her
    name is checked in the graph (``graph.workflows.needs.names_resident``); numbers here."""
    if title is not None and holds_number(title):
        raise BadUserInput(
            "`title` holds a number like a phone or ID-card number; every volunteer who may take "
            "the need reads the title. Keep numbers for the description, which only those "
            "serving her read."
        )
    return title


def _range(value: int | None, name: str, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise BadUserInput(f"`{name}` must be between {low} and {high}.")


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None:
        raise BadUserInput(f"`{name}` needs a time zone, e.g. 2026-12-01T09:30:00+08:00.")
    return value


def _schedule(slots: Sequence[Any] | None, one_off_at: dt.datetime | None) -> dict[str, Any]:
    if slots and one_off_at:
        raise BadUserInput("Give either weekly `slots` or a `oneOffAt` time, not both.")
    if one_off_at is not None:
        at = _aware(one_off_at, "oneOffAt")
        if at < dt.datetime.now(dt.UTC) - dt.timedelta(hours=1):
            raise BadUserInput("`oneOffAt` is in the past; a need is for service still to come.")
        slot, key = booking(at)
        return {"slots": (), "one_off_at": at, "one_off_slot": slot, "one_off_key": key}
    if slots is not None:
        if not slots:
            raise BadUserInput("Give at least one weekly slot, or a `oneOffAt` time.")
        return {
            "slots": tuple(dict.fromkeys(s.value for s in slots)),
            "one_off_at": None,
            "one_off_slot": None,
            "one_off_key": None,
        }
    return {}


def _changes(data: Any, named: str, plain: Sequence[str]) -> dict[str, Any]:
    """What an update input gives: its name or title and description (checked as text), and
    the ``plain`` fields as they are (checked by the caller); fields left out are not there."""
    changes: dict[str, Any] = {}
    if getattr(data, named) is not None:
        changes[named] = _text(getattr(data, named), named, required=True)
    if data.description is not None:
        changes["description"] = _text(data.description, "description", limit=MAX_NOTE)
    for name in plain:
        if getattr(data, name) is not None:
            changes[name] = getattr(data, name)
    return changes


def _props(changes: dict[str, Any], named: str) -> tuple[dict[str, Any], str | None]:
    """An update's changes as graph properties, and the new search text when ``named`` changed."""
    if not changes:
        raise BadUserInput("Nothing to change: give at least one field.")
    props = {camel(k): list(v) if isinstance(v, tuple) else v for k, v in changes.items()}
    return props, search_text(changes[named]) if named in changes else None


def _hours(value: Decimal, name: str, high: int) -> int:
    try:
        return service_minutes(value, high)
    except ValueError as bad:
        raise BadUserInput(f"`{name}` {bad}.") from None


def _fen(amount: Decimal) -> int:
    if not amount.is_finite() or not Decimal("0.01") <= amount <= MAX_YUAN:
        raise BadUserInput("`amount` must be between 0.01 and 100000000 yuan.")
    if amount != amount.quantize(Decimal("0.01")):
        raise BadUserInput("`amount` has at most two decimals (fen).")
    return int(amount * 100)


# --- needs ---------------------------------------------------------------------------------


async def report_need(info: Info, key: str | None, *, input: Any) -> Done:
    data = input
    resident = _id(data.resident_id, "Resident", "residentId")
    category = _id(data.category_id, "ServiceCategory", "categoryId")
    skills = _ids(data.skill_ids, "Skill")
    title = _need_title(_text(data.title, "title", required=True))
    description = _text(data.description, "description", limit=MAX_NOTE)
    _range(data.headcount, "headcount", 1, 20)
    _range(data.duration_minutes, "durationMinutes", 15, 720)
    schedule = _schedule(data.slots or None, data.one_off_at)
    if not schedule:
        raise BadUserInput("Give weekly `slots` or a `oneOffAt` time.")
    request = _request(
        info,
        "reportNeed", key, resident=resident, category=category, skills=skills, title=title,
        description=description, urgency=data.urgency.value, schedule=schedule,
        headcount=data.headcount, duration=data.duration_minutes,
        language=data.language_required,
    )  # fmt: skip
    need = Need(
        id=new_id("need"),
        title=title,
        urgency=data.urgency.value,
        urgency_rank=URGENCY_RANK[data.urgency.value],
        source=data.source.value if data.source else None,
        description=description,
        headcount=data.headcount,
        duration_minutes=data.duration_minutes,
        language_required=data.language_required,
        created_at=workflows.now(),
        **schedule,
    )
    return await workflows.report_need(
        info.context.store, request, need, resident=resident, category=category, skills=skills
    )


async def update_need(info: Info, key: str | None, *, id: str, input: Any) -> Done:
    need, data = _id(id, "Need", "id"), input
    changes = _changes(data, "title", ("headcount", "duration_minutes", "language_required"))
    _need_title(changes.get("title"))
    if data.urgency is not None:
        changes["urgency"] = data.urgency.value
        changes["urgency_rank"] = URGENCY_RANK[data.urgency.value]
    _range(data.headcount, "headcount", 1, 20)
    _range(data.duration_minutes, "durationMinutes", 15, 720)
    changes.update(_schedule(data.slots, data.one_off_at))
    props, search = _props(changes, "title")
    request = _request(info, "updateNeed", key, need=need, changes=changes)
    return await workflows.update_need(info.context.store, request, need, props, search)


async def cancel_need(info: Info, key: str | None, *, id: str, reason: str | None = None) -> Done:
    return await _set_need_status(info, id, "CANCELLED", reason, key)


async def close_need(info: Info, key: str | None, *, id: str, note: str | None = None) -> Done:
    return await _set_need_status(info, id, "CLOSED", note, key)


async def _set_need_status(
    info: Info, need_id: str, status: str, note: str | None, key: str | None
) -> Done:
    need = _id(need_id, "Need", "id")
    note = _text(note, "reason", limit=MAX_NOTE)
    request = _request(info, f"setNeedStatus:{status}", key, need=need, note=note)
    return await workflows.set_need_status(info.context.store, request, need, status, note)


async def assign_volunteers(
    info: Info, key: str | None, *, need_id: str, volunteers: Sequence[Any]
) -> Done:
    need = _id(need_id, "Need", "needId")
    if not 1 <= len(volunteers) <= 20:
        raise BadUserInput("Assign 1–20 volunteers at once.")
    items = [
        {
            "id": from_global_id(v.volunteer_id, expect="Volunteer")[1],
            "slots": None if v.slots is None else list(dict.fromkeys(s.value for s in v.slots)),
        }
        for v in volunteers
    ]
    if len({item["id"] for item in items}) < len(items):
        raise BadUserInput("A volunteer is listed twice.")
    if any(item["slots"] == [] for item in items):
        raise BadUserInput("`slots`, when given, must name at least one slot.")
    request = _request(info, "assignVolunteers", key, need=need, items=items)
    # "Out of range" is measured as whoCanServe measures for this viewer: a base they may not
    # read only by its cell, or the refusal would be an exact-distance oracle.
    measured = await matching.precision(info, [item["id"] for item in items])
    return await workflows.assign(info.context.store, request, need, items, measured)


async def unassign_volunteer(
    info: Info, key: str | None, *, need_id: str, volunteer_id: str
) -> Done:
    need = _id(need_id, "Need", "needId")
    volunteer = _id(volunteer_id, "Volunteer", "volunteerId")
    request = _request(info, "unassignVolunteer", key, need=need, volunteer=volunteer)
    return await workflows.unassign(info.context.store, request, need, volunteer)


# --- recruitments --------------------------------------------------------------------------


async def post_recruitment(info: Info, key: str | None, *, input: Any) -> Done:
    data = input
    organization = _id(data.organization_id, "Organization", "organizationId")
    community = _optional_id(data.community_id, "Community", "communityId")
    venue = _optional_id(data.venue_id, "Venue", "venueId")
    project = _optional_id(data.project_id, "Project", "projectId")
    skills = _ids(data.skill_ids, "Skill")
    title = _text(data.title, "title", required=True)
    _range(data.capacity, "capacity", 1, 10_000)
    starts, ends = _aware(data.starts_at, "startsAt"), _aware(data.ends_at, "endsAt")
    if ends <= starts:
        raise BadUserInput("`endsAt` must be after `startsAt`.")
    recruitment = Recruitment(
        id=new_id("recruitment"),
        title=title,
        capacity=data.capacity,
        starts_at=starts,
        ends_at=ends,
        place=_text(data.place, "place"),
        description=_text(data.description, "description", limit=MAX_NOTE),
    )
    request = _request(
        info,
        "postRecruitment", key, organization=organization, community=community, venue=venue,
        project=project, skills=skills, title=title, capacity=data.capacity, starts=starts,
        ends=ends, place=recruitment.place, description=recruitment.description,
    )  # fmt: skip
    return await workflows.post_recruitment(
        info.context.store, request, recruitment, organization=organization,
        community=community, venue=venue, project=project, skills=skills,
    )  # fmt: skip


async def sign_up(info: Info, key: str | None, *, recruitment_id: str, volunteer_id: str) -> Done:
    return await _sign_up(info, recruitment_id, volunteer_id, True, key)


async def withdraw_sign_up(
    info: Info, key: str | None, *, recruitment_id: str, volunteer_id: str
) -> Done:
    return await _sign_up(info, recruitment_id, volunteer_id, False, key)


async def _sign_up(
    info: Info, recruitment_id: str, volunteer_id: str, joining: bool, key: str | None
) -> Done:
    recruitment = _id(recruitment_id, "Recruitment", "recruitmentId")
    volunteer = _id(volunteer_id, "Volunteer", "volunteerId")
    operation = "signUp" if joining else "withdrawSignUp"
    request = _request(info, operation, key, recruitment=recruitment, volunteer=volunteer)
    step = workflows.sign_up if joining else workflows.withdraw
    return await step(info.context.store, request, recruitment, volunteer)


# --- service records and the time bank ---------------------------------------------------


async def record_service(info: Info, key: str | None, *, input: Any) -> Done:
    data = input
    volunteer = _id(data.volunteer_id, "Volunteer", "volunteerId")
    need = _optional_id(data.need_id, "Need", "needId")
    category = _optional_id(data.category_id, "ServiceCategory", "categoryId")
    project = _optional_id(data.project_id, "Project", "projectId")
    minutes = _hours(data.hours, "hours", MAX_SERVICE_HOURS)
    if service_date_problem(data.date) is not None:
        raise BadUserInput("`date` must be within the last year and not in the future.")
    _range(data.beneficiaries, "beneficiaries", 1, 10_000)
    _range(data.rating, "rating", 1, 5)
    record = ServiceRecord(
        id=new_id("record"),
        date=data.date,
        minutes=minutes,
        beneficiaries=data.beneficiaries,
        rating=data.rating,
        note=_text(data.note, "note", limit=MAX_NOTE),
    )
    props = to_props(record)
    request = _request(
        info,
        "recordService", key, volunteer=volunteer, need=need, category=category,
        project=project, props=props,
    )  # fmt: skip
    return await workflows.record_service(
        info.context.store, request, record.id, props, volunteer=volunteer, need=need,
        category=category, project=project,
    )  # fmt: skip


def _verifier(info: Info, worker_id: str | None) -> str:
    """A social worker verifies as themself; an admin names the verifying worker."""
    viewer = info.context.viewer
    named = None if worker_id is None else _id(worker_id, "SocialWorker", "socialWorkerId")
    if viewer.role is Role.SOCIAL_WORKER:
        if named is not None and named != viewer.subject:
            raise BadUserInput("A social worker verifies as themself; leave out `socialWorkerId`.")
        return str(viewer.subject)
    return named or _missing("socialWorkerId")


async def verify_service(
    info: Info, key: str | None, *, record_id: str, social_worker_id: str | None = None
) -> Done:
    record = _id(record_id, "ServiceRecord", "recordId")
    worker = _verifier(info, social_worker_id)
    request = _request(info, "verifyService", key, record=record, worker=worker)
    return await workflows.verify_service(info.context.store, request, record, worker)


async def spend_time_credits(
    info: Info, key: str | None, *, volunteer_id: str, need_id: str, hours: Decimal,
    note: str | None = None,
) -> Done:  # fmt: skip
    volunteer = _id(volunteer_id, "Volunteer", "volunteerId")
    need = _id(need_id, "Need", "needId")
    minutes = _hours(hours, "hours", 1_000)
    note = _text(note, "note", limit=MAX_NOTE)
    request = _request(
        info, "spendTimeCredits", key, volunteer=volunteer, need=need, minutes=minutes
    )
    return await workflows.spend_credits(
        info.context.store, request, volunteer=volunteer, need=need, minutes=minutes, note=note
    )


# --- resources -----------------------------------------------------------------------------


async def offer_resource(info: Info, key: str | None, *, input: Any) -> Done:
    data = input
    organization = _id(data.organization_id, "Organization", "organizationId")
    venue = _optional_id(data.venue_id, "Venue", "venueId")
    categories = _ids(data.category_ids, "ServiceCategory")
    if not categories:
        raise BadUserInput("Name at least one service category the resource serves.")
    name = _text(data.name, "name", required=True)
    unit = _text(data.unit, "unit", required=True, limit=20)
    _range(data.quantity, "quantity", 1, 100_000_000)
    if data.available_from and data.available_until and data.available_until < data.available_from:
        raise BadUserInput("`availableUntil` must not be before `availableFrom`.")
    resource = Resource(
        id=new_id("resource"),
        name=name,
        kind=data.kind.value,
        quantity=data.quantity,
        unit=unit,
        available_from=data.available_from,
        available_until=data.available_until,
        description=_text(data.description, "description", limit=MAX_NOTE),
    )
    row = node_rows(RESOURCES, [resource])[0]
    request = _request(
        info,
        "offerResource", key, organization=organization, venue=venue, categories=categories,
        props=row["props"],
    )  # fmt: skip
    return await workflows.offer_resource(
        info.context.store, request, resource.id, row["props"], row["search"],
        organization=organization, venue=venue, categories=categories,
    )  # fmt: skip


async def update_resource(info: Info, key: str | None, *, id: str, input: Any) -> Done:
    resource, data = _id(id, "Resource", "id"), input
    changes = _changes(data, "name", ("quantity", "available_from", "available_until"))
    _range(data.quantity, "quantity", 1, 100_000_000)
    if data.available_from and data.available_until and data.available_until < data.available_from:
        raise BadUserInput("`availableUntil` must not be before `availableFrom`.")
    props, search = _props(changes, "name")
    request = _request(info, "updateResource", key, resource=resource, changes=changes)
    return await workflows.update_resource(info.context.store, request, resource, props, search)


async def allocate_resource(
    info: Info, key: str | None, *, resource_id: str, need_id: str, quantity: int
) -> Done:
    resource = _id(resource_id, "Resource", "resourceId")
    need = _id(need_id, "Need", "needId")
    _range(quantity, "quantity", 1, 100_000_000)
    request = _request(
        info, "allocateResource", key, resource=resource, need=need, quantity=quantity
    )
    return await workflows.allocate_resource(
        info.context.store, request, resource=resource, need=need, quantity=quantity,
        today=dt.datetime.now(LOCAL_TIME).date(),
    )  # fmt: skip


# --- referrals -----------------------------------------------------------------------------


async def refer_need(
    info: Info, key: str | None, *, need_id: str, from_organization_id: str,
    to_organization_id: str, reason: str | None = None,
) -> Done:  # fmt: skip
    need = _id(need_id, "Need", "needId")
    source = _id(from_organization_id, "Organization", "fromOrganizationId")
    target = _id(to_organization_id, "Organization", "toOrganizationId")
    reason = _text(reason, "reason", limit=MAX_NOTE)
    request = _request(
        info, "referNeed", key, need=need, source=source, target=target, reason=reason
    )
    return await workflows.refer(
        info.context.store, request, need=need, source=source, target=target, reason=reason
    )


async def accept_referral(info: Info, key: str | None, *, id: str, note: str | None = None) -> Done:
    return await _answer_referral(info, id, "ACCEPTED", note, key)


async def decline_referral(
    info: Info, key: str | None, *, id: str, note: str | None = None
) -> Done:
    return await _answer_referral(info, id, "DECLINED", note, key)


async def complete_referral(info: Info, key: str | None, *, id: str, outcome: str) -> Done:
    return await _answer_referral(info, id, "COMPLETED", outcome, key)


async def _answer_referral(
    info: Info, referral_id: str, status: str, outcome: str | None, key: str | None
) -> Done:
    referral = _id(referral_id, "Referral", "id")
    outcome = _text(outcome, "outcome", required=status == "COMPLETED", limit=MAX_NOTE)
    request = _request(info, f"answerReferral:{status}", key, referral=referral, outcome=outcome)
    return await workflows.answer_referral(
        info.context.store, request, referral=referral, status=status, outcome=outcome
    )


# --- money ---------------------------------------------------------------------------------


def _date(value: dt.date) -> dt.date:
    today = dt.datetime.now(LOCAL_TIME).date()
    if not dt.date(2000, 1, 1) <= value <= today + dt.timedelta(days=1):
        raise BadUserInput("`date` must be between 2000-01-01 and today.")
    return value


def _movement(
    fund_id: str, amount: Decimal, party_id: str, label: str, name: str
) -> tuple[str, str, int]:
    """What a donation and a grant check alike, in this order: the fund, the party money comes
    from or goes to, the amount."""
    return _id(fund_id, "Fund", "fundId"), _id(party_id, label, name), _fen(amount)


async def donate(
    info: Info, key: str | None, *, fund_id: str, donor_id: str, amount: Decimal, date: dt.date,
    note: str | None = None,
) -> Done:  # fmt: skip
    fund, donor, fen = _movement(fund_id, amount, donor_id, "Organization", "donorId")
    note = _text(note, "note", limit=MAX_NOTE)
    request = _request(info, "donate", key, fund=fund, donor=donor, fen=fen, date=date, note=note)
    return await workflows.donate(
        info.context.store, request, fund=fund, donor=donor, amount_fen=fen, date=_date(date),
        note=note,
    )  # fmt: skip


async def grant(
    info: Info, key: str | None, *, fund_id: str, project_id: str, amount: Decimal, date: dt.date,
    award: str | None = None,
) -> Done:  # fmt: skip
    fund, project, fen = _movement(fund_id, amount, project_id, "Project", "projectId")
    award = _text(award, "award")
    request = _request(
        info, "grant", key, fund=fund, project=project, fen=fen, date=date, award=award
    )
    return await workflows.grant(
        info.context.store, request, fund=fund, project=project, amount_fen=fen,
        date=_date(date), award=award,
    )  # fmt: skip
