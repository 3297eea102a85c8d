"""Recruitments and sign-ups (招募, 报名): never beyond a recruitment's capacity."""

from __future__ import annotations

from collections.abc import Sequence

from graph.engine.errors import GraphNotFound
from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.entities import node_rows
from graph.model.services import RECRUITMENTS, Recruitment
from graph.workflows.guards import Lock, each_ok, step
from graph.workflows.runner import Done, Request, missing, perform, refused

POST_RECRUITMENT = step(
    "workflows.post_recruitment",
    reads="""
    OPTIONAL MATCH (o:Organization {id: $organization})
    OPTIONAL MATCH (c:Community {id: $community})
    OPTIONAL MATCH (venue:Venue {id: $venue})
    OPTIONAL MATCH (p:Project {id: $project})
    OPTIONAL MATCH (s:Skill) WHERE s.id IN $skills
    WITH seen, o, c, venue, p, collect(s) AS skills
    """,
    keep="o, c, venue, p, skills",
    problems=[
        ("o IS NULL", "ORGANIZATION_NOT_FOUND", missing("organization", "{organization}")),
        (
            "$community IS NOT NULL AND c IS NULL",
            "COMMUNITY_NOT_FOUND",
            missing("community", "{community}"),
        ),
        ("$venue IS NOT NULL AND venue IS NULL", "VENUE_NOT_FOUND", missing("venue", "{venue}")),
        (
            "$project IS NOT NULL AND p IS NULL",
            "PROJECT_NOT_FOUND",
            missing("project", "{project}"),
        ),
        (
            "size(skills) < size($skills)",
            "SKILL_NOT_FOUND",
            (GraphNotFound, "One of the required skills does not exist."),
        ),
    ],
    write="CREATE (n:Recruitment:Searchable {id: $id}) SET n += $props, n.search = $search "
    "CREATE (o)-[:RUNS]->(n) "
    "FOREACH (x IN CASE WHEN c IS NULL THEN [] ELSE [c] END | CREATE (n)-[:IN]->(x)) "
    "FOREACH (x IN CASE WHEN venue IS NULL THEN [] ELSE [venue] END | "
    "CREATE (n)-[:LOCATED_AT]->(x)) "
    "FOREACH (x IN CASE WHEN p IS NULL THEN [] ELSE [p] END | CREATE (n)-[:FOR]->(x)) "
    "FOREACH (x IN skills | CREATE (n)-[:REQUIRES]->(x))",
    result="$id",
)

RECRUITMENT = Lock("rec", "Recruitment", "recruitment")
RECRUITMENT_NOT_FOUND = missing("recruitment", "{recruitment}")

SIGN_UP = step(
    "workflows.sign_up",
    locks=RECRUITMENT,
    reads="""
    OPTIONAL MATCH (:Volunteer)-[su:SIGNED_UP {status: 'SIGNED_UP'}]->(rec)
    WITH seen, rec, count(su) AS taken
    OPTIONAL MATCH (v:Volunteer {id: $volunteer})
    OPTIONAL MATCH (v)-[mine:SIGNED_UP]->(rec)
    """,
    keep="rec, taken, v, mine",
    problems=[
        ("rec IS NULL", "RECRUITMENT_NOT_FOUND", RECRUITMENT_NOT_FOUND),
        ("v IS NULL", "VOLUNTEER_NOT_FOUND", missing("volunteer", "{volunteer}")),
        ("v.status <> 'ACTIVE'", "INACTIVE", refused("Volunteer {volunteer} is not active.")),
        ("rec.status = 'CLOSED'", "RECRUITMENT_CLOSED", refused("That recruitment is closed.")),
        (
            "rec.startsAt IS NOT NULL AND rec.startsAt <= $at",
            "RECRUITMENT_STARTED",
            refused("That activity has already started."),
        ),
        (
            "mine IS NOT NULL AND mine.status = 'SIGNED_UP'",
            "ALREADY_SIGNED_UP",
            refused("Volunteer {volunteer} has already signed up."),
        ),
        (
            "taken >= rec.capacity",
            "RECRUITMENT_FULL",
            refused("That recruitment is full; every place is taken."),
        ),
    ],
    each=each_ok("[v]", "MERGE (x)-[s:SIGNED_UP]->(rec) SET s.status = 'SIGNED_UP', s.at = $at"),
    write="SET rec.status = CASE WHEN taken + 1 >= rec.capacity THEN 'FULL' ELSE 'OPEN' END",
    result="$recruitment",
)

WITHDRAW = step(
    "workflows.withdraw",
    locks=RECRUITMENT,
    reads="""
    OPTIONAL MATCH (:Volunteer {id: $volunteer})-[mine:SIGNED_UP {status: 'SIGNED_UP'}]->(rec)
    """,
    keep="rec, mine",
    problems=[
        ("rec IS NULL", "RECRUITMENT_NOT_FOUND", RECRUITMENT_NOT_FOUND),
        (
            "mine IS NULL",
            "NOT_SIGNED_UP",
            refused("Volunteer {volunteer} is not signed up for it."),
        ),
    ],
    each=each_ok("[mine]", "SET x.status = 'WITHDRAWN', x.withdrawnAt = $at"),
    write="SET rec.status = CASE WHEN rec.status = 'FULL' THEN 'OPEN' ELSE rec.status END",
    result="$recruitment",
)


async def post_recruitment(
    store: GraphStore,
    request: Request,
    recruitment: Recruitment,
    *,
    organization: str,
    community: str | None,
    venue: str | None,
    project: str | None,
    skills: Sequence[str],
) -> Done:
    row = node_rows(RECRUITMENTS, [recruitment])[0]
    return await perform(
        store,
        POST_RECRUITMENT,
        {
            "id": recruitment.id,
            "props": row["props"],
            "search": row["search"],
            "organization": organization,
            "community": community,
            "venue": venue,
            "project": project,
            "skills": list(dict.fromkeys(skills)),
        },
        request,
        recruitment.id,
        change=Change("RECRUITMENT_POSTED", "Recruitment", {"Organization": [organization]}),
    )


async def sign_up(store: GraphStore, request: Request, recruitment: str, volunteer: str) -> Done:
    return await perform(
        store,
        SIGN_UP,
        {"recruitment": recruitment, "volunteer": volunteer},
        request,
        recruitment,
        change=Change("SIGNED_UP", "Recruitment", {"Volunteer": [volunteer]}),
    )


async def withdraw(store: GraphStore, request: Request, recruitment: str, volunteer: str) -> Done:
    return await perform(
        store,
        WITHDRAW,
        {"recruitment": recruitment, "volunteer": volunteer},
        request,
        recruitment,
        change=Change("SIGN_UP_WITHDRAWN", "Recruitment", {"Volunteer": [volunteer]}),
    )
