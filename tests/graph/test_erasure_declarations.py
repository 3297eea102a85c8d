"""What erasing a resident drops follows the privacy declarations (no graph needed)."""

from __future__ import annotations

from access import policy
from access.inference import GRID_DEGREES
from graph.workflows import rights


def test_the_scrub_follows_the_declarations_of_free_text_and_the_grid() -> None:
    """What erasure drops is what the privacy declarations call free text about residents, and
    the cell an erased home moves to is the de-identified views' cell."""
    assert {k: frozenset(v) for k, v in rights.FREE_TEXT.items()} == dict(policy.FREE_TEXT)
    assert rights.CELL_DEGREES == GRID_DEGREES
    protected = set(policy.AUDITED["Resident"])  # her PII: what a read of it audits
    dropped = {*rights.IDENTITY, "name", "location", "age"}
    assert protected <= dropped
