"""The allow-list of node labels and relationship types.

Labels and relationship types cannot be Cypher parameters, so any statement that puts one into
its text takes it from here and nowhere else. The Neo4j lint also checks every statement against
these lists, so a misspelt label fails the test suite.
"""

from __future__ import annotations

from typing import Final

# Domain entities (DESIGN.md "The graph").
ENTITY_LABELS: Final[tuple[str, ...]] = (
    "City",
    "District",
    "Community",
    "Resident",
    "Need",
    "Skill",
    "ServiceCategory",
    "Volunteer",
    "SocialWorker",
    "Organization",
    "Project",
    "Fund",
    "Expert",
    "ThinkTank",
    "Resource",
    "Venue",
    "Recruitment",
    "ServiceRecord",
    "Referral",
    "TimeBankEntry",
    "AuditEntry",
)

# Bookkeeping the service itself needs.
SUPPORT_LABELS: Final[tuple[str, ...]] = (
    "Searchable",  # carries the pre-tokenized `search` text of the full-text index
    "IdempotencyKey",  # a retried mutation finds its first answer here
    "SchemaInfo",  # one node recording the data model version
    "IssuedToken",  # a token `cli token` minted: id, role, subject, lifetime (never the token)
    "Revocation",  # a revoked token, or every token of a subject issued until a moment
    "Erasure",  # the ledger of erased residents: the id and when, never their data
    "Event",  # the durable event log: one per successful workflow write (docs/LIVE.md)
    "EventClock",  # one node numbering the events in commit order
    "ServiceCertificate",  # 志愿服务记录证明: a snapshot keyed by its number (docs/GROUND.md)
    "OrganizationEvaluation",  # 社会组织评估: one evaluation of the history (docs/GROUND.md)
    "Webhook",  # a partner's webhook: URL, secret, standing, cursor (docs/LIVE.md "Webhooks")
)

LABELS: Final[tuple[str, ...]] = ENTITY_LABELS + SUPPORT_LABELS

RELATIONSHIP_TYPES: Final[tuple[str, ...]] = (
    "IN",
    "LIVES_IN",
    "HAS_NEED",
    "REQUIRES",
    "OF_CATEGORY",
    "BROADER",
    "HAS_SKILL",
    "SERVES_AREA",
    "MEMBER_OF",
    "COVERS",
    "CASE_MANAGER_OF",
    "SUPERVISES",
    "EMPLOYED_BY",
    "INCUBATED_BY",
    "PART_OF",
    "RUNS",
    "TARGETS",
    "GRANTED",
    "DONATED",
    "MANAGED_BY",
    "ADVISES",
    "OFFERS",
    "ALLOCATED_TO",
    "ASSIGNED",
    "SIGNED_UP",
    "PERFORMED",
    "VERIFIED",
    "DECLINED",
    "AT",
    "REFERRED",
    "TO",
    "ABOUT",
    "LOCATED_AT",
    "FOR",
    "HOLDS",
    "EARNED_BY",
    "SPENT_ON",
    "FAMILY_OF",
)


def label(name: str) -> str:
    """Return ``name`` if it is an allowed label; anything else is a programming error."""
    if name not in LABELS:
        raise ValueError(f"{name!r} is not an allowed node label.")
    return name


def relationship_type(name: str) -> str:
    """Return ``name`` if it is an allowed relationship type."""
    if name not in RELATIONSHIP_TYPES:
        raise ValueError(f"{name!r} is not an allowed relationship type.")
    return name
