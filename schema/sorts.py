"""The sort enum of every family (``<Family>Sort``), generated from its declaration.

A family's ``sorts`` (``graph.model``) say which orders its lists offer and how each is read in
Cypher; ``sort_docs`` say what each means to a user. The GraphQL enum is made from those, once
per family, for its root list and for every relationship connection reaching it, so an order
added to a declaration is offered everywhere with its description and nothing is declared twice.
"""

from __future__ import annotations

import functools
from enum import Enum

import strawberry

from graph.model.registry import family_named


@functools.cache
def sort_enum(label: str) -> type[Enum]:
    """``<label>Sort``: one value per key of the family's ``sorts``."""
    family = family_named(label)
    members = {
        key: strawberry.enum_value(key, description=family.sort_doc(key)) for key in family.sorts
    }
    made = Enum(f"{label}Sort", members)  # type: ignore[misc]
    return strawberry.enum(
        made,
        description=f"Orders for lists of {label}; ties are broken by key "
        f"(default {family.default_sort}).",
    )
