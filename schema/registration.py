"""Registration as mutations: ``create<Family>``, ``update<Family>``, ``deactivate<Family>`` and
``reactivate<Family>`` for every family users keep, their inputs generated from the family's one
declaration.

``Create<Family>Input`` and ``Update<Family>Input`` are made from ``graph.model`` like
``<Family>Where`` is (``schema/where.py``): one field per writable property (``Prop.write``),
typed by its kind (a point is a ``PointInput``, a vocabulary its enum), required on a create when
the declaration says so, and one ``<tie>Ids`` (or ``<tie>Id``) per relationship the family
declares registration sets (``Tie``). Descriptions are the entity type's own. A resident's
ID-card number is the one field that is not a stored property: it is kept as its hash and last
four characters.

Who may call each is the only per-family part (:data:`RULES`: ``access.acts``); every mutation is
a row of :func:`schema.steps.step`, so the idempotency key, the audit and the payload come the
same way as every workflow's.

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

from collections.abc import Callable, Sequence
from typing import Any, Optional

import strawberry
from strawberry.extensions.field_extension import FieldExtension

import schema.organizations
import schema.people
import schema.places
import schema.taxonomy
from access.acts import Act
from graph.model.family import Family, Prop, Tie
from graph.model.registry import family_named
from resolvers import registration as resolve
from schema import enums
from schema.base import TYPES
from schema.permissions import may
from schema.steps import Arg, id_arg, input_arg, mutation_type, payload, step
from schema.where import _SCALARS


@strawberry.input(description="A point on the map (WGS-84 degrees), e.g. a home or a base.")
class PointInput:
    latitude: float = strawberry.field(description="Latitude in degrees, -90 to 90.")
    longitude: float = strawberry.field(description="Longitude in degrees, -180 to 180.")


# Fields whose entity type does not show them (a key only an import or a registration gives).
DOCS = {
    "id_card_number": "The 18-character ID-card number (身份证号), checked (its check "
    "character, a possible birth date); kept only as a keyed hash and its last four "
    "characters, never stored. A second resident with the same number is a CONFLICT.",
    "volunteer_no": "National volunteer number (志愿者编号): 6–32 letters or digits; unique.",
    "certificate_no": "Certificate number (证书编号): 6–32 letters or digits; unique.",
    "credit_code": "Unified social credit code (统一社会信用代码), 18 characters with its check "
    "character; unique.",
    "phone": "Phone (电话): an 11-digit mobile or a landline with its area code; +86, spaces and "
    "full-width digits are accepted and dropped.",
}

Rule = Callable[[], list[FieldExtension]]


def _administrator() -> list[FieldExtension]:
    return may(Act.ADMINISTER)


# The administrators' registers: each step theirs alone.
ADMINISTERED: tuple[Rule, Rule, Rule] = (_administrator, _administrator, _administrator)


def _partners(label: str, by: str) -> tuple[Rule, Rule, Rule]:
    """A partner registers what it runs or offers (the organization ``input.<by>`` names) and
    keeps it: updates and deactivations are the keeper's (``Act.KEEPER``)."""

    def keeper() -> list[FieldExtension]:
        return may(Act.KEEPER, label, "id")

    return lambda: may(Act.ORGANIZATION, organization=f"input.{by}"), keeper, keeper


# Who may call each step, per family (create, update, deactivate): ``access.acts``' rules,
# tabulated in docs/ACCESS.md. A reactivation is the deactivation's rule: who may end a record's
# standing may give it back.
RULES: dict[str, tuple[Rule, Rule, Rule]] = {
    "Resident": (
        lambda: may(Act.REGISTER, communities="input.community_id"),
        lambda: may(Act.CASEWORK, "Resident", "id"),
        lambda: may(Act.CASEWORK, "Resident", "id"),
    ),
    "Volunteer": (
        lambda: may(Act.REGISTER, communities="input.service_area_ids"),
        lambda: may(Act.VOLUNTEER_RECORD, "Volunteer", "id", volunteer="id"),
        lambda: may(Act.VOLUNTEER_SELF, "Volunteer", "id", volunteer="id"),
    ),
    "SocialWorker": ADMINISTERED,
    "Organization": (
        _administrator,
        lambda: may(Act.ORGANIZATION, organization="id"),
        _administrator,
    ),
    "Project": _partners("Project", "run_by_id"),
    "Resource": _partners("Resource", "offered_by_id"),
    # Places, venues, funds, think tanks and their experts, the taxonomy.
    **dict.fromkeys(
        (
            "City",
            "District",
            "Community",
            "Venue",
            "Fund",
            "ThinkTank",
            "Expert",
            "Skill",
            "ServiceCategory",
        ),
        ADMINISTERED,
    ),
}

_MODULES = {
    "City": schema.places.__name__,
    "District": schema.places.__name__,
    "Community": schema.places.__name__,
    "Organization": schema.organizations.__name__,
    "Venue": schema.organizations.__name__,
    "Project": schema.organizations.__name__,
    "Fund": schema.organizations.__name__,
    "ThinkTank": schema.organizations.__name__,
    "Resource": schema.organizations.__name__,
    "Skill": schema.taxonomy.__name__,
    "ServiceCategory": schema.taxonomy.__name__,
}
_NAMES = {
    "City": "城市",
    "District": "区/街道/镇",
    "Community": "社区/村",
    "Resident": "居民",
    "Volunteer": "义工",
    "SocialWorker": "社工",
    "Organization": "组织",
    "Venue": "场地",
    "Project": "项目",
    "Fund": "基金",
    "ThinkTank": "智库",
    "Resource": "慈善资源",
    "Expert": "专家",
    "Skill": "专长",
    "ServiceCategory": "服务类别",
}


def _described(label: str) -> dict[str, str]:
    definition = TYPES[label].__strawberry_definition__  # type: ignore[attr-defined]
    return {f.python_name: f.description or "" for f in definition.fields}


def _kind_type(prop: Prop) -> Any:
    if prop.kind == "point":
        return PointInput
    if prop.vocab is not None:
        enum = getattr(enums, prop.vocab)
        return list[enum] if prop.kind == "enum list" else enum
    if prop.kind == "text list":
        return list[str]
    return _SCALARS[prop.kind]


def _prop_doc(described: dict[str, str], name: str, prop: Prop) -> str:
    doc = DOCS.get(name) or described.get(name) or prop.doc or f"Its {prop.name}."
    if prop.bounds is not None:
        doc += f" {prop.bounds[0]}–{prop.bounds[1]}."
    if prop.write == "self":
        doc += " The person themself may change it."
    return doc


# Ties the record's type shows no field for (a resident's relatives are personal: docs/PRIVACY.md).
TIE_DOCS = {
    "relatives": "Volunteers who are her family (家属): they may then read her needs and spend "
    "their time-bank credits on them; `setRelative` records how.",
}


def _tie_doc(described: dict[str, str], tie: Tie) -> str:
    doc = described.get(resolve.snake(tie.name)) or TIE_DOCS.get(tie.name) or f"Its {tie.name}."
    how = "The id" if tie.single else "The ids"
    return f"{how} of {tie.target} records: {doc} On an update, replaces the current ones."


def generated_input(family: Family, *, creating: bool) -> type:
    """``CreateVolunteerInput`` / ``UpdateVolunteerInput`` from the family's declaration."""
    described = _described(family.label)
    fields: list[tuple[str, Any, str, bool]] = []  # python name, type, doc, required
    for prop in family.writable:
        name = resolve.field_name(prop)
        kind = str if name == "id_card_number" else _kind_type(prop)
        doc = _prop_doc(described, name, prop)
        fields.append((name, kind, doc, creating and prop.required))
    for tie in family.ties:
        kind = strawberry.ID if tie.single else list[strawberry.ID]
        fields.append(
            (resolve.tie_field(tie), kind, _tie_doc(described, tie), creating and tie.required)
        )
    fields.sort(key=lambda f: not f[3])  # required ones first: they have no default
    namespace: dict[str, Any] = {"__annotations__": {}, "__module__": __name__}
    for name, kind, doc, required in fields:
        if required:
            namespace["__annotations__"][name] = kind
            namespace[name] = strawberry.field(description=doc)
        else:
            namespace["__annotations__"][name] = Optional[kind]  # noqa: UP045 - runtime type
            # On an update a field left out is UNSET (unchanged), an explicit null clears it.
            default = None if creating else strawberry.UNSET
            namespace[name] = strawberry.field(default=default, description=doc)
    action = "Create" if creating else "Update"
    name = f"{action}{family.label}Input"
    description = (
        f"A new {family.label}: the fields marked required, and any others."
        if creating
        else f"What changes about a {family.label}; fields left out keep their value, a field "
        "given as null is cleared (a required one cannot be: BAD_USER_INPUT)."
    )
    return strawberry.input(type(name, (), namespace), name=name, description=description)


VERSION = Arg(
    "version",
    int,
    "The `version` you read: if the record changed since, the change is refused (CONFLICT).",
)


# Steps another workflow already gives a family (a resource is offered and changed by
# ``offerResource``/``updateResource``, which keep it above what is allocated; those bump its
# version and refuse a deactivated one): registration adds only the others.
ELSEWHERE = {"Resource": ("create", "update")}
# Steps registration does not give a family at all: a place is not deactivated (a community
# merged into another, or split, is not yet something the API does: docs/REGISTRATION.md).
NEVER = dict.fromkeys(("City", "District", "Community"), ("deactivate", "reactivate"))


def given(label: str, action: str) -> bool:
    """Whether registration gives ``<action><label>`` (not another workflow, not never)."""
    return action not in (*ELSEWHERE.get(label, ()), *NEVER.get(label, ()))


def _steps(label: str) -> list[Any]:
    family = family_named(label)
    create, update, deactivate = RULES[label]
    zh = _NAMES[label]
    kept = payload(
        label,
        _MODULES.get(label, schema.people.__name__),
        resolve.snake(label),
        f"The {label} a registration step acted on.",
    )
    steps = {
        "create": lambda: step(
            resolve.resolver("create", label),
            kept,
            create(),
            f"Register a new {label} (登记{zh}). A record with the same natural key is a "
            "CONFLICT naming it (as far as you may see it).",
            input_arg(generated_input(family, creating=True)),
        ),
        "update": lambda: step(
            resolve.resolver("update", label),
            kept,
            update(),
            f"Change a {label} (修改{zh}), from the `version` you read; a stale version is a "
            "CONFLICT, never an overwrite.",
            id_arg("id", f"The {label}."),
            VERSION,
            input_arg(generated_input(family, creating=False), "What changes."),
        ),
        "deactivate": lambda: step(
            resolve.resolver("deactivate", label),
            kept,
            deactivate(),
            f"Deactivate a {label} (停用{zh}): the record and its history stay; its access ends "
            "and it is no longer matched.",
            id_arg("id", f"The {label}."),
            VERSION,
        ),
        "reactivate": lambda: step(
            resolve.resolver("reactivate", label),
            kept,
            deactivate(),
            f"Reactivate a deactivated {label} (恢复{zh}): it is matched and takes changes "
            "again. Whoever signs in as it signs in anew: tokens issued before are not honoured "
            "again. A record that is not deactivated is a CONFLICT.",
            id_arg("id", f"The {label}."),
            VERSION,
        ),
    }
    return [make() for action, make in steps.items() if given(label, action)]


KEPT = (
    "City",
    "District",
    "Community",
    "Volunteer",
    "Resident",
    "SocialWorker",
    "Organization",
    "Venue",
    "Project",
    "Fund",
    "ThinkTank",
    "Resource",
    "Expert",
    "Skill",
    "ServiceCategory",
)

MUTATIONS: Sequence[Any] = tuple(row for label in KEPT for row in _steps(label))

RegistrationMutation = mutation_type(
    "RegistrationMutation",
    MUTATIONS,
    "Registering, changing, deactivating and reactivating the records users keep.",
)
