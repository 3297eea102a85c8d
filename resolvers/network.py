"""Network analysis: arguments checked, graph answers made into network objects under the rules.

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
import statistics as stats
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import networkx as nx

from access import policy
from graph.engine.labels import RELATIONSHIP_TYPES
from graph.queries import collaboration as collab
from graph.queries import gaps, network
from graph.queries import statistics as figures
from graph.queries.network import NetEdge, NetNode, Withheld
from resolvers.entities import entity, entity_list  # noqa: F401 - the schema's loaders
from schema.base import yuan
from schema.context import Info
from schema.errors import BadUserInput, NotFound
from schema.relay import from_global_id, to_global_id

RESIDENT = "服务对象"
MAX_TIES_ORGS = 5_000
EXACT_BETWEENNESS_UP_TO = 400  # organizations; above it, betweenness is sampled
BETWEENNESS_SAMPLE = 200
MAX_FUNDS = 200


def _types() -> Any:
    from schema import network as types  # noqa: PLC0415 - the schema module imports this one

    return types


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


def _withheld(info: Info) -> Withheld:
    """The viewer's edge rule for walks: a personal tie only where their view of its resident
    end is identifying (``policy.shows_tie``)."""
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
        return [
            end is None or (end in views and policy.shows_tie(e.type, views[end]))
            for e, end in zip(edges, ends, strict=True)
        ]

    return Withheld(frozenset(policy.PERSONAL_TIES), admit)


async def _present(info: Info, nodes: Sequence[NetNode]) -> list[Any]:
    """NetworkNode objects, residents' names and the free text of records about them withheld
    where the viewer may not read them (``policy.in_analysis``)."""
    access = info.context.access
    # Records about residents whose display name is one of their properties (not their id).
    about = [n for n in nodes if n.label in policy.ABOUT_RESIDENTS and n.name != n.key]
    views = await asyncio.gather(*(access.view(n.label, n.key) for n in about))
    seen_as = {(n.label, n.key): v for n, v in zip(about, views, strict=True)}
    node_type = _types().NetworkNode
    out = []
    for n in nodes:
        name, withheld = n.name, False
        view = seen_as.get((n.label, n.key))
        if view is None:
            pass  # a public entity, or a record shown by its id
        elif policy.in_analysis(n.label, n.shown or "name", view):
            access.read(n.label, n.key, n.shown or "name")
        elif n.label == "Resident":
            band = policy.age_band(n.birth_year)
            name, withheld = (f"{RESIDENT} · {band}" if band else RESIDENT), True
        else:
            name, withheld = n.key, True
        out.append(
            node_type(
                id=to_global_id(n.label, n.key),
                key=n.key,
                label=_types().NetworkLabel[n.label],
                name=name,
                name_withheld=withheld,
            )
        )
    return out


def _edge(edge: NetEdge, labels: dict[str, str]) -> Any:
    types = _types()
    return types.NetworkEdge(
        type=types.RelationshipType[edge.type],
        source=to_global_id(labels[edge.source], edge.source),
        target=to_global_id(labels[edge.target], edge.target),
        properties={k: (v if isinstance(v, int | float | str | bool) else str(v))
                    for k, v in edge.props.items()},
    )  # fmt: skip


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
) -> Any:
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
    return await _subgraph(info, sub.nodes, sub.edges, sub.truncated, _types().Subgraph)


async def _subgraph(
    info: Info, nodes: Sequence[NetNode], edges: Sequence[NetEdge], truncated: bool, cls: type
) -> Any:
    visible = await _visible(info, nodes)
    kept = [e for e in edges if e.source in visible and e.target in visible]
    labels = {key: n.label for key, n in visible.items()}
    return cls(
        nodes=await _present(info, list(visible.values())),
        edges=[_edge(e, labels) for e in kept],
        truncated=truncated or len(visible) < len(nodes),
    )


async def shortest_connection(
    info: Info,
    from_id: str,
    to_id: str,
    max_depth: int,
    relationship_types: Sequence[Any] | None,
) -> Any:
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
    cls = _types().NetworkPath
    visible = await _visible(info, path)
    if not path or len(visible) < len(path):
        # A path through something the viewer may not see is not shown at all.
        return cls(found=False, length=None, nodes=[], edges=[], truncated=truncated)
    labels = {n.key: n.label for n in path}
    return cls(
        found=True,
        length=len(edges),
        nodes=await _present(info, path),
        edges=[_edge(e, labels) for e in edges],
        truncated=truncated,
    )


# --- collaboration ------------------------------------------------------------------------------


def _rank(graph: nx.Graph, size: int) -> tuple[dict[str, float], bool]:
    if size <= EXACT_BETWEENNESS_UP_TO:
        return nx.betweenness_centrality(graph, normalized=True), False
    return nx.betweenness_centrality(graph, k=BETWEENNESS_SAMPLE, normalized=True, seed=7), True


async def collaboration(
    info: Info, district_id: str | None, kinds: Sequence[Any] | None, limit: int
) -> Any:
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
    types = _types()
    return types.Collaboration(
        organizations=[
            types.Collaborator(
                node=node,
                kind=o.kind,
                degree=graph.degree[o.key],
                weight=weight[o.key],
                betweenness=round(betweenness[o.key], 6),
                rank=i + 1,
            )
            for i, (o, node) in enumerate(zip(order, nodes, strict=True))
        ],
        ties=[
            types.CollaborationTie(
                kind=types.TieKind(t.kind),
                source=to_global_id("Organization", t.a),
                target=to_global_id("Organization", t.b),
                weight=t.weight,
            )
            for t in rows
            if t.a in shown and t.b in shown
        ],
        isolated=sum(1 for o in orgs if graph.degree[o.key] == 0),
        approximate=approximate,
        truncated=truncated,
    )


# --- money --------------------------------------------------------------------------------------


async def fund_flows(
    info: Info, fund_ids: Sequence[str] | None, district_id: str | None, kind: Any
) -> Any:
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
        for i, place in enumerate(g.communities):
            share, rest = divmod(g.amount_fen, len(g.communities))
            amount = share + (rest if i == 0 else 0)
            steps.append(("TARGET", project, node("Community", place.key, place.name), amount, 1))
    presented = dict(zip(nodes, await _present(info, list(nodes.values())), strict=True))
    types = _types()
    return types.FundFlows(
        funds=[presented[("Fund", f.key)] for f in funds],
        flows=[
            types.Flow(
                kind=types.FlowKind[kind_],
                source=presented[src],
                target=presented[dst],
                amount=yuan(amount),
                count=count,
            )
            for kind_, src, dst, amount, count in steps
        ],
        donated=yuan(sum(d.amount_fen for d in donations)),
        granted=yuan(sum(g.amount_fen for g in grants)),
        truncated=truncated,
    )


async def incubation_tree(info: Info, hub_id: str, depth: int) -> list[Any]:
    _between(depth, "depth", 1, 5)
    hub = _key(hub_id, "Organization")
    assert hub is not None
    found = await collab.incubation_tree(info.context.store, hub, depth)
    nodes = await _present(info, [NetNode(i.key, "Organization", i.name) for i in found])
    types = _types()
    return [
        types.Incubation(
            node=node,
            parent=to_global_id("Organization", i.parent),
            stage=i.stage,
            since=i.since,
            depth=i.depth,
        )
        for i, node in zip(found, nodes, strict=True)
    ]


# --- gaps and figures ---------------------------------------------------------------------------


def _scope(district_id: str | None, community_id: str | None) -> tuple[str | None, str | None]:
    if district_id and community_id:
        raise BadUserInput("Give a district or a community, not both.")
    return _key(district_id, "District"), _key(community_id, "Community")


_Placed = TypeVar("_Placed", gaps.Subject, gaps.Supply)  # a point the survey measures from


def _on_cells(label: str, items: Sequence[_Placed], views: Sequence[policy.View]) -> list[_Placed]:
    """Each point as the viewer may place it (``policy.point_readable`` for ``label``): exact,
    or the centre of its ~500 m cell. Otherwise ``radiusMeters`` (1 m steps) and the counts it
    changes would measure the way from a door to a volunteer's home."""
    out = []
    for item, seen_as in zip(items, views, strict=True):
        if policy.point_readable(label, seen_as):
            out.append(item)
        else:
            latitude, longitude = policy.coarse(item.latitude, item.longitude)
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
    """Volunteers' bases likewise (exact for a social worker covering a community they serve)."""
    access = info.context.access
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
) -> Any:
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
        subjects, truncated = await gaps.resident_subjects(
            store, district=district, community=community, category=category, tags=tags
        )
    else:
        subjects, truncated = await gaps.need_subjects(
            store, district=district, community=community, category=category
        )
    subjects = await _placed(info, "Resident" if subject == "RESIDENTS" else "Need", subjects)
    # Read a cell's reach wider: a base whose cell's centre is in reach may itself lie beyond.
    supply = await gaps.supply(store, subjects, radius_meters + policy.CELL_REACH_METERS)
    supply = await _bases(info, supply)
    taxonomy = await gaps.taxonomy(store)
    # CPU work on tens of thousands of subjects: off the event loop, so other requests go on.
    survey = await asyncio.to_thread(
        functools.partial(
            gaps.survey, subjects, supply, taxonomy, radius=radius_meters,
            min_candidates=min_candidates, truncated=truncated,
        )
    )  # fmt: skip
    types = _types()
    return types.CoverageGaps(
        groups=[
            types.GapGroup(
                community_key=g.community,
                category_key=g.category,
                short_keys=g.short_keys if subject == "NEEDS" else [],
                community_name=g.community_name,
                category_name=g.category_name,
                subjects=g.subjects,
                short=g.short,
                uncovered=g.uncovered,
                median_candidates=float(stats.median(g.candidates)),
            )
            for g in survey.groups
        ],
        subjects=survey.subjects,
        short=sum(g.short for g in survey.groups),
        volunteers_considered=len(supply),
        radius_meters=radius_meters,
        min_candidates=min_candidates,
        truncated=survey.truncated,
    )


async def statistics(info: Info, district_id: str | None, community_id: str | None) -> Any:
    district, community = _scope(district_id, community_id)
    communities = await figures.scope(info.context.store, district, community)
    if communities == [] and (district or community):
        raise NotFound("There is no such district or community.")
    return _types().Statistics(
        district_key=district, community_key=community, communities=communities
    )


async def stat(info: Info, source: Any, name: str) -> Any:
    """One figure of a :class:`Statistics` (each field reads only what it shows)."""
    found = await getattr(figures, name)(info.context.store, source.communities)
    types = _types()
    if name in {"residents_by_tag", "volunteers_by_star", "needs_by_status"}:
        return [types.KeyCount(key=c.key, count=c.count) for c in found]
    if name == "hours":
        return [
            types.MonthHours(
                month=h.month,
                category_key=h.category,
                category_name=h.category_name,
                hours=round(h.minutes / 60, 2),
                verified_hours=round(h.verified_minutes / 60, 2),
                records=h.records,
            )
            for h in found
        ]
    if name == "granted":
        return types.Granted(amount=yuan(found.amount_fen), grants=found.grants,
                             projects=found.projects)  # fmt: skip
    if name == "balance":
        return [
            types.SupplyDemand(
                category_key=b.category,
                category_name=b.category_name,
                supply_slots=b.supply_slots,
                volunteers=b.volunteers,
                demand_slots=b.demand_slots,
                needs=b.needs,
            )
            for b in found
        ]
    return found
