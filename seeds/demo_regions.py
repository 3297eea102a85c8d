"""The demo's places, one function each: organizations, programmes, funds and staff as the
field reports describe them (``seeds.demo_data`` holds the names and figures)."""

from __future__ import annotations

import datetime as dt
import random

from graph.model import organizations as O  # noqa: N812 - short aliases keep the data readable
from graph.model import people as P  # noqa: N812
from graph.model.organizations import Fund, Resource, ThinkTank, Venue
from graph.model.people import Expert
from seeds import synthetic
from seeds.demo_core import SEED, Demo
from seeds.demo_data import (
    BOAI_BRIGADES,
    CENTRE,
    CITY_OF,
    COMMUNITIES,
    EAST,
    EAST_HUB_INCUBATED,
    EAST_HUB_INTRODUCED,
    EAST_HUB_OPTIMIZED,
    EAST_TEAMS,
    HUANGPU_GROUPS,
    LONGDONG_EXPERTS,
    SOUTH,
    SOUTH_AWARDS,
)


def east_hub_portfolio(d: Demo, hub: str) -> None:
    """The hub's 45 organizations besides 衣物银行 (east report, line 21): 6 more incubated, 5
    helped to improve, 33 brought in. Illustrative names; they serve 东区."""
    stages = (
        ("INCUBATED", EAST_HUB_INCUBATED - 1, "孵化", "2016-06-01"),
        ("OPTIMIZED", EAST_HUB_OPTIMIZED, "优化", "2016-04-01"),
        ("INTRODUCED", EAST_HUB_INTRODUCED, "引进", "2016-03-01"),
    )
    main, d.rng = d.rng, random.Random(f"{SEED}-east-hub")  # the rest of the demo draws as before
    for stage, count, word, since in stages:
        for i in range(1, count + 1):
            oid = d.org(
                f"org-zs-east-{stage.lower()}-{i:02d}",
                f"东区{word}社会组织{i:02d}",
                "SOCIAL_ORGANIZATION",
                EAST[(i - 1) % len(EAST)],
                registration="REGISTERED" if stage != "INCUBATED" else "FILED",
                serves=tuple(EAST),
            )
            d.b.link(O.ORG_INCUBATED_BY, oid, hub, stage=stage, since=since)
    d.rng = main


def zhongshan(d: Demo) -> None:
    b = d.b
    gov = d.org(
        "org-zs-civil-affairs",
        "中山市民政局",
        "GOVERNMENT",
        "community-zs-xiqu",
        registration=None,
        serves=tuple(c[0] for c in COMMUNITIES if CITY_OF[c[0]] == "city-zhongshan"),
    )
    charity = d.org(
        "org-zs-charity",
        "中山市慈善总会",
        "FOUNDATION",
        "community-zs-xiqu",
        description="博爱行动义工的资源平台：人、财、物讯息发布与供需配对。",
        categories=("cat-relief",),
    )
    lianhe = d.org(
        "org-zs-lianhe",
        "中山市联和社会工作服务中心",
        "SOCIAL_WORK_AGENCY",
        "community-zs-qiwan",
        rating=4,
        founded="2012-06-01",
        description="“联动百家·创造和谐”；承接东区全民治理与南区“三社”联动试点。",
        categories=("cat-care", "cat-integration"),
        serves=(*EAST, *SOUTH),
    )
    hub = d.org(
        "org-zs-east-hub",
        "东区全民公益园",
        "HUB",
        "community-zs-qiwan",
        founded="2016-01-01",
        description="项目、组织、人才、资源、信息五大枢纽；截至2017年2月孵化7家、协助优化5家、"
        "引进33家社会组织，共45家。",
        serves=tuple(EAST),
    )
    b.link(O.VENUE_MANAGED_BY, "venue-zs-east-hub", hub)
    b.add(
        Venue(
            "venue-zs-east-hub",
            "东区全民公益园活动中心",
            CENTRE["community-zs-qiwan"],
            area_sqm=1200,
            capacity=200,
        )
    )
    b.link(O.VENUE_IN, "venue-zs-east-hub", "community-zs-qiwan")
    eldercare = d.org(
        "org-zs-east-eldercare",
        "东区居家养老服务中心",
        "ELDERCARE_CENTRE",
        "community-zs-zhuyuan",
        categories=("cat-care", "cat-daily"),
        serves=tuple(EAST),
    )
    d.org(
        "org-zs-east-clinic",
        "东区社区卫生服务中心",
        "CLINIC",
        "community-zs-songyuan",
        categories=("cat-health",),
        serves=tuple(EAST),
    )
    clothes = d.org(
        "org-zs-clothes-bank",
        "中山市衣物银行",
        "SOCIAL_WORK_AGENCY",
        "community-zs-qiwan",
        founded="2016-05-01",
        description="由热心人士自发团体登记为社工机构；精细分拣、优质捐赠、商业促进及不良品循环再生。",
        categories=("cat-environment", "cat-employment"),
    )
    b.link(O.ORG_INCUBATED_BY, clothes, hub, stage="INCUBATED", since="2016-01-15")
    east_hub_portfolio(d, hub)
    for eid, name in (("org-zs-lanpaopao", "蓝泡泡洗衣"), ("org-zs-vanke", "万科地产")):
        d.org(eid, name, "ENTERPRISE", "community-zs-qiwan", categories=("cat-environment",))
        b.link(
            O.ORG_DONATED,
            eid,
            "fund-zs-east-seed",
            id=f"donation-{eid}",
            amountFen=30_000_00,
            date="2016-09-01",
            note="支持衣物银行环保项目",
        )
    bank = d.project(
        "project-zs-clothes-bank",
        "衣物银行",
        clothes,
        ("community-zs-qiwan",),
        ("cat-environment",),
        start="2016-05-01",
        description="2016年5月至今募集衣物63吨，义工约5600人次参与，带动社会资金26万元，创造就业岗位11个。",
    )
    for pid, name in (
        ("project-zs-biechuxincai", "“别出心裁”就业工作坊"),
        ("project-zs-linshe-4s", "邻舍·4S商店"),
        ("project-zs-linshe-class", "邻舍·环保课堂"),
    ):
        d.project(
            pid,
            name,
            clothes,
            ("community-zs-qiwan",),
            ("cat-environment",),
            start="2016-09-01",
            parent=bank,
        )
    # Seed fund of the hub, donations from government and enterprises, a grant to 衣物银行.
    b.add(
        Fund(
            "fund-zs-east-seed",
            "东区全民公益园种子资金",
            "SEED_FUND",
            established_on=dt.date(2016, 1, 1),
            description="入园项目的种子资金。",
        )
    )
    b.link(O.FUND_MANAGED_BY, "fund-zs-east-seed", hub)
    b.link(O.FUND_COVERS_DISTRICT, "fund-zs-east-seed", "district-zs-east")
    for cat in ("cat-environment", "cat-care", "cat-relief"):
        b.link(O.FUND_OF_CATEGORY, "fund-zs-east-seed", cat)
    b.link(
        O.ORG_DONATED,
        gov,
        "fund-zs-east-seed",
        id="donation-zs-east-seed-gov",
        amountFen=200_000_00,
        date="2016-01-01",
        note="“专业社工·全民义工”试点经费",
    )
    b.link(
        O.FUND_GRANTED,
        "fund-zs-east-seed",
        bank,
        id="grant-zs-clothes-bank",
        amountFen=50_000_00,
        date="2016-02-01",
        award="入园种子资金",
    )
    # The ten volunteer teams of 东区, built up by the hub with the eldercare centre (east report,
    # line 23: 多元培育…义工团队): part of the centre, not among the hub's 45 organizations.
    for tid, name, community in EAST_TEAMS:
        d.org(
            tid,
            name,
            "VOLUNTEER_TEAM",
            community,
            registration="FILED",
            team_level="GROUP",
            categories=("cat-care",),
        )
        b.link(O.ORG_PART_OF, tid, eldercare)
    # 南区: agencies and groups of the 公益创投 round.
    south_fund = "fund-zs-south-venture"
    b.add(
        Fund(
            south_fund,
            "南区“三社联动”公益创投",
            "VENTURE_PHILANTHROPY",
            established_on=dt.date(2016, 3, 1),
            description="种子资金配给与全市“博爱100”公益创投子版块对接；评审采用票决制和打分制，"
            "评出16个奖项。",
        )
    )
    b.link(O.FUND_MANAGED_BY, south_fund, lianhe)
    b.link(O.FUND_COVERS_DISTRICT, south_fund, "district-zs-south")
    for cat in (
        "cat-care",
        "cat-education",
        "cat-culture",
        "cat-integration",
        "cat-rights",
        "cat-environment",
        "cat-health",
    ):
        b.link(O.FUND_OF_CATEGORY, south_fund, cat)
    b.link(
        O.ORG_DONATED,
        gov,
        south_fund,
        id="donation-zs-south-gov",
        amountFen=400_000_00,
        date="2016-03-01",
        note="市、区民政部门试点工作经费",
    )
    seen: set[str] = {lianhe}
    for pid, name, oid, oname, community, cat, amount in SOUTH_AWARDS:
        if oid not in seen:
            kind = (
                "SOCIAL_WORK_AGENCY"
                if "社工" in oname or oid == "org-zs-mengxiang"
                else ("COMMUNITY_GROUP")
            )
            d.org(
                oid,
                oname,
                kind,
                community,
                registration="REGISTERED" if kind == "SOCIAL_WORK_AGENCY" else "FILED",
                categories=(cat,),
                serves=(community,),
            )
            seen.add(oid)
        d.project(pid, name, oid, (community,), (cat,), start="2016-05-14", budget_yuan=amount)
        b.link(
            O.FUND_GRANTED,
            south_fund,
            pid,
            id=f"grant-{pid}",
            amountFen=amount * 100,
            date="2016-05-14",
            award="南区“三社联动”公益创投",
        )
    # 博爱行动义工: corps, brigades, 黄圃's three groups.
    corps = d.org(
        "team-zs-boai-corps",
        "中山市博爱行动义工总队",
        "VOLUNTEER_TEAM",
        "community-zs-xiqu",
        registration="FILED",
        team_level="CORPS",
        founded="2014-01-01",
        serves=tuple(c[0] for c in COMMUNITIES if CITY_OF[c[0]] == "city-zhongshan"),
    )
    b.link(O.ORG_PART_OF, corps, charity)
    for bid, name, community in BOAI_BRIGADES:
        d.org(
            bid,
            name,
            "VOLUNTEER_TEAM",
            community,
            registration="FILED",
            team_level="BRIGADE",
            founded="2014-07-01",
        )
        b.link(O.ORG_PART_OF, bid, corps)
    for i in range(1, HUANGPU_GROUPS + 1):
        gid = f"team-zs-boai-huangpu-{i}"
        d.org(
            gid,
            f"博爱行动义工黄圃第{i}小组",
            "VOLUNTEER_TEAM",
            "community-zs-huangpu",
            registration="FILED",
            team_level="GROUP",
        )
        b.link(O.ORG_PART_OF, gid, "team-zs-boai-huangpu")
    d.org(
        "org-zs-welfare-home",
        "中山市儿童福利院",
        "WELFARE_INSTITUTION",
        "community-zs-xiqu",
        categories=("cat-special-kids",),
    )
    for pid, name, cat in (
        ("project-zs-qingnuan", "情暖夕阳", "cat-visit"),
        ("project-zs-linli", "邻里互助", "cat-pairing"),
        ("project-zs-doudou", "豆豆绘本屋", "cat-tutoring"),
    ):
        d.project(pid, name, corps, (), (cat,), start="2014-03-01")
    b.add(
        Resource(
            "resource-zs-clothes",
            "优质捐赠衣物",
            "GOODS",
            3000,
            "件",
            available_from=dt.date(2016, 6, 1),
            description="衣物银行精细分拣后的可穿衣物。",
        )
    )
    b.link(O.ORG_OFFERS, clothes, "resource-zs-clothes")
    b.link(O.RESOURCE_OF_CATEGORY, "resource-zs-clothes", "cat-relief")
    b.add(
        Resource(
            "resource-zs-hub-room",
            "公益园活动室时段",
            "VENUE_TIME",
            200,
            "小时",
            available_from=dt.date(2016, 1, 1),
        )
    )
    b.link(O.ORG_OFFERS, hub, "resource-zs-hub-room")
    b.link(O.RESOURCE_LOCATED_AT, "resource-zs-hub-room", "venue-zs-east-hub")
    b.link(O.RESOURCE_OF_CATEGORY, "resource-zs-hub-room", "cat-culture")
    d.workers(lianhe, (*EAST, *SOUTH), 6)
    d.workers(
        "org-zs-boai-workers",
        ("community-zs-xiqu", "community-zs-longshan", "community-zs-huangpu"),
        3,
        org_name="中山市博爱社会工作服务中心",
    )
    d.org_id_lianhe = lianhe


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
        d.project(pid, name, committee, (c,), (cat,), start="2021-06-01")
        b.link(O.ORG_RUNS_PROJECT, studio, pid, role="SUPPORT")
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
    b.add(
        Fund(
            "fund-hz-qiaosi-charity",
            "“乔见社彩·共融共聚”乔司街道慈善资源库",
            "CHARITY_FUND",
            established_on=dt.date(2022, 1, 1),
        )
    )
    b.link(O.FUND_MANAGED_BY, "fund-hz-qiaosi-charity", centre)
    b.link(O.FUND_COVERS_DISTRICT, "fund-hz-qiaosi-charity", "district-hz-qiaosi")
    b.link(O.FUND_OF_CATEGORY, "fund-hz-qiaosi-charity", "cat-relief")
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
    b.add(
        Fund(
            "fund-nj-chaxiang",
            "茶乡振兴基金",
            "COMMUNITY_FUND",
            established_on=dt.date(2019, 6, 1),
            description="建设可持续发展的如愿茶乡。",
        )
    )
    b.link(O.FUND_MANAGED_BY, "fund-nj-chaxiang", station)
    b.link(O.FUND_COVERS_COMMUNITY, "fund-nj-chaxiang", c)
    for cat in ("cat-culture", "cat-relief", "cat-care"):
        b.link(O.FUND_OF_CATEGORY, "fund-nj-chaxiang", cat)
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
