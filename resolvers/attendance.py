"""Attendance (docs/GROUND.md): attendance codes, check-in and check-out by code or location,
no-shows; at a recruitment or on a visit for a need the volunteer is assigned to, through one set
of checks. What needs no graph is checked here (the code's signature, expiry, person, action and
target; a recruitment's time window) and answers before the graph is touched."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from access import attendance as codes
from api.errors import BadUserInput, Forbidden
from graph.model.services import LOCAL_TIME
from graph.workflows import Done, new_id
from graph.workflows import attendance as steps
from resolvers.steps import request as _request
from resolvers.workflows import _id

if TYPE_CHECKING:
    from resolvers.context import Info

# The default check-in radius (a venue's own checkInRadiusMeters wins; a visit's place, the
# resident's home, has this one): a building and its gate, GPS error included.
RADIUS_METERS = 300
EARLY = dt.timedelta(minutes=30)  # check-in opens this long before the start
LATE = dt.timedelta(hours=2)  # check-out closes this long after the end
# A visit to a need closes this long after its check-in (graph/workflows/attendance.py).
VISIT = steps.VISIT


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


async def _window(info: Info, recruitment: str) -> tuple[dt.datetime, dt.datetime]:
    found = await info.context.loaders.entity("Recruitment").load(recruitment)
    if found is None or found.starts_at is None or found.ends_at is None:
        raise BadUserInput("That recruitment has no start and end time; attendance needs both.")
    return _utc(found.starts_at), _utc(found.ends_at)


async def attendance_code(
    info: Info, *, recruitment_id: str, volunteer_id: str, action: Any
) -> tuple[str, dt.datetime]:
    """A fresh code for one volunteer and one action at a recruitment (shown as a QR code)."""
    return _code(info, "Recruitment", recruitment_id, volunteer_id, action)


async def need_attendance_code(
    info: Info, *, need_id: str, volunteer_id: str, action: Any
) -> tuple[str, dt.datetime]:
    """A fresh code for the volunteer's visit to a need's resident (shown as a QR code)."""
    return _code(info, "Need", need_id, volunteer_id, action)


def _code(
    info: Info, kind: str, target_id: str, volunteer_id: str, action: Any
) -> tuple[str, dt.datetime]:
    target = _id(target_id, kind, _arg(kind))
    volunteer = _id(volunteer_id, "Volunteer", "volunteerId")
    token, code = codes.issue(
        info.context.settings, target, volunteer, codes.Action(action.value), kind=kind
    )
    return token, dt.datetime.fromtimestamp(code.expires, dt.UTC)


def _arg(kind: str) -> str:
    return f"{kind[0].lower()}{kind[1:]}Id"


def _coded(
    info: Info, code: str, kind: str, target: str, volunteer: str, action: codes.Action
) -> codes.Code:
    """The code, if it is this volunteer's, for this ``target`` and this action."""
    try:
        found = codes.decode(info.context.settings, code)
    except codes.CodeError as exc:
        raise BadUserInput(str(exc), reason=exc.reason) from exc
    if found.volunteer != volunteer:
        raise Forbidden("That attendance code is another person's.", reason="NOT_YOURS")
    if (found.kind, found.target) != (kind, target):
        raise BadUserInput("That code is for another activity.", reason=f"OTHER_{kind.upper()}")
    if found.action is not action:
        raise BadUserInput(
            f"That code is for {found.action.value}, not {action.value}.", reason="OTHER_ACTION"
        )
    return found


async def _open(info: Info, kind: str, target: str, out: bool, now: dt.datetime) -> dict[str, int]:
    """The times the statement needs. A recruitment is attended in its window (check-in from 30
    minutes before the start to the end, check-out from the start to 2 hours after the end); a
    visit to a need at the need's time, give or take half an hour, while the volunteer is
    assigned and the need open, for at most :data:`VISIT` from check-in to check-out (all checked
    in the statement, from the time it is given: graph/workflows/attendance.py)."""
    times = {"epoch": int(now.timestamp()), "visit": int(VISIT.total_seconds())}
    if kind != "Recruitment":
        return {**times, "starts": 0, "ends": 0}
    starts, ends = await _window(info, target)
    if not out and not starts - EARLY <= now <= ends:
        raise BadUserInput(
            "Check-in is open from 30 minutes before the start until the end.", reason="CLOSED"
        )
    if out and not starts <= now <= ends + LATE:
        raise BadUserInput(
            "Check-out is open from the start until 2 hours after the end.", reason="CLOSED"
        )
    return {**times, "starts": int(starts.timestamp()), "ends": int(ends.timestamp())}


async def _check(
    info: Info, key: str | None, kind: str, out: bool, target_id: str, volunteer_id: str,
    code: str | None, location: Any,
) -> Done:  # fmt: skip
    """Check in or out of a recruitment or a need (``kind``), by code or by location: what needs
    no graph is checked here, the rest by the kind's one guarded statement."""
    target = _id(target_id, kind, _arg(kind))
    volunteer = _id(volunteer_id, "Volunteer", "volunteerId")
    action = codes.Action.CHECK_OUT if out else codes.Action.CHECK_IN
    if (code is None) == (location is None):
        raise BadUserInput("Check in or out with an attendance `code` or your `location`.")
    used = None if code is None else _coded(info, code, kind, target, volunteer, action)
    if location is not None and not (
        -90 <= location.latitude <= 90 and -180 <= location.longitude <= 180
    ):
        raise BadUserInput("`location` must be a latitude and longitude in degrees.")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    params = {
        **await _open(info, kind, target, out, now),
        "method": "CODE" if code is not None else "LOCATION",
        "code": None if used is None else used.jti,
        "expires": None if used is None else used.expires,
        # The point is used by the statement's radius check and stored nowhere.
        "latitude": 0.0 if location is None else float(location.latitude),
        "longitude": 0.0 if location is None else float(location.longitude),
        "radius": RADIUS_METERS,
        "record": new_id("record"),
        "date": now.astimezone(LOCAL_TIME).date(),
        "note": "签到签退",
        "at": now,
    }
    operation = ("checkOut" if out else "checkIn") + ("" if kind == "Recruitment" else kind)
    request = _request(
        info, operation, key, **{kind.lower(): target}, volunteer=volunteer,
        code=params["code"], method=params["method"],
    )  # fmt: skip
    return await steps.check(
        info.context.store, request, kind=kind, out=out, target=target, volunteer=volunteer,
        params=params,
    )  # fmt: skip


async def check_in(
    info: Info, key: str | None, *, recruitment_id: str, volunteer_id: str,
    code: str | None = None, location: Any = None,
) -> Done:  # fmt: skip
    return await _check(
        info, key, "Recruitment", False, recruitment_id, volunteer_id, code, location
    )


async def check_out(
    info: Info, key: str | None, *, recruitment_id: str, volunteer_id: str,
    code: str | None = None, location: Any = None,
) -> Done:  # fmt: skip
    return await _check(
        info, key, "Recruitment", True, recruitment_id, volunteer_id, code, location
    )


async def check_in_to_need(
    info: Info, key: str | None, *, need_id: str, volunteer_id: str,
    code: str | None = None, location: Any = None,
) -> Done:  # fmt: skip
    return await _check(info, key, "Need", False, need_id, volunteer_id, code, location)


async def check_out_of_need(
    info: Info, key: str | None, *, need_id: str, volunteer_id: str,
    code: str | None = None, location: Any = None,
) -> Done:  # fmt: skip
    return await _check(info, key, "Need", True, need_id, volunteer_id, code, location)


async def mark_no_shows(info: Info, key: str | None, *, recruitment_id: str) -> Done:
    recruitment = _id(recruitment_id, "Recruitment", "recruitmentId")
    _, ends = await _window(info, recruitment)
    now = dt.datetime.now(dt.UTC)
    request = _request(info, "markNoShows", key, recruitment=recruitment)
    return await steps.mark_no_shows(
        info.context.store, request, recruitment, int(now.timestamp()), int(ends.timestamp())
    )
