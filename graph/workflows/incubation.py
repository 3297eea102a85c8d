"""Incubation (孵化): a hub — a 公益园, a 社工站, a social organization service centre — records
that it incubated an organization, helped it improve, brought it in, or saw it leave the
incubator. The tie ``(org)-[:INCUBATED_BY {stage, since}]->(hub)`` is what the network
analysis and a hub's portfolio read (the 东区全民公益园: 孵化7家, 协助优化5家, 引进33家).

One tie per organization and hub: recording again moves it to the new stage (an incubated
organization that graduates), keeping the day it first joined the hub as ``since`` unless a
new day is given.
"""

from __future__ import annotations

from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.vocab import VolunteerStatus
from graph.workflows.guards import Lock, each_ok, step
from graph.workflows.runner import Done, Request, missing, perform, refused

# An organization that left or was merged into another takes no new tie.
GONE = [VolunteerStatus.LEFT.value, VolunteerStatus.MERGED.value]

RECORD_INCUBATION = step(
    "workflows.record_incubation",
    locks=Lock("o", "Organization", "organization"),
    reads="""
    OPTIONAL MATCH (h:Organization {id: $hub})
    OPTIONAL MATCH back = (h)-[:INCUBATED_BY*1..10]->(o)
    WITH seen, o, h, count(back) > 0 AS circle
    """,
    keep="o, h, circle",
    problems=[
        ("o IS NULL", "ORGANIZATION_NOT_FOUND", missing("organization", "{organization}")),
        ("h IS NULL", "HUB_NOT_FOUND", missing("organization", "{hub}")),
        (
            "o.id = h.id",
            "SELF",
            refused("An organization cannot incubate itself; name the hub that does."),
        ),
        (
            "o.status IN $gone OR h.status IN $gone",
            "INACTIVE",
            refused(
                "One of the two organizations is deactivated or merged into another; record the "
                "incubation on the organization that is kept."
            ),
        ),
        (
            "circle",
            "CIRCLE",
            refused(
                "The hub is itself incubated by this organization, directly or through others; "
                "an incubation cannot go round in a circle."
            ),
        ),
    ],
    each=each_ok(
        "[h]",
        "MERGE (o)-[r:INCUBATED_BY]->(x) "
        "SET r.stage = $stage, r.since = coalesce($since, r.since, $today)",
    ),
    write="",
    result="$organization",
)


async def record_incubation(
    store: GraphStore,
    request: Request,
    *,
    organization: str,
    hub: str,
    stage: str,
    since: str | None,
    today: str,
) -> Done:
    """Record how ``hub`` supports ``organization`` (``IncubationStage``), from ``since`` (ISO
    dates; a new tie without one starts ``today``)."""
    return await perform(
        store,
        RECORD_INCUBATION,
        {
            "organization": organization,
            "hub": hub,
            "stage": stage,
            "since": since,
            "today": today,
            "gone": GONE,
        },
        request,
        organization,
        change=Change("ORGANIZATION_INCUBATED", "Organization"),
    )
