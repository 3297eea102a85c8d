"""The audit log: who read which resident's personal information, and who changed what.

Entries are only ever created (:data:`APPEND`); no statement of the service updates or deletes
one, and the API offers no way to (a test checks every registered statement for that). Admins
read them through the generic list (``auditLog``), filtered by actor, action, entity or time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.model.family import Family, props_of


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: dt.datetime
    actor: str  # role:subject, e.g. social_worker:worker-0001
    role: str
    action: str  # READ_PII / PII_QUERY / MUTATION
    operation: str  # the GraphQL field (mutation) or operation name (read)
    # graph ids of the residents read or a PII query answered with, or the mutation's ids
    entity_ids: tuple[str, ...] = ()
    # the PII fields read, the PII query's filters/sorts/search (never their values), or the
    # mutation's arguments' names
    fields: tuple[str, ...] = ()
    outcome: str = "OK"  # OK, or the error code the mutation or query ended with
    request_id: str | None = None
    rows: int | None = None  # a PII query: how many rows it answered with


AUDIT_ENTRIES = Family(
    "AuditEntry",
    AuditEntry,
    props=props_of(AuditEntry),
    searchable=(),
    conditions={
        "actor": "n.actor = $actor",
        "action": "n.action IN $action",
        "entity": "$entity IN n.entityIds",
        "at_from": "n.at >= $at_from",
        "at_to": "n.at < $at_to",
    },
    sorts={"AT": "n.at"},
    default_sort="AT",
)

FAMILIES = (AUDIT_ENTRIES,)
RELS = ()

APPEND = cypher(
    "audit.append",
    """
    UNWIND $rows AS row
    CREATE (a:AuditEntry {id: row.id, at: row.at, actor: row.actor, role: row.role,
                          action: row.action, operation: row.operation,
                          entityIds: row.entityIds, fields: row.fields, outcome: row.outcome,
                          requestId: row.requestId, rows: row.rows})
    RETURN count(a) AS written
    """,
)


async def append(store: GraphStore, entries: Sequence[AuditEntry]) -> None:
    if not entries:
        return
    rows = [
        {
            "id": e.id,
            "at": e.at.astimezone(dt.UTC).isoformat(),
            "actor": e.actor,
            "role": e.role,
            "action": e.action,
            "operation": e.operation,
            "entityIds": list(e.entity_ids),
            "fields": list(e.fields),
            "outcome": e.outcome,
            "requestId": e.request_id,
            "rows": e.rows,
        }
        for e in entries
    ]
    await store.write(APPEND, {"rows": rows})
