"""Settings, read once from the environment.

Every knob has a default that gives a working service on a laptop: the embedded graph in
``./data/graph``, the demo data loaded when the graph is empty, GraphiQL on. Production sets
``GRAPH_URI`` (Neo4j/Aura) and turns the conveniences off.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from starlette.datastructures import Secret

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting has a value the service cannot use; the message names the variable."""


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}.")


def _number(env: Mapping[str, str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {raw!r}.")
    return value


@dataclass(frozen=True)
class Settings:
    graph_uri: str = "embedded"
    graph_data_dir: Path = Path("data/graph")
    graph_name: str = "crg"
    neo4j_user: str = "neo4j"
    neo4j_password: Secret = field(default_factory=lambda: Secret(""))
    neo4j_database: str = "neo4j"
    graph_connect_timeout_s: float = 10.0
    graph_query_timeout_s: float = 10.0
    graph_pool_size: int = 16
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    log_format: str = "json"
    graphiql: bool = True
    load_demo_data: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        log_format = env.get("LOG_FORMAT", "json").lower()
        if log_format not in {"json", "text"}:
            raise ConfigError(f"LOG_FORMAT must be json or text, not {log_format!r}.")
        graph_name = env.get("GRAPH_NAME", "crg")
        if not graph_name.replace("_", "").replace("-", "").isalnum():
            raise ConfigError("GRAPH_NAME may hold only letters, digits, '-' and '_'.")
        return cls(
            graph_uri=env.get("GRAPH_URI", "embedded").strip() or "embedded",
            graph_data_dir=Path(env.get("GRAPH_DATA_DIR", "data/graph")),
            graph_name=graph_name,
            neo4j_user=env.get("NEO4J_USER", "neo4j"),
            neo4j_password=Secret(env.get("NEO4J_PASSWORD", "")),
            neo4j_database=env.get("NEO4J_DATABASE", "neo4j"),
            graph_connect_timeout_s=_number(env, "GRAPH_CONNECT_TIMEOUT_S", 10.0, 0.1),
            graph_query_timeout_s=_number(env, "GRAPH_QUERY_TIMEOUT_S", 10.0, 0.1),
            graph_pool_size=int(_number(env, "GRAPH_POOL_SIZE", 16, 1)),
            host=env.get("HOST", "127.0.0.1"),
            port=int(_number(env, "PORT", 8000, 0)),
            log_level=env.get("LOG_LEVEL", "info").lower(),
            log_format=log_format,
            graphiql=_bool(env, "GRAPHIQL", True),
            load_demo_data=_bool(env, "LOAD_DEMO_DATA", True),
        )
