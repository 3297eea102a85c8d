"""Skills (专长) and service categories (服务类别): two taxonomies, narrower to broader."""

from __future__ import annotations

import strawberry

from graph.model import organizations as org_graph
from graph.model import people as people_graph
from graph.model import services as services_graph
from graph.model import taxonomy as graph
from resolvers import taxonomy as resolve
from schema.base import entity
from schema.fields import lazy, root_list, version_field
from schema.inputs import optional
from schema.links import ProficiencyConnection
from schema.relations import link
from schema.relay import Connection, Node

TAXONOMY = "schema.taxonomy"


@strawberry.type
class Term(Node):
    """What an entry of either taxonomy has: both are named and versioned the same way (the type
    itself is not in the schema; Skill and ServiceCategory carry its fields)."""

    name: str = strawberry.field(description="Name (名称).")
    description: str | None = strawberry.field(description="What it covers (说明).")
    version: int = version_field()


@entity("Skill")
@strawberry.type(
    description="A skill a volunteer offers (专长), e.g. 理发, 中医义诊. Skills form a taxonomy: "
    "a narrower skill satisfies a need for a broader one (中医义诊 → 义诊 → 医疗健康)."
)
class Skill(Term):
    broader = link(graph.SKILL_BROADER, "out", "Broader skills (上级专长).")
    narrower = link(graph.SKILL_BROADER, "in", "Narrower skills (下级专长).")
    categories = link(graph.SKILL_OF_CATEGORY, "out", "Service categories the skill serves.")
    volunteers = link(
        people_graph.VOLUNTEER_HAS_SKILL,
        "in",
        "Volunteers holding exactly this skill, with their level (see `volunteers(filter: "
        "{skill})` for narrower skills too).",
        edges=ProficiencyConnection,
    )
    needs = link(services_graph.NEED_REQUIRES, "in", "Needs requiring it.")


@entity("ServiceCategory")
@strawberry.type(
    description="A category of service (服务类别), e.g. 医疗健康, 探访关怀, 家居清洁. A taxonomy "
    "like skills."
)
class ServiceCategory(Term):
    broader = link(graph.CATEGORY_BROADER, "out", "Broader categories.")
    narrower = link(graph.CATEGORY_BROADER, "in", "Narrower categories.")
    skills = link(graph.SKILL_OF_CATEGORY, "in", "Skills serving it.")
    needs = link(services_graph.NEED_OF_CATEGORY, "in", "Needs of it.")
    organizations = link(org_graph.ORG_OF_CATEGORY, "in", "Organizations providing it.")
    projects = link(org_graph.PROJECT_OF_CATEGORY, "in", "Projects in it.")
    funds = link(org_graph.FUND_OF_CATEGORY, "in", "Funds supporting it.")


@strawberry.input(description="Filters for skills.")
class SkillFilter:
    under: strawberry.ID | None = optional("This skill and everything narrower.")
    top_level: bool | None = optional("Only the broadest skills.")
    category: strawberry.ID | None = optional("Serving this category or a narrower one.")


@strawberry.input(description="Filters for service categories.")
class CategoryFilter:
    under: strawberry.ID | None = optional("This category and everything narrower.")
    top_level: bool | None = optional("Only the broadest ones.")


@strawberry.type
class TaxonomyQuery:
    skills = root_list(
        "Skill",
        SkillFilter,
        resolve.skill_where,
        Connection[lazy("Skill", TAXONOMY)],
        "The skill taxonomy (专长).",
    )
    service_categories = root_list(
        "ServiceCategory",
        CategoryFilter,
        resolve.category_where,
        Connection[lazy("ServiceCategory", TAXONOMY)],
        "The service category taxonomy (服务类别).",
    )
