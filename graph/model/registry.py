"""The whole data model in one list: every entity family and relationship the graph holds.

``graph.entities`` builds statements from these declarations; the GraphQL schema mirrors them.
"""

from __future__ import annotations

from graph.access import audit
from graph.model import entities, organizations, people, places, services, taxonomy

FAMILIES = (
    *places.FAMILIES,
    *taxonomy.FAMILIES,
    *people.FAMILIES,
    *organizations.FAMILIES,
    *services.FAMILIES,
    *audit.FAMILIES,
)

RELS = (
    *places.RELS,
    *taxonomy.RELS,
    *people.RELS,
    *organizations.RELS,
    *services.RELS,
    *audit.RELS,
)

entities.register(FAMILIES, RELS)
