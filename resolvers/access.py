"""One request's access: the viewer, their grants (read once), and what they have read.

``policy`` holds the rules; this object feeds them the facts of this request and remembers the
answers, so a list of fifty residents costs one grants read and one batched community read, not
fifty. It also collects the audit trail of the request (PII read, mutations attempted), written
by ``schema.audit`` when the request ends.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from access import inference, policy
from access.inference import QueryPlan
from access.policy import Grants, RowScope, View
from access.tokens import Viewer
from graph.access import facts as graph
from graph.engine.store import GraphStore
from graph.model.entities import scope_params


@dataclass
class MutationTrail:
    operation: str
    ids: list[str] = field(default_factory=list)
    arguments: list[str] = field(default_factory=list)
    denied: bool = False


@dataclass
class QueryTrail:
    """A list question about residents' personal information (``inference.plan_query``'s
    ``asked``: which filters, sorts or search, never their values) and the rows it answered."""

    label: str
    asked: tuple[str, ...]
    ids: list[str] = field(default_factory=list)
    rows: int = 0
    denied: bool = False


class Access:
    def __init__(self, viewer: Viewer, store: GraphStore, loaders: Any) -> None:
        self.viewer = viewer
        self.store = store
        self.loaders = loaders
        self._grants: asyncio.Task[Grants] | None = None
        self.pii_read: dict[str, set[str]] = defaultdict(set)  # resident key -> fields
        self.mutations: dict[str, MutationTrail] = {}  # response key -> what was attempted
        self.pii_queries: list[QueryTrail] = []  # list questions about PII, in order asked

    async def grants(self) -> Grants:
        if self._grants is None:
            self._grants = asyncio.ensure_future(self._read_grants())
        return await self._grants

    def forget_grants(self) -> None:
        self._grants = None

    async def _read_grants(self) -> Grants:
        found = await graph.grants(self.store, self.viewer.role.value, self.viewer.subject)
        return Grants(**found)

    async def rows(self, label: str) -> RowScope | None:
        """The rows of ``label`` this viewer may see (None: all)."""
        if policy.row_scope(self.viewer, Grants(), label) is None:
            return None  # decided by the role alone: no need to read grants
        return policy.row_scope(self.viewer, await self.grants(), label)

    async def view(self, label: str, key: str) -> View:
        grants = await self.grants()
        communities: frozenset[str] = frozenset()
        if label in policy.PLACED and grants.communities:
            communities = await self.loaders.communities(label).load(key)
        return policy.view(self.viewer, grants, label, key, communities)

    def read(self, label: str, key: str, field_name: str) -> None:
        """Note a granted read of a field; residents' PII reads go to the audit log."""
        if field_name in policy.AUDITED.get(label, ()):
            self.pii_read[key].add(field_name)

    async def plan(
        self,
        label: str,
        filters: frozenset[str],
        sort: str | None,
        *,
        search: bool = False,
        sort_asked: bool = False,
        reads: frozenset[str] = frozenset(),
    ) -> tuple[QueryPlan, QueryTrail | None]:
        """How a list question runs for this viewer (``inference.plan_query``), and its audit trail
        when it asks about residents' PII (refused ones included)."""
        if label not in inference.QUERY_REVEALS:
            return QueryPlan(), None
        plan = inference.plan_query(
            self.viewer,
            await self.grants(),
            label,
            filters,
            sort,
            search=search,
            sort_asked=sort_asked,
            reads=reads,
        )
        trail = None
        if plan.asked:
            trail = QueryTrail(label, plan.asked, denied=plan.refusal is not None)
            self.pii_queries.append(trail)
        return plan, trail

    def by(self, scope: RowScope | inference.ReadScope) -> str | None:
        """The social worker whose covered communities a scope admits rows in (the viewer; a
        scope's communities are their covered ones, all or none), for the graph's patterns."""
        return self.viewer.subject if scope.communities else None

    def scope_params(self, scope: RowScope) -> dict[str, Any]:
        """The graph's parameters of a row scope (``graph.model.family.SCOPE``)."""
        return scope_params(
            scope.ids, scope.statuses, self.by(scope), scope.reviewed, scope.consented
        )

    async def admits(
        self, label: str, scope: RowScope | None, key: str, status: str | None
    ) -> bool:
        """Whether a row is in the viewer's row scope, reading where it is only when the scope
        admits rows by place, whether it was reviewed only when it admits reviewed rows, and
        whether its person consents to analysis only when it admits consenting rows."""
        if scope is None or scope.admits(key, status):
            return True
        placed: frozenset[str] = frozenset()
        if scope.communities and label in policy.PLACED:
            placed = await self.loaders.communities(label).load(key)
            if scope.admits(key, status, placed):
                return True
        if scope.reviewed and label in policy.UNTIL_REVIEWED:
            return await self.loaders.reviewed(label).load(key)
        if scope.consented and label in policy.BY_CONSENT:
            return await self.loaders.consented(label).load(key)
        return False
