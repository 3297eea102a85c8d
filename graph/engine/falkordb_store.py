"""FalkorDB, embedded (our child process on a Unix socket) or an external server.

FalkorDB runs each query atomically and serializes writes per graph, so one statement is one
transaction. A statement is retried when the connection failed or the server was still loading
its append-only file, and when the client's cached schema went stale (the client refreshes it and
asks again). Every write statement in this project is idempotent (MERGE on ids, or guarded by an
idempotency key), which is what makes retrying a write safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import redis.asyncio
import redis.exceptions
from falkordb.asyncio import FalkorDB
from falkordb.exceptions import SchemaVersionMismatchException

from graph.engine.bootstrap import ensure_schema
from graph.engine.cypher import Statement
from graph.engine.dialect import FALKORDB, RawCommand
from graph.engine.embedded import EmbeddedFalkorDB
from graph.engine.errors import GraphConflict, GraphQueryError, GraphTimeout, GraphUnavailable
from graph.engine.store import PING_TIMEOUT_S, GraphStore, Record, keeps_cancellation
from graph.engine.system import node_count
from graph.engine.values import from_falkordb, to_params

log = logging.getLogger(__name__)

RETRIES = 3
RETRY_PAUSE_S = 0.1
_REWRITE_ATTEMPTS = 3  # the server's own rewrite, then ours; a third in case one more began
_TRANSIENT = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    redis.exceptions.BusyLoadingError,
    ConnectionError,
    OSError,
)


class FalkorDBStore(GraphStore):
    def __init__(
        self,
        pool: redis.asyncio.ConnectionPool,
        graph_name: str,
        where: str,
        query_timeout_s: float,
        server: EmbeddedFalkorDB | None = None,
    ) -> None:
        super().__init__(FALKORDB, query_timeout_s)
        self._pool = pool
        self._db = FalkorDB(connection_pool=pool)
        self._graph = self._db.select_graph(graph_name)
        self._graph_name = graph_name
        self._where = where
        self.server = server
        # The health ping has a connection of its own: under load every pooled connection can
        # be busy, and a ping queued behind them would report a healthy graph as down. Pings
        # wait for it in turn: the watch and /readyz ping at the same time (a non-blocking
        # pool of one refused the second, and the watch then marked a healthy graph down for
        # every request while /readyz was polled).
        self._probe = redis.asyncio.Redis(
            connection_pool=redis.asyncio.BlockingConnectionPool(
                connection_class=pool.connection_class, max_connections=1,
                timeout=PING_TIMEOUT_S, **pool.connection_kwargs,
            )
        )  # fmt: skip

    @property
    def description(self) -> str:
        return self._where

    async def _run(
        self, name: str, query: str, params: dict[str, Any], *, write: bool, timeout_s: float
    ) -> list[Record]:
        timeout_ms = int(timeout_s * 1000)
        run = self._graph.query if write else self._graph.ro_query
        for attempt in range(1, RETRIES + 1):
            try:
                result = await run(query, params, timeout=timeout_ms)
            except SchemaVersionMismatchException:
                continue  # the client refreshed its schema; ask again
            except _TRANSIENT as exc:
                if attempt == RETRIES:
                    raise GraphUnavailable(
                        f"The graph at {self._where} cannot be reached."
                    ) from exc
                await asyncio.sleep(RETRY_PAUSE_S * attempt)
                continue
            except redis.exceptions.ResponseError as exc:
                raise _classify(name, str(exc)) from None
            header = [column[1] if isinstance(column, list | tuple) else column
                      for column in result.header]  # fmt: skip
            return [
                {key: from_falkordb(value) for key, value in zip(header, row, strict=True)}
                for row in result.result_set
            ]
        raise GraphUnavailable(f"The graph at {self._where} kept changing its schema; try again.")

    async def read_thread_count(self) -> None:
        """How many queries the server runs at once (its THREAD_COUNT, one per core by default);
        the count from the machine stays when the server will not say."""
        try:
            answer = await self._db.execute_command("GRAPH.CONFIG", "GET", "THREAD_COUNT")
            self.threads = int(answer[1])
        except (redis.exceptions.ResponseError, *_TRANSIENT, IndexError, TypeError, ValueError):
            log.warning("FalkorDB did not report its THREAD_COUNT", extra={"graph": self._where})

    async def explain(self, statement: Statement, params: dict[str, Any] | None = None) -> str:
        """The engine's plan for a statement, without running it (for checks and notes)."""
        try:
            plan = await self._graph.explain(statement.render(self.dialect), to_params(params))
        except redis.exceptions.ResponseError as exc:
            raise _classify(statement.name, str(exc)) from None
        return str(plan)

    async def _raw(self, command: RawCommand) -> None:
        try:
            await self._db.execute_command("GRAPH.CONSTRAINT", command.action, self._graph_name,
                                           *command.args)  # fmt: skip
        except redis.exceptions.ResponseError as exc:
            raise GraphQueryError(command.name, str(exc)) from None
        except _TRANSIENT as exc:
            raise GraphUnavailable(f"The graph at {self._where} cannot be reached.") from exc

    async def ping(self) -> None:
        try:
            with keeps_cancellation():
                async with asyncio.timeout(PING_TIMEOUT_S):
                    await self._probe.ping()
        except (TimeoutError, *_TRANSIENT) as exc:
            raise GraphUnavailable(f"The graph at {self._where} does not answer.") from exc

    async def reset(self) -> int:
        """Drop the whole graph key and build the schema again.

        Deleting a large graph node by node and loading it again in the same server left
        FalkorDB 4.16 answering "Attempted to access undefined attribute" for a property every
        node has, and crashing on ``properties()`` (the district benchmark tier, reloaded);
        dropping the key starts from a clean slate.
        """
        removed = await node_count(self)
        try:
            await self._graph.delete()
        except redis.exceptions.ResponseError as exc:
            if "empty" not in str(exc).lower() and "invalid" not in str(exc).lower():
                raise GraphQueryError("GRAPH.DELETE", str(exc)) from None
        except _TRANSIENT as exc:
            raise GraphUnavailable(f"The graph at {self._where} cannot be reached.") from exc
        await ensure_schema(self)
        return removed

    async def compact(self) -> None:
        """Rewrite the append-only file as a snapshot and wait for it.

        Replaying a bulk load's statements is slow: a 32,000-node city written by the loader
        took over a minute to reopen, the same graph from a rewritten file 0.2 s. Redis also
        rewrites by itself as the file grows (``auto-aof-rewrite-min-size``), and refuses a
        second rewrite while one runs ("already in progress"): that one is waited for and ours
        asked again, so the snapshot holds every write made before this call.
        """
        connection = self._db.connection
        try:
            for _ in range(_REWRITE_ATTEMPTS):
                try:
                    await connection.execute_command("BGREWRITEAOF")
                except redis.exceptions.ResponseError as exc:
                    if "in progress" not in str(exc):
                        raise
                    await self._rewritten(connection)
                    continue
                await self._rewritten(connection)
                return
            raise GraphQueryError("BGREWRITEAOF", "a rewrite of the server's own kept running")
        except redis.exceptions.ResponseError as exc:
            raise GraphQueryError("BGREWRITEAOF", str(exc)) from None
        except _TRANSIENT as exc:
            raise GraphUnavailable(f"The graph at {self._where} cannot be reached.") from exc

    @staticmethod
    async def _rewritten(connection: Any) -> None:
        """Return once no rewrite of the append-only file runs or waits to run."""
        while True:
            info = await connection.info("persistence")
            if not info.get("aof_rewrite_in_progress") and not info.get("aof_rewrite_scheduled"):
                return
            await asyncio.sleep(0.1)

    async def heal(self) -> None:
        if self.server is not None and self.server.died:
            await self.server.revive()

    async def announce(self, channel: str) -> None:
        try:
            await redis.asyncio.Redis(connection_pool=self._pool).publish(
                f"{self._graph_name}:{channel}", "changed"
            )
        except redis.exceptions.RedisError as exc:  # an ACL without channel rights too
            raise GraphUnavailable("The graph cannot be reached to pass on a change.") from exc

    async def listen(self, channel: str, heard: Callable[[], None]) -> bool:
        # A connection of its own: a subscription holds it for as long as the process listens.
        pool = redis.asyncio.ConnectionPool(
            connection_class=self._pool.connection_class,
            **{**self._pool.connection_kwargs, "health_check_interval": 30},  # half-open links
        )
        pubsub = redis.asyncio.Redis(connection_pool=pool).pubsub(ignore_subscribe_messages=True)
        me = asyncio.current_task()
        try:
            await pubsub.subscribe(f"{self._graph_name}:{channel}")  # one deployment's own
            heard()  # listening (again): whatever was announced meanwhile is lost
            # Short reads, and a look at our own cancellation between them: redis-py's blocking
            # read can swallow a cancellation, which would leave the service unable to stop.
            while me is None or not me.cancelling():
                if await pubsub.get_message(timeout=1.0) is not None:
                    heard()
            raise asyncio.CancelledError
        except redis.exceptions.RedisError as exc:
            raise GraphUnavailable("The graph stopped passing on changes.") from exc
        finally:
            with contextlib.suppress(*_TRANSIENT, TimeoutError):
                async with asyncio.timeout(2):
                    await pubsub.aclose()
                    await pool.disconnect()

    def counter_uri(self) -> str | None:
        """FalkorDB is a Redis: the counters sit beside the graph, on the same server."""
        where = self._pool.connection_kwargs
        if where.get("path"):
            return f"async+redis+unix://{where['path']}"
        login = ""
        if where.get("password"):
            user = quote(where.get("username") or "", safe="")
            login = f"{user}:{quote(where['password'], safe='')}@"
        host = str(where["host"])
        host = f"[{host}]" if ":" in host else host  # an IPv6 address
        return f"async+redis://{login}{host}:{where['port']}"

    async def close(self) -> None:
        try:
            await self._probe.aclose()
            await self._probe.connection_pool.disconnect()
            await self._pool.disconnect()
        finally:
            if self.server is not None:
                self.server.stop()


def _classify(name: str, message: str) -> Exception:
    lowered = message.lower()
    if "unique constraint violation" in lowered:
        # "unique constraint violation on node of type Volunteer": the label, never the value.
        node = re.search(r"of type (\w+)", message)
        return GraphConflict("That record already exists.", node.group(1) if node else None)
    if "query timed out" in lowered or "timeout" in lowered:
        return GraphTimeout("The graph did not finish the request in time.")
    if "loading" in lowered:
        return GraphUnavailable("The graph is loading its data; try again shortly.")
    return GraphQueryError(name, message)


def _pool(
    max_connections: int, connect_timeout_s: float, **where: Any
) -> redis.asyncio.ConnectionPool:
    return redis.asyncio.BlockingConnectionPool(
        max_connections=max_connections,
        timeout=connect_timeout_s,  # waiting for a free connection
        socket_connect_timeout=connect_timeout_s,
        decode_responses=True,
        **where,
    )


async def open_embedded(
    data_dir: Any, graph_name: str, pool_size: int, connect_timeout_s: float, query_timeout_s: float
) -> FalkorDBStore:
    server = EmbeddedFalkorDB(data_dir)
    server.start()  # on the calling (main) thread: PR_SET_PDEATHSIG follows the spawning thread
    pool = _pool(
        pool_size,
        connect_timeout_s,
        connection_class=redis.asyncio.UnixDomainSocketConnection,
        path=str(server.socket_path),
    )
    store = FalkorDBStore(
        pool, graph_name, f"embedded FalkorDB in {server.data_dir}", query_timeout_s, server
    )
    try:
        await store.ping()
    except GraphUnavailable:
        await store.close()
        raise
    await store.read_thread_count()
    return store


async def open_external(
    uri: str, graph_name: str, pool_size: int, connect_timeout_s: float, query_timeout_s: float
) -> FalkorDBStore:
    parts = urlsplit(uri)
    if not parts.hostname:
        raise GraphUnavailable(f"GRAPH_URI {uri!r} has no host; write falkordb://host:port.")
    pool = _pool(
        pool_size,
        connect_timeout_s,
        host=parts.hostname,
        port=parts.port or 6379,
        username=parts.username or None,
        password=parts.password or None,
    )
    where = f"falkordb://{parts.hostname}:{parts.port or 6379}"
    unreachable = GraphUnavailable(
        f"Cannot reach FalkorDB at {where} (GRAPH_URI); check the address and that it runs."
    )
    try:
        # The client probes the server (cluster or not) as it is built, so this can fail too.
        store = FalkorDBStore(pool, graph_name, where, query_timeout_s)
    except _TRANSIENT:
        await pool.disconnect()
        raise unreachable from None
    try:
        await store.ping()
    except GraphUnavailable:
        await store.close()
        raise unreachable from None
    await store.read_thread_count()
    return store
