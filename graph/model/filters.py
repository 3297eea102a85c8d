"""WHERE fragments several families share (each is a predicate on `n`)."""

from __future__ import annotations

# Within a radius of a point: parameters $near_latitude, $near_longitude, $near_radius (metres).
CENTRE = "point({latitude: $near_latitude, longitude: $near_longitude})"
NEAR_DISTANCE = f"$$distance(n.location, {CENTRE})"
NEAR = f"$$within(n.location, {CENTRE}, $near_radius)"


def readable(prefix: str) -> str:
    """A predicate on `n`: the viewer may read this row's protected value
    (``access.inference.ReadScope``) — ``$<prefix>_all``, or an id in ``$<prefix>_ids``, or
    placed in a community the social worker ``$<prefix>_by`` covers. A placeholder here;
    ``graph.model.family.prepared`` writes it out with the family's place
    (``graph.model.family.readable_predicate``)."""
    return f"__readable_{prefix}__"


# The centre of the ~500 m grid cell holding `n.location` (``access.inference.coarse``; the
# cell's size in degrees is $near_grid).
_SNAP = "floor(n.location.{0} / $near_grid) * $near_grid + $near_grid / 2"
CELL = f"point({{latitude: {_SNAP.format('latitude')}, longitude: {_SNAP.format('longitude')}}})"

# `near` over points not every viewer may read: exact where the viewer may read the point, on
# the point's grid cell with the radius floored ($near_floor) elsewhere, so no answer depends on
# more than the cell. $near_reach (the larger radius plus the cell's half-diagonal) bounds both
# and keeps FalkorDB's point index as a prefilter.
GUARDED_NEAR = (
    f"$$within(n.location, {CENTRE}, $near_reach) "
    f"AND (({readable('near')} AND $$within(n.location, {CENTRE}, $near_radius)) "
    f"OR (NOT {readable('near')} AND $$within({CELL}, {CENTRE}, $near_floor)))"
)
GUARDED_NEAR_DISTANCE = (
    f"CASE WHEN {readable('near')} THEN $$distance(n.location, {CENTRE}) "
    f"ELSE $$distance({CELL}, {CENTRE}) END"
)

# Taxonomy-aware: the node is the given taxonomy entry or narrower (BROADER points upwards).
MAX_TAXONOMY_DEPTH = 6


def in_community(path: str) -> dict[str, str]:
    """The ``community`` and ``district`` conditions of a family placed in communities by
    ``path``, which ends where the community is reached (``"(n)-[:LIVES_IN]->"``): it is in a
    district through its community's ``IN``. One place for the pair six families declare alike."""
    return {
        "community": f"{path}(:Community {{id: $community}})",
        "district": f"{path}(:Community)-[:IN]->(:District {{id: $district}})",
    }


def narrower_or_same(path_to_node: str, target: str, param: str) -> str:
    """``path_to_node`` ends in the taxonomy node; it must be ``$param`` or sit below it."""
    return f"{path_to_node}-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(:{target} {{id: ${param}}})"


# The ``category`` condition of a family filed under service categories by ``OF_CATEGORY``:
# asking for 医疗健康 finds what is filed under 义诊 too. Declared once for the six families that
# file so (needs, service records, organizations, projects, resources, skills).
IN_CATEGORY = narrower_or_same(
    "(n)-[:OF_CATEGORY]->(:ServiceCategory)", "ServiceCategory", "category"
)
