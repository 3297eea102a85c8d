"""Merging duplicates (``merge<Family>``): an administrator's step, derived per mergeable family
from its declaration (``graph.workflows.merging``).

The ids are global ids of the family's type: another family's id, a malformed id or the same id
twice is ``BAD_USER_INPUT`` before the graph is asked; what the graph refuses comes back as
``NOT_FOUND`` or ``CONFLICT`` with a stable ``extensions.reason`` (``SURVIVOR_STALE``,
``ALREADY_MERGED``…: docs/REGISTRATION.md "Merging duplicates"). Nothing is written on any
refusal. The audit entry names both ids.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from access import tokens
from api.errors import BadUserInput, Conflict, NotFound
from api.ids import from_global_id, to_global_id
from graph.model.family import Family
from graph.model.registry import family_named
from graph.queries import duplicates
from graph.workflows import Done
from graph.workflows import merging as graph
from resolvers.context import Info
from resolvers.registration import snake
from resolvers.steps import request as _request


def _version(name: str, value: int) -> int:
    if value < 0:
        raise BadUserInput(f"`{name}` must be the `version` you read (0 or more).", field=name)
    return value


async def merge(
    info: Info,
    key: str | None,
    family: Family,
    survivor_id: str,
    duplicate_id: str,
    survivor_version: int,
    duplicate_version: int,
) -> Done:
    survivor = from_global_id(survivor_id, expect=family.label)[1]
    duplicate = from_global_id(duplicate_id, expect=family.label)[1]
    if survivor == duplicate:
        raise BadUserInput(
            f"The survivor and the duplicate are the same {family.label}; name two records.",
            field="duplicate",
            reason="SAME",
        )
    trail = info.context.access.mutations.get(info.path.key)
    if trail is not None:
        trail.ids = list(dict.fromkeys([*trail.ids, survivor, duplicate]))
    versions = (
        _version("survivorVersion", survivor_version),
        _version("duplicateVersion", duplicate_version),
    )
    request = _request(
        info, f"merge{family.label}", key, survivor=survivor, duplicate=duplicate,
        versions=list(versions),
    )  # fmt: skip
    try:
        done = await graph.merge(
            info.context.store,
            request,
            family,
            survivor,
            duplicate,
            versions=versions,
            revoked_at=time.time(),
            keep_s=tokens.revocation_kept_s(info.context.settings),
        )
    except graph.MergeNotFound as error:
        raise NotFound(str(error), reason=error.reason) from None
    except graph.MergeRefused as error:
        raise Conflict(str(error), reason=error.reason) from None
    # The duplicate's standing changed (merged, its tokens revoked): this process reads it
    # afresh, the others as soon as they hear of it (web/gate.py Identities.follow).
    await info.context.request.app.state.identities.changed(info.context.store)
    return done


def resolver(label: str) -> Callable[..., Awaitable[Done]]:
    """``merge_volunteer(info, key, *, survivor, duplicate, survivor_version,
    duplicate_version)``: the step for one family, named as its mutation."""
    family = family_named(label)

    async def run(info: Info, key: str | None, **kwargs: Any) -> Done:
        return await merge(
            info,
            key,
            family,
            kwargs["survivor"],
            kwargs["duplicate"],
            kwargs["survivor_version"],
            kwargs["duplicate_version"],
        )

    run.__name__ = f"merge_{snake(label)}"
    return run


# --- what a tombstone points at, and what may need merging ---------------------------------------


async def merged_into(info: Info, label: str, key: str) -> str | None:
    """The global id of the record ``key`` was merged into, or None: for a live record, and for a
    tombstone whose survivor the viewer may not see. The two read alike, so the answer tells no
    one who may not see the survivor that a record was merged (a resident's tombstone shows no
    status). Administrators see every survivor."""

    async def load(keys: list[str]) -> list[str | None]:
        found = await duplicates.survivors(info.context.store, label, list(keys))
        return [found.get(k) for k in keys]

    survivor = await info.context.loaders.custom(("mergedInto", label), load).load(key)
    if survivor is None:
        return None
    access = info.context.access
    if access.viewer.role is not tokens.Role.ADMIN:
        scope = await access.rows(label)
        if not await access.admits(label, scope, survivor, None):
            return None
    return to_global_id(label, survivor)


def _family(name: str) -> str:
    """The family an administrator lists candidates of: one of the mergeable ones, by its
    GraphQL type name (BAD_USER_INPUT otherwise)."""
    if name not in graph.MERGEABLE:
        raise BadUserInput(
            f"`family` must be one of the families that can be merged: "
            f"{', '.join(graph.MERGEABLE)}; {name!r} is not.",
            field="family",
        )
    return name


async def duplicate_candidates(info: Info, family: str) -> list[duplicates.Candidate]:
    """Pairs of active records of ``family`` sharing a natural key or a normalised phone."""
    return await duplicates.candidates(info.context.store, _family(family))
