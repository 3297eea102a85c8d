"""What the entity types take from the graph model's declarations: relationship fields from its
relationships (``Rel``), the sort enums of the lists from its families' ``sorts``.

A ``Rel`` already says which two families it joins, so a field following it is declared by the
relationship, the direction and the description: ``link(VOLUNTEER_HAS_SKILL, "out", "Skills…")``
is a connection of ``Skill`` (the family at the end), ``reference(RESIDENT_LIVES_IN, "out", …)``
one ``Community`` or null. ``edges=`` names the ``schema.links`` connection when the edges carry
the relationship's properties (level, role, amount). Both are ``schema.fields``' ``related`` and
``one`` with the node type filled in.

:func:`sort_enum` offers exactly the orders a family's graph declaration can run, in its order.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry

from graph.model import organizations, people, places, services, taxonomy
from graph.model.entities import Direction, Rel, family_named
from schema.fields import lazy, one, related
from schema.relay import Connection

# The schema module declaring each family's type: the one named as its graph module.
MODULE_OF: dict[str, str] = {
    family.label: f"schema.{module.__name__.rsplit('.', 1)[-1]}"
    for module in (people, organizations, places, services, taxonomy)
    for family in module.FAMILIES
}


def far_end(rel: Rel, direction: Direction) -> Any:
    """The GraphQL type of the family ``rel`` reaches when followed in ``direction``."""
    label = rel.end if direction == "out" else rel.start
    return lazy(label, MODULE_OF[label])


def link(rel: Rel, direction: Direction, description: str, *, edges: type = Connection) -> Any:
    """A paginated field of the entities ``rel`` reaches (``schema.fields.related``)."""
    return related(
        rel, direction, edges[far_end(rel, direction)], description, connection_cls=edges
    )


def reference(rel: Rel, direction: Direction, description: str) -> Any:
    """The one entity ``rel`` reaches, or null (``schema.fields.one``)."""
    return one(rel, direction, far_end(rel, direction) | None, description)


# Said of an order wherever it is offered.
DISTANCE = "Nearest first; needs `near`."


def sort_enum(name: str, labels: tuple[str, ...], description: str, **notes: str) -> type[Enum]:
    """The GraphQL enum ``name`` of the orders the lists of ``labels`` offer: their families'
    ``sorts`` keys (the same for every label). ``notes`` describe the values that need a word;
    ``DISTANCE`` always does."""
    orders = [list(family_named(label).sorts) for label in labels]
    if any(other != orders[0] for other in orders):
        raise ValueError(f"{name}: {', '.join(labels)} do not sort alike.")
    if unknown := set(notes) - set(orders[0]):
        raise ValueError(f"{name}: no order {', '.join(sorted(unknown))} to describe.")
    notes = {"DISTANCE": DISTANCE, **notes}
    members = {
        key: strawberry.enum_value(key, description=notes[key]) if key in notes else key
        for key in orders[0]
    }
    enum = Enum(name, members, module=__name__)  # type: ignore[misc]
    return strawberry.enum(enum, description=description)
