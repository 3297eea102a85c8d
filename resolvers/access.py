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

import policy
from auth import Viewer
from graph import access as graph
from graph.store import GraphStore
from policy import Grants, RowScope, View


@dataclass
class MutationTrail:
    operation: str
    ids: list[str] = field(default_factory=list)
    arguments: list[str] = field(default_factory=list)
    denied: bool = False


class Access:
    def __init__(self, viewer: Viewer, store: GraphStore, loaders: Any) -> None:
        self.viewer = viewer
        self.store = store
        self.loaders = loaders
        self._grants: asyncio.Task[Grants] | None = None
        self.pii_read: dict[str, set[str]] = defaultdict(set)  # resident key -> fields
        self.mutations: dict[str, MutationTrail] = {}  # response key -> what was attempted

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
