"""Types that describe the service itself: version, which graph engine, what the graph holds."""

from __future__ import annotations

import strawberry

from resolvers import system as resolve


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

    @strawberry.field(description="Node counts per label, for a quick look at what is loaded.")
    async def label_counts(self, info: strawberry.Info) -> list[LabelCount]:
        return [LabelCount(label=c.label, nodes=c.nodes) for c in await resolve.label_counts(info)]


@strawberry.type
class SystemQuery:
    @strawberry.field(description="The service's version and its graph engine.")
    def service(self, info: strawberry.Info) -> ServiceInfo:
        version, engine = resolve.service(info)
        return ServiceInfo(version=version, graph_engine=engine)
