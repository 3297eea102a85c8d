"""Attendance (docs/GROUND.md): attendance codes, check-in and check-out by code or location,
no-shows. What needs no graph is checked here (the code's signature, expiry, person, action and
recruitment; the activity's time window) and answers before the graph is touched."""

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

# A venue's default check-in radius (its own checkInRadiusMeters wins): a building and its gate,
# GPS error included.
RADIUS_METERS = 300
EARLY = dt.timedelta(minutes=30)  # check-in opens this long before the start
LATE = dt.timedelta(hours=2)  # check-out closes this long after the end


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
    """A fresh code for one volunteer and one action (shown as a QR code)."""
    recruitment = _id(recruitment_id, "Recruitment", "recruitmentId")
    volunteer = _id(volunteer_id, "Volunteer", "volunteerId")
    token, code = codes.issue(
        info.context.settings, recruitment, volunteer, codes.Action(action.value)
    )
    return token, dt.datetime.fromtimestamp(code.expires, dt.UTC)


def _coded(info: Info, code: str, recruitment: str, volunteer: str, action: codes.Action) -> str:
    try:
        found = codes.decode(info.context.settings, code)
    except codes.CodeError as exc:
        raise BadUserInput(str(exc), reason=exc.reason) from exc
    if found.volunteer != volunteer:
        raise Forbidden("That attendance code is another person's.", reason="NOT_YOURS")
    if found.recruitment != recruitment:
        raise BadUserInput("That code is for another activity.", reason="OTHER_RECRUITMENT")
    if found.action is not action:
        raise BadUserInput(
            f"That code is for {found.action.value}, not {action.value}.", reason="OTHER_ACTION"
        )
    return found.jti


async def _check(
    info: Info, key: str | None, out: bool, recruitment_id: str, volunteer_id: str,
    code: str | None, location: Any,
) -> Done:  # fmt: skip
    recruitment = _id(recruitment_id, "Recruitment", "recruitmentId")
    volunteer = _id(volunteer_id, "Volunteer", "volunteerId")
    action = codes.Action.CHECK_OUT if out else codes.Action.CHECK_IN
    if (code is None) == (location is None):
        raise BadUserInput("Check in or out with an attendance `code` or your `location`.")
    jti = None if code is None else _coded(info, code, recruitment, volunteer, action)
    if location is not None and not (
        -90 <= location.latitude <= 90 and -180 <= location.longitude <= 180
    ):
        raise BadUserInput("`location` must be a latitude and longitude in degrees.")
    starts, ends = await _window(info, recruitment)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if not out and not starts - EARLY <= now <= ends:
        raise BadUserInput(
            "Check-in is open from 30 minutes before the start until the end.", reason="CLOSED"
        )
    if out and not starts <= now <= ends + LATE:
        raise BadUserInput(
            "Check-out is open from the start until 2 hours after the end.", reason="CLOSED"
        )
    params = {
        "method": "CODE" if code is not None else "LOCATION",
        "code": jti,
        # The point is used by the statement's radius check and stored nowhere.
        "latitude": 0.0 if location is None else float(location.latitude),
        "longitude": 0.0 if location is None else float(location.longitude),
        "radius": RADIUS_METERS,
        "epoch": int(now.timestamp()),
        "starts": int(starts.timestamp()),
        "ends": int(ends.timestamp()),
        "record": new_id("record"),
        "date": now.astimezone(LOCAL_TIME).date(),
        "note": "签到签退",
        "at": now,
    }
    operation = "checkOut" if out else "checkIn"
    request = _request(
        info, operation, key, recruitment=recruitment, volunteer=volunteer, code=jti,
        method=params["method"],
    )  # fmt: skip
    return await steps.check(
        info.context.store, request, out=out, recruitment=recruitment, volunteer=volunteer,
        params=params,
    )  # fmt: skip


async def check_in(
    info: Info, key: str | None, *, recruitment_id: str, volunteer_id: str,
    code: str | None = None, location: Any = None,
) -> Done:  # fmt: skip
    return await _check(info, key, False, recruitment_id, volunteer_id, code, location)


async def check_out(
    info: Info, key: str | None, *, recruitment_id: str, volunteer_id: str,
    code: str | None = None, location: Any = None,
) -> Done:  # fmt: skip
    return await _check(info, key, True, recruitment_id, volunteer_id, code, location)


async def mark_no_shows(info: Info, key: str | None, *, recruitment_id: str) -> Done:
    recruitment = _id(recruitment_id, "Recruitment", "recruitmentId")
    _, ends = await _window(info, recruitment)
    now = dt.datetime.now(dt.UTC)
    request = _request(info, "markNoShows", key, recruitment=recruitment)
    return await steps.mark_no_shows(
        info.context.store, request, recruitment, int(now.timestamp()), int(ends.timestamp())
    )
