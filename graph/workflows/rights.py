"""The rights of the person (PIPL): a resident's consent (art. 14, 15, 29, 31), erasing a resident
(art. 47) and the ledger that keeps them erased.

Erasure keeps the resident's node as an anonymous stub in the same community, so every count
that included them (residents by tag, needs, service hours, gap surveys) stays the same: what
goes is what identifies her — name, phone, address, ID number and its hash and last four, birth
year, the exact home (moved to the centre of its ~500 m cell, which de-identified views already
see), the search text, free text written about her on her needs, records, referrals and
time-bank entries, family ties, and the fingerprints of stored idempotent answers derived from
requests about her. Audit entries hold ids and field names only, never values, so they need no
change: the id they name is the stub's.

Every erasure is also written to the ledger (``Erasure`` nodes: the erased id and when, nothing
else). Backups carry the ledger, and a restore scrubs again every id in it (:func:`reapply`),
so a backup taken before an erasure does not bring the person back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.text import search_text
from graph.workflows.guards import Lock, guarded
from graph.workflows.runner import Done, Request, missing, now, perform, refused

# What an erased resident is called: the stub keeps a name (the family requires one), this one.
ERASED_NAME = "（已删除）"
ERASED_TITLE = ERASED_NAME
# The fingerprint an idempotency key about an erased resident keeps: a retry of that request is
# refused as "another request", never run again and never matched against her inputs.
ERASED_FINGERPRINT = "erased"

# The ~500 m grid cell an erased home is moved to the centre of: the cell de-identified views
# see (``access.inference.GRID_DEGREES``; a test holds the two equal).
CELL_DEGREES = 0.005

# The free text written about a resident, by family: dropped on erasure. The same lists as
# ``access.policy.FREE_TEXT`` (a test holds them equal); a need's title is required, so it is
# replaced rather than dropped.
FREE_TEXT: Mapping[str, tuple[str, ...]] = {
    "Resident": ("address",),
    "Need": ("title", "description", "closingNote"),
    "ServiceRecord": ("title", "note", "declineReason"),
    "Referral": ("reason", "outcome"),
    "TimeBankEntry": ("note",),
}
# The resident's identifying properties, dropped on erasure (besides the name and the home).
# `idNumber` is no longer written (an ID-card number is kept as `idHash` and `idLast4`), but
# graphs and backups made before 2026-12-02 hold it on demo residents: an erasure, and the
# re-erasure a restore runs, clear it there too.
# `consentHistory` (every consent given and withdrawn, with who recorded it and when) goes too:
# it is the record of one person's choices, kept to prove them to her and to a regulator; once
# she is erased there is no one it proves anything about. Her current consent stays (PRIVACY.md
# "Erasure": it shows what was done lawfully and says nothing of who she was).
IDENTITY = (
    "phone",
    "address",
    "idNumber",
    "idHash",
    "idLast4",
    "birthYear",
    "consentHistory",
)


def _dropped(var: str, label: str) -> str:
    return ", ".join(
        f"{var}.{prop} = {'$erasedTitle' if (label, prop) == ('Need', 'title') else 'null'}"
        for prop in FREE_TEXT[label]
    )


_CELL = (
    "point({latitude: floor(r.location.latitude / $grid) * $grid + $grid / 2, "
    "longitude: floor(r.location.longitude / $grid) * $grid + $grid / 2})"
)

# Everything around the resident `r` that erasure changes: her needs, the records, referrals and
# time-bank entries about them, family ties, and the stored answers of requests about them.
_AROUND = """
    WITH seen, r, CASE WHEN r IS NULL THEN [] ELSE [(r)-[:HAS_NEED]->(n:Need) | n] END AS needs
    WITH seen, r, needs,
         CASE WHEN r IS NULL THEN [] ELSE
              [(r)-[:HAS_NEED]->(:Need)<-[:FOR]-(x:ServiceRecord) | x] END AS records,
         CASE WHEN r IS NULL THEN [] ELSE
              [(r)-[:HAS_NEED]->(:Need)<-[:ABOUT]-(x:Referral) | x] END AS referrals,
         CASE WHEN r IS NULL THEN [] ELSE
              [(r)-[:HAS_NEED]->(:Need)<-[:SPENT_ON]-(x:TimeBankEntry) | x] +
              [(r)-[:HAS_NEED]->(:Need)<-[:FOR]-(:ServiceRecord)<-[:EARNED_BY]-(x:TimeBankEntry)
               | x] END AS entries,
         CASE WHEN r IS NULL THEN [] ELSE
              [(r)<-[t:FAMILY_OF]-(:Volunteer) | t] END AS ties
    WITH seen, r, needs, records, referrals, entries, ties,
         [x IN needs + records + referrals + entries | x.id] + [r.id] AS about
    OPTIONAL MATCH (k:IdempotencyKey)
    WHERE k.result IN about AND k.operation <> 'eraseResident'
    WITH seen, r, needs, records, referrals, entries, ties, collect(k) AS keys
"""

# The scrub itself, over what `_AROUND` collected.
_SCRUB = (
    f"SET r.name = $erasedName, r.search = $erasedSearch, "
    f"{', '.join(f'r.{prop} = null' for prop in IDENTITY)}, r.location = {_CELL} "
    f"FOREACH (x IN needs | SET x.search = $erasedSearch, {_dropped('x', 'Need')}) "
    f"FOREACH (x IN records | SET {_dropped('x', 'ServiceRecord')}) "
    f"FOREACH (x IN referrals | SET {_dropped('x', 'Referral')}) "
    f"FOREACH (x IN entries | SET {_dropped('x', 'TimeBankEntry')}) "
    f"FOREACH (x IN keys | SET x.fingerprint = '{ERASED_FINGERPRINT}') "
    "FOREACH (x IN ties | DELETE x) "
    "MERGE (e:Erasure {id: r.id}) ON CREATE SET e.at = $at"
)

ERASE_RESIDENT = guarded(
    "rights.erase_resident",
    locks=Lock("r", "Resident", "resident"),
    reads=_AROUND,
    keep="r, needs, records, referrals, entries, ties, keys",
    problems=[("r IS NULL", "RESIDENT_NOT_FOUND")],
    write=_SCRUB,
    result="$resident",
)

# The ledger applied again after a restore: the same scrub, for every erased id present.
REAPPLY = cypher(
    "rights.reapply_erasures",
    f"""
    UNWIND $ids AS erased
    MATCH (r:Resident {{id: erased}})
    WITH NULL AS seen, r
    {_AROUND.strip()}
    {_SCRUB}
    RETURN count(r) AS scrubbed
    """,
)

LEDGER = cypher(
    "rights.ledger",
    """
    MATCH (e:Erasure)
    RETURN e.id AS id
    ORDER BY id
    """,
)

RECORD_LEDGER = cypher(
    "rights.record_ledger",
    """
    UNWIND $rows AS row
    MERGE (e:Erasure {id: row.id})
    ON CREATE SET e.at = row.at
    RETURN count(e) AS written
    """,
)


# The search text is replaced, not removed: FalkorDB's full-text index keeps a removed value.
SCRUB_PARAMS = {
    "grid": CELL_DEGREES,
    "erasedName": ERASED_NAME,
    "erasedTitle": ERASED_TITLE,
    "erasedSearch": search_text(ERASED_NAME),
}


async def erase_resident(store: GraphStore, request: Request, *, resident: str) -> Done:
    """Erase a resident: a retry, or erasing her again, answers the same (she stays erased)."""
    return await perform(
        store,
        ERASE_RESIDENT,
        {"resident": resident, **SCRUB_PARAMS},
        request,
        resident,
        {"RESIDENT_NOT_FOUND": missing("resident", resident)},
        change=Change("RESIDENT_ERASED", "Resident"),
    )


# --- consent ---------------------------------------------------------------------------------

# The consent history (PIPL art. 14, 15, 31: what was agreed, by whom, when, and when it was
# withdrawn must be provable). The current consent lives in the `consent*` properties, which
# recording replaces; every giving and every withdrawal is also appended, never rewritten, to
# `consentHistory` on the resident: one JSON text per entry, since neither engine stores a list
# of maps as a property. A list on her own node rather than `Consent` nodes: it is read only as a
# whole and only with her record, it is merged, backed up, restored and erased with her node by
# the machinery that already handles her properties, and it adds no label or relationship that
# every export, network walk and privacy declaration would have to learn. Entries (camelCase, as
# the API shows them): `action` GIVEN or WITHDRAWN, `on` the day it happened (given or
# withdrawn), `scopes` and `givenBy` for a giving, `recordedBy` the account that recorded it and
# `recordedAt` when.
GIVEN = "GIVEN"
WITHDRAWN = "WITHDRAWN"
_APPEND = "r.consentHistory = coalesce(r.consentHistory, []) + [$entry]"


def history_entry(
    action: str,
    on: dt.date,
    recorded_by: str | None,
    recorded_at: dt.datetime,
    *,
    scopes: list[str] | None = None,
    given_by: str | None = None,
) -> str:
    """One entry of the history as it is stored: compact JSON, keys sorted (one spelling)."""
    entry: dict[str, Any] = {
        "action": action,
        "on": on.isoformat(),
        "recordedBy": recorded_by,
        "recordedAt": recorded_at.isoformat(),
    }
    if action == GIVEN:
        entry |= {"scopes": scopes, "givenBy": given_by}
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def read_history(stored: Any) -> list[dict[str, Any]]:
    """The history as stored (a list of JSON texts, or nothing) as a list of entries, oldest
    first: in the order recorded (a merge appends a duplicate's entries after the survivor's,
    ``graph.workflows.merging.HISTORIES``), entries recorded at the same second as appended."""
    entries = [json.loads(text) for text in stored or ()]
    return sorted(entries, key=lambda e: str(e.get("recordedAt", "")))


# Her consent is part of her record: a front end holding the record by its version sees it change.
_BUMP = "r.version = coalesce(r.version, 0) + 1"

RECORD_CONSENT = guarded(
    "rights.record_consent",
    locks=Lock("r", "Resident", "resident"),
    keep="r",
    problems=[("r IS NULL", "RESIDENT_NOT_FOUND")],
    write="SET r.consent = true, r.consentScopes = $scopes, r.consentGivenBy = $givenBy, "
    f"r.consentGivenOn = $givenOn, r.consentWithdrawnOn = null, {_BUMP}, {_APPEND}",
    result="$resident",
)

WITHDRAW_CONSENT = guarded(
    "rights.withdraw_consent",
    locks=Lock("r", "Resident", "resident"),
    keep="r",
    problems=[
        ("r IS NULL", "RESIDENT_NOT_FOUND"),
        ("coalesce(r.consent, false) = false", "NO_CONSENT"),
    ],
    write=f"SET r.consent = false, r.consentWithdrawnOn = $withdrawnOn, {_BUMP}, {_APPEND}",
    result="$resident",
)


async def record_consent(
    store: GraphStore,
    request: Request,
    *,
    resident: str,
    scopes: list[str],
    given_by: str,
    given_on: Any,
) -> Done:
    """Record the consent a resident (or their guardian) gave; it replaces the current one, and
    is added to her consent history (which keeps every earlier one)."""
    at = now()
    entry = history_entry(GIVEN, given_on, request.by, at, scopes=scopes, given_by=given_by)
    return await perform(
        store,
        RECORD_CONSENT,
        {
            "resident": resident,
            "scopes": scopes,
            "givenBy": given_by,
            "givenOn": given_on,
            "entry": entry,
            "at": at,
        },
        request,
        resident,
        {"RESIDENT_NOT_FOUND": missing("resident", resident)},
        change=Change("CONSENT_RECORDED", "Resident"),
    )


async def withdraw_consent(
    store: GraphStore, request: Request, *, resident: str, withdrawn_on: Any
) -> Done:
    """Record that the consent was withdrawn (what was given, and when, stays on the record and
    in the history, which gains the withdrawal)."""
    at = now()
    entry = history_entry(WITHDRAWN, withdrawn_on, request.by, at)
    return await perform(
        store,
        WITHDRAW_CONSENT,
        {"resident": resident, "withdrawnOn": withdrawn_on, "entry": entry, "at": at},
        request,
        resident,
        {
            "RESIDENT_NOT_FOUND": missing("resident", resident),
            "NO_CONSENT": refused(
                "This resident has no consent on record to withdraw; record one first."
            ),
        },
        change=Change("CONSENT_WITHDRAWN", "Resident"),
    )
