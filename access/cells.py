"""Small cells: counts of residents that would single someone out (docs/PRIVACY.md "Small cells").

A count of residents of a community under a key (a vulnerability tag; the residents themselves)
of 1 or 2 narrows a person down to one of two: "the elder living alone in 起湾" is a neighbour
anyone could name. A viewer who does not read every resident counted in full gets such a count
withheld (``count`` None, ``fewer_than`` :data:`K`). A figure over several communities is the sum
of their cells; it is withheld too when any of its cells is (``fewer_than`` None), or the figure
minus the other communities' figures, each read on its own, would give the small one back. Zero
is shown: it names nobody. Pure rules, no I/O; the graph supplies the cells.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from access.policy import Grants
from access.tokens import Role, Viewer

K = 3  # the fewest people a shown count may be about (k-anonymity of counts)


@dataclass(frozen=True)
class Cell:
    """A count as shown: ``count`` None when withheld; ``fewer_than`` :data:`K` when the count
    itself is small, None when it is withheld because a cell it sums is."""

    key: str
    count: int | None
    fewer_than: int | None = None

    @property
    def withheld(self) -> bool:
        return self.count is None


def reads_in_full(viewer: Viewer, grants: Grants, communities: Collection[str] | None) -> bool:
    """Whether the viewer reads every resident of these communities (None: everywhere) in full:
    an administrator, or a social worker covering all of them. Anyone else gets small cells
    withheld."""
    if viewer.role is Role.ADMIN:
        return True
    if viewer.role is not Role.SOCIAL_WORKER or communities is None:
        return False
    return set(communities) <= grants.communities


def small(count: int) -> bool:
    return 0 < count < K


def shown(cells: Mapping[str, Mapping[str, int]], *, full: bool) -> list[Cell]:
    """Per key, the sum over communities of ``cells`` (community -> key -> count), withheld as
    the module says unless the viewer reads them in ``full``; the largest first, then by key."""
    keys = sorted({key for by_key in cells.values() for key in by_key})
    out: list[Cell] = []
    for key in keys:
        counts = [by_key.get(key, 0) for by_key in cells.values()]
        total = sum(counts)
        if full or not any(small(c) for c in counts):
            out.append(Cell(key, total))
        elif len(counts) == 1 or small(total):
            out.append(Cell(key, None, K))
        else:
            out.append(Cell(key, None))
    return sorted(out, key=lambda c: (c.count is None, -(c.count or 0), c.key))
