"""Everything that can help one need (资源链接): the five parts of 五社联动 around it.

For a need: volunteer candidates (``graph.matching``), the social workers covering the
resident's community, organizations providing the need's category nearby, funds whose scope
covers the community and whose categories cover the need and that still have money, think-tank
experts in the category's domains who serve the need's place (their think tank advises its
district, or they advise its community), and charity resources on offer that fit. A category
"covers" a need when it is the need's category or a broader one (探访关怀 covers 入户探访).

Each part is one statement anchored on an index (the community's id, a point, a category's
id); ``link_resources`` runs them concurrently after reading the need once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.model.filters import MAX_TAXONOMY_DEPTH
from graph.model.services import LOCAL_TIME
from graph.queries import matching

ORGANIZATION_RADIUS_METERS = 10_000
LIMIT = 20

COVERING_CATEGORY = (
    f"(:ServiceCategory {{id: $category}})-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(covering)"
)

SOCIAL_WORKERS = cypher(
    "linking.social_workers",
    """
    MATCH (:Community {id: $community})<-[:COVERS]-(w:SocialWorker)
    OPTIONAL MATCH (w)-[cm:CASE_MANAGER_OF]->(:Resident {id: $resident})
    WITH w, count(cm) > 0 AS caseManager
    OPTIONAL MATCH (w)-[:EMPLOYED_BY]->(employer:Organization)
    RETURN w.id AS id, caseManager, collect(employer.name) AS employers
    ORDER BY caseManager DESC, id
    LIMIT $limit
    """,
)

ORGANIZATIONS = cypher(
    "linking.organizations",
    f"""
    MATCH {COVERING_CATEGORY}
    WITH collect(covering) AS covering
    MATCH (o:Organization)
    WHERE $$within(o.location, point({{latitude: $latitude, longitude: $longitude}}), $radius)
    MATCH (o)-[:OF_CATEGORY]->(cat:ServiceCategory)
    WHERE cat IN covering
    OPTIONAL MATCH (o)-[served:SERVES_AREA]->(:Community {{id: $community}})
    WITH o, collect(DISTINCT cat.name) AS categories, count(served) > 0 AS servesCommunity,
         $$distance(o.location, point({{latitude: $latitude, longitude: $longitude}})) AS distance
    RETURN o.id AS id, categories, servesCommunity, distance
    ORDER BY servesCommunity DESC, distance ASC, id
    LIMIT $limit
    """,
)

FUNDS = cypher(
    "linking.funds",
    f"""
    MATCH (c:Community {{id: $community}})-[:IN*0..1]->(scope)<-[:COVERS]-(f:Fund)
    MATCH (f)-[:OF_CATEGORY]->(cat:ServiceCategory)
    WHERE {COVERING_CATEGORY.replace("(covering)", "(cat)")}
    WITH f, collect(DISTINCT scope.name) AS scopes, collect(DISTINCT cat.name) AS categories
    OPTIONAL MATCH (f)<-[d:DONATED]-()
    WITH f, scopes, categories, coalesce(sum(d.amountFen), 0) AS donated
    OPTIONAL MATCH (f)-[g:GRANTED]->()
    WITH f, scopes, categories, donated, coalesce(sum(g.amountFen), 0) AS granted
    WITH f, scopes, categories, donated - granted AS balance
    WHERE balance > 0
    RETURN f.id AS id, scopes, categories, balance
    ORDER BY balance DESC, id
    LIMIT $limit
    """,
)

EXPERTS = cypher(
    "linking.experts",
    f"""
    MATCH {COVERING_CATEGORY}
    WITH collect(coalesce(covering.expertDomains, [])) AS lists
    WITH reduce(acc = [], ds IN lists | acc + ds) AS domains
    MATCH (e:Expert)
    WHERE any(d IN e.domains WHERE d IN domains)
    OPTIONAL MATCH (e)-[:PART_OF]->(tank:ThinkTank)
    OPTIONAL MATCH (tank)-[:ADVISES]->(:District)<-[:IN]-(here:Community {{id: $community}})
    OPTIONAL MATCH (e)-[:ADVISES]->(mine:Community {{id: $community}})
    WITH e, domains, collect(tank.name) AS thinkTanks, count(here) > 0 AS advisesArea,
         count(mine) > 0 AS advisesCommunity
    // Experts give their time where they live and advise: only those whose think tank advises
    // the need's district, or who advise its community themselves, are offered.
    WHERE advisesArea OR advisesCommunity
    RETURN e.id AS id, [d IN e.domains WHERE d IN domains] AS domains, thinkTanks,
           advisesArea OR advisesCommunity AS advisesArea
    ORDER BY advisesArea DESC, size(domains) DESC, id
    LIMIT $limit
    """,
)

RESOURCES = cypher(
    "linking.resources",
    f"""
    MATCH {COVERING_CATEGORY}<-[:OF_CATEGORY]-(res:Resource)
    WHERE (res.availableFrom IS NULL OR res.availableFrom <= $today)
      AND (res.availableUntil IS NULL OR res.availableUntil >= $today)
    WITH DISTINCT res, covering
    OPTIONAL MATCH (res)-[a:ALLOCATED_TO]->()
    WITH res, covering, res.quantity - coalesce(sum(a.quantity), 0) AS remaining
    WHERE remaining > 0
    OPTIONAL MATCH (res)<-[:OFFERS]-(o:Organization)
    OPTIONAL MATCH (res)-[:LOCATED_AT]->(venue:Venue)
    WITH res, covering, remaining, o, venue,
         $$distance(coalesce(venue.location, o.location),
                    point({{latitude: $latitude, longitude: $longitude}})) AS distance
    WHERE distance <= $radius
    RETURN res.id AS id, covering.name AS category, remaining, o.name AS offeredBy,
           venue.name AS venue, distance
    ORDER BY distance ASC, id
    LIMIT $limit
    """,
)


@dataclass(frozen=True)
class LinkedWorker:
    id: str
    case_manager: bool
    employers: tuple[str, ...]


@dataclass(frozen=True)
class LinkedOrganization:
    id: str
    categories: tuple[str, ...]
    serves_community: bool
    distance_meters: float


@dataclass(frozen=True)
class LinkedFund:
    id: str
    scopes: tuple[str, ...]
    categories: tuple[str, ...]
    balance_fen: int


@dataclass(frozen=True)
class LinkedExpert:
    id: str
    domains: tuple[str, ...]
    think_tanks: tuple[str, ...]
    advises_area: bool  # always true: only experts serving the need's place are offered


@dataclass(frozen=True)
class LinkedResource:
    id: str
    category: str
    remaining: int
    offered_by: str | None
    venue: str | None
    distance_meters: float


@dataclass(frozen=True)
class Links:
    matching: matching.Matching
    social_workers: tuple[LinkedWorker, ...]
    organizations: tuple[LinkedOrganization, ...]
    funds: tuple[LinkedFund, ...]
    experts: tuple[LinkedExpert, ...]
    resources: tuple[LinkedResource, ...]


async def link_resources(
    store: GraphStore,
    need: str,
    *,
    radius_meters: int | None = None,
    today: dt.date | None = None,
    limit: int = LIMIT,
    precision: matching.Precision = matching.EXACT,
    context: matching.NeedContext | None = None,
) -> Links:
    """Everything that can help ``need``; ``context`` when the caller has read it already (and
    placed its home as the viewer may know it), ``precision`` for the volunteers' bases."""
    context = context or await matching.need_context(store, need)
    radius = radius_meters or matching.DEFAULT_RADIUS_METERS
    where = context.location
    params = {
        "community": context.community,
        "resident": context.resident,
        "category": context.category,
        "latitude": where.latitude if where else 0.0,
        "longitude": where.longitude if where else 0.0,
        "today": today or dt.datetime.now(LOCAL_TIME).date(),
        "limit": limit,
    }
    wide = {**params, "radius": max(radius, ORGANIZATION_RADIUS_METERS) if where else -1}
    pool, workers, orgs, funds, experts, resources = await asyncio.gather(
        matching.candidates(
            store,
            context,
            radius_meters=radius,
            slots=context.slots,
            limit=matching.POOL,
            precision=precision,
        )
        if context.active
        else _nothing(),
        store.read(SOCIAL_WORKERS, params),
        store.read(ORGANIZATIONS, wide),
        store.read(FUNDS, params),
        store.read(EXPERTS, params),
        store.read(RESOURCES, wide),
    )
    return Links(
        matching=matching.Matching(
            context,
            radius,
            context.slots,
            tuple(pool[:limit]),
            matching.propose(pool, context.slots, context.headcount),
        ),
        social_workers=tuple(
            LinkedWorker(r["id"], bool(r["caseManager"]), tuple(r["employers"])) for r in workers
        ),
        organizations=tuple(
            LinkedOrganization(
                r["id"], tuple(r["categories"]), bool(r["servesCommunity"]), float(r["distance"])
            )
            for r in orgs
        ),
        funds=tuple(
            LinkedFund(r["id"], tuple(r["scopes"]), tuple(r["categories"]), int(r["balance"]))
            for r in funds
        ),
        experts=tuple(
            LinkedExpert(
                r["id"], tuple(r["domains"]), tuple(r["thinkTanks"]), bool(r["advisesArea"])
            )
            for r in experts
        ),
        resources=tuple(
            LinkedResource(
                r["id"],
                r["category"],
                int(r["remaining"]),
                r["offeredBy"],
                r["venue"],
                float(r["distance"]),
            )
            for r in resources
        ),
    )


async def _nothing() -> list[matching.Candidate]:
    return []
