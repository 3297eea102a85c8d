"""Skill (专长) and ServiceCategory (服务类别): two taxonomies with BROADER links upwards.

A narrower entry satisfies a broader requirement: a volunteer skilled in 中医义诊 matches a
need that requires 义诊, and a 义诊 need belongs to 医疗健康.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.model import vocab
from graph.model.family import Family, Rel, Tie, Via, props_of
from graph.model.filters import IN_CATEGORY, narrower_or_same


@dataclass(frozen=True)
class Skill:
    id: str
    name: str
    description: str | None = None
    version: int = 0  # bumped by every registration change (optimistic concurrency)


@dataclass(frozen=True)
class ServiceCategory:
    id: str
    name: str
    description: str | None = None
    # Think-tank domains (智库专家领域) that advise on this category and everything below it.
    expert_domains: tuple[vocab.ExpertDomain, ...] = ()
    version: int = 0


SKILLS = Family(
    "Skill",
    Skill,
    # The taxonomy is the administrators' (every write is staff's; only admins may call them).
    props=props_of(Skill, writes={"name": "staff", "description": "staff"}, required=("name",)),
    conditions={
        "under": narrower_or_same("(n)", "Skill", "under"),
        "top_level": "NOT (n)-[:BROADER]->(:Skill)",
        "category": IN_CATEGORY,
    },
)

CATEGORIES = Family(
    "ServiceCategory",
    ServiceCategory,
    props=props_of(
        ServiceCategory,
        writes={"name": "staff", "description": "staff", "expert_domains": "staff"},
        required=("name",),
    ),
    conditions={
        "under": narrower_or_same("(n)", "ServiceCategory", "under"),
        "top_level": "NOT (n)-[:BROADER]->(:ServiceCategory)",
    },
)

FAMILIES = (SKILLS, CATEGORIES)

SKILL_BROADER = Rel("BROADER", "Skill", "Skill")
CATEGORY_BROADER = Rel("BROADER", "ServiceCategory", "ServiceCategory")
SKILL_OF_CATEGORY = Rel("OF_CATEGORY", "Skill", "ServiceCategory")

RELS = (SKILL_BROADER, CATEGORY_BROADER, SKILL_OF_CATEGORY)

# The relationships a list's `where` may follow (`<name>Some/None/All`), named as the fields.
VIA = {"Skill": (Via("categories", SKILL_OF_CATEGORY, "out"),)}

# The relationships registration sets (``createSkill(input: {broaderId, categoryIds})``).
TIES = {
    "Skill": (
        Tie("broader", SKILL_BROADER, single=True),
        Tie("categories", SKILL_OF_CATEGORY),
    ),
    "ServiceCategory": (Tie("broader", CATEGORY_BROADER, single=True),),
}
