"""The per-request context every resolver receives.

Built fresh for each request by the HTTP view: it carries the shared store and settings, and is
where per-request DataLoaders live (so batching never leaks data between requests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from strawberry.types import Info as StrawberryInfo

from config import Settings
from graph.store import GraphStore


@dataclass
class Context:
    request: Request
    store: GraphStore
    settings: Settings
    loaders: dict[str, Any] = field(default_factory=dict)


Info = StrawberryInfo[Context, None]
