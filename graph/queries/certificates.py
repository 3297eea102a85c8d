"""Reading a service certificate (docs/GROUND.md): the public check and the PDF read it; issuing
and revoking are workflow steps (``graph/workflows/certificates.py``)."""

from __future__ import annotations

from graph.engine.cypher import cypher
from graph.engine.store import GraphStore, Record

FIND_CERTIFICATE = cypher(
    "certificates.find",
    """
    MATCH (c:ServiceCertificate {id: $number})
    OPTIONAL MATCH (:SocialWorker {id: $viewer})-[colleague:EMPLOYED_BY]->(o:Organization)
    WHERE o.id = c.organization
    RETURN properties(c) AS certificate, colleague IS NOT NULL AS colleague
    """,
)


async def find(store: GraphStore, number: str, viewer: str | None = None) -> Record | None:
    """The certificate as stored, and whether ``viewer`` works for its issuing organization."""
    rows = await store.read(FIND_CERTIFICATE, {"number": number, "viewer": viewer})
    return rows[0] if rows else None


OF_VOLUNTEER = cypher(
    "certificates.of_volunteer",
    """
    MATCH (c:ServiceCertificate {volunteer: $volunteer})
    RETURN properties(c) AS certificate ORDER BY c.issuedOn DESC, c.id DESC
    """,
)


async def of_volunteer(store: GraphStore, volunteer: str) -> list[Record]:
    """A volunteer's certificates as stored, revoked ones included, the latest issued first."""
    rows = await store.read(OF_VOLUNTEER, {"volunteer": volunteer})
    return [row["certificate"] for row in rows]
