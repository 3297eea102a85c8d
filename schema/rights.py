"""The rights of the person (PIPL) as mutations: consent (art. 14, 15, 29, 31) and erasure
(art. 47).

Declared as every mutation is (``schema/steps.py``): one :func:`~schema.steps.step` row each.
Who may: an administrator, or a social worker covering the resident's community — the people who
already read her whole record and answer her requests (docs/ACCESS.md, ``access.acts``).

No ``from __future__ import annotations``: lazy references are quoted names in ``Annotated``.
"""

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from access.acts import Act
from graph.workflows import Done
from resolvers import rights as resolve
from schema.enums import ConsentGiver, ConsentScope
from schema.permissions import may
from schema.steps import Arg, id_arg, mutation_type, payload, step

ErasurePayload = payload(
    "Resident",
    "schema.people",
    "resident",
    "The resident as the graph keeps them after the erasure: an anonymous record in the same "
    "community, with their needs and service history.",
    name="ErasurePayload",
)

ConsentPayload = payload(
    "Resident",
    "schema.people",
    "resident",
    "The resident with their consent as it is now.",
    name="ConsentPayload",
)

RESIDENT = id_arg("resident_id", "The resident.")


def _right(run: Callable[..., Awaitable[Done]], answer: Any, description: str, *args: Arg) -> Any:
    """A right's row: whatever the right, the same people answer it (see above), about the
    resident ``resident_id`` names."""
    return step(run, answer, may(Act.CASEWORK, "Resident", "resident_id"), description, *args)


RIGHTS = (
    _right(
        resolve.record_consent,
        ConsentPayload,
        "Record the consent a resident, or their guardian, gave (知情同意): what it covers and "
        "when. It replaces the current consent (`Resident.consent` becomes true) and is added to "
        "`Resident.consentHistory`, which keeps every earlier one.",
        RESIDENT,
        Arg("scopes", list[ConsentScope], "What they agreed to; at least one."),
        Arg("given_by", ConsentGiver, "The resident themself, or a guardian."),
        Arg("given_on", dt.date | None, "When it was given; default today, never later.", None),
    ),
    _right(
        resolve.withdraw_consent,
        ConsentPayload,
        "Record that consent was withdrawn (撤回同意): `Resident.consent` becomes false, what "
        "was given stays on record with the day it ended (and in `consentHistory`), and their "
        "needs are no longer "
        "referred to other organizations (the covering station keeps serving them). CONFLICT "
        "when there is no consent to withdraw.",
        RESIDENT,
        Arg("withdrawn_on", dt.date | None, "When; default today, never later.", None),
    ),
    _right(
        resolve.erase_resident,
        ErasurePayload,
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
