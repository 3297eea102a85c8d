"""The examples the lint builds the list and count statements of ``graph.model.entities`` with:
every family's conditions, sorts, searches and a ``where`` of every operator, so Neo4j's analyser
sees every part those statements can hold (``graph.engine.cypher.builder``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graph.model.cells import applies
from graph.model.family import Family
from graph.model.registry import families as _families
from graph.model.where import Clause, PointGuard, compile_where
from graph.model.where import example as where_example


def lists() -> Iterable[Mapping[str, Any]]:
    for family in _families():
        every = tuple(sorted(family.conditions))
        for sort in family.sorts:
            yield {"label": family.label, "conditions": every, "sort": sort, "search": False}
            if family.place is not None:  # see _ordered
                for search in {False, bool(family.searchable)}:
                    yield {
                        "label": family.label,
                        "conditions": (),
                        "sort": sort,
                        "partial": True,
                        "search": search,
                    }
        yield {
            "label": family.label,
            "conditions": (),
            "sort": None,
            "search": bool(family.searchable),
        }
        full, anchored = where_clauses(family)
        yield {
            "label": family.label,
            "conditions": (),
            "sort": family.default_sort,
            "search": False,
            "clause": anchored,
        }
        # Every part at once, searched or sorted; again with small cells left out
        # (graph.model.cells) where they apply, the sorted one a partial list.
        for cells in (False, True) if applies(family) else (False,):
            for search in {False, bool(family.searchable)}:
                yield {
                    "label": family.label,
                    "conditions": every,
                    "sort": None if search else family.default_sort,
                    "search": search,
                    "clause": full,
                    **({"partial": not search, "cells": True} if cells else {}),
                }


def where_clauses(family: Family) -> tuple[Clause, Clause]:
    """A where of every operator and relationship (``graph.model.where.example``), its points
    guarded (the unguarded ``near`` is a part of the guarded one), and one anchored on the
    entity's own id."""
    guard = PointGuard(1_000, 400, 0.005)
    full = compile_where(family, where_example(family), guard, most=1_000).clause
    return full, compile_where(family, {"id": {"eq": "x"}}).clause


def counts() -> Iterable[Mapping[str, Any]]:
    for family in _families():
        every = tuple(sorted(family.conditions))
        yield {"label": family.label, "conditions": every, "search": bool(family.searchable)}
        yield {
            "label": family.label,
            "conditions": every,
            "search": False,
            "clause": where_clauses(family)[0],
        }
        if applies(family):  # small cells left out (graph.model.cells)
            for search in {False, bool(family.searchable)}:
                yield {
                    "label": family.label,
                    "conditions": every,
                    "search": search,
                    "clause": where_clauses(family)[0],
                    "cells": True,
                }
