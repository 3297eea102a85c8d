"""Who a token may still stand for: its subject's standing, revocations, and the tokens issued.

A signed token proves who it was issued to, not that they still work here. Before a request runs,
the gate asks :func:`standing`: does the subject exist with the label of the token's role, is it
active, has the token (or every token of its subject) been revoked? The answers live in the graph
so that every API process on it honours them.

- A person or organization is **inactive** when its ``status`` is in :data:`INACTIVE_STATUSES`
  (a volunteer who has ``LEFT``, a duplicate ``MERGED`` into another record; social workers and
  organizations carry the same property, absent meaning active, so deactivating one is setting
  it). Reactivating one
  (``reactivate<Family>``) also revokes every token of its subject issued until then: a token
  from before the deactivation would otherwise come back to life with the status; the person
  signs in again.
- A :data:`REVOCATION` node revokes one token (``token:<jti>``) or every token of a subject issued
  up to a moment (``subject:<sub>``, the latest revocation wins). Revocations are kept as long as
  a token issued before them could still be valid, then pruned.
- An :data:`ISSUED` node records a token ``python -m cli token`` minted: its id, role, subject and
  lifetime, never the token itself. Pruned when the token expires.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.engine.cypher import Statement, cypher
from graph.engine.errors import GraphError
from graph.engine.labels import label as allowed_label
from graph.engine.store import GraphStore
from graph.model.vocab import VolunteerStatus

REVOCATION = allowed_label("Revocation")
ISSUED = allowed_label("IssuedToken")

log = logging.getLogger(__name__)

# A subject whose status is one of these no longer acts through any token.
INACTIVE_STATUSES = frozenset({VolunteerStatus.LEFT, VolunteerStatus.MERGED})

# The labels a token's subject may have (auth.SUBJECT_LABEL's values; None: an account name that
# is not in the graph, bound by revocation only).
SUBJECT_LABELS = ("SocialWorker", "Volunteer", "Organization")

# A revocation's id: one token's, or a subject's (every token issued until its `at`).
TOKEN_PREFIX, SUBJECT_PREFIX = "token:", "subject:"


def _revokes(token_key: str, subject_key: str, issued: str) -> str:
    """The one rule, as a Cypher condition on ``r``, for whether a revocation covers a token
    (given as Cypher expressions): the check on each request and the listing both use it."""
    return f"r.id IN [{token_key}, {subject_key}] AND (r.id = {token_key} OR r.at >= {issued})"


_REVOKED = f"""
    OPTIONAL MATCH (r:{REVOCATION})
    WHERE {_revokes("$token_key", "$subject_key", "$issued")}
    WITH count(r) AS revoked
"""

STANDING: Mapping[str | None, Statement] = {
    None: cypher("identity.standing", _REVOKED + "RETURN revoked, 1 AS found, [] AS statuses"),
    **{
        label: cypher(
            f"identity.standing.{label}",
            _REVOKED
            + f"""
            OPTIONAL MATCH (s:{allowed_label(label)} {{id: $subject}})
            RETURN revoked, count(s) AS found, collect(s.status) AS statuses
            """,
        )
        for label in SUBJECT_LABELS
    },
}


@dataclass(frozen=True)
class Standing:
    found: bool  # the subject exists with the role's label (always, for account names)
    active: bool  # ... and has not left
    revoked: bool  # the token, or every token of its subject issued by then, was revoked


def token_key(token_id: str | None) -> str:
    return f"{TOKEN_PREFIX}{token_id}"


def subject_key(subject: str) -> str:
    return f"{SUBJECT_PREFIX}{subject}"


async def standing(
    store: GraphStore, label: str | None, subject: str, token_id: str | None, issued: float
) -> Standing:
    """One read: the subject's standing for a token issued at ``issued`` (epoch seconds)."""
    rows = await store.read(
        STANDING[label],
        {
            "subject": subject,
            # A token without an id can only be revoked through its subject.
            "token_key": token_key(token_id) if token_id else "",
            "subject_key": subject_key(subject),
            "issued": issued,
        },
    )
    row = rows[0]
    return Standing(
        found=int(row["found"]) > 0,
        active=not INACTIVE_STATUSES.intersection(s for s in row["statuses"] if s is not None),
        revoked=int(row["revoked"]) > 0,
    )


# --- revocation -----------------------------------------------------------------------------


def revoking(var: str, row: str) -> str:
    """The write of one revocation ``var`` from the map ``row`` (``id``, ``tokenId``,
    ``subject``, ``by``, ``at``, ``expires``): merged on its id, the later moment and expiry
    winning. :data:`REVOKE` and a reactivation (``graph.workflows.registration``: a subject's
    tokens from before it stay dead) both write it."""
    return (
        f"MERGE ({var}:{REVOCATION} {{id: {row}.id}}) "
        f"SET {var}.tokenId = {row}.tokenId, {var}.subject = {row}.subject, {var}.by = {row}.by, "
        f"{var}.at = CASE WHEN {var}.at IS NULL OR {var}.at < {row}.at "
        f"THEN {row}.at ELSE {var}.at END, "
        f"{var}.expires = CASE WHEN {var}.expires IS NULL OR {var}.expires < {row}.expires "
        f"THEN {row}.expires ELSE {var}.expires END"
    )


def subject_revocation(subject: str, *, by: str | None, at: float, keep_s: float) -> dict[str, Any]:
    """The row revoking every token of ``subject`` issued until ``at``, kept ``keep_s``."""
    return {
        "id": subject_key(subject),
        "tokenId": None,
        "subject": subject,
        "by": by,
        "at": at,
        "expires": at + keep_s,
    }


REVOKE = cypher(
    "identity.revoke",
    f"""
    UNWIND $rows AS row
    {revoking("r", "row")}
    RETURN count(r) AS written
    """,
)

COVERED = cypher(
    "identity.covered",
    f"""
    MATCH (t:{ISSUED})
    WHERE t.expires > $now AND (t.id = $token_id OR (t.subject = $subject AND t.issued <= $at))
    RETURN count(t) AS tokens
    """,
)


async def revoke(
    store: GraphStore,
    *,
    token_id: str | None,
    subject: str | None,
    by: str,
    keep_s: float,
    now: float | None = None,
) -> int:
    """Revoke one token and/or every token of ``subject`` issued until now; kept ``keep_s``
    (the longest lifetime a token may have). Returns how many recorded live tokens it covers."""
    at = time.time() if now is None else now
    rows: list[dict[str, Any]] = []
    if token_id:
        rows.append(
            {"id": token_key(token_id), "tokenId": token_id, "subject": None, "by": by,
             "at": at, "expires": at + keep_s}
        )  # fmt: skip
    if subject:
        rows.append(subject_revocation(subject, by=by, at=at, keep_s=keep_s))
    await prune(store, now=at)
    await store.write(REVOKE, {"rows": rows})
    await announce_standing(store)  # the CLI's revocations reach running services too
    covered = await store.read(
        COVERED, {"now": at, "at": at, "token_id": token_id or "", "subject": subject or ""}
    )
    return int(covered[0]["tokens"])


# --- telling the other API processes ----------------------------------------------------

# Where a change of standing is announced, so that every API process drops the answers it
# remembered (web/gate.py ``Identities``) at once rather than after their lifetime.
STANDING_CHANNEL = "standing-changed"  # after the graph's name: one deployment's own


async def announce_standing(store: GraphStore) -> None:
    """After a revocation, a deactivation, a reactivation or a merge has been written. Best
    effort: the change is in the graph already, and a process that misses the word still reads
    it once its remembered answer expires (``IDENTITY_CACHE_S``)."""
    try:
        await store.announce(STANDING_CHANNEL)
    except GraphError as exc:
        log.warning("could not announce a change of standing", extra={"error": str(exc)})


# --- issued tokens --------------------------------------------------------------------------

RECORD = cypher(
    "identity.record",
    f"""
    UNWIND $rows AS row
    MERGE (t:{ISSUED} {{id: row.id}})
    SET t.role = row.role, t.subject = row.subject, t.issued = row.issued,
        t.expires = row.expires, t.kind = row.kind
    RETURN count(t) AS written
    """,
)

ISSUED_TOKENS = cypher(
    "identity.issued",
    f"""
    MATCH (t:{ISSUED}) WHERE t.expires > $now
    OPTIONAL MATCH (r:{REVOCATION})
    WHERE {_revokes(f"'{TOKEN_PREFIX}' + t.id", f"'{SUBJECT_PREFIX}' + t.subject", "t.issued")}
    WITH t, count(r) AS revocations
    RETURN t.id AS id, t.role AS role, t.subject AS subject, t.issued AS issued,
           t.expires AS expires, t.kind AS kind, revocations > 0 AS revoked
    ORDER BY t.issued, t.id
    """,
)

PRUNE_ISSUED = cypher(
    "identity.prune_issued",
    f"MATCH (t:{ISSUED}) WHERE t.expires <= $now DETACH DELETE t RETURN count(*) AS deleted",
)
PRUNE_REVOCATIONS = cypher(
    "identity.prune_revocations",
    f"MATCH (r:{REVOCATION}) WHERE r.expires <= $now DETACH DELETE r RETURN count(*) AS deleted",
)


@dataclass(frozen=True)
class IssuedToken:
    id: str  # the token's jti
    role: str
    subject: str
    issued: dt.datetime
    expires: dt.datetime
    kind: str  # "person" or "service"
    revoked: bool = False


def _when(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


async def record(store: GraphStore, tokens: list[IssuedToken]) -> None:
    """Remember minted tokens (never the tokens themselves) so they can be listed and revoked."""
    await prune(store)
    rows = [
        {
            "id": t.id,
            "role": t.role,
            "subject": t.subject,
            "issued": t.issued.timestamp(),
            "expires": t.expires.timestamp(),
            "kind": t.kind,
        }
        for t in tokens
    ]
    await store.write(RECORD, {"rows": rows})


async def issued(store: GraphStore, now: float | None = None) -> list[IssuedToken]:
    """The recorded tokens that have not expired, oldest first, with whether they are revoked."""
    rows = await store.read(ISSUED_TOKENS, {"now": time.time() if now is None else now})
    return [
        IssuedToken(
            id=row["id"],
            role=row["role"],
            subject=row["subject"],
            issued=_when(float(row["issued"])),
            expires=_when(float(row["expires"])),
            kind=row["kind"],
            revoked=bool(row["revoked"]),
        )
        for row in rows
    ]


async def prune(store: GraphStore, now: float | None = None) -> int:
    """Forget expired token records and revocations no token they cover can outlive."""
    params = {"now": time.time() if now is None else now}
    deleted = 0
    for statement in (PRUNE_ISSUED, PRUNE_REVOCATIONS):
        rows = await store.write(statement, params)
        deleted += int(rows[0]["deleted"]) if rows else 0
    return deleted
