"""Small cells left out of a de-identified list, in the list's own statements.

A list of people read de-identified (an analyst's residents; a social worker's outside the
communities they cover) is a count by community: a community whose rows in it are 1 or 2 points
at them, and so does one whose rows *not* in it are 1 or 2 (the community's list minus this
one). Refusing such a list whole is answered by difference (a district's list minus its other
communities' lists gives the community of two), and breaks lists that merely touch another
community (a social worker's `near` search across a border). So those rows are left out, by
community, inside the statements that page and count the list (:func:`withheld`): the page,
its `totalCount` and every later page agree, and the rows the viewer reads in full (a covered
community's) are never left out. docs/PRIVACY.md "Small cells".

The rule's values come as parameters (``$cells_k``: the fewest rows a community may show;
``$cells_by``: the social worker whose covered communities are read in full, or null); the
access rules (``access.cells``) supply them.
"""

from __future__ import annotations

import re
from typing import Any

from graph.engine.labels import label as allowed_label
from graph.model.family import Family

CELLS = "cells"  # the name's mark of a statement that leaves small cells out


def cells_params(k: int, covered_by: str | None, *, filtered: bool = True) -> dict[str, Any]:
    """The parameters of :func:`withheld`: ``k`` the fewest rows of a community a list may
    show (and leave out); ``covered_by`` the social worker reading covered communities in full;
    ``filtered``: the list may hold some of a community's rows only (any condition but where
    they live), so the rows not in it are counted too; a list of whole communities skips that
    count (it is 0 for each)."""
    return {"cells_k": k, "cells_by": covered_by, "cells_filtered": filtered}


def applies(family: Family) -> bool:
    """Only families read de-identified by consent (residents) and placed in a community."""
    return family.consented is not None and family.place is not None


def _small(expr: str) -> str:
    return f"({expr} > 0 AND {expr} < $cells_k)"


def withheld(family: Family, *, search: bool, counted: bool) -> str:
    """Cypher continuing a list's matched rows ``n`` (and ``score`` for a search): grouped by
    community, a group is kept when the viewer reads it in full, or when its rows (``matched``)
    and the community's rows the viewer reads de-identified but not in the list (``whole -
    matched``) are both 0 or at least ``$cells_k``. ``counted``: the statement then returns
    ``total`` (the rows kept) and ``withheld`` (the rows left out); otherwise the kept rows come
    out one by one as ``n`` (and ``score``), re-bound for the clauses that follow."""
    assert family.place is not None and family.consented is not None
    place = family.place.replace("(c:Community)", "(cell:Community)")
    # Her community's residents the viewer reads de-identified: those consenting to analysis
    # (an uncovered community's only; a covered one is read in full and never left out).
    other = "(m:" + allowed_label(family.label) + ")"
    mates = family.place.replace("(n)", other).replace("(c:Community)", "(cell)")
    consents = re.sub(r"\bn\.", "m.", family.consented)
    covered = (
        "($cells_by IS NOT NULL AND cell IS NOT NULL AND "
        "size([(cell)<-[:COVERS]-(:SocialWorker {id: $cells_by}) | 1]) > 0)"
    )
    carried = "n, score" if search else "n"
    # A count needs only how many of each community; a page carries the rows through.
    row = "{n: n, score: score}" if search else "n"
    held = "" if counted else f", collect({row}) AS held"
    kept = "" if counted else "held, "
    head = f"""
    WITH {carried}
    OPTIONAL MATCH {place}
    WITH cell, {covered} AS full, count(n) AS matched{held}
    WITH {kept}full, matched,
         CASE WHEN cell IS NULL OR NOT $cells_filtered THEN matched
              ELSE size([{mates} WHERE {consents} | 1]) END AS whole
    WITH {kept}matched,
         full OR NOT ({_small("matched")} OR {_small("(whole - matched)")}) AS shown"""
    if counted:
        return (
            head + "\n    RETURN sum(CASE WHEN shown THEN matched ELSE 0 END) AS total,"
            "\n           sum(CASE WHEN shown THEN 0 ELSE matched END) AS withheld"
        )
    back = "WITH h.n AS n, h.score AS score" if search else ""
    return (
        head
        + f"""
    WHERE shown
    UNWIND held AS {"h" if search else "n"}
    {back}
    MATCH (n)"""
    )
