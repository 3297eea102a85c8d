"""Places: cities (市), districts and streets (区 / 街道 / 镇), communities and villages
(社区 / 村)."""

from __future__ import annotations

import strawberry

from graph.model import organizations as org_graph
from graph.model import people as people_graph
from graph.model import places as graph
from graph.model import services as services_graph
from resolvers import places as resolve
from schema.base import Location, entity
from schema.enums import CommunityKind
from schema.fields import root_list, version_field
from schema.inputs import NearInput, optional
from schema.relations import link, reference
from schema.relay import Connection, Node


@entity("City")
@strawberry.type(description="A city (市), e.g. 中山市.")
class City(Node):
    name: str = strawberry.field(description="Name (名称).")
    version: int = version_field()

    districts = link(graph.DISTRICT_IN_CITY, "in", "Districts and streets of the city.")


@entity("District")
@strawberry.type(
    description="A district, sub-district street or town (区 / 街道 / 镇): the level of the "
    "civil-affairs office and the social work station."
)
class District(Node):
    name: str = strawberry.field(description="Name (名称), e.g. 东区街道.")
    level: str | None = strawberry.field(
        description="Administrative level as written (区 / 街道 / 镇)."
    )
    version: int = version_field()

    city = reference(graph.DISTRICT_IN_CITY, "out", "The city it belongs to.")
    communities = link(graph.COMMUNITY_IN_DISTRICT, "in", "Its communities and villages.")
    funds = link(
        org_graph.FUND_COVERS_DISTRICT,
        "in",
        "Funds whose scope is the whole district (基金覆盖范围).",
    )
    think_tanks = link(org_graph.THINK_TANK_ADVISES, "in", "Think tanks advising it.")


@entity("Community")
@strawberry.type(
    description="A community (社区) or village (村): the unit where residents live, needs are "
    "found and volunteers serve nearby (就近原则)."
)
class Community(Node):
    name: str = strawberry.field(description="Name (名称), e.g. 起湾社区.")
    kind: CommunityKind = strawberry.field(description="Urban community or village.")
    location: Location = strawberry.field(description="Approximate centre (中心点).")
    population: int | None = strawberry.field(
        description="Resident population (常住人口), if known."
    )
    version: int = version_field()

    district = reference(graph.COMMUNITY_IN_DISTRICT, "out", "The district or street it is in.")
    residents = link(people_graph.RESIDENT_LIVES_IN, "in", "Residents on record (服务对象).")
    volunteers = link(
        people_graph.VOLUNTEER_SERVES_AREA, "in", "Volunteers who serve this community (服务区域)."
    )
    social_workers = link(
        people_graph.WORKER_COVERS, "in", "Social workers covering it (驻点社工)."
    )
    organizations = link(org_graph.ORG_SERVES_AREA, "in", "Organizations serving it.")
    projects = link(org_graph.PROJECT_TARGETS, "in", "Projects targeting it.")
    funds = link(
        org_graph.FUND_COVERS_COMMUNITY,
        "in",
        "Funds scoped to this community itself (see also the district's funds).",
    )
    venues = link(org_graph.VENUE_IN, "in", "Venues in it (场地).")
    recruitments = link(services_graph.RECRUITMENT_IN, "in", "Volunteer recruitments held in it.")


@strawberry.input(description="Filters for districts.")
class DistrictFilter:
    city: strawberry.ID | None = optional("In this city.")


@strawberry.input(description="Filters for communities.")
class CommunityFilter:
    district: strawberry.ID | None = optional("In this district.")
    city: strawberry.ID | None = optional("In this city.")
    kind: list[CommunityKind] | None = optional("Any of these kinds.")
    near: NearInput | None = optional("Centre within a radius.")


@strawberry.input(description="Filters for cities (none yet besides search).")
class CityFilter:
    name: str | None = optional("Exact name, e.g. 中山市.")


@strawberry.type
class PlacesQuery:
    cities = root_list("City", CityFilter, resolve.city_where, Connection[City], "Cities (市).")
    districts = root_list(
        "District",
        DistrictFilter,
        resolve.district_where,
        Connection[District],
        "Districts, streets and towns (区 / 街道 / 镇).",
    )
    communities = root_list(
        "Community",
        CommunityFilter,
        resolve.community_where,
        Connection[Community],
        "Communities and villages (社区 / 村).",
    )
