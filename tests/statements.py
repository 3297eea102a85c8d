"""Collect every Cypher statement the project can send, for the two fidelity checks."""

from __future__ import annotations

import importlib
import pkgutil

import bench
import graph
from graph.engine.cypher import Statement, registered
from graph.engine.dialect import NEO4J
from graph.engine.indexes import NATURAL_KEYS, SCHEMA


def project_statements() -> list[Statement]:
    """All registered statements of the ``graph`` and ``bench`` packages plus the Neo4j DDL.

    Importing every module registers its constants; test modules' own statements are left out
    (they are checked by running them).
    """
    for package in (graph, bench):
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
            importlib.import_module(module.name)
    statements = {s.name: s for s in registered() if not s.name.startswith("test.")}
    fallbacks = [d for s in NATURAL_KEYS for d in NEO4J.without_constraint(s)]
    for step in [*NEO4J.schema_ddl(SCHEMA), *fallbacks]:
        assert isinstance(step.step, Statement)
        statements[step.step.name] = step.step
    return list(statements.values())
