"""Create the indexes and constraints at start-up, idempotently, for the active engine.

FalkorDB builds unique constraints in the background and marks one FAILED when the data already
holds duplicates, without any error to the statement that asked for it; Neo4j refuses to create
one. Bootstrap therefore waits for every constraint to leave PENDING, and when one cannot be made
it looks for the duplicates and says which records they are:

- duplicate ids (or keys of the service's own bookkeeping) stop the start: serving with that
  uniqueness rule missing would let more in, and nothing in the service mends them;
- duplicates of a natural key users write (a volunteer number, an ID-card hash…: the specs with
  a ``repair``) are what merging exists for, and merging needs the service running. So the graph
  starts without that one constraint (the key stays indexed, and registration's own check still
  refuses a key already there), with a warning naming the label, the key, some of the records
  and how to mend them; the next start makes the constraint once they are merged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from graph.engine.cypher import Statement, builder, dynamic
from graph.engine.errors import GraphError
from graph.engine.indexes import SCHEMA, GraphSchema, IndexSpec
from graph.engine.labels import label as allowed_label

if TYPE_CHECKING:  # a store rebuilds its schema with this (``FalkorDBStore.reset``)
    from graph.engine.store import GraphStore

log = logging.getLogger(__name__)

CONSTRAINT_WAIT_S = 60.0


class SchemaError(GraphError):
    """The graph's data prevents a constraint the service relies on."""


async def ensure_schema(store: GraphStore, schema: GraphSchema = SCHEMA) -> list[str]:
    """Make the schema; answer the warnings (one sentence each) for natural keys left without
    their constraint because the graph holds duplicates of them (also logged)."""
    started = time.perf_counter()
    steps = store.dialect.schema_ddl(schema)
    warnings: list[str] = []
    for step in steps:
        try:
            await store.apply_ddl(step)
        except GraphError:
            found = None if step.unique is None else await _duplicated(store, step.unique)
            if found is None:
                raise  # not duplicates: what the engine said is the story
            warnings += found
    warnings += await _wait_for_constraints(store, schema)
    for warning in warnings:
        log.warning(warning, extra={"graph": store.description})
    log.info(
        "graph schema ready",
        extra={
            "steps": len(steps),
            "graph": store.description,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return warnings


DUPLICATE_EXAMPLES = 3


@builder(
    each=lambda: (
        {"label": s.label, "prop": s.property} for s in SCHEMA.indexes if s.kind == "unique"
    )
)
def duplicates_statement(label: str, prop: str) -> Statement:
    """The groups of nodes sharing a value of a property meant to be unique (their ids)."""
    return dynamic(
        f"schema.duplicates.{label}.{prop}",
        f"MATCH (n:{allowed_label(label)}) WHERE n.{prop} IS NOT NULL "
        # Ordered, so the warning names the same records in the same order at every start.
        f"WITH n ORDER BY n.id WITH n.{prop} AS value, collect(n.id) AS ids, count(*) AS c "
        "WHERE c > 1 WITH ids ORDER BY ids[0] "
        "RETURN count(*) AS groups, collect(ids)[0..$examples] AS examples",
    )


async def _duplicated(store: GraphStore, spec: IndexSpec) -> list[str] | None:
    """When a uniqueness rule could not be made: the warning for a natural key's duplicates
    (the graph starts without its constraint), ``SchemaError`` for any other; None when there
    are no duplicates (something else went wrong)."""
    statement = duplicates_statement(spec.label, spec.property)
    assert isinstance(statement, Statement)
    (row,) = await store.read(statement, {"examples": DUPLICATE_EXAMPLES})
    if not row["groups"]:
        return None
    examples = "; ".join(" and ".join(str(i) for i in ids) for ids in row["examples"])
    values = f"{row['groups']} value{'' if row['groups'] == 1 else 's'}"
    which = f"{spec.label} records share a {spec.property} ({values}; for example {examples})"
    if not spec.repair:
        raise SchemaError(
            f"The graph holds duplicates where {spec.label}.{spec.property} must be unique: "
            f"{which}. Remove the duplicates, then start again."
        )
    for step in store.dialect.without_constraint(spec):
        await store.apply_ddl(step)
    return [
        f"{which}, so {spec.property} is not yet a unique constraint: "
        f"{spec.repair}, and the next start makes the constraint."
    ]


async def _wait_for_constraints(store: GraphStore, schema: GraphSchema) -> list[str]:
    statement = store.dialect.constraint_status
    if statement is None:
        return []
    unique = {(s.label, s.property): s for s in schema.indexes if s.kind == "unique"}
    deadline = time.monotonic() + CONSTRAINT_WAIT_S
    warnings: list[str] = []
    while True:
        rows = await store.read(statement)
        failed = [r for r in rows if r["status"] == "FAILED"]
        for r in failed:
            spec = unique.get((r["label"], "/".join(r["properties"])))
            if spec is None:
                raise SchemaError(
                    f"The graph holds a failed unique constraint the service does not make "
                    f"({r['label']}.{'/'.join(r['properties'])}); drop it and start again."
                )
            found = await _duplicated(store, spec)
            if found is None:
                raise SchemaError(
                    f"The unique constraint on {spec.label}.{spec.property} failed to build "
                    "though no duplicates of it are left; drop it and start again."
                )
            warnings += [w for w in found if w not in warnings]
        # A failed one is dropped now (its key stays indexed); the others may still be building.
        if not failed and all(r["status"] == "OPERATIONAL" for r in rows):
            return warnings
        if time.monotonic() > deadline:
            raise SchemaError(
                f"Unique constraints were still being built after {CONSTRAINT_WAIT_S:.0f} s."
            )
        await asyncio.sleep(0.05)
