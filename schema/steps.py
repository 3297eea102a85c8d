"""How a mutation is declared once: its resolver, payload, rule, description and arguments.

Every domain's mutations are rows of :func:`step` (``schema/workflows.py`` for the workflows,
and each further domain in its own module); the GraphQL field, its ``idempotencyKey`` argument
and the payload built from the graph's answer are derived from the row, and
:func:`mutation_type` makes a domain's rows into the type the root ``Mutation`` inherits.

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension

from graph.workflows import Done
from schema.fields import entity
from schema.permissions import MayAct

KEY = Annotated[
    str | None,
    strawberry.argument(
        description="Any unique string (a UUID): a retry with the same key acts only once."
    ),
]


def payload(
    label: str, module: str, field: str, description: str, *, name: str | None = None
) -> type:
    """A mutation's answer: the entity it acted on, and whether this was a replayed retry.
    ``name`` names the type when one family has several payloads (default ``<label>Payload``)."""

    async def resolver(root: Any, info: strawberry.Info) -> Any:
        return await entity(info, label, root.key)

    def from_result(cls: type, done: Done) -> Any:
        """The payload of a workflow step's answer: its entity's key, and whether it replayed."""
        return cls(key=done.result, replayed=done.replayed)

    resolver.__annotations__["return"] = Annotated[label, strawberry.lazy(module)]

    namespace = {
        "__annotations__": {"key": strawberry.Private[str], "replayed": bool},
        "replayed": strawberry.field(
            description="True when this answers a retry of an earlier request (same key)."
        ),
        field: strawberry.field(resolver=resolver, description="The entity, as it is now."),
        "from_result": classmethod(from_result),
    }
    cls = type(name or f"{label}Payload", (), namespace)
    return strawberry.type(cls, description=description)


@dataclass(frozen=True)
class Arg:
    """One argument of a mutation: its Python name (camelCased in GraphQL), type and description;
    ``default`` left out means the argument is required."""

    name: str
    type: Any
    description: str
    default: Any = inspect.Parameter.empty


def step(
    run: Callable[..., Awaitable[Done]],
    payload: Any,
    permission: list[FieldExtension],
    description: str,
    *args: Arg,
) -> Any:
    """The mutation field for ``run`` (whose name is the field's): the declared arguments plus
    ``idempotencyKey``, guarded by ``permission``, answering ``payload.from_result`` of the
    graph's answer."""
    _check_rule(run.__name__, permission, args)

    async def resolver(self: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        key = kwargs.pop("idempotency_key", None)
        return payload.from_result(await run(info, key, **kwargs))

    key = inspect.Parameter(
        "idempotency_key", inspect.Parameter.KEYWORD_ONLY, annotation=KEY, default=None
    )
    return _field(resolver, run.__name__, payload, permission, description, (*_params(args), key))


def unkeyed(
    run: Callable[..., Awaitable[Any]],
    answer: Callable[[Any], Any],
    returns: Any,
    permission: list[FieldExtension],
    description: str,
    *args: Arg,
) -> Any:
    """The mutation field for ``run`` when it writes nothing (e.g. issues a short-lived code), so
    a retry needs no ``idempotencyKey``: the declared arguments, guarded by ``permission``,
    answering ``answer`` of what ``run`` gives back, as a ``returns``. Declared as rows like
    :func:`step`, with whom it shares the argument and rule checks."""
    _check_rule(run.__name__, permission, args)

    async def resolver(self: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        return answer(await run(info, **kwargs))

    return _field(resolver, run.__name__, returns, permission, description, _params(args))


def _params(args: Sequence[Arg]) -> list[inspect.Parameter]:
    """The keyword parameters strawberry reads a mutation's arguments from."""
    return [
        inspect.Parameter(
            a.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=Annotated[a.type, strawberry.argument(description=a.description)],
            default=a.default,
        )
        for a in args
    ]


def _field(
    resolver: Callable[..., Awaitable[Any]],
    name: str,
    returns: Any,
    permission: list[FieldExtension],
    description: str,
    parameters: Sequence[inspect.Parameter],
) -> Any:
    """The strawberry mutation for ``resolver``, named ``name``, with ``parameters`` after
    ``self`` and ``info``."""
    head = [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("info", inspect.Parameter.KEYWORD_ONLY, annotation=strawberry.Info),
    ]
    resolver.__name__ = name
    resolver.__signature__ = inspect.Signature([*head, *parameters], return_annotation=returns)  # type: ignore[attr-defined]
    return strawberry.mutation(resolver=resolver, extensions=permission, description=description)


def _check_rule(name: str, permission: list[FieldExtension], args: Sequence[Arg]) -> None:
    """Fail at import when a rule names an argument the mutation does not have: the rule would
    read nothing there and compare the caller with nobody."""
    declared = {a.name for a in args}
    for extension in permission:
        for rule in getattr(extension, "permissions", ()):
            if isinstance(rule, MayAct):
                paths = (rule.on_arg, rule.volunteer, rule.organization, rule.need)
                for path in (*paths, rule.communities):
                    if path is not None and path.partition(".")[0] not in declared:
                        raise ValueError(f"{name}: its rule names `{path}`, not an argument.")


def input_arg(kind: type, description: str = "What to record.") -> Arg:
    return Arg("input", kind, description)


def id_arg(name: str, description: str, *, optional: bool = False) -> Arg:
    if optional:
        return Arg(name, strawberry.ID | None, description, None)
    return Arg(name, strawberry.ID, description)


def text_arg(name: str, description: str) -> Arg:
    return Arg(name, str | None, description, None)


def mutation_type(name: str, rows: Sequence[Any], description: str) -> type:
    """The strawberry type holding a domain's declared mutations (the root inherits it)."""
    return strawberry.type(
        type(name, (), {field.base_resolver.name: field for field in rows}),
        description=description,
    )
