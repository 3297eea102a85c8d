"""The demo's Zhongshan (中山): 东区's 全民公益园 hub and its teams, 南区's 三社联动 round, the
博爱 corps and 黄圃's groups, as the field reports describe them (``seeds.demo_data`` holds the
names and figures); the other regions are in ``seeds.demo_regions``."""

from __future__ import annotations

import datetime as dt
import random

from graph.model import organizations as O  # noqa: N812 - short aliases keep the data readable
from graph.model.organizations import Resource, Venue
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
        # It works with 联和 on the district's 700-odd residents with mental disorders
        # (zhongshan-east-district-volunteers.txt:13, 与社区卫生服务中心合作).
        categories=("cat-health", "cat-mental"),
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
    d.fund(
        "fund-zs-east-seed",
        "东区全民公益园种子资金",
        "SEED_FUND",
        hub,
        ("cat-environment", "cat-care", "cat-relief"),
        established="2016-01-01",
        district="district-zs-east",
        description="入园项目的种子资金。",
    )
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
    south_fund = d.fund(
        "fund-zs-south-venture",
        "南区“三社联动”公益创投",
        "VENTURE_PHILANTHROPY",
        lianhe,
        (
            "cat-care",
            "cat-education",
            "cat-culture",
            "cat-integration",
            "cat-rights",
            "cat-environment",
            "cat-health",
        ),
        established="2016-03-01",
        district="district-zs-south",
        description="种子资金配给与全市“博爱100”公益创投子版块对接；评审采用票决制和打分制，"
        "评出16个奖项。",
    )
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
