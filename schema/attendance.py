"""Attendance (签到/签退, docs/GROUND.md) at a recruitment or on a visit for a need the volunteer is
assigned to: codes, check-in and check-out by code or location, no-shows; the steps declared once
each as :func:`schema.steps.step` rows, the codes (which write nothing) as
:func:`schema.steps.unkeyed` rows.

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension

from access.acts import Act
from resolvers import attendance as resolve
from schema.permissions import may
from schema.steps import Arg, id_arg, mutation_type, step, text_arg, unkeyed
from schema.workflows import NeedPayload, RecruitmentPayload


@strawberry.enum(description="What an attendance code is for.")
class AttendanceAction(Enum):
    CHECK_IN = strawberry.enum_value("CHECK_IN", description="Checking in (签到).")
    CHECK_OUT = strawberry.enum_value("CHECK_OUT", description="Checking out (签退).")


@strawberry.input(description="Where the volunteer is, to check in at the venue by location.")
class HereInput:
    latitude: float = strawberry.field(description="Latitude in degrees (WGS 84).")
    longitude: float = strawberry.field(description="Longitude in degrees (WGS 84).")


@strawberry.type(description="A short-lived, single-use attendance code, to show as a QR code.")
class AttendanceCode:
    code: str = strawberry.field(description="The code (a signed token); the volunteer sends it.")
    expires_at: dt.datetime = strawberry.field(description="It is refused after this moment.")


RECRUITMENT_ID = id_arg("recruitment_id", "The recruitment (活动).")
NEED_ID = id_arg("need_id", "The need whose resident the volunteer visits (服务需求).")
VOLUNTEER_ID = id_arg("volunteer_id", "The volunteer checking in or out (themself).")
CODE = text_arg("code", "The attendance code shown to them (or give `location`).")
HERE = Arg("location", HereInput | None, "Where they are (or give `code`); never stored.", None)


ACTION = Arg("action", AttendanceAction, "In or out.")


def _code(
    run: Callable[..., Awaitable[tuple[str, dt.datetime]]],
    target: Arg,
    permission: list[FieldExtension],
    description: str,
) -> Any:
    """An attendance-code row: for one volunteer at ``target`` (a recruitment, or a need's
    visit); nothing is written, so it takes no idempotency key."""

    def answer(made: tuple[str, dt.datetime]) -> AttendanceCode:
        return AttendanceCode(code=made[0], expires_at=made[1])

    volunteer = Arg("volunteer_id", strawberry.ID, "Volunteer.")
    return unkeyed(run, answer, AttendanceCode, permission, description, target, volunteer, ACTION)


CODES: Sequence[Any] = (
    _code(
        resolve.attendance_code,
        Arg("recruitment_id", strawberry.ID, "Recruitment."),
        may(Act.ATTENDANCE, "Recruitment", "recruitment_id"),
        "Make an attendance code (签到码) for one volunteer to check in or out of a "
        "recruitment: valid 2 minutes, usable once, by that volunteer only. For the social "
        "workers covering the activity's community and the organization running it; nothing is "
        "written (the code's use is).",
    ),
    _code(
        resolve.need_attendance_code,
        Arg("need_id", strawberry.ID, "Need."),
        may(Act.CASEWORK, "Need", "need_id"),
        "Make an attendance code (签到码) for a volunteer assigned to a need to check "
        "in or out of a visit to its resident: valid 2 minutes, usable once, by that volunteer "
        "only. For the social workers covering the need's community; nothing is written (the "
        "code's use is).",
    ),
)


def _check(
    run: Callable[..., Awaitable[Any]], payload: Any, target: Arg, label: str, description: str
) -> Any:
    """A check-in or check-out row: by the volunteer themself, at ``target`` (a recruitment, or
    a need's visit), with a code or where they are."""
    permission = may(Act.VOLUNTEER_SELF, label, target.name, volunteer="volunteer_id")
    return step(run, payload, permission, description, target, VOLUNTEER_ID, CODE, HERE)


MUTATIONS: Sequence[Any] = (
    _check(
        resolve.check_in,
        RecruitmentPayload,
        RECRUITMENT_ID,
        "Recruitment",
        "Check in to a recruitment (签到), from 30 minutes before its start until its end: with "
        "the attendance code shown to you, or your location within 300 m of its venue (used for "
        "the check, never stored).",
    ),
    _check(
        resolve.check_out,
        RecruitmentPayload,
        RECRUITMENT_ID,
        "Recruitment",
        "Check out (签退), until 2 hours after the end: the minutes from check-in (not before the "
        "start) to now (not after the end) are proposed as a service record of the recruitment, "
        "waiting in the covering social worker's verification queue.",
    ),
    _check(
        resolve.check_in_to_need,
        NeedPayload,
        NEED_ID,
        "Need",
        "Check in to a visit for a need you are assigned to (上门签到), while it is open and at "
        "its time: one of its weekly slots or its appointment, from 30 minutes before until 30 "
        "minutes after (a need with no time: 8:00–21:00 China time, the same grace; outside it "
        "the refusal says when check-in opens next, `extensions.opensAt`). With the attendance "
        "code the covering social worker shows you, or your location within 300 m of the "
        "resident's home (checked by the graph, never stored; a refusal names no distance).",
    ),
    _check(
        resolve.check_out_of_need,
        NeedPayload,
        NEED_ID,
        "Need",
        "Check out of the visit (上门签退), within 8 hours of checking in: the minutes since are "
        "proposed as a service record for the need, waiting in the covering social worker's "
        "verification queue. Each visit is a check-in and a check-out; the next visit checks in "
        "again.",
    ),
    step(
        resolve.mark_no_shows,
        RecruitmentPayload,
        may(Act.ATTENDANCE, "Recruitment", "recruitment_id"),
        "After the activity, mark everyone signed up who never checked in as a no-show (缺席).",
        RECRUITMENT_ID,
    ),
)

_Steps = mutation_type("AttendanceSteps", MUTATIONS, "Attendance steps.")
_Codes = mutation_type("AttendanceCodes", CODES, "Attendance codes.")


@strawberry.type(description="Attendance: codes, check-in, check-out, no-shows.")
class AttendanceMutation(_Steps, _Codes):  # type: ignore[misc,valid-type]
    pass
