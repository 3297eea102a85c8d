"""Settings, read once from the environment.

Every knob has a default that gives a working service on a laptop: the embedded graph in
``./data/graph``, the demo data loaded when the graph is empty, GraphiQL and introspection on,
tokens signed with a development secret. ``APP_ENV=production`` turns the conveniences off and
refuses to start without a real signing key; production also sets ``GRAPH_URI`` (Neo4j/Aura).
The limits every request is held to (docs/ACCESS.md) are settings too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from starlette.datastructures import Secret

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


# Signs the demo's tokens when AUTH_SECRET is unset outside production. Public on purpose: anyone
# can mint a token for it, which is what a demo needs and why production refuses it.
DEVELOPMENT_SECRET = "crg-development-secret-do-not-use-in-production"  # noqa: S105
# Keys the hashes of residents' ID-card numbers (intake/identity.py) when ID_HASH_KEY is unset
# outside production. Public, like the development secret: anyone holding it can test a guessed
# number against a hash, so production refuses to start without its own key.
DEVELOPMENT_ID_HASH_KEY = "crg-development-id-hash-key-do-not-use-in-production"
ALGORITHMS = {"HS256", "HS384", "HS512", "RS256", "ES256"}


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


RATE_STORAGES = ("memory", "redis", "rediss", "redis+unix")


def _rate_storage(raw: str | None) -> Secret | None:
    """``RATE_LIMIT_STORAGE`` as the asyncio URI ``limits`` expects (``redis://…`` becomes
    ``async+redis://…``), or None when unset."""
    if not raw:
        return None
    scheme, _, rest = raw.partition("://")
    plain = scheme.removeprefix("async+")
    if plain not in RATE_STORAGES or (not rest and plain != "memory"):
        raise ConfigError(
            "RATE_LIMIT_STORAGE must be a URI like redis://host:6379, rediss://…, "
            "redis+unix:///path/to.sock or memory:// (the value is not repeated here: it may "
            "hold a password)."
        )
    return Secret(f"async+{plain}://{rest}")


def _read_key(env: Mapping[str, str], name: str) -> Secret:
    path = env.get(name, "")
    if not path:
        return Secret("")
    try:
        return Secret(Path(path).read_text())
    except OSError:
        raise ConfigError(f"{name} names {path!r}, which cannot be read.") from None


@dataclass(frozen=True)
class Limits:
    """What one request may ask for (docs/ACCESS.md "Limits"); refused before the graph is read."""

    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 3_000
    max_cost: int = 100_000
    max_body_bytes: int = 256 * 1024
    rate_per_minute: int = 600
    rate_burst: int = 60
    # Where the rate counts are kept (a `limits` storage URI); None: the graph's own Redis on
    # FalkorDB, this process's memory on Neo4j (web/gate.py RateLimiter).
    # A Secret: the URI may carry the Redis password, and settings reach logs as their repr.
    rate_storage: Secret | None = None
    # Network analysis (schema/limits.py): graph rows one request may visit, and how many heavy
    # operations run at once per viewer and in the whole process.
    max_work: int = 25_000
    heavy_per_viewer: int = 2
    heavy_total: int = 4


@dataclass(frozen=True)
class Live:
    """Subscriptions and the event log (docs/LIVE.md): per API process."""

    poll_s: float = 0.25  # how often a process reads the log while someone listens
    retention_s: int = 7 * 24 * 3600  # events older than this are pruned
    connections_per_viewer: int = 5  # open WebSockets per signed-in viewer
    subscriptions_per_viewer: int = 20  # running subscriptions per viewer, over its connections
    idle_s: float = 300.0  # a connection running no subscription this long is closed
    recheck_s: float = 10.0  # how often a connection's token and subject are checked again


@dataclass(frozen=True)
class Webhooks:
    """Partner webhooks (docs/LIVE.md "Webhooks"): where they may point, how deliveries retry."""

    allow_loopback_http: bool = False  # admit http://127.0.0.1 / localhost URLs (tests only)
    attempts: int = 5  # tries per delivery
    backoff_base_s: float = 1.0  # the first retry waits this, each next one twice as long
    backoff_cap_s: float = 300.0  # no wait between tries is longer
    max_failures: int = 10  # failed deliveries in a row before the webhook is disabled
    timeout_s: float = 10.0  # per POST
    poll_s: float = 2.0  # how often the worker reads the event log for active webhooks
    # How long a webhook stays with the process serving it past that process's last write, on
    # top of the longest one delivery may take (docs/LIVE.md "Several API processes").
    lease_s: float = 30.0


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
    # Heavy statements (network analysis) end sooner, and hold at most this many graph threads
    # (0: the engine's threads but one).
    graph_heavy_timeout_s: float = 5.0
    graph_heavy_slots: int = 0
    graph_pool_size: int = 16
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    # "auto": text lines when stderr is a terminal (a developer), JSON otherwise (a log shipper).
    log_format: str = "auto"
    graphiql: bool = True
    introspection: bool = True
    load_demo_data: bool = True
    production: bool = False
    auth_algorithm: str = "HS256"
    auth_secret: Secret = field(default_factory=lambda: Secret(DEVELOPMENT_SECRET))
    auth_public_key: Secret = field(default_factory=lambda: Secret(""))
    auth_private_key: Secret = field(default_factory=lambda: Secret(""))
    auth_issuer: str = "community-resource-graph"
    auth_audience: str = "community-resource-graph"
    token_ttl_s: int = 8 * 3600  # a person's token: one working day (docs/ACCESS.md)
    service_token_ttl_s: int = 30 * 24 * 3600  # a partner integration's token: a month
    # How long an API process trusts what it read of a token's subject and revocations; at most
    # 60 s, so a person removed, deactivated or revoked elsewhere loses access within a minute.
    identity_cache_s: float = 30.0
    limits: Limits = field(default_factory=Limits)
    live: Live = field(default_factory=Live)
    webhooks: Webhooks = field(default_factory=Webhooks)
    # HMAC-SHA256 key of residents' ID-card numbers (intake/identity.py). Production must set
    # ID_HASH_KEY (32+ characters) and never change it: a new key makes every stored hash
    # unmatchable, so re-imported residents would become duplicates.
    id_hash_key: Secret = field(default_factory=lambda: Secret(DEVELOPMENT_ID_HASH_KEY))
    # The largest spreadsheet `POST /import/{family}` accepts (IMPORT_MAX_BYTES); larger → 413.
    import_max_bytes: int = 20 * 1024 * 1024
    # The address the public reaches this service at (PUBLIC_URL, e.g. https://crg.example.cn):
    # a certificate's QR code opens its verification there. Empty: the address it was asked at.
    public_url: str = ""

    @property
    def max_token_lifetime_s(self) -> int:
        """No token may live longer: revocations are kept this long, then pruned."""
        return max(self.token_ttl_s, self.service_token_ttl_s)

    @property
    def signs_with_development_secret(self) -> bool:
        return self.auth_algorithm.startswith("HS") and str(self.auth_secret) == DEVELOPMENT_SECRET

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        log_format = (env.get("LOG_FORMAT", "") or "auto").strip().lower()
        if log_format not in {"auto", "json", "text"}:
            raise ConfigError(f"LOG_FORMAT must be auto, json or text, not {log_format!r}.")
        graph_name = env.get("GRAPH_NAME", "crg")
        if not graph_name.replace("_", "").replace("-", "").isalnum():
            raise ConfigError("GRAPH_NAME may hold only letters, digits, '-' and '_'.")
        app_env = env.get("APP_ENV", "development").strip().lower()
        if app_env not in {"development", "production"}:
            raise ConfigError(f"APP_ENV must be development or production, not {app_env!r}.")
        production = app_env == "production"
        algorithm = env.get("AUTH_ALGORITHM", "HS256").strip().upper()
        if algorithm not in ALGORITHMS:
            raise ConfigError(f"AUTH_ALGORITHM must be one of {', '.join(sorted(ALGORITHMS))}.")
        secret = env.get("AUTH_SECRET", "")
        public_key = _read_key(env, "AUTH_PUBLIC_KEY_FILE")
        if algorithm.startswith("HS"):
            if production and not secret:
                raise ConfigError("APP_ENV=production needs AUTH_SECRET (32+ random characters).")
            if secret and len(secret) < 32:
                raise ConfigError("AUTH_SECRET must be at least 32 characters long.")
        elif not str(public_key):
            raise ConfigError(f"AUTH_ALGORITHM={algorithm} needs AUTH_PUBLIC_KEY_FILE.")
        id_hash_key = env.get("ID_HASH_KEY", "")
        if production and not id_hash_key:
            raise ConfigError(
                "APP_ENV=production needs ID_HASH_KEY (32+ random characters, kept for good): "
                "it keys the hashes of residents' ID-card numbers."
            )
        if id_hash_key and len(id_hash_key) < 32:
            raise ConfigError("ID_HASH_KEY must be at least 32 characters long.")
        identity_cache_s = _number(env, "IDENTITY_CACHE_S", 30.0, 0)
        if identity_cache_s > 60:
            raise ConfigError(
                "IDENTITY_CACHE_S must be at most 60, so that a person who is removed, "
                "deactivated or revoked loses access within a minute."
            )
        limits = Limits(
            max_depth=int(_number(env, "MAX_QUERY_DEPTH", Limits.max_depth, 2)),
            max_aliases=int(_number(env, "MAX_QUERY_ALIASES", Limits.max_aliases, 0)),
            max_tokens=int(_number(env, "MAX_QUERY_TOKENS", Limits.max_tokens, 50)),
            max_cost=int(_number(env, "MAX_QUERY_COST", Limits.max_cost, 10)),
            max_body_bytes=int(_number(env, "MAX_BODY_BYTES", Limits.max_body_bytes, 1024)),
            rate_per_minute=int(_number(env, "RATE_LIMIT_PER_MINUTE", Limits.rate_per_minute, 0)),
            rate_burst=int(_number(env, "RATE_LIMIT_BURST", Limits.rate_burst, 1)),
            rate_storage=_rate_storage(env.get("RATE_LIMIT_STORAGE")),
            max_work=int(_number(env, "MAX_QUERY_WORK", Limits.max_work, 1)),
            heavy_per_viewer=int(
                _number(env, "HEAVY_QUERIES_PER_VIEWER", Limits.heavy_per_viewer, 1)
            ),
            heavy_total=int(_number(env, "HEAVY_QUERIES_TOTAL", Limits.heavy_total, 1)),
        )
        live = Live(
            poll_s=_number(env, "LIVE_POLL_S", Live.poll_s, 0.01),
            retention_s=int(_number(env, "EVENT_RETENTION_S", Live.retention_s, 60)),
            connections_per_viewer=int(
                _number(env, "LIVE_CONNECTIONS_PER_VIEWER", Live.connections_per_viewer, 1)
            ),
            subscriptions_per_viewer=int(
                _number(env, "LIVE_SUBSCRIPTIONS_PER_VIEWER", Live.subscriptions_per_viewer, 1)
            ),
            idle_s=_number(env, "LIVE_IDLE_S", Live.idle_s, 1),
            recheck_s=_number(env, "LIVE_RECHECK_S", Live.recheck_s, 0.1),
        )
        webhooks = Webhooks(
            allow_loopback_http=_bool(env, "WEBHOOK_ALLOW_LOOPBACK_HTTP", False),
            attempts=int(_number(env, "WEBHOOK_ATTEMPTS", Webhooks.attempts, 1)),
            backoff_base_s=_number(env, "WEBHOOK_BACKOFF_BASE_S", Webhooks.backoff_base_s, 0),
            backoff_cap_s=_number(env, "WEBHOOK_BACKOFF_CAP_S", Webhooks.backoff_cap_s, 0),
            max_failures=int(_number(env, "WEBHOOK_MAX_FAILURES", Webhooks.max_failures, 1)),
            timeout_s=_number(env, "WEBHOOK_TIMEOUT_S", Webhooks.timeout_s, 0.1),
            poll_s=_number(env, "WEBHOOK_POLL_S", Webhooks.poll_s, 0.05),
            lease_s=_number(env, "WEBHOOK_LEASE_S", Webhooks.lease_s, 0.5),
        )
        if production and webhooks.allow_loopback_http:
            raise ConfigError("WEBHOOK_ALLOW_LOOPBACK_HTTP must be off in production.")
        return cls(
            graph_uri=env.get("GRAPH_URI", "embedded").strip() or "embedded",
            graph_data_dir=Path(env.get("GRAPH_DATA_DIR", "data/graph")),
            graph_name=graph_name,
            neo4j_user=env.get("NEO4J_USER", "neo4j"),
            neo4j_password=Secret(env.get("NEO4J_PASSWORD", "")),
            neo4j_database=env.get("NEO4J_DATABASE", "neo4j"),
            graph_connect_timeout_s=_number(env, "GRAPH_CONNECT_TIMEOUT_S", 10.0, 0.1),
            graph_query_timeout_s=_number(env, "GRAPH_QUERY_TIMEOUT_S", 10.0, 0.1),
            graph_heavy_timeout_s=_number(env, "GRAPH_HEAVY_QUERY_TIMEOUT_S", 5.0, 0.1),
            graph_heavy_slots=int(_number(env, "GRAPH_HEAVY_SLOTS", 0, 0)),
            graph_pool_size=int(_number(env, "GRAPH_POOL_SIZE", 16, 1)),
            host=env.get("HOST", "127.0.0.1"),
            port=int(_number(env, "PORT", 8000, 0)),
            log_level=env.get("LOG_LEVEL", "info").lower(),
            log_format=log_format,
            graphiql=_bool(env, "GRAPHIQL", not production),
            introspection=_bool(env, "INTROSPECTION", not production),
            load_demo_data=_bool(env, "LOAD_DEMO_DATA", not production),
            production=production,
            auth_algorithm=algorithm,
            auth_secret=Secret(secret or DEVELOPMENT_SECRET),
            auth_public_key=public_key,
            auth_private_key=_read_key(env, "AUTH_PRIVATE_KEY_FILE"),
            auth_issuer=env.get("AUTH_ISSUER", "community-resource-graph"),
            auth_audience=env.get("AUTH_AUDIENCE", "community-resource-graph"),
            token_ttl_s=int(_number(env, "TOKEN_TTL_S", 8 * 3600, 60)),
            service_token_ttl_s=int(_number(env, "SERVICE_TOKEN_TTL_S", 30 * 24 * 3600, 60)),
            identity_cache_s=identity_cache_s,
            limits=limits,
            live=live,
            webhooks=webhooks,
            id_hash_key=Secret(id_hash_key or DEVELOPMENT_ID_HASH_KEY),
            import_max_bytes=int(_number(env, "IMPORT_MAX_BYTES", 20 * 1024 * 1024, 1024)),
            public_url=env.get("PUBLIC_URL", "").strip().rstrip("/"),
        )
