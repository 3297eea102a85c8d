"""The one async interface the rest of the code uses to talk to the graph.

A repository calls ``read`` or ``write`` with a registered :class:`Statement` and a dict of
parameters, and gets back a list of records (dicts of plain Python values, see
``graph.values``). Each call is one managed transaction: one statement, one round trip, with the
store's deadline and retry policy. ``round_trips`` counts calls, so tests can hold a query's
cost to a constant (no N+1).

Heavy work (network analysis) runs in a :class:`Lane`: code that calls ``read`` inside
``running_in(lane)`` waits for one of the lane's slots before it takes a connection, and its
statements get the lane's shorter deadline. The lane is carried by a context variable, so the
repositories stay as they are and every statement of a heavy request is covered, however many
it sends at once; the API sizes the lane below the engine's thread count (schema/limits.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Coroutine, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from graph.engine.cypher import Statement
from graph.engine.dialect import DDL, Dialect, RawCommand
from graph.engine.errors import GraphError, GraphTimeout, GraphUnavailable
from graph.engine.system import clear_graph
from graph.engine.values import to_params

Record = dict[str, Any]

log = logging.getLogger(__name__)

WATCH_INTERVAL_S = 0.5
PING_TIMEOUT_S = 1.0


@dataclass(frozen=True)
class Lane:
    """Where heavy statements run: at most as many at once as ``slots`` allows (waiting before
    they take a connection), each within ``timeout_s``."""

    timeout_s: float
    slots: asyncio.Semaphore


_LANE: ContextVar[Lane | None] = ContextVar("graph_lane", default=None)


# Statements of the service's own background work (the watch, the event feed, the sweeps, the
# webhook worker) are not requests' round trips: ``round_trips`` leaves them out, so a test
# counting a request's statements is not thrown off by a poll that happened meanwhile.
_BACKGROUND: ContextVar[bool] = ContextVar("graph_background", default=False)


def background_task(coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
    """Start ``coro`` as a background task whose statements ``round_trips`` does not count."""
    context = contextvars.copy_context()
    context.run(_BACKGROUND.set, True)
    return asyncio.create_task(coro, name=name, context=context)


@contextlib.contextmanager
def running_in(lane: Lane) -> Iterator[None]:
    """Statements sent from inside the block (and from tasks it starts) run in ``lane``."""
    token = _LANE.set(lane)
    try:
        yield
    finally:
        _LANE.reset(token)


@contextlib.contextmanager
def keeps_cancellation() -> Iterator[None]:
    """Raise again a cancellation the driver lost.

    Python 3.11's ``asyncio.wait_for`` (redis-py sends every command through it when a socket
    timeout is set) returns the call's result when the call completes just as the task is
    cancelled, and the ``CancelledError`` is gone: a background task asked to stop at shutdown
    went on to its next hour-long sleep, and the app's shutdown waited for it (the lifespan
    timeouts of the test runs). The task still counts the request (``cancelling()``), so a
    call that returns with more requests than it started with was cancelled."""
    task = asyncio.current_task()
    before = task.cancelling() if task is not None else 0
    yield
    if task is not None and task.cancelling() > before:
        raise asyncio.CancelledError


class GraphStore(ABC):
    """Engine-neutral access to the graph."""

    dialect: Dialect

    def __init__(self, dialect: Dialect, query_timeout_s: float) -> None:
        self.dialect = dialect
        self.query_timeout_s = query_timeout_s
        self.round_trips = 0
        # Transactions the store ran again after a deadlock or lock timeout (Neo4j only:
        # FalkorDB runs one writer at a time). Tests read it to know the race really happened.
        self.retries = 0
        # Set by :meth:`watch` while the graph does not answer: calls fail at once instead of
        # each waiting out its own timeout against a store that is down or frozen.
        self.down = False
        # Statements the engine runs at the same time (its worker threads); FalkorDB's stores
        # read the server's THREAD_COUNT. Sizes the heavy lane.
        self.threads = os.cpu_count() or 2

    @property
    @abstractmethod
    def description(self) -> str:
        """Where the graph is, for logs and error messages (never a secret)."""

    async def announce(self, channel: str) -> None:  # noqa: B027 - Neo4j has no channel
        """Tell every API process on this graph that something under ``channel`` changed (a
        subject's standing: web/gate.py ``Identities``). Engines without a channel do nothing:
        their processes rely on their caches' lifetimes."""

    async def listen(self, channel: str, heard: Callable[[], None]) -> bool:
        """Call ``heard`` at each announcement on ``channel``, and once whenever listening
        (re)starts, since announcements made meanwhile are lost; runs until cancelled or the
        graph goes away (``GraphUnavailable``). False at once when the engine has no channel."""
        return False

    def counter_uri(self) -> str | None:
        """A Redis beside the graph where every API process may keep shared counters (the rate
        limiter's), as a ``limits`` storage URI; None when the engine has none (Neo4j)."""
        return None

    async def read(
        self, statement: Statement, params: Mapping[str, Any] | None = None
    ) -> list[Record]:
        return await self._timed(statement, params, write=False)

    async def write(
        self, statement: Statement, params: Mapping[str, Any] | None = None
    ) -> list[Record]:
        return await self._timed(statement, params, write=True)

    async def _timed(
        self, statement: Statement, params: Mapping[str, Any] | None, *, write: bool
    ) -> list[Record]:
        if not _BACKGROUND.get():
            self.round_trips += 1
        if self.down:
            raise GraphUnavailable(
                "The graph is not answering right now; the service keeps checking and recovers "
                "by itself. Try again in a few seconds."
            )
        lane = _LANE.get()
        if lane is None:
            return await self._deadline(statement, params, write, self.query_timeout_s)
        async with lane.slots:
            timeout_s = min(self.query_timeout_s, lane.timeout_s)
            return await self._deadline(statement, params, write, timeout_s)

    async def _deadline(
        self, statement: Statement, params: Mapping[str, Any] | None, write: bool, timeout_s: float
    ) -> list[Record]:
        query = statement.render(self.dialect)
        started = time.perf_counter()
        try:
            # The engine enforces the deadline itself; this outer guard also covers a store
            # that stopped answering at all (a frozen process, a half-open socket).
            with keeps_cancellation():
                async with asyncio.timeout(timeout_s + 1.0):
                    return await self._run(
                        statement.name, query, to_params(params), write=write, timeout_s=timeout_s
                    )
        except TimeoutError:
            raise GraphTimeout(f"The graph did not answer within {timeout_s:.1f} s.") from None
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            if log.isEnabledFor(logging.DEBUG):
                log.debug("cypher", extra={"statement": statement.name, "ms": round(elapsed_ms, 2)})

    @abstractmethod
    async def _run(
        self, name: str, query: str, params: dict[str, Any], *, write: bool, timeout_s: float
    ) -> list[Record]:
        """One statement, ended by the engine at ``timeout_s``."""

    async def apply_ddl(self, step: DDL) -> None:
        """Run one schema step, treating an "already exists" answer as done."""
        try:
            if isinstance(step.step, RawCommand):
                await self._raw(step.step)
            else:
                await self.write(step.step)
        except GraphError as exc:
            detail = getattr(exc, "detail", str(exc))
            if not any(marker in detail for marker in step.tolerate):
                raise

    async def _raw(self, command: RawCommand) -> None:
        raise NotImplementedError(f"{type(self).__name__} has no raw command {command.name}.")

    @abstractmethod
    async def ping(self) -> None:
        """Raise ``GraphUnavailable`` unless the graph answers a trivial query (within 1 s)."""

    async def reset(self) -> int:
        """Empty the graph for a reload (``seed --reset``, ``restore --reset``); the schema
        (indexes, constraints) is there afterwards. Returns how many nodes were removed."""
        return await clear_graph(self)

    async def compact(self) -> None:  # noqa: B027 - only the embedded engine keeps a log
        """After a bulk load: make the store's own files quick to reopen."""

    async def heal(self) -> None:  # noqa: B027 - most stores have nothing to repair
        """Repair what this store can repair itself (the embedded one restarts its server)."""

    async def watch(self, interval_s: float = WATCH_INTERVAL_S) -> None:
        """Ping the graph for as long as the service runs; mark it down while it does not
        answer (so requests fail fast) and let the store heal itself. Runs as a task from the
        app's lifespan; cancelled at shutdown."""
        while True:
            try:
                await self.ping()
            except GraphUnavailable:
                if not self.down:
                    log.error("the graph stopped answering", extra={"graph": self.description})
                self.down = True
                try:
                    await self.heal()
                except GraphError:
                    log.exception("the graph could not be restarted; will try again")
            else:
                if self.down:
                    log.warning("the graph answers again", extra={"graph": self.description})
                self.down = False
            await asyncio.sleep(interval_s)

    @abstractmethod
    async def close(self) -> None: ...

    async def __aenter__(self) -> GraphStore:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
