"""WHERE fragments several families share (each is a predicate on `n`)."""

from __future__ import annotations

# Within a radius of a point: parameters $near_latitude, $near_longitude, $near_radius (metres).
NEAR_DISTANCE = (
    "$$distance(n.location, point({latitude: $near_latitude, longitude: $near_longitude}))"
)
NEAR = (
    "$$within(n.location, point({latitude: $near_latitude, longitude: $near_longitude}), "
    "$near_radius)"
)

# Taxonomy-aware: the node is the given taxonomy entry or narrower (BROADER points upwards).
MAX_TAXONOMY_DEPTH = 6


def narrower_or_same(path_to_node: str, target: str, param: str) -> str:
    """``path_to_node`` ends in the taxonomy node; it must be ``$param`` or sit below it."""
    return f"{path_to_node}-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(:{target} {{id: ${param}}})"
