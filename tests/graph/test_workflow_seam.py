"""The event seam has one door: only the workflow runner emits, and every workflow goes through it.

Together with ``tests/api/test_events.py`` (which checks what is emitted when) this keeps "every
successful write emits one event" true for workflows added later: a step that wrote without the
runner, or a second place that emits, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import graph.workflows

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("access", "graph", "resolvers", "schema", "seeds", "web", "bench")
WORKFLOWS = Path(graph.workflows.__file__).parent
MACHINERY = {"__init__.py", "guards.py", "runner.py"}


def _sources() -> list[Path]:
    files = [ROOT / "app.py", ROOT / "cli.py"]
    for package in PACKAGES:
        files.extend(sorted((ROOT / package).rglob("*.py")))
    return [f for f in files if f.exists()]


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    def named(func: ast.expr) -> bool:
        return (isinstance(func, ast.Name) and func.id == name) or (
            isinstance(func, ast.Attribute) and func.attr == name
        )

    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and named(n.func)]


def test_only_the_workflow_runner_emits_events() -> None:
    emitting = {
        f.relative_to(ROOT).as_posix()
        for f in _sources()
        if f.name != "events.py" and _calls(ast.parse(f.read_text()), "emit")
    }
    assert emitting == {"graph/workflows/runner.py"}


def test_every_workflow_step_goes_through_the_runner_with_the_change_it_makes() -> None:
    steps = set()
    for module in sorted(WORKFLOWS.glob("*.py")):
        if module.name in MACHINERY:
            continue
        tree = ast.parse(module.read_text())
        for fn in tree.body:
            if isinstance(fn, ast.AsyncFunctionDef) and not fn.name.startswith("_"):
                performs = _calls(fn, "perform")
                assert len(performs) == 1, f"{module.name}:{fn.name} runs no single step"
                assert any(k.arg == "change" for k in performs[0].keywords), fn.name
                steps.add(fn.name)
    exported = {n for n in graph.workflows.__all__ if n[0].islower()} - {"new_id", "now", "perform"}
    assert steps == exported
