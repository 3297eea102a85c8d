"""The per-request context every resolver receives.

Built fresh for each request by the HTTP view: it carries the shared store and settings, and the
request's own DataLoaders (so batching never leaks data between requests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from config import Settings
from graph.store import GraphStore

if TYPE_CHECKING:
    from resolvers.loaders import Loaders


@dataclass
class Context:
    request: Request
    store: GraphStore
    settings: Settings
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        from resolvers.loaders import Loaders  # noqa: PLC0415 - resolvers import schema types

        self.loaders = Loaders(self.store)


Info = StrawberryInfo[Context, None]
