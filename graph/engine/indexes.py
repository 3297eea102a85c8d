"""The indexes and constraints the service needs, engine-neutral.

The dialect turns this into DDL for the active engine; ``graph.bootstrap`` applies it at start-up,
idempotently. Adding an entity means adding its ``id`` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from graph.engine.labels import ENTITY_LABELS

IndexKind = Literal["unique", "range", "point"]


@dataclass(frozen=True)
class IndexSpec:
    label: str
    property: str
    kind: IndexKind
    # For a unique key users write (a natural key), how an operator mends duplicates of it; the
    # graph then starts without the constraint instead of refusing to (graph.engine.bootstrap).
    repair: str = ""


@dataclass(frozen=True)
class GraphSchema:
    indexes: tuple[IndexSpec, ...]
    fulltext: tuple[str, str]  # (label, property) of the one full-text index


# Entities located on the map, queried by distance.
LOCATED = ("Community", "Resident", "Volunteer", "Organization", "Venue")


def _merge(label: str) -> str:
    return f'merge each pair with merge{label} (docs/REGISTRATION.md, "Merging duplicates")'


# Natural keys (the families' ``keys=``), unique on both engines: two registrations of the same
# person at the same moment cannot both go in (docs/REGISTRATION.md). A record without the key
# (most volunteers have no national number) and a merged tombstone (its key cleared) are not
# held by them. A graph that already holds duplicates of one starts without that constraint and
# says which records to merge (``graph.engine.bootstrap``).
NATURAL_KEYS = (
    IndexSpec("City", "name", "unique", "rename all but one of them with updateCity"),
    IndexSpec("Volunteer", "volunteerNo", "unique", _merge("Volunteer")),
    IndexSpec("Resident", "idHash", "unique", _merge("Resident")),
    IndexSpec("Organization", "creditCode", "unique", _merge("Organization")),
    IndexSpec("SocialWorker", "certificateNo", "unique", _merge("SocialWorker")),
)

SCHEMA = GraphSchema(
    indexes=(
        *(IndexSpec(label, "id", "unique") for label in ENTITY_LABELS),
        IndexSpec("IdempotencyKey", "key", "unique"),
        IndexSpec("IssuedToken", "id", "unique"),
        IndexSpec("Revocation", "id", "unique"),
        IndexSpec("Erasure", "id", "unique"),
        # The event log is read by number and pruned by age (graph/feed.py).
        IndexSpec("EventClock", "id", "unique"),
        IndexSpec("Event", "id", "unique"),  # backups page and restore by it
        IndexSpec("Event", "seq", "range"),
        IndexSpec("Event", "at", "range"),
        IndexSpec("ServiceCertificate", "id", "unique"),
        IndexSpec("OrganizationEvaluation", "id", "unique"),
        IndexSpec("OrganizationEvaluation", "organization", "range"),
        IndexSpec("ServiceCertificate", "volunteer", "range"),  # a volunteer's certificates
        IndexSpec("Webhook", "id", "unique"),
        IndexSpec("Webhook", "organization", "range"),  # an organization's webhook
        *(IndexSpec(label, "location", "point") for label in LOCATED),
        IndexSpec("Need", "status", "range"),
        IndexSpec("Volunteer", "status", "range"),
        IndexSpec("Organization", "kind", "range"),
        # Natural keys (the families' ``keys=``; imports merge on them, graph/io/intake.py).
        *NATURAL_KEYS,
    ),
    fulltext=("Searchable", "search"),
)
