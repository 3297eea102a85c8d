"""Each workflow mutation is declared once (``schema.workflows.MUTATIONS``); the field is derived.

These check the derivation itself: every declared step is a mutation of the schema with its
arguments and the idempotency key, and a rule that names an argument the mutation does not have
is refused when the schema is built (it would compare the caller with nobody).
"""

from __future__ import annotations

import pytest
from strawberry.utils.str_converters import to_camel_case

from access.acts import Act
from graph.model.registry import families
from resolvers import workflows as resolve
from resolvers.registration import field_name, tie_field
from schema import schema
from schema.permissions import may
from schema.registration import ELSEWHERE, KEPT, NEVER, given
from schema.registration import MUTATIONS as REGISTRATION
from schema.steps import step
from schema.workflows import MUTATIONS, NEED_ID, VOLUNTEER_ID, NeedPayload

GRAPHQL = schema._schema


def test_every_declared_step_is_a_mutation_with_its_arguments_and_a_key() -> None:
    fields = GRAPHQL.mutation_type.fields
    assert len(MUTATIONS) == 21
    for declared in MUTATIONS:
        field = fields[to_camel_case(declared.python_name)]
        assert "idempotencyKey" in field.args
        assert field.description == declared.description
        assert [a.python_name for a in declared.arguments][-1] == "idempotency_key"
        assert field.type.of_type.name.endswith("Payload")


def test_a_rule_naming_an_argument_the_mutation_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="`volunteer`"):
        step(
            resolve.unassign_volunteer,
            NeedPayload,
            may(Act.VOLUNTEER_SELF, "Need", "need_id", volunteer="volunteer"),
            "Take a volunteer off a need.",
            NEED_ID,
            VOLUNTEER_ID,
        )


def test_registration_inputs_are_derived_from_each_familys_declaration() -> None:
    """``create<Family>``/``update<Family>``/``deactivate<Family>``/``reactivate<Family>`` for
    every kept family, their inputs one field per writable property and tie of its
    ``graph.model`` declaration, required on a create exactly where the declaration says so. A
    family whose create or update has a name of its own (``ELSEWHERE``: a partner *offers* a
    resource) is written by that mutation instead, with inputs of its own; a place is never
    deactivated (``NEVER``)."""
    fields = GRAPHQL.mutation_type.fields
    elsewhere = sum(len(actions) for actions in (*ELSEWHERE.values(), *NEVER.values()))
    assert len(REGISTRATION) == 4 * len(KEPT) - elsewhere
    kept = {f.label: f for f in families() if f.kept}
    assert set(kept) == set(KEPT)
    for label, family in kept.items():
        for action in ("create", "update", "deactivate", "reactivate"):
            if action in NEVER.get(label, ()):
                assert f"{action}{label}" not in fields
            if not given(label, action):
                continue
            assert "idempotencyKey" in fields[f"{action}{label}"].args
        if label in ELSEWHERE:
            continue
        assert "version" in fields[f"update{label}"].args
        create = GRAPHQL.type_map[f"Create{label}Input"].fields
        update = GRAPHQL.type_map[f"Update{label}Input"].fields
        declared = {to_camel_case(field_name(p)): p.required for p in family.writable}
        declared |= {to_camel_case(tie_field(t)): t.required for t in family.ties}
        assert set(create) == set(update) == set(declared)
        for name, required in declared.items():
            assert (create[name].type.__class__.__name__ == "GraphQLNonNull") is required
            assert update[name].type.__class__.__name__ != "GraphQLNonNull"
