"""Per-request DataLoaders: every nested list or reference in one query level is one round trip.

A request gets a fresh :class:`Loaders` in its context (strawberry's dataloader guide), so
batches never mix requests and nothing is cached across them.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from strawberry.dataloader import DataLoader

from access.policy import RowScope
from graph.access import facts as access
from graph.engine.store import GraphStore
from graph.model import entities
from graph.model.entities import Direction, Page, Rel, Window


class Loaders:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._loaders: dict[Hashable, DataLoader[Any, Any]] = {}

    def entity(self, label: str) -> DataLoader[str, Any]:
        """Records of one family by key (None for a key that does not exist)."""

        async def load(keys: list[str]) -> list[Any]:
            found = await entities.get_many(self.store, label, keys)
            return [found.get(k) for k in keys]

        return self.custom(("entity", label), load)

    def related(
        self, rel: Rel, direction: Direction, window: Window, scope: RowScope | None = None
    ) -> DataLoader[str, Page]:
        """Windows of related entities per parent key, for one relationship and one window,
        holding only the rows ``scope`` admits."""

        async def load(keys: list[str]) -> list[Page]:
            params = (
                None
                if scope is None
                else entities.scope_params(
                    scope.ids,
                    scope.statuses,
                    reviewed=scope.reviewed,
                    consented=scope.consented,
                )
            )
            pages = await entities.related_pages(self.store, rel, direction, keys, window, params)
            return [pages[k] for k in keys]

        return self.custom(("related", rel, direction, window, scope), load)

    def communities(self, label: str) -> DataLoader[str, frozenset[str]]:
        """The communities each entity of ``label`` is in (for a social worker's view)."""

        async def load(keys: list[str]) -> list[frozenset[str]]:
            found = await access.communities_of(self.store, label, keys)
            return [found[k] for k in keys]

        return self.custom(("communities", label), load)

    def reviewed(self, label: str) -> DataLoader[str, bool]:
        """Whether each entity of ``label`` has been reviewed (``policy.UNTIL_REVIEWED``)."""

        async def load(keys: list[str]) -> list[bool]:
            found = await access.reviewed_of(self.store, label, keys)
            return [k in found for k in keys]

        return self.custom(("reviewed", label), load)

    def consented(self, label: str) -> DataLoader[str, bool]:
        """Whether each entity of ``label`` is consented to analysis (``policy.BY_CONSENT``)."""

        async def load(keys: list[str]) -> list[bool]:
            found = await access.consented_of(self.store, label, keys)
            return [k in found for k in keys]

        return self.custom(("consented", label), load)

    def custom(self, name: Hashable, load: Any) -> DataLoader[Any, Any]:
        """The request's loader named ``name``, made with ``load`` the first time it is asked for
        (every loader above, and derived values such as a fund's balance): one batch per name
        and tick, whoever asks."""
        loader = self._loaders.get(name)
        if loader is None:
            loader = self._loaders[name] = DataLoader(load_fn=load)
        return loader
