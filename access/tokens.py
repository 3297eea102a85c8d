"""Who is asking: signed bearer tokens (JWT) and the viewer they stand for.

A token carries the role and the subject's id in the graph (a volunteer's, a social worker's, a
partner organization's key; a free-form account name for admins and analysts). A request with no
token is the anonymous viewer; a token that is expired, malformed, for another issuer or audience,
or wrongly signed is refused with 401 — never quietly treated as anonymous, so a client with a
stale token learns it instead of seeing less data without knowing why.

A signature proves who a token was issued to, not that they may still act: the gate also binds
every request to its subject's standing in the graph (``gate.Identities``: the subject exists
with the role's label, is active, and the token is not revoked).

Two lifetimes (docs/ACCESS.md "Signing in"): a person's token (``TOKEN_TTL_S``) and a partner
integration's service token (``SERVICE_TOKEN_TTL_S``); no token may live longer than the longer
of the two, which is how long a revocation must be kept.
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
    issued_at: float | None = None  # the token's ``iat``: revoking a subject refuses older ones

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


class Kind(StrEnum):
    """Who holds a token: a person signing in, or a partner's system calling the API."""

    PERSON = "person"
    SERVICE = "service"


@dataclass(frozen=True)
class Issued:
    """A minted token and what ``cli token`` records of it (everything but the token)."""

    token: str
    id: str
    role: Role
    subject: str
    issued: dt.datetime
    expires: dt.datetime
    kind: Kind


def issue(
    settings: Settings,
    role: Role,
    subject: str | None,
    *,
    kind: Kind = Kind.PERSON,
    ttl_s: int | None = None,
    now: dt.datetime | None = None,
) -> Issued:
    """A signed token for ``role``; roles in ``SUBJECT_LABEL`` need the subject's graph id.

    Its lifetime is the kind's (``TOKEN_TTL_S`` or ``SERVICE_TOKEN_TTL_S``) unless ``ttl_s``
    says otherwise, never longer than ``Settings.max_token_lifetime_s``."""
    if role is Role.ANONYMOUS:
        raise TokenError("Anonymous requests carry no token.")
    if role in SUBJECT_LABEL and not subject:
        raise TokenError(f"A {role.value} token needs the {SUBJECT_LABEL[role]}'s id as subject.")
    if kind is Kind.SERVICE and role is not Role.PARTNER:
        raise TokenError("Service tokens are for a partner organization's system; use a partner.")
    default = settings.service_token_ttl_s if kind is Kind.SERVICE else settings.token_ttl_s
    lifetime = ttl_s or default
    if not 0 < lifetime <= settings.max_token_lifetime_s:
        raise TokenError(
            f"A token may live between 1 and {settings.max_token_lifetime_s} s "
            "(the longer of TOKEN_TTL_S and SERVICE_TOKEN_TTL_S)."
        )
    # Whole seconds, as the claims carry them, so what is recorded is what the token says.
    issued = (now or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    expires = issued + dt.timedelta(seconds=lifetime)
    token_id = uuid.uuid4().hex
    claims = {
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "sub": subject or role.value,
        "role": role.value,
        "kind": kind.value,
        "iat": issued,
        "nbf": issued,
        "exp": expires,
        "jti": token_id,
    }
    token = jwt.encode(claims, _signing_key(settings), algorithm=settings.auth_algorithm)
    return Issued(token, token_id, role, subject or role.value, issued, expires, kind)


def mint(
    settings: Settings,
    role: Role,
    subject: str | None,
    *,
    ttl_s: int | None = None,
    now: dt.datetime | None = None,
) -> str:
    """A person's signed token for ``role`` (see :func:`issue`)."""
    return issue(settings, role, subject, ttl_s=ttl_s, now=now).token


# Tokens already verified, so a client's every request does not pay for the signature again
# (a tenth of a node lookup's time, py-spy). Keyed by everything the verdict depends on; an entry
# holds only until the token's own expiry. It remembers the signature only: whether the subject
# may still act (revocation, deactivation) is asked on every request after it (gate.Identities).
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
    issued, expires = float(claims["iat"]), float(claims["exp"])
    if expires - issued > settings.max_token_lifetime_s:
        # Revocations are pruned after the longest lifetime; a longer-lived token would outlive
        # its revocation.
        raise TokenError("The token lives longer than this service accepts; ask for a new one.")
    token_id = claims.get("jti")
    viewer = Viewer(role, subject, token_id if isinstance(token_id, str) else None, issued)
    return viewer, expires + LEEWAY_S


def revocation_kept_s(settings: Settings) -> int:
    """How long a revocation must be kept: as long as a token issued before it can be valid."""
    return settings.max_token_lifetime_s + LEEWAY_S


def from_header(settings: Settings, authorization: str | None) -> Viewer:
    """The viewer of a request's ``Authorization`` header (none: anonymous)."""
    if authorization is None or not authorization.strip():
        return ANONYMOUS
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise TokenError("Send the token as `Authorization: Bearer <token>`.")
    return verify(settings, token.strip())
