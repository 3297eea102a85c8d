"""What the graph's writes changed, told through one place: the event seam.

Every workflow step that *changed* the graph emits exactly one :class:`Event` (what kind of
change, which entity family and keys, who, when) through :func:`emit`; whoever wants to know
calls :func:`subscribe`. A step that was refused or failed changed nothing and emits nothing; a
replayed retry (same idempotency key) changed nothing this time and emits nothing either. The one
caller of :func:`emit` is the workflow runner (``graph/workflows/runner.py``), so a new workflow
gets its event by going through the runner, not by remembering to emit.

This module knows nothing of GraphQL: an event names entities by their graph keys and labels;
turning them into global ids or subscription payloads is the API's business.

Today delivery is in-process and best-effort: handlers run after the write committed, in the
order they subscribed, inside the request that made the change (so they should be quick: hand the
event to a queue rather than do slow work), and a failing handler is logged without undoing the
write or silencing the other handlers.

Events are plain frozen values with a unique ``id`` and the write's own timestamp so that they
can later be made durable (written in the same statement as the change, read back in order,
de-duplicated by ``id``) and delivered to GraphQL subscriptions without changing what the
workflows emit.
"""

from __future__ import annotations

import datetime as dt
import inspect
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
