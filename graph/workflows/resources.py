"""The charity resource library: offering, changing and allocating resources, never more than is
left.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from graph.engine.errors import GraphNotFound, GraphRejected
from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.vocab import VolunteerStatus
from graph.workflows.guards import Lock, step
from graph.workflows.runner import (
    NEED_NOT_ACTIVE,
    Done,
    Request,
    missing,
    new_id,
    perform,
    refused,
)

OFFER_RESOURCE = step(
    "workflows.offer_resource",
    reads="""
    OPTIONAL MATCH (o:Organization {id: $organization})
    OPTIONAL MATCH (venue:Venue {id: $venue})
    OPTIONAL MATCH (cat:ServiceCategory) WHERE cat.id IN $categories
    WITH seen, o, venue, collect(cat) AS categories
    """,
    keep="o, venue, categories",
    problems=[
        ("o IS NULL", "ORGANIZATION_NOT_FOUND", missing("organization", "{organization}")),
        ("$venue IS NOT NULL AND venue IS NULL", "VENUE_NOT_FOUND", missing("venue", "{venue}")),
        (
            "size(categories) < size($categories)",
            "CATEGORY_NOT_FOUND",
            (GraphNotFound, "One of the service categories does not exist."),
        ),
    ],
    write="CREATE (n:Resource:Searchable {id: $id}) SET n += $props, n.search = $search "
    "CREATE (o)-[:OFFERS]->(n) "
    "FOREACH (x IN categories | CREATE (n)-[:OF_CATEGORY]->(x)) "
    "FOREACH (x IN CASE WHEN venue IS NULL THEN [] ELSE [venue] END | "
    "CREATE (n)-[:LOCATED_AT]->(x))",
    result="$id",
)

RESOURCE = Lock("res", "Resource", "resource")
# A deactivated resource (``deactivateResource``) is kept for its history: never changed or
# allocated again.
LEFT = VolunteerStatus.LEFT.value
INACTIVE = refused("This resource is deactivated; it is kept for its history only.")
RESOURCE_NOT_FOUND = missing("resource", "{resource}")

ALLOCATE_RESOURCE = step(
    "workflows.allocate_resource",
    locks=RESOURCE,
    reads="""
    OPTIONAL MATCH (res)-[a:ALLOCATED_TO]->()
    WITH seen, res, res.quantity - coalesce(sum(a.quantity), 0) AS remaining
    OPTIONAL MATCH (need:Need {id: $need})
    """,
    keep="res, remaining, need",
    problems=[
        ("res IS NULL", "RESOURCE_NOT_FOUND", RESOURCE_NOT_FOUND),
        ("res.status = $left", "INACTIVE", INACTIVE),
        ("need IS NULL", "NEED_NOT_FOUND", missing("need", "{need}")),
        ("NOT need.status IN $active", "NEED_NOT_ACTIVE", NEED_NOT_ACTIVE),
        (
            "res.availableFrom IS NOT NULL AND res.availableFrom > $today",
            "NOT_YET_AVAILABLE",
            refused("That resource is not available yet."),
        ),
        (
            "res.availableUntil IS NOT NULL AND res.availableUntil < $today",
            "NO_LONGER_AVAILABLE",
            refused("That resource is no longer available."),
        ),
        (
            "remaining < $quantity",
            "NOT_ENOUGH_LEFT",
            lambda row: GraphRejected(f"Only {int(row['remaining'])} of that resource are left."),
        ),
    ],
    write="CREATE (res)-[:ALLOCATED_TO {id: $id, quantity: $quantity, at: $at, by: $by}]->(need)",
    result="$resource",
    returns="remaining",
)

UPDATE_RESOURCE = step(
    "workflows.update_resource",
    locks=RESOURCE,
    reads="""
    OPTIONAL MATCH (res)-[a:ALLOCATED_TO]->()
    WITH seen, res, coalesce(sum(a.quantity), 0) AS allocated
    WITH seen, res, allocated,
         coalesce($props.availableFrom, res.availableFrom) AS availableFrom,
         coalesce($props.availableUntil, res.availableUntil) AS availableUntil
    """,
    keep="res, allocated",
    problems=[
        ("res IS NULL", "RESOURCE_NOT_FOUND", RESOURCE_NOT_FOUND),
        ("res.status = $left", "INACTIVE", INACTIVE),
        (
            "$props.quantity IS NOT NULL AND $props.quantity < allocated",
            "BELOW_ALLOCATED",
            lambda row: GraphRejected(
                f"{int(row['allocated'])} of it are already allocated; the quantity cannot be "
                "lower than that."
            ),
        ),
        (
            "availableFrom IS NOT NULL AND availableUntil IS NOT NULL "
            "AND availableUntil < availableFrom",
            "WINDOW_INVERTED",
            refused("`availableUntil` would be before `availableFrom`; change both together."),
        ),
    ],
    # Bumps the version registration's deactivateResource checks (docs/REGISTRATION.md).
    write="SET res += $props, res.version = coalesce(res.version, 0) + 1 "
    "FOREACH (t IN CASE WHEN $search IS NULL THEN [] ELSE [$search] END | SET res.search = t)",
    result="$resource",
    returns="allocated",
)


async def offer_resource(
    store: GraphStore,
    request: Request,
    resource_id: str,
    props: Mapping[str, Any],
    search: str,
    *,
    organization: str,
    venue: str | None,
    categories: Sequence[str],
) -> Done:
    return await perform(
        store,
        OFFER_RESOURCE,
        {
            "id": resource_id,
            "props": dict(props),
            "search": search,
            "organization": organization,
            "venue": venue,
            "categories": list(dict.fromkeys(categories)),
        },
        request,
        resource_id,
        change=Change("RESOURCE_OFFERED", "Resource", {"Organization": [organization]}),
    )


async def allocate_resource(
    store: GraphStore,
    request: Request,
    *,
    resource: str,
    need: str,
    quantity: int,
    today: dt.date,
) -> Done:
    return await perform(
        store,
        ALLOCATE_RESOURCE,
        {
            "id": new_id("allocation"),
            "resource": resource,
            "need": need,
            "quantity": quantity,
            "today": today,
            "left": LEFT,
        },
        request,
        resource,
        change=Change("RESOURCE_ALLOCATED", "Resource", {"Need": [need]}),
    )


async def update_resource(
    store: GraphStore,
    request: Request,
    resource: str,
    props: Mapping[str, Any],
    search: str | None,
) -> Done:
    """Change what a resource offers; never below what is already allocated, and its window
    (merged with the stored one) never ends before it starts."""
    return await perform(
        store,
        UPDATE_RESOURCE,
        {"resource": resource, "props": dict(props), "search": search, "left": LEFT},
        request,
        resource,
        change=Change("RESOURCE_UPDATED", "Resource"),
    )
