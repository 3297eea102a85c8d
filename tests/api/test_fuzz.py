"""Every query and mutation, fed hostile arguments generated from the schema, fails cleanly.

Hypothesis draws each field's arguments from its GraphQL types, biased towards what breaks
services: wrong and foreign global ids, malformed base64, coordinates and numbers out of range,
dates far away, empty and 1 MB strings, emoji, zero-width and right-to-left characters and
Cypher-looking text. Each request goes over HTTP to the app on the demo graph, as an
administrator (who may reach every field). Then:

- never an HTTP 500, and every error carries one of the documented codes (never
  INTERNAL_SERVER_ERROR: that would be a bug we did not foresee);
- no message leaks internals (Cypher, the engine, file paths, tracebacks);
- a mutation that failed left the graph exactly as it was (``graph.system.checksum``).

The budget is fixed (``derandomize``: the same examples on every run, so CI is repeatable).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    get_named_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.store import GraphStore
from graph.system import checksum
from schema import schema
from schema.errors import Code
from schema.relay import to_global_id as gid

DOCUMENTED = {str(c) for c in Code} - {str(Code.INTERNAL_SERVER_ERROR)}
LEAKS = ("Traceback", "MATCH (", "RETURN ", "falkordb", "FalkorDB", "redis", "neo4j.", "/work/",
         ".py", "GraphQueryError", "KeyError", "TypeError", "NoneType", "<class")  # fmt: skip

NASTY_TEXT = [
    "", " ", "林婆婆", "👵🏻🦽💊", "a\u200bb\u200dc", "\u202eevil\u202c", "مرحبا", "\x00",
    "') MATCH (n) DETACH DELETE n //", "\" OR 1=1 --", "${jndi:ldap://x}", "<script>x</script>",
    "RETURN 1; CALL db.labels()", "x" * 10_000, "长" * 70_000,
]  # fmt: skip
HUGE = "z" * (1024 * 1024)  # over the body limit: PAYLOAD_TOO_LARGE
REAL_IDS = [
    gid("Need", "need-zs-lin-visit"), gid("Volunteer", "volunteer-zs-near"),
    gid("Resident", "resident-zs-lin"), gid("Fund", "fund-zs-east-seed"),
    gid("Project", "project-zs-clothes-bank"), gid("Recruitment", "recruitment-01"),
    gid("Community", "community-zs-qiwan"), gid("District", "district-zs-east"),
    gid("Organization", "org-zs-hub"), gid("SocialWorker", "worker-0001"),
    gid("ServiceCategory", "category-eldercare"), gid("Skill", "skill-haircut"),
]  # fmt: skip
BAD_IDS = [
    "", "x", "not base64 !!", "VW5rbm93bjp4", gid("Robot", "r2d2"), gid("Need", ""),
    gid("Need", "need-does-not-exist"), gid("Need", "') DETACH DELETE n //"),
    "TmVlZDpuZWVkLXpzLWxpbi12aXNpdA==", "🙂", "a" * 5000,
]  # fmt: skip
INTS = st.sampled_from([0, 1, -1, 2, 5, 20, 100, 101, 10_000, -(2**31), 2**31 - 1, 2**53])
FLOATS = st.sampled_from([0.0, -0.5, 22.52, 113.39, 91.0, -181.0, 1e308, -1e308, 3.5e-7])
DECIMALS = st.sampled_from(["0", "-1", "0.001", "1.5", "12.34", "1e9", "abc", "NaN", "", "9" * 40])
DATES = st.sampled_from(
    ["2026-11-20", "0001-01-01", "9999-12-31", "1900-02-29", "2026-13-45", "yesterday", ""]
)
DATETIMES = st.sampled_from(["2026-11-20T09:00:00+08:00", "0001-01-01T00:00:00Z",
                             "9999-12-31T23:59:59Z", "2026-11-20", "soon", ""])  # fmt: skip
TEXT = st.one_of(st.sampled_from(NASTY_TEXT), st.text(max_size=40))
SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "ID": st.one_of(st.sampled_from(REAL_IDS), st.sampled_from(BAD_IDS)),
    "String": TEXT,
    "Int": INTS,
    "Float": FLOATS,
    "Boolean": st.booleans(),
    "Decimal": DECIMALS,
    "Date": DATES,
    "DateTime": DATETIMES,
    "JSON": st.sampled_from([{}, {"a": 1}, [1, 2], "x", None]),
}
WRONG_TYPE = st.sampled_from([{"nested": "object"}, [1, "two"], 3.7, True, "text"])


def values(kind: GraphQLInputType, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values for one GraphQL input type: mostly well-typed, sometimes null or the wrong type."""
    if isinstance(kind, GraphQLNonNull):
        inner = values(kind.of_type, depth)
        return st.one_of(inner, inner, inner, st.just(None), WRONG_TYPE)
    if isinstance(kind, GraphQLList):
        return st.lists(values(kind.of_type, depth + 1), max_size=3)
    if isinstance(kind, GraphQLEnumType):
        return st.one_of(st.sampled_from(sorted(kind.values)), st.just("NOT_A_VALUE"))
    if isinstance(kind, GraphQLInputObjectType):
        if depth > 2:
            return st.just({})
        fields = {name: values(f.type, depth + 1) for name, f in kind.fields.items()}
        return st.fixed_dictionaries({}, optional=fields)
    assert isinstance(kind, GraphQLScalarType)
    return SCALARS.get(kind.name, TEXT)


def operation(kind: str, name: str, field: GraphQLField) -> str:
    """A document calling ``name`` with every argument as a variable, selecting the least."""
    params = ", ".join(f"${a}: {t.type}" for a, t in field.args.items())
    args = ", ".join(f"{a}: ${a}" for a in field.args)
    named = get_named_type(field.type)
    selection = "" if isinstance(named, GraphQLScalarType | GraphQLEnumType) else "{ __typename }"
    call = f"{name}({args})" if args else name
    return f"{kind} Fuzz{f'({params})' if params else ''} {{ {call} {selection} }}"


GRAPHQL = schema._schema  # the graphql-core schema strawberry built
QUERIES = sorted(
    (n, f) for n, f in GRAPHQL.query_type.fields.items() if f.args and not n.startswith("__")
)
MUTATIONS = sorted(GRAPHQL.mutation_type.fields.items())


def _examples(field: GraphQLField, budget: int) -> list[dict[str, Any]]:
    """``budget`` argument sets for ``field``, the same on every run (derandomized)."""
    strategy = st.fixed_dictionaries({a: values(t.type) for a, t in field.args.items()})
    drawn: list[dict[str, Any]] = []

    @settings(max_examples=budget, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(strategy)
    def collect(arguments: dict[str, Any]) -> None:
        drawn.append(arguments)

    collect()
    return drawn


def _check(response: httpx.Response, sent: dict[str, Any] | None = None) -> dict[str, Any]:
    assert response.status_code != 500, response.text[:500]
    body = response.json()
    # A message may quote what the client sent (the Cypher-looking name it typed), nothing else.
    echoed = json.dumps(sent or {}, ensure_ascii=False)
    for error in body.get("errors", []):
        code = (error.get("extensions") or {}).get("code")
        assert code in DOCUMENTED, error
        message = error.get("message", "")
        assert not any(leak in message and leak not in echoed for leak in LEAKS), message
    return body


async def _post(http: httpx.AsyncClient, document: str, variables: dict[str, Any]) -> Any:
    response = await http.post("/graphql", json={"query": document, "variables": variables})
    return _check(response, variables)


@pytest.mark.parametrize(("name", "field"), QUERIES, ids=[n for n, _ in QUERIES])
async def test_a_query_fed_hostile_arguments_fails_cleanly(
    demo_client: httpx.AsyncClient, name: str, field: GraphQLField
) -> None:
    document = operation("query", name, field)
    for arguments in _examples(field, 12):
        await _post(demo_client, document, arguments)


@pytest.mark.parametrize(("name", "field"), MUTATIONS, ids=[n for n, _ in MUTATIONS])
async def test_a_mutation_fed_hostile_arguments_changes_nothing_when_it_fails(
    demo_client: httpx.AsyncClient, engine_store: GraphStore, name: str, field: GraphQLField
) -> None:
    document = operation("mutation", name, field)
    for arguments in _examples(field, 15):
        before = await checksum(engine_store)
        body = await _post(demo_client, document, arguments)
        if body.get("errors") and not (body.get("data") or {}).get(name):
            assert await checksum(engine_store) == before, (name, arguments, body["errors"])


async def test_a_request_over_the_body_limit_is_refused_with_its_code(
    demo_client: httpx.AsyncClient,
) -> None:
    document = "query ($s: String) { volunteers(search: $s) { totalCount } }"
    response = await demo_client.post(
        "/graphql", json={"query": document, "variables": {"s": HUGE}}
    )
    assert response.status_code == 413
    assert _check(response)["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
