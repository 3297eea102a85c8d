"""The demo's other places, one function each — Qingdao, Hangzhou, Nanjing, Jinan:
organizations, programmes, funds and staff as the field reports describe them
(``seeds.demo_data`` holds the names and figures; Zhongshan is ``seeds.demo_zhongshan``)."""

from __future__ import annotations

from graph.model import organizations as O  # noqa: N812 - short aliases keep the data readable
from graph.model import people as P  # noqa: N812
from graph.model.organizations import Resource, ThinkTank, Venue
from graph.model.people import Expert
from seeds import synthetic
from seeds.demo_core import Demo
from seeds.demo_data import (
    CENTRE,
    LONGDONG_EXPERTS,
)


def qingdao(d: Demo) -> None:
    b = d.b
    c = "community-qd-xingangshanlu"
    committee = d.org(
        "org-qd-xgsl-committee", "新港山路社区党委", "RESIDENTS_COMMITTEE", c, registration=None
    )
    studio = d.org(
        "org-qd-senior-studio",
        "高级社会工作师工作室",
        "HUB",
        c,
        registration="FILED",
        founded="2023-01-01",
        description="由督导团队和工作团队组成，运用专业智库推进“社工+志愿”融合项目。",
        categories=("cat-care", "cat-integration"),
    )
    b.link(O.ORG_PART_OF, studio, committee)
    team = d.org(
        "team-qd-linli-jieyou",
        "邻里解忧团",
        "VOLUNTEER_TEAM",
        c,
        registration="FILED",
        team_level="GROUP",
        founded="2021-01-01",
        description="20余名社区“明白人”，累计协调化解小区矛盾纠纷60余件。",
        categories=("cat-mediation",),
    )
    b.link(O.ORG_PART_OF, team, committee)
    d.org(
        "team-qd-two-pro",
        "两专工作队",
        "VOLUNTEER_TEAM",
        c,
        registration="FILED",
        team_level="GROUP",
    )
    b.add(
        Venue(
            "venue-qd-centre",
            "新港山路社区服务中心",
            CENTRE[c],
            area_sqm=2600,
            capacity=300,
            description="整合山海湾小区内19处物业用房而成。",
        ),
        Venue(
            "venue-qd-leifeng",
            "雷锋广场",
            synthetic.near(d.rng, CENTRE[c], 150),
            capacity=500,
            description="户外花园。",
        ),
    )
    for v in ("venue-qd-centre", "venue-qd-leifeng"):
        b.link(O.VENUE_IN, v, c)
        b.link(O.VENUE_MANAGED_BY, v, committee)
    for pid, name, cat in (
        ("project-qd-houniao", "候鸟有家", "cat-migrants"),
        ("project-qd-xiaoge", "小哥友好型", "cat-integration"),
        ("project-qd-wanshi", "万事无忧", "cat-mediation"),
        ("project-qd-leifeng", "雷锋战友志愿行", "cat-culture"),
    ):
        # Run by the committee (a project has one organization running it: registration's
        # `runById`); the studio's social workers serve in them.
        d.project(pid, name, committee, (c,), (cat,), start="2021-06-01")
    workers = d.workers(studio, (c,), 3, senior_first=True)
    b.link(P.WORKER_SUPERVISES, workers[0], team)


def hangzhou(d: Demo) -> None:
    b = d.b
    c = "community-hz-qiaosi"
    centre = d.org(
        "org-hz-qiaosi-centre",
        "乔司社会组织服务中心",
        "HUB",
        c,
        founded="2019-01-01",
        description="“乔社领航 五社融合”：乔社善治、乔社育才、乔社有为、乔社互助、乔社积善。",
        serves=(c, "community-hz-shengjia"),
    )
    named = [
        ("org-hz-yangjinquan", "杨金泉纠纷调解服务中心", 5, ("cat-mediation",)),
        ("org-hz-xinling", "乔司街道心灵守护社会工作服务站", 5, ("cat-women", "cat-mental")),
        ("org-hz-huahu", "胡阿虎公益服务中心", 5, ("cat-mending", "cat-repair", "cat-haircut")),
        ("org-hz-qiaoxinyuan", "乔心愿公益服务中心", 4, ("cat-escort",)),
    ]
    ratings = [4, 4, 4, 4, 3, 3]  # with the named ones: 5A×3, 4A×5, 3A×2
    for oid, name, rating, cats in named:
        d.org(oid, name, "SOCIAL_ORGANIZATION", c, rating=rating, categories=cats)
        b.link(O.ORG_INCUBATED_BY, oid, centre, stage="OPTIMIZED", since="2020-01-01")
    for i in range(1, 64 - len(named)):
        rating = ratings[i - 1] if i <= len(ratings) else None
        oid = d.org(
            f"org-hz-registered-{i:02d}",
            f"乔司街道第{i}社会组织（登记）",
            "SOCIAL_ORGANIZATION",
            c,
            rating=rating,
        )
        b.link(O.ORG_INCUBATED_BY, oid, centre, stage="INCUBATED", since="2020-06-01")
    for i in range(1, 217):
        community = c if i % 3 else "community-hz-shengjia"
        oid = d.org(
            f"org-hz-filed-{i:03d}",
            f"乔司街道第{i}社区社会组织（备案）",
            "COMMUNITY_GROUP",
            community,
            registration="FILED",
        )
        if i % 4 == 0:
            b.link(O.ORG_INCUBATED_BY, oid, centre, stage="INCUBATED", since="2021-01-01")
    b.add(
        Resource(
            "resource-hz-noodles",
            "一碗面一毛钱",
            "MONEY",
            5000,
            "元",
            description="残疾人就业创业项目，累计为残疾人之家爱心超市捐款超过5000元。",
        ),
        Resource(
            "resource-hz-crochet",
            "幸福工坊钩花手工品",
            "GOODS",
            600,
            "件",
            description="胜稼村失地妇女钩花制作的花束、花篮、挂件。",
        ),
        Resource(
            "resource-hz-guide",
            "医院导诊志愿服务",
            "SERVICE_SLOT",
            120,
            "次",
            description="“乔心守护、医路同行”。",
        ),
    )
    for rid, oid, cat in (
        ("resource-hz-noodles", centre, "cat-relief"),
        ("resource-hz-crochet", centre, "cat-employment"),
        ("resource-hz-guide", "org-hz-qiaoxinyuan", "cat-escort"),
    ):
        b.link(O.ORG_OFFERS, oid, rid)
        b.link(O.RESOURCE_OF_CATEGORY, rid, cat)
    d.fund(
        "fund-hz-qiaosi-charity",
        "“乔见社彩·共融共聚”乔司街道慈善资源库",
        "CHARITY_FUND",
        centre,
        ("cat-relief",),
        established="2022-01-01",
        district="district-hz-qiaosi",
    )
    b.link(
        O.ORG_DONATED,
        "org-hz-yangjinquan",
        "fund-hz-qiaosi-charity",
        id="donation-hz-1",
        amountFen=1130_00,
        date="2023-05-01",
        note="钩花义卖所得",
    )
    d.project(
        "project-hz-mediation",
        "乔司街道社会矛盾纠纷（非诉类）调解服务",
        "org-hz-yangjinquan",
        (c,),
        ("cat-mediation",),
        start="2020-01-01",
    )
    d.project(
        "project-hz-blue-sky",
        "阳光下 蔚蓝天",
        "org-hz-xinling",
        (c,),
        ("cat-women",),
        start="2021-01-01",
    )
    d.workers("org-hz-xinling", (c, "community-hz-shengjia"), 3)


def nanjing(d: Demo) -> None:
    b = d.b
    c = "community-nj-paifang"
    station = d.org(
        "org-nj-paifang-station",
        "牌坊村社会工作服务站",
        "HUB",
        c,
        description="“如愿社工村”，社区基金与社会工作融合发展标准化试点基地。",
    )
    centre = d.org(
        "org-nj-charity-centre", "南京市慈善事业发展中心", "FOUNDATION", c, registration=None
    )
    d.fund(
        "fund-nj-chaxiang",
        "茶乡振兴基金",
        "COMMUNITY_FUND",
        station,
        ("cat-culture", "cat-relief", "cat-care"),
        established="2019-06-01",
        community=c,
        description="建设可持续发展的如愿茶乡。",
    )
    b.link(
        O.ORG_DONATED,
        centre,
        "fund-nj-chaxiang",
        id="donation-nj-1",
        amountFen=100_000_00,
        date="2019-06-01",
    )
    pid = d.project(
        "project-nj-tea-village",
        "如愿茶乡公共活动",
        station,
        (c,),
        ("cat-culture",),
        start="2019-09-01",
    )
    b.link(
        O.FUND_GRANTED,
        "fund-nj-chaxiang",
        pid,
        id="grant-nj-1",
        amountFen=20_000_00,
        date="2019-09-01",
        award="乡村公共活动",
    )
    d.workers(station, (c,), 2)


def jinan(d: Demo) -> None:
    b = d.b
    c = "community-jn-longdong"
    agency = d.org("org-jn-shannuo", "济南善诺社会工作服务中心", "SOCIAL_WORK_AGENCY", c)
    station = d.org(
        "org-jn-longdong-station",
        "龙洞街道社工站",
        "HUB",
        c,
        description="基层民政的服务枢纽；每月“书记沙龙”座谈会。",
    )
    b.link(O.ORG_PART_OF, station, agency)
    b.add(
        ThinkTank(
            "thinktank-jn-longdong",
            "龙洞街道社区治理智库",
            description="社会工作专家、公共政策研究专家、心理咨询师、优秀社区书记、专业律师、"
            "物业管理人员、社区社会组织带头人。",
        )
    )
    b.link(O.THINK_TANK_MANAGED_BY, "thinktank-jn-longdong", station)
    b.link(O.THINK_TANK_ADVISES, "thinktank-jn-longdong", "district-jn-longdong")
    for i, (domains, title, affiliation) in enumerate(LONGDONG_EXPERTS, start=1):
        eid = f"expert-jn-{i:02d}"
        b.add(
            Expert(
                eid,
                synthetic.name(d.rng),
                domains,
                title,
                affiliation,
                synthetic.phone(d.rng),
            )
        )
        b.link(P.EXPERT_PART_OF, eid, "thinktank-jn-longdong", since="2021-03-01")
        b.link(P.EXPERT_ADVISES_COMMUNITY, eid, c)
    d.workers(station, (c,), 2)
