"""Every statement we can send to Neo4j passes Neo4j's own parser and semantic analyser.

The analyser is npm ``@neo4j-cypher/language-support`` (pinned in tools/cypher-lint), given Neo4j
5's real function and procedure signatures, our label and relationship-type allow-lists. An
unknown function (FalkorDB's ``distance``), an unknown procedure, a syntax error or a misspelt
label fails the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from graph.engine.cypher import Statement, dynamic
from graph.engine.dialect import FALKORDB, NEO4J
from graph.engine.indexes import NATURAL_KEYS, SCHEMA
from graph.engine.labels import LABELS, RELATIONSHIP_TYPES
from tests.statements import project_statements

LINTER = Path(__file__).resolve().parents[2] / "tools" / "cypher-lint"
UNKNOWN_NAME = ("is not present in the database",)


def _run_linter(statements: dict[str, str]) -> list[dict]:
    payload = {
        "labels": list(LABELS),
        "relationshipTypes": list(RELATIONSHIP_TYPES),
        "statements": [{"name": n, "query": q} for n, q in statements.items()],
    }
    done = subprocess.run(
        ["node", "lint.mjs"],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=LINTER,
        check=False,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def lint(statements: dict[str, str]) -> dict[str, list[str]]:
    """Problems per statement name: errors, and warnings about labels/types we do not know.

    The analyser is single-threaded and takes about a fifth of a second per statement: the
    statements are shared out among one linter process per core."""
    if not (LINTER / "node_modules").is_dir():
        pytest.fail("The Cypher linter is not installed: run `make install` (needs Node.js 20+).")
    names = list(statements)
    shares = max(1, min(os.cpu_count() or 1, len(names) // 50))
    chunks = [{n: statements[n] for n in names[i::shares]} for i in range(shares)]
    with ThreadPoolExecutor(shares) as pool:
        results = [r for chunk in pool.map(_run_linter, chunks) for r in chunk]
    problems: dict[str, list[str]] = {}
    for result in results:
        found = [
            f"line {d['line']}:{d['column']}: {d['message']}"
            for d in result["diagnostics"]
            if d["severity"] == 1
            or (
                any(m in d["message"] for m in UNKNOWN_NAME)
                and d["message"].startswith(("Label ", "Relationship type "))
            )
        ]
        if found:
            problems[result["name"]] = found
    return problems


def test_every_statement_is_valid_neo4j_5_cypher() -> None:
    statements = project_statements()
    names = {s.name for s in statements}
    # The collector reaches every graph module and the schema DDL, not just what tests imported.
    assert {"search.nodes", "entities.upsert.Community", "system.clear_batch"} <= names
    # One step per index and the full-text one; per natural key the old index dropped and the
    # index kept when duplicates stop the constraint; per unique rule the duplicates' read.
    unique = sum(s.kind == "unique" for s in SCHEMA.indexes)
    expected = len(SCHEMA.indexes) + 1 + 2 * len(NATURAL_KEYS) + unique
    assert sum(n.startswith("schema.") for n in names) == expected
    problems = lint({s.name: s.render(NEO4J) for s in statements})
    assert problems == {}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("MATCH (v:Volunteer) RETRN v", "Invalid input 'RETRN'"),
        ("MATCH (a:Community), (b:Community) RETURN distance(a.location, b.location)",
         "Function distance is not present"),
        ("CALL db.idx.fulltext.queryNodes('Searchable', $q) YIELD node RETURN node",
         "Procedure db.idx.fulltext.queryNodes is not present"),
        ("MATCH (v:Volunter) RETURN v", "Label Volunter is not present"),
        ("MATCH (v:Volunteer)-[:HAS_SKIL]->(s:Skill) RETURN v", "HAS_SKIL is not present"),
    ],
)  # fmt: skip
def test_the_check_catches_a_broken_statement(template: str, expected: str) -> None:
    problems = lint({"broken": dynamic("broken", template).render(NEO4J)})
    assert expected in " ".join(problems.get("broken", []))


def test_the_neo4j_spellings_from_the_dialect_pass() -> None:
    ok = Statement(
        "ok",
        "MATCH (a:Community), (b:Community) WHERE a.id = $a AND b.id = $b "
        "AND $$within(a.location, b.location, 5000) "
        "RETURN $$distance(a.location, b.location) AS m, $$now AS at",
    )
    search = Statement(
        "search", "CALL $$fulltext_nodes('Searchable', $q) YIELD node, score RETURN node, score"
    )
    assert lint({"ok": ok.render(NEO4J), "search": search.render(NEO4J)}) == {}
    assert "point.distance" in ok.render(NEO4J)
    assert "asin(sqrt(" in ok.render(FALKORDB)  # the haversine, written out in double precision
    assert "point.distance" not in ok.render(FALKORDB)
