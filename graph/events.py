"""What the graph's writes changed, told through one place: the event seam.

Every workflow step that *changed* the graph emits exactly one :class:`Event` (what kind of
change, which entity family and keys, who, when) through :func:`emit`; whoever wants to know
calls :func:`subscribe`. A step that was refused or failed changed nothing and emits nothing; a
replayed retry (same idempotency key) changed nothing this time and emits nothing either. The one
caller of :func:`emit` is the workflow runner (``graph/workflows/runner.py``), so a new workflow
gets its event by going through the runner, not by remembering to emit.

This module knows nothing of GraphQL: an event names entities by their graph keys and labels;
turning them into global ids or subscription payloads is the API's business.

Two deliveries. In-process and best-effort: handlers run after the write committed, in the
order they subscribed, inside the request that made the change (so they should be quick: hand the
event to a queue rather than do slow work), and a failing handler is logged without undoing the
write or silencing the other handlers. Durable: the same event is written as an ``Event`` node in
the very statement that makes the change (``graph/workflows/guards.py``), numbered by ``seq`` in
commit order, so every API process can read the log in order and resume from a number
(``graph/feed.py``, docs/LIVE.md).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Change:
    """What a workflow step changes, declared by the step: the runner adds who, when and the
    main entity's key once the write has happened."""

    kind: str  # what happened, e.g. NEED_REPORTED, VOLUNTEERS_ASSIGNED, REFERRAL_ACCEPTED
    family: str  # the label of the entity the step acted on, e.g. Need
    touched: Mapping[str, Sequence[str]] = field(default_factory=dict)  # other entities, by label


@dataclass(frozen=True)
class Event:
    """One successful write: what changed, who changed it, and when."""

    kind: str
    family: str
    key: str  # the id of the entity the step acted on (its answer)
    keys: Mapping[str, tuple[str, ...]]  # every entity it touched, by label, the main one too
    actor: str | None  # the acting viewer as the audit log names them, e.g. ``volunteer:v-12``
    at: dt.datetime  # the time the write recorded
    operation: str  # the step as its request named it, e.g. ``setNeedStatus:CANCELLED``
    id: str = field(default_factory=lambda: f"event-{uuid.uuid4().hex}")
    seq: int | None = None  # its place in the durable log; None until read back from it

    @classmethod
    def of(
        cls, change: Change, key: str, *, actor: str | None, at: dt.datetime, operation: str
    ) -> Event:
        keys: dict[str, tuple[str, ...]] = {change.family: (key,)}
        for label, ids in change.touched.items():
            present = tuple(i for i in ids if i is not None)
            if present:
                keys[label] = tuple(dict.fromkeys(keys.get(label, ()) + present))
        return cls(change.kind, change.family, key, keys, actor, at, operation)

    def record(self) -> dict[str, object]:
        """The ``Event`` node's properties (all but ``seq``, which the write numbers): flat
        values both engines store, the touched keys as JSON."""
        return {
            "id": self.id,
            "kind": self.kind,
            "family": self.family,
            "key": self.key,
            "keys": json.dumps({k: list(v) for k, v in self.keys.items()}, sort_keys=True),
            "actor": self.actor,
            "at": self.at,
            "operation": self.operation,
        }

    @classmethod
    def from_record(cls, row: Mapping[str, object]) -> Event:
        """An event read back from the log (``record`` plus its ``seq``)."""
        at = row["at"]
        when = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
        keys = json.loads(str(row["keys"]))
        return cls(
            kind=str(row["kind"]),
            family=str(row["family"]),
            key=str(row["key"]),
            keys={str(k): tuple(str(i) for i in v) for k, v in keys.items()},
            actor=None if row["actor"] is None else str(row["actor"]),
            at=when if when.tzinfo else when.replace(tzinfo=dt.UTC),
            operation=str(row["operation"]),
            id=str(row["id"]),
            seq=int(str(row["seq"])),
        )


Handler = Callable[[Event], Awaitable[None] | None]

_handlers: list[Handler] = []


def subscribe(handler: Handler) -> Callable[[], None]:
    """Call ``handler`` with every event from now on; returns the function that stops it."""
    _handlers.append(handler)

    def unsubscribe() -> None:
        if handler in _handlers:
            _handlers.remove(handler)

    return unsubscribe


async def emit(event: Event) -> None:
    """Tell every subscriber about ``event`` (after its write committed)."""
    for handler in list(_handlers):
        try:
            outcome = handler(event)
            if inspect.isawaitable(outcome):
                await outcome
        except Exception:
            # The write has happened; a listener's failure must not turn it into an error.
            log.exception("Event handler %r failed on %s %s", handler, event.kind, event.id)
