"""Registration: creating, updating, deactivating and reactivating the records users keep
(volunteers, residents, social workers, organizations…), each one guarded statement per family
and step.

The statements are built from each family's one declaration (``graph.model``: the ``Prop``s
it lets users write, its natural key, the ``Tie``s registration sets), so every kept family is
created, updated, deactivated and reactivated the same way:

- a create is refused (``DUPLICATE``) when another record has the same natural key (volunteer
  number, ID hash, certificate number, credit code), answering that record's id;
- an update, a deactivation and a reactivation carry the ``version`` the caller read; any other
  version is ``STALE``: never a silent overwrite of someone else's change. Every change bumps it;
- the ids a tie names must all exist (``MISSING_<i>``); given on an update, a tie's list replaces
  the old one, keeping the relationships whose target stays (their level, role, since);
- a deactivation keeps the record and its history and sets ``status`` to ``LEFT`` (a project's
  to ``CLOSED``, :data:`DEACTIVATED`): the token
  gate (``graph.access.identity``) then refuses the subject's tokens, matching skips them, and
  no later update changes the record (``INACTIVE``);
- a reactivation undoes it: ``status`` back to what an active record of the family holds
  (:func:`restored`: the record type's default, a volunteer's and a project's ``ACTIVE``; a
  family without a status holds none), refused for a record that is not deactivated
  (``ACTIVE``). For a family whose records sign in (``identity.SUBJECT_LABELS``) the same
  statement revokes every token of the subject issued until then, so a token from before the
  deactivation stays dead: the person signs in again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.access import identity
from graph.engine.cypher import Statement
from graph.engine.errors import GraphConflict, GraphNotFound
from graph.engine.labels import label as allowed_label
from graph.engine.labels import relationship_type
from graph.engine.store import GraphStore
from graph.events import Change
from graph.model.family import Family, Tie
from graph.model.registry import families
from graph.model.vocab import ProjectStatus, VolunteerStatus
from graph.workflows.guards import Lock, assigned, guarded
from graph.workflows.runner import Done, Request, missing, perform, refused

LEFT = VolunteerStatus.LEFT.value
# A duplicate merged into another record (``graph.workflows.merging``): a tombstone, never changed.
MERGED = VolunteerStatus.MERGED.value
# The status a deactivation sets where the family's own status vocabulary names it otherwise
# (a project is CLOSED, not LEFT: its status stays one of its vocabulary's values).
DEACTIVATED = {"ProjectStatus": ProjectStatus.CLOSED.value}


def left(family: Family) -> str:
    """The ``status`` a deactivated record of ``family`` has."""
    status = family.prop("status")
    return DEACTIVATED.get(status.vocab or "", LEFT) if status is not None else LEFT


def restored(family: Family) -> str | None:
    """The ``status`` a reactivation gives back: what a new record of ``family`` holds (its
    record type's default, ``ACTIVE`` for a volunteer or a project); None, so no status at all,
    for a family that declares none (an organization, a social worker: absent means active)."""
    return family.defaults.get("status") if family.prop("status") is not None else None


class AlreadyRegistered(GraphConflict):
    """A create whose natural key another record already has; ``existing`` is its id (the
    resolver decides whether the caller may be told which record that is)."""

    def __init__(self, label: str, existing: str) -> None:
        super().__init__(f"That {label} is already registered.")
        self.label = label
        self.existing = existing


def _natural(family: Family, *, other: bool) -> tuple[str, str]:
    """The read finding another record with the same natural key (its id as ``existing``)."""
    key = family.natural_key
    if not key:
        return "", "null AS existing"
    same = " AND ".join(f"$natural.{k} IS NOT NULL AND dup.{k} = $natural.{k}" for k in key)
    besides = "dup.id <> $id AND " if other else ""
    return (
        f"OPTIONAL MATCH (dup:{allowed_label(family.label)}) WHERE {besides}{same}",
        "collect(dup.id)[0] AS existing",
    )


def _given(tie: Tie) -> str:
    return f"coalesce($ties.{tie.name}, [])"


def _reads(family: Family, lead: str, *, update: bool) -> tuple[str, list[str]]:
    """The clauses reading the duplicate and each tie's targets (and, for an update, its current
    relationships), one ``WITH`` each so no match multiplies another's rows."""
    match, existing = _natural(family, other=update)
    carried = [lead] if lead else []
    parts = [match, f"WITH {', '.join(['seen', *carried, existing])}"]
    carried.append("existing")
    for i, tie in enumerate(family.ties):
        end = allowed_label(tie.target)
        if update:
            parts += [
                f"OPTIONAL MATCH {_arrow(tie, 'n', f'o{i}', f':{end}')}",
                f"WITH {', '.join(['seen', *carried])}, collect(o{i}) AS old{i}",
            ]
            carried.append(f"old{i}")
        parts += [
            f"OPTIONAL MATCH (t{i}:{end}) WHERE t{i}.id IN {_given(tie)}",
            f"WITH {', '.join(['seen', *carried])}, collect(DISTINCT t{i}) AS new{i}",
        ]
        carried.append(f"new{i}")
    return "\n    ".join(p for p in parts if p), carried


def _tie_problems(family: Family) -> list[tuple[str, str]]:
    return [
        (f"size(new{i}) < size({_given(tie)})", f"MISSING_{i}") for i, tie in enumerate(family.ties)
    ]


def _arrow(tie: Tie, record: str, rel: str, other: str) -> str:
    """``(n)-[r:TYPE]->(x)``, or ``(n)<-[r:TYPE]-(x)`` for a tie pointing at the record."""
    typed = f"[{rel}:{relationship_type(tie.rel.type)}]"
    if tie.direction == "in":
        return f"({record})<-{typed}-({other})"
    return f"({record})-{typed}->({other})"


def _far(tie: Tie, rel: str) -> str:
    """The id of the tie's other end, on one of its relationships."""
    return f"{'startNode' if tie.direction == 'in' else 'endNode'}({rel}).id"


def _link(i: int, tie: Tie, targets: str) -> str:
    since = f", r.{tie.since} = $today" if tie.since else ""
    return (
        f"FOREACH (x IN {targets} | CREATE {_arrow(tie, 'n', 'r', 'x')} "
        f"SET r += $tie_props.{tie.name}{since})"
    )


def _place(family: Family) -> str:
    if not family.located:
        return ""
    return (
        " FOREACH (_p IN CASE WHEN $latitude IS NULL THEN [] ELSE [1] END | "
        "SET n.location = point({latitude: $latitude, longitude: $longitude}))"
    )


def _search(family: Family) -> str:
    if not family.searchable:
        return ""
    return " FOREACH (t IN CASE WHEN $search IS NULL THEN [] ELSE [$search] END | SET n.search = t)"


def create_statement(family: Family) -> Statement:
    reads, keep = _reads(family, "", update=False)
    labels = allowed_label(family.label) + (":Searchable" if family.searchable else "")
    links = " ".join(_link(i, tie, f"new{i}") for i, tie in enumerate(family.ties))
    return guarded(
        f"registration.create.{family.label}",
        reads=reads,
        keep=", ".join(keep),
        problems=[("existing IS NOT NULL", "DUPLICATE"), *_tie_problems(family)],
        write=f"CREATE (n:{labels} {{id: $id}}) SET n += $defaults SET n += $props, n.version = 1"
        f"{_place(family)}{_search(family)} {links}",
        result="$id",
        returns="existing",
    )


def _stored(family: Family) -> list[str]:
    """The properties an update's ``$props`` may name (a point is set from its coordinates)."""
    return [p.name for p in family.props if p.kind != "point" and p.name not in {"id", "version"}]


# What every change to a kept record checks first, in this order (updating, deactivating,
# reactivating, pausing): it exists, was not merged away, and is at the version read.
STANDING_CHECKS = (
    ("n IS NULL", "NOT_FOUND"),
    ("n.status = $merged", "MERGED"),
    ("coalesce(n.version, 0) <> $version", "STALE"),
)
LEFT_CHECK = ("n.status = $left", "INACTIVE")  # a record that left takes no change but its return


def update_statement(family: Family) -> Statement:
    reads, keep = _reads(family, "n", update=True)
    changes = []
    for i, tie in enumerate(family.ties):
        given = f"$ties.{tie.name}"
        changes.append(
            f"FOREACH (d IN CASE WHEN {given} IS NULL THEN [] "
            f"ELSE [d IN old{i} WHERE NOT {_far(tie, 'd')} IN {given}] END | DELETE d)"
        )
        changes.append(
            _link(
                i,
                tie,
                f"CASE WHEN {given} IS NULL THEN [] ELSE "
                f"[y IN new{i} WHERE NOT y.id IN [o IN old{i} | {_far(tie, 'o')}]] END",
            )
        )
    return guarded(
        f"registration.update.{family.label}",
        locks=Lock("n", allowed_label(family.label), "id"),
        reads=reads,
        keep=", ".join(keep),
        problems=[
            *STANDING_CHECKS,
            LEFT_CHECK,
            ("existing IS NOT NULL", "DUPLICATE"),
            *_tie_problems(family),
        ],
        write=f"SET {assigned('n', _stored(family), '$props')}, "
        "n.version = coalesce(n.version, 0) + 1"
        f"{_place(family)}{_search(family)} {' '.join(changes)}",
        result="$id",
        returns="existing",
    )


def deactivate_statement(family: Family) -> Statement:
    return guarded(
        f"registration.deactivate.{family.label}",
        locks=Lock("n", allowed_label(family.label), "id"),
        keep="n",
        problems=[
            *STANDING_CHECKS,
            LEFT_CHECK,
        ],
        write="SET n.status = $left, n.version = coalesce(n.version, 0) + 1, n.deactivatedAt = $at",
        result="$id",
    )


def reactivate_statement(family: Family) -> Statement:
    # A subject's tokens issued until now are revoked with it (``identity.revoking``).
    revokes = (
        f" {identity.revoking('rv', '$revocation')}"
        if family.label in identity.SUBJECT_LABELS
        else ""
    )
    return guarded(
        f"registration.reactivate.{family.label}",
        locks=Lock("n", allowed_label(family.label), "id"),
        keep="n",
        problems=[
            *STANDING_CHECKS,
            ("n.status IS NULL OR n.status <> $left", "ACTIVE"),
        ],
        write="SET n.status = $restored, n.version = coalesce(n.version, 0) + 1, "
        f"n.reactivatedAt = $at{revokes}",
        result="$id",
    )


# A volunteer pauses (暂停: takes no service for a while) and resumes: their own standing, never
# a deactivation's (LEFT and MERGED stay the deactivation's and the merge's).
PAUSED = VolunteerStatus.PAUSED.value
ACTIVE = VolunteerStatus.ACTIVE.value
PAUSE = guarded(
    "registration.pause.Volunteer",
    locks=Lock("n", "Volunteer", "id"),
    keep="n",
    problems=[
        *STANDING_CHECKS,
        LEFT_CHECK,
    ],
    write="SET n.status = $status, n.version = coalesce(n.version, 0) + 1",
    result="$id",
)


@dataclass(frozen=True)
class Statements:
    create: Statement
    update: Statement
    deactivate: Statement
    reactivate: Statement


# Every kept family's four statements, registered at import (so the lint sees each).
STATEMENTS: Mapping[str, Statements] = {
    f.label: Statements(
        create_statement(f), update_statement(f), deactivate_statement(f), reactivate_statement(f)
    )
    for f in families()
    if f.kept
}


@dataclass(frozen=True)
class Record:
    """What a create or update writes: properties (stored names), the point, the search text,
    the ties given (name -> ids; absent: unchanged) and the natural key's values."""

    props: Mapping[str, Any]
    ties: Mapping[str, Sequence[str]]
    latitude: float | None = None
    longitude: float | None = None
    search: str | None = None


def _params(family: Family, key: str, record: Record, today: Any) -> dict[str, Any]:
    natural = {k: record.props.get(k) for k in family.natural_key}
    return {
        "id": key,
        "props": dict(record.props),
        "natural": natural,
        "ties": {t.name: (list(record.ties[t.name]) if t.name in record.ties else None)
                 for t in family.ties},
        "tie_props": {t.name: dict(t.props) for t in family.ties},
        "latitude": record.latitude,
        "longitude": record.longitude,
        "search": record.search,
        "today": today,
        "left": left(family),
        "merged": MERGED,
    }  # fmt: skip


def _problems(family: Family, key: str, record: Record | None) -> dict[str, Any]:
    what = family.label
    found: dict[str, Any] = {
        "NOT_FOUND": missing(what, key),
        "STALE": refused(
            f"This {what} was changed since you read it (its version is not the one you "
            "sent): read it again and reapply your change."
        ),
        "INACTIVE": refused(f"This {what} is deactivated; it is kept for its history only."),
        "MERGED": refused(
            f"This {what} was merged into another record (its `mergedInto`); change that one."
        ),
        "ACTIVE": refused(f"This {what} is not deactivated: there is nothing to reactivate."),
        "DUPLICATE": lambda row: AlreadyRegistered(what, row["existing"]),
    }
    for i, tie in enumerate(family.ties):
        found[f"MISSING_{i}"] = (
            GraphNotFound,
            f"One of the {tie.target} ids given as `{tie.name}` does not exist.",
        )
    return found


async def create(
    store: GraphStore, request: Request, family: Family, key: str, record: Record, today: Any
) -> Done:
    return await perform(
        store,
        STATEMENTS[family.label].create,
        {**_params(family, key, record, today), "defaults": family.defaults},
        request,
        key,
        _problems(family, key, record),
        change=Change(f"{_kind(family)}_REGISTERED", family.label, _touched(family, record)),
    )


async def update(
    store: GraphStore,
    request: Request,
    family: Family,
    key: str,
    version: int,
    record: Record,
    today: Any,
) -> Done:
    return await perform(
        store,
        STATEMENTS[family.label].update,
        {**_params(family, key, record, today), "version": version},
        request,
        key,
        _problems(family, key, record),
        change=Change(f"{_kind(family)}_UPDATED", family.label, _touched(family, record)),
    )


async def deactivate(
    store: GraphStore, request: Request, family: Family, key: str, version: int
) -> Done:
    return await perform(
        store,
        STATEMENTS[family.label].deactivate,
        {"id": key, "version": version, "left": left(family), "merged": MERGED},
        request,
        key,
        _problems(family, key, None),
        change=Change(f"{_kind(family)}_DEACTIVATED", family.label),
    )


async def reactivate(
    store: GraphStore,
    request: Request,
    family: Family,
    key: str,
    version: int,
    *,
    revoked_at: float,
    keep_s: float,
) -> Done:
    """Undo a deactivation (:func:`restored`); for a family whose records sign in
    (``identity.SUBJECT_LABELS``) every token of the subject issued until ``revoked_at`` (epoch
    seconds: now) is revoked, the revocation kept ``keep_s``."""
    return await perform(
        store,
        STATEMENTS[family.label].reactivate,
        {
            "id": key,
            "version": version,
            "left": left(family),
            "merged": MERGED,
            "restored": restored(family),
            "revocation": identity.subject_revocation(
                key, by=request.by, at=revoked_at, keep_s=keep_s
            ),
        },
        request,
        key,
        _problems(family, key, None),
        change=Change(f"{_kind(family)}_REACTIVATED", family.label),
    )


def _kind(family: Family) -> str:
    return "".join(f"_{c}" if c.isupper() else c for c in family.label).lstrip("_").upper()


def _touched(family: Family, record: Record) -> dict[str, list[str]]:
    touched: dict[str, list[str]] = {}
    for tie in family.ties:
        touched.setdefault(tie.target, []).extend(record.ties.get(tie.name, ()))
    return touched


async def pause(
    store: GraphStore, request: Request, family: Family, key: str, version: int, paused: bool
) -> Done:
    """Set a volunteer ``PAUSED`` (taking no service for a while) or back
    ``ACTIVE``; one who left or was merged is refused, as an update is."""
    return await perform(
        store,
        PAUSE,
        {
            "id": key,
            "version": version,
            "status": PAUSED if paused else ACTIVE,
            "left": left(family),
            "merged": MERGED,
        },
        request,
        key,
        _problems(family, key, None),
        change=Change("VOLUNTEER_PAUSED" if paused else "VOLUNTEER_RESUMED", family.label),
    )
