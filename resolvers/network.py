"""Network analysis: arguments checked, graph answers made into what the viewer may see (plain
objects, below; the GraphQL types in ``schema.network`` build themselves from them).

Every node of every answer passes through :func:`_present`: a row the viewer may not see is left
out (with its edges), and a resident's display name is their name only where the viewer's view
of that resident lets them read it (and that read is audited like any other); a need's or a
record's title is free text about a resident and is shown on the same terms
(``policy.in_analysis``). Every walk goes through :func:`_withheld`: an edge that is a personal fact
about a resident (``policy.PERSONAL_TIES``: family) is left out unless the viewer's view of that
resident is identifying, and no walk or path crosses it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx

from access import cells, inference, policy
from api.errors import BadUserInput, Forbidden, NotFound
from api.ids import from_global_id
from domain import network as rules
from domain.network import Shown
from graph.engine.labels import RELATIONSHIP_TYPES
from graph.queries import collaboration as collab
from graph.queries import gaps, network
from graph.queries import statistics as figures
from graph.queries.network import NetEdge, NetNode, Withheld

if TYPE_CHECKING:  # annotations only
    from resolvers.context import Info


MAX_TIES_ORGS = 5_000
EXACT_BETWEENNESS_UP_TO = 400  # organizations; above it, betweenness is sampled
BETWEENNESS_SAMPLE = 200
MAX_FUNDS = 200


# --- what the viewer gets -----------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """Nodes and the edges among them (a neighbourhood, or a path when ``found``)."""

    nodes: list[Shown]
    edges: list[NetEdge]  # with both ends' labels
    truncated: bool
    found: bool = True


@dataclass(frozen=True)
class Ranked:
    """An organization in the collaboration graph."""

    node: Shown
    kind: str
    degree: int
    weight: int
    betweenness: float
    rank: int


@dataclass(frozen=True)
class Collaboration:
    organizations: list[Ranked]
    ties: list[collab.TieRow]
    isolated: int
    approximate: bool
    truncated: bool


@dataclass(frozen=True)
class Step:
    """Money moving one step (``kind``: DONATION, GRANT, RUN, TARGET)."""

    kind: str
    source: Shown
    target: Shown
    amount_fen: int
    count: int


@dataclass(frozen=True)
class FundFlows:
    funds: list[Shown]
    flows: list[Step]
    donated_fen: int
    granted_fen: int
    truncated: bool


@dataclass(frozen=True)
class Incubation:
    node: Shown
    found: collab.Incubated


@dataclass(frozen=True)
class CoverageGaps:
    survey: gaps.Survey
    subject: str
    volunteers_considered: int
    radius_meters: int
    min_candidates: int


@dataclass(frozen=True)
class Scope:
    """Where figures are read: a district, a community, or everywhere (``communities`` None)."""

    district: str | None
    community: str | None
    communities: list[str] | None


def _between(value: int, name: str, low: int, high: int) -> int:
    if not low <= value <= high:
        raise BadUserInput(f"`{name}` must be between {low} and {high}.")
    return value


def _key(value: str | None, label: str | Iterable[str]) -> str | None:
    return None if value is None else from_global_id(value, expect=label)[1]


async def _visible(info: Info, nodes: Iterable[NetNode]) -> dict[str, NetNode]:
    """The nodes whose rows the viewer may see, by key."""
    nodes = list(nodes)
    access = info.context.access
    scopes = {label: await access.rows(label) for label in {n.label for n in nodes}}
    # Through the same test as every list (rows admitted by place included: a covering social
    # worker's volunteers' ledgers), one batched read of places for those that need it.
    admitted = await asyncio.gather(
        *(access.admits(n.label, scopes[n.label], n.key, None) for n in nodes)
    )
    return {n.key: n for n, ok in zip(nodes, admitted, strict=True) if ok}


# Families whose rows some viewers see only by a fact of the row: once reviewed
# (``policy.UNTIL_REVIEWED``), with the resident's consent to analysis (``policy.BY_CONSENT``).
SCREENED = policy.UNTIL_REVIEWED | policy.BY_CONSENT
# Relationships touching them: screened as a walk reads them, so an unreviewed record or a
# resident who did not consent to analysis is neither reached, crossed nor counted against a
# limit (``truncated``) by a viewer who may not see it.
REVIEWED_TIES = frozenset(t for t, ends in network.ENDS.items() if not ends.isdisjoint(SCREENED))


def _withheld(info: Info) -> Withheld:
    """The viewer's edge rule for walks: a personal tie only where their view of its resident
    end is identifying (``policy.shows_tie``); an edge to a row of a :data:`SCREENED` family
    only where the viewer's row scope admits that row."""
    access = info.context.access

    async def admit(edges: Sequence[NetEdge]) -> list[bool]:
        # For each personal tie, its resident end (label, key); None for every other edge.
        ends: list[tuple[str, str | None] | None] = []
        for e in edges:
            label = policy.PERSONAL_TIES.get(e.type)
            ends.append(None if label is None else (label, e.end(label)))
        wanted = [end for end in dict.fromkeys(ends) if end is not None and end[1] is not None]
        found = await asyncio.gather(*(access.view(label, key) for label, key in wanted if key))
        views = dict(zip(wanted, found, strict=True))
        rows = await _reviewed_rows_admitted(info, edges)
        return [
            (end is None or (end in views and policy.shows_tie(e.type, views[end]))) and ok
            for e, end, ok in zip(edges, ends, rows, strict=True)
        ]

    return Withheld(frozenset(policy.PERSONAL_TIES) | REVIEWED_TIES, admit)


async def _reviewed_rows_admitted(info: Info, edges: Sequence[NetEdge]) -> list[bool]:
    """For each edge, whether the viewer's row scope admits its end of a :data:`SCREENED` family
    (True for an edge with no such end)."""
    access = info.context.access
    ends = [
        [(label, key) for label in SCREENED if (key := e.end(label)) is not None] for e in edges
    ]
    wanted = list(dict.fromkeys(end for found in ends for end in found))
    scopes = {label: await access.rows(label) for label in {label for label, _ in wanted}}
    admitted = await asyncio.gather(
        *(access.admits(label, scopes[label], key, None) for label, key in wanted)
    )
    ok = dict(zip(wanted, admitted, strict=True))
    return [all(ok[end] for end in found) for found in ends]


async def _present(info: Info, nodes: Sequence[NetNode]) -> list[Shown]:
    """The nodes as shown, residents' names and the free text of records about them withheld
    where the viewer may not read them (``policy.in_analysis``)."""
    access = info.context.access
    # Records about residents whose display name is one of their properties (not their id).
    about = [n for n in nodes if n.label in policy.ABOUT_RESIDENTS and n.name != n.key]
    views = await asyncio.gather(*(access.view(n.label, n.key) for n in about))
    seen_as = {(n.label, n.key): v for n, v in zip(about, views, strict=True)}
    out = []
    for n in nodes:
        name, withheld = n.name, False
        view = seen_as.get((n.label, n.key))
        if view is None:
            pass  # a public entity, or a record shown by its id
        elif policy.in_analysis(n.label, n.shown or "name", view):
            access.read(n.label, n.key, n.shown or "name")
        else:
            name, withheld = rules.stand_in(n.label, n.key, n.birth_year), True
        out.append(Shown(n.label, n.key, name, withheld))
    return out


def _labelled(edges: Iterable[NetEdge], labels: dict[str, str]) -> list[NetEdge]:
    """The edges with both ends' labels (global ids are made of them)."""
    return [
        dataclasses.replace(e, source_label=labels[e.source], target_label=labels[e.target])
        for e in edges
    ]


async def _start(info: Info, global_id: str) -> NetNode:
    label, key = from_global_id(global_id, expect=network.NETWORK_LABELS)
    found = await network.nodes(info.context.store, [(label, key)])
    if not found:
        raise NotFound(f"There is no {label.lower()} with id {key}.")
    if not await _visible(info, found):
        raise NotFound(f"There is no {label.lower()} with id {key} that you may see.")
    return found[0]


def _names(values: Sequence[Any] | None, default: Sequence[str]) -> list[str]:
    return [v.value for v in values] if values else list(default)


async def neighborhood(
    info: Info,
    global_id: str,
    depth: int,
    labels: Sequence[Any] | None,
    relationship_types: Sequence[Any] | None,
    limit: int,
) -> Piece:
    _between(depth, "depth", 1, network.MAX_DEPTH)
    _between(limit, "limit", 1, network.MAX_NODES)
    root = await _start(info, global_id)
    wanted = _names(labels, network.NETWORK_LABELS)
    sub = await network.neighbourhood(
        info.context.store,
        root,
        depth=depth,
        labels=wanted,
        types=_names(relationship_types, RELATIONSHIP_TYPES),
        limit=limit,
        withheld=_withheld(info),
    )
    visible = await _visible(info, sub.nodes)
    kept = [e for e in sub.edges if e.source in visible and e.target in visible]
    return Piece(
        nodes=await _present(info, list(visible.values())),
        edges=_labelled(kept, {key: n.label for key, n in visible.items()}),
        truncated=sub.truncated or len(visible) < len(sub.nodes),
    )


async def shortest_connection(
    info: Info,
    from_id: str,
    to_id: str,
    max_depth: int,
    relationship_types: Sequence[Any] | None,
) -> Piece:
    _between(max_depth, "maxDepth", 1, network.MAX_CONNECTION_DEPTH)
    start, goal = await _start(info, from_id), await _start(info, to_id)
    types = _names(relationship_types, network.CONNECTION_TYPES)
    path, edges, truncated = await network.shortest_connection(
        info.context.store,
        start,
        goal,
        max_depth=max_depth,
        types=types,
        labels=network.NETWORK_LABELS,
        withheld=_withheld(info),
    )
    visible = await _visible(info, path)
    if not path or len(visible) < len(path):
        # A path through something the viewer may not see is not shown at all.
        return Piece(nodes=[], edges=[], truncated=truncated, found=False)
    return Piece(
        nodes=await _present(info, path),
        edges=_labelled(edges, {n.key: n.label for n in path}),
        truncated=truncated,
    )


# --- collaboration ------------------------------------------------------------------------------


def _rank(graph: nx.Graph, size: int) -> tuple[dict[str, float], bool]:
    if size <= EXACT_BETWEENNESS_UP_TO:
        return nx.betweenness_centrality(graph, normalized=True), False
    return nx.betweenness_centrality(graph, k=BETWEENNESS_SAMPLE, normalized=True, seed=7), True


async def collaboration(
    info: Info, district_id: str | None, kinds: Sequence[Any] | None, limit: int
) -> Collaboration:
    _between(limit, "limit", 1, MAX_TIES_ORGS)
    district = _key(district_id, "District")
    chosen = [collab.Tie(k.value) for k in kinds] if kinds else list(collab.Tie)
    store = info.context.store
    # The whole scope is ranked (up to MAX_TIES_ORGS); `limit` caps the ranking given back, so
    # the top 3 are the first 3 of the whole ranking, not a ranking of 3 organizations.
    orgs = await collab.organizations(store, district, MAX_TIES_ORGS + 1)
    truncated = len(orgs) > limit
    orgs = orgs[:MAX_TIES_ORGS]
    known = {o.key: o for o in orgs}
    rows = [t for t in await collab.ties(store, district, chosen) if t.a in known and t.b in known]
    graph = nx.Graph()
    graph.add_nodes_from(known)
    weight: Counter[str] = Counter()
    for t in rows:
        graph.add_edge(t.a, t.b)
        weight[t.a] += t.weight
        weight[t.b] += t.weight
    # Brandes is pure Python: in a thread, so other viewers' requests are not held behind it.
    betweenness, approximate = await asyncio.to_thread(_rank, graph, len(known))
    order = sorted(
        orgs, key=lambda o: (-betweenness[o.key], -graph.degree[o.key], -weight[o.key], o.key)
    )[:limit]
    shown = {o.key for o in order}
    nodes = await _present(info, [NetNode(o.key, "Organization", o.name) for o in order])
    return Collaboration(
        organizations=[
            Ranked(
                node=node,
                kind=o.kind,
                degree=graph.degree[o.key],
                weight=weight[o.key],
                betweenness=round(betweenness[o.key], 6),
                rank=i + 1,
            )
            for i, (o, node) in enumerate(zip(order, nodes, strict=True))
        ],
        ties=[t for t in rows if t.a in shown and t.b in shown],
        isolated=sum(1 for o in orgs if graph.degree[o.key] == 0),
        approximate=approximate,
        truncated=truncated,
    )


# --- money --------------------------------------------------------------------------------------


async def fund_flows(
    info: Info, fund_ids: Sequence[str] | None, district_id: str | None, kind: Any
) -> FundFlows:
    keys = [from_global_id(f, expect="Fund")[1] for f in fund_ids or ()]
    if fund_ids is not None and not keys:
        raise BadUserInput("`fundIds`, when given, must name at least one fund.")
    if len(keys) > MAX_FUNDS:
        raise BadUserInput(f"Trace at most {MAX_FUNDS} funds at once.")
    district = _key(district_id, "District")
    store = info.context.store
    funds = await collab.funds(
        store, keys=keys or None, district=district, kind=kind.value if kind else None,
        cap=MAX_FUNDS + 1,
    )  # fmt: skip
    truncated = len(funds) > MAX_FUNDS
    funds = funds[:MAX_FUNDS]
    donations, grants = await collab.money(store, [f.key for f in funds])
    nodes: dict[tuple[str, str], NetNode] = {}

    def node(label: str, key: str, name: str) -> tuple[str, str]:
        nodes.setdefault((label, key), NetNode(key, label, name))
        return (label, key)

    steps: list[tuple[str, tuple[str, str], tuple[str, str], int, int]] = []
    for f in funds:
        node("Fund", f.key, f.name)
    for d in donations:
        src = node("Organization", d.source.key, d.source.name)
        steps.append(("DONATION", src, ("Fund", d.fund), d.amount_fen, d.count))
    for g in grants:
        project = node("Project", g.project.key, g.project.name)
        steps.append(("GRANT", ("Fund", g.fund), project, g.amount_fen, g.count))
        for runner in g.runners:
            share = g.amount_fen // len(g.runners)
            steps.append(("RUN", project, node("Organization", runner.key, runner.name), share, 1))
        shares = rules.shares(g.amount_fen, len(g.communities)) if g.communities else []
        for place, amount in zip(g.communities, shares, strict=True):
            steps.append(("TARGET", project, node("Community", place.key, place.name), amount, 1))
    presented = dict(zip(nodes, await _present(info, list(nodes.values())), strict=True))
    return FundFlows(
        funds=[presented[("Fund", f.key)] for f in funds],
        flows=[
            Step(kind_, presented[src], presented[dst], amount, count)
            for kind_, src, dst, amount, count in steps
        ],
        donated_fen=sum(d.amount_fen for d in donations),
        granted_fen=sum(g.amount_fen for g in grants),
        truncated=truncated,
    )


async def incubation_tree(info: Info, hub_id: str, depth: int) -> list[Incubation]:
    _between(depth, "depth", 1, 5)
    hub = _key(hub_id, "Organization")
    assert hub is not None
    found = await collab.incubation_tree(info.context.store, hub, depth)
    nodes = await _present(info, [NetNode(i.key, "Organization", i.name) for i in found])
    return [Incubation(node, i) for i, node in zip(found, nodes, strict=True)]


# --- gaps and figures ---------------------------------------------------------------------------


def _scope(district_id: str | None, community_id: str | None) -> tuple[str | None, str | None]:
    if district_id and community_id:
        raise BadUserInput("Give a district or a community, not both.")
    return _key(district_id, "District"), _key(community_id, "Community")


_Placed = TypeVar("_Placed", gaps.Subject, gaps.Supply)  # a point the survey measures from


def _on_cells(label: str, items: Sequence[_Placed], views: Sequence[policy.View]) -> list[_Placed]:
    """Each point as the viewer may place it (``inference.point_readable`` for ``label``): exact,
    or the centre of its ~500 m cell. Otherwise ``radiusMeters`` (1 m steps) and the counts it
    changes would measure the way from a door to a volunteer's home."""
    out = []
    for item, seen_as in zip(items, views, strict=True):
        if inference.point_readable(label, seen_as):
            out.append(item)
        else:
            latitude, longitude = inference.coarse(item.latitude, item.longitude)
            out.append(dataclasses.replace(item, latitude=latitude, longitude=longitude))
    return out


async def _placed(info: Info, label: str, subjects: Sequence[gaps.Subject]) -> list[gaps.Subject]:
    """Residents (a need's place is its resident's) at home only where the viewer's view of the
    subject may read it, else on their cell, as ``approximateLocation`` shows them."""
    access = info.context.access
    grants = await access.grants()
    views = [
        policy.view(access.viewer, grants, label, s.key, frozenset({s.community})) for s in subjects
    ]
    return _on_cells("Resident", subjects, views)


async def _bases(info: Info, supply: Sequence[gaps.Supply]) -> list[gaps.Supply]:
    """Volunteers' bases likewise (exact for a social worker covering a community they serve).
    A viewer who reads every base (an administrator) takes them as they are: a district's
    survey reaches ~57,000 volunteers, and asking of each cost ~1 s (docs/BENCHMARKS.md)."""
    access = info.context.access
    if inference.bases_read(access.viewer, await access.grants()) is None:
        return list(supply)
    views = await asyncio.gather(*(access.view("Volunteer", v.key) for v in supply))
    return _on_cells("Volunteer", supply, views)


async def coverage_gaps(
    info: Info,
    district_id: str | None,
    community_id: str | None,
    category_id: str | None,
    subject: str,
    tags: Sequence[str] | None,
    radius_meters: int,
    min_candidates: int,
) -> CoverageGaps:
    district, community = _scope(district_id, community_id)
    category = _key(category_id, "ServiceCategory")
    _between(radius_meters, "radiusMeters", 1, 50_000)
    _between(min_candidates, "minCandidates", 1, 100)
    store = info.context.store
    if subject == "RESIDENTS":
        if category is None:
            raise BadUserInput(
                "Name the service category (`categoryId`) residents' reach is surveyed for."
            )
        await _check_resident_survey(info, district, community)
        access = info.context.access
        scope = await access.rows("Resident")
        subjects, truncated = await gaps.resident_subjects(
            store,
            district=district,
            community=community,
            category=category,
            tags=tags,
            seen=None if scope is None else access.scope_params(scope),
        )
    else:
        subjects, truncated = await gaps.need_subjects(
            store, district=district, community=community, category=category
        )
    subjects = await _placed(info, "Resident" if subject == "RESIDENTS" else "Need", subjects)
    # Read a cell's reach wider: a base whose cell's centre is in reach may itself lie beyond.
    supply = await gaps.supply(store, subjects, radius_meters + inference.CELL_REACH_METERS)
    supply = await _bases(info, supply)
    taxonomy = await gaps.taxonomy(store)
    # CPU work on tens of thousands of subjects: off the event loop, so other requests go on.
    survey = await asyncio.to_thread(
        functools.partial(
            gaps.survey, subjects, supply, taxonomy, radius=radius_meters,
            min_candidates=min_candidates, truncated=truncated,
        )
    )  # fmt: skip
    return CoverageGaps(survey, subject, len(supply), radius_meters, min_candidates)


async def _check_resident_survey(info: Info, district: str | None, community: str | None) -> None:
    """A survey of residents counts tagged residents row by row, per community: by tag, or of
    any tag (the residents who have one), its `subjects`, `short` and `uncovered` give back the
    small cells statistics withhold ("the two elders living alone in 起湾"), and differences
    between groups, totals and radii give back whatever a per-count rule would withhold. So
    residents are surveyed only by whoever reads every resident of the scope in full, as the
    `tags` field is read (docs/PRIVACY.md "Small cells"); below FULL, `residentsByTag` and a
    survey of needs answer the same question without counting people one by one."""
    access = info.context.access
    communities = await figures.scope(info.context.store, district, community)
    if not cells.reads_in_full(access.viewer, await access.grants(), communities):
        raise Forbidden(
            "Surveying residents counts them by their tags, which you read only as statistics "
            "(residentsByTag, small cells withheld); survey needs (subject NEEDS), or, as a "
            "social worker, narrow the scope to communities you cover."
        )


async def statistics(info: Info, district_id: str | None, community_id: str | None) -> Scope:
    district, community = _scope(district_id, community_id)
    communities = await figures.scope(info.context.store, district, community)
    if communities == [] and (district or community):
        raise NotFound("There is no such district or community.")
    return Scope(district, community, communities)


async def stat(info: Info, communities: list[str] | None, name: str) -> Any:
    """One figure for the scope's ``communities`` (each field of the statistics reads only what
    it shows): the graph's answer as it is."""
    read = getattr(figures, name)
    if name not in figures.SCOPED:
        return await read(info.context.store, communities)
    # Rows as the viewer's row scope admits them (service records: policy.UNTIL_REVIEWED;
    # residents: policy.BY_CONSENT).
    access = info.context.access
    scope = await access.rows(figures.SCOPED[name])
    seen = None if scope is None else access.scope_params(scope)
    found = await read(info.context.store, communities, seen)
    if name not in CELLS:
        return found
    # Counts of residents: small cells withheld from whoever does not read them all in full.
    full = cells.reads_in_full(access.viewer, await access.grants(), communities)
    return cells.shown(found, full=full)


# The figures counted per community, shown through ``access.cells``.
CELLS = frozenset({"residents", "residents_by_tag"})
