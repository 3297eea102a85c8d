"""Collect every Cypher statement the project can send, for the two fidelity checks."""

from __future__ import annotations

import importlib
import pkgutil

import graph
from graph.cypher import Statement, registered
from graph.dialect import NEO4J
from graph.schema import SCHEMA


def project_statements() -> list[Statement]:
    """All registered statements of the ``graph`` package plus the Neo4j schema DDL.

    Importing every module registers its constants; test modules' own statements are left out
    (they are checked by running them).
    """
    for module in pkgutil.walk_packages(graph.__path__, prefix="graph."):
        importlib.import_module(module.name)
    statements = {s.name: s for s in registered() if not s.name.startswith("test.")}
    for step in NEO4J.schema_ddl(SCHEMA):
        assert isinstance(step.step, Statement)
        statements[step.step.name] = step.step
    return list(statements.values())
