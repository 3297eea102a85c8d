"""Attendance codes (签到码): the short-lived signed token a social worker or the venue shows a
volunteer as a QR code, to check in or out of what they attend: a recruitment, or a need they are
assigned to (a visit to the resident).

A code names what is attended (its kind and id), one volunteer and one action (check in or
out), expires after :data:`TTL_S`, and carries a random id (``jti``) the graph records when it is
used: so it is single-use per person, a replay is refused, and a code made for someone else, for
another activity or for the other action is refused. One format for every kind. Signed HS256
with a key derived from the service's own signing key (so a sign-in token can never pass as a
code, nor a code as a sign-in token: different key, audience and type), with PyJWT like the
sign-in tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

import jwt

from access.tokens import _signing_key
from config import Settings

TTL_S = 120  # long enough to scan and send; short enough that a photo of it is soon useless
AUDIENCE = "crg-attendance"


class Action(StrEnum):
    CHECK_IN = "CHECK_IN"
    CHECK_OUT = "CHECK_OUT"


# What a code may be for: the labels of what is attended (graph/workflows/attendance.py).
KINDS = ("Recruitment", "Need")


@dataclass(frozen=True)
class Code:
    kind: str  # what is attended: one of KINDS
    target: str  # its id
    volunteer: str
    action: Action
    jti: str
    expires: int


class CodeError(Exception):
    """A code that cannot be used; ``reason`` is a stable word (EXPIRED, INVALID)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _key(settings: Settings) -> bytes:
    return hmac.new(
        _signing_key(settings).encode(), b"crg attendance codes v1", hashlib.sha256
    ).digest()


def issue(
    settings: Settings,
    target: str,
    volunteer: str,
    action: Action,
    now: float | None = None,
    *,
    kind: str = "Recruitment",
) -> tuple[str, Code]:
    """A fresh code (its ``jti`` new every time) for ``volunteer`` at ``target`` (a ``kind``),
    and its signed token."""
    assert kind in KINDS, kind
    issued = int(time.time() if now is None else now)
    code = Code(kind, target, volunteer, action, secrets.token_urlsafe(12), issued + TTL_S)
    claims = {
        "aud": AUDIENCE,
        "typ": "attendance",
        "of": code.kind,
        "att": code.target,
        "sub": code.volunteer,
        "act": code.action.value,
        "jti": code.jti,
        "exp": code.expires,
        "iat": issued,
    }
    return jwt.encode(claims, _key(settings), algorithm="HS256"), code


def decode(settings: Settings, token: str) -> Code:
    """The code a volunteer presents, or :class:`CodeError`."""
    try:
        claims = jwt.decode(
            token,
            _key(settings),
            algorithms=["HS256"],
            audience=AUDIENCE,
            options={"require": ["exp", "iat", "sub", "aud", "jti"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise CodeError("EXPIRED", "This attendance code has expired; ask for a new one.") from exc
    except jwt.InvalidTokenError as exc:
        raise CodeError("INVALID", "This is not an attendance code of this service.") from exc
    if (
        claims.get("typ") != "attendance"
        or claims.get("act") not in Action.__members__
        or claims.get("of") not in KINDS
        or "att" not in claims
    ):
        raise CodeError("INVALID", "This is not an attendance code of this service.")
    return Code(
        str(claims["of"]), str(claims["att"]), str(claims["sub"]), Action(claims["act"]),
        str(claims["jti"]), int(claims["exp"]),
    )  # fmt: skip
