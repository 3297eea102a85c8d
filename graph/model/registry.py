"""The whole data model in one list: every entity family and relationship the graph holds.

The builders of ``graph.model.entities`` and ``graph.model.where`` read the declarations through
here; the GraphQL schema mirrors them. This module imports the families' modules and nothing
imports it back from them, so the arrows point one way.
"""

from __future__ import annotations

from graph.access import audit
from graph.model import organizations, people, places, services, taxonomy
from graph.model.family import Family, Rel, prepared

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

# The declarations with the service's own conditions written in (``family.prepared``).
VIA = {
    **places.VIA,
    **taxonomy.VIA,
    **people.VIA,
    **organizations.VIA,
    **services.VIA,
}
# The relationships registration sets, by family (``family.Tie``).
TIES = {**places.TIES, **taxonomy.TIES, **people.TIES, **organizations.TIES}
_BY_LABEL: dict[str, Family] = {
    f.label: prepared(f, VIA.get(f.label, ()), TIES.get(f.label, ())) for f in FAMILIES
}
_BY_RECORD: dict[type, Family] = {f.record: f for f in _BY_LABEL.values()}
_RELS: dict[str, Rel] = {rel.name: rel for rel in RELS}


def families() -> list[Family]:
    return list(_BY_LABEL.values())


def rels() -> list[Rel]:
    return list(_RELS.values())


def family_named(label: str) -> Family:
    """The declaration of the family labelled ``label`` (``ValueError`` for anything else)."""
    try:
        return _BY_LABEL[label]
    except KeyError:
        raise ValueError(f"{label!r} is not a registered entity family.") from None


def family_of(record_type: type) -> Family:
    return _BY_RECORD[record_type]
