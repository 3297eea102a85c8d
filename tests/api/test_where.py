"""`where` on root lists: what a front end can ask, and that it answers as the old filters do.

Scenarios on the demo data, on both engines: AND/OR/NOT, each operator kind, relationship
conditions (some/none/all), starting from the entity a condition names by id, the same page as
the equivalent deprecated `filter`, viewers narrowed or refused exactly as with the filter over
the same field, bad input refused with BAD_USER_INPUT, and one statement per list.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from access.tokens import Role
from api.ids import to_global_id as gid
from config import Settings
from graph.model import registry
from graph.model.where import compile_where
from tests.api.costs import round_trips
from tests.conftest import GraphQL, signed_in_as

QIWAN, EAST = "community-zs-qiwan", "district-zs-east"
BUSY_V = "volunteer-zs-busy"
WORKER = "worker-0001"
BORN_80 = dt.date.today().year - 80  # born in or before it: at least 80 this year (ageMin: 80)


def keys(data: dict[str, Any], field: str) -> list[str]:
    return [n["key"] for n in data[field]["nodes"]]


async def both(gql: GraphQL, field: str, kind: str, where: Any, old: Any) -> list[str]:
    """The first 100 keys of ``field`` under ``where`` and under the old ``filter``; asserts
    they are the same page (order included) and not empty."""
    query = (
        f"query ($w: {kind}Where, $f: {kind}Filter) {{ a: {field}(where: $w, first: 100) "
        f"{{ totalCount nodes {{ key }} }} b: {field}(filter: $f, first: 100) "
        f"{{ totalCount nodes {{ key }} }} }}"
    )
    data = await gql(query, w=where, f=old)
    assert keys(data, "a") == keys(data, "b")
    assert data["a"]["totalCount"] == data["b"]["totalCount"]
    return keys(data, "a")


async def listed(gql: GraphQL, field: str, kind: str, where: Any) -> list[str]:
    """Every key of ``field`` under ``where``, page by page."""
    found: list[str] = []
    after = None
    while True:
        data = await gql(
            f"query ($w: {kind}Where, $a: String) {{ {field}(where: $w, first: 100, after: $a) "
            "{ nodes { key } pageInfo { hasNextPage endCursor } } }",
            w=where,
            a=after,
        )
        found += keys(data, field)
        if not data[field]["pageInfo"]["hasNextPage"]:
            return found
        after = data[field]["pageInfo"]["endCursor"]


# --- a where equal to an old filter gives the same page ---------------------------------------


async def test_a_coordinator_filtering_needs_with_where_gets_the_page_the_old_filter_gives(
    gql: GraphQL,
) -> None:
    open_needs = await both(
        gql, "needs", "Need", {"status": {"in": ["OPEN"]}}, {"status": ["OPEN"]}
    )
    assert open_needs
    community = gid("Community", QIWAN)
    assert await both(
        gql, "needs", "Need", {"communitySome": {"id": {"eq": community}}}, {"community": community}
    )
    assert await both(
        gql,
        "needs",
        "Need",
        {"slots": {"includes": "TUE_AM"}, "urgency": {"in": ["HIGH", "CRITICAL"]}},
        {"slot": "TUE_AM", "urgency": ["HIGH", "CRITICAL"]},
    )


async def test_volunteers_by_stars_language_and_slot_match_the_old_filter(gql: GraphQL) -> None:
    assert await both(
        gql,
        "volunteers",
        "Volunteer",
        {"starLevel": {"gte": 0, "lte": 5}, "languages": {"includes": "CANTONESE"}},
        {"starLevelMin": 0, "starLevelMax": 5, "language": "CANTONESE"},
    )
    # The demo's volunteers have the hours the reports give, short of a first star (100 h):
    # both ways of asking for starred volunteers agree that there are none yet.
    starred = await gql(
        "query { a: volunteers(where: {starLevel: {gte: 1}}) { totalCount } "
        "b: volunteers(filter: {starLevelMin: 1}) { totalCount } }"
    )
    assert starred["a"]["totalCount"] == starred["b"]["totalCount"] == 0
    assert await both(
        gql,
        "volunteers",
        "Volunteer",
        {"availability": {"includes": "SAT_AM"}, "status": {"eq": "ACTIVE"}},
        {"slot": "SAT_AM", "status": ["ACTIVE"]},
    )


async def test_residents_by_tags_any_and_all_match_the_old_filter(gql: GraphQL) -> None:
    assert await both(
        gql,
        "residents",
        "Resident",
        {"tags": {"includesAny": ["ELDERLY_80_PLUS", "LIVING_ALONE"]}},
        {"tagsAny": ["ELDERLY_80_PLUS", "LIVING_ALONE"]},
    )
    assert await both(
        gql,
        "residents",
        "Resident",
        {"tags": {"includesAll": ["ELDERLY_80_PLUS", "LIVING_ALONE"]}},
        {"tagsAll": ["ELDERLY_80_PLUS", "LIVING_ALONE"]},
    )


TAGGED_IN = """
query ($d: ID!, $any: [VulnerabilityTag!], $all: [VulnerabilityTag!]) {
  any: residents(first: 100, filter: {district: $d, tagsAny: $any}) { totalCount nodes { tags } }
  all: residents(first: 1, filter: {district: $d, tagsAll: $all}) { totalCount }
}
"""


@pytest.mark.parametrize(
    "tags", [["LIVING_ALONE"], ["LIVING_ALONE", "ELDERLY_80_PLUS"], ["LIVING_ALONE"] * 2]
)
async def test_a_district_s_residents_with_all_the_tags_are_those_listed_with_each(
    gql: GraphQL, tags: list[str]
) -> None:
    """The administrator asks 东区 for the residents carrying all of some tags: as many as those
    listed with any of them that carry each (a tag asked twice is asked once). FalkorDB once
    answered 0 here while `tagsAny` found 26."""
    data = await gql(TAGGED_IN, d=gid("District", EAST), any=tags, all=tags)
    carrying = [n for n in data["any"]["nodes"] if set(tags) <= set(n["tags"])]
    assert data["any"]["totalCount"] == len(data["any"]["nodes"])  # the whole list was read
    assert carrying and data["all"]["totalCount"] == len(carrying)


async def test_communities_near_a_point_match_the_old_near_filter(gql: GraphQL) -> None:
    near = {"latitude": 22.52, "longitude": 113.39, "radiusMeters": 3000}
    assert await both(gql, "communities", "Community", {"location": {"near": near}}, {"near": near})


# --- AND / OR / NOT and each operator kind ----------------------------------------------------


async def test_or_is_the_union_and_not_the_complement(gql: GraphQL) -> None:
    high = set(await listed(gql, "needs", "Need", {"urgency": {"eq": "HIGH"}}))
    critical = set(await listed(gql, "needs", "Need", {"urgency": {"eq": "CRITICAL"}}))
    either = await listed(
        gql, "needs", "Need", {"OR": [{"urgency": {"eq": "HIGH"}}, {"urgency": {"eq": "CRITICAL"}}]}
    )
    assert set(either) == high | critical and high and critical
    every = set(await listed(gql, "needs", "Need", {}))
    others = await listed(gql, "needs", "Need", {"NOT": {"urgency": {"in": ["HIGH", "CRITICAL"]}}})
    assert set(others) == every - high - critical
    both_ = await listed(
        gql, "needs", "Need", {"AND": [{"urgency": {"eq": "HIGH"}}, {"status": {"eq": "OPEN"}}]}
    )
    assert set(both_) <= high


async def test_text_number_date_instant_and_boolean_operators(gql: GraphQL) -> None:
    data = await gql(
        "{ volunteers(first: 100, sort: STAR_LEVEL, direction: DESC) "
        "{ totalCount nodes { key name starLevel } } }"
    )
    volunteers = data["volunteers"]["nodes"]
    name = volunteers[0]["name"]
    found = await listed(gql, "volunteers", "Volunteer", {"name": {"eq": name}})
    assert volunteers[0]["key"] in found
    assert volunteers[0]["key"] in await listed(
        gql, "volunteers", "Volunteer", {"name": {"startsWith": name[:1], "contains": name[-1:]}}
    )
    starred = await listed(gql, "volunteers", "Volunteer", {"starLevel": {"gt": 0}})
    # In descending star order, the first 100 hold every starred volunteer or are all starred.
    shown = {v["key"] for v in volunteers if v["starLevel"] > 0}
    assert set(starred) == shown if len(shown) < len(volunteers) else shown <= set(starred)
    records = await gql("{ serviceRecords(first: 100) { nodes { key date } } }")
    dates = sorted(r["date"] for r in records["serviceRecords"]["nodes"])
    middle = dates[len(dates) // 2]
    later = await listed(gql, "serviceRecords", "ServiceRecord", {"date": {"gte": middle}})
    assert later[:100] == await both(
        gql, "serviceRecords", "ServiceRecord", {"date": {"gte": middle}}, {"dateFrom": middle}
    )
    needs = await gql("{ needs(first: 100) { nodes { key createdAt } } }")
    nodes = needs["needs"]["nodes"]
    instant = sorted(n["createdAt"] for n in nodes)[len(nodes) // 2]
    assert await both(
        gql, "needs", "Need", {"createdAt": {"gte": instant}}, {"createdFrom": instant}
    )
    strict = set(await listed(gql, "needs", "Need", {"languageRequired": {"eq": True}}))
    lax = set(await listed(gql, "needs", "Need", {"languageRequired": {"eq": False}}))
    assert strict and not strict & lax


async def test_ids_and_relationships_some_none_and_all(gql: GraphQL) -> None:
    community = gid("Community", QIWAN)
    inside = set(await listed(gql, "needs", "Need", {"communitySome": {"id": {"eq": community}}}))
    outside = set(await listed(gql, "needs", "Need", {"communityNone": {"id": {"eq": community}}}))
    every = set(await listed(gql, "needs", "Need", {}))
    assert inside and outside and inside | outside == every and not inside & outside
    # A need is in one community or none: "all of its communities are 起湾" is "in 起湾, or in
    # none" (true of no community at all, as in the Neo4j GraphQL Library).
    nowhere = set(await listed(gql, "needs", "Need", {"communityNone": {}}))
    assert set(await listed(gql, "needs", "Need", {"communityAll": {"id": {"eq": community}}})) == (
        inside | nowhere
    )
    some = sorted(inside)[:2]
    ids = [gid("Need", k) for k in some]
    assert sorted(await listed(gql, "needs", "Need", {"id": {"in": ids}})) == some
    assert await listed(gql, "needs", "Need", {"id": {"eq": ids[0]}}) == some[:1]
    # Through a relationship on a related property: volunteers with a skill by name.
    skills = await gql("{ skills(first: 1) { nodes { key name } } }")
    skill = skills["skills"]["nodes"][0]
    with_skill = await listed(
        gql, "volunteers", "Volunteer", {"skillsSome": {"name": {"eq": skill["name"]}}}
    )
    by_id = await listed(
        gql, "volunteers", "Volunteer", {"skillsSome": {"id": {"eq": gid("Skill", skill["key"])}}}
    )
    assert with_skill == by_id


async def test_two_relationship_conditions_together_answer_their_intersection(
    gql: GraphQL,
) -> None:
    """Several relationship conditions are each a comprehension in one WITH; FalkorDB mixes up
    two that share a variable, so the compiler gives each its own. Asked together, they must
    answer exactly the rows each answers alone."""
    in_team = {"teamsSome": {"name": {"contains": "义工"}}}
    skilled = {"skillsSome": {"id": {"eq": gid("Skill", "skill-haircut")}}}
    everywhere_urban = {"serviceAreasAll": {"kind": {"eq": "COMMUNITY"}}}
    alone = [
        set(await listed(gql, "volunteers", "Volunteer", w))
        for w in (in_team, skilled, everywhere_urban)
    ]
    assert all(alone)
    assert alone[0] & alone[1] != alone[0] | alone[1]  # the intersection narrows: it can fail
    together = await listed(
        gql, "volunteers", "Volunteer", {"AND": [in_team, skilled, everywhere_urban]}
    )
    assert set(together) == alone[0] & alone[1] & alone[2]
    compiled = compile_where(
        registry.family_named("Volunteer"), {"AND": [in_team, skilled, everywhere_urban]}
    )
    bound = [re.findall(r"\((\w+):[A-Z]", p) for p in compiled.clause.projections]
    names = [n for found in bound for n in found if n != "n"]
    assert len(names) == len(set(names)), compiled.clause.projections


def test_a_where_naming_an_entity_by_id_starts_from_it() -> None:
    need = registry.family_named("Need")
    own = compile_where(need, {"id": {"eq": "need-1"}, "status": {"eq": "OPEN"}})
    assert own.clause.anchor == "MATCH (n:Need {id: $w0})"
    through = compile_where(
        need, {"AND": [{"status": {"eq": "OPEN"}}, {"residentSome": {"id": {"eq": "r-1"}}}]}
    )
    assert through.clause.anchor == (
        "MATCH (n:Need)<-[:HAS_NEED]-(:Resident {id: $w1}) WITH DISTINCT n"
    )
    # Under an OR the entity is not certain: no start from it.
    either = compile_where(need, {"OR": [{"id": {"eq": "a"}}, {"id": {"eq": "b"}}]})
    assert either.clause.anchor is None


# --- privacy: narrowed or refused as the old filters -------------------------------------------


async def test_an_analyst_is_refused_a_where_on_resident_names_and_birth_years_as_a_filter(
    demo_app: Starlette, settings: Settings
) -> None:
    async with signed_in_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as analyst:
        old = await analyst.errors("{ residents(filter: {ageMin: 80}) { totalCount } }")
        new = await analyst.errors("{ residents(where: {birthYear: {lte: 1945}}) { totalCount } }")
        assert new[0]["extensions"]["code"] == old[0]["extensions"]["code"] == "FORBIDDEN"
        assert new[0]["message"] == old[0]["message"]
        named = await analyst.errors(
            '{ residents(where: {name: {startsWith: "李"}}) { totalCount } }'
        )
        assert named[0]["extensions"]["code"] == "FORBIDDEN"
        assert "name" in named[0]["message"]
        # Not even hidden in an OR or a NOT.
        hidden = await analyst.errors(
            '{ residents(where: {OR: [{gender: {eq: FEMALE}}, {NOT: {name: {eq: "x"}}}]}) '
            "{ totalCount } }"
        )
        assert hidden[0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_analyst_near_a_home_gets_the_coarse_answer_the_old_near_filter_gives(
    demo_app: Starlette, settings: Settings, gql: GraphQL
) -> None:
    home = await gql(
        "query ($id: ID!) { node(id: $id) { ... on Resident "
        "{ location { latitude longitude } } } }",
        id=gid("Resident", "resident-zs-qiwan-01"),
    )
    near = {**home["node"]["location"], "radiusMeters": 20}
    async with signed_in_as(demo_app, settings, Role.ANALYST, "analyst-zs-bureau") as analyst:
        answer = await both(
            analyst, "residents", "Resident", {"location": {"near": near}}, {"near": near}
        )
    # Compared on the cell with the radius floored: more than the one door.
    assert len(answer) > 1


async def test_a_volunteer_filtering_residents_by_tags_is_refused_as_with_the_filter(
    demo_app: Starlette, settings: Settings
) -> None:
    async with signed_in_as(demo_app, settings, Role.VOLUNTEER, BUSY_V) as volunteer:
        old = await volunteer.errors("{ residents(filter: {tagsAny: [ELDERLY]}) { totalCount } }")
        new = await volunteer.errors(
            "{ residents(where: {tags: {includes: ELDERLY}}) { totalCount } }"
        )
        assert new[0]["extensions"]["code"] == old[0]["extensions"]["code"] == "FORBIDDEN"
        assert new[0]["message"] == old[0]["message"]
        # Through a relationship: residents are seen by grant only, so needs may name their
        # resident by id, never by a property.
        errors = await volunteer.errors(
            "{ needs(where: {residentSome: {gender: {eq: FEMALE}}}) { totalCount } }"
        )
        assert errors[0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_social_worker_counts_by_birth_year_only_the_residents_they_may_read(
    demo_app: Starlette, settings: Settings, gql: GraphQL
) -> None:
    district = gid("District", EAST)
    by_year = (
        "query ($d: ID!, $y: Int!) { residents(where: {birthYear: {lte: $y}}, "
        "filter: {district: $d}) { totalCount } }"
    )
    everywhere = await gql(by_year, d=district, y=BORN_80)
    async with signed_in_as(demo_app, settings, Role.SOCIAL_WORKER, WORKER) as worker:
        old = await worker(
            "query ($d: ID!) { residents(filter: {district: $d, ageMin: 80}) { totalCount } }",
            d=district,
        )
        new = await worker(by_year, d=district, y=BORN_80)
    assert new["residents"]["totalCount"] == old["residents"]["totalCount"]
    assert everywhere["residents"]["totalCount"] > new["residents"]["totalCount"] > 0


# --- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    [
        "{starLevel: {gt: 4, lt: 2}}",
        "{OR: []}",
        '{NOT: {NOT: {NOT: {NOT: {NOT: {NOT: {name: {eq: "x"}}}}}}}}',
        "{starLevel: {}}",
        '{id: {eq: "bm90IGFuIGlk"}}',
        "{location: {near: {latitude: 95, longitude: 113, radiusMeters: 10}}}",
    ],
)
async def test_bad_where_input_is_refused_with_bad_user_input(gql: GraphQL, where: str) -> None:
    errors = await gql.errors(f"{{ volunteers(where: {where}) {{ totalCount }} }}")
    assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]


async def test_an_unknown_enum_value_is_refused_as_in_the_old_filter(gql: GraphQL) -> None:
    # An unknown enum value fails the schema's validation before anything runs, with the code
    # the service gives every such request (the old filter's too), and no data.
    old = await gql.raw("{ volunteers(filter: {status: [RETIRED]}) { totalCount } }")
    new = await gql.raw("{ volunteers(where: {status: {eq: RETIRED}}) { totalCount } }")
    assert "data" not in new or new["data"] is None
    codes = [e["extensions"]["code"] for e in new["errors"]]
    assert (
        codes == [e["extensions"]["code"] for e in old["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    )


# --- cost -----------------------------------------------------------------------------------


async def test_a_list_under_a_where_is_one_statement(
    demo_app: Starlette, demo_client: httpx.AsyncClient
) -> None:
    query = (
        "{ needs(where: {status: {in: [OPEN, MATCHED]}, OR: [{urgency: {eq: HIGH}}, "
        '{requiredSkillsSome: {name: {contains: "护"}}}]}, first: 20) { nodes { key } } }'
    )
    cost, _ = await round_trips(demo_app, demo_client, query)
    assert cost == 1
