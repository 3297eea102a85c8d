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

import datetime as dt
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

from api.errors import Code
from api.ids import to_global_id as gid
from graph.engine.store import GraphStore
from graph.engine.system import checksum
from schema import schema

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
    gid("Need", "need-zs-qiwan-01-visit"), gid("Volunteer", "volunteer-zs-near"),
    gid("Resident", "resident-zs-qiwan-01"), gid("Fund", "fund-zs-east-seed"),
    gid("Project", "project-zs-clothes-bank"), gid("Recruitment", "recruitment-01"),
    gid("Community", "community-zs-qiwan"), gid("District", "district-zs-east"),
    gid("Organization", "org-zs-hub"), gid("SocialWorker", "worker-0001"),
    gid("ServiceCategory", "category-eldercare"), gid("Skill", "skill-haircut"),
]  # fmt: skip
BAD_IDS = [
    "", "x", "not base64 !!", "VW5rbm93bjp4", gid("Robot", "r2d2"), gid("Need", ""),
    gid("Need", "need-does-not-exist"), gid("Need", "') DETACH DELETE n //"),
    "TmVlZDpuZWVkLXpzLXFpd2FuLTAxLXZpc2l0", "🙂", "a" * 5000,
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
    # One checksum per case, not two: the graph as it stands after a case is the "before" of the
    # next (a refusal must leave it as it was; a success moves it on).
    before = await checksum(engine_store)
    for arguments in _examples(field, 15):
        body = await _post(demo_client, document, arguments)
        after = await checksum(engine_store)
        if body.get("errors") and not (body.get("data") or {}).get(name):
            assert after == before, (name, arguments, body["errors"])
        before = after


async def test_a_request_over_the_body_limit_is_refused_with_its_code(
    demo_client: httpx.AsyncClient,
) -> None:
    document = "query ($s: String) { volunteers(search: $s) { totalCount } }"
    response = await demo_client.post(
        "/graphql", json={"query": document, "variables": {"s": HUGE}}
    )
    assert response.status_code == 413
    assert _check(response)["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


# --- temporal inputs at the ends of the calendar --------------------------------------------------

TEMPORAL = {"Date", "DateTime"}


def temporal_paths(kind: GraphQLInputType, path: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Where a Date or DateTime sits inside a value of ``kind``: the field names leading to it
    (a list's items are its own path: each item is checked alike)."""
    named = get_named_type(kind)
    if isinstance(named, GraphQLScalarType):
        return [path] if named.name in TEMPORAL else []
    if isinstance(named, GraphQLInputObjectType) and len(path) < 4:
        return [
            p
            for name, f in named.fields.items()
            if not _nested_where(f.type)
            for p in temporal_paths(f.type, (*path, name))
        ]
    return []


def _nested_where(kind: GraphQLInputType) -> bool:
    """A `where` inside a `where` (``AND``/``OR``/``NOT``, ``<rel>Some/None/All``) holds the same
    conditions as a top-level one, which are walked where they stand: the same scalars and
    operators, so walking them again through every nesting only repeats the test."""
    return get_named_type(kind).name.endswith("Where")


def _is_list(kind: GraphQLInputType) -> bool:
    return isinstance(kind.of_type if isinstance(kind, GraphQLNonNull) else kind, GraphQLList)


# Every temporal argument of every query and mutation, found in the schema: a new argument or
# input field is covered without touching this test.
TEMPORAL_INPUTS = sorted(
    (kind, name, path)
    for kind, fields in (("query", QUERIES), ("mutation", MUTATIONS))
    for name, field in fields
    for argument, spec in field.args.items()
    for path in temporal_paths(spec.type, (argument,))
)
CALENDAR_ENDS = ["0001-01-01T00:00:00", "0001-01-01T13:59:59", "1969-12-31T23:59:59",
                 "1970-01-01T00:00:00", "2037-12-31T23:59:59", "2038-01-01T00:00:00",
                 "9999-12-31T10:00:00", "9999-12-31T23:59:59"]  # fmt: skip
OFFSETS = ["", "Z", "+00:00", "+14:00", "-12:00", "+08:00", "+00:01", "-00:01", "-14:00"]
EARLIEST_UTC = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
LATEST_UTC = dt.datetime(2037, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC)


def _in_range(scalar: str, text: str) -> bool:
    """What the service must accept, worked out here on its own: the UTC instant (or the day)
    inside 1970-01-01..2037-12-31, the span both engines store and compare correctly."""
    if scalar == "Date":
        return EARLIEST_UTC.date() <= dt.date.fromisoformat(text) <= LATEST_UTC.date()
    local = dt.datetime.fromisoformat(text[:19]).replace(tzinfo=dt.UTC)
    offset = text[19:]
    if offset in ("", "Z"):
        return EARLIEST_UTC <= local <= LATEST_UTC
    sign = 1 if offset[0] == "+" else -1
    shift = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * sign
    # Compare without computing an instant that may lie outside Python's calendar.
    return EARLIEST_UTC + shift <= local <= LATEST_UTC + shift


def _calendar_ends(scalar: str) -> st.SearchStrategy[str]:
    if scalar == "Date":
        return st.sampled_from(sorted({t[:10] for t in CALENDAR_ENDS}))
    return st.builds(lambda t, o: t + o, st.sampled_from(CALENDAR_ENDS), st.sampled_from(OFFSETS))


def _nest(value: Any, path: tuple[str, ...], kind: GraphQLInputType) -> Any:
    """``value`` at ``path`` inside an argument of ``kind`` (inside a list when it is one)."""
    if not path:
        return [value] if _is_list(kind) else value
    named = get_named_type(kind)
    assert isinstance(named, GraphQLInputObjectType)
    inner = named.fields[path[0]].type
    nested = {path[0]: _nest(value, path[1:], inner)}
    return [nested] if _is_list(kind) else nested


def _temporal_examples(field: GraphQLField, path: tuple[str, ...], budget: int) -> list[Any]:
    argument, *inside = path
    scalar = get_named_type(_field_type(field, path)).name
    strategy = st.tuples(
        _calendar_ends(scalar),
        # The other arguments drawn too, but not the other input objects (filter, where): their
        # own bad values would be reported first and crowd out the one this test is about.
        st.fixed_dictionaries(
            {
                a: values(t.type)
                for a, t in field.args.items()
                if a != argument and not isinstance(get_named_type(t.type), GraphQLInputObjectType)
            }
        ),
    )
    drawn: list[Any] = []

    @settings(max_examples=budget, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(strategy)
    def collect(example: Any) -> None:
        drawn.append(example)

    collect()
    return [(scalar, text, {**others, argument: _nest(text, tuple(inside),
                                                       field.args[argument].type)})
            for text, others in drawn]  # fmt: skip


def _shown_path(field: GraphQLField, path: tuple[str, ...]) -> str:
    """The path inside the argument as GraphQL errors print it: ``.AND[0].at.eq`` (a value
    inside a list, as :func:`_nest` puts it, is its element 0)."""
    shown, kind = "", field.args[path[0]].type
    for name in path[1:]:
        shown += "[0]" if _is_list(kind) else ""
        kind = get_named_type(kind).fields[name].type
        shown += f".{name}"
    return shown + ("[0]" if _is_list(kind) else "")


def _field_type(field: GraphQLField, path: tuple[str, ...]) -> GraphQLInputType:
    kind: Any = field.args[path[0]].type
    for name in path[1:]:
        kind = get_named_type(kind).fields[name].type
    return kind


def test_every_temporal_argument_is_found_in_the_schema() -> None:
    """The list the next test walks is read from the schema, filters and mutations alike."""
    kinds = {kind for kind, _, _ in TEMPORAL_INPUTS}
    assert kinds == {"query", "mutation"}, TEMPORAL_INPUTS
    assert any(len(path) > 1 for _, _, path in TEMPORAL_INPUTS)  # inside filter/input objects


@pytest.mark.parametrize(
    ("kind", "name", "path"),
    TEMPORAL_INPUTS,
    ids=[f"{n}.{'.'.join(p)}" for _, n, p in TEMPORAL_INPUTS],
)
async def test_a_date_at_the_ends_of_the_calendar_with_any_offset_is_refused_by_name(
    demo_client: httpx.AsyncClient, engine_store: GraphStore, kind: str, name: str,
    path: tuple[str, ...],
) -> None:  # fmt: skip
    """0001-01-01T00:00:00+14:00 is in year 0 in UTC, 9999-12-31T23:59:59-14:00 in year 10000:
    outside 1970..2037 (UTC) a temporal input is BAD_USER_INPUT naming the variable and the path
    to the value, and nothing changes; inside it, nothing fails on our side."""
    field = dict(QUERIES if kind == "query" else MUTATIONS)[name]
    document = operation(kind, name, field)
    before = await checksum(engine_store) if kind == "mutation" else None
    for scalar, text, variables in _temporal_examples(field, path, 10):
        body = await _post(demo_client, document, variables)
        if _in_range(scalar, text):
            if before is not None:
                before = await checksum(engine_store)  # an accepted value may have written
            continue
        named = [
            e for e in body.get("errors", [])
            if e["extensions"]["code"] == "BAD_USER_INPUT" and f"${path[0]}" in e["message"]
            and _shown_path(field, path) in e["message"]
            and "1970-01-01 and 2037-12-31" in e["message"]
        ]  # fmt: skip
        assert named, (text, variables, body)
        assert "data" not in body  # refused before anything ran
        if before is not None:
            assert await checksum(engine_store) == before
