"""The GraphQL schema: the root types composed from one query class per domain (netbox style)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache
from strawberry.types import ExecutionContext

from graph.model.registry import FAMILIES
from schema import fields
from schema.attendance import AttendanceMutation
from schema.audit import AuditQuery, AuditTrail
from schema.base import SCALARS, TYPES
from schema.ground import GroundMutation, GroundQuery
from schema.limits import VALIDATION_CACHE, RequestLimits
from schema.live import Subscription
from schema.matching import MatchingQuery
from schema.merge import MergeMutation, MergeQuery
from schema.network import NetworkQuery
from schema.organizations import OrganizationsQuery
from schema.people import PeopleQuery
from schema.permissions import protect
from schema.places import PlacesQuery
from schema.registration import RegistrationMutation
from schema.relay import Node
from schema.rights import RightsMutation
from schema.services import ServicesQuery
from schema.system import SystemMutation, SystemQuery
from schema.taxonomy import TaxonomyQuery
from schema.ties import TiesMutation
from schema.webhooks import WebhookMutation
from schema.workflows import Mutation

# Every entity type (each registers itself with ``@entity``), so the schema includes the ones
# only reachable through `node`; in the graph model's order.
ENTITY_TYPES = [TYPES[family.label] for family in FAMILIES if family.label in TYPES]

protect(ENTITY_TYPES)


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any entity by its global id (Relay). Null when it does not exist."
    )
    async def node(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="A global id from this API.")],
    ) -> Node | None:
        return await fields.node(info, id)

    @strawberry.field(
        description="Several entities by global id, in the order asked; null for missing ones."
    )
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[
            list[strawberry.ID], strawberry.argument(description="Up to 100 global ids.")
        ],
    ) -> list[Node | None]:
        return await fields.nodes(info, ids)


@strawberry.type(
    description="Everything that can be read: start from a list (volunteers, needs, funds…), "
    "from `node(id:)`, or from `service` to check the link."
)
class Query(
    NodeQuery,
    PlacesQuery,
    TaxonomyQuery,
    PeopleQuery,
    OrganizationsQuery,
    ServicesQuery,
    MatchingQuery,
    NetworkQuery,
    AuditQuery,
    GroundQuery,
    SystemQuery,
    MergeQuery,
):
    pass


@strawberry.type(
    name="Mutation",
    description="Workflow steps (each atomic; see the type descriptions), registering and "
    "keeping records, and revoking tokens.",
)
class RootMutation(
    Mutation,
    RegistrationMutation,
    MergeMutation,
    RightsMutation,
    GroundMutation,
    TiesMutation,
    AttendanceMutation,
    WebhookMutation,
    SystemMutation,
):
    pass


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Logging happens once, in ``schema.errors.format_error``, with a reference id."""


def build_schema(**kwargs: Any) -> Schema:
    """The schema with the request limits and the audit trail (each reads its settings from
    the request's context, so one schema serves apps with different limits)."""
    return Schema(
        query=Query,
        mutation=RootMutation,
        subscription=Subscription,
        types=ENTITY_TYPES,
        extensions=[lambda: ParserCache(maxsize=VALIDATION_CACHE), RequestLimits, AuditTrail],
        scalar_overrides=SCALARS,
        **kwargs,
    )


schema = build_schema()
