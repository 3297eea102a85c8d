"""Neo4j 5 / Aura through the official async driver.

Each call is one transaction in a session of the right access mode (reads go to readers when the
``neo4j://`` routing scheme is used, as on Aura and clusters), with the deadline set on the server
and our own retry policy for deadlocks and lost servers (see ``Neo4jStore._run``).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Coroutine
from typing import Any, TypeVar

import neo4j
import neo4j.exceptions as nx

from graph.engine.dialect import NEO4J
from graph.engine.errors import GraphConflict, GraphQueryError, GraphTimeout, GraphUnavailable
from graph.engine.store import PING_TIMEOUT_S, GraphStore, Record, keeps_cancellation
from graph.engine.values import from_neo4j

log = logging.getLogger(__name__)

FIRST_RETRY_DELAY_S = 0.01
MAX_RETRY_DELAY_S = 0.5
UNAVAILABLE_RETRY_S = 1.0

NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")


# How long closing waits for driver work whose callers stopped waiting (see ``_detached``).
SETTLE_S = 5.0

T = TypeVar("T")


class Neo4jStore(GraphStore):
    def __init__(
        self, driver: neo4j.AsyncDriver, uri: str, database: str, query_timeout_s: float
    ) -> None:
        super().__init__(NEO4J, query_timeout_s)
        self._driver = driver
        self._uri = uri
        self._database = database
        self._detaching = Detacher()

    @property
    def description(self) -> str:
        return f"Neo4j at {self._uri} (database {self._database})"

    async def _run(
        self, name: str, query: str, params: dict[str, Any], *, write: bool, timeout_s: float
    ) -> list[Record]:
        """One transaction, retried here rather than by the driver.

        A deadlock or lock timeout (Neo4j runs writers in parallel) is retried at once with a
        short jittered backoff for up to most of the deadline; a lost server is tried again only
        within ``UNAVAILABLE_RETRY_S``, so requests fail fast while the watch reports the graph
        down. (The driver's managed retries start at one second and wait out a dead server.)"""
        started = time.monotonic()
        delay = FIRST_RETRY_DELAY_S
        while True:
            try:
                return await self._detaching.run(
                    self._attempt(query, params, write=write, timeout_s=timeout_s)
                )
            except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
                if self.down or time.monotonic() - started + delay > UNAVAILABLE_RETRY_S:
                    raise GraphUnavailable(f"Neo4j at {self._uri} cannot be reached.") from exc
            except nx.TransientError as exc:
                budget = timeout_s * 0.8  # the outer guard is the deadline + 1 s
                if not exc.is_retryable() or time.monotonic() - started + delay > budget:
                    raise self._error(name, exc) from None
                log.debug(
                    "retrying a transient failure", extra={"statement": name, "code": exc.code}
                )
                self.retries += 1
            except nx.Neo4jError as exc:
                raise self._error(name, exc) from None
            await asyncio.sleep(delay * (0.5 + random.random()))  # noqa: S311 - jitter only
            delay = min(delay * 2, MAX_RETRY_DELAY_S)

    async def _attempt(
        self, query: str, params: dict[str, Any], *, write: bool, timeout_s: float
    ) -> list[Record]:
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        async with self._driver.session(database=self._database, default_access_mode=mode) as s:  # noqa: SIM117 - the transaction needs the session
            # The server ends the transaction at the deadline; leaving the block commits it, or
            # rolls it back when anything was raised.
            async with await s.begin_transaction(timeout=timeout_s) as tx:
                result = await tx.run(query, params)
                return [{k: from_neo4j(v) for k, v in r.items()} async for r in result]

    def _error(self, name: str, exc: nx.Neo4jError) -> Exception:
        """Our error for one of Neo4j's (never its text to a client: it names our Cypher)."""
        if isinstance(exc, nx.ConstraintError):
            # "Node(7) already exists with label `Volunteer` and property ...": the label only.
            node = re.search(r"with label `(\w+)`", exc.message or "")
            return GraphConflict("That record already exists.", node.group(1) if node else None)
        code = exc.code or ""
        if "TransactionTimedOut" in code or "TransactionTimedOutClientConfiguration" in code:
            return GraphTimeout("The graph did not finish the request in time.")
        if isinstance(exc, nx.ClientError):
            return GraphQueryError(name, f"{code}: {exc.message}")
        return GraphUnavailable(f"Neo4j at {self._uri} failed: {code}.")

    async def ping(self) -> None:
        try:
            with keeps_cancellation():
                async with asyncio.timeout(PING_TIMEOUT_S):
                    await self._detaching.run(self._driver.verify_connectivity())
        except (TimeoutError, nx.Neo4jError, nx.DriverError, OSError) as exc:
            raise GraphUnavailable(f"Neo4j at {self._uri} does not answer.") from exc

    async def close(self) -> None:
        await self._driver.close()  # ends the connections detached work may still wait on
        await self._detaching.settle(SETTLE_S)


class Detacher:
    """Runs driver work so that a caller who stops waiting never cancels the driver.

    Our deadlines (a statement's outer guard, the ping's second, the service's shutdown) end by
    cancelling the waiting task. Cancelled while it opens a connection, the driver leaves the new
    socket open (neo4j 6.4's ``_connect_secure`` closes it on errors but not on cancellation), and
    the socket leaks until the garbage collector finds it. So the driver's work runs as a task of
    its own: the caller waits on it through ``asyncio.shield``, and when the caller gives up the
    work goes on to its own end, bounded by the driver's connection timeouts and the server's
    transaction deadline, and at the latest by closing the driver, which ends its connections.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._forget)
        return await asyncio.shield(task)

    def _forget(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            # Its caller had stopped waiting or has seen this already; nothing is left to tell.
            log.debug("detached driver work ended with %r", task.exception())

    async def settle(self, timeout_s: float) -> None:
        """Wait for detached work to end (the driver is closed, so it ends soon); cancel what
        is left after ``timeout_s`` rather than hang a shutdown."""
        if not self._tasks:
            return
        _, pending = await asyncio.wait(set(self._tasks), timeout=timeout_s)
        for task in pending:
            task.cancel()


async def open_neo4j(
    *,
    uri: str,
    user: str,
    password: str,
    database: str,
    pool_size: int,
    connect_timeout_s: float,
    query_timeout_s: float,
) -> Neo4jStore:
    try:
        driver = neo4j.AsyncGraphDatabase.driver(
            uri,
            auth=(user, password),
            max_connection_pool_size=pool_size,
            connection_timeout=connect_timeout_s,
            connection_acquisition_timeout=connect_timeout_s,
            # Neo4j's advice (a label not in the graph yet, a cartesian product) is for authors:
            # our statements are linted by Neo4j's analyser; at run time it only floods the log.
            notifications_min_severity="OFF",
        )
    except (ValueError, nx.ConfigurationError) as exc:
        raise GraphUnavailable(f"GRAPH_URI {uri!r} is not a usable Neo4j address: {exc}") from None
    detaching = Detacher()
    try:
        async with asyncio.timeout(connect_timeout_s):
            # A first read on the configured database checks address, credentials and database
            # at once (verify_connectivity's database argument is a preview feature).
            await detaching.run(
                driver.execute_query(
                    "RETURN 1", database_=database, routing_=neo4j.RoutingControl.READ
                )
            )
    except nx.AuthError:
        await _give_up(driver, detaching)
        raise GraphUnavailable(
            f"Neo4j at {uri} refused the credentials (check NEO4J_USER and NEO4J_PASSWORD)."
        ) from None
    except (TimeoutError, nx.Neo4jError, nx.DriverError, OSError) as exc:
        await _give_up(driver, detaching)
        reason = "timed out" if isinstance(exc, TimeoutError) else type(exc).__name__
        raise GraphUnavailable(
            f"Cannot reach Neo4j at {uri} ({reason}); check GRAPH_URI and that the server runs."
        ) from None
    return Neo4jStore(driver, uri, database, query_timeout_s)


async def _give_up(driver: neo4j.AsyncDriver, detaching: Detacher) -> None:
    await driver.close()
    await detaching.settle(SETTLE_S)
