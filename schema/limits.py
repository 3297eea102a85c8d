"""What one GraphQL document may ask for, checked before anything runs.

:class:`RequestLimits` walks each operation once beside the standard validation (fragments
expanded) and refuses it when it is

- too deep (nesting of selections beyond ``max_depth``),
- too wide (more than ``max_aliases`` aliased fields), or
- too costly: every field costs 1, and a connection's fields count once per item it may return
  (its ``first``/``last``, else the default page of 20; ``nodes(ids:)`` the number of ids), so
  ``volunteers(first: 100) { skills(first: 100) { … } }`` costs its 10,000 inner items;

and the parser stops at ``max_tokens`` tokens. All answer ``QUERY_TOO_COMPLEX`` with the limit
and the figure in ``extensions``; introspection can be switched off (INTROSPECTION=false).
Variables are known here, so ``first: $n`` is costed at its value.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from config import Limits
from schema.relay import DEFAULT_PAGE, MAX_PAGE

TOO_COMPLEX = "QUERY_TOO_COMPLEX"
# Distinct query texts whose parse and standard validation are kept (clients send a few dozen).
VALIDATION_CACHE = 512
# Fields that do real work in the graph beyond a lookup: costed as a page of items.
HEAVY_FIELDS = frozenset({"whoCanServe", "linkResources"})


def refusal(message: str, limit: str, allowed: int, found: int) -> GraphQLError:
    return GraphQLError(
        message,
        extensions={"code": TOO_COMPLEX, "limit": limit, "allowed": allowed, "found": found},
    )


class _Walk:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.aliases = 0
        self.depth = 0

    def _count(self, node: Any) -> int | None:
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, VariableNode):
            value = self.variables.get(node.name.value)
            return value if isinstance(value, int) else None
        if isinstance(node, ListValueNode):
            return len(node.values)
        return None

    def _multiplier(self, field: FieldNode, returns: Any) -> int:
        arguments = {a.name.value: a.value for a in field.arguments or ()}
        for name in ("first", "last"):
            if name in arguments:
                count = self._count(arguments[name])
                return max(1, min(MAX_PAGE, count if count is not None else MAX_PAGE))
        if "ids" in arguments:
            count = self._count(arguments["ids"])
            if count is None:
                ids = self.variables.get(_variable_name(arguments["ids"]) or "", [])
                count = len(ids) if isinstance(ids, list) else MAX_PAGE
            return max(1, min(MAX_PAGE, count))
        named = get_named_type(returns)
        return DEFAULT_PAGE if named is not None and named.name.endswith("Connection") else 1

    def cost(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, depth: int
    ) -> int:
        if selection_set is None:
            return 0
        self.depth = max(self.depth, depth)
        total = 0
        for field, owner in self._fields(selection_set, parent, set()):
            if field.alias is not None:
                self.aliases += 1
            name = field.name.value
            definition = getattr(owner, "fields", {}).get(name)
            if definition is None or name.startswith("__"):
                total += 1
                continue
            child = get_named_type(definition.type)
            inner = self.cost(field.selection_set, child, depth + 1)
            weight = DEFAULT_PAGE if name in HEAVY_FIELDS else 1
            total += weight + self._multiplier(field, definition.type) * inner
        return total

    def _fields(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, seen: set[str]
    ) -> Iterator[tuple[FieldNode, Any]]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                yield from self._fields(selection.selection_set, target or parent, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue  # unknown or cyclic: the standard rules report it
                target = self.schema.get_type(fragment.type_condition.name.value) or parent
                yield from self._fields(fragment.selection_set, target, seen | {name})


def _variable_name(node: Any) -> str | None:
    return node.name.value if isinstance(node, VariableNode) else None


def budget_errors(
    limits: Limits, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
) -> list[GraphQLError]:
    """Depth, aliases and cost of each operation in ``document``, against ``limits``."""
    errors: list[GraphQLError] = []
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    for node in document.definitions:
        if not isinstance(node, OperationDefinitionNode):
            continue
        root = schema.get_root_type(node.operation)
        if root is None:
            continue
        walk = _Walk(schema, fragments, variables or {})
        cost = walk.cost(node.selection_set, root, 1)
        if walk.depth > limits.max_depth:
            errors.append(
                refusal(
                    f"The query nests {walk.depth} levels deep; at most {limits.max_depth} "
                    "are allowed. Fetch deeper data with a second query from the ids you got.",
                    "depth",
                    limits.max_depth,
                    walk.depth,
                )
            )
        if walk.aliases > limits.max_aliases:
            errors.append(
                refusal(
                    f"The query uses {walk.aliases} aliases; at most {limits.max_aliases} "
                    "are allowed in one request.",
                    "aliases",
                    limits.max_aliases,
                    walk.aliases,
                )
            )
        if cost > limits.max_cost:
            errors.append(
                refusal(
                    f"The query could return about {cost:,} items and fields; the budget "
                    f"is {limits.max_cost:,}. Ask for smaller pages (`first`) or fewer "
                    "nested lists.",
                    "cost",
                    limits.max_cost,
                    cost,
                )
            )
    return errors


class _Text:
    """A parsed document keyed by its query text: a ``DocumentNode`` hashes by walking its whole
    tree (15 µs for the benchmark's nested query, on every request), a string's hash is kept."""

    __slots__ = ("document", "text")

    def __init__(self, text: str, document: DocumentNode) -> None:
        self.text, self.document = text, document

    def __hash__(self) -> int:
        return hash(self.text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Text) and other.text == self.text


@functools.lru_cache(maxsize=VALIDATION_CACHE)
def _validated(
    schema: GraphQLSchema, source: _Text, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    return validate(schema, source.document, rules)


class RequestLimits(SchemaExtension):
    """Reads the limits from the request's settings, so each app enforces its own.

    The standard validation of a document does not depend on the request, so its answer is kept
    per query text (the parser cache hands back the same document for the same text):
    validating took half of a node lookup's time (py-spy, docs/BENCHMARKS.md). The budget depends
    on the variables (``first: $n``), so it is walked on every request; it is one cheap pass.
    """

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        ctx.parse_options["max_tokens"] = ctx.context.settings.limits.max_tokens
        yield

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        settings = ctx.context.settings
        rules = tuple(ctx.validation_rules)
        if not settings.introspection:
            rules = (*rules, NoSchemaIntrospectionCustomRule)
        document = ctx.graphql_document
        assert document is not None
        schema = ctx.schema._schema
        errors = (
            [*_validated(schema, _Text(ctx.query, document), rules)]
            if ctx.query
            else validate(schema, document, rules)
        )
        errors += budget_errors(settings.limits, schema, document, ctx.variables or {})
        ctx.pre_execution_errors = errors
        yield
