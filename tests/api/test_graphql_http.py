"""GraphQL over HTTP as the spec and our error rules say, through the real app and lifespan."""

from __future__ import annotations

import httpx
import pytest
from graphql import GraphQLError

from app import GRAPHQL_RESPONSE, preferred_media_type
from graph.errors import GraphQueryError, GraphUnavailable
from schema.errors import NotFound, format_error

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
