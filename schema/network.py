"""The network as analysts see it: subgraphs, connections, collaboration, money, gaps, figures.

Every answer here is bounded (depth, node and edge caps) and says when a bound cut it
(``truncated``). Nodes carry a display name; a resident's is their name only for viewers who may
read it (admins, the social worker covering them), otherwise "服务对象 · <age band>". The full
entity behind a node is one field away (``entity``), read under the usual field rules.

No ``from __future__ import annotations`` here: strawberry resolves the lazy types itself.
"""

from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from access.tokens import Role
from api.ids import to_global_id
from domain import network as rules
from domain.money import yuan
from graph.engine.labels import RELATIONSHIP_TYPES
from graph.queries.collaboration import Tie, TieRow
from graph.queries.network import NETWORK_LABELS, NetEdge
from resolvers import network as resolve
from schema.enums import FundKind, VulnerabilityTag
from schema.fields import entity
from schema.figures import CoverageGaps, GapSubject, Statistics
from schema.permissions import roles
from schema.relay import Node
from schema.results import copied

PLACES = "schema.places"
TAXONOMY = "schema.taxonomy"
SERVICES = "schema.services"
ORGS = "schema.organizations"

LABEL_TEXT = {
    "City": "市",
    "District": "区 / 街道 / 镇",
    "Community": "社区 / 村",
    "Resident": "服务对象 (a resident)",
    "Need": "需求 (a need)",
    "Skill": "专长 (a skill)",
    "ServiceCategory": "服务类别 (a service category)",
    "Volunteer": "义工 (a volunteer)",
    "SocialWorker": "社工 (a social worker)",
    "Organization": "组织 (an organization)",
    "Project": "项目 (a project)",
    "Fund": "基金 (a fund)",
    "Expert": "智库专家 (an expert)",
    "ThinkTank": "智库 (a think tank)",
    "Resource": "慈善资源 (a charity resource)",
    "Venue": "场地 (a venue)",
    "Recruitment": "招募 (a recruitment)",
    "ServiceRecord": "服务记录 (a service record)",
    "Referral": "转介 (a referral)",
    "TimeBankEntry": "时间银行记录 (a time-bank entry)",
}
TYPE_TEXT = {
    "IN": "Is in a place (community in district, need in community…).",
    "LIVES_IN": "A resident lives in a community.",
    "HAS_NEED": "A resident has a need.",
    "REQUIRES": "Requires a skill.",
    "OF_CATEGORY": "Is of a service category.",
    "BROADER": "A narrower skill or category points to its broader one.",
    "HAS_SKILL": "A volunteer has a skill.",
    "SERVES_AREA": "Serves a community.",
    "MEMBER_OF": "A volunteer belongs to a team or organization.",
    "COVERS": "Covers a community (social worker) or a scope (fund).",
    "CASE_MANAGER_OF": "A social worker manages a resident's case.",
    "SUPERVISES": "A social worker supervises an organization.",
    "EMPLOYED_BY": "A social worker works for an organization.",
    "INCUBATED_BY": "An organization was incubated, introduced or optimized by a hub.",
    "PART_OF": "Is part of (team of a corps, sub-project, record of a project, expert of a think "
    "tank).",
    "RUNS": "An organization runs a project or recruitment.",
    "TARGETS": "A project works in a community.",
    "GRANTED": "A fund granted money to a project.",
    "DONATED": "An organization donated money to a fund.",
    "MANAGED_BY": "Is managed by an organization.",
    "ADVISES": "An expert or think tank advises.",
    "OFFERS": "An organization offers a resource.",
    "ALLOCATED_TO": "A resource was allocated to a need.",
    "ASSIGNED": "A volunteer is assigned to a need.",
    "SIGNED_UP": "A volunteer signed up for a recruitment.",
    "PERFORMED": "A volunteer performed a service record.",
    "VERIFIED": "A social worker verified a service record.",
    "DECLINED": "A social worker declined a service record, saying why.",
    "AT": "A service record proposed from attendance at a recruitment.",
    "REFERRED": "An organization referred a need.",
    "TO": "A referral went to an organization.",
    "ABOUT": "A referral is about a need.",
    "LOCATED_AT": "Takes place at a venue.",
    "FOR": "A record or recruitment is for a need or project.",
    "HOLDS": "A volunteer holds a time-bank entry.",
    "EARNED_BY": "A time-bank entry was earned by a service record.",
    "SPENT_ON": "A time-bank entry was spent on a need (only family may be paid for): shown only "
    "to viewers who may know who the need's resident is.",
    "FAMILY_OF": "A volunteer is family of a resident: shown only to viewers who may know who the "
    "resident is; walks and paths do not cross it for anyone else.",
}

NetworkLabel = strawberry.enum(
    Enum(
        "NetworkLabel",
        {x: strawberry.enum_value(x, description=LABEL_TEXT[x]) for x in NETWORK_LABELS},
    ),
    description="The kinds of entity a network answer can hold (graph labels).",
)
RelationshipType = strawberry.enum(
    Enum(
        "RelationshipType",
        {t: strawberry.enum_value(t, description=TYPE_TEXT[t]) for t in RELATIONSHIP_TYPES},
    ),
    description="The kinds of link between entities (docs/DATA_MODEL.md).",
)
TIE_TEXT = {
    Tie.SHARED_PROJECT: "Both run the same project (联合项目).",
    Tie.REFERRAL: "One referred needs to the other (转介); source is the referrer.",
    Tie.SHARED_VOLUNTEERS: "Volunteers belong to both.",
    Tie.INCUBATION: "One was incubated, introduced or optimized by the other (孵化); source is "
    "the incubated.",
    Tie.FUNDING: "A fund one manages granted to a project the other runs; source is the funder.",
    Tie.TEAM: "A team or branch is part of the other (总队/大队/小组); source is the part.",
}
TieKind = strawberry.enum(
    Enum("TieKind", {t.value: strawberry.enum_value(t.value, description=d)
                     for t, d in TIE_TEXT.items()}),
    description="A kind of working tie between two organizations.",
)  # fmt: skip


@strawberry.enum(description="A step money takes.")
class FlowKind(Enum):
    DONATION = strawberry.enum_value("DONATION", description="A donor into a fund (捐赠).")
    GRANT = strawberry.enum_value("GRANT", description="A fund to a project (资助).")
    RUN = strawberry.enum_value("RUN", description="A project to the organization running it.")
    TARGET = strawberry.enum_value(
        "TARGET",
        description="A project to a community it works in; a project working in several "
        "communities shares its money equally among them.",
    )


@strawberry.type(description="One entity in a network answer.")
class NetworkNode:
    id: strawberry.ID = strawberry.field(description="Global id (usable with `node(id:)`).")
    key: str = strawberry.field(description="The graph id.")
    label: NetworkLabel = strawberry.field(description="What kind of entity.")  # type: ignore[valid-type]
    name: str | None = strawberry.field(
        description="Display name; a resident's name, or a need's or record's title, only where "
        "you may read it (otherwise an age band or the id)."
    )
    name_withheld: bool = strawberry.field(
        description="True when `name` stands in for a name you may not read."
    )

    @strawberry.field(description="The entity itself, under the usual field rules.")
    async def entity(self, info: strawberry.Info) -> Node | None:
        return await entity(info, self.label.value, self.key)

    @classmethod
    def from_result(cls, shown: rules.Shown) -> "NetworkNode":
        return copied(
            cls,
            shown,
            id=to_global_id(shown.label, shown.key),
            label=NetworkLabel[shown.label],
        )

    @classmethod
    def each(cls, shown: Iterable[rules.Shown]) -> list["NetworkNode"]:
        return [cls.from_result(s) for s in shown]


def _json(value: Any) -> Any:
    return value if isinstance(value, int | float | str | bool) else str(value)


@strawberry.type(description="One relationship in a network answer.")
class NetworkEdge:
    type: RelationshipType = strawberry.field(description="Relationship type.")  # type: ignore[valid-type]
    source: strawberry.ID = strawberry.field(description="Global id of the start node.")
    target: strawberry.ID = strawberry.field(description="Global id of the end node.")
    properties: JSON = strawberry.field(
        description="The relationship's properties (amounts in fen, dates as ISO text)."
    )

    @classmethod
    def each(cls, edges: Iterable[NetEdge]) -> list["NetworkEdge"]:
        """The edges (each with both ends' labels), their properties as JSON values."""
        return [
            cls(
                type=RelationshipType[e.type],
                source=to_global_id(e.source_label, e.source),
                target=to_global_id(e.target_label, e.target),
                properties={k: _json(v) for k, v in e.props.items()},
            )
            for e in edges
        ]


@strawberry.type(description="A bounded piece of the graph.")
class Subgraph:
    nodes: list[NetworkNode] = strawberry.field(description="The entities.")
    edges: list[NetworkEdge] = strawberry.field(description="The links among them.")
    truncated: bool = strawberry.field(
        description="True when a limit cut the answer: there is more beyond it."
    )

    @classmethod
    def from_result(cls, piece: resolve.Piece) -> "Subgraph":
        return copied(
            cls, piece, nodes=NetworkNode.each(piece.nodes), edges=NetworkEdge.each(piece.edges)
        )


@strawberry.type(description="How two entities are linked: one shortest path.")
class NetworkPath:
    found: bool = strawberry.field(description="Whether a path was found within `maxDepth`.")
    length: int | None = strawberry.field(description="Hops on the path.")
    nodes: list[NetworkNode] = strawberry.field(description="The path's entities, in order.")
    edges: list[NetworkEdge] = strawberry.field(description="The path's links, in order.")
    truncated: bool = strawberry.field(
        description="True when the search hit its frontier cap: a path may exist that it did "
        "not reach."
    )

    @classmethod
    def from_result(cls, piece: resolve.Piece) -> "NetworkPath":
        return copied(
            cls,
            piece,
            length=len(piece.edges) if piece.found else None,
            nodes=NetworkNode.each(piece.nodes),
            edges=NetworkEdge.each(piece.edges),
        )


@strawberry.type(description="An organization in the collaboration graph, with its centrality.")
class Collaborator:
    node: NetworkNode = strawberry.field(description="The organization.")
    kind: str = strawberry.field(description="Organization kind.")
    degree: int = strawberry.field(description="Organizations it works with.")
    weight: int = strawberry.field(description="Ties of all kinds, counted with their weight.")
    betweenness: float = strawberry.field(
        description="Normalized betweenness centrality (0–1): how much it bridges others."
    )
    rank: int = strawberry.field(description="1 for the most central (betweenness, then degree).")


@strawberry.type(description="A working tie between two organizations.")
class CollaborationTie:
    kind: TieKind = strawberry.field(description="What ties them.")  # type: ignore[valid-type]
    source: strawberry.ID = strawberry.field(
        description="Global id of one organization (the referrer, the incubated, the funder…)."
    )
    target: strawberry.ID = strawberry.field(description="Global id of the other.")
    weight: int = strawberry.field(
        description="How many: shared projects, referrals, shared volunteers, grants…"
    )

    @classmethod
    def from_result(cls, t: TieRow) -> "CollaborationTie":
        return cls(
            kind=TieKind(t.kind),
            source=to_global_id("Organization", t.a),
            target=to_global_id("Organization", t.b),
            weight=t.weight,
        )


@strawberry.type(description="Which organizations work together (协作网络), hubs first.")
class Collaboration:
    organizations: list[Collaborator] = strawberry.field(
        description="The top `limit` of the ranking of every organization in scope, most central "
        "first; the isolated last."
    )
    ties: list[CollaborationTie] = strawberry.field(
        description="The ties between the organizations given back."
    )
    isolated: int = strawberry.field(description="Organizations with no tie at all.")
    approximate: bool = strawberry.field(
        description="Betweenness estimated from a sample of sources (large scopes)."
    )
    truncated: bool = strawberry.field(description="More organizations ranked than the limit.")

    @classmethod
    def from_result(cls, found: resolve.Collaboration) -> "Collaboration":
        return copied(
            cls,
            found,
            organizations=[
                copied(Collaborator, o, node=NetworkNode.from_result(o.node))
                for o in found.organizations
            ],
            ties=[CollaborationTie.from_result(t) for t in found.ties],
        )


@strawberry.type(description="Money moving one step.")
class Flow:
    kind: FlowKind = strawberry.field(description="Which step.")
    source: NetworkNode = strawberry.field(description="Where it came from.")
    target: NetworkNode = strawberry.field(description="Where it went.")
    amount: Decimal = strawberry.field(description="Yuan (元).")
    count: int = strawberry.field(description="Donations or grants it adds up.")


@strawberry.type(description="Where funds' money came from and went (资金流向).")
class FundFlows:
    funds: list[NetworkNode] = strawberry.field(description="The funds traced.")
    flows: list[Flow] = strawberry.field(description="Every step, donors to communities.")
    donated: Decimal = strawberry.field(description="Total donated into them, yuan.")
    granted: Decimal = strawberry.field(description="Total granted out, yuan.")
    truncated: bool = strawberry.field(description="More funds matched than the limit.")

    @classmethod
    def from_result(cls, found: resolve.FundFlows) -> "FundFlows":
        return copied(
            cls,
            found,
            funds=NetworkNode.each(found.funds),
            flows=[
                copied(
                    Flow,
                    s,
                    kind=FlowKind[s.kind],
                    source=NetworkNode.from_result(s.source),
                    target=NetworkNode.from_result(s.target),
                    amount=yuan(s.amount_fen),
                )
                for s in found.flows
            ],
            donated=yuan(found.donated_fen),
            granted=yuan(found.granted_fen),
        )


@strawberry.type(description="An organization a hub incubated, introduced or helped optimize.")
class Incubation:
    node: NetworkNode = strawberry.field(description="The organization.")
    parent: strawberry.ID = strawberry.field(description="Global id of its incubator.")
    stage: str | None = strawberry.field(
        description="INCUBATED (孵化), INTRODUCED (引进), OPTIMIZED (协助优化), GRADUATED."
    )
    since: str | None = strawberry.field(description="Since (ISO date).")
    depth: int = strawberry.field(description="1 for the hub's own; 2 for theirs…")

    @classmethod
    def from_result(cls, found: resolve.Incubation) -> "Incubation":
        i = found.found
        return copied(
            cls,
            i,
            node=NetworkNode.from_result(found.node),
            parent=to_global_id("Organization", i.parent),
        )


ANALYSIS = "Network analysis is for analysts, social workers and administrators."
ANALYSTS = (Role.ANALYST, Role.SOCIAL_WORKER)
# The scope arguments of the figures: a district, or one community, or (neither) everywhere.
DISTRICT = Annotated[strawberry.ID | None, strawberry.argument(description="A district…")]
COMMUNITY = Annotated[strawberry.ID | None, strawberry.argument(description="…or one community.")]


def analysis(description: str) -> Any:
    """A NetworkQuery field: every one is for the analysts (``ANALYSIS``)."""
    return strawberry.field(extensions=roles(*ANALYSTS, reason=ANALYSIS), description=description)


@strawberry.type
class NetworkQuery:
    @analysis(
        "The entities within `depth` hops of one, and the links the walk crossed "
        "(bounded). Places and taxonomy nodes are shown but not walked through unless the walk "
        "starts at one."
    )
    async def neighborhood(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Where to start.")],
        depth: Annotated[int, strawberry.argument(description="Hops, 1–4.")] = 1,
        labels: Annotated[
            list[NetworkLabel] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only these kinds of entity (default: all)."),
        ] = None,
        relationship_types: Annotated[
            list[RelationshipType] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Only these links (default: all)."),
        ] = None,
        limit: Annotated[
            int, strawberry.argument(description="At most this many nodes, 1–500.")
        ] = 100,
    ) -> Subgraph:
        return Subgraph.from_result(
            await resolve.neighborhood(info, id, depth, labels, relationship_types, limit)
        )

    @analysis(
        "How two entities are linked: one shortest path (e.g. a donor to the "
        "residents its money reached). By default it follows working links only, not shared "
        "categories, skills or districts."
    )
    async def shortest_connection(
        self,
        info: strawberry.Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from", description="Start.")],
        to: Annotated[strawberry.ID, strawberry.argument(description="End.")],
        max_depth: Annotated[int, strawberry.argument(description="Hops, 1–8.")] = 6,
        relationship_types: Annotated[
            list[RelationshipType] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Links it may follow (default: working links)."),
        ] = None,
    ) -> NetworkPath:
        return NetworkPath.from_result(
            await resolve.shortest_connection(info, from_, to, max_depth, relationship_types)
        )

    @analysis(
        "Which organizations work together — shared projects, referrals, shared "
        "volunteers, incubation, funding, teams — with degree and betweenness centrality to "
        "find the hubs and the isolated."
    )
    async def collaboration(
        self,
        info: strawberry.Info,
        district_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Organizations serving this district (default: all)."),
        ] = None,
        kinds: Annotated[
            list[TieKind] | None,  # type: ignore[valid-type]
            strawberry.argument(description="Kinds of tie (default: all)."),
        ] = None,
        limit: Annotated[
            int,
            strawberry.argument(
                description="The top this many of the ranking (the whole scope is ranked), 1–5000."
            ),
        ] = 1000,
    ) -> Collaboration:
        return Collaboration.from_result(
            await resolve.collaboration(info, district_id, kinds, limit)
        )

    @analysis("Donors → funds → projects → organizations → communities, with amounts.")
    async def fund_flows(
        self,
        info: strawberry.Info,
        fund_ids: Annotated[
            list[strawberry.ID] | None, strawberry.argument(description="These funds.")
        ] = None,
        district_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Funds covering this district or its communities."),
        ] = None,
        kind: Annotated[
            FundKind | None,
            strawberry.argument(description="Funds of this kind."),
        ] = None,
    ) -> FundFlows:
        return FundFlows.from_result(await resolve.fund_flows(info, fund_ids, district_id, kind))

    @analysis(
        "The organizations a hub incubated, introduced or helped optimize, and "
        "theirs in turn (孵化树)."
    )
    async def incubation_tree(
        self,
        info: strawberry.Info,
        hub_id: Annotated[strawberry.ID, strawberry.argument(description="The hub.")],
        depth: Annotated[int, strawberry.argument(description="Levels, 1–5.")] = 3,
    ) -> list[Incubation]:
        return [
            Incubation.from_result(i) for i in await resolve.incubation_tree(info, hub_id, depth)
        ]

    @analysis(
        "Needs (or vulnerable residents) with fewer than `minCandidates` eligible "
        "volunteers in reach, by community and category (docs/ANALYSIS.md has the rules)."
    )
    async def coverage_gaps(
        self,
        info: strawberry.Info,
        district_id: DISTRICT = None,
        community_id: COMMUNITY = None,
        category_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(
                description="A service category (and its narrower ones); required for RESIDENTS."
            ),
        ] = None,
        subject: Annotated[
            GapSubject, strawberry.argument(description="Needs or residents.")
        ] = GapSubject.NEEDS,
        tags: Annotated[
            list[VulnerabilityTag] | None,
            strawberry.argument(description="RESIDENTS: with one of these tags (default: any)."),
        ] = None,
        radius_meters: Annotated[
            int, strawberry.argument(description="Reach, metres (1–50000).")
        ] = 3000,
        min_candidates: Annotated[
            int, strawberry.argument(description="Fewer eligible volunteers than this is short.")
        ] = 2,
    ) -> CoverageGaps:
        return CoverageGaps.from_result(
            await resolve.coverage_gaps(
                info, district_id, community_id, category_id, subject.value,
                [t.value for t in tags or ()], radius_meters, min_candidates,
            )
        )  # fmt: skip

    @analysis("Figures for a district, a community, or everywhere when neither is given.")
    async def statistics(
        self,
        info: strawberry.Info,
        district_id: DISTRICT = None,
        community_id: COMMUNITY = None,
    ) -> Statistics:
        return Statistics.from_result(await resolve.statistics(info, district_id, community_id))
