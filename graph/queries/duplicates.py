"""What merging needs read (``graph.workflows.merging`` does the merge): the record a tombstone
was merged into, and the pairs of records in use that may be one person or organization
registered twice (an administrator's list of what to merge, docs/REGISTRATION.md "Merging
duplicates")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.engine.cypher import Statement, cypher
from graph.engine.labels import label as allowed_label
from graph.engine.store import GraphStore
from graph.model.family import Family
from graph.model.registry import family_named
from graph.workflows.merging import MERGEABLE, MERGED
from graph.workflows.registration import left as _left


def _survivors_statement(label: str) -> Statement:
    return cypher(
        f"merge.survivors.{label}",
        f"""
        UNWIND $keys AS key
        MATCH (n:{allowed_label(label)} {{id: key}})
        WHERE n.mergedInto IS NOT NULL
        RETURN n.id AS id, n.mergedInto AS survivor
        """,
    )


SURVIVORS: Mapping[str, Statement] = {label: _survivors_statement(label) for label in MERGEABLE}


async def survivors(store: GraphStore, label: str, keys: list[str]) -> dict[str, str]:
    """The survivor each of ``keys`` was merged into (``mergedInto``); live records are absent."""
    rows = await store.read(SURVIVORS[label], {"keys": keys})
    return {row["id"]: row["survivor"] for row in rows}


# What two records of one family share that says they may be one person (or organization): each
# natural key, and the phone. Phones are compared as the registration and import normalisers
# write them (``intake.normalize.phone``: digits, a landline's area code and dash), with spaces,
# dashes and a +86 prefix taken out as well, so a record written before normalisation (the demo
# seeds, an older import) is compared the same way.
PHONE = "phone"
_NORMALISED_PHONE = (
    "CASE WHEN replace(replace(n.phone, ' ', ''), '-', '') STARTS WITH '+86' "
    "THEN substring(replace(replace(n.phone, ' ', ''), '-', ''), 3) "
    "ELSE replace(replace(n.phone, ' ', ''), '-', '') END"
)


def shared_by(family: Family) -> tuple[str, ...]:
    """The properties :func:`candidates` compares for ``family``: its natural key, its phone."""
    names = {p.name for p in family.props}
    return (*family.natural_key, *((PHONE,) if PHONE in names else ()))


def _candidates_statement(label: str, prop: str) -> Statement:
    """Groups of active records of ``label`` sharing ``prop`` (ids in order). Not the start-up
    check's statement (``graph.engine.bootstrap.duplicates_statement``): that one counts groups
    of a unique property over every record, tombstones included, for a warning; this one leaves
    out merged and deactivated records, compares phones normalised and names every group."""
    value = _NORMALISED_PHONE if prop == PHONE else f"n.{prop}"
    return cypher(
        f"merge.candidates.{label}.{prop}",
        f"""
        MATCH (n:{allowed_label(label)})
        WHERE n.{prop} IS NOT NULL AND (n.status IS NULL OR NOT n.status IN $inactive)
        WITH {value} AS value, n
        WHERE value <> ''
        WITH value, n ORDER BY n.id
        WITH value, collect(n.id) AS ids
        WHERE size(ids) > 1
        RETURN ids
        ORDER BY ids[0]
        """,
    )


CANDIDATES: Mapping[tuple[str, str], Statement] = {
    (label, prop): _candidates_statement(label, prop)
    for label in MERGEABLE
    for prop in shared_by(family_named(label))
}


@dataclass(frozen=True)
class Candidate:
    """Two active records of one family that share ``shared_by`` (a natural key or the phone):
    perhaps one person registered twice. ``first`` is the smaller id."""

    first: str
    second: str
    shared_by: str


async def candidates(store: GraphStore, label: str) -> list[Candidate]:
    """Every pair of active records of ``label`` sharing a natural key or a normalised phone,
    ordered by the pair's ids and then what they share (a pair sharing both is listed twice)."""
    family = family_named(label)
    inactive = [MERGED, _left(family)]
    found = []
    for prop in shared_by(family):
        for row in await store.read(CANDIDATES[label, prop], {"inactive": inactive}):
            ids = row["ids"]
            found += [Candidate(a, b, prop) for i, a in enumerate(ids) for b in ids[i + 1 :]]
    return sorted(found, key=lambda c: (c.first, c.second, c.shared_by))
