"""Plain Python values in and out of the store, the same whichever engine answered.

Out: nodes become dicts of their properties plus ``_labels``, relationships plus ``_type``,
paths ``{"nodes": [...], "relationships": [...]}``, points ``{"latitude", "longitude"}``
(rounded to 1e-5 degree, ~1 m: FalkorDB keeps them as 32-bit floats), dates ``datetime.date``,
instants timezone-aware UTC ``datetime.datetime``.

In: points are rounded to 1e-5 degree too, so both engines hold the same coordinates (Neo4j the
rounded double, FalkorDB its 32-bit float, which rounding recovers: the dialect's distance does).
Dates and datetimes are sent as ISO strings (the FalkorDB client inlines parameters as text,
where a bare date would not parse); templates wrap them in ``date($d)``/``localdatetime($t)``.
Non-finite floats are refused, since neither engine round-trips them. Vocabulary values
(graph/model/vocab.py) go as their plain text or number.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from enum import Enum
from typing import Any

import neo4j.graph
import neo4j.spatial
import neo4j.time
from falkordb.edge import Edge as FalkorEdge
from falkordb.node import Node as FalkorNode
from falkordb.path import Path as FalkorPath

COORD_DIGITS = 5


def to_param(value: Any) -> Any:
    """Make a parameter value safe and identical for both engines."""
    kind = type(value)
    # Bulk loads send millions of plain values: settle the common exact types first.
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        if len(value) == 2 and "latitude" in value and "longitude" in value:
            return _point(float(value["latitude"]), float(value["longitude"]))
        return {str(k): to_param(v) for k, v in value.items()}
    if kind is list:
        return [to_param(v) for v in value]
    if isinstance(value, Enum):  # a vocabulary value (graph/model/vocab.py) goes as its text
        return value.value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("Graph parameters cannot be NaN or infinite.")
    if isinstance(value, Mapping):
        return {str(k): to_param(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_param(v) for v in value]
    return value


def to_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {} if not params else {k: to_param(v) for k, v in params.items()}


def _point(latitude: float, longitude: float) -> dict[str, float]:
    return {"latitude": round(latitude, COORD_DIGITS), "longitude": round(longitude, COORD_DIGITS)}


def from_neo4j(value: Any) -> Any:
    if isinstance(value, neo4j.graph.Node):
        return {**{k: from_neo4j(v) for k, v in value.items()}, "_labels": sorted(value.labels)}
    if isinstance(value, neo4j.graph.Relationship):
        return {**{k: from_neo4j(v) for k, v in value.items()}, "_type": value.type}
    if isinstance(value, neo4j.graph.Path):
        return {
            "nodes": [from_neo4j(n) for n in value.nodes],
            "relationships": [from_neo4j(r) for r in value.relationships],
        }
    if isinstance(value, neo4j.spatial.WGS84Point):
        return _point(value.latitude, value.longitude)
    if isinstance(value, neo4j.spatial.Point):
        return list(value)
    if isinstance(value, neo4j.time.DateTime):
        native = value.to_native()
        return native.replace(tzinfo=dt.UTC) if native.tzinfo is None else native
    if isinstance(value, neo4j.time.Date | neo4j.time.Time | neo4j.time.Duration):
        return value.to_native() if not isinstance(value, neo4j.time.Duration) else value
    if isinstance(value, list):
        return [from_neo4j(v) for v in value]
    if isinstance(value, dict):
        return {k: from_neo4j(v) for k, v in value.items()}
    return value


def from_falkordb(value: Any) -> Any:
    if isinstance(value, FalkorNode):
        props = {k: from_falkordb(v) for k, v in (value.properties or {}).items()}
        return {**props, "_labels": sorted(value.labels or [])}
    if isinstance(value, FalkorEdge):
        props = {k: from_falkordb(v) for k, v in (value.properties or {}).items()}
        return {**props, "_type": value.relation}
    if isinstance(value, FalkorPath):
        return {
            "nodes": [from_falkordb(n) for n in value.nodes()],
            "relationships": [from_falkordb(e) for e in value.edges()],
        }
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, Mapping):
        if set(value) == {"latitude", "longitude"}:
            return _point(value["latitude"], value["longitude"])
        return {k: from_falkordb(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_falkordb(v) for v in value]
    return value
