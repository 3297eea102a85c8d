"""GraphQL over HTTP as the spec and our error rules say, through the real app and lifespan."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from graphql import GraphQLError, parse

from api.errors import NotFound
from api.ids import to_global_id
from app import GRAPHQL_RESPONSE, preferred_media_type
from config import Limits
from graph.engine.errors import GraphQueryError, GraphUnavailable
from graph.engine.store import GraphStore
from schema import schema
from schema.errors import format_error
from schema.limits import budget

JSON_HEADERS = {"content-type": "application/json"}


async def post(client: httpx.AsyncClient, query: str, accept: str | None = None) -> httpx.Response:
    headers = dict(JSON_HEADERS)
    if accept:
        headers["accept"] = accept
    return await client.post("/graphql", json={"query": query}, headers=headers)


async def test_typename_answers_over_post(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ __typename }")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_a_query_answers_over_get(client: httpx.AsyncClient, engine: str) -> None:
    response = await client.get("/graphql", params={"query": "{ service { graphEngine } }"})
    assert response.status_code == 200
    assert response.json() == {"data": {"service": {"graphEngine": engine}}}


async def test_graphql_response_json_is_served_when_asked_for(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ __typename }", accept=f"{GRAPHQL_RESPONSE}, application/json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)


async def test_a_validation_error_is_400_with_graphql_response_json(
    client: httpx.AsyncClient,
) -> None:
    response = await post(client, "{ noSuchField }", accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 3}]


async def test_a_validation_error_is_200_with_legacy_json(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ noSuchField }")
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_a_syntax_error_has_its_own_code(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ service { ", accept=GRAPHQL_RESPONSE)
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_a_body_that_is_not_json_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", content=b"{not json", headers=JSON_HEADERS)
    assert response.status_code == 400


async def test_a_browser_gets_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


async def test_health_and_readiness(client: httpx.AsyncClient, engine: str) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "graph": engine}


async def test_every_response_carries_a_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"x-request-id": "trace-123"})
    assert response.headers["x-request-id"] == "trace-123"
    assert len((await client.get("/healthz")).headers["x-request-id"]) == 32


async def test_label_counts_read_the_graph(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ service { labelCounts { label nodes } } }")
    assert response.json() == {"data": {"service": {"labelCounts": []}}}


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"application/json;q=0.5, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.9", "application/json"),
        (f"{GRAPHQL_RESPONSE}, application/json", GRAPHQL_RESPONSE),
    ],
)
def test_media_type_negotiation(accept: str | None, expected: str) -> None:
    assert preferred_media_type(accept) == expected


def _wrapped(exc: Exception) -> GraphQLError:
    return GraphQLError("raw", path=["service"], original_error=exc)


def test_an_unexpected_error_is_masked_with_a_reference() -> None:
    formatted = format_error(_wrapped(GraphQueryError("x.y", "MATCH (n) secret detail")))
    assert formatted["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "MATCH" not in formatted["message"]
    assert "reference" in formatted["message"]


def test_an_unavailable_graph_has_its_code_and_no_detail() -> None:
    formatted = format_error(_wrapped(GraphUnavailable("socket /secret/path refused")))
    assert formatted["extensions"]["code"] == "GRAPH_UNAVAILABLE"
    assert "/secret" not in formatted["message"]


def test_a_user_error_keeps_its_message_and_code() -> None:
    formatted = format_error(_wrapped(NotFound("No volunteer has id V-1.", id="V-1")))
    assert formatted == {
        "message": "No volunteer has id V-1.",
        "path": ["service"],
        "extensions": {"id": "V-1", "code": "NOT_FOUND"},
    }


# --- the work of network queries ------------------------------------------------------------------


def _neighbourhoods(count: int, depth: int, limit: int) -> str:
    hub = to_global_id("District", "district-zs-east")
    return "{ " + " ".join(
        f'n{i}: neighborhood(id: "{hub}", depth: {depth}, limit: {limit}) '
        "{ nodes { id name } edges { type source target } }"
        for i in range(count)
    ) + " }"  # fmt: skip


async def test_many_aliased_deep_neighbourhoods_are_refused_as_too_much_work(
    client: httpx.AsyncClient, engine_store: GraphStore
) -> None:
    """Each alias is a walk of its own: 30 depth-4 walks of 500 nodes visit about 30 × 2,584
    graph rows, over the 25,000 one request may visit; nothing is read."""
    engine_store.round_trips = 0
    body = (await post(client, _neighbourhoods(30, depth=4, limit=500))).json()
    work = [e for e in body["errors"] if e["extensions"].get("limit") == "work"]
    assert work and work[0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert work[0]["extensions"]["found"] == 30 * 2_584 > work[0]["extensions"]["allowed"]
    assert "aliases" in work[0]["message"]
    assert "data" not in body
    assert engine_store.round_trips == 0


async def test_the_lists_of_a_network_answer_count_as_long_as_its_limit(
    client: httpx.AsyncClient, engine_store: GraphStore
) -> None:
    """A neighbourhood's `nodes` may hold `limit` entities, each with its own pages: 500 nodes
    × 100 skills is 50,000 items per field, over the item budget (it counted once before)."""
    hub = to_global_id("District", "district-zs-east")
    query = (
        f'{{ neighborhood(id: "{hub}", depth: 1, limit: 500) {{ nodes {{ entity {{ '
        "... on Volunteer { skills(first: 100) { nodes { name } } } } } } }"
    )
    engine_store.round_trips = 0
    body = (await post(client, query)).json()
    assert [e["extensions"]["limit"] for e in body["errors"]] == ["cost"]
    assert body["errors"][0]["extensions"]["found"] > 500 * 100
    assert engine_store.round_trips == 0


async def test_the_heaviest_neighbourhoods_one_request_may_ask_for_are_admitted(
    client: httpx.AsyncClient,
) -> None:
    """Nine of the deepest walks fit the work budget (9 × 2,584 ≤ 25,000): they run."""
    body = (await post(client, _neighbourhoods(9, depth=4, limit=500))).json()
    assert all(e["extensions"]["code"] == "NOT_FOUND" for e in body["errors"])  # empty graph


def test_the_explorers_own_queries_fit_the_budget() -> None:
    """The explorer's dashboard asks for a coverage survey and figures in one request: the
    work and item budgets leave room for every query it sends (static/explore/explore.js)."""
    script = (Path(__file__).parents[2] / "static" / "explore" / "explore.js").read_text()
    queries = [
        (name, text)
        for name, text in re.findall(r"const (\w+) = `([^`]*)`;", script)
        if text.lstrip().startswith(("{", "query", "mutation")) and "${" not in text
    ]
    assert any("coverageGaps" in query for _, query in queries)
    for name, query in queries:
        errors, _ = budget(Limits(), schema._schema, parse(query), {})
        assert not errors, (name, [e.message for e in errors])
