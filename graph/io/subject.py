"""Everything the graph holds about one resident, as one document (PIPL art. 45: the right to
access and copy one's personal information).

Unlike the analysts' exports (de-identified) this is the resident's whole record, identity
included (her consent history among it, every consent given and withdrawn), with what is
linked to her: her community and case managers, family ties, needs with
their assigned volunteers, the service records and referrals about them, and who read or changed
her record (the audit entries naming her). What the service keeps only for itself (the search
text, write locks) is left out. The file is JSON: one document with nested lists reads as it is
in any text editor or browser, keeps Chinese text as text, and loads into any other system (the
portability art. 45 also asks for), where CSV would need one file per list.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.workflows.rights import read_history

FORMAT = "community-resource-graph/subject-access"
VERSION = 1
# Bookkeeping of the service itself, not information about her.
INTERNAL = frozenset({"search", "_lock"})

RESIDENT = cypher(
    "subject.resident",
    """
    MATCH (r:Resident {id: $id})
    OPTIONAL MATCH (r)-[:LIVES_IN]->(c:Community)
    RETURN properties(r) AS props, c.id AS community, c.name AS communityName,
           [(w:SocialWorker)-[m:CASE_MANAGER_OF]->(r) |
            {id: w.id, name: w.name, since: m.since}] AS caseManagers,
           [(v:Volunteer)-[f:FAMILY_OF]->(r) |
            {id: v.id, name: v.name, relation: f.relation}] AS family
    """,
)

NEEDS = cypher(
    "subject.needs",
    """
    MATCH (:Resident {id: $id})-[:HAS_NEED]->(n:Need)
    OPTIONAL MATCH (n)-[:OF_CATEGORY]->(cat:ServiceCategory)
    RETURN properties(n) AS props, cat.name AS category,
           [(v:Volunteer)-[a:ASSIGNED]->(n) | {id: v.id, name: v.name, since: a.since}]
             AS assigned
    ORDER BY n.id
    """,
)

RECORDS = cypher(
    "subject.records",
    """
    MATCH (:Resident {id: $id})-[:HAS_NEED]->(n:Need)<-[:FOR]-(rec:ServiceRecord)
    RETURN n.id AS need, properties(rec) AS props,
           [(v:Volunteer)-[:PERFORMED]->(rec) | {id: v.id, name: v.name}] AS volunteers,
           [(w:SocialWorker)-[:VERIFIED]->(rec) | {id: w.id, name: w.name}] AS verifiedBy
    ORDER BY rec.id
    """,
)

REFERRALS = cypher(
    "subject.referrals",
    """
    MATCH (:Resident {id: $id})-[:HAS_NEED]->(n:Need)<-[:ABOUT]-(ref:Referral)
    RETURN n.id AS need, properties(ref) AS props,
           [(o:Organization)-[:REFERRED]->(ref) | {id: o.id, name: o.name}] AS referredBy,
           [(ref)-[:TO]->(o:Organization) | {id: o.id, name: o.name}] AS referredTo
    ORDER BY ref.id
    """,
)

AUDIT = cypher(
    "subject.audit",
    """
    MATCH (a:AuditEntry)
    WHERE $id IN a.entityIds
    RETURN a.at AS at, a.actor AS actor, a.action AS action, a.operation AS operation,
           a.fields AS fields, a.outcome AS outcome
    ORDER BY at, a.id
    """,
)


def _own(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sorted(props.items()) if k not in INTERNAL and v is not None}


def _resident(props: Mapping[str, Any]) -> dict[str, Any]:
    """Her own properties, the consent history as entries (what was agreed, by whom, when,
    when withdrawn) rather than the JSON texts the graph keeps them as."""
    own = _own(props)
    if "consentHistory" in own:
        own["consentHistory"] = read_history(own["consentHistory"])
    return own


async def document(store: GraphStore, resident: str) -> dict[str, Any] | None:
    """Everything held about ``resident``, or None when there is no such resident."""
    found = await store.read(RESIDENT, {"id": resident})
    if not found:
        return None
    row = found[0]
    params = {"id": resident}
    return {
        "format": FORMAT,
        "version": VERSION,
        "createdAt": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "resident": _resident(row["props"]),
        "community": {"id": row["community"], "name": row["communityName"]},
        "caseManagers": row["caseManagers"],
        "family": row["family"],
        "needs": [
            {**_own(n["props"]), "category": n["category"], "assignedVolunteers": n["assigned"]}
            for n in await store.read(NEEDS, params)
        ],
        "serviceRecords": [
            {
                **_own(r["props"]),
                "need": r["need"],
                "volunteers": r["volunteers"],
                "verifiedBy": r["verifiedBy"],
            }
            for r in await store.read(RECORDS, params)
        ],
        "referrals": [
            {
                **_own(r["props"]),
                "need": r["need"],
                "referredBy": r["referredBy"],
                "referredTo": r["referredTo"],
            }
            for r in await store.read(REFERRALS, params)
        ],
        "accessLog": [_own(a) for a in await store.read(AUDIT, params)],
    }


def dumps(doc: Mapping[str, Any]) -> bytes:
    """The file: UTF-8 JSON, Chinese kept as text, keys sorted, indented to be read."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2, default=str).encode()


def fields_of(doc: Mapping[str, Any]) -> tuple[str, ...]:
    """The resident's own properties the file holds: what its audit entry says was read."""
    return tuple(sorted(doc["resident"]))
