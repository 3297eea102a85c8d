"""Each workflow mutation is declared once (``schema.workflows.MUTATIONS``); the field is derived.

These check the derivation itself: every declared step is a mutation of the schema with its
arguments and the idempotency key, and a rule that names an argument the mutation does not have
is refused when the schema is built (it would compare the caller with nobody).
"""

from __future__ import annotations

import pytest
from strawberry.utils.str_converters import to_camel_case

from access.acts import Act
from resolvers import workflows as resolve
from schema import schema
from schema.permissions import may
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
