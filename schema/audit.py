"""The audit log as the API shows it (admins only), and the extension that writes it.

:class:`AuditTrail` runs around every operation: when it ends, what the request's
``resolvers.access.Access`` noted — residents whose PII was read, mutations attempted and how
they ended — becomes append-only ``AuditEntry`` nodes, one write per request. If that write fails
the response is withheld (GRAPH_UNAVAILABLE): PII is never handed out unrecorded.
"""

import datetime as dt
import logging
import uuid
from collections.abc import AsyncIterator
from enum import Enum
from typing import Annotated

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from access.tokens import Viewer
from graph.access import audit as graph
from graph.engine.errors import GraphError, GraphUnavailable
from resolvers.access import Access
from resolvers.filter_inputs import FilterReading, Range
from schema.base import entity
from schema.errors import error_code
from schema.fields import root_list
from schema.inputs import optional
from schema.relay import Connection, Node

log = logging.getLogger(__name__)


class GraphAuditUnavailable(GraphUnavailable):
    """The audit log could not be written, so the answer is withheld."""


@strawberry.enum(description="What an audit entry records.")
class AuditAction(Enum):
    READ_PII = strawberry.enum_value("READ_PII", description="Residents' PII was read.")
    PII_QUERY = strawberry.enum_value(
        "PII_QUERY",
        description="Residents were searched, filtered or sorted by their PII (by name, age, "
        "place): the kind of question and the rows it answered, never the values asked for.",
    )
    MUTATION = strawberry.enum_value("MUTATION", description="A change was attempted.")


@entity("AuditEntry")
@strawberry.type(
    description="One line of the append-only audit log (审计日志): a request that read residents' "
    "personal information, or a change attempted. Admins only."
)
class AuditEntry(Node):
    at: dt.datetime = strawberry.field(description="When.")
    actor: str = strawberry.field(description="Who: role and subject, e.g. volunteer:v-1.")
    role: str = strawberry.field(description="The caller's role.")
    action: AuditAction = strawberry.field(description="What kind of access.")
    operation: str = strawberry.field(
        description="The mutation, or the query's operation name (`anonymous` if unnamed)."
    )
    entity_ids: list[str] = strawberry.field(
        description="Graph ids involved: residents read or answered with, or what the mutation "
        "named."
    )
    fields: list[str] = strawberry.field(
        description="PII fields read, the PII query's kind (e.g. Resident.search, "
        "Resident.near), or the mutation's argument names (never their values)."
    )
    outcome: str = strawberry.field(description="OK, or the error code it ended with.")
    request_id: str | None = strawberry.field(description="The request's X-Request-Id.")
    rows: int | None = strawberry.field(description="A PII query: how many rows it answered.")


@strawberry.input(description="Narrow the audit log.")
class AuditEntryFilter:
    actor: str | None = optional("Exactly this actor.")
    action: list[AuditAction] | None = optional("Any of these.")
    entity: str | None = optional("Involving this graph id (an entity's `key`).")
    at_from: dt.datetime | None = optional("At or after.")
    at_to: dt.datetime | None = optional("Before.")


audit_where = FilterReading(
    "AuditEntry",
    any_of=("action",),
    equal=("actor", "entity"),
    ranges=(Range("at_from", "at_to", "time"),),
)


@strawberry.type
class AuditQuery:
    audit_log = root_list(
        "AuditEntry",
        AuditEntryFilter,
        audit_where,
        Connection[Annotated["AuditEntry", strawberry.lazy("schema.audit")]],
        "The audit log, oldest first unless sorted DESC (admins only).",
        searchable=False,
    )


def entries(
    viewer: Viewer,
    access: Access,
    operation: str,
    errors: list[GraphQLError],
    request_id: str | None,
) -> list[graph.AuditEntry]:
    """The audit entries for what one request did."""
    at = dt.datetime.now(dt.UTC)
    made: list[graph.AuditEntry] = []

    def entry(
        action: str,
        name: str,
        ids: list[str],
        fields: list[str],
        outcome: str,
        rows: int | None = None,
    ) -> None:
        made.append(
            graph.AuditEntry(
                id=f"audit-{uuid.uuid4().hex}",
                at=at,
                actor=viewer.actor,
                role=viewer.role.value,
                action=action,
                operation=name,
                entity_ids=tuple(ids),
                fields=tuple(fields),
                outcome=outcome,
                request_id=request_id,
                rows=rows,
            )
        )

    if access.pii_read:
        fields = sorted(set().union(*access.pii_read.values()))
        entry("READ_PII", operation, sorted(access.pii_read), fields, "OK")
    for query in access.pii_queries:
        asked = [f"{query.label}.{part}" for part in query.asked]
        outcome = "FORBIDDEN" if query.denied else "OK"
        entry("PII_QUERY", operation, query.ids, asked, outcome, query.rows)
    for response_key, trail in access.mutations.items():
        failed = [e for e in errors if e.path and e.path[0] == response_key]
        outcome = "FORBIDDEN" if trail.denied else (error_code(failed[0]) if failed else "OK")
        entry("MUTATION", trail.operation, trail.ids, trail.arguments, outcome)
    return made


class AuditTrail(SchemaExtension):
    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        yield
        context = self.execution_context.context
        access: Access | None = getattr(context, "access", None)
        if access is None or not (access.pii_read or access.pii_queries or access.mutations):
            return
        result = self.execution_context.result
        errors = list(getattr(result, "errors", None) or [])
        request = context.request
        made = entries(
            context.viewer,
            access,
            self.execution_context.operation_name or "anonymous",
            errors,
            getattr(request.state, "request_id", None),
        )
        try:
            await graph.append(context.store, made)
        except GraphError:
            log.exception("could not write the audit log; withholding the response")
            self.execution_context.result = ExecutionResult(
                data=None,
                errors=[GraphQLError("audit", original_error=GraphAuditUnavailable())],
            )
