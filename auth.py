"""Who is asking: signed bearer tokens (JWT) and the viewer they stand for.

A token carries the role and the subject's id in the graph (a volunteer's, a social worker's, a
partner organization's key; a free-form account name for admins and analysts). A request with no
token is the anonymous viewer; a token that is expired, malformed, for another issuer or audience,
or wrongly signed is refused with 401 — never quietly treated as anonymous, so a client with a
stale token learns it instead of seeing less data without knowing why.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from enum import StrEnum

import jwt

from config import Settings


class Role(StrEnum):
    ADMIN = "admin"
    SOCIAL_WORKER = "social_worker"
    VOLUNTEER = "volunteer"
    PARTNER = "partner"
    ANALYST = "analyst"
    ANONYMOUS = "anonymous"


# Roles whose subject is an entity of the graph, and that entity's label.
SUBJECT_LABEL: dict[Role, str] = {
    Role.SOCIAL_WORKER: "SocialWorker",
    Role.VOLUNTEER: "Volunteer",
    Role.PARTNER: "Organization",
}


class TokenError(Exception):
    """The bearer token cannot be trusted; the message tells the client what to do."""


@dataclass(frozen=True)
class Viewer:
    role: Role
    subject: str | None = None
    token_id: str | None = None

    @property
    def actor(self) -> str:
        """How the audit log and workflow records name this viewer, e.g. ``volunteer:v-12``."""
        return self.role.value if self.subject is None else f"{self.role.value}:{self.subject}"

    @property
    def rate_key(self) -> str | None:
        """Requests are rate-limited per token subject; anonymous ones per client address."""
        return None if self.role is Role.ANONYMOUS else self.actor


ANONYMOUS = Viewer(Role.ANONYMOUS)


def _signing_key(settings: Settings) -> str:
    if settings.auth_algorithm.startswith("HS"):
        return str(settings.auth_secret)
    key = str(settings.auth_private_key)
    if not key:
        raise TokenError("Minting needs AUTH_PRIVATE_KEY_FILE for the configured algorithm.")
    return key


def _verifying_key(settings: Settings) -> str:
    if settings.auth_algorithm.startswith("HS"):
        return str(settings.auth_secret)
    return str(settings.auth_public_key)


def mint(
    settings: Settings,
    role: Role,
    subject: str | None,
    *,
    ttl_s: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """A signed token for ``role``; roles in ``SUBJECT_LABEL`` need the subject's graph id."""
    if role is Role.ANONYMOUS:
        raise TokenError("Anonymous requests carry no token.")
    if role in SUBJECT_LABEL and not subject:
        raise TokenError(f"A {role.value} token needs the {SUBJECT_LABEL[role]}'s id as subject.")
    issued = now or dt.datetime.now(dt.UTC)
    claims = {
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "sub": subject or role.value,
        "role": role.value,
        "iat": issued,
        "nbf": issued,
        "exp": issued + dt.timedelta(seconds=ttl_s or settings.token_ttl_s),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, _signing_key(settings), algorithm=settings.auth_algorithm)


# Tokens already verified, so a client's every request does not pay for the signature again
# (a tenth of a node lookup's time, py-spy). Keyed by everything the verdict depends on; an entry
# holds only until the token's own expiry.
_VERIFIED: OrderedDict[tuple[str, ...], tuple[Viewer, float]] = OrderedDict()
VERIFIED_CACHE = 10_000
LEEWAY_S = 30


def verify(settings: Settings, token: str) -> Viewer:
    """The viewer a presented token stands for, or :class:`TokenError`."""
    key = (
        token, settings.auth_algorithm, str(settings.auth_secret), str(settings.auth_public_key),
        settings.auth_issuer, settings.auth_audience,
    )  # fmt: skip
    known = _VERIFIED.get(key)
    if known is not None and time.time() <= known[1]:
        _VERIFIED.move_to_end(key)
        return known[0]
    viewer, expires = _verify(settings, token)
    _VERIFIED[key] = (viewer, expires)
    while len(_VERIFIED) > VERIFIED_CACHE:
        _VERIFIED.popitem(last=False)
    return viewer


def _verify(settings: Settings, token: str) -> tuple[Viewer, float]:
    try:
        claims = jwt.decode(
            token,
            _verifying_key(settings),
            algorithms=[settings.auth_algorithm],
            audience=settings.auth_audience,
            issuer=settings.auth_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            leeway=LEEWAY_S,
        )
    except jwt.ExpiredSignatureError:
        raise TokenError("The token has expired; sign in again for a new one.") from None
    except jwt.InvalidAudienceError:
        raise TokenError("The token was issued for another service.") from None
    except jwt.InvalidIssuerError:
        raise TokenError("The token was issued by an issuer this service does not trust.") from None
    except jwt.InvalidSignatureError:
        raise TokenError("The token's signature does not verify; it was not issued here.") from None
    except jwt.MissingRequiredClaimError as exc:
        raise TokenError(f"The token lacks the required claim {exc.claim!r}.") from None
    except jwt.InvalidTokenError:
        raise TokenError(
            "The bearer token is malformed; send the token exactly as issued."
        ) from None
    try:
        role = Role(claims.get("role"))
    except ValueError:
        raise TokenError("The token names no role this service knows.") from None
    if role is Role.ANONYMOUS:
        raise TokenError("The token names no role this service knows.")
    subject = claims["sub"]
    if not isinstance(subject, str) or not 1 <= len(subject) <= 200:
        raise TokenError("The token's subject is not a valid id.")
    return Viewer(role, subject, claims.get("jti")), float(claims["exp"]) + LEEWAY_S


def from_header(settings: Settings, authorization: str | None) -> Viewer:
    """The viewer of a request's ``Authorization`` header (none: anonymous)."""
    if authorization is None or not authorization.strip():
        return ANONYMOUS
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("Send the token as `Authorization: Bearer <token>`.")
    return verify(settings, token.strip())
