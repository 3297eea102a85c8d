"""Opaque global ids and cursors, and the page sizes every list shares.

A global id is ``base64url("<Type>:<key>")`` without padding, where ``<key>`` is the entity's id in
the graph (also shown as ``key``). Clients must treat ids and cursors as opaque strings.

Cursors are offsets into the sorted list, opaque to clients. They stay valid while the list does
not change; after an insert a client may see an item twice or miss one, as with any offset
pagination. (Keyset cursors would cost an index per sort key on both engines; offsets keep every
sort cheap and ``last``/``before`` exact.)
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

from api.errors import BadUserInput
from graph.engine.labels import ENTITY_LABELS

MAX_PAGE = 100
DEFAULT_PAGE = 20
MAX_KEY_LENGTH = 200
_CURSOR_PREFIX = "o:"


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(text: str) -> str:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")


def to_global_id(type_name: str, key: str) -> str:
    """The global id of the entity ``key`` of ``type_name`` (a GraphQL ``ID``)."""
    return _b64(f"{type_name}:{key}")


def from_global_id(value: str, *, expect: str | Iterable[str] | None = None) -> tuple[str, str]:
    """``(type, key)`` of a global id; a malformed or foreign id is the caller's mistake."""
    try:
        if len(value) > 4 * MAX_KEY_LENGTH:
            raise ValueError
        type_name, key = _unb64(value).split(":", 1)
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInput(
            f"{value[:40]!r} is not an id from this API; use the `id` of an object it returned."
        ) from None
    if type_name not in ENTITY_LABELS or not key or len(key) > MAX_KEY_LENGTH:
        raise BadUserInput(
            f"{value[:40]!r} is not an id from this API; use the `id` of an object it returned."
        )
    if expect is not None:
        allowed = {expect} if isinstance(expect, str) else set(expect)
        if type_name not in allowed:
            raise BadUserInput(
                f"The id {value[:40]!r} is a {type_name}, but a {' or '.join(sorted(allowed))} "
                "id is expected here."
            )
    return type_name, key


def key_of(value: str | None, expect: str) -> str | None:
    """The graph key behind an optional global id argument of type ``expect``."""
    return None if value is None else from_global_id(value, expect=expect)[1]


def to_cursor(offset: int) -> str:
    return _b64(f"{_CURSOR_PREFIX}{offset}")


def from_cursor(cursor: str) -> int:
    try:
        text = _unb64(cursor)
        if not text.startswith(_CURSOR_PREFIX):
            raise ValueError
        offset = int(text[len(_CURSOR_PREFIX) :])
        if offset < 0:
            raise ValueError
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInput(
            "The cursor is not one this API gave out; use `endCursor`/`startCursor` from pageInfo."
        ) from None
    return offset
