"""The facts the access rules (``policy``) depend on, read from the graph.

Once per request, :func:`grants` reads what the viewer's role makes relevant: a social worker's
covered communities and employers; a volunteer's active assignments and own records; a
partner's referrals and members. :func:`communities_of` reads, for a batch of entities, the
communities they are in (a resident's home, a need's community, a record's need's community, the
communities a volunteer serves), which decides a social worker's view of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.engine.cypher import Statement, builder, cypher, dynamic, over
from graph.engine.labels import label as allowed_label
from graph.engine.store import GraphStore
from graph.model import people, services
from graph.model.services import ACTIVE_NEED_STATUSES

WORKER_GRANTS = cypher(
    "access.grants.social_worker",
    """
    MATCH (w:SocialWorker {id: $subject})
    RETURN [(w)-[:COVERS]->(c:Community) | c.id] AS communities,
           [(w)-[:EMPLOYED_BY]->(o:Organization) | o.id] AS employers
    """,
)

# Only active needs: a volunteer sees a resident while assigned, not after the need is closed.
# Each comprehension names its own variables: FalkorDB returns nothing from a comprehension that
# reuses a variable name of an earlier one in the same RETURN.
VOLUNTEER_GRANTS = cypher(
    "access.grants.volunteer",
    """
    MATCH (v:Volunteer {id: $subject})
    RETURN [(v)-[:ASSIGNED]->(n:Need) WHERE n.status IN $active | n.id] AS needs,
           [(v)-[:ASSIGNED]->(n2:Need)<-[:HAS_NEED]-(r:Resident)
              WHERE n2.status IN $active | r.id] AS residents,
           [(v)-[:PERFORMED]->(s:ServiceRecord) | s.id] AS records,
           [(v)-[:HOLDS]->(e:TimeBankEntry) | e.id] AS entries,
           [(v)-[:FAMILY_OF]->(:Resident)-[:HAS_NEED]->(n6:Need) | n6.id] AS family_needs
    """,
)

# A partner sees the needs of referrals it sent or received (not declined ones it received);
# the resident behind a need only while its referral to the partner is accepted.
PARTNER_GRANTS = cypher(
    "access.grants.partner",
    """
    MATCH (o:Organization {id: $subject})
    RETURN [(o)-[:REFERRED]->(f1:Referral) | f1.id] AS sent,
           [(f2:Referral)-[:TO]->(o) | f2.id] AS received,
           [(o)-[:REFERRED]->(:Referral)-[:ABOUT]->(n3:Need) | n3.id] AS sent_needs,
           [(o)<-[:TO]-(f4:Referral)-[:ABOUT]->(n4:Need)
              WHERE f4.status <> 'DECLINED' | n4.id] AS received_needs,
           [(o)<-[:TO]-(f5:Referral)-[:ABOUT]->(n5:Need)
              WHERE f5.status = 'ACCEPTED' | n5.id] AS visit_needs,
           [(o)<-[:TO]-(f6:Referral)-[:ABOUT]->(:Need)<-[:HAS_NEED]-(r6:Resident)
              WHERE f6.status = 'ACCEPTED' | r6.id] AS residents,
           [(v:Volunteer)-[:MEMBER_OF]->(o) | v.id] AS members
    """,
)


def _ids(row: Mapping[str, Any], *names: str) -> frozenset[str]:
    return frozenset(key for name in names for key in row.get(name) or ())


async def grants(store: GraphStore, role: str, subject: str | None) -> dict[str, frozenset[str]]:
    """The viewer's grants as ``policy.Grants`` fields (empty when the subject is unknown)."""
    if subject is None:
        return {}
    if role == "social_worker":
        rows = await store.read(WORKER_GRANTS, {"subject": subject})
        if not rows:
            return {}
        return {
            "communities": _ids(rows[0], "communities"),
            "employers": _ids(rows[0], "employers"),
        }
    if role == "volunteer":
        rows = await store.read(
            VOLUNTEER_GRANTS, {"subject": subject, "active": list(ACTIVE_NEED_STATUSES)}
        )
        if not rows:
            return {}
        row = rows[0]
        needs = _ids(row, "needs")
        return {
            "needs": needs,
            "visit_needs": needs,
            "residents": _ids(row, "residents"),
            "records": _ids(row, "records"),
            "entries": _ids(row, "entries"),
            "family_needs": _ids(row, "family_needs"),
        }
    if role == "partner":
        rows = await store.read(PARTNER_GRANTS, {"subject": subject})
        if not rows:
            return {}
        row = rows[0]
        return {
            "referrals": _ids(row, "sent", "received"),
            "needs": _ids(row, "sent_needs", "received_needs"),
            "visit_needs": _ids(row, "visit_needs"),
            "residents": _ids(row, "residents"),
            "members": _ids(row, "members"),
        }
    return {}


# Where each placed family is, as a path from `n` to the community `c` (``Family.place``).
PLACE_PATHS: Mapping[str, str] = {
    f.label: f.place for f in (*people.FAMILIES, *services.FAMILIES) if f.place is not None
}


def _batch(keys: Sequence[str]) -> list[str]:
    """A batch's keys once each, in their order: the statements ``UNWIND`` them."""
    return list(dict.fromkeys(keys))


@builder(each=over("label", PLACE_PATHS))
def communities_statement(label: str) -> Statement:
    """For a batch of ids of one family, the communities each is in."""
    return dynamic(
        f"access.communities.{label}",
        f"""
        UNWIND $keys AS key
        MATCH (n:{allowed_label(label)} {{id: key}})
        RETURN key, [{PLACE_PATHS[label]} | c.id] AS communities
        """,
    )


async def communities_of(
    store: GraphStore, label: str, keys: Sequence[str]
) -> dict[str, frozenset[str]]:
    rows = await store.read(communities_statement(label), {"keys": _batch(keys)})
    found = {row["key"]: frozenset(row["communities"] or ()) for row in rows}
    return {key: found.get(key, frozenset()) for key in keys}


# The conditions a family declares on its rows (``Family.reviewed``: how a row is seen to be
# reviewed, access.policy.UNTIL_REVIEWED; ``Family.consented``: how it is seen to be consented to
# de-identified analysis, access.policy.BY_CONSENT). Both are read the same way, a batch of ids
# at a time, so one table, one statement builder and one reader serve them.
CONDITIONS: Mapping[str, Mapping[str, str]] = {
    condition: {
        f.label: getattr(f, condition)
        for f in (*people.FAMILIES, *services.FAMILIES)
        if getattr(f, condition) is not None
    }
    for condition in ("reviewed", "consented")
}
REVIEWED = CONDITIONS["reviewed"]
CONSENTED = CONDITIONS["consented"]


@builder(
    each=lambda: (
        {"condition": condition, "label": label}
        for condition, labels in CONDITIONS.items()
        for label in labels
    )
)
def condition_statement(condition: str, label: str) -> Statement:
    """Of a batch of ids of one family, those whose rows meet the family's ``condition``."""
    return dynamic(
        f"access.{condition}.{label}",
        f"""
        UNWIND $keys AS key
        MATCH (n:{allowed_label(label)} {{id: key}})
        WHERE {CONDITIONS[condition][label]}
        RETURN key
        """,
    )


async def _meeting(
    store: GraphStore, condition: str, label: str, keys: Sequence[str]
) -> frozenset[str]:
    """The keys among ``keys`` of the rows that meet ``condition`` (a key of ``CONDITIONS``)."""
    rows = await store.read(condition_statement(condition, label), {"keys": _batch(keys)})
    return frozenset(row["key"] for row in rows)


async def reviewed_of(store: GraphStore, label: str, keys: Sequence[str]) -> frozenset[str]:
    """The keys among ``keys`` of the rows that have been reviewed."""
    return await _meeting(store, "reviewed", label, keys)


async def consented_of(store: GraphStore, label: str, keys: Sequence[str]) -> frozenset[str]:
    """The keys among ``keys`` of the rows consented to de-identified analysis."""
    return await _meeting(store, "consented", label, keys)


# What a mutation acts on: the communities it is in and the organizations that own or receive it.
TARGET_PATHS: Mapping[str, tuple[str, str]] = {
    "Need": ("(x)-[:IN]->(c:Community)", ""),
    "Resident": ("(x)-[:LIVES_IN]->(c:Community)", ""),
    "Volunteer": ("(x)-[:SERVES_AREA]->(c:Community)", "(x)-[:MEMBER_OF]->(o:Organization)"),
    "ServiceRecord": ("(x)-[:FOR|AT]->()-[:IN]->(c:Community)", ""),
    "Recruitment": ("(x)-[:IN]->(c:Community)", "(o:Organization)-[:RUNS]->(x)"),
    "Referral": ("(x)-[:ABOUT]->(:Need)-[:IN]->(c:Community)", "(x)-[:TO]->(o:Organization)"),
    "Resource": ("", "(o:Organization)-[:OFFERS]->(x)"),
    "Project": ("", "(o:Organization)-[:RUNS]->(x)"),
    "Fund": ("", "(x)-[:MANAGED_BY]->(o:Organization)"),
}


@builder(each=over("label", TARGET_PATHS))
def target_statement(label: str) -> Statement:
    """The communities and owning organizations of one entity a mutation acts on."""
    places, owners = TARGET_PATHS[label]
    return dynamic(
        f"access.target.{label}",
        f"""
        MATCH (x:{allowed_label(label)} {{id: $key}})
        RETURN {f"[{places} | c.id]" if places else "[]"} AS communities,
               {f"[{owners} | o.id]" if owners else "[]"} AS organizations
        """,
    )


async def target(
    store: GraphStore, label: str, key: str
) -> tuple[frozenset[str], frozenset[str]] | None:
    """``(communities, organizations)`` of the entity, or None when it does not exist."""
    rows = await store.read(target_statement(label), {"key": key})
    if not rows:
        return None
    return _ids(rows[0], "communities"), _ids(rows[0], "organizations")
