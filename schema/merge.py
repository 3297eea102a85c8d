"""Merging duplicates as mutations: ``merge<Family>(survivor, duplicate, survivorVersion,
duplicateVersion)`` for every family ``graph.workflows.merging.MERGEABLE`` names (volunteers,
residents, social workers, organizations), each derived from the family's declaration.

Administrators only (``Act.ADMINISTER``, docs/ACCESS.md "Changes"): a merge reaches every
relationship of two records, in any community, and cannot be undone by a later step.

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

from collections.abc import Sequence
from typing import Annotated, Any

import strawberry

from access.acts import Act
from api.ids import to_global_id
from graph.queries.duplicates import Candidate
from graph.workflows.merging import MERGEABLE
from resolvers import merge as resolve
from schema.permissions import may, roles
from schema.registration import _MODULES, _NAMES
from schema.steps import Arg, id_arg, mutation_type, payload, step


def _step(label: str) -> Any:
    kept = payload(
        label,
        _MODULES.get(label, "schema.people"),
        "survivor",
        f"The surviving {label} after the merge, with the duplicate's relationships and history.",
        name=f"{label}MergePayload",
    )
    return step(
        resolve.resolver(label),
        kept,
        may(Act.ADMINISTER),
        f"Merge a duplicate {label} into the one that stays (合并重复{_NAMES[label]}): every "
        "relationship and all history of the duplicate move onto the survivor (where both hold "
        "the same tie, the survivor's is kept); totals such as verified hours add up. The "
        "duplicate stays as a tombstone (`status` MERGED, pointing at the survivor, its "
        "personal fields cleared, its tokens revoked). Both versions are the ones you read: "
        "a stale one is a CONFLICT; nothing is written on any refusal.",
        id_arg("survivor", f"The {label} that stays."),
        id_arg("duplicate", f"The {label} merged into it."),
        Arg("survivor_version", int, "The survivor's `version` as you read it."),
        Arg("duplicate_version", int, "The duplicate's `version` as you read it."),
    )


MUTATIONS: Sequence[Any] = tuple(_step(label) for label in MERGEABLE)

MergeMutation = mutation_type(
    "MergeMutation",
    MUTATIONS,
    "Merging records registered twice (administrators).",
)


@strawberry.type(
    description="Two records in use of one family that share a natural key or a phone: "
    "perhaps one person (or organization) registered twice. Read both (`nodes(ids:)`) and, if "
    "they are one, merge them with `merge<Family>`."
)
class DuplicateCandidate:
    first: strawberry.ID = strawberry.field(description="One of the two (the smaller id).")
    second: strawberry.ID = strawberry.field(description="The other.")
    shared_by: str = strawberry.field(
        description="What they share: the family's natural key (`volunteerNo`, `idHash` — an "
        "ID-card number's keyed hash —, `certificateNo`, `creditCode`) or `phone` (compared "
        "normalised: spaces, dashes and +86 left out). A pair sharing both is listed twice."
    )

    @classmethod
    def of(cls, label: str, found: Candidate) -> "DuplicateCandidate":
        return cls(
            first=strawberry.ID(to_global_id(label, found.first)),
            second=strawberry.ID(to_global_id(label, found.second)),
            shared_by=found.shared_by,
        )


ADMINISTRATORS = "Only administrators list duplicate candidates: they are the ones who merge."


@strawberry.type
class MergeQuery:
    @strawberry.field(
        extensions=roles(reason=ADMINISTRATORS),
        description="Pairs of records in use (not merged, not deactivated) of one family that "
        "share a natural key or a phone, ordered by their ids: what may need merging "
        "(`merge<Family>`). Administrators only (FORBIDDEN for anyone else).",
    )
    async def duplicate_candidates(
        self,
        info: strawberry.Info,
        family: Annotated[
            str,
            strawberry.argument(
                description=f"The family's type name: one of {', '.join(MERGEABLE)}."
            ),
        ],
    ) -> list[DuplicateCandidate] | None:
        found = await resolve.duplicate_candidates(info, family)
        return [DuplicateCandidate.of(family, c) for c in found]
