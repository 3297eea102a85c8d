"""Create the indexes and constraints at start-up, idempotently, for the active engine."""

from __future__ import annotations

import logging

from graph.schema import SCHEMA, GraphSchema
from graph.store import GraphStore

log = logging.getLogger(__name__)


async def ensure_schema(store: GraphStore, schema: GraphSchema = SCHEMA) -> None:
    steps = store.dialect.schema_ddl(schema)
    for step in steps:
        await store.apply_ddl(step)
    log.info("graph schema ready", extra={"steps": len(steps), "graph": store.description})
