"""Registration: create, update, deactivate and reactivate the records users keep, for every
kept family.

One generic resolver per step, made for each family (:func:`resolver`), reads the family's one
declaration (``graph.model``): which fields may be written and by whom, which a create needs,
how each is checked (``Prop.check``: the same normalisers the spreadsheet import uses, so a
phone or an ID number is accepted by the API exactly when an import accepts it) and the ties it
sets. Everything that needs no graph is checked here and answers ``BAD_USER_INPUT`` naming the
field (``extensions.field``) before the graph is touched, or ``FORBIDDEN`` naming a field the
caller may not write; the rest (duplicates, stale versions, unknown ids) in the step's one
statement (``graph/workflows/registration.py``).

A resident's ID-card number is checked (18 characters, its check character, a possible birth
date) and kept only as its keyed hash and last four characters, as the import keeps it
(``intake.identity``); the number itself is never stored, logged or audited. The audit entry of
each change lists the fields it gave (``input.phone``), never their values.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any

from strawberry import UNSET

from access import policy, tokens
from access.acts import may_write
from access.tokens import Role
from api.errors import BadUserInput, Conflict, Forbidden
from api.ids import from_global_id, to_global_id
from graph import workflows
from graph.model.family import Family, Prop, Tie, camel
from graph.model.registry import family_named
from graph.model.text import search_text
from graph.workflows import Done, new_id
from graph.workflows import registration as graph
from intake import identity, normalize

if TYPE_CHECKING:
    pass
from resolvers.context import Info
from resolvers.steps import request as _request

MAX_TEXT = 200
LONG_TEXT = {"description": 2_000, "address": 500}

# ``Prop.check`` -> the normaliser of its input (``intake``'s: an import and the API agree).
ID_CARD = "id_card"


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def field_name(prop: Prop) -> str:
    """The input field (Python name) a writable property is given as: its own name, but the
    ID-card number for the hash kept of it."""
    return "id_card_number" if prop.check == ID_CARD else snake(prop.name)


def tie_field(tie: Tie) -> str:
    """``skills`` is given as ``skill_ids``, ``community`` as ``community_id``."""
    if tie.single:
        return f"{snake(tie.name)}_id"
    one = re.sub(r"ies$", "y", tie.name) if tie.name.endswith("ies") else tie.name.removesuffix("s")
    return f"{snake(one)}_ids"


def graphql_name(python: str) -> str:
    return camel(python)


def _bad(field: str, message: str) -> BadUserInput:
    return BadUserInput(f"`{graphql_name(field)}`: {message}", field=graphql_name(field))


# --- checking an input ---------------------------------------------------------------------


def _text(prop: Prop, name: str, value: str) -> str:
    text = value.strip()
    limit = LONG_TEXT.get(prop.name, MAX_TEXT)
    if not 1 <= len(text) <= limit:
        raise _bad(name, f"must be 1–{limit} characters.")
    return text


def _checked(info: Info, prop: Prop, name: str, value: Any, props: dict[str, Any]) -> None:
    """A value with its own normaliser (``Prop.check``); an ID-card number becomes its keyed
    hash and last four characters (the message of a bad one never repeats it)."""
    try:
        if prop.check == ID_CARD:
            card = identity.id_card(value)
            props[prop.name] = card.keyed_hash(str(info.context.settings.id_hash_key))
            props["idLast4"] = card.last4
        else:
            props[prop.name] = identity.CHECKS[str(prop.check)](value)
    except normalize.Bad as bad:
        raise _bad(name, bad.en) from None


def _value(info: Info, prop: Prop, name: str, value: Any, props: dict[str, Any]) -> None:
    """Check one given property and put what is stored of it in ``props``."""
    if prop.check is not None:
        _checked(info, prop, name, value, props)
    elif prop.kind == "text":
        props[prop.name] = _text(prop, name, value)
    elif prop.kind == "int":
        low, high = prop.bounds or (0, 1_000_000_000)
        if not low <= value <= high:
            raise _bad(name, f"must be between {low} and {high}.")
        props[prop.name] = value
    elif prop.kind == "enum":
        props[prop.name] = value.value
    elif prop.kind == "enum list":
        props[prop.name] = list(dict.fromkeys(v.value for v in value))
    elif prop.kind == "text list":
        props[prop.name] = list(dict.fromkeys(_text(prop, name, v) for v in value))
    elif prop.kind == "point":
        if not (-90 <= value.latitude <= 90 and -180 <= value.longitude <= 180):
            raise _bad(name, "latitude must be -90 to 90 and longitude -180 to 180 degrees.")
    else:  # bool, float, date, datetime: the scalars checked them
        props[prop.name] = value


def _field(data: Any, name: str, *, required: bool) -> Any:
    """An input field's value (None when left out; a required one may not be)."""
    value = getattr(data, name, None)
    if value is None and required:
        raise _bad(name, "is required.")
    return None if value is UNSET else value


def _cleared(data: Any, name: str, *, creating: bool, required: bool) -> bool:
    """Whether an update gives the field as an explicit null: it clears an optional field; a
    required one cannot be cleared (``BAD_USER_INPUT`` naming it, nothing written)."""
    if creating or getattr(data, name, UNSET) is not None:
        return False
    if required:
        raise _bad(name, "is required: it cannot be cleared.")
    return True


def _ties(family: Family, data: Any, *, creating: bool) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for tie in family.ties:
        name = tie_field(tie)
        value = _field(data, name, required=creating and tie.required)
        if _cleared(data, name, creating=creating, required=tie.required):
            found[tie.name] = []  # a null tie removes its relationships
            continue
        if value is None:
            continue
        values = [value] if tie.single else list(value)
        if tie.required and not values:
            raise _bad(name, "must name at least one.")
        if len(values) > 50:
            raise _bad(name, "names at most 50.")
        found[tie.name] = list(
            dict.fromkeys(from_global_id(v, expect=tie.target)[1] for v in values)
        )
    return found


async def _record(
    info: Info, family: Family, data: Any, *, creating: bool
) -> tuple[graph.Record, list[str]]:
    """The checked record an input gives, and the input fields given (for the audit)."""
    viewer = info.context.viewer
    props: dict[str, Any] = {}
    given: list[str] = []
    latitude = longitude = None
    for prop in family.writable:
        name = field_name(prop)
        value = _field(data, name, required=creating and prop.required)
        cleared = _cleared(data, name, creating=creating, required=prop.required)
        if value is None and not cleared:
            continue
        if not may_write(viewer, prop.write or "staff"):
            raise Forbidden(f"You may not change `{graphql_name(name)}` of this record.")
        given.append(name)
        if cleared:
            props[prop.name] = None
            if prop.check == ID_CARD:
                props["idLast4"] = None
            continue
        _value(info, prop, name, value, props)
        if prop.kind == "point":
            latitude, longitude = value.latitude, value.longitude
    ties = _ties(family, data, creating=creating)
    for tie in family.ties:
        if tie.name in ties:
            if not may_write(viewer, tie.write):
                raise Forbidden(f"You may not change `{graphql_name(tie_field(tie))}`.")
            given.append(tie_field(tie))
    await _within_coverage(info, family, ties)
    _own_organization(info, family, ties)
    if not given:
        raise BadUserInput("Nothing to change: give at least one field.")
    named = [props.get(camel(n)) for n in family.searchable]
    changed = creating or any(camel(n) in props for n in family.searchable)
    search = search_text(*named) if family.searchable and changed else None
    return graph.Record(props, ties, latitude, longitude, search), given


async def _within_coverage(info: Info, family: Family, ties: Mapping[str, list[str]]) -> None:
    """A social worker places a record only in communities they cover."""
    if info.context.viewer.role is not Role.SOCIAL_WORKER:
        return
    covered = (await info.context.access.grants()).communities
    for tie in family.ties:
        if tie.target == "Community" and not set(ties.get(tie.name, ())) <= covered:
            raise Forbidden(f"`{graphql_name(tie_field(tie))}` names a community you do not cover.")


def _own_organization(info: Info, family: Family, ties: Mapping[str, list[str]]) -> None:
    """A partner names only itself as the organization running or offering a record (a
    project, a resource): it keeps its own, and gives nothing to another."""
    viewer = info.context.viewer
    if viewer.role is not Role.PARTNER:
        return
    for tie in family.ties:
        owner = tie.direction == "in" and tie.target == "Organization"
        if owner and tie.name in ties and set(ties[tie.name]) != {viewer.subject}:
            raise Forbidden(
                f"`{graphql_name(tie_field(tie))}` may name only your own organization."
            )


def _version(value: int) -> int:
    if value < 0:
        raise _bad("version", "must be the `version` you read (0 or more).")
    return value


def _audit(info: Info, fields: list[str], *ids: str) -> None:
    """The mutation's audit entry lists the input fields given, never their values."""
    trail = info.context.access.mutations.get(info.path.key)
    if trail is not None:
        trail.arguments = sorted({*trail.arguments, *(f"input.{graphql_name(f)}" for f in fields)})
        trail.ids = list(dict.fromkeys([*trail.ids, *ids]))


async def _conflict(info: Info, error: graph.AlreadyRegistered) -> Conflict:
    """The duplicate named by its global id when the caller may read it *and its natural key*;
    otherwise only that one exists. The key a caller typed (an ID-card number, a volunteer
    number) is a protected field: naming the row that holds it would read that field on a row
    the caller sees de-identified, and tie a person's identity to its community, age band and
    tags (the attacker's probe: a social worker of another community)."""
    access = info.context.access
    scope = await access.rows(error.label)
    if await access.admits(error.label, scope, error.existing, None) and await _reads_key(
        info, error.label, error.existing
    ):
        existing = to_global_id(error.label, error.existing)
        return Conflict(
            f"This {error.label} is already registered as {existing}; update that record.",
            existing=existing,
        )
    return Conflict(
        f"This {error.label} is already registered, in a record you may not see; ask whoever "
        "keeps it (the covering social worker, or an administrator) to update it."
    )


async def _reads_key(info: Info, label: str, key: str) -> bool:
    """Whether the caller may read every natural-key field of the row ``key``."""
    seen_as = await info.context.access.view(label, key)
    return all(policy.may_read(label, name, seen_as) for name in family_named(label).natural_key)


# --- the four steps ------------------------------------------------------------------------


async def create(info: Info, key: str | None, family: Family, data: Any) -> Done:
    record, given = await _record(info, family, data, creating=True)
    _audit(info, given)
    request = _request(
        info, f"create{family.label}", key, props=record.props, ties=record.ties,
        at=[record.latitude, record.longitude],
    )  # fmt: skip
    new = new_id(snake(family.label).replace("_", "-"))
    try:
        done = await graph.create(
            info.context.store, request, family, new, record, workflows.now().date()
        )
    except graph.AlreadyRegistered as error:
        raise await _conflict(info, error) from None
    _audit(info, [], done.result)
    return done


async def update(
    info: Info, key: str | None, family: Family, id: str, version: int, data: Any
) -> Done:
    target = from_global_id(id, expect=family.label)[1]
    record, given = await _record(info, family, data, creating=False)
    _audit(info, given, target)
    request = _request(
        info, f"update{family.label}", key, id=target, version=version, props=record.props,
        ties=record.ties, at=[record.latitude, record.longitude],
    )  # fmt: skip
    try:
        return await graph.update(
            info.context.store,
            request,
            family,
            target,
            _version(version),
            record,
            workflows.now().date(),
        )
    except graph.AlreadyRegistered as error:
        raise await _conflict(info, error) from None


async def deactivate(info: Info, key: str | None, family: Family, id: str, version: int) -> Done:
    target = from_global_id(id, expect=family.label)[1]
    _audit(info, [], target)
    request = _request(info, f"deactivate{family.label}", key, id=target, version=version)
    done = await graph.deactivate(info.context.store, request, family, target, _version(version))
    # The subject's tokens stop working here at once, in the other processes on the graph as
    # soon as they hear of it (web/gate.py Identities.follow), as after a revocation.
    await info.context.request.app.state.identities.changed(info.context.store)
    return done


async def reactivate(info: Info, key: str | None, family: Family, id: str, version: int) -> Done:
    """Undo a deactivation. A subject who signs in (a volunteer, a social worker, a partner)
    does so again: every token issued to them until now is revoked in the same statement, so
    none from before the deactivation comes back to life with the status (docs/REGISTRATION.md
    "Reactivation")."""
    target = from_global_id(id, expect=family.label)[1]
    _audit(info, [], target)
    request = _request(info, f"reactivate{family.label}", key, id=target, version=version)
    done = await graph.reactivate(
        info.context.store,
        request,
        family,
        target,
        _version(version),
        revoked_at=time.time(),
        keep_s=tokens.revocation_kept_s(info.context.settings),
    )
    # The subject's standing changed: every process reads it afresh (web/gate.py
    # Identities.follow), for the revocation and the status alike.
    await info.context.request.app.state.identities.changed(info.context.store)
    return done


def resolver(action: str, label: str) -> Callable[..., Awaitable[Done]]:
    """``create_volunteer(info, key, *, input)``, ``update_volunteer(info, key, *, id, version,
    input)``, ``deactivate_volunteer(info, key, *, id, version)``, ``reactivate_volunteer(info,
    key, *, id, version)``: the step for one family, named as its mutation."""
    family = family_named(label)

    async def run(info: Info, key: str | None, **kwargs: Any) -> Done:
        if action == "create":
            return await create(info, key, family, kwargs["input"])
        if action == "update":
            return await update(info, key, family, kwargs["id"], kwargs["version"], kwargs["input"])
        if action == "reactivate":
            return await reactivate(info, key, family, kwargs["id"], kwargs["version"])
        return await deactivate(info, key, family, kwargs["id"], kwargs["version"])

    run.__name__ = f"{action}_{snake(label)}"
    return run
