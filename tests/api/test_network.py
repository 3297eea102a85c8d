"""Analysts explore the network on the demo data: gaps, money, collaboration, neighbourhoods.

Expectations come from the demo data's own declarations (the 南区 awards, the 东区 hub's teams)
or from other API answers (whoCanServe, the needs list), never from the code under test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.cypher import dynamic
from graph.engine.store import GraphStore
from graph.model import people as P  # noqa: N812 - the demo data's short aliases
from graph.model import services as S  # noqa: N812
from graph.model import taxonomy as T  # noqa: N812
from graph.model.entities import Point
from graph.model.people import Resident, Volunteer
from graph.model.places import Community
from graph.model.services import Need
from graph.model.taxonomy import ServiceCategory, Skill
from graph.model.vocab import ConsentScope
from seeds.batch import Batch
from seeds.demo_data import SOUTH_AWARDS
from tests.conftest import DemoLoader, GraphQL, SignIn, bearer, client_as, signed_in_as

EAST = gid("District", "district-zs-east")
SOUTH = gid("District", "district-zs-south")
VISIT = gid("ServiceCategory", "cat-visit")
HUB = "org-zs-east-hub"


@pytest.fixture
async def analyst(demo_app: Starlette, settings: Settings) -> AsyncIterator[GraphQL]:
    async with signed_in_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as analyst:
        yield analyst


GAPS = """
query ($district: ID, $category: ID, $subject: GapSubject = NEEDS, $min: Int = 2) {
  coverageGaps(districtId: $district, categoryId: $category, subject: $subject,
               radiusMeters: 3000, minCandidates: $min) {
    subjects short volunteersConsidered truncated
    groups { communityName categoryName subjects short uncovered medianCandidates
             community { key } category { key } shortNeeds { id key } }
  }
}
"""


async def test_east_district_visits_list_the_communities_short_of_visiting_volunteers(
    analyst: GraphQL, gql: GraphQL
) -> None:
    found = (await analyst(GAPS, district=EAST, category=VISIT))["coverageGaps"]
    # Every active 探访 need of 东区 is surveyed once (the needs list says how many there are).
    listed = await gql(
        """query ($d: ID!, $c: ID!) { needs(first: 100, filter: {district: $d, category: $c,
             status: [OPEN, MATCHED, IN_SERVICE]}) { totalCount } }""",
        d=EAST,
        c=VISIT,
    )
    assert found["subjects"] == listed["needs"]["totalCount"] > 0
    assert sum(g["subjects"] for g in found["groups"]) == found["subjects"]
    east = {
        c["key"]
        for c in (await gql('{ communities(first: 100, filter: {district: "' + EAST + '"}) '
                            "{ nodes { key } } }"))["communities"]["nodes"]
    }  # fmt: skip
    short = [g for g in found["groups"] if g["short"] > 0]
    assert short, "the demo's 东区 has visits nobody near can take"
    assert {g["community"]["key"] for g in found["groups"]} <= east
    assert all(g["categoryName"] == "入户探访" for g in found["groups"])
    # Largest share short first.
    shares = [g["short"] / g["subjects"] for g in found["groups"]]
    assert shares == sorted(shares, reverse=True)
    # A need the survey calls short is short for whoCanServe too (which also checks clashes).
    for group in short[:3]:
        for need in group["shortNeeds"][:2]:
            served = await gql(
                "query ($n: ID!) { whoCanServe(needId: $n, radiusMeters: 3000, first: 50) "
                "{ candidates { volunteer { key } } } }",
                n=need["id"],
            )
            assert len(served["whoCanServe"]["candidates"]) < 2


async def test_residents_gaps_count_people_without_naming_them(gql: GraphQL) -> None:
    """The administrator (who reads every resident in full) surveys 东区's residents: counts,
    nobody listed. An analyst may not survey residents at all (the small-cells test below)."""
    body = await gql.raw(GAPS, district=EAST, category=VISIT, subject="RESIDENTS", min=3)
    assert "errors" not in body
    found = body["data"]["coverageGaps"]
    assert found["subjects"] > 0
    assert all(g["shortNeeds"] == [] for g in found["groups"])
    (error,) = await gql.errors(GAPS, district=EAST, subject="RESIDENTS")
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "categoryId" in error["message"]


FLOWS = """
query ($district: ID, $kind: FundKind) {
  fundFlows(districtId: $district, kind: $kind) {
    funds { key name } donated granted truncated
    flows { kind amount count source { key label name } target { key label name } }
  }
}
"""


async def test_the_south_venture_rounds_money_is_traced_to_projects_and_communities(
    analyst: GraphQL,
) -> None:
    found = (await analyst(FLOWS, district=SOUTH, kind="VENTURE_PHILANTHROPY"))["fundFlows"]
    assert [f["key"] for f in found["funds"]] == ["fund-zs-south-venture"]
    awards = {
        pid: (oid, community, amount) for pid, _, oid, _, community, _, amount in SOUTH_AWARDS
    }
    grants = {f["target"]["key"]: Decimal(f["amount"]) for f in found["flows"]
              if f["kind"] == "GRANT"}  # fmt: skip
    assert grants == {pid: Decimal(amount) for pid, (_, _, amount) in awards.items()}
    assert Decimal(found["granted"]) == sum(Decimal(a) for _, _, a in awards.values())
    runs = {(f["source"]["key"], f["target"]["key"]) for f in found["flows"] if f["kind"] == "RUN"}
    assert runs == {(pid, oid) for pid, (oid, _, _) in awards.items()}
    # Every yuan granted reaches a community.
    reached: dict[str, Decimal] = {}
    for f in found["flows"]:
        if f["kind"] == "TARGET":
            reached[f["target"]["key"]] = reached.get(f["target"]["key"], 0) + Decimal(f["amount"])
    assert sum(reached.values()) == Decimal(found["granted"])
    assert set(reached) == {community for _, community, _ in awards.values()}
    donors = [f for f in found["flows"] if f["kind"] == "DONATION"]
    assert sum(Decimal(f["amount"]) for f in donors) == Decimal(found["donated"]) > 0


COLLAB = """
query ($district: ID, $kinds: [TieKind!]) {
  collaboration(districtId: $district, kinds: $kinds) {
    isolated approximate truncated
    organizations { rank degree weight betweenness kind node { key name } }
    ties { kind source target weight }
  }
}
"""


# The hub's 45 (east report: 孵化7家, 协助优化5家, 引进33家): 衣物银行 and 44 illustrative names.
HUB_PORTFOLIO = [
    "org-zs-clothes-bank",
    *(f"org-zs-east-incubated-{i:02d}" for i in range(1, 7)),
    *(f"org-zs-east-optimized-{i:02d}" for i in range(1, 6)),
    *(f"org-zs-east-introduced-{i:02d}" for i in range(1, 34)),
]


async def test_the_collaboration_graph_ranks_the_east_hub_most_central(analyst: GraphQL) -> None:
    found = (await analyst(COLLAB, district=EAST))["collaboration"]
    first = found["organizations"][0]
    assert first["node"]["key"] == HUB and first["rank"] == 1
    assert first["betweenness"] == max(o["betweenness"] for o in found["organizations"])
    # The organizations the hub incubated, helped or brought in are tied to it.
    incubated = {
        t["source"] for t in found["ties"] if t["kind"] == "INCUBATION" and t["target"] == gid(
            "Organization", HUB)
    }  # fmt: skip
    assert {gid("Organization", oid) for oid in HUB_PORTFOLIO} <= incubated
    # The isolated are counted and ranked last.
    degrees = [o["degree"] for o in found["organizations"]]
    assert found["isolated"] == degrees.count(0)
    assert degrees[len(degrees) - found["isolated"] :] == [0] * found["isolated"]
    # Only referrals asked for: nothing else comes back.
    only = (await analyst(COLLAB, district=EAST, kinds=["REFERRAL"]))["collaboration"]
    assert {t["kind"] for t in only["ties"]} <= {"REFERRAL"}


async def test_a_collaboration_limit_gives_back_the_top_of_the_whole_ranking(
    analyst: GraphQL,
) -> None:
    query = """
    query ($district: ID, $limit: Int! = 1000) {
      collaboration(districtId: $district, limit: $limit) {
        isolated truncated organizations { rank degree node { key } } ties { source target }
      }
    }
    """
    whole = (await analyst(query, district=EAST))["collaboration"]
    top = (await analyst(query, district=EAST, limit=3))["collaboration"]
    # The top three of the whole ranking, hub first — not three organizations ranked among
    # themselves (which came back isolated, ranked 1-3).
    assert top["organizations"] == whole["organizations"][:3]
    assert top["organizations"][0]["node"]["key"] == HUB
    assert all(o["degree"] > 0 for o in top["organizations"])
    assert top["truncated"] and not whole["truncated"]
    assert top["isolated"] == whole["isolated"]
    # The ties given back join organizations given back.
    shown = {gid("Organization", o["node"]["key"]) for o in top["organizations"]}
    assert top["ties"] == [t for t in whole["ties"] if {t["source"], t["target"]} <= shown]


async def test_the_hubs_incubation_tree_lists_what_it_incubated_and_introduced(
    analyst: GraphQL,
) -> None:
    found = await analyst(
        "query ($hub: ID!) { incubationTree(hubId: $hub) { stage since depth parent "
        "node { key name } } }",
        hub=gid("Organization", HUB),
    )
    tree = {i["node"]["key"]: i for i in found["incubationTree"]}
    assert set(HUB_PORTFOLIO) <= set(tree)
    assert "org-zs-lianhe" not in tree  # it runs the hub
    assert tree["org-zs-clothes-bank"]["stage"] == "INCUBATED"
    assert tree["org-zs-east-introduced-33"]["stage"] == "INTRODUCED"
    assert {i["depth"] for i in tree.values()} == {1}


HOOD = """
query ($id: ID!, $depth: Int = 1, $limit: Int = 100, $labels: [NetworkLabel!]) {
  neighborhood(id: $id, depth: $depth, limit: $limit, labels: $labels) {
    truncated nodes { id key label name nameWithheld } edges { type source target properties }
  }
}
"""


async def test_a_neighbourhood_holds_the_entity_its_links_and_nothing_dangling(
    analyst: GraphQL, gql: GraphQL
) -> None:
    hub = gid("Organization", HUB)
    found = (await analyst(HOOD, id=hub))["neighborhood"]
    ids = {n["id"] for n in found["nodes"]}
    assert hub in ids and not found["truncated"]
    assert all(e["source"] in ids and e["target"] in ids for e in found["edges"])
    assert all(hub in (e["source"], e["target"]) for e in found["edges"])
    # The hub's incubated organizations, as the organization itself lists them.
    listed = await gql(
        "query ($id: ID!) { node(id: $id) { ... on Organization { incubated(first: 100) "
        "{ totalCount } } } }",
        id=hub,
    )
    incubated = [e for e in found["edges"] if e["type"] == "INCUBATED_BY"]
    assert len(incubated) == listed["node"]["incubated"]["totalCount"]
    cut = (await analyst(HOOD, id=hub, depth=2, limit=5))["neighborhood"]
    assert len(cut["nodes"]) == 5 and cut["truncated"]


async def test_an_analyst_walking_into_residents_sees_age_bands_not_names(
    analyst: GraphQL, gql: GraphQL, demo_client: httpx.AsyncClient
) -> None:
    qiwan = gid("Community", "community-zs-qiwan")
    body = await analyst.raw(HOOD, id=qiwan, labels=["Resident", "Community"])
    residents = [n for n in body["data"]["neighborhood"]["nodes"] if n["label"] == "Resident"]
    assert residents and all(n["nameWithheld"] for n in residents)
    assert all(n["name"].startswith("服务对象") for n in residents)
    assert "林婆婆" not in str(body)
    admin = (await gql(HOOD, id=qiwan, labels=["Resident", "Community"]))["neighborhood"]
    assert "林婆婆" in {n["name"] for n in admin["nodes"]}


CONNECT = """
query ($from: ID!, $to: ID!, $types: [RelationshipType!], $max: Int = 6) {
  shortestConnection(from: $from, to: $to, relationshipTypes: $types, maxDepth: $max) {
    found length truncated nodes { key label name nameWithheld } edges { type source target }
  }
}
"""


async def test_a_donor_is_connected_to_the_project_its_money_paid_for(analyst: GraphQL) -> None:
    found = (
        await analyst(
            CONNECT,
            **{"from": gid("Organization", "org-zs-vanke")},
            to=gid("Project", "project-zs-clothes-bank"),
            types=["DONATED", "GRANTED"],
        )
    )["shortestConnection"]
    assert found["found"] and found["length"] == 2
    assert [n["key"] for n in found["nodes"]] == [
        "org-zs-vanke",
        "fund-zs-east-seed",
        "project-zs-clothes-bank",
    ]
    assert [e["type"] for e in found["edges"]] == ["DONATED", "GRANTED"]
    # Too short a reach finds nothing, and says so.
    none = (
        await analyst(
            CONNECT,
            **{"from": gid("Organization", "org-zs-vanke")},
            to=gid("Project", "project-zs-clothes-bank"),
            types=["DONATED", "GRANTED"],
            max=1,
        )
    )["shortestConnection"]
    assert not none["found"] and none["nodes"] == []


async def test_a_path_to_a_resident_does_not_leak_her_name(analyst: GraphQL) -> None:
    body = await analyst.raw(
        CONNECT,
        **{"from": gid("Organization", "org-zs-east-eldercare")},
        to=gid("Resident", "resident-zs-qiwan-01"),
    )
    found = body["data"]["shortestConnection"]
    assert found["found"] and found["nodes"][-1]["nameWithheld"]
    assert "林婆婆" not in str(body)


STATS = """
query ($district: ID, $community: ID) {
  statistics(districtId: $district, communityId: $community) {
    residents residentsByTag { key count } volunteersByStar { key count }
    hoursByMonth { month categoryKey hours verifiedHours records }
    needsByStatus { key count } medianDaysToFirstService
    granted { amount grants projects }
    supplyDemand { categoryKey supplySlots volunteers demandSlots needs }
  }
}
"""


TAG_CELLS = """
query ($district: ID, $community: ID) {
  statistics(districtId: $district, communityId: $community) {
    residents residentsByTag { key count suppression { fewerThan reason } }
  }
}
"""


async def _living_alone(gql: GraphQL, **scope: str) -> dict | None:
    found = (await gql(TAG_CELLS, **scope))["statistics"]["residentsByTag"]
    return next((t for t in found if t["key"] == "LIVING_ALONE"), None)


async def _two_living_alone(gql: GraphQL) -> str:
    """The key of a community of 东区 where exactly two elders live alone, as the administrator
    lists them."""
    alone = await gql(
        "query ($d: ID!) { residents(first: 100, filter: {district: $d, "
        "tagsAny: [LIVING_ALONE]}) { totalCount nodes { community { key } } } }",
        d=EAST,
    )
    where: dict[str, int] = {}
    for node in alone["residents"]["nodes"]:
        where[node["community"]["key"]] = where.get(node["community"]["key"], 0) + 1
    pair = sorted(key for key, count in where.items() if count == 2)
    assert pair, where  # the demo has such a community
    return pair[0]


async def test_two_elders_living_alone_in_a_community_are_fewer_than_3_by_any_difference(
    analyst: GraphQL, gql: GraphQL, signed_in: SignIn
) -> None:
    """A community of 东区 where two elders live alone: its count would point at them, so the
    analyst reads "fewer than 3"; and since 东区's figure minus its other communities' would give
    the two back, 东区's figure — and the city's — is withheld too. The administrator reads 2."""
    pair = [await _two_living_alone(gql)]
    two = gid("Community", pair[0])
    assert (await _living_alone(gql, community=two))["count"] == 2

    told = await _living_alone(analyst, community=two)
    assert told["count"] is None and told["suppression"]["fewerThan"] == 3
    for scope in ({"district": EAST}, {}):
        total = await _living_alone(analyst, **scope)
        assert total["count"] is None and total["suppression"]["fewerThan"] is None, scope
    # A social worker covering the community reads its figure in full.
    if pair[0] in {"community-zs-qiwan", "community-zs-zhuyuan", "community-zs-maling"}:
        worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
        assert (await _living_alone(worker, community=two))["count"] == 2


BY_TAG = {
    "a filter of any tag": "residents(filter: {community: $c, tagsAny: [LIVING_ALONE]}) "
    "{ totalCount }",
    "a filter of all tags": "residents(filter: {community: $c, tagsAll: [LIVING_ALONE]}) "
    "{ totalCount }",
    "a where": "residents(filter: {community: $c}, where: {tags: {includes: LIVING_ALONE}}) "
    "{ totalCount }",
    "the community's residents": "node(id: $c) { ... on Community { "
    "residents(where: {tags: {includes: LIVING_ALONE}}) { totalCount } } }",
}
PAGE = """
query ($c: ID!, $after: String) {
  residents(first: 3, after: $after, filter: {community: $c}) {
    nodes { key tags } pageInfo { hasNextPage endCursor }
  }
}
"""
SURVEY_BY_TAG = """
query ($c: ID!, $category: ID!) {
  coverageGaps(communityId: $c, categoryId: $category, subject: RESIDENTS,
               tags: [LIVING_ALONE], radiusMeters: 3000, minCandidates: 2) { subjects }
}
"""


async def test_an_analyst_cannot_count_the_two_elders_living_alone_from_lists_pages_or_exports(
    analyst: GraphQL, gql: GraphQL, signed_in: SignIn, demo_app: Starlette, settings: Settings
) -> None:
    """The statistics withhold "2 elders living alone" in a community of 东区 (the test above);
    the analyst does not learn the 2 elsewhere: no list, count or survey of residents by tag
    (refused, FORBIDDEN), no tags on the rows paged through one by one, none in an export of the
    community. The social worker covering it reads and counts them as before."""
    key = await _two_living_alone(gql)
    two = gid("Community", key)
    for channel, query in BY_TAG.items():
        errors = await analyst.errors(f"query ($c: ID!) {{ {query} }}", c=two)
        assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"], channel
    survey = await analyst.errors(SURVEY_BY_TAG, c=two, category=VISIT)
    assert [e["extensions"]["code"] for e in survey] == ["FORBIDDEN"]

    # Every row of the community, page by page: all there, none with its tags.
    rows: list[dict] = []
    after = None
    while True:
        body = await analyst.raw(PAGE, c=two, after=after)
        page = body["data"]["residents"]
        rows += page["nodes"]
        if page["nodes"]:
            codes = {e["extensions"]["code"] for e in body["errors"]}
            assert codes == {"FORBIDDEN"}, body["errors"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    listed = await gql(
        "query ($c: ID!) { residents(first: 1, filter: {community: $c}) { totalCount } }", c=two
    )
    assert len(rows) == listed["residents"]["totalCount"] > 2  # every consenting resident
    assert all(row["tags"] is None for row in rows)

    async with client_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as http:
        exported = await http.get("/export/graph.graphml", params={"root": two, "depth": 1})
    assert exported.status_code == 200
    assert "Resident" in exported.text and "LIVING_ALONE" not in exported.text

    # The social worker covering the community serves them: the list counts the two.
    workers = await gql(
        "query ($c: ID!) { socialWorkers(first: 1, filter: {community: $c}) { nodes { key } } }",
        c=two,
    )
    worker = await signed_in(Role.SOCIAL_WORKER, workers["socialWorkers"]["nodes"][0]["key"])
    for channel in ("a filter of any tag", "a filter of all tags", "a where"):
        found = await worker(f"query ($c: ID!) {{ {BY_TAG[channel]} }}", c=two)
        assert found["residents"]["totalCount"] == 2, channel


SURVEY_OF_ALL = """
query ($c: ID, $d: ID, $category: ID!) {
  coverageGaps(communityId: $c, districtId: $d, categoryId: $category, subject: RESIDENTS,
               radiusMeters: 3000, minCandidates: 2) {
    subjects short groups { community { key } subjects short uncovered }
  }
}
"""


async def test_an_analyst_cannot_count_the_two_elders_living_alone_from_a_survey_of_all_residents(
    analyst: GraphQL, gql: GraphQL, signed_in: SignIn
) -> None:
    """A survey of residents without `tags` surveys everyone with any tag: per community it
    counted the two elders living alone the statistics withhold ("起湾: 2"). Below FULL it is
    refused, for the community and for its district alike, so no group, total or difference
    gives a 1 or 2 back; the administrator and the social worker covering the community survey
    their residents as before."""
    key = await _two_living_alone(gql)
    two = gid("Community", key)
    for scope in ({"c": two}, {"d": EAST}, {}):
        errors = await analyst.errors(SURVEY_OF_ALL, **scope, category=VISIT)
        assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"], scope
        assert "NEEDS" in errors[0]["message"]  # what the analyst may survey instead

    found = (await gql(SURVEY_OF_ALL, c=two, category=VISIT))["coverageGaps"]
    assert found["subjects"] >= 2 and [g["community"]["key"] for g in found["groups"]] == [key]
    workers = await gql(
        "query ($c: ID!) { socialWorkers(first: 1, filter: {community: $c}) { nodes { key } } }",
        c=two,
    )
    worker = await signed_in(Role.SOCIAL_WORKER, workers["socialWorkers"]["nodes"][0]["key"])
    assert (await worker(SURVEY_OF_ALL, c=two, category=VISIT))["coverageGaps"] == found
    # Outside the communities they cover, the social worker is refused as the analyst is.
    (error,) = await worker.errors(SURVEY_OF_ALL, category=VISIT)
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_district_figures_agree_with_the_lists_they_summarize(
    analyst: GraphQL, gql: GraphQL
) -> None:
    found = (await analyst(STATS, district=EAST))["statistics"]
    needs = await gql(
        "query ($d: ID!) { needs(first: 1, filter: {district: $d}) { totalCount } }", d=EAST
    )
    assert sum(s["count"] for s in found["needsByStatus"]) == needs["needs"]["totalCount"]
    residents = await gql(
        "query ($d: ID!) { residents(first: 1, filter: {district: $d}) { totalCount } }", d=EAST
    )
    assert found["residents"] == residents["residents"]["totalCount"]
    tagged = await gql(
        "query ($d: ID!) { residents(first: 1, filter: {district: $d, "
        "tagsAny: [ELDERLY_80_PLUS]}) { totalCount } }",
        d=EAST,
    )
    # An administrator reads every cell; the analyst the same, but for those withheld as too
    # small or adding up a small one (docs/PRIVACY.md "Small cells").
    full = (await gql(STATS, district=EAST))["statistics"]
    by_tag = {t["key"]: t["count"] for t in full["residentsByTag"]}
    assert by_tag["ELDERLY_80_PLUS"] == tagged["residents"]["totalCount"]
    seen = {t["key"]: t["count"] for t in found["residentsByTag"]}
    assert seen.keys() == by_tag.keys()
    assert all(seen[k] in {None, by_tag[k]} for k in seen)
    assert all(0 <= int(s["key"]) <= 5 for s in found["volunteersByStar"])
    assert all(h["verifiedHours"] <= h["hours"] for h in found["hoursByMonth"])
    assert found["medianDaysToFirstService"] is not None
    # 南区's money: the sixteen awards of its venture round.
    south = (await analyst(STATS, district=SOUTH))["statistics"]
    assert Decimal(south["granted"]["amount"]) >= sum(Decimal(a[-1]) for a in SOUTH_AWARDS)
    assert south["granted"]["grants"] >= len(SOUTH_AWARDS)


async def test_network_queries_are_for_analysts_social_workers_and_admins(
    demo_app: Starlette, settings: Settings
) -> None:
    for role, subject in ((None, None), (Role.VOLUNTEER, "volunteer-zs-busy"),
                          (Role.PARTNER, "org-zs-east-clinic")):  # fmt: skip
        headers = bearer(settings, role, subject) if role else {}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=demo_app),
            base_url="http://testserver",
            headers=headers,
        ) as http:
            body = await GraphQL(http).raw(STATS, district=EAST)
        assert body["data"] is None or body["data"].get("statistics") is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_network_arguments_get_clear_errors(analyst: GraphQL) -> None:
    hub = gid("Organization", HUB)
    (error,) = await analyst.errors(HOOD, id=hub, depth=9)
    assert error["extensions"]["code"] == "BAD_USER_INPUT" and "depth" in error["message"]
    (error,) = await analyst.errors(HOOD, id=hub, limit=0)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    (error,) = await analyst.errors(HOOD, id=gid("Organization", "org-nowhere"))
    assert error["extensions"]["code"] == "NOT_FOUND"
    (error,) = await analyst.errors(HOOD, id="not-an-id")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    (error,) = await analyst.errors(STATS, district=EAST, community=gid("Community", "x"))
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    (error,) = await analyst.errors(STATS, district=gid("District", "district-nowhere"))
    assert error["extensions"]["code"] == "NOT_FOUND"


# --- personal ties and free text about residents --------------------------------------------

# 何姨 (a volunteer, named in public) is the daughter of a resident of 起湾 (FAMILY_OF, relation
# PARENT); she has also served her mother's weekly visit (PERFORMED -> record -> FOR -> need).
HE_YI = gid("Volunteer", "volunteer-zs-near")
MOTHER = gid("Resident", "resident-zs-neighbour-1")
MOTHERS_VISIT = gid("Need", "need-zs-neighbour-visit")
COVERING_WORKER = "worker-0001"  # covers 起湾


def _ties(found: dict, kind: str) -> list[tuple[str, str]]:
    return [(e["source"], e["target"]) for e in found["edges"] if e["type"] == kind]


async def test_an_analyst_does_not_see_that_a_named_volunteer_is_a_residents_family(
    analyst: GraphQL, gql: GraphQL, demo_app: Starlette, settings: Settings
) -> None:
    body = await analyst.raw(HOOD, id=HE_YI)
    found = body["data"]["neighborhood"]
    assert not _ties(found, "FAMILY_OF") and "PARENT" not in str(body)
    # Her mother is not reached through the tie either: nothing at one hop says she exists.
    assert MOTHER not in {n["id"] for n in found["nodes"]}
    # Asking for the tie by name finds nothing beyond the volunteer herself.
    only = await analyst(
        "query ($id: ID!) { neighborhood(id: $id, relationshipTypes: [FAMILY_OF]) "
        "{ nodes { id } edges { type } } }",
        id=HE_YI,
    )
    assert only["neighborhood"] == {"nodes": [{"id": HE_YI}], "edges": []}
    # An administrator, and the social worker covering the mother's community, see it.
    assert _ties((await gql(HOOD, id=HE_YI))["neighborhood"], "FAMILY_OF") == [(HE_YI, MOTHER)]
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, COVERING_WORKER) as worker:
        seen = (await worker(HOOD, id=HE_YI))["neighborhood"]
    assert _ties(seen, "FAMILY_OF") == [(HE_YI, MOTHER)]


async def test_the_shortest_connection_does_not_run_through_a_hidden_family_tie(
    analyst: GraphQL, gql: GraphQL
) -> None:
    both = {"from": HE_YI, "to": MOTHER}
    admin = (await gql(CONNECT, **both))["shortestConnection"]
    assert admin["length"] == 1 and [e["type"] for e in admin["edges"]] == ["FAMILY_OF"]
    # The analyst's path is one any neighbour in 起湾 has: nothing says "family".
    found = (await analyst(CONNECT, **both))["shortestConnection"]
    assert found["found"] and found["length"] == 2
    # (She served her mother's weekly visits last year: assigned to a need of a resident
    # whose name is withheld, as any volunteer's assignment reads.)
    assert [e["type"] for e in found["edges"]] in (
        ["SERVES_AREA", "LIVES_IN"],
        ["ASSIGNED", "HAS_NEED"],
    )
    assert found["nodes"][-1]["nameWithheld"]
    # Over the family tie alone there is no path at all for the analyst.
    alone = (await analyst(CONNECT, **both, types=["FAMILY_OF"]))["shortestConnection"]
    assert alone == {"found": False, "length": None, "truncated": False, "nodes": [], "edges": []}


async def test_credits_spent_on_family_are_not_an_edge_an_analyst_can_follow(
    analyst: GraphQL, gql: GraphQL, engine_store: GraphStore, load_demo: DemoLoader
) -> None:
    # Time-bank credits pay only for family: an entry spent on the mother's need says FAMILY_OF.
    spent = await gql(
        "mutation ($v: ID!, $n: ID!) { spendTimeCredits(volunteerId: $v, needId: $n, hours: 2) "
        "{ entry { key } } }",
        v=HE_YI,
        n=MOTHERS_VISIT,
    )
    entry = gid("TimeBankEntry", spent["spendTimeCredits"]["entry"]["key"])
    try:
        # The analyst sees no ledger at all (a ledger sums to a balance), so no path through it.
        hood = (await analyst(HOOD, id=HE_YI))["neighborhood"]
        assert not _ties(hood, "HOLDS") and not _ties(hood, "SPENT_ON")
        ledger = {"from": HE_YI, "to": MOTHERS_VISIT, "types": ["HOLDS", "SPENT_ON"]}
        assert not (await analyst(CONNECT, **ledger))["shortestConnection"]["found"]
        admin = (await gql(HOOD, id=entry))["neighborhood"]
        assert _ties(admin, "SPENT_ON") == [(entry, MOTHERS_VISIT)]
        assert (await gql(CONNECT, **ledger))["shortestConnection"]["length"] == 2
        # Nor through the entry itself in the ordinary API.
        ledger_line = (
            "query ($id: ID!) { node(id: $id) { ... on TimeBankEntry { volunteer { key } "
            "spentOn { key } } } }"
        )
        body = await analyst.raw(ledger_line, id=entry)
        assert body["data"]["node"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
        assert (await gql(ledger_line, id=entry))["node"]["spentOn"] == {
            "key": "need-zs-neighbour-visit"
        }
    finally:  # the module's demo data is shared: put it back as it was
        await load_demo(engine_store)


async def test_need_titles_written_about_a_resident_are_not_an_analysts_node_names(
    analyst: GraphQL, gql: GraphQL
) -> None:
    lin = gid("Resident", "resident-zs-qiwan-01")
    needs = [n for n in (await analyst(HOOD, id=lin))["neighborhood"]["nodes"]
             if n["label"] == "Need"]  # fmt: skip
    assert needs and all(n["nameWithheld"] and n["name"] == n["key"] for n in needs)
    titles = {n["name"] for n in (await gql(HOOD, id=lin))["neighborhood"]["nodes"]
              if n["label"] == "Need"}  # fmt: skip
    assert "每周上门探访" in titles


# A resident of a one-street test community, ~230 m from the centre of her ~500 m grid cell,
# and a volunteer ~300 m from her door but ~530 m from that centre.
DOOR = Point(22.5210, 113.3910)  # the cell's centre is (22.5225, 113.3925)
VOLUNTEER_BASE = Point(22.5190, 113.3890)
FORGET = dynamic(
    "test.network.forget",
    "MATCH (n) WHERE n.id IN $ids DETACH DELETE n",
)


@pytest.fixture
async def one_door(demo_app: Starlette, engine_store: GraphStore) -> AsyncIterator[str]:
    """A community holding one tagged resident, her visit, and one volunteer in reach, beside
    the demo."""
    batch = Batch()
    batch.add(
        Community("community-t-door", "试验社区", DOOR),
        ServiceCategory("cat-t-door", "试验服务"),
        Skill("skill-t-door", "试验专长"),
        # She consents to analysis: the analyst surveys only residents who do.
        Resident("resident-t-door", "试验居民", DOOR, tags=("LIVING_ALONE",), consent=True,
                 consent_scopes=(ConsentScope.ANALYSIS,)),
        Volunteer("volunteer-t-door", "试验义工", VOLUNTEER_BASE, service_radius_meters=2_000,
                  availability=("MON_AM",)),
        Need("need-t-door", "试验探访", slots=("MON_AM",)),
    )  # fmt: skip
    batch.link(T.SKILL_OF_CATEGORY, "skill-t-door", "cat-t-door")
    batch.link(P.RESIDENT_LIVES_IN, "resident-t-door", "community-t-door")
    batch.link(P.VOLUNTEER_HAS_SKILL, "volunteer-t-door", "skill-t-door", level=3, certified=True)
    batch.link(S.RESIDENT_HAS_NEED, "resident-t-door", "need-t-door")
    batch.link(S.NEED_IN, "need-t-door", "community-t-door")
    batch.link(S.NEED_OF_CATEGORY, "need-t-door", "cat-t-door")
    await batch.flush(engine_store)
    yield gid("Community", "community-t-door")
    ids = ["community-t-door", "cat-t-door", "skill-t-door", "resident-t-door", "volunteer-t-door",
           "need-t-door"]  # fmt: skip
    await engine_store.write(FORGET, {"ids": ids})


async def test_a_gap_survey_measures_an_analysts_residents_from_their_cell_not_their_door(
    analyst: GraphQL, gql: GraphQL, one_door: str
) -> None:
    """Her visit is where she lives. The analyst surveys needs (residents only in full, the
    small-cells test above), and measures hers from her cell."""
    survey = """query ($c: ID!, $cat: ID!, $r: Int!, $s: GapSubject!) { coverageGaps(
        communityId: $c, subject: $s, categoryId: $cat, radiusMeters: $r, minCandidates: 1)
        { groups { subjects uncovered } } }"""
    at = {"c": one_door, "cat": gid("ServiceCategory", "cat-t-door"), "s": "NEEDS"}
    # 400 m reaches her from the volunteer's base: the administrator's survey, from her door,
    # of her visit and of herself alike.
    for subject in ("NEEDS", "RESIDENTS"):
        admin = (await gql(survey, **{**at, "s": subject}, r=400))["coverageGaps"]["groups"]
        assert admin == [{"subjects": 1, "uncovered": 0}], subject
    # The analyst's is from her cell's centre to the centre of the volunteer's cell (~757 m):
    # 700 m does not reach, 800 m does. Stepping the radius metre by metre tells the analyst
    # nothing finer than the two cells: neither her door nor the volunteer's home.
    for radius, uncovered in ((400, 1), (700, 1), (800, 0)):
        found = (await analyst(survey, **at, r=radius))["coverageGaps"]["groups"]
        assert found == [{"subjects": 1, "uncovered": uncovered}]


ONE_COMMUNITY = """
query ($c: ID!) {
  counted: residents(first: 10, filter: {community: $c}) { totalCount }
  paged: residents(first: 10, filter: {community: $c}) { nodes { key } }
  women: residents(first: 10, filter: {community: $c}, where: {gender: {eq: FEMALE}}) {
    totalCount
  }
  statistics(communityId: $c) { residents residentsSuppression { fewerThan } }
  through: node(id: $c) { ... on Community { residents(first: 10) { totalCount nodes { key } } } }
}
"""


async def test_a_community_of_one_resident_is_not_counted_back_from_an_analysts_list(
    analyst: GraphQL, gql: GraphQL, one_door: str
) -> None:
    """试验社区 has one resident, who consents to analysis: the statistics withhold its figure
    ("fewer than 3"), and the analyst's list of it is refused whole — its count, its rows paged
    through, the community's own `residents` — as a small cell is; a `where` that holds nobody
    answers 0. The administrator lists her."""
    body = await analyst.raw(ONE_COMMUNITY, c=one_door)
    assert body["data"]["statistics"] == {
        "residents": None,
        "residentsSuppression": {"fewerThan": 3},
    }
    assert body["data"]["counted"] is None and body["data"]["paged"] is None
    assert body["data"]["women"] == {"totalCount": 0}  # she is not recorded as one: 0 names nobody
    assert (body["data"]["through"] or {}).get("residents") is None
    refused = {e["path"][0]: e["extensions"]["code"] for e in body["errors"]}
    assert refused == {"counted": "FORBIDDEN", "paged": "FORBIDDEN", "through": "FORBIDDEN"}
    listed = await gql(ONE_COMMUNITY, c=one_door)
    assert listed["counted"]["totalCount"] == 1
    assert listed["paged"]["nodes"] == [{"key": "resident-t-door"}]


async def test_a_covering_social_worker_sees_the_ledgers_of_their_volunteers_in_a_walk(
    analyst: GraphQL, gql: GraphQL, signed_in: SignIn
) -> None:
    """A walk admits rows as the lists do: 何姨 serves 起湾, which worker-0001 covers, so her
    time-bank entries are his to see — in `node`, and in her neighbourhood too."""
    worker = await signed_in(Role.SOCIAL_WORKER, "worker-0001")
    admin_ties = _ties((await gql(HOOD, id=HE_YI))["neighborhood"], "HOLDS")
    assert admin_ties
    assert _ties((await worker(HOOD, id=HE_YI))["neighborhood"], "HOLDS") == admin_ties
    assert not _ties((await analyst(HOOD, id=HE_YI))["neighborhood"], "HOLDS")
