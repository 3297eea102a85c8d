"""What differs between Neo4j 5 and FalkorDB, in one place.

Repositories write one Cypher template; a dialect renders its ``$$macros`` and produces the
schema DDL. Nothing outside this module (and the two store modules) asks which engine is running.

Differences held here:
- distance between two points: ``point.distance`` (Neo4j) vs the haversine written out on
  FalkorDB (its ``distance`` is single precision), the same metres on both; ``$$within(a, b, r)``
  for radius filters, which keeps FalkorDB's point index as a prefilter;
- the current time: FalkorDB has ``localdatetime()`` but no ``datetime()``; instants are stored as
  UTC local datetimes on both engines;
- full-text: Neo4j's ``db.index.fulltext.queryNodes`` (Lucene syntax, OR by default) vs
  FalkorDB's ``db.idx.fulltext.queryNodes`` (RediSearch syntax, AND by default); the index is
  named after its label on both, so one template serves;
- many rows read at once (``$$packed``, ``$$text``, ``Dialect.unpack``): FalkorDB's Python
  client decodes every typed value of a result one by one (~70 µs a row of a survey's volunteers),
  so there a statement may return its rows as one JSON text (``toJSON``, which writes strings
  without escaping them: ``$$text`` escapes the backslashes and quotes of each string first);
  Neo4j 5 has no ``toJSON`` without APOC and its driver decodes a list of maps well, so there the
  same value goes as it is;
- index and constraint DDL: Neo4j has ``IF NOT EXISTS`` and named constraints; FalkorDB creates
  indexes without names, reports duplicates as errors, and creates unique constraints with the
  ``GRAPH.CONSTRAINT`` command (on top of an exact-match index).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.engine.cypher import MACRO, Statement, dynamic
from graph.engine.indexes import GraphSchema, IndexSpec
from graph.engine.values import COORD_DIGITS


@dataclass(frozen=True)
class RawCommand:
    """A store command that is not Cypher (FalkorDB's ``GRAPH.CONSTRAINT``)."""

    name: str
    args: tuple[str, ...]
    action: str = "CREATE"


@dataclass(frozen=True)
class DDL:
    """One schema step; an error containing one of ``tolerate`` means it was already done."""

    step: Statement | RawCommand
    tolerate: tuple[str, ...] = ()
    unique: IndexSpec | None = None  # the uniqueness rule this step creates, if it creates one


@dataclass(frozen=True)
class Formula:
    """A macro called with arguments: ``$$name(a, b)`` becomes ``template`` with ``{0}``, ``{1}``
    replaced by the (rendered) arguments, for when an engine needs an expression, not a name."""

    template: str


@dataclass(frozen=True)
class Dialect:
    name: str
    macros: Mapping[str, str | Formula]
    # Where constraints are built in the background, the statement that reports their status
    # (rows of label, properties, status); None where creating one either succeeds or fails.
    constraint_status: Statement | None = None

    def render(self, template: str) -> str:
        out: list[str] = []
        at = 0
        for match in MACRO.finditer(template):
            if match.start() < at:
                continue  # inside the arguments of a formula already rendered
            key = match.group(1)
            try:
                macro = self.macros[key]
            except KeyError:
                raise ValueError(f"Unknown Cypher macro $${key} for {self.name}.") from None
            out.append(template[at : match.start()])
            if isinstance(macro, str):
                out.append(macro)
                at = match.end()
                continue
            close, arguments = _arguments(template, match.end(), key)
            out.append(macro.template.format(*(self.render(a) for a in arguments)))
            at = close + 1
        out.append(template[at:])
        return "".join(out)

    def fulltext_query(self, terms: Sequence[str]) -> str:
        """Join pre-tokenized terms so that every term must match."""
        raise NotImplementedError

    def unpack(self, value: Any) -> list[dict[str, Any]]:
        """The rows of a ``$$packed(collect({...}))`` column, as the store gives other rows
        (points as ``{"latitude", "longitude"}`` rounded to 1e-5 degree)."""
        return list(value or ())

    def schema_ddl(self, schema: GraphSchema) -> list[DDL]:
        raise NotImplementedError

    def without_constraint(self, spec: IndexSpec) -> list[DDL]:
        """The steps leaving ``spec``'s property indexed (for look-ups) but not unique, for a
        graph whose data holds duplicates of it."""
        raise NotImplementedError


def _arguments(text: str, start: int, key: str) -> tuple[int, list[str]]:
    """The top-level arguments of the call opening at ``start``, and where it closes (our
    templates put no parentheses or commas inside string literals of a macro's arguments)."""
    if text[start : start + 1] != "(":
        raise ValueError(f"Cypher macro $${key} must be called with arguments.")
    depth, begin, found = 0, start + 1, []
    for i in range(start, len(text)):
        char = text[i]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                found.append(text[begin:i].strip())
                return i, found
        elif char == "," and depth == 1:
            found.append(text[begin:i].strip())
            begin = i + 1
    raise ValueError(f"Cypher macro $${key} has no closing parenthesis.")


class Neo4jDialect(Dialect):
    def fulltext_query(self, terms: Sequence[str]) -> str:
        # Terms come from graph.text (letters, digits and CJK only), so nothing needs escaping.
        return " AND ".join(terms)

    def schema_ddl(self, schema: GraphSchema) -> list[DDL]:
        steps: list[DDL] = []
        for spec in schema.indexes:
            name = f"{spec.label}_{spec.property}".lower()
            pattern = f"FOR (n:{spec.label})"
            if spec.kind == "unique":
                if spec.repair:
                    # A key indexed before it was unique: its range index would stop the
                    # constraint from being made (it brings an index of its own).
                    steps.append(
                        DDL(dynamic(f"schema.{name}.unindex", f"DROP INDEX {name} IF EXISTS"))
                    )
                text = (
                    f"CREATE CONSTRAINT {name}_unique IF NOT EXISTS {pattern} "
                    f"REQUIRE n.{spec.property} IS UNIQUE"
                )
                steps.append(DDL(dynamic(f"schema.{name}.unique", text), unique=spec))
                continue
            if spec.kind == "point":
                text = f"CREATE POINT INDEX {name} IF NOT EXISTS {pattern} ON (n.{spec.property})"
            else:
                text = f"CREATE INDEX {name} IF NOT EXISTS {pattern} ON (n.{spec.property})"
            steps.append(DDL(dynamic(f"schema.{name}.{spec.kind}", text)))
        label, prop = schema.fulltext
        steps.append(
            DDL(
                dynamic(
                    "schema.fulltext",
                    f"CREATE FULLTEXT INDEX {label} IF NOT EXISTS FOR (n:{label}) "
                    f"ON EACH [n.{prop}] "
                    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'whitespace'}}",
                )
            )
        )
        return steps

    def without_constraint(self, spec: IndexSpec) -> list[DDL]:
        name = f"{spec.label}_{spec.property}".lower()
        text = f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{spec.label}) ON (n.{spec.property})"
        return [DDL(dynamic(f"schema.{name}.range", text))]


class FalkorDBDialect(Dialect):
    def fulltext_query(self, terms: Sequence[str]) -> str:
        return " ".join(terms)

    def unpack(self, value: Any) -> list[dict[str, Any]]:
        # strict=False: toJSON writes control characters as they are, and they are the value.
        return list(json.loads(value, strict=False, object_hook=_json_point)) if value else []

    def schema_ddl(self, schema: GraphSchema) -> list[DDL]:
        already = ("already indexed",)
        steps: list[DDL] = []
        for spec in schema.indexes:
            name = f"{spec.label}_{spec.property}".lower()
            steps.append(
                DDL(
                    dynamic(
                        f"schema.{name}.index",
                        f"CREATE INDEX FOR (n:{spec.label}) ON (n.{spec.property})",
                    ),
                    already,
                )
            )
        for spec in schema.indexes:
            if spec.kind == "unique":
                steps.append(
                    DDL(
                        RawCommand(
                            f"schema.{spec.label}_{spec.property}.unique".lower(),
                            _constraint(spec),
                        ),
                        ("already exists",),
                        unique=spec,
                    )
                )
        label, prop = schema.fulltext
        steps.append(
            DDL(
                dynamic(
                    "schema.fulltext",
                    f"CALL db.idx.fulltext.createNodeIndex({{label: '{label}', stopwords: []}}, "
                    f"'{prop}')",
                ),
                already,
            )
        )
        return steps

    def without_constraint(self, spec: IndexSpec) -> list[DDL]:
        # The exact-match index stays; the constraint FalkorDB marked FAILED goes, so the next
        # start builds it again (after the duplicates are mended).
        name = f"schema.{spec.label}_{spec.property}.drop_unique".lower()
        return [DDL(RawCommand(name, _constraint(spec), "DROP"), ("not exist",))]


def _json_point(found: dict[str, Any]) -> dict[str, Any]:
    """FalkorDB's JSON of a point (``crs``, ``latitude``, ``longitude``, ``height``; six
    decimals of its 32-bit floats) as the store decodes a point: rounded to 1e-5 degree."""
    if "crs" in found and "latitude" in found and "longitude" in found:
        return {
            "latitude": round(float(found["latitude"]), COORD_DIGITS),
            "longitude": round(float(found["longitude"]), COORD_DIGITS),
        }
    return found


# A string inside toJSON's text: its backslashes and double quotes escaped (Cypher literals).
_ESCAPED = """replace(replace({0}, '\\\\', '\\\\\\\\'), '"', '\\\\"')"""


def _constraint(spec: IndexSpec) -> tuple[str, ...]:
    return ("UNIQUE", "NODE", spec.label, "PROPERTIES", "1", spec.property)


# Neo4j's point.distance: haversine in double precision on R = 6,378,140 m. FalkorDB's own
# distance() works in single precision on its 32-bit points and errs by up to a metre at city
# scale, so its $$distance is the same haversine written out, on the coordinates as they were
# written (rounded to 1e-5 degree by graph.values, which undoes the 32-bit storage): both engines
# then give the same metres to within float rounding. $$within keeps FalkorDB's point index as a
# prefilter (its distance() is within a metre of the exact one) and decides on the exact value.
_COORD = "(round({0}.{1} * 100000.0) / 100000.0)"


def _exact_haversine(a: str, b: str) -> str:
    lat_a, lat_b = _COORD.format(a, "latitude"), _COORD.format(b, "latitude")
    lon_a, lon_b = _COORD.format(a, "longitude"), _COORD.format(b, "longitude")
    h = (
        f"sin(radians({lat_b} - {lat_a}) / 2) ^ 2 + cos(radians({lat_a})) * cos(radians({lat_b}))"
        f" * sin(radians({lon_b} - {lon_a}) / 2) ^ 2"
    )
    return f"(6378140.0 * 2 * asin(sqrt({h})))"


_EXACT = _exact_haversine("{0}", "{1}")  # a Formula template: no braces but the two slots

NEO4J = Neo4jDialect(
    name="neo4j",
    macros={
        "distance": "point.distance",
        "within": Formula("point.distance({0}, {1}) <= {2}"),
        "now": "localdatetime({timezone: 'UTC'})",
        "fulltext_nodes": "db.index.fulltext.queryNodes",
        "packed": Formula("{0}"),
        "text": Formula("{0}"),
        "texts": Formula("{0}"),
    },
)

FALKORDB = FalkorDBDialect(
    name="falkordb",
    macros={
        "distance": Formula(_EXACT),
        "within": Formula(f"(distance({{0}}, {{1}}) <= {{2}} + 1.0 AND {_EXACT} <= {{2}})"),
        "now": "localdatetime()",
        "fulltext_nodes": "db.idx.fulltext.queryNodes",
        "packed": Formula("toJSON({0})"),
        "text": Formula(_ESCAPED),
        "texts": Formula(f"[_text IN {{0}} | {_ESCAPED.format('_text')}]"),
    },
    constraint_status=dynamic(
        "schema.constraint_status",
        "CALL db.constraints() YIELD label, properties, status RETURN label, properties, status",
    ),
)
