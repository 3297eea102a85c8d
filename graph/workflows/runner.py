"""Running a workflow step: the one runner every workflow goes through.

:func:`perform` sends a step's guarded statement (``guards.py`` says how they are built) with the
request's idempotency key, answers a retry with its first answer, turns the statement's problem
code into ``GraphNotFound``/``GraphRejected`` with a message for the user, and, when the step
changed the graph, emits its one event (``graph/events.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graph import events
from graph.engine.cypher import cypher
from graph.engine.errors import GraphConflict, GraphNotFound, GraphRejected
from graph.engine.indexes import NATURAL_KEYS
from graph.engine.store import GraphStore, Record
from graph.events import Change, Event
from graph.model.services import ACTIVE_NEED_STATUSES
from graph.workflows.guards import Step

KEY_LOOKUP = cypher(
    "workflows.key_lookup",
    """
    MATCH (seen:IdempotencyKey {key: $key})
    RETURN 'REPLAY' AS problem, seen.result AS replayOf, seen.fingerprint AS seenFingerprint
    """,
)


# --- running them --------------------------------------------------------------------------

Problem = tuple[type[Exception], str]
Answer = Problem | Callable[[Record], Exception]


def _filled(answers: Mapping[str, Answer], params: Mapping[str, Any]) -> dict[str, Answer]:
    """A step's answers with their messages' ``{param}`` places filled from ``params``."""
    return {
        code: (answer[0], answer[1].format_map(params)) if isinstance(answer, tuple) else answer
        for code, answer in answers.items()
    }


@dataclass(frozen=True)
class Request:
    """Who asks for what, and the key that makes a retry safe."""

    operation: str
    inputs: Mapping[str, Any]
    key: str | None = None
    by: str | None = None  # the acting person's id, recorded where the workflow keeps it
    # False for a key the service makes from what the request is about (an imported service's
    # volunteer, need and day): the same thing asked by two people is then one request.
    scoped: bool = True

    @property
    def stored_key(self) -> str | None:
        """The key as the graph keeps it: the caller's key *of this actor*. Keys are chosen by
        clients, so two actors may pick the same one; scoped, they are two requests, and a replay
        only ever answers the actor who made the first. (Keys stored before keys were scoped are
        the bare key: never matched again, so they can replay to no one.)"""
        if self.key is None:
            return None
        owner = self.by if self.scoped else "*"
        return json.dumps([owner, self.key], ensure_ascii=False, separators=(",", ":"))

    @property
    def fingerprint(self) -> str:
        canonical = json.dumps(
            {"operation": self.operation, "inputs": self.inputs}, sort_keys=True, default=str
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Done:
    """What a workflow step answered: the id of its main entity; ``replayed`` on a retry."""

    result: str
    replayed: bool
    row: Record


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


async def perform(
    store: GraphStore,
    statement: Any,
    params: Mapping[str, Any],
    request: Request,
    result: str,
    problems: Mapping[str, Answer] | None = None,
    *,
    change: Change,
) -> Done:
    """Run one guarded statement; raise the user-facing error for its problem, if any.

    A :class:`~graph.workflows.guards.Step` brings its own answers, their messages filled in from
    ``params``; ``problems`` adds to them (an answer that depends on more than the parameters).

    Every workflow goes through here, so this is where a write that happened records and emits
    its one event: the statement writes it to the log with the change (``$event``), and it is
    emitted in-process only after the statement committed without a problem; never for a
    replayed retry (it changed nothing this time) nor for a refusal (it changed nothing at all).
    """
    at = params.get("at") or now()
    event = Event.of(change, result, actor=request.by, at=at, operation=request.operation)
    full = {
        **params,
        "key": request.stored_key,
        "operation": request.operation,
        "fingerprint": request.fingerprint,
        "at": at,
        "by": request.by,
        "active": list(ACTIVE_NEED_STATUSES),
        "event": event.record(),
    }
    if isinstance(statement, Step):
        problems = {**_filled(statement.answers, params), **(problems or {})}
        statement = statement.statement
    problems = problems or {}
    rows = await _write(store, statement, full, request)
    row = rows[0]
    problem = row["problem"]
    if problem == "REPLAY":
        if row["seenFingerprint"] != request.fingerprint:
            raise GraphRejected(
                "This idempotency key was already used for a different request; "
                "use a new key for a new request."
            )
        return Done(row["replayOf"], True, row)
    if problem is not None:
        found = problems.get(problem)
        if found is None:
            raise GraphRejected(f"The request was refused ({problem}).")
        if isinstance(found, tuple):
            kind, message = found
            raise kind(message)
        raise found(row)
    await events.emit(event)
    return Done(result, False, row)


# How often a statement refused by a unique constraint is run (one rerun is enough: the request
# that won has committed by the time the engine refuses the loser, so the rerun's own checks see
# its write and answer DUPLICATE, or the replay of the same key). A refusal that repeats is not a
# race: the statement writes a key no check of its own looks at, and it is answered as a conflict
# naming that key (:func:`key_conflict`), never "try again" (it would fail the same way).
CONFLICT_ATTEMPTS = 2

# What a natural key is called in an answer (``graph.engine.indexes.NATURAL_KEYS``): the field the
# caller writes, where the stored property is derived from it (a resident's ID number is kept
# hashed).
_KEY_NAMES = {"idHash": "ID number"}


def key_conflict(label: str | None) -> GraphConflict:
    """The answer to a write a unique constraint refuses twice: which key collided, named by the
    label the engine reported (never the value, nor which record holds it: the caller may not be
    allowed to see that record)."""
    spec = next((s for s in NATURAL_KEYS if s.label == label), None)
    if spec is None:
        return GraphConflict(
            "Another record already holds a value this change gives as unique; nothing was "
            "changed: check the numbers and names you gave."
        )
    what = _spaced(spec.label)
    key = _KEY_NAMES.get(spec.property, spec.property)
    return GraphConflict(
        f"Another {what} already has this {key}, registered somewhere you may not see; nothing "
        f"was changed: check it, or ask whoever keeps that {what} to correct or merge it.",
        spec.label,
    )


def _spaced(label: str) -> str:
    """``SocialWorker`` -> ``social worker``."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in label).strip()


async def _write(
    store: GraphStore, statement: Any, params: Mapping[str, Any], request: Request
) -> list[Record]:
    """Run the guarded statement; when a unique constraint refuses it, another request wrote
    the same key between its checks and its write (Neo4j runs writers concurrently): run it
    again, so its checks see that request's write and answer as they would have, had it come
    first (``DUPLICATE`` naming the record, or the replay of the same idempotency key)."""
    last: GraphConflict | None = None
    for _ in range(CONFLICT_ATTEMPTS):
        try:
            return await store.write(statement, params)
        except GraphConflict as error:
            last = error
            if request.key is not None:
                rows = await store.read(KEY_LOOKUP, {"key": request.stored_key})
                if rows:
                    return rows  # the same key won the race: answer as its retry
    raise key_conflict(last.label if last is not None else None)


def missing(what: str, value: str | None) -> Problem:
    return GraphNotFound, f"There is no {what} with id {value}."


def refused(message: str) -> Problem:
    return GraphRejected, message


def refused_items(id_field: str, reasons: Mapping[str, str], lead: str) -> Answer:
    """The answer of an all-or-none step over many items (assigning volunteers, reviewing
    records) when some items stopped it: the statement returns them as ``refused``, maps of
    ``id`` and ``problem`` (a key of ``reasons``). Every one is named, in ``details`` (``{id_field:
    …, reason, message}``, so a front end marks each row) and after ``lead`` in the message, so
    the user fixes them all at once instead of one per try."""

    def answer(row: Record) -> Exception:
        details = [
            {id_field: r["id"], "reason": r["problem"], "message": reasons[r["problem"]]}
            for r in row["refused"]
        ]
        summary = "; ".join(f"{d[id_field]}: {d['message']}" for d in details)
        return GraphRejected(f"{lead} {summary}", details)

    return answer


# A need that is closed or cancelled takes no more steps (needs, assignment, resources, referrals).
NEED_NOT_ACTIVE = refused(
    "That need is closed or cancelled; report a new need instead of changing it."
)
NEED_STATE = {"NEED_NOT_ACTIVE": NEED_NOT_ACTIVE}
