"""The vocabularies are declared once (graph/model/vocab.py) and everything else keeps to them.

No graph is needed: the GraphQL enums are compared with the vocabularies they are made from, the
seeds' records are built in memory (the demo, and a small generated city whose batches are kept
instead of written), and the registered Cypher is read as text for the values it spells out.
"""

from __future__ import annotations

import enum
import re
import types
import typing
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

import schema.enums
from graph.engine.store import GraphStore
from graph.model import entities, registry, vocab
from graph.model.vocab import (
    VOCABULARIES,
    IncubationStage,
    MemberRole,
    SignUpStatus,
    SkillLevel,
    WeeklySlot,
)
from seeds import demo
from seeds.batch import Batch
from seeds.generate import CityGenerator, CitySpec
from tests.statements import project_statements

Vocab = type[vocab.Vocabulary] | type[vocab.Grade]

# Relationship and bookkeeping-node properties that hold a vocabulary value (they declare
# property names only).
RELATIONSHIP_VOCABULARIES: dict[tuple[str, str], Vocab] = {
    ("SIGNED_UP", "attendance"): vocab.Attendance,
    ("ServiceCertificate", "status"): vocab.CertificateStatus,
    ("HAS_SKILL", "level"): SkillLevel,
    ("MEMBER_OF", "role"): MemberRole,
    ("INCUBATED_BY", "stage"): IncubationStage,
    ("ASSIGNED", "slots"): WeeklySlot,
    ("SIGNED_UP", "status"): SignUpStatus,
}


def vocabulary_of(hint: Any) -> Vocab | None:
    """The vocabulary a record field's type names: ``X``, ``X | None`` or ``tuple[X, ...]``."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        hint = next(a for a in typing.get_args(hint) if a is not type(None))
    if typing.get_origin(hint) is tuple:
        hint = typing.get_args(hint)[0]
    if isinstance(hint, type) and issubclass(hint, vocab.Vocabulary | vocab.Grade):
        return hint
    return None


def record_vocabularies(record_type: type) -> dict[str, Vocab]:
    """A record's fields (by their stored, camelCase name) that hold a vocabulary value."""
    hints = typing.get_type_hints(record_type)
    found = {entities.camel(name): vocabulary_of(hint) for name, hint in hints.items()}
    return {name: v for name, v in found.items() if v is not None}


def property_vocabularies() -> dict[str, set[Vocab]]:
    """Every stored property that holds a vocabulary value, with the vocabularies it may hold."""
    found: dict[str, set[Vocab]] = defaultdict(set)
    for family in registry.FAMILIES:
        for name, v in record_vocabularies(family.record).items():
            found[name].add(v)
    for (_, name), v in RELATIONSHIP_VOCABULARIES.items():
        found[name].add(v)
    return found


def values(*vocabularies: Vocab) -> set[object]:
    return {member.value for v in vocabularies for member in v}


# --- the GraphQL enums --------------------------------------------------------------------------


@pytest.mark.parametrize("vocabulary", VOCABULARIES, ids=[v.__name__ for v in VOCABULARIES])
def test_each_graphql_enum_is_its_vocabulary(vocabulary: Vocab) -> None:
    made = getattr(schema.enums, vocabulary.__name__).__strawberry_definition__
    assert made.name == vocabulary.__name__
    assert made.description == vocabulary.__doc__
    assert [(v.name, v.value, v.description) for v in made.values] == [
        (m.name, m.value, m.description) for m in vocabulary
    ]


def test_every_graphql_enum_but_the_sort_direction_comes_from_a_vocabulary() -> None:
    enums = {
        name
        for name, value in vars(schema.enums).items()
        if isinstance(value, enum.EnumMeta) and hasattr(value, "__strawberry_definition__")
    }
    assert enums - {"SortDirection"} == {v.__name__ for v in VOCABULARIES}


def test_every_vocabulary_is_listed_and_described() -> None:
    declared = {
        v for v in vars(vocab).values() if isinstance(v, enum.EnumMeta) and len(v) and v.__doc__
    }
    assert declared == set(VOCABULARIES)
    for vocabulary in VOCABULARIES:
        assert vocabulary.__doc__, vocabulary
        for member in vocabulary:
            assert member.description.endswith("."), member
            # The stored text is the name, so a value compares and hashes like its text.
            if issubclass(vocabulary, vocab.Vocabulary):
                assert member.value == member.name


def test_weekly_slots_are_every_day_and_part() -> None:
    assert [s.value for s in WeeklySlot] == [f"{d}_{p}" for d in vocab.DAYS for p in vocab.PARTS]
    assert WeeklySlot.TUE_AM.description == "Tuesday morning, 8:00–12:00 (周二上午)."


# --- the seeds ----------------------------------------------------------------------------------


class KeptCity(CityGenerator):
    """The generator as it is, keeping each batch instead of writing it."""

    def __init__(self, spec: CitySpec) -> None:
        super().__init__(spec, typing.cast(GraphStore, None))
        self.batches: list[Batch] = []

    async def flush(self, batch: Batch) -> None:
        kept = Batch()
        kept.nodes.update({k: list(v) for k, v in batch.nodes.items()})
        kept.links.update({k: list(v) for k, v in batch.links.items()})
        self.batches.append(kept)
        batch.nodes.clear()
        batch.links.clear()


def stored_values(batch: Batch) -> Iterator[tuple[str, str, Vocab, object]]:
    """(where, property, vocabulary, value) for every vocabulary value a batch would write."""
    for records in batch.nodes.values():
        fields = record_vocabularies(type(records[0]))
        for record in records:
            for name, value in entities.to_props(record).items():
                if name in fields and value is not None:
                    for one in value if isinstance(value, list) else [value]:
                        yield type(record).__name__, name, fields[name], one
    for rel, pairs in batch.links.items():
        for _, _, props in pairs:
            for name, value in props.items():
                v = RELATIONSHIP_VOCABULARIES.get((rel.type, name))
                if v is not None and value is not None:
                    for one in value if isinstance(value, list | tuple) else [value]:
                        yield rel.type, name, v, one


async def test_the_seeds_write_only_vocabulary_values() -> None:
    city = KeptCity(CitySpec(residents=2_000, volunteers=300, needs=400, seed=3))
    await city.run()
    checked: set[tuple[str, str]] = set()
    wrong = []
    for batch in [demo.build().b, *city.batches]:
        for where, name, vocabulary, value in stored_values(batch):
            checked.add((where, name))
            if value not in values(vocabulary):
                wrong.append((where, name, value))
    assert not wrong
    # Not vacuous: the values the field reports are built around were all seen.
    assert {
        ("Resident", "tags"),
        ("Volunteer", "availability"),
        ("Need", "status"),
        ("Organization", "kind"),
        ("HAS_SKILL", "level"),
        ("SIGNED_UP", "status"),
    } <= checked


# --- the registered Cypher ----------------------------------------------------------------------

LITERAL = r"'[^'\n]*'"
# A property compared with, set to or matched on a literal: `x.p = 'V'`, `x.p <> 'V'`,
# `x.p IN ['V', …]`, `{p: 'V'}` and `SET x.p = CASE … THEN 'V' ELSE 'W' END`.
BOUND = re.compile(
    rf"\w+\.(?P<p1>\w+)\s*(?:=|<>)\s*(?P<v1>{LITERAL})"
    rf"|\w+\.(?P<p2>\w+)\s+IN\s+\[(?P<v2>\s*{LITERAL}(?:\s*,\s*{LITERAL})*\s*)\]"
    rf"|[{{,]\s*(?P<p3>\w+):\s*(?P<v3>{LITERAL})"
    rf"|\w+\.(?P<p4>\w+)\s*=\s*CASE\b(?P<v4>.*?)\bEND\b",
    re.DOTALL,
)
CASE_RESULT = re.compile(rf"\b(?:THEN|ELSE)\s+({LITERAL})")
CODE_LIKE = re.compile(r"[A-Z][A-Z0-9_]*")


def bound_literals(text: str) -> Iterator[tuple[str, str]]:
    """(property, value) for each literal value a statement's text binds to a property."""
    for m in BOUND.finditer(text):
        if m["p4"]:
            for literal in CASE_RESULT.findall(m["v4"]):
                yield m["p4"], literal.strip("'")
            yield from bound_literals(m["v4"])  # the conditions inside the CASE
            continue
        name = m["p1"] or m["p2"] or m["p3"]
        for literal in re.findall(LITERAL, m["v1"] or m["v2"] or m["v3"]):
            yield name, literal.strip("'")


def test_every_value_spelt_out_in_a_statement_is_in_its_vocabulary() -> None:
    by_property = property_vocabularies()
    seen, wrong = 0, []
    for statement in project_statements():
        for name, literal in bound_literals(statement.template):
            if name in by_property:
                seen += 1
                if literal not in values(*by_property[name]):
                    wrong.append((statement.name, name, literal))
            elif CODE_LIKE.fullmatch(literal):  # a value of a property no vocabulary declares
                wrong.append((statement.name, name, literal))
    assert not wrong
    assert seen >= 10  # e.g. v.status = 'ACTIVE', {status: 'SIGNED_UP'}, kind: 'EARNED'
