"""The service workflows as single guarded write statements.

Each workflow step is one Cypher statement, so it is atomic on both engines. A statement:
1. looks up the request's idempotency key (a retried request finds its first answer there);
2. matches everything it names with OPTIONAL MATCH, and takes a write lock on the node that
   holds the invariant it guards (``SET x._lock = true``, removed before it returns): FalkorDB
   serializes writes anyway; on Neo4j the lock makes concurrent check-then-write steps queue;
3. computes one ``problem`` code (or null) from the current state, under that lock;
4. writes only when there is no problem (``FOREACH`` over a one-element list), recording the
   idempotency key in the same statement;
5. returns the problem, the answer, and what the key held if it was seen before.

So a step that is refused changes nothing, and a step either happened with its key or did not
happen at all. This module holds the fragments every statement is built from; ``runner.py``
runs the statements.
"""

from __future__ import annotations

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


def when_ok(body: str) -> str:
    return f"FOREACH (_ IN CASE WHEN problem IS NULL THEN [1] ELSE [] END | {body})"


def locked(var: str, label: str, param: str) -> str:
    """A statement's usual start: the key lookup, then the node that holds the invariant the
    step guards, matched by ``$param`` and locked."""
    return (
        f"{SEEN}\n    OPTIONAL MATCH ({var}:{label} {{id: ${param}}})\n    {lock(var)}\n"
        f"    WITH seen, {var}"
    )
