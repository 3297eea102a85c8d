"""What the benchmark asks: the operations' GraphQL, the arguments sampled from the loaded graph,
and the floor each is compared with (the same repository call, in-process, no GraphQL or HTTP).
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from api.ids import to_global_id as gid
from config import Limits
from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.model import entities
from graph.model.services import ACTIVE_NEED_STATUSES
from graph.queries import gaps, linking, matching
from schema.limits import NETWORK_WORK

NODE = """query ($id: ID!) { node(id: $id) { id ... on Volunteer { name starLevel status } } }"""
PAGE = """
query ($c: ID!, $s: ID!) {
  volunteers(filter: {community: $c, skill: $s}, first: 20) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id name starLevel verifiedHours }
  }
}"""
NESTED = """
query ($c: ID!) {
  volunteers(filter: {community: $c}, first: 50) {
    nodes {
      id name starLevel
      skills { edges { level node { name } } }
      teams { edges { role node { name } } }
      serviceRecords(first: 5) { nodes { date hours category { name } } }
    }
  }
}"""
WHO = """
query ($n: ID!) {
  whoCanServe(needId: $n, first: 10) {
    headcount candidates { score distanceMeters volunteer { id name } }
    proposal { complete members { volunteer { id } } }
  }
}"""
LINK = """
query ($n: ID!) {
  linkResources(needId: $n) {
    volunteers { candidates { score volunteer { id name } } }
    socialWorkers { socialWorker { id name } }
    organizations { distanceMeters organization { id name } }
    funds { balance fund { id name } }
    experts { expert { id name } }
    resources { remaining resource { id name } }
  }
}"""
GAPS = """
query ($d: ID!) {
  coverageGaps(districtId: $d) {
    subjects short volunteersConsidered truncated
    groups { communityName categoryName subjects short medianCandidates }
  }
}"""
RECORD = """
mutation ($v: ID!, $cat: ID!, $key: String) {
  recordService(input: {volunteerId: $v, date: "2026-11-20", hours: "1.5", categoryId: $cat},
                idempotencyKey: $key) { replayed }
}"""
SIGN_UP = """
mutation ($r: ID!, $v: ID!, $key: String) {
  signUp(recruitmentId: $r, volunteerId: $v, idempotencyKey: $key) { replayed }
}"""

# Sampling reads (run once per tier, before the clock starts).
VOLUNTEER_IDS = cypher("bench.sample.volunteers", "MATCH (v:Volunteer) RETURN v.id AS id")
ACTIVE_NEEDS = cypher(
    "bench.sample.needs", "MATCH (n:Need) WHERE n.status IN $active RETURN n.id AS id"
)
SKILL_AREAS = cypher(
    "bench.sample.skill_areas",
    """
    UNWIND $ids AS id
    MATCH (v:Volunteer {id: id})-[:HAS_SKILL]->(s:Skill)
    MATCH (v)-[:SERVES_AREA]->(c:Community)
    RETURN DISTINCT c.id AS community, s.id AS skill
    """,
)
DISTRICTS = cypher("bench.sample.districts", "MATCH (d:District) RETURN d.id AS id")
COMMUNITIES = cypher("bench.sample.communities", "MATCH (c:Community) RETURN c.id AS id")
CATEGORIES = cypher("bench.sample.categories", "MATCH (c:ServiceCategory) RETURN c.id AS id")
RECRUITMENTS = cypher(
    "bench.sample.recruitments",
    "MATCH (r:Recruitment) WHERE r.status = 'OPEN' RETURN r.id AS id",
)

Floor = Callable[[GraphStore, dict[str, str]], Awaitable[Any]]


@dataclass
class Operation:
    name: str
    query: str
    variables: list[dict[str, str]]
    floor: Floor | None = None
    floor_args: list[dict[str, str]] = field(default_factory=list)
    write: bool = False
    fresh: tuple[str, ...] = ()
    # An analyst's whole-district survey runs seconds at the city tier: measured one at a time,
    # and left out of the interactive mix.
    solo: bool = False

    def mix_item(self, weight: int = 1) -> dict[str, Any]:
        return {
            "name": self.name, "query": self.query, "variables": self.variables,
            "write": self.write, "fresh": list(self.fresh), "weight": weight,
        }  # fmt: skip


async def _node_floor(store: GraphStore, args: dict[str, str]) -> Any:
    return await entities.get_many(store, "Volunteer", [args["id"]])


async def _who_floor(store: GraphStore, args: dict[str, str]) -> Any:
    return await matching.who_can_serve(store, args["need"], first=10)


async def _link_floor(store: GraphStore, args: dict[str, str]) -> Any:
    return await linking.link_resources(store, args["need"])


async def _gaps_floor(store: GraphStore, args: dict[str, str]) -> Any:
    subjects, truncated = await gaps.need_subjects(
        store, district=args["district"], community=None, category=None
    )
    supply = await gaps.supply(store, subjects, 3000)
    return gaps.survey(
        subjects, supply, await gaps.taxonomy(store), radius=3000, min_candidates=2,
        truncated=truncated,
    )  # fmt: skip


async def operations(store: GraphStore, seed: int = 7, size: int = 300) -> list[Operation]:
    """The operations with ``size`` argument sets each, sampled deterministically."""
    rng = random.Random(seed)

    def pick(values: list[str], n: int = size) -> list[str]:
        return rng.sample(values, min(n, len(values))) if values else []

    volunteers = sorted(r["id"] for r in await store.read(VOLUNTEER_IDS))
    needs = sorted(
        r["id"] for r in await store.read(ACTIVE_NEEDS, {"active": list(ACTIVE_NEED_STATUSES)})
    )
    some = pick(volunteers, 2000)
    pairs = sorted(
        (r["community"], r["skill"]) for r in await store.read(SKILL_AREAS, {"ids": some})
    )
    pairs = rng.sample(pairs, min(size, len(pairs)))
    communities = sorted({c for c, _ in pairs})
    districts = sorted(r["id"] for r in await store.read(DISTRICTS))
    categories = sorted(r["id"] for r in await store.read(CATEGORIES))
    recruitments = sorted(r["id"] for r in await store.read(RECRUITMENTS))
    sampled_needs = pick(needs)
    sampled_volunteers = pick(volunteers)
    need_args = [{"need": n} for n in sampled_needs]
    return [
        Operation("node", NODE, [{"id": gid("Volunteer", v)} for v in sampled_volunteers],
                  _node_floor, [{"id": v} for v in sampled_volunteers]),
        Operation("page", PAGE, [{"c": gid("Community", c), "s": gid("Skill", s)}
                                 for c, s in pairs]),
        Operation("nested", NESTED, [{"c": gid("Community", c)} for c in communities]),
        Operation("whoCanServe", WHO, [{"n": gid("Need", n)} for n in sampled_needs],
                  _who_floor, need_args),
        Operation("linkResources", LINK, [{"n": gid("Need", n)} for n in sampled_needs],
                  _link_floor, need_args),
        Operation("coverageGaps", GAPS, [{"d": gid("District", d)} for d in districts],
                  _gaps_floor, [{"district": d} for d in districts], solo=True),
        Operation("recordService", RECORD,
                  [{"v": gid("Volunteer", v), "cat": gid("ServiceCategory", rng.choice(categories))}
                   for v in sampled_volunteers], write=True, fresh=("key",)),
        Operation("signUp", SIGN_UP,
                  [{"r": gid("Recruitment", rng.choice(recruitments)), "v": gid("Volunteer", v)}
                   for v in sampled_volunteers] if recruitments else [],
                  write=True, fresh=("key",)),
    ]  # fmt: skip


def heaviest_analysis(limits: Limits, hubs: list[str]) -> str:
    """The heaviest network request the limits allow: as many of the deepest neighbourhoods
    (depth 4, 500 nodes) as one request's work budget admits, each an alias, from ``hubs``
    (global ids) in turn."""
    deepest = {"depth": 4, "limit": 500}
    runs = limits.max_work // NETWORK_WORK[("Query", "neighborhood")](deepest).rows
    return "{ " + " ".join(
        f'n{i}: neighborhood(id: "{hubs[i % len(hubs)]}", depth: 4, limit: 500) '
        "{ nodes { id name } edges { type source target } }"
        for i in range(runs)
    ) + " }"  # fmt: skip


async def hubs(store: GraphStore, count: int = 6) -> list[str]:
    """Districts and communities to start analyses from: they reach far within four hops."""
    districts = sorted(r["id"] for r in await store.read(DISTRICTS))
    communities = sorted(r["id"] for r in await store.read(COMMUNITIES))
    return [gid("District", d) for d in districts[: count // 2]] + [
        gid("Community", c) for c in communities[: count - min(len(districts), count // 2)]
    ]


# The mixed run: a station's interactive day, writes (sign-ups, service records) at 10 %.
MIX_WEIGHTS = {
    "node": 30, "page": 20, "nested": 10, "whoCanServe": 20, "linkResources": 10,
    "recordService": 5, "signUp": 5,
}  # fmt: skip
