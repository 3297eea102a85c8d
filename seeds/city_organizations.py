"""The synthetic city's organizations (``seeds.generate``): split from the generator so each
module stays readable; it writes through the generator's batches and progress."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from graph.model import organizations as O  # noqa: N812
from graph.model.organizations import Fund, Organization, Project
from graph.model.vocab import (
    FundKind,
    IncubationStage,
    OrganizationKind,
    ProjectStatus,
    Rating,
    Registration,
    TeamLevel,
)
from seeds import synthetic, taxonomy
from seeds.batch import Batch

if TYPE_CHECKING:
    from seeds.generate import CityGenerator


async def organizations(g: CityGenerator, *, chunk: int, per_district: int) -> None:
    """Organizations of every kind, a hub per district incubating others, volunteer teams in
    小组 → 大队 hierarchies, funds with their donations and grants."""
    spec, rng = g.spec, g.rng
    total = spec.organization_count
    categories = [c[0] for c in taxonomy.CATEGORIES]
    kinds = (
        (OrganizationKind.VOLUNTEER_TEAM, 30),
        (OrganizationKind.COMMUNITY_GROUP, 25),
        (OrganizationKind.SOCIAL_ORGANIZATION, 15),
        (OrganizationKind.SOCIAL_WORK_AGENCY, 8),
        (OrganizationKind.ENTERPRISE, 8),
        (OrganizationKind.RESIDENTS_COMMITTEE, 5),
        (OrganizationKind.CLINIC, 3),
        (OrganizationKind.SCHOOL, 3),
        (OrganizationKind.ELDERCARE_CENTRE, 2),
        (OrganizationKind.FOUNDATION, 1),
    )
    names, weights = zip(*kinds, strict=True)
    b = Batch()
    hubs = []
    for d in range(spec.districts):
        hub = g.id("hub", d)
        c = d * per_district
        b.add(
            Organization(
                hub,
                f"第{d + 1}街道社工站",
                OrganizationKind.HUB,
                g.centres[c],
                registration=Registration.REGISTERED,
                rating=Rating.GRADE_5A,
            )
        )
        b.link(O.ORG_SERVES_AREA, hub, g.community_ids[c])
        hubs.append(hub)
        fund = g.id("fund", d)
        b.add(Fund(fund, f"第{d + 1}街道社区基金", FundKind.COMMUNITY_FUND, dt.date(2020, 1, 1)))
        b.link(O.FUND_MANAGED_BY, fund, hub)
        b.link(O.FUND_COVERS_DISTRICT, fund, g.id("district", d))
        for cat in rng.sample(categories, 4):
            b.link(O.FUND_OF_CATEGORY, fund, cat)
        venture = g.id("venture", d)
        b.add(
            Fund(
                venture,
                f"第{d + 1}街道公益创投",
                FundKind.VENTURE_PHILANTHROPY,
                dt.date(2022, 3, 1),
            )
        )
        b.link(O.FUND_MANAGED_BY, venture, hub)
        b.link(O.FUND_COVERS_DISTRICT, venture, g.id("district", d))
        for cat in rng.sample(categories, 6):
            b.link(O.FUND_OF_CATEGORY, venture, cat)
    brigades: dict[int, str] = {}
    for n in range(total):
        oid = g.id("org", n)
        c = rng.randrange(spec.communities)
        kind = rng.choices(names, weights)[0]
        level = None
        if kind == OrganizationKind.VOLUNTEER_TEAM:
            level = TeamLevel.BRIGADE if c not in brigades else TeamLevel.GROUP
        b.add(
            Organization(
                oid,
                f"{g.community_name(c)}{kind_name(kind)}{n + 1}",
                kind,
                synthetic.near(rng, g.centres[c], 400),
                registration=rng.choice(
                    (
                        Registration.REGISTERED,
                        Registration.FILED,
                        Registration.FILED,
                        Registration.INFORMAL,
                    )
                ),
                rating=rng.choice(
                    (None, None, None, Rating.GRADE_3A, Rating.GRADE_4A, Rating.GRADE_5A)
                ),
                team_level=level,
                founded_on=dt.date(rng.randint(2005, 2024), rng.randint(1, 12), 1),
                phone=synthetic.phone(rng),
            )
        )
        b.link(O.ORG_SERVES_AREA, oid, g.community_ids[c])
        b.link(O.ORG_OF_CATEGORY, oid, rng.choice(categories))
        if kind == OrganizationKind.VOLUNTEER_TEAM:
            if level == TeamLevel.BRIGADE:
                brigades[c] = oid
            else:
                b.link(O.ORG_PART_OF, oid, brigades[c])
            g.teams_by_community.setdefault(c, []).append(oid)
        if rng.random() < 0.4:
            b.link(
                O.ORG_INCUBATED_BY,
                oid,
                hubs[g.district_of[c]],
                stage=rng.choice(
                    (
                        IncubationStage.INCUBATED,
                        IncubationStage.OPTIMIZED,
                        IncubationStage.INTRODUCED,
                    )
                ),
                since="2021-01-01",
            )
        g.orgs.append(oid)
        if (
            kind
            in {
                OrganizationKind.SOCIAL_WORK_AGENCY,
                OrganizationKind.SOCIAL_ORGANIZATION,
                OrganizationKind.COMMUNITY_GROUP,
            }
            and rng.random() < 0.6
        ):
            pid = g.id("project", n)
            budget = rng.randrange(5_000, 200_000)
            b.add(
                Project(
                    pid,
                    f"{g.community_name(c)}服务项目{n + 1}",
                    status=rng.choice(
                        (
                            ProjectStatus.ACTIVE,
                            ProjectStatus.ACTIVE,
                            ProjectStatus.COMPLETED,
                            ProjectStatus.PLANNED,
                        )
                    ),
                    start_date=dt.date(rng.randint(2019, 2025), rng.randint(1, 12), 1),
                    budget_fen=budget * 100,
                )
            )
            b.link(O.ORG_RUNS_PROJECT, oid, pid, role="LEAD")
            b.link(O.PROJECT_TARGETS, pid, g.community_ids[c])
            b.link(O.PROJECT_OF_CATEGORY, pid, rng.choice(categories))
            fund = g.id(rng.choice(("fund", "venture")), g.district_of[c])
            b.link(
                O.FUND_GRANTED,
                fund,
                pid,
                id=f"grant-{pid}",
                amountFen=budget * 50,
                date="2024-03-01",
                award="年度资助",
            )
            g.projects.append(pid)
        if kind in {OrganizationKind.ENTERPRISE, OrganizationKind.FOUNDATION}:
            fund = g.id("fund", g.district_of[c])
            b.link(
                O.ORG_DONATED,
                oid,
                fund,
                id=f"donation-{oid}",
                amountFen=rng.randrange(10_000, 1_000_000) * 100,
                date="2024-01-15",
            )
        if len(b) >= chunk:
            await g.flush(b)
            g.progress("organizations", n + 1, total)
    for d in range(spec.districts):  # government seed money keeps every fund solvent
        gov = g.id("gov", d)
        b.add(
            Organization(
                gov,
                f"第{d + 1}街道办事处",
                OrganizationKind.GOVERNMENT,
                g.centres[d * per_district],
            )
        )
        for fund in (g.id("fund", d), g.id("venture", d)):
            b.link(
                O.ORG_DONATED,
                gov,
                fund,
                id=f"donation-{gov}-{fund}",
                amountFen=50_000_000_00,
                date="2024-01-01",
            )
    await g.flush(b)
    g.progress("organizations", total, total)


_KIND_NAMES = {
    OrganizationKind.VOLUNTEER_TEAM: "义工队",
    OrganizationKind.COMMUNITY_GROUP: "兴趣小组",
    OrganizationKind.SOCIAL_ORGANIZATION: "公益服务中心",
    OrganizationKind.SOCIAL_WORK_AGENCY: "社工服务中心",
    OrganizationKind.ENTERPRISE: "爱心企业",
    OrganizationKind.RESIDENTS_COMMITTEE: "居委会",
    OrganizationKind.CLINIC: "卫生服务站",
    OrganizationKind.SCHOOL: "学校",
    OrganizationKind.ELDERCARE_CENTRE: "居家养老服务中心",
    OrganizationKind.FOUNDATION: "慈善基金会",
}


def kind_name(kind: OrganizationKind) -> str:
    return _KIND_NAMES[kind]
