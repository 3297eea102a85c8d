"""What every mutation resolver does first: the workflow request it sends (the caller's
idempotency key checked, the acting viewer recorded) and the graph key of an id it was given."""

from __future__ import annotations

from typing import Any

from api.errors import BadUserInput
from api.ids import from_global_id
from graph.workflows import Request
from resolvers.context import Info


def checked_key(value: str | None) -> str | None:
    if value is not None and not 1 <= len(value) <= 200:
        raise BadUserInput("`idempotencyKey` must be 1–200 characters (a UUID is ideal).")
    return value


def request(info: Info, operation: str, key: str | None, **inputs: Any) -> Request:
    """The workflow step's request, recorded as done by the caller of the token."""
    return Request(operation, inputs, checked_key(key), by=info.context.viewer.actor)


def entity_key(value: str, label: str, name: str) -> str:
    """The graph key of a required global id of ``label`` given as argument ``name``."""
    if not value:
        raise BadUserInput(f"`{name}` is required.")
    return from_global_id(value, expect=label)[1]
