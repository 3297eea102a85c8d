"""Relationship fields of the entity types, declared from the graph's relationships.

A ``Rel`` already says which two families it joins, so a field following it is declared by the
relationship, the direction and the description: ``link(VOLUNTEER_HAS_SKILL, "out", "Skills…")``
is a connection of ``Skill`` (the family at the end), ``reference(RESIDENT_LIVES_IN, "out", …)``
one ``Community`` or null. ``edges=`` names the ``schema.links`` connection when the edges carry
the relationship's properties (level, role, amount). Both are ``schema.fields``' ``related`` and
``one`` with the node type filled in.
"""

from __future__ import annotations

from typing import Any, Optional

import strawberry

from graph.model import organizations, people, places, services, taxonomy
from graph.model.entities import Direction, Rel
from resolvers import merge
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


def survivor_of(label: str) -> Any:
    """``mergedInto`` of a mergeable family's type (``graph.workflows.merging.MERGEABLE``): the
    global id of the record a tombstone was merged into (``resolvers.merge.merged_into``)."""

    async def resolver(root: Any, info: strawberry.Info) -> Any:
        return await merge.merged_into(info, label, root.key)

    resolver.__annotations__["return"] = Optional[strawberry.ID]  # noqa: UP045
    return strawberry.field(
        resolver=resolver,
        description=f"The {label} this record was merged into (合并至), when it is a duplicate "
        "kept as a tombstone (`merge" + label + "`); null for a record in use. Read by "
        "administrators and by whoever may see the survivor; null for anyone else, so it does "
        "not tell them a record was merged.",
    )
