"""Guards over the whole schema (netbox style): nothing is left untested or undocumented.

- every entity type has a root list, and every one of its fields, relationships included (both
  directions), resolves on the demo data without error;
- every type, field, argument and enum value carries a description, so GraphiQL's docs read as
  the domain glossary.
"""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)

from graph.model.registry import FAMILIES
from graph.workflows.merging import MERGEABLE
from schema import ENTITY_TYPES, schema
from tests.conftest import GraphQL

GRAPHQL = schema._schema


def _named(t: object) -> object:
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


def _selection(t: GraphQLObjectType, *, plain: bool = False) -> str:
    """Every field of ``t``; ``plain``: only those without arguments (a nested type's)."""
    parts = []
    for name, f in t.fields.items():
        if plain and f.args:
            continue
        target = _named(f.type)
        if isinstance(target, GraphQLScalarType | GraphQLEnumType):
            parts.append(name)
        elif target.name.endswith("Connection"):
            parts.append(f"{name}(first: 2) {{ totalCount edges {{ cursor node {{ id }} }} }}")
        elif isinstance(target, GraphQLObjectType | GraphQLInterfaceType) and "id" in target.fields:
            parts.append(f"{name} {{ id }}")
        else:
            parts.append(f"{name} {{ {_selection(target, plain=True)} }}")
    return " ".join(parts)


def _root_lists() -> dict[str, str]:
    """Entity type name -> the root field listing it."""
    roots = {}
    for name, f in GRAPHQL.query_type.fields.items():
        target = _named(f.type)
        if target.name.endswith("Connection"):
            node = _named(target.fields["edges"].type).fields["node"].type
            roots[_named(node).name] = name
    return roots


def test_every_family_of_the_graph_has_its_graphql_type() -> None:
    """The schema's entity types are the graph model's families, each once (``@entity``)."""
    assert [t.__strawberry_definition__.name for t in ENTITY_TYPES] == [f.label for f in FAMILIES]


async def test_every_entity_type_and_all_its_fields_resolve(gql: GraphQL) -> None:
    roots = _root_lists()
    names = [t.__strawberry_definition__.name for t in ENTITY_TYPES]
    assert sorted(roots) == sorted(names), "an entity type has no root list"
    for name in names:
        listing = await gql(f"{{ {roots[name]}(first: 1) {{ nodes {{ id }} }} }}")
        (first,) = listing[roots[name]]["nodes"]
        selection = _selection(GRAPHQL.type_map[name])
        data = await gql(
            f"query ($id: ID!) {{ node(id: $id) {{ ... on {name} {{ {selection} }} }} }}",
            id=first["id"],
        )
        assert data["node"]["id"] == first["id"], name


def test_every_type_field_argument_and_enum_value_is_documented() -> None:
    missing = []
    for name, t in GRAPHQL.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(t, GraphQLScalarType):
            if not t.description:
                missing.append(name)
            continue
        if isinstance(t, GraphQLEnumType):
            if not t.description:
                missing.append(name)
            # Sort orders too: GraphiQL's Docs pane is the glossary, every value reads there.
            missing += [f"{name}.{v}" for v, d in t.values.items() if not d.description]
            continue
        if not t.description:
            missing.append(name)
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, f in t.fields.items():
                if not f.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(f, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
    assert missing == []


def test_every_family_that_can_be_merged_says_where_a_tombstone_went() -> None:
    """A merge leaves the duplicate as a tombstone pointing at its survivor: each mergeable
    family's type shows that pointer as `mergedInto`, a global id (null for a record in use)."""
    for label in MERGEABLE:
        field = GRAPHQL.type_map[label].fields["mergedInto"]
        assert not isinstance(field.type, GraphQLNonNull), label
        assert _named(field.type).name == "ID", label
