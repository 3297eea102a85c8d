"""Permission classes: where the schema asks ``policy`` before a field is read or a change made.

- :class:`Protected` guards each field listed in ``policy.FIELD_VIEWS``; :func:`protect` attaches
  it to every such field of every entity type when the schema is built, so a field can't be
  declared and forgotten (a guard test checks the table against the schema).
- :class:`MayAct` guards each mutation: it reads what the mutation acts on (the need's community,
  the resource's owner…) and asks ``acts.decide``; every attempt, allowed or not, is noted
  for the audit log.
- :class:`Roles` limits a root field to some roles (the matching queries).

Denials raise ``Forbidden`` with the policy's reason, so the field is null and the error says
why, with ``extensions.code`` FORBIDDEN.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.base import StrawberryOptional
from strawberry.types.private import is_private

from access import acts, policy
from access.acts import Act, Target
from access.tokens import Role
from api.errors import Forbidden
from api.ids import from_global_id
from graph.access import facts as graph_access
from graph.model.entities import camel
from resolvers.access import MutationTrail


class Protected(BasePermission):
    """One protected field of one family: readable only in the views the policy lists."""

    def __init__(self, label: str, field_name: str) -> None:
        self.label = label
        self.field_name = field_name

    async def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        access = info.context.access
        seen_as = await access.view(self.label, source.key)
        if not policy.may_read(self.label, self.field_name, seen_as):
            raise Forbidden(policy.field_denial(self.label, self.field_name, seen_as))
        access.read(self.label, source.key, self.field_name)
        return True


def protect(types: Iterable[type]) -> None:
    """Attach :class:`Protected` to every field ``policy.FIELD_VIEWS`` names, on ``types``."""
    for cls in types:
        definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
        label = definition.name
        protected = policy.FIELD_VIEWS.get(label, {})
        for field in definition.fields:
            name = field.graphql_name or camel(field.python_name)
            if name not in protected or is_private(field.type):
                continue  # a private field is no field of the schema (a resolver's input)
            if not isinstance(field.type, StrawberryOptional):
                raise TypeError(f"{label}.{name} is protected, so it must be nullable.")
            if not any(isinstance(e, PermissionExtension) for e in field.extensions):
                field.extensions.append(
                    PermissionExtension([Protected(label, name)], use_directives=False)
                )


class Roles(BasePermission):
    """A root field only some roles may use."""

    def __init__(self, *roles: Role, reason: str) -> None:
        self.roles = frozenset(roles) | {Role.ADMIN}
        self.reason = reason

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        if info.context.viewer.role not in self.roles:
            raise Forbidden(self.reason)
        return True


def roles(*allowed: Role, reason: str) -> list[FieldExtension]:
    return [PermissionExtension([Roles(*allowed, reason=reason)], use_directives=False)]


def _argument(kwargs: dict[str, Any], path: str | None) -> Any:
    """``"input.resident"`` -> ``kwargs["input"].resident``."""
    if path is None:
        return None
    head, _, rest = path.partition(".")
    value = kwargs.get(head)
    return getattr(value, rest, None) if rest and value is not None else value


def _key(kwargs: dict[str, Any], path: str | None, label: str) -> str | None:
    value = _argument(kwargs, path)
    return None if not value else from_global_id(value, expect=label)[1]


def _keys(kwargs: dict[str, Any], path: str | None, label: str) -> frozenset[str]:
    """The ids at ``path``: one global id or a list of them."""
    value = _argument(kwargs, path)
    if not value:
        return frozenset()
    values = [value] if isinstance(value, str) else list(value)
    return frozenset(from_global_id(v, expect=label)[1] for v in values)


@dataclasses.dataclass(eq=False)  # compared and hashed by identity, as any permission
class MayAct(BasePermission):
    """A mutation's rule: ``act`` on the entity of label ``on`` named by the argument at
    ``on_arg``; ``volunteer``/``organization``/``need`` name the arguments the rule compares with
    the caller. Made by :func:`may`."""

    act: Act
    on: str | None = None
    on_arg: str | None = None
    volunteer: str | None = dataclasses.field(default=None, kw_only=True)
    organization: str | None = dataclasses.field(default=None, kw_only=True)
    need: str | None = dataclasses.field(default=None, kw_only=True)
    # The argument naming the communities a new record would be in (``Act.REGISTER``).
    communities: str | None = dataclasses.field(default=None, kw_only=True)

    async def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        access = info.context.access
        trail = MutationTrail(info.field_name, arguments=sorted(kwargs))
        access.mutations[info.path.key] = trail
        target_key = _key(kwargs, self.on_arg, self.on) if self.on else None
        volunteer = _key(kwargs, self.volunteer, "Volunteer")
        organization = _key(kwargs, self.organization, "Organization")
        need = _key(kwargs, self.need, "Need")
        named = _keys(kwargs, self.communities, "Community")
        trail.ids = [k for k in (target_key, volunteer, organization, need) if k]
        communities: frozenset[str] = frozenset()
        owners: frozenset[str] = frozenset()
        if self.on and target_key and info.context.viewer.role is not Role.ADMIN:
            found = await graph_access.target(info.context.store, self.on, target_key)
            if found is not None:
                communities, owners = found
        if self.on and target_key and info.context.viewer.role is not Role.ADMIN:
            await _within_rows(info, self.on, target_key, trail)
        target = Target(communities, owners, volunteer, organization, need, named)
        decision = acts.decide(info.context.viewer, await access.grants(), self.act, target)
        if not decision.allowed:
            trail.denied = True
            raise Forbidden(decision.reason)
        return True


async def _within_rows(info: Any, label: str, key: str, trail: MutationTrail) -> None:
    """A viewer who sees only some rows of a family acts only on those (and a volunteer on their
    family's needs, to spend credits on): anything else — hidden or nonexistent alike — is
    refused as ``node(id:)`` refuses it, before any rule could tell the two apart (NOT_FOUND
    against "not assigned")."""
    access = info.context.access
    scope = await access.rows(label)
    if scope is None:
        return
    grants = await access.grants()
    loader = info.context.loaders.entity(label)
    record = await loader.load(key)
    # Read for the check only: the payload reads the row as the change leaves it.
    loader.clear(key)
    if record is not None and (
        (label == "Need" and key in grants.family_needs)
        or await access.admits(label, scope, key, getattr(record, "status", None))
    ):
        return
    trail.denied = True
    raise Forbidden(scope.reason)


class FreshGrants(FieldExtension):
    """After a change, the viewer's grants are read again: a volunteer's new service record
    is theirs to see in the payload of the very mutation that made it."""

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        result = await next_(source, info, **kwargs)
        info.context.access.forget_grants()
        return result


def may(
    act: Act,
    on: str | None = None,
    on_arg: str | None = None,
    *,
    volunteer: str | None = None,
    organization: str | None = None,
    need: str | None = None,
    communities: str | None = None,
) -> list[FieldExtension]:
    """The extensions list for a mutation guarded by :class:`MayAct`."""
    permission = MayAct(
        act,
        on,
        on_arg,
        volunteer=volunteer,
        organization=organization,
        need=need,
        communities=communities,
    )
    return [PermissionExtension([permission], use_directives=False), FreshGrants()]
