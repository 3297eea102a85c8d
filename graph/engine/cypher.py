"""Cypher statements as named, registered objects.

Every statement the project can send is a :class:`Statement`, created either as a module-level
constant or by a builder function decorated with :func:`builder` (which records example
arguments). That registry is what the Neo4j lint walks, so "every statement we can send" is a
fact the test suite can check rather than a hope.

Templates are shared by both engines. Where the engines differ, a template uses a macro,
``$$name`` (never valid Cypher on its own, so it cannot clash with a ``$parameter``); the dialect
replaces it when the statement is rendered.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ParamSpec

if TYPE_CHECKING:
    from graph.engine.dialect import Dialect

MACRO = re.compile(r"\$\$([a-z_]+)")

_REGISTRY: dict[str, Statement] = {}
_BUILDERS: list[
    tuple[Callable[..., Statement | list[Statement]], Callable[[], Iterable[Mapping[str, Any]]]]
] = []

P = ParamSpec("P")


@dataclass(frozen=True)
class Statement:
    """One Cypher statement: a stable name (for logs and lint reports) and its template."""

    name: str
    template: str
    _rendered: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def render(self, dialect: Dialect) -> str:
        cached = self._rendered.get(dialect.name)
        if cached is None:
            cached = dialect.render(self.template)
            self._rendered[dialect.name] = cached
        return cached


def cypher(name: str, template: str) -> Statement:
    """Declare a fixed statement and register it for the lint. Names are unique."""
    if name in _REGISTRY and _REGISTRY[name].template != template:
        raise ValueError(f"Two different statements are named {name}.")
    statement = Statement(name, template)
    _REGISTRY[name] = statement
    return statement


def dynamic(name: str, template: str) -> Statement:
    """A statement built at run time (by a :func:`builder`); not registered by itself."""
    return Statement(name, template)


def builder(
    *examples: Mapping[str, Any],
    each: Callable[[], Iterable[Mapping[str, Any]]] | None = None,
) -> Callable[[Callable[P, Statement | list[Statement]]], Callable[P, Statement | list[Statement]]]:
    """Mark a function that builds statements; the lint calls it with each example's arguments.

    The examples should reach every branch of the builder (each optional clause, each label).
    ``each`` computes examples when the lint runs, for builders driven by the data model (whose
    declarations may be imported after the builder).

    The builder is cached: its arguments are labels, declarations and flags, a handful of
    combinations, and the same statement object keeps its rendering per dialect.
    """

    def register(
        fn: Callable[P, Statement | list[Statement]],
    ) -> Callable[P, Statement | list[Statement]]:
        cached = functools.cache(fn)
        fixed = list(examples)
        _BUILDERS.append((cached, (lambda: [*fixed, *(each() if each else [])])))
        return cached  # type: ignore[return-value]

    return register


def over(name: str, values: Iterable[Any]) -> Callable[[], Iterator[dict[str, Any]]]:
    """``each`` for a builder of one argument ``name``: one example per value of a collection
    (a module's table of labels, scopes or relationships), read when the lint runs."""
    return lambda: ({name: value} for value in values)


def registered() -> Iterator[Statement]:
    """Every statement the project can send: the fixed ones and each builder's examples."""
    yield from _REGISTRY.values()
    for fn, examples in _BUILDERS:
        for kwargs in examples():
            built = fn(**kwargs)
            yield from built if isinstance(built, list) else [built]
