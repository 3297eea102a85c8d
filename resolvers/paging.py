"""Relay pagination arguments -> a graph ``Window``, with the limits every list shares."""

from __future__ import annotations

from api.errors import BadUserInput
from api.ids import DEFAULT_PAGE, MAX_PAGE, from_cursor
from graph.model.entities import Window


def window(first: int | None, after: str | None, last: int | None, before: str | None) -> Window:
    for name, value in (("first", first), ("last", last)):
        if value is not None and not 0 <= value <= MAX_PAGE:
            raise BadUserInput(
                f"`{name}` must be between 0 and {MAX_PAGE}; page through longer lists with "
                "`after`/`before`."
            )
    start = from_cursor(after) + 1 if after is not None else 0
    stop = from_cursor(before) if before is not None else None
    if first is None and last is None:
        first = DEFAULT_PAGE
    return Window(start=start, stop=stop, first=first, last=last)
