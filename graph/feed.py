"""The durable event log read back: in order, from a cursor, by every API process alike.

Every successful workflow write records one ``Event`` node in its own statement
(``graph/workflows/guards.py``), numbered ``seq`` in commit order by the one ``EventClock``. So the
log is the truth for delivery: a process learns what happened anywhere on the graph by reading
``seq > n``, and a client that saw event n misses nothing by resuming from n.

:class:`Feed` is one process's reader. It polls the log (``poll_s``, a quarter second by default)
while someone listens, and sooner when a write in this process emits an event in-process
(``graph.events``), then hands each new event to every listener's queue. A listener that falls
behind (its queue is full) is marked ``behind`` and reads the log itself from its own cursor, so a
slow subscriber never makes the feed drop an event for it or hold back the others.

Retention (docs/LIVE.md): events older than ``retention_s`` (7 days by default) are pruned; a
cursor older than the oldest kept event is answered with :class:`CursorExpired`, never with a
silent gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from graph import events
from graph.engine.cypher import cypher
from graph.engine.store import GraphStore
from graph.events import Event

log = logging.getLogger(__name__)

PAGE = 500
RETENTION_S = 7 * 24 * 3600

AFTER = cypher(
    "events.after",
    """
    MATCH (e:Event) WHERE e.seq > $after
    RETURN e.id AS id, e.seq AS seq, e.kind AS kind, e.family AS family, e.key AS key,
           e.keys AS keys, e.actor AS actor, e.at AS at, e.operation AS operation
    ORDER BY e.seq LIMIT $limit
    """,
)

HEAD = cypher(
    "events.head",
    """
    OPTIONAL MATCH (clock:EventClock {id: 'events'})
    RETURN coalesce(clock.seq, 0) AS head
    """,
)

OLDEST = cypher(
    "events.oldest",
    """
    MATCH (e:Event) WHERE e.seq > 0
    RETURN e.seq AS seq ORDER BY e.seq LIMIT 1
    """,
)

PRUNE = cypher(
    "events.prune",
    """
    MATCH (e:Event) WHERE e.at < $before
    WITH e LIMIT $batch
    DELETE e
    RETURN count(*) AS deleted
    """,
)


class CursorError(Exception):
    """A resume cursor the log cannot continue from; the message says what to do."""


class CursorExpired(CursorError):
    pass


async def head(store: GraphStore) -> int:
    """The number of the last event committed (0 for an empty log)."""
    rows = await store.read(HEAD, {})
    return int(rows[0]["head"]) if rows else 0


async def after(store: GraphStore, cursor: int, limit: int = PAGE) -> list[Event]:
    """Events numbered above ``cursor``, oldest first, at most ``limit``."""
    rows = await store.read(AFTER, {"after": cursor, "limit": limit})
    return [Event.from_record(row) for row in rows]


async def check_cursor(store: GraphStore, cursor: int) -> None:
    """Raise :class:`CursorError` unless the log still holds every event after ``cursor``."""
    last = await head(store)
    if cursor > last:
        raise CursorError(
            f"Cursor {cursor} is beyond the last event ({last}): it is from another graph or "
            "one restored from a backup; subscribe without a cursor and reload what you show."
        )
    rows = await store.read(OLDEST, {})
    oldest = int(rows[0]["seq"]) if rows else last + 1
    if cursor + 1 < oldest:
        raise CursorExpired(
            f"Events after cursor {cursor} are past the retention window and were pruned; "
            "subscribe without a cursor and reload what you show."
        )


async def prune(
    store: GraphStore, retention_s: float = RETENTION_S, *, now: dt.datetime | None = None
) -> int:
    """Delete events older than the retention window, in batches; how many went."""
    before = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(seconds=retention_s)
    total = 0
    while True:
        rows = await store.write(PRUNE, {"before": before, "batch": 10_000})
        deleted = int(rows[0]["deleted"]) if rows else 0
        total += deleted
        if deleted < 10_000:
            return total


@dataclass(eq=False)
class Listener:
    """One subscriber's view of the feed: new events in order, or ``behind`` when it fell
    behind and must read the log itself."""

    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(maxsize=1_000))
    behind: bool = False
    wake: asyncio.Event = field(default_factory=asyncio.Event)


class Feed:
    """One API process's reader of the event log (see the module's docstring)."""

    def __init__(self, store: GraphStore, poll_s: float = 0.25) -> None:
        self.store = store
        self.poll_s = poll_s
        self.head = 0  # the last event handed to listeners
        self.listeners: set[Listener] = set()
        self._nudge = asyncio.Event()
        self._someone = asyncio.Event()
        self._started = False
        self._unsubscribe = events.subscribe(self._on_local_event)

    def _on_local_event(self, event: Event) -> None:
        self._nudge.set()  # a write here: read the log now rather than at the next tick

    async def listen(self) -> Listener:
        """A new listener; it receives every event committed after this call returns."""
        if not self.listeners:
            self.head = await head(self.store)  # idle until now: start from the present
        listener = Listener()
        self.listeners.add(listener)
        self._someone.set()
        return listener

    def leave(self, listener: Listener) -> None:
        self.listeners.discard(listener)
        if not self.listeners:
            self._someone.clear()

    async def run(self) -> None:
        """Poll the log while anyone listens (the process's background task)."""
        try:
            while True:
                await self._someone.wait()
                self._nudge.clear()
                try:
                    await self.poll()
                except Exception:
                    log.warning("could not read the event log", exc_info=True)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._nudge.wait(), self.poll_s)
        finally:
            self._unsubscribe()

    async def poll(self) -> int:
        """Hand every event after ``head`` to the listeners; how many there were."""
        count = 0
        while self.listeners:
            batch = await after(self.store, self.head)
            for event in batch:
                for listener in list(self.listeners):
                    if listener.behind:
                        continue
                    try:
                        listener.queue.put_nowait(event)
                    except asyncio.QueueFull:
                        listener.behind = True
                    listener.wake.set()
                self.head = event.seq or self.head
            count += len(batch)
            if len(batch) < PAGE:
                break
        return count


async def stream(feed: Feed, cursor: int | None) -> AsyncIterator[Event]:
    """Every event after ``cursor`` (after the present when None), in order, without end: first
    replayed from the log, then as the feed reads them."""
    listener = await feed.listen()
    try:
        if cursor is None:
            cursor = feed.head
        else:
            await check_cursor(feed.store, cursor)
        while True:
            # Catch up from the log (at the start, and whenever this listener fell behind).
            while True:
                listener.behind = False
                batch = await after(feed.store, cursor)
                for event in batch:
                    yield event
                    cursor = event.seq or cursor
                if len(batch) < PAGE and not listener.behind:
                    break
            while not listener.behind:
                if listener.queue.empty():
                    listener.wake.clear()
                    await listener.wake.wait()
                    continue
                event = listener.queue.get_nowait()
                if event.seq is not None and event.seq > cursor:
                    yield event
                    cursor = event.seq
            while not listener.queue.empty():
                listener.queue.get_nowait()
    finally:
        feed.leave(listener)


# --- what a subscription adds to an entity (public counts and the verifying community) -------

FREE_PLACES = cypher(
    "events.free_places",
    """
    MATCH (rec:Recruitment {id: $id})
    OPTIONAL MATCH (:Volunteer)-[s:SIGNED_UP {status: 'SIGNED_UP'}]->(rec)
    WITH rec, count(s) AS taken
    RETURN rec.capacity - taken AS free
    """,
)

RECORD_STATE = cypher(
    "events.record_state",
    """
    MATCH (rec:ServiceRecord {id: $id})
    OPTIONAL MATCH (:SocialWorker)-[done:VERIFIED|DECLINED]->(rec)
    OPTIONAL MATCH (rec)-[:FOR|AT]->()-[:IN]->(c:Community)
    RETURN count(done) AS verified, collect(c.id)[0] AS community
    """,
)


async def free_places(store: GraphStore, recruitment: str) -> int:
    rows = await store.read(FREE_PLACES, {"id": recruitment})
    return max(0, int(rows[0]["free"])) if rows else 0


async def record_state(store: GraphStore, record: str) -> tuple[bool, str | None]:
    """Whether a service record has been reviewed (verified, or declined with a reason), and the
    community of the need or the recruitment it served."""
    rows = await store.read(RECORD_STATE, {"id": record})
    if not rows:
        return False, None
    community = rows[0]["community"]
    return int(rows[0]["verified"]) > 0, None if community is None else str(community)
