"""The per-request context every resolver receives.

Built fresh for each request by the HTTP view: it carries the shared store and settings, the
viewer (from the bearer token), and the request's own DataLoaders and access bookkeeping (so
neither batching nor access decisions ever leak between requests).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from access.tokens import ANONYMOUS, Viewer
from config import Settings
from graph.engine.store import GraphStore
from resolvers.access import Access
from resolvers.loaders import Loaders


@dataclass
class Context:
    request: Request
    store: GraphStore
    settings: Settings
    viewer: Viewer = ANONYMOUS
    loaders: Loaders = field(init=False)
    access: Access = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)
        self.access = Access(self.viewer, self.store, self.loaders)


Info = StrawberryInfo[Context, None]
