"""What one GraphQL document may ask for, checked before anything runs.

:class:`RequestLimits` walks each operation once beside the standard validation (fragments
expanded) and refuses it when it is

- too deep (nesting of selections beyond ``max_depth``),
- too wide (more than ``max_aliases`` aliased fields), or
- too costly: every field costs 1, and a connection's fields count once per item it may return
  (its ``first``/``last``, else the default page of 20; ``nodes(ids:)`` the number of ids), so
  ``volunteers(first: 100) { skills(first: 100) { … } }`` costs its 10,000 inner items; the lists
  of a network answer count as many times as the field may fill them (a neighbourhood's
  ``nodes`` its ``limit``), or
- too much work for the graph: each network field (:data:`NETWORK_WORK`) is costed by the graph
  rows it may visit, from its own arguments (a neighbourhood by depth and limit, about
  ``min(8^hop, 4 × limit)`` rows per hop), and every alias is a run of its own; the sum must stay
  within ``max_work``;

and the parser stops at ``max_tokens`` tokens. All answer ``QUERY_TOO_COMPLEX`` with the limit
and the figure in ``extensions``; introspection can be switched off (INTROSPECTION=false).
Variables are known here, so ``first: $n`` is costed at its value.

An operation that does network work is *heavy*: :class:`FairUse` lets each viewer run at most
``heavy_per_viewer`` of them at once and the process ``heavy_total``, refusing the excess with
``RATE_LIMITED`` and ``extensions.retryAfter``; the statements of an admitted one run in the
store's heavy lane (``graph.store.Lane``): a few graph threads at most, never all of them, each
statement under the shorter heavy deadline. Simple reads never wait behind network work.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    is_list_type,
    validate,
)
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from api.errors import Code
from api.ids import DEFAULT_PAGE, MAX_PAGE
from config import Limits, Settings
from graph.engine.store import GraphStore, Lane, running_in

TOO_COMPLEX = "QUERY_TOO_COMPLEX"
# Distinct query texts whose parse and standard validation are kept (clients send a few dozen).
VALIDATION_CACHE = 512
# Fields that do real work in the graph beyond a lookup: costed as a page of items.
HEAVY_FIELDS = frozenset({"whoCanServe", "linkResources"})


# --- the work of network fields ----------------------------------------------------------------

# Links an entity is expected to have on a walk: a walk of ``h`` hops reaches about ``8^h`` rows
# before its caps cut it (the demo graph averages 3.9 links per entity, a district-tier community
# hub far more; the caps bound the rest).
BRANCHING = 8
# The caps the network code applies (graph/queries/network.py, resolvers/network.py,
# graph/queries/gaps.py), restated here as the bounds of the estimates; arguments beyond a
# field's range are refused by its resolver, so they are costed at the range's end.
WALK_ROWS_PER_NODE = 4  # a neighbourhood hop reads at most 4 × limit rows per family of nodes
CONNECTION_FRONTIER = 2_000
MAX_FUNDS = 200
INCUBATION_LEVEL = 1_000
# A coverage survey reads every subject of its scope and every volunteer within reach of one (up
# to 50,000 subjects): most of a request's default work budget, leaving room for the figures the
# explorer's dashboard asks for beside it (static/explore: coverageGaps + statistics).
SURVEY_ROWS = 20_000
SURVEY_GROUPS = 1_000
# One figure of `statistics` aggregates its scope (every resident of a district, or everywhere).
FIGURE_ROWS = 2_000


@dataclass(frozen=True)
class Work:
    """What one run of a network field may cost: graph rows visited, and how long each list of
    its answer may be (by field name, for the item budget)."""

    rows: int
    lists: Mapping[str, int] = dataclasses.field(default_factory=dict)


def _walk(hops: int, cap: int, *, step: Callable[[int], int] = lambda h: h) -> int:
    """Rows a walk of ``hops`` hops visits: ``8^hop`` per hop, at most ``cap`` each."""
    return sum(min(BRANCHING ** step(h), cap) for h in range(1, hops + 1))


def _clamp(value: Any, low: int, high: int) -> int:
    return max(low, min(high, value if isinstance(value, int) else high))


def _neighborhood(a: Mapping[str, Any]) -> Work:
    depth, limit = _clamp(a.get("depth"), 1, 4), _clamp(a.get("limit"), 1, 500)
    rows = _walk(depth, WALK_ROWS_PER_NODE * limit)
    return Work(rows, {"nodes": limit, "edges": rows})


def _shortest_connection(a: Mapping[str, Any]) -> Work:
    hops = _clamp(a.get("maxDepth"), 1, 8)
    # Searched from both ends in turn: each side goes about half the hops deep.
    rows = _walk(hops, CONNECTION_FRONTIER, step=lambda h: (h + 1) // 2)
    return Work(rows, {"nodes": hops + 1, "edges": hops})


# collaboration ranks the whole scope (up to this many organizations, resolvers/network.py)
# whatever its `limit`, which caps only the ranking given back.
COLLABORATION_SCOPE = 5_000


def _collaboration(a: Mapping[str, Any]) -> Work:
    limit = _clamp(a.get("limit"), 1, COLLABORATION_SCOPE)
    return Work(COLLABORATION_SCOPE + limit * 4, {"organizations": limit, "ties": limit * 4})


def _fund_flows(a: Mapping[str, Any]) -> Work:
    funds = _clamp(a.get("fundIds"), 1, MAX_FUNDS) if a.get("fundIds") else MAX_FUNDS
    return Work(funds * BRANCHING, {"funds": funds, "flows": funds * BRANCHING})


def _incubation_tree(a: Mapping[str, Any]) -> Work:
    rows = _walk(_clamp(a.get("depth"), 1, 5), INCUBATION_LEVEL)
    return Work(rows, {"incubationTree": rows})


def _coverage_gaps(a: Mapping[str, Any]) -> Work:
    return Work(SURVEY_ROWS, {"groups": SURVEY_GROUPS, "shortNeeds": 20})


def _figure(a: Mapping[str, Any]) -> Work:
    return Work(FIGURE_ROWS, {"hoursByMonth": 12 * 50})


# Every field that does network work, by (type, field): its cost from its arguments (a list
# argument is given as its length). The fair-use rules apply to an operation selecting any.
NETWORK_WORK: dict[tuple[str, str], Callable[[Mapping[str, Any]], Work]] = {
    ("Query", "neighborhood"): _neighborhood,
    ("Query", "shortestConnection"): _shortest_connection,
    ("Query", "collaboration"): _collaboration,
    ("Query", "fundFlows"): _fund_flows,
    ("Query", "incubationTree"): _incubation_tree,
    ("Query", "coverageGaps"): _coverage_gaps,
    ("Query", "statistics"): lambda a: Work(BRANCHING),
    **{
        ("Statistics", name): _figure
        for name in (
            "residents", "residentsSuppression", "residentsByTag", "volunteersByStar",
            "hoursByMonth", "needsByStatus",
            "medianDaysToFirstService", "granted", "supplyDemand",
        )
    },
}  # fmt: skip


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
        self.work = 0

    def _count(self, node: Any) -> int | None:
        if isinstance(node, IntValueNode):
            return int(node.value)
        if isinstance(node, VariableNode):
            value = self.variables.get(node.name.value)
            return value if isinstance(value, int) else None
        if isinstance(node, ListValueNode):
            return len(node.values)
        return None

    def _arguments(self, field: FieldNode, definition: Any) -> dict[str, Any]:
        """The field's arguments as the resolver will see them: literals and variables read,
        defaults filled in, a list as its length."""
        given = {a.name.value: a.value for a in field.arguments or ()}
        values: dict[str, Any] = {}
        for name, argument in definition.args.items():
            node = given.get(name)
            if node is None:
                default = argument.default_value
                values[name] = len(default) if isinstance(default, list) else default
                continue
            count = self._count(node)
            if count is None and isinstance(node, VariableNode):
                value = self.variables.get(node.name.value)
                count = len(value) if isinstance(value, list) else value
            values[name] = count
        return values

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
        self,
        selection_set: SelectionSetNode | None,
        parent: GraphQLNamedType,
        depth: int,
        lists: Mapping[str, int] | None = None,
        runs: int = 1,
    ) -> int:
        """Items and fields of the selection; network work (times ``runs``, how often the
        selection is resolved) is added to ``self.work``. ``lists``: the lengths of the list
        fields of a network answer being costed."""
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
            estimate = NETWORK_WORK.get((owner.name, name))
            work = estimate(self._arguments(field, definition)) if estimate else None
            if work is not None:
                self.work += work.rows * runs  # every alias, every parent item: a run of its own
            # A list of a network answer is as long as the run may make it (the field itself
            # when it is the list, e.g. incubationTree).
            sizes = work.lists if work is not None else lists or {}
            if name in sizes and is_list_type(_nullable(definition.type)):
                multiplier = max(1, sizes[name])
            else:
                multiplier = self._multiplier(field, definition.type)
            # The lengths hold inside the answer's own objects, not inside the entities it
            # leads to (their lists are connections, costed by their pages).
            inner_sizes = None if _is_entity(child) else sizes
            inner = self.cost(field.selection_set, child, depth + 1, inner_sizes, runs * multiplier)
            weight = DEFAULT_PAGE if name in HEAVY_FIELDS else 1
            total += weight + multiplier * inner
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


def _is_entity(kind: Any) -> bool:
    return kind.name == "Node" or any(i.name == "Node" for i in getattr(kind, "interfaces", ()))


def _nullable(kind: Any) -> Any:
    return kind.of_type if isinstance(kind, GraphQLNonNull) else kind


def _variable_name(node: Any) -> str | None:
    return node.name.value if isinstance(node, VariableNode) else None


def budget_errors(
    limits: Limits, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
) -> list[GraphQLError]:
    """Depth, aliases, cost and work of each operation in ``document``, against ``limits``."""
    return budget(limits, schema, document, variables)[0]


def budget(
    limits: Limits, schema: GraphQLSchema, document: DocumentNode, variables: Mapping[str, Any]
) -> tuple[list[GraphQLError], int]:
    """The refusals of :func:`budget_errors`, and the most network work an operation of the
    document asks for (0: none of it is heavy)."""
    most_work = 0
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
        if walk.work > limits.max_work:
            errors.append(
                refusal(
                    f"The query's network analysis could visit about {walk.work:,} graph rows; "
                    f"one request may visit {limits.max_work:,}. Ask for less depth or a smaller "
                    "`limit`, or fewer aliases (each one runs on its own), and send the rest "
                    "as another request.",
                    "work",
                    limits.max_work,
                    walk.work,
                )
            )
        most_work = max(most_work, walk.work)
    return errors, most_work


# --- fair use of heavy work ---------------------------------------------------------------------

RETRY_AFTER_S = 2
RATE_LIMITED = str(Code.RATE_LIMITED)


def heavy_slots(settings: Settings, store: GraphStore) -> int:
    """Graph threads heavy statements may hold at once: the engine's threads but one (so a simple
    read always finds one free), unless GRAPH_HEAVY_SLOTS says otherwise."""
    if settings.graph_heavy_slots:
        return settings.graph_heavy_slots
    return max(1, store.threads - 1)


class FairUse:
    """The heavy operations running in one app, per viewer and in all, and the store lane their
    statements share. One per app (:func:`fair_use`); all of it runs on the app's event loop."""

    def __init__(self, settings: Settings, store: GraphStore) -> None:
        self.store = store
        self.per_viewer = settings.limits.heavy_per_viewer
        self.total = settings.limits.heavy_total
        self.running: Counter[str] = Counter()
        self.lane = Lane(
            timeout_s=min(settings.graph_heavy_timeout_s, settings.graph_query_timeout_s),
            slots=asyncio.Semaphore(heavy_slots(settings, store)),
        )

    def admit(self, viewer: str) -> GraphQLError | None:
        """Count one more heavy operation of ``viewer``, or the refusal when a cap is full."""
        if self.running[viewer] >= self.per_viewer:
            return self._refusal(
                f"You already have {self.running[viewer]} network analyses running; at most "
                f"{self.per_viewer} run at once per user. Wait for one to finish, then try "
                f"again in {RETRY_AFTER_S} s.",
                "heavyPerViewer",
                self.per_viewer,
            )
        if sum(self.running.values()) >= self.total:
            return self._refusal(
                f"The service is running as many network analyses as it takes at once "
                f"({self.total}); try again in {RETRY_AFTER_S} s. Simple reads are not affected.",
                "heavyTotal",
                self.total,
            )
        self.running[viewer] += 1
        return None

    def release(self, viewer: str) -> None:
        self.running[viewer] -= 1
        if self.running[viewer] <= 0:
            del self.running[viewer]

    @staticmethod
    def _refusal(message: str, limit: str, allowed: int) -> GraphQLError:
        return GraphQLError(
            message,
            extensions={
                "code": RATE_LIMITED, "limit": limit, "allowed": allowed,
                "retryAfter": RETRY_AFTER_S,
            },
        )  # fmt: skip


def fair_use(context: Any) -> FairUse:
    """The app's :class:`FairUse` (kept in its state beside the store it was sized for)."""
    state = context.request.app.state
    current = getattr(state, "fair_use", None)
    if current is None or current.store is not context.store:
        current = FairUse(context.settings, context.store)
        state.fair_use = current
    return current


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
        refused, self.work = budget(settings.limits, schema, document, ctx.variables or {})
        ctx.pre_execution_errors = errors + refused
        yield

    def on_execute(self) -> Iterator[None]:
        """A heavy operation runs only when its viewer and the app have room for it, and then
        in the store's heavy lane; anything else runs as it is."""
        if not getattr(self, "work", 0):
            yield
            return
        ctx = self.execution_context
        viewer = ctx.context.viewer.rate_key or _address(ctx.context.request)
        lanes = fair_use(ctx.context)
        refusal = lanes.admit(viewer)
        if refusal is not None:
            ctx.result = GraphQLExecutionResult(data=None, errors=[refusal])
            yield
            return
        try:
            with running_in(lanes.lane):
                yield
        finally:
            lanes.release(viewer)


def _address(request: Any) -> str:
    client = getattr(request, "client", None)
    return f"address:{client.host if client else 'unknown'}"
