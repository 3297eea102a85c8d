"""Create the indexes and constraints at start-up, idempotently, for the active engine.

FalkorDB builds unique constraints in the background and marks one FAILED when the data already
holds duplicates, without any error to the statement that asked for it. Bootstrap therefore waits
for every constraint to leave PENDING and refuses to start on a FAILED one: serving with a
uniqueness rule silently missing would let duplicate ids in.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from graph.engine.errors import GraphError
from graph.engine.indexes import SCHEMA, GraphSchema

if TYPE_CHECKING:  # a store rebuilds its schema with this (``FalkorDBStore.reset``)
    from graph.engine.store import GraphStore

log = logging.getLogger(__name__)

CONSTRAINT_WAIT_S = 60.0


class SchemaError(GraphError):
    """The graph's data prevents a constraint the service relies on."""


async def ensure_schema(store: GraphStore, schema: GraphSchema = SCHEMA) -> None:
    started = time.perf_counter()
    steps = store.dialect.schema_ddl(schema)
    for step in steps:
        await store.apply_ddl(step)
    await _wait_for_constraints(store)
    log.info(
        "graph schema ready",
        extra={
            "steps": len(steps),
            "graph": store.description,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )


async def _wait_for_constraints(store: GraphStore) -> None:
    statement = store.dialect.constraint_status
    if statement is None:
        return
    deadline = time.monotonic() + CONSTRAINT_WAIT_S
    while True:
        rows = await store.read(statement)
        failed = [r for r in rows if r["status"] == "FAILED"]
        if failed:
            names = ", ".join(f"{r['label']}.{'/'.join(r['properties'])}" for r in failed)
            raise SchemaError(
                f"The graph holds duplicate values where ids must be unique ({names}); "
                "remove the duplicates, drop the failed constraint and start again."
            )
        if all(r["status"] == "OPERATIONAL" for r in rows):
            return
        if time.monotonic() > deadline:
            raise SchemaError(
                f"Unique constraints were still being built after {CONSTRAINT_WAIT_S:.0f} s."
            )
        await asyncio.sleep(0.05)
