"""The families' ``filter:`` inputs read into graph conditions, one declaration per family.

Every family's filter input is read the same way: ids of other entities, any-of lists, single
values, flags, ranges and ``near`` each become the condition of the same name (see
``graph.model``'s ``Family.conditions``). A :class:`FilterReading` says which fields of the input
are which; the label an id must carry is the one its graph condition matches
(``Family.references``), so it is declared once, in the graph model. What one family reads in its
own way (a resident's ages, a record's verified state) stays written out in its resolver module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.model import entities
from resolvers.filters import Where

Conditions = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Range:
    """Two fields bounding one value; an empty range (low above high) is refused, naming
    ``what``. ``conditions`` names the graph's conditions when they differ from the fields."""

    low: str
    high: str
    what: str
    conditions: tuple[str, str] | None = None


@dataclass(frozen=True)
class FilterReading:
    """Which fields of family ``label``'s filter input are which kind of condition.

    Conditions are collected in the order that decides which error a bad input meets first:
    ids (a malformed or foreign id), then ranges, then ``near`` (whose checks come last).
    """

    label: str
    ids: tuple[str, ...] = ()  # global ids of the entity the condition of that name matches
    any_of: tuple[str, ...] = ()  # lists: any of the values (an empty list is no filter)
    equal: tuple[str, ...] = ()  # single values, enums compared by their stored value
    flags: tuple[str, ...] = ()  # booleans: the condition applies when true
    ranges: tuple[Range, ...] = ()
    near: bool = False

    def read(self, f: Any) -> Where:
        """The conditions of input ``f`` (not None), open for a family's own additions."""
        references = entities.family_named(self.label).references
        where = Where()
        for name in self.ids:
            where.id(name, getattr(f, name), references[name][0])
        for name in self.any_of:
            where.values(name, getattr(f, name))
        for name in self.equal:
            where.value(name, getattr(f, name))
        for name in self.flags:
            where.flag(name, getattr(f, name))
        for r in self.ranges:
            low, high = r.conditions or (r.low, r.high)
            where.range(low, getattr(f, r.low), high, getattr(f, r.high), r.what)
        if self.near:
            where.near(f.near)
        return where

    def __call__(self, f: Any) -> Conditions:
        """A family's ``*_where``: no input, no conditions."""
        return {} if f is None else self.read(f).done()
