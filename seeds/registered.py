"""The demo's kept records (places, people, organizations, projects, funds, venues, the taxonomy)
written through registration, as a station registers them.

Each record goes through the step ``create<Family>`` runs (``graph.workflows.registration``):
its writable properties checked by the normalisers the API and the import use
(``intake.identity.CHECKS``), its ties (a volunteer's skills, teams and communities, a project's
organization) named by id and refused if one does not exist, a duplicate natural key refused,
its defaults set, an event written. Families come after those their ties name, and within a
family a parent (an organization's ``parent``, a broader skill) before its parts, so every
create names records that exist.

A resident's ID-card number is checked and kept as the API keeps it: its keyed hash (under the
service's key) and its last four characters, never the number.

A tie is made with registration's defaults (a skill BASIC, a member a MEMBER since the day): the
levels, roles and days the demo draws go through ``rateVolunteerSkill``'s and ``setTeamMember``'s
steps next (``seeds.casework.record_ties``), a case's, an employment's and a think-tank seat's
real day and a relative's relation through theirs (``tie_steps``, ``record_tie_steps``), and
volunteers who paused or left through ``pauseVolunteer``'s and ``deactivateVolunteer``'s
(``standing``). ``made`` then takes the ties registration made out of the batch, refusing one
holding a property no path wrote, so nothing of these records is left to the batch writer
(``seeds.demo``; docs/FIELD.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph import workflows
from graph.engine.store import GraphStore
from graph.model import entities
from graph.model.family import Family, Tie
from graph.model.registry import families, family_named
from graph.workflows import registration, ties
from intake.identity import CHECKS, id_card
from seeds.batch import Batch

ACTOR = "seeds.demo"
# Creates written at once: enough to keep the engine busy, few enough to leave the store's
# connection pool (16 by default) to the service itself.
CONCURRENT = 8

Ends = tuple[str, str, str]  # a relationship's (type, start label, end label)


def _ends(rel: entities.Rel) -> Ends:
    return (rel.type, rel.start, rel.end)


def in_order(kept: Iterable[Family]) -> list[Family]:
    """Families after the families their ties name (a volunteer after skills and teams)."""
    pending = {f.label: f for f in kept}
    ordered: list[Family] = []
    while pending:
        ready = [
            f
            for f in pending.values()
            if all(t.target == f.label or t.target not in pending for t in f.ties)
        ]
        if not ready:
            raise ValueError(f"Registration ties go round in a circle among {sorted(pending)}.")
        for family in ready:
            ordered.append(family)
            del pending[family.label]
    return ordered


def _targets(tie: Tie, key: str, links: Mapping[Ends, list[tuple[str, str]]]) -> list[str]:
    pairs = links.get(_ends(tie.rel), [])
    if tie.direction == "out":
        return [end for start, end in pairs if start == key]
    return [start for start, end in pairs if end == key]


def _levels(
    family: Family, records: Sequence[Any], ties: Mapping[str, dict[str, list[str]]]
) -> Iterator[list[Any]]:
    """The records in rounds: each after the records of its own family its ties name."""
    own = {r.id for r in records}
    waiting = {r.id: r for r in records}
    done: set[str] = set()
    while waiting:
        level = [
            r
            for r in waiting.values()
            if all(
                target in done or target not in own
                for tie in family.ties
                if tie.target == family.label
                for target in ties[r.id].get(tie.name, [])
            )
        ]
        if not level:
            raise ValueError(f"{family.label} records name each other in a circle.")
        for record in level:
            del waiting[record.id]
        done.update(r.id for r in level)
        yield level


def _record(family: Family, record: Any, ties: dict[str, list[str]]) -> registration.Record:
    """What the create writes: the writable properties (checked as the API checks them), the
    point, the search text and the ties."""
    (row,) = entities.node_rows(family, [record])
    props: dict[str, Any] = {}
    for prop in family.writable:
        value = row["props"].get(prop.name)
        if value is None or prop.kind == "point":
            continue
        if prop.check in CHECKS:  # an ID card's hash was made by ``_id_card``
            checked = CHECKS[prop.check](value)
            if checked != value:
                raise ValueError(
                    f"The demo's {family.label} {record.id} has `{prop.name}` {value!r}, which "
                    f"a registration stores as {checked!r}: write it as it is stored."
                )
        props[prop.name] = value
    if getattr(record, "id_last4", None):
        props["idLast4"] = record.id_last4  # as the API's registration writes it
    return registration.Record(
        props, ties, row.get("latitude"), row.get("longitude"), row.get("search")
    )


def _id_card(record: Any, id_cards: Mapping[str, str], id_hash_key: str) -> Any:
    """The record with its ID-card number as the API keeps one: checked (length, check
    character, birth date), then only its keyed hash and last four characters."""
    number = id_cards.get(record.id)
    if number is None:
        return record
    card = id_card(number)
    return dataclasses.replace(record, id_hash=card.keyed_hash(id_hash_key), id_last4=card.last4)


async def write(
    store: GraphStore, batch: Batch, id_cards: Mapping[str, str], id_hash_key: str
) -> Counter[str]:
    """Register the batch's records of every kept family, residents with the ID-card numbers
    ``id_cards`` gives (hashed under ``id_hash_key``, as the service hashes them); they stay in
    the batch (as version 1, the version a create gives), so its flush adds what registration
    does not write."""
    links: dict[Ends, list[tuple[str, str]]] = defaultdict(list)
    for rel, pairs in batch.links.items():
        links[_ends(rel)].extend((start, end) for start, end, _ in pairs)
    today = workflows.now().date()
    written: Counter[str] = Counter()
    for family in in_order(f for f in families() if f.kept):
        records = [_id_card(r, id_cards, id_hash_key) for r in batch.nodes.get(family.record, [])]
        ties = {
            r.id: {t.name: found for t in family.ties if (found := _targets(t, r.id, links))}
            for r in records
        }
        for level in _levels(family, records, ties):
            for start in range(0, len(level), CONCURRENT):
                await asyncio.gather(
                    *(
                        _create(store, family, record, ties[record.id], today)
                        for record in level[start : start + CONCURRENT]
                    )
                )
        written[family.label] += len(records)
        batch.nodes[family.record] = [dataclasses.replace(r, version=1) for r in records]
    return written


async def _create(
    store: GraphStore, family: Family, record: Any, ties: dict[str, list[str]], today: Any
) -> None:
    request = workflows.Request(
        f"create{family.label}", {"id": record.id}, key=f"demo:create:{record.id}", by=ACTOR
    )
    await registration.create(
        store, request, family, record.id, _record(family, record, ties), today
    )


@dataclass(frozen=True)
class TieStep:
    """A tie's properties recorded through its step (``graph.workflows.ties.STEPS``): the day a
    case was taken, an employment or think-tank membership began, how a volunteer is family."""

    family: str
    tie: str
    record: str
    target: str
    props: Mapping[str, Any]


def tie_steps(batch: Batch) -> list[TieStep]:
    """The batch's ties whose properties go through a step, taken out of it (registration made
    them with its defaults: ``write``)."""
    found: list[TieStep] = []
    for label, name in ties.STEPS:
        (tie,) = (t for t in family_named(label).ties if t.name == name)
        for start, end, props in batch.links.pop(tie.rel, []):
            record, target = (end, start) if tie.direction == "in" else (start, end)
            found.append(TieStep(label, name, record, target, dict(props)))
    return found


async def record_tie_steps(store: GraphStore, steps: Sequence[TieStep]) -> int:
    """Record each through its step, as whoever keeps the record would; the number of steps."""
    for start in range(0, len(steps), CONCURRENT):
        await asyncio.gather(
            *(
                workflows.set_tie(
                    store,
                    workflows.Request(
                        ties.STEPS[(s.family, s.tie)],
                        {"record": s.record, "target": s.target},
                        key=f"demo:tie:{s.tie}:{s.record}:{s.target}",
                        by=ACTOR,
                    ),
                    family=s.family,
                    tie=s.tie,
                    key=s.record,
                    target=s.target,
                    props=s.props,
                )
                for s in steps[start : start + CONCURRENT]
            )
        )
    return len(steps)


def made(batch: Batch) -> None:
    """Take out of the batch the relationships registration made (every kept family's ties, the
    links it was given: ``write``), refusing one that holds a property registration does not
    write, which no user path would then have written."""
    for family in families():
        if not family.kept:
            continue
        for tie in family.ties:
            for start, end, props in batch.links.pop(tie.rel, []):
                if any(tie.props.get(k, object()) != v for k, v in props.items()):
                    raise ValueError(
                        f"The demo's {tie.rel.type} from {start} to {end} holds {dict(props)}; "
                        f"registration writes {dict(tie.props)} and no step changes it."
                    )


async def standing(store: GraphStore, batch: Batch) -> int:
    """The demo's volunteers who paused or left since they registered (as ACTIVE), through
    ``pauseVolunteer``'s and ``deactivateVolunteer``'s steps; the number of steps."""
    family = family_named("Volunteer")
    drawn = {v.id: v.status for v in batch.nodes.get(family.record, [])}
    moved = {k: str(getattr(s, "value", s)) for k, s in drawn.items()}
    moved = {k: s for k, s in moved.items() if s != registration.ACTIVE}
    read = await entities.get_many(store, "Volunteer", list(moved))

    async def step(key: str) -> None:
        version = read[key].version
        if moved[key] == registration.PAUSED:
            request = workflows.Request("pauseVolunteer", {"paused": True}, key=f"demo:pause:{key}",
                                        by=ACTOR)  # fmt: skip
            await registration.pause(store, request, family, key, version, True)
        elif moved[key] == registration.left(family):
            request = workflows.Request("deactivateVolunteer", {}, key=f"demo:leave:{key}",
                                        by=ACTOR)  # fmt: skip
            await registration.deactivate(store, request, family, key, version)
        else:
            raise ValueError(f"The demo's volunteer {key} is {moved[key]}: no step sets that.")

    keys = sorted(moved)
    for start in range(0, len(keys), CONCURRENT):
        await asyncio.gather(*(step(k) for k in keys[start : start + CONCURRENT]))
    return len(keys)
