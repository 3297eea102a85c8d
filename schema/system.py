"""Types that describe the service itself: version, which graph engine, what the graph holds;
and the administrators' mutation that revokes tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from access.acts import Act
from resolvers import system as resolve
from schema.permissions import may


@strawberry.type(description="How many nodes carry one label.")
class LabelCount:
    label: str = strawberry.field(description="Node label, e.g. Volunteer (义工).")
    nodes: int = strawberry.field(description="Number of nodes with that label.")


@strawberry.type(description="The service and the graph store behind it.")
class ServiceInfo:
    version: str = strawberry.field(description="Version of this API.")
    graph_engine: str = strawberry.field(
        description="The graph engine answering: 'falkordb' (embedded or server) or 'neo4j'."
    )

    @strawberry.field(
        description="Node counts per label, for a quick look at what is loaded: only the labels "
        "whose every row you may see (residents, the audit log and other non-public families are "
        "left out unless your role sees all of them)."
    )
    async def label_counts(self, info: strawberry.Info) -> list[LabelCount]:
        return [LabelCount(label=c.label, nodes=c.nodes) for c in await resolve.label_counts(info)]


@strawberry.type
class SystemQuery:
    @strawberry.field(description="The service's version and its graph engine.")
    def service(self, info: strawberry.Info) -> ServiceInfo:
        version, engine = resolve.service(info)
        return ServiceInfo(version=version, graph_engine=engine)


@strawberry.type(description="What a revocation covers.")
class RevokeTokensPayload:
    token_id: str | None = strawberry.field(description="The token revoked, if one was named.")
    subject: str | None = strawberry.field(
        description="The subject whose tokens issued until `revokedAt` are revoked, if named."
    )
    revoked_at: dt.datetime = strawberry.field(description="When the revocation took effect.")
    recorded_tokens: int = strawberry.field(
        description="How many unexpired tokens minted by `python -m cli token` it covers (tokens "
        "minted elsewhere are covered too, but not counted)."
    )


@strawberry.type
class SystemMutation:
    @strawberry.mutation(
        description="Revoke one token (by its id, the `jti` claim) and/or every token of a "
        "subject issued until now. Every API process on a FalkorDB graph refuses them at once (the "
        "revocation is announced); on Neo4j the others within `IDENTITY_CACHE_S`. "
        "Administrators only; audited.",
        extensions=may(Act.ADMINISTER),
    )
    async def revoke_tokens(
        self,
        info: strawberry.Info,
        token_id: Annotated[
            str | None, strawberry.argument(description="A token's id (`cli token --list`).")
        ] = None,
        subject: Annotated[
            str | None,
            strawberry.argument(description="A subject: a graph id, or an account name."),
        ] = None,
    ) -> RevokeTokensPayload:
        covered, at = await resolve.revoke_tokens(info, token_id, subject)
        return RevokeTokensPayload(
            token_id=(token_id or "").strip() or None,
            subject=(subject or "").strip() or None,
            revoked_at=dt.datetime.fromtimestamp(at, dt.UTC),
            recorded_tokens=covered,
        )
