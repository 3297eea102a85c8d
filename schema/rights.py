"""The rights of the person (PIPL) as mutations: erasure (art. 47).

Declared as every mutation is (``schema/steps.py``): one :func:`~schema.steps.step` row each.
Who may: an administrator, or a social worker covering the resident's community — the people who
already read her whole record and answer her requests (docs/ACCESS.md, ``access.acts``).

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

from access.acts import Act
from resolvers import rights as resolve
from schema.permissions import may
from schema.steps import id_arg, mutation_type, payload, step

ErasurePayload = payload(
    "Resident",
    "schema.people",
    "resident",
    "The resident as the graph keeps them after the erasure: an anonymous record in the same "
    "community, with their needs and service history.",
    name="ErasurePayload",
)

RIGHTS = (
    step(
        resolve.erase_resident,
        ErasurePayload,
        may(Act.CASEWORK, "Resident", "resident_id"),
        "Erase a resident who asks for it (PIPL art. 47): name, phone, address, ID number, birth "
        "year, exact home, search text, free text about them and stored answers about them are "
        "removed everywhere, also from later exports and backups and when an older backup is "
        "restored; their needs, service hours and statistics stay, anonymous. Erasing the same "
        "resident again answers the same.",
        id_arg("resident_id", "The resident to erase."),
    ),
)

RightsMutation = mutation_type(
    "RightsMutation", RIGHTS, "The rights of the person: erasure, consent, access."
)
