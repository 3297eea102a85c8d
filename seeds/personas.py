"""The people of the demo data one can sign in as (``python -m cli token --demo``).

Each is chosen so that the access rules show: the social worker covers 起湾社区, where 林婆婆
lives; the volunteer is assigned to her neighbour's visit but not to any of her needs; the partner
has one referral accepted and one pending. docs/ACCESS.md walks through what each sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from access.tokens import Role


@dataclass(frozen=True)
class Persona:
    name: str
    role: Role
    subject: str
    description: str


PERSONAS = (
    Persona("admin", Role.ADMIN, "admin-zs-mzj", "an administrator of the civil-affairs bureau"),
    Persona(
        "social_worker",
        Role.SOCIAL_WORKER,
        "worker-0001",
        "a social worker covering 起湾社区 (林婆婆's case manager)",
    ),
    Persona(
        "volunteer",
        Role.VOLUNTEER,
        "volunteer-zs-busy",
        "a volunteer assigned to the weekly visit of 林婆婆's neighbour",
    ),
    Persona(
        "partner",
        Role.PARTNER,
        "org-zs-east-clinic",
        "a partner organization with one accepted and one pending referral",
    ),
    Persona("analyst", Role.ANALYST, "analyst-zs-bureau", "an analyst at the district bureau"),
)

BY_NAME = {p.name: p for p in PERSONAS}
