"""The erasure ledger as backups and restores use it (docs/BACKUP.md): which residents were
erased, and scrubbing them again when a restore brings an older copy back. The statements are
the erasure's own (``graph/workflows/rights.py``); erasing is the workflow step there."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.engine.store import GraphStore
from graph.workflows.rights import LEDGER, REAPPLY, RECORD_LEDGER, SCRUB_PARAMS


async def erased_ids(store: GraphStore) -> list[str]:
    """The ledger: the ids of every resident erased in this graph."""
    return [row["id"] for row in await store.read(LEDGER, {})]


async def reapply(store: GraphStore, ids: Iterable[str], *, at: Any) -> int:
    """Write ``ids`` to the ledger and scrub every one of them present in the graph again (after
    a restore or a merge brought an older copy back); answers how many were present."""
    ids = sorted(set(ids))
    if not ids:
        return 0
    await store.write(RECORD_LEDGER, {"rows": [{"id": i, "at": at} for i in ids]})
    rows = await store.write(REAPPLY, {"ids": ids, "at": at, **SCRUB_PARAMS})
    return int(rows[0]["scrubbed"])
