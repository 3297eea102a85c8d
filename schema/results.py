"""Building a GraphQL result type from the graph or domain result it presents.

The result types (gap surveys, statistics, network pieces, match proposals) mirror the records
``graph.queries`` and ``domain`` return, field for field under the same names. Spelling out
``name=found.name`` for each field declared every type a second time and buried the few fields
that are renamed or converted; :func:`copied` takes the same-named ones and leaves only those to
be written.
"""

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def copied(cls: type[T], found: object, /, **given: Any) -> T:
    """``cls`` with ``given`` as written and each other field it takes read from ``found``'s
    attribute of the same name (a missing one is an error, as a forgotten argument would be).

    Fields computed by a resolver (``init=False``) are not taken: the type computes them. The
    first two arguments are positional-only so that no field's name can clash with them."""
    taken = {
        f.name: getattr(found, f.name)
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.init and f.name not in given
    }
    return cls(**taken, **given)
