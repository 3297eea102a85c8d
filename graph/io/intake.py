"""The graph side of spreadsheet imports (``intake``): look names up, upsert by natural key.

People are merged on the key they already have (a volunteer's national number, the keyed hash of
a resident's ID-card number), never on our ids, so importing the same roster again finds the same
nodes and changes nothing. A new node gets its id and defaults once (``ON CREATE``), and starts
at its community's centre until someone records where exactly; a matched one only takes the
values the file gives. Relationships are merged after the nodes, through the declared ``Rel``s.

A matched record that an import changes gets its ``version`` bumped, as a registration's change
does (docs/REGISTRATION.md), so an update read before the import is refused rather than
overwriting it: a property the file gives another value (:func:`upsert`), a relationship it adds
or a community a resident moves to (:func:`gaining`, asked before they are written). A row that
changes nothing leaves the version as it is, so a re-import stays idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.engine.cypher import Statement, builder, cypher, dynamic, over
from graph.engine.labels import label as allowed_label
from graph.engine.labels import relationship_type
from graph.engine.store import GraphStore
from graph.model.entities import family_named
from graph.model.family import Rel
from graph.model.registry import rels

# Families merged on a natural key: label -> the property holding it. The key's value is checked
# (intake.identity) before it gets here; the property name comes only from this table.
NATURAL_KEYS: Mapping[str, str] = {
    "Volunteer": "volunteerNo",
    "Resident": "idHash",
    "Organization": "creditCode",
    "SocialWorker": "certificateNo",
}

# What a row may name by its id or its name.
NAMED = ("Community", "Skill", "Organization")


@builder(each=over("label", NAMED))
def find_statement(label: str) -> Statement:
    """Entities of ``label`` whose id or name is one of ``$names``."""
    if label not in NAMED:
        raise ValueError(f"{label} is not looked up by name.")
    return dynamic(
        f"intake.find.{label}",
        f"""
        UNWIND $names AS name
        MATCH (x:{allowed_label(label)})
        WHERE x.id = name OR x.name = name
        RETURN name, collect(x.id) AS ids
        """,
    )


async def find(store: GraphStore, label: str, names: Iterable[str]) -> dict[str, list[str]]:
    """name -> the ids it could mean (one: found; several: ambiguous; absent: unknown)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = await store.read(find_statement(label), {"names": wanted})
    return {row["name"]: sorted(row["ids"]) for row in rows}


@builder(each=over("label", NATURAL_KEYS))
def upsert_statement(label: str) -> Statement:
    """MERGE a batch on the natural key, tied to an existing community (located families start
    at its centre); a matched node whose properties the row changes has its version bumped."""
    key = NATURAL_KEYS[label]
    located = ", n.location = c.location" if family_named(label).located else ""
    return dynamic(
        f"intake.upsert.{label}",
        f"""
        UNWIND $rows AS row
        MATCH (c:Community {{id: row.community}})
        MERGE (n:{allowed_label(label)}:Searchable {{{key}: row.key}})
        ON CREATE SET n += row.created, n.id = row.id{located}
        WITH row, n, n.id = row.id AS created, properties(n) AS was
        WITH row, n, created,
             size([k IN keys(row.props) WHERE was[k] IS NULL OR was[k] <> row.props[k]]) > 0
               AS changed
        SET n += row.props, n.search = row.search,
            n.version = CASE WHEN changed AND NOT created
                             THEN coalesce(n.version, 0) + 1 ELSE n.version END
        RETURN row.key AS key, n.id AS id, created, changed
        """,
    )


def _tied() -> list[Rel]:
    """The relationships an import may add to the records it merges."""
    return [r for r in rels() if r.start in NATURAL_KEYS and not r.keyed]


@builder(each=lambda: ({"rel": r} for r in _tied()))
def gaining_statement(rel: Rel) -> Statement:
    """Which of the rows' ``start`` records would gain a relationship they do not have yet."""
    if rel not in _tied():
        raise ValueError(f"An import does not add {rel.name}.")
    return dynamic(
        f"intake.gaining.{rel.name}",
        f"""
        UNWIND $rows AS row
        MATCH (a:{allowed_label(rel.start)} {{id: row.start}})
        MATCH (b:{allowed_label(rel.end)} {{id: row.end}})
        OPTIONAL MATCH (a)-[r:{relationship_type(rel.type)}]->(b)
        WITH a, b, count(r) AS had
        WHERE had = 0
        RETURN collect(DISTINCT a.id) AS ids
        """,
    )


@builder(each=over("label", NATURAL_KEYS))
def bump_statement(label: str) -> Statement:
    """Bump the version of the records ``$ids`` (an import changed their relationships)."""
    return dynamic(
        f"intake.bump.{label}",
        f"""
        UNWIND $ids AS id
        MATCH (n:{allowed_label(label)} {{id: id}})
        SET n.version = coalesce(n.version, 0) + 1
        RETURN count(n) AS bumped
        """,
    )


# A resident lives in one community: an import naming another one moves them.
MOVED_RESIDENTS = cypher(
    "intake.moved_residents",
    """
    UNWIND $rows AS row
    MATCH (n:Resident {id: row.id})-[old:LIVES_IN]->(o:Community)
    WHERE o.id <> row.community
    DELETE old
    RETURN count(*) AS moved
    """,
)


@dataclass(frozen=True)
class Upserted:
    key: str
    id: str
    created: bool
    changed: bool  # a matched record whose properties the row changed (its version bumped)


async def upsert(
    store: GraphStore, label: str, rows: Sequence[Mapping[str, Any]]
) -> list[Upserted]:
    """One batch: rows carry ``key``, ``id`` (used if new), ``community``, ``props`` (set every
    time), ``created`` (set only on a new node) and ``search``."""
    if not rows:
        return []
    result = await store.write(upsert_statement(label), {"rows": list(rows)})
    return [
        Upserted(r["key"], r["id"], bool(r["created"]), bool(r["changed"]) and not r["created"])
        for r in result
    ]


async def gaining(store: GraphStore, rel: Rel, pairs: Sequence[tuple[str, str]]) -> set[str]:
    """The start ids of ``pairs`` (start id, end id) that would gain a ``rel`` they lack: asked
    before the import links them, so their records' versions can be bumped."""
    if not pairs:
        return set()
    rows = [{"start": start, "end": end} for start, end in pairs]
    result = await store.read(gaining_statement(rel), {"rows": rows})
    return set(result[0]["ids"]) if result else set()


async def bump(store: GraphStore, label: str, ids: Iterable[str]) -> int:
    """Bump the versions of the records of ``label`` with these ids."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    result = await store.write(bump_statement(label), {"ids": wanted})
    return int(result[0]["bumped"]) if result else 0


async def move_residents(store: GraphStore, placed: Sequence[tuple[str, str]]) -> int:
    """Drop each resident's home community other than the one given: (resident id, community)."""
    if not placed:
        return 0
    rows = [{"id": rid, "community": community} for rid, community in placed]
    result = await store.write(MOVED_RESIDENTS, {"rows": rows})
    return int(result[0]["moved"]) if result else 0


# --- service hours (intake/hours.py) -------------------------------------------------------

# Volunteers a row names by their national number or their id.
FIND_VOLUNTEERS = cypher(
    "intake.find_volunteers",
    """
    UNWIND $names AS name
    MATCH (x:Volunteer)
    WHERE x.id = name OR x.volunteerNo = name
    RETURN name, collect(x.id) AS ids
    """,
)

# The same for a social worker's import: a national number names only a volunteer she may read
# it of (FULL: one serving a community she covers, access/policy.py), so a row's answer never
# tells her whether a number is on record elsewhere; ids are public and name anyone.
FIND_VOLUNTEERS_COVERED = cypher(
    "intake.find_volunteers_covered",
    """
    UNWIND $names AS name
    MATCH (x:Volunteer)
    WHERE x.id = name
       OR (x.volunteerNo = name
           AND (x)-[:SERVES_AREA]->(:Community)<-[:COVERS]-(:SocialWorker {id: $worker}))
    RETURN name, collect(DISTINCT x.id) AS ids
    """,
)

# Of ``$needs``, those in a community the social worker ``$worker`` covers (a social worker's
# import records hours only where recordService would let them).
COVERED_NEEDS = cypher(
    "intake.covered_needs",
    """
    UNWIND $needs AS id
    MATCH (:SocialWorker {id: $worker})-[:COVERS]->(:Community)<-[:IN]-(n:Need {id: id})
    RETURN collect(DISTINCT n.id) AS ids
    """,
)

# The organisations a social worker works for: an import of hours is theirs (its idempotency keys).
EMPLOYERS = cypher(
    "intake.employers",
    """
    MATCH (:SocialWorker {id: $worker})-[:EMPLOYED_BY]->(o:Organization)
    RETURN collect(DISTINCT o.id) AS ids
    """,
)

# The service records a volunteer already has for a need: an imported row whose volunteer, need
# and date one of them has is already recorded (declined ones too: the file does not bring back
# hours a social worker declined).
RECORDED_SERVICES = cypher(
    "intake.recorded_services",
    """
    UNWIND $pairs AS pair
    MATCH (:Volunteer {id: pair.volunteer})-[:PERFORMED]->(rec:ServiceRecord)
          -[:FOR]->(:Need {id: pair.need})
    RETURN pair.volunteer AS volunteer, pair.need AS need, rec.date AS date,
           rec.minutes AS minutes
    """,
)


async def find_volunteers(
    store: GraphStore, names: Iterable[str], worker: str | None = None
) -> dict[str, list[str]]:
    """name (a national number or an id) -> the ids of the volunteers it could mean (for the
    social worker ``worker``: those whose number she may read, or named by id)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    if worker is None:
        rows = await store.read(FIND_VOLUNTEERS, {"names": wanted})
    else:
        rows = await store.read(FIND_VOLUNTEERS_COVERED, {"names": wanted, "worker": worker})
    return {row["name"]: sorted(row["ids"]) for row in rows}


async def covered_needs(store: GraphStore, worker: str, needs: Iterable[str]) -> set[str]:
    wanted = sorted(set(needs))
    if not wanted:
        return set()
    rows = await store.read(COVERED_NEEDS, {"worker": worker, "needs": wanted})
    return set(rows[0]["ids"]) if rows else set()


async def employers(store: GraphStore, worker: str) -> list[str]:
    rows = await store.read(EMPLOYERS, {"worker": worker})
    return sorted(rows[0]["ids"]) if rows else []


async def recorded_services(
    store: GraphStore, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str, str], list[int]]:
    """(volunteer, need, ISO date) -> the minutes of each record already there."""
    wanted = [{"volunteer": v, "need": n} for v, n in sorted(set(pairs))]
    if not wanted:
        return {}
    found: dict[tuple[str, str, str], list[int]] = {}
    for row in await store.read(RECORDED_SERVICES, {"pairs": wanted}):
        key = (row["volunteer"], row["need"], str(row["date"])[:10])
        found.setdefault(key, []).append(int(row["minutes"]))
    return found
