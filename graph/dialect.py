"""What differs between Neo4j 5 and FalkorDB, in one place.

Repositories write one Cypher template; a dialect renders its ``$$macros`` and produces the
schema DDL. Nothing outside this module (and the two store modules) asks which engine is running.

Differences held here:
- distance between two points: ``point.distance`` (Neo4j) vs ``distance`` (FalkorDB), both metres
  on WGS-84 points;
- the current time: FalkorDB has ``localdatetime()`` but no ``datetime()``; instants are stored as
  UTC local datetimes on both engines;
- full-text: Neo4j's ``db.index.fulltext.queryNodes`` (Lucene syntax, OR by default) vs
  FalkorDB's ``db.idx.fulltext.queryNodes`` (RediSearch syntax, AND by default); the index is
  named after its label on both, so one template serves;
- index and constraint DDL: Neo4j has ``IF NOT EXISTS`` and named constraints; FalkorDB creates
  indexes without names, reports duplicates as errors, and creates unique constraints with the
  ``GRAPH.CONSTRAINT`` command (on top of an exact-match index).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from graph.cypher import MACRO, Statement, dynamic
from graph.schema import GraphSchema


@dataclass(frozen=True)
class RawCommand:
    """A store command that is not Cypher (FalkorDB's ``GRAPH.CONSTRAINT``)."""

    name: str
    args: tuple[str, ...]


@dataclass(frozen=True)
class DDL:
    """One schema step; an error containing one of ``tolerate`` means it was already done."""

    step: Statement | RawCommand
    tolerate: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dialect:
    name: str
    macros: Mapping[str, str]
    # Where constraints are built in the background, the statement that reports their status
    # (rows of label, properties, status); None where creating one either succeeds or fails.
    constraint_status: Statement | None = None

    def render(self, template: str) -> str:
        def replace(match: re.Match[str]) -> str:
            key = match.group(1)
            try:
                return self.macros[key]
            except KeyError:
                raise ValueError(f"Unknown Cypher macro $${key} for {self.name}.") from None

        return MACRO.sub(replace, template)

    def fulltext_query(self, terms: Sequence[str]) -> str:
        """Join pre-tokenized terms so that every term must match."""
        raise NotImplementedError

    def schema_ddl(self, schema: GraphSchema) -> list[DDL]:
        raise NotImplementedError


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
                text = (
                    f"CREATE CONSTRAINT {name}_unique IF NOT EXISTS {pattern} "
                    f"REQUIRE n.{spec.property} IS UNIQUE"
                )
            elif spec.kind == "point":
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


class FalkorDBDialect(Dialect):
    def fulltext_query(self, terms: Sequence[str]) -> str:
        return " ".join(terms)

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
                            ("UNIQUE", "NODE", spec.label, "PROPERTIES", "1", spec.property),
                        ),
                        ("already exists",),
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


NEO4J = Neo4jDialect(
    name="neo4j",
    macros={
        "distance": "point.distance",
        "now": "localdatetime({timezone: 'UTC'})",
        "fulltext_nodes": "db.index.fulltext.queryNodes",
    },
)

FALKORDB = FalkorDBDialect(
    name="falkordb",
    macros={
        "distance": "distance",
        "now": "localdatetime()",
        "fulltext_nodes": "db.idx.fulltext.queryNodes",
    },
    constraint_status=dynamic(
        "schema.constraint_status",
        "CALL db.constraints() YIELD label, properties, status RETURN label, properties, status",
    ),
)
