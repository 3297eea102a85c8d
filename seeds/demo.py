"""The demo data set: real places and programmes from the field reports, synthetic people.

From ../shared/domain/:
- Zhongshan 东区: the 10 communities of the 全民公益园 pilot, the hub itself (run by 中山联和),
  the 衣物银行 it incubated (and its sub-projects), the 10 volunteer teams with the
  居家养老服务中心;
- Zhongshan 南区: 城南, 良都, 马岭, 北溪 with 曹边村; the 三社联动 公益创投 round and its 16 awards
  (the report names five projects and their agencies; the other eleven are illustrative);
- 博爱行动义工: the city corps, its brigades (西区, 暖阳, 沙溪龙山, 儿童福利院, 黄圃 with three
  groups), star levels from verified hours;
- Qingdao 新港山路社区 (薛家岛街道): the senior social worker studio, 候鸟有家, 小哥友好型,
  万事无忧, 雷锋战友志愿行, the 邻里解忧团 and the service centre;
- Hangzhou 乔司: the social organization service centre, 63 registered and 216 filed organizations
  (5A×3, 4A×5, 3A×2), named agencies, the 慈善资源库;
- Nanjing 牌坊村: the 茶乡振兴基金 and the 如愿社工村;
- Jinan 龙洞: the social work station and its think tank of 15 experts in the listed domains.

Organization and programme names are as published. Every person is synthetic (``seeds.synthetic``),
and so are amounts, dates and the counts the reports do not give. Coordinates are approximate.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

from graph.engine.store import GraphStore
from graph.model import organizations as O  # noqa: N812 - short aliases keep the data readable
from graph.model import people as P  # noqa: N812
from graph.model import places as PL  # noqa: N812
from graph.model import services as S  # noqa: N812
from graph.model import taxonomy as T  # noqa: N812
from graph.model.entities import Point
from graph.model.organizations import Fund, Organization, Project, Resource, ThinkTank, Venue
from graph.model.people import Expert, Resident, SocialWorker, Volunteer, star_level
from graph.model.places import City, Community, District
from graph.model.services import Recruitment, Referral, ServiceRecord
from seeds import synthetic, taxonomy
from seeds.batch import Batch

SEED = 20161122
UTC = dt.UTC

CITIES = [
    City("city-zhongshan", "中山市"),
    City("city-qingdao", "青岛市"),
    City("city-hangzhou", "杭州市"),
    City("city-nanjing", "南京市"),
    City("city-jinan", "济南市"),
]

# (id, name, level, city)
DISTRICTS = [
    ("district-zs-east", "东区街道", "街道", "city-zhongshan"),
    ("district-zs-south", "南区街道", "街道", "city-zhongshan"),
    ("district-zs-west", "西区街道", "街道", "city-zhongshan"),
    ("district-zs-shaxi", "沙溪镇", "镇", "city-zhongshan"),
    ("district-zs-huangpu", "黄圃镇", "镇", "city-zhongshan"),
    ("district-qd-xuejiadao", "薛家岛街道", "街道", "city-qingdao"),
    ("district-hz-qiaosi", "乔司街道", "街道", "city-hangzhou"),
    ("district-nj-jiangning", "江宁街道", "街道", "city-nanjing"),
    ("district-jn-longdong", "龙洞街道", "街道", "city-jinan"),
]

# (id, name, district, latitude, longitude, kind, population)
COMMUNITIES = [
    ("community-zs-qiwan", "起湾社区", "district-zs-east", 22.5238, 113.4120, "COMMUNITY", None),
    ("community-zs-chaqiao", "槎桥社区", "district-zs-east", 22.5068, 113.4215, "COMMUNITY", None),
    ("community-zs-kuchong", "库充社区", "district-zs-east", 22.5004, 113.4106, "COMMUNITY", None),
    ("community-zs-qiaoling", "桥岭社区", "district-zs-east", 22.5152, 113.4020, "COMMUNITY", None),
    ("community-zs-qidong", "齐东社区", "district-zs-east", 22.5180, 113.3985, "COMMUNITY", None),
    ("community-zs-langqing", "朗晴社区", "district-zs-east", 22.5205, 113.4055, "COMMUNITY", None),
    ("community-zs-zhuyuan", "竹苑社区", "district-zs-east", 22.5120, 113.4080, "COMMUNITY", None),
    ("community-zs-songyuan", "松苑社区", "district-zs-east", 22.5095, 113.4010, "COMMUNITY", None),
    ("community-zs-baiyuan", "柏苑社区", "district-zs-east", 22.5140, 113.4140, "COMMUNITY", None),
    ("community-zs-xincun", "新村社区", "district-zs-east", 22.5175, 113.4175, "COMMUNITY", None),
    (
        "community-zs-chengnan",
        "城南社区",
        "district-zs-south",
        22.4950,
        113.3840,
        "COMMUNITY",
        None,
    ),
    ("community-zs-liangdu", "良都社区", "district-zs-south", 22.4750, 113.3700, "COMMUNITY", None),
    ("community-zs-maling", "马岭社区", "district-zs-south", 22.4620, 113.3960, "COMMUNITY", None),
    ("community-zs-beixi", "北溪社区", "district-zs-south", 22.4830, 113.3540, "COMMUNITY", None),
    ("community-zs-caobian", "曹边村", "district-zs-south", 22.4790, 113.3480, "VILLAGE", None),
    ("community-zs-xiqu", "西区社区", "district-zs-west", 22.5260, 113.3600, "COMMUNITY", None),
    (
        "community-zs-longshan",
        "龙山社区",
        "district-zs-shaxi",
        22.5230,
        113.3300,
        "COMMUNITY",
        None,
    ),
    (
        "community-zs-huangpu",
        "黄圃社区",
        "district-zs-huangpu",
        22.7150,
        113.3400,
        "COMMUNITY",
        None,
    ),
    (
        "community-qd-xingangshanlu",
        "新港山路社区",
        "district-qd-xuejiadao",
        35.9760,
        120.2380,
        "COMMUNITY",
        8900,
    ),
    ("community-hz-qiaosi", "乔司社区", "district-hz-qiaosi", 30.3600, 120.2900, "COMMUNITY", None),
    ("community-hz-shengjia", "胜稼村", "district-hz-qiaosi", 30.3480, 120.3050, "VILLAGE", None),
    ("community-nj-paifang", "牌坊村", "district-nj-jiangning", 31.8330, 118.6700, "VILLAGE", None),
    (
        "community-jn-longdong",
        "龙洞社区",
        "district-jn-longdong",
        36.6330,
        117.1060,
        "COMMUNITY",
        None,
    ),
]

EAST = [c[0] for c in COMMUNITIES if c[2] == "district-zs-east"]
SOUTH = [c[0] for c in COMMUNITIES if c[2] == "district-zs-south"]
CENTRE = {c[0]: Point(c[3], c[4]) for c in COMMUNITIES}
LANGUAGES = {
    "city-zhongshan": ["CANTONESE", "MANDARIN"],
    "city-qingdao": ["JIAOLIAO", "MANDARIN"],
    "city-hangzhou": ["WU", "MANDARIN"],
    "city-nanjing": ["JIANGHUAI", "MANDARIN"],
    "city-jinan": ["JILU", "MANDARIN"],
}
CITY_OF = {c[0]: next(d[3] for d in DISTRICTS if d[0] == c[2]) for c in COMMUNITIES}

# The 10 volunteer teams of 东区 (the report names four; the rest are illustrative names).
EAST_TEAMS = [
    ("team-zs-qiaogang", "桥岗社区服务队", "community-zs-qiaoling"),
    ("team-zs-mantianxin", "满天心妈妈服务队", "community-zs-qiwan"),
    ("team-zs-guangchang", "广场大妈志愿队", "community-zs-langqing"),
    ("team-zs-elders-band", "长者乐团", "community-zs-zhuyuan"),
    ("team-zs-xiyanghong", "夕阳红义工队", "community-zs-songyuan"),
    ("team-zs-linshe", "邻舍服务队", "community-zs-qiwan"),
    ("team-zs-chaqiao", "槎桥邻里互助队", "community-zs-chaqiao"),
    ("team-zs-kuchong", "库充青年义工队", "community-zs-kuchong"),
    ("team-zs-qidong", "齐东爱心探访队", "community-zs-qidong"),
    ("team-zs-baiyuan", "柏苑银龄服务队", "community-zs-baiyuan"),
]

# 南区 公益创投: the 16 awards. (project id, name, agency id, agency name, community, category,
# amount in yuan). The first five are named in the report.
SOUTH_AWARDS = [
    (
        "project-zs-tongxueguan",
        "童学馆",
        "org-zs-datong",
        "大同社工",
        "community-zs-chengnan",
        "cat-tutoring",
        30000,
    ),
    (
        "project-zs-liqi-camp",
        "历奇成长营",
        "org-zs-xinyuan",
        "心苑社工",
        "community-zs-liangdu",
        "cat-education",
        28000,
    ),
    (
        "project-zs-anti-fraud",
        "防骗大使",
        "org-zs-zhiyuan",
        "志远社工",
        "community-zs-maling",
        "cat-rights",
        20000,
    ),
    (
        "project-zs-science-fair",
        "博士带你玩科学亲子游戏大联盟游园会",
        "org-zs-mengxiang",
        "梦想家园",
        "community-zs-chengnan",
        "cat-culture",
        25000,
    ),
    (
        "project-zs-cross-generation",
        "“跨世代”历奇——听障及长者模拟体验",
        "org-zs-xinyuan",
        "心苑社工",
        "community-zs-beixi",
        "cat-integration",
        22000,
    ),
    (
        "project-zs-caobian-heritage",
        "曹边村文化保育",
        "org-zs-lianhe",
        "中山市联和社会工作服务中心",
        "community-zs-caobian",
        "cat-culture",
        30000,
    ),
    (
        "project-zs-liangdu-visits",
        "良都长者探访计划",
        "org-zs-aixin-mama",
        "爱心妈妈帮帮团",
        "community-zs-liangdu",
        "cat-visit",
        12000,
    ),
    (
        "project-zs-square-dance",
        "广场舞进社区",
        "org-zs-south-guangchang",
        "广场大妈志愿队（南区）",
        "community-zs-chengnan",
        "cat-culture",
        8000,
    ),
    (
        "project-zs-little-angels",
        "社区小天使成长计划",
        "org-zs-little-angels",
        "“社区小天使”服务队",
        "community-zs-maling",
        "cat-tutoring",
        10000,
    ),
    (
        "project-zs-same-sky",
        "同一蓝天新市民融入",
        "org-zs-same-sky",
        "“同一蓝天”志愿团",
        "community-zs-beixi",
        "cat-migrants",
        15000,
    ),
    (
        "project-zs-hello-grandpa",
        "“爷爷好”邻里礼仪课堂",
        "org-zs-datong",
        "大同社工",
        "community-zs-liangdu",
        "cat-integration",
        9000,
    ),
    (
        "project-zs-disabled-rehab",
        "残障人士康复辅导",
        "org-zs-zhiyuan",
        "志远社工",
        "community-zs-maling",
        "cat-rehab",
        26000,
    ),
    (
        "project-zs-hardship-tutoring",
        "困难家庭子女学习辅导",
        "org-zs-mengxiang",
        "梦想家园",
        "community-zs-chengnan",
        "cat-tutoring",
        18000,
    ),
    (
        "project-zs-liangfen",
        "梁粉节",
        "org-zs-lianhe",
        "中山市联和社会工作服务中心",
        "community-zs-caobian",
        "cat-culture",
        16000,
    ),
    (
        "project-zs-beixi-clean",
        "北溪河涌护河行动",
        "org-zs-same-sky",
        "“同一蓝天”志愿团",
        "community-zs-beixi",
        "cat-environment",
        7000,
    ),
    (
        "project-zs-elder-phones",
        "长者智能手机课堂",
        "org-zs-little-angels",
        "“社区小天使”服务队",
        "community-zs-chengnan",
        "cat-classes",
        6000,
    ),
]

# 龙洞街道 think tank: 15 experts over the listed domains (all synthetic people).
LONGDONG_EXPERTS = [
    (("CASEWORK",), "副教授", "山东大学社会工作系"),
    (("CASEWORK", "PSYCHOLOGICAL_COUNSELLING"), "督导", "济南善诺社会工作服务中心"),
    (("PSYCHOLOGICAL_COUNSELLING",), "国家二级心理咨询师", "历下区心理健康服务中心"),
    (("PSYCHOLOGICAL_COUNSELLING",), "心理咨询师", "辖区居民"),
    (("SERVICE_PLANNING",), "研究员", "济南市社会科学院"),
    (("SERVICE_PLANNING", "PUBLIC_POLICY"), "教授", "山东师范大学公共管理学院"),
    (("PUBLIC_POLICY",), "离退休干部", "辖区居民"),
    (("COMMUNITY_VOLUNTEERING",), "志愿服务队队长", "龙洞社区"),
    (("COMMUNITY_VOLUNTEERING", "COMMUNITY_GOVERNANCE"), "优秀社区书记", "龙洞街道"),
    (("CULTURAL_ELDERCARE",), "退休教师", "辖区居民"),
    (("CULTURAL_ELDERCARE",), "养老机构负责人", "历下区居家养老服务中心"),
    (("ADVENTURE_EDUCATION",), "历奇教育导师", "济南青少年户外教育中心"),
    (("LEGAL_AFFAIRS",), "执业律师", "山东某律师事务所"),
    (("LEGAL_AFFAIRS", "CASEWORK"), "人民调解员", "龙洞街道司法所"),
    (("PROPERTY_MANAGEMENT",), "物业项目经理", "辖区物业服务企业"),
]

TAG_MIX = [  # (tags, weight): shares in the spirit of the 东区/南区 surveys
    (("ELDERLY_80_PLUS", "LIVING_ALONE"), 18),
    (("ELDERLY_80_PLUS",), 14),
    (("ELDERLY", "LIVING_ALONE"), 10),
    (("DISABLED",), 9),
    (("MENTAL_HEALTH",), 8),
    (("LOW_INCOME", "HARDSHIP_FAMILY"), 7),
    (("EXTREME_POVERTY", "ELDERLY"), 4),
    (("MIGRANT", "CHILD"), 10),
    (("SINGLE_PARENT_FAMILY", "CHILD"), 5),
    (("CHILD_SPECIAL_NEEDS", "CHILD"), 4),
    (("NEW_EMPLOYMENT", "MIGRANT"), 6),
    (("ELDERLY",), 5),
]

# What each tag set typically needs: (category, title, slots per week, headcount)
NEEDS_BY_TAG = {
    "ELDERLY_80_PLUS": [("cat-visit", "每周上门探访", 1, 1), ("cat-haircut", "上门义剪", 1, 1)],
    "LIVING_ALONE": [("cat-pairing", "结对关心慰问", 1, 1), ("cat-cleaning", "家居清洁", 1, 2)],
    "ELDERLY": [("cat-clinic", "社区义诊普检", 1, 1), ("cat-repair", "家电维修", 0, 1)],
    "DISABLED": [("cat-haircut", "上门义剪", 1, 1), ("cat-rehab", "身体康复辅导", 1, 1)],
    "MENTAL_HEALTH": [("cat-mental", "心理疏导", 1, 1), ("cat-visit", "定期探访", 1, 2)],
    "LOW_INCOME": [("cat-tutoring", "子女课业辅导", 2, 1)],
    "HARDSHIP_FAMILY": [("cat-relief", "生活物资帮扶", 0, 1)],
    "EXTREME_POVERTY": [("cat-escort", "陪同外出就医", 0, 2), ("cat-cleaning", "家居清洁", 1, 2)],
    "MIGRANT": [("cat-migrants", "社区融入活动", 1, 1)],
    "CHILD": [("cat-tutoring", "周末课业辅导", 1, 1)],
    "SINGLE_PARENT_FAMILY": [("cat-tutoring", "周末青少年学堂", 1, 1)],
    "CHILD_SPECIAL_NEEDS": [("cat-special-kids", "多感官互动训练", 1, 2)],
    "NEW_EMPLOYMENT": [("cat-legal", "劳动权益咨询", 0, 1)],
}

SLOTS = synthetic.SLOTS


class Demo:
    """Builds the demo set into a :class:`Batch`, deterministically."""

    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.b = Batch()
        self.workers_by_community: dict[str, list[str]] = {}
        self.volunteers_by_community: dict[str, list[str]] = {}
        self.needs: list[tuple[str, str, str]] = []  # (need id, community, category)
        self.counter: Counter[str] = Counter()

    def next_id(self, prefix: str) -> str:
        self.counter[prefix] += 1
        return f"{prefix}-{self.counter[prefix]:04d}"

    # --- places and taxonomies ----------------------------------------------------------

    def places(self) -> None:
        b = self.b
        b.add(*CITIES)
        for did, name, level, city in DISTRICTS:
            b.add(District(did, name, level))
            b.link(PL.DISTRICT_IN_CITY, did, city)
        for cid, name, did, lat, lon, kind, population in COMMUNITIES:
            b.add(Community(cid, name, Point(lat, lon), kind, population))
            b.link(PL.COMMUNITY_IN_DISTRICT, cid, did)

    def taxonomies(self) -> None:
        b = self.b
        b.add(*taxonomy.categories(), *taxonomy.skills())
        for start, end in taxonomy.category_links():
            b.link(T.CATEGORY_BROADER, start, end)
        for start, end in taxonomy.skill_links():
            b.link(T.SKILL_BROADER, start, end)
        for start, end in taxonomy.skill_categories():
            b.link(T.SKILL_OF_CATEGORY, start, end)

    # --- organizations ------------------------------------------------------------------

    def org(
        self,
        oid: str,
        name: str,
        kind: str,
        community: str,
        *,
        registration: str | None = "REGISTERED",
        rating: int | None = None,
        team_level: str | None = None,
        founded: str | None = None,
        description: str | None = None,
        categories: tuple[str, ...] = (),
        serves: tuple[str, ...] = (),
    ) -> str:
        where = synthetic.near(self.rng, CENTRE[community], 300)
        self.b.add(
            Organization(
                oid,
                name,
                kind,
                where,
                registration=registration,
                rating=rating,
                team_level=team_level,
                founded_on=dt.date.fromisoformat(founded) if founded else None,
                description=description,
                phone=synthetic.phone(self.rng),
            )
        )
        for cat in categories:
            self.b.link(O.ORG_OF_CATEGORY, oid, cat)
        for area in serves or (community,):
            self.b.link(O.ORG_SERVES_AREA, oid, area)
        return oid

    def project(
        self,
        pid: str,
        name: str,
        runner: str,
        communities: tuple[str, ...],
        categories: tuple[str, ...],
        *,
        start: str = "2016-03-01",
        status: str = "ACTIVE",
        budget_yuan: int | None = None,
        description: str | None = None,
        parent: str | None = None,
    ) -> str:
        self.b.add(
            Project(
                pid,
                name,
                status=status,
                description=description,
                start_date=dt.date.fromisoformat(start),
                budget_fen=None if budget_yuan is None else budget_yuan * 100,
            )
        )
        self.b.link(O.ORG_RUNS_PROJECT, runner, pid, role="LEAD")
        for c in communities:
            self.b.link(O.PROJECT_TARGETS, pid, c)
        for cat in categories:
            self.b.link(O.PROJECT_OF_CATEGORY, pid, cat)
        if parent:
            self.b.link(O.PROJECT_PART_OF, pid, parent)
        return pid

    def zhongshan(self) -> None:
        b = self.b
        gov = self.org(
            "org-zs-civil-affairs",
            "中山市民政局",
            "GOVERNMENT",
            "community-zs-xiqu",
            registration=None,
            serves=tuple(c[0] for c in COMMUNITIES if CITY_OF[c[0]] == "city-zhongshan"),
        )
        charity = self.org(
            "org-zs-charity",
            "中山市慈善总会",
            "FOUNDATION",
            "community-zs-xiqu",
            description="博爱行动义工的资源平台：人、财、物讯息发布与供需配对。",
            categories=("cat-relief",),
        )
        lianhe = self.org(
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
        hub = self.org(
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
        eldercare = self.org(
            "org-zs-east-eldercare",
            "东区居家养老服务中心",
            "ELDERCARE_CENTRE",
            "community-zs-zhuyuan",
            categories=("cat-care", "cat-daily"),
            serves=tuple(EAST),
        )
        self.org(
            "org-zs-east-clinic",
            "东区社区卫生服务中心",
            "CLINIC",
            "community-zs-songyuan",
            categories=("cat-health",),
            serves=tuple(EAST),
        )
        clothes = self.org(
            "org-zs-clothes-bank",
            "中山市衣物银行",
            "SOCIAL_WORK_AGENCY",
            "community-zs-qiwan",
            founded="2016-05-01",
            description="由热心人士自发团体登记为社工机构；精细分拣、优质捐赠、商业促进及不良品循环再生。",
            categories=("cat-environment", "cat-employment"),
        )
        b.link(O.ORG_INCUBATED_BY, clothes, hub, stage="INCUBATED", since="2016-01-15")
        b.link(O.ORG_INCUBATED_BY, lianhe, hub, stage="INTRODUCED", since="2016-01-01")
        for eid, name in (("org-zs-lanpaopao", "蓝泡泡洗衣"), ("org-zs-vanke", "万科地产")):
            self.org(eid, name, "ENTERPRISE", "community-zs-qiwan", categories=("cat-environment",))
            b.link(
                O.ORG_DONATED,
                eid,
                "fund-zs-east-seed",
                id=f"donation-{eid}",
                amountFen=30_000_00,
                date="2016-09-01",
                note="支持衣物银行环保项目",
            )
        bank = self.project(
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
            self.project(
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
        # The ten volunteer teams of 东区, supported by the eldercare centre and the hub.
        for tid, name, community in EAST_TEAMS:
            self.org(
                tid,
                name,
                "VOLUNTEER_TEAM",
                community,
                registration="FILED",
                team_level="GROUP",
                categories=("cat-care",),
            )
            b.link(O.ORG_INCUBATED_BY, tid, hub, stage="INCUBATED", since="2016-06-01")
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
                self.org(
                    oid,
                    oname,
                    kind,
                    community,
                    registration="REGISTERED" if kind == "SOCIAL_WORK_AGENCY" else "FILED",
                    categories=(cat,),
                    serves=(community,),
                )
                seen.add(oid)
            self.project(
                pid, name, oid, (community,), (cat,), start="2016-05-14", budget_yuan=amount
            )
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
        corps = self.org(
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
        self.brigades = {}
        for bid, name, community in (
            ("team-zs-boai-west", "博爱行动义工西区大队", "community-zs-xiqu"),
            ("team-zs-boai-nuanyang", "博爱行动义工暖阳大队", "community-zs-zhuyuan"),
            ("team-zs-boai-longshan", "博爱行动义工沙溪龙山大队", "community-zs-longshan"),
            ("team-zs-boai-welfare", "博爱行动义工儿童福利院大队", "community-zs-xiqu"),
            ("team-zs-boai-huangpu", "博爱行动义工黄圃大队", "community-zs-huangpu"),
            ("team-zs-boai-east", "博爱行动义工东区大队", "community-zs-qiwan"),
            ("team-zs-boai-south", "博爱行动义工南区大队", "community-zs-liangdu"),
        ):
            self.org(
                bid,
                name,
                "VOLUNTEER_TEAM",
                community,
                registration="FILED",
                team_level="BRIGADE",
                founded="2014-07-01",
            )
            b.link(O.ORG_PART_OF, bid, corps)
            self.brigades[community] = bid
        for i in range(1, 4):
            gid = f"team-zs-boai-huangpu-{i}"
            self.org(
                gid,
                f"博爱行动义工黄圃第{i}小组",
                "VOLUNTEER_TEAM",
                "community-zs-huangpu",
                registration="FILED",
                team_level="GROUP",
            )
            b.link(O.ORG_PART_OF, gid, "team-zs-boai-huangpu")
        self.org(
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
            self.project(pid, name, corps, (), (cat,), start="2014-03-01")
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
        self.workers(lianhe, (*EAST, *SOUTH), 6)
        self.workers(
            "org-zs-boai-workers",
            ("community-zs-xiqu", "community-zs-longshan", "community-zs-huangpu"),
            3,
            org_name="中山市博爱社会工作服务中心",
        )
        self.org_id_lianhe = lianhe

    def qingdao(self) -> None:
        b = self.b
        c = "community-qd-xingangshanlu"
        committee = self.org(
            "org-qd-xgsl-committee", "新港山路社区党委", "RESIDENTS_COMMITTEE", c, registration=None
        )
        studio = self.org(
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
        team = self.org(
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
        self.org(
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
                synthetic.near(self.rng, CENTRE[c], 150),
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
            self.project(pid, name, committee, (c,), (cat,), start="2021-06-01")
            b.link(O.ORG_RUNS_PROJECT, studio, pid, role="SUPPORT")
        workers = self.workers(studio, (c,), 3, senior_first=True)
        b.link(P.WORKER_SUPERVISES, workers[0], team)

    def hangzhou(self) -> None:
        b = self.b
        c = "community-hz-qiaosi"
        centre = self.org(
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
            self.org(oid, name, "SOCIAL_ORGANIZATION", c, rating=rating, categories=cats)
            b.link(O.ORG_INCUBATED_BY, oid, centre, stage="OPTIMIZED", since="2020-01-01")
        for i in range(1, 64 - len(named)):
            rating = ratings[i - 1] if i <= len(ratings) else None
            oid = self.org(
                f"org-hz-registered-{i:02d}",
                f"乔司街道第{i}社会组织（登记）",
                "SOCIAL_ORGANIZATION",
                c,
                rating=rating,
            )
            b.link(O.ORG_INCUBATED_BY, oid, centre, stage="INCUBATED", since="2020-06-01")
        for i in range(1, 217):
            community = c if i % 3 else "community-hz-shengjia"
            oid = self.org(
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
        self.project(
            "project-hz-mediation",
            "乔司街道社会矛盾纠纷（非诉类）调解服务",
            "org-hz-yangjinquan",
            (c,),
            ("cat-mediation",),
            start="2020-01-01",
        )
        self.project(
            "project-hz-blue-sky",
            "阳光下 蔚蓝天",
            "org-hz-xinling",
            (c,),
            ("cat-women",),
            start="2021-01-01",
        )
        self.workers("org-hz-xinling", (c, "community-hz-shengjia"), 3)

    def nanjing(self) -> None:
        b = self.b
        c = "community-nj-paifang"
        station = self.org(
            "org-nj-paifang-station",
            "牌坊村社会工作服务站",
            "HUB",
            c,
            description="“如愿社工村”，社区基金与社会工作融合发展标准化试点基地。",
        )
        centre = self.org(
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
        pid = self.project(
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
        self.workers(station, (c,), 2)

    def jinan(self) -> None:
        b = self.b
        c = "community-jn-longdong"
        agency = self.org("org-jn-shannuo", "济南善诺社会工作服务中心", "SOCIAL_WORK_AGENCY", c)
        station = self.org(
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
                    synthetic.name(self.rng),
                    domains,
                    title,
                    affiliation,
                    synthetic.phone(self.rng),
                )
            )
            b.link(P.EXPERT_PART_OF, eid, "thinktank-jn-longdong", since="2021-03-01")
            b.link(P.EXPERT_ADVISES_COMMUNITY, eid, c)
        self.workers(station, (c,), 2)

    # --- people -------------------------------------------------------------------------

    def workers(
        self,
        org: str,
        communities: tuple[str, ...],
        count: int,
        *,
        org_name: str | None = None,
        senior_first: bool = False,
    ) -> list[str]:
        if org_name:
            self.org(org, org_name, "SOCIAL_WORK_AGENCY", communities[0])
        ids = []
        for i in range(count):
            wid = self.next_id("worker")
            qualification = (
                "SENIOR"
                if senior_first and i == 0
                else self.rng.choice(("ASSISTANT", "ASSISTANT", "INTERMEDIATE"))
            )
            self.b.add(
                SocialWorker(
                    wid,
                    synthetic.name(self.rng),
                    qualification,
                    synthetic.phone(self.rng),
                    "督导" if i == 0 else None,
                )
            )
            self.b.link(P.WORKER_EMPLOYED_BY, wid, org, since="2016-01-01")
            for c in communities[i::count] or communities[:1]:
                self.b.link(P.WORKER_COVERS, wid, c)
                self.workers_by_community.setdefault(c, []).append(wid)
            ids.append(wid)
        return ids

    def residents(self, community: str, count: int) -> None:
        rng, b = self.rng, self.b
        langs = LANGUAGES[CITY_OF[community]]
        tag_sets, weights = zip(*TAG_MIX, strict=True)
        for _ in range(count):
            rid = self.next_id("resident")
            tags = rng.choices(tag_sets, weights)[0]
            if "ELDERLY_80_PLUS" in tags:
                birth = rng.randint(1928, 1944)
            elif "ELDERLY" in tags or "EXTREME_POVERTY" in tags:
                birth = rng.randint(1945, 1964)
            elif "CHILD" in tags:
                birth = rng.randint(2011, 2019)
            else:
                birth = rng.randint(1960, 2000)
            spoken = tuple(langs[:1]) if birth < 1960 else tuple(langs)
            if "MIGRANT" in tags:
                spoken = ("MANDARIN",)
            b.add(
                Resident(
                    rid,
                    synthetic.name(rng),
                    synthetic.near(rng, CENTRE[community], 600),
                    phone=synthetic.phone(rng),
                    address=f"{rng.randint(1, 40)}栋{rng.randint(1, 30)}0{rng.randint(1, 6)}",
                    id_number=synthetic.id_number(rng, birth),
                    birth_year=birth,
                    gender=rng.choice(("FEMALE", "MALE")),
                    tags=tags,
                    languages=spoken,
                    consent=True,
                    registered_on=dt.date(2016, rng.randint(1, 12), rng.randint(1, 28)),
                )
            )
            b.link(P.RESIDENT_LIVES_IN, rid, community)
            workers = self.workers_by_community.get(community)
            if workers:
                b.link(P.WORKER_CASE_MANAGER_OF, rng.choice(workers), rid, since="2016-06-01")
            for tag in tags:
                for category, title, per_week, headcount in NEEDS_BY_TAG.get(tag, []):
                    if rng.random() < 0.6:
                        self.need(rid, community, category, title, per_week, headcount)

    def need(
        self,
        resident: str,
        community: str,
        category: str,
        title: str,
        per_week: int,
        headcount: int,
    ) -> None:
        rng = self.rng
        nid = self.next_id("need")
        self.b.add(
            synthetic.need(
                rng,
                nid,
                title,
                per_week,
                headcount,
                created=lambda: (
                    dt.datetime(2024, 1, 1, 9, tzinfo=UTC)
                    + dt.timedelta(days=rng.randint(0, 600), hours=rng.randint(0, 8))
                ),
                language_share=0.4,
                record_closing=True,
            )
        )
        self.b.link(S.RESIDENT_HAS_NEED, resident, nid)
        self.b.link(S.NEED_IN, nid, community)
        self.b.link(S.NEED_OF_CATEGORY, nid, category)
        skill = taxonomy.SKILL_FOR_CATEGORY.get(category)
        if skill:
            self.b.link(S.NEED_REQUIRES, nid, skill)
        self.needs.append((nid, community, category))

    def volunteers(self, community: str, count: int, teams: list[str]) -> None:
        rng, b = self.rng, self.b
        langs = LANGUAGES[CITY_OF[community]]
        skills = [s[0] for s in taxonomy.SKILLS]
        for i in range(count):
            vid = self.next_id("volunteer")
            # Everyone gets a couple of skills; in 东区 every third volunteer can cut hair (义剪).
            held = set(rng.sample(skills, rng.randint(1, 3)))
            if community in EAST and i % 3 == 0:
                held.add("skill-haircut")
            minutes = 0
            records = rng.randint(2, 8)
            for _ in range(records):
                rec = self.next_id("record")
                spent = rng.choice((60, 90, 120, 180, 240))
                verified = rng.random() < 0.8
                day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 600))
                b.add(
                    ServiceRecord(
                        rec,
                        day,
                        spent,
                        rng.randint(1, 5),
                        rng.choice((4, 5, 5, None)),
                        title="上门服务",
                    )
                )
                b.link(S.VOLUNTEER_PERFORMED, vid, rec)
                local = [n for n in self.needs if n[1] == community]
                if local:
                    need, _, category = rng.choice(local)
                    b.link(S.RECORD_FOR, rec, need)
                    b.link(S.RECORD_OF_CATEGORY, rec, category)
                workers = self.workers_by_community.get(community)
                if verified and workers:
                    b.link(
                        S.WORKER_VERIFIED,
                        rng.choice(workers),
                        rec,
                        at=dt.datetime.combine(day, dt.time(18), UTC) + dt.timedelta(days=2),
                    )
                    minutes += spent
            # Long-serving volunteers: past verified hours carried over from the paper ledger.
            minutes += rng.choice((0, 0, 60 * 120, 60 * 350, 60 * 700, 60 * 1100, 60 * 1600))
            b.add(
                Volunteer(
                    vid,
                    synthetic.name(rng),
                    synthetic.near(rng, CENTRE[community], 800),
                    phone=synthetic.phone(rng),
                    certificate_no=f"ZSBA{rng.randrange(10**6):06d}"
                    if CITY_OF[community] == "city-zhongshan"
                    else None,
                    gender=rng.choice(("FEMALE", "FEMALE", "MALE")),
                    birth_year=rng.randint(1950, 2004),
                    service_radius_meters=rng.choice((1000, 1500, 2000, 3000, 5000)),
                    availability=tuple(sorted(rng.sample(SLOTS, rng.randint(2, 6)))),
                    languages=tuple(langs if rng.random() < 0.7 else langs[1:]),
                    status=rng.choices(("ACTIVE", "PAUSED", "LEFT"), (10, 1, 0.5))[0],
                    max_load=rng.choice((1, 2, 2, 3)),
                    verified_minutes=minutes,
                    star_level=star_level(minutes),
                    joined_on=dt.date(rng.randint(2014, 2023), rng.randint(1, 12), 1),
                )
            )
            b.link(P.VOLUNTEER_SERVES_AREA, vid, community)
            for skill in sorted(held):
                b.link(
                    P.VOLUNTEER_HAS_SKILL,
                    vid,
                    skill,
                    level=rng.choice(("BASIC", "SKILLED", "PROFESSIONAL")),
                    certified=rng.random() < 0.3,
                )
            for team in teams:
                b.link(
                    P.VOLUNTEER_MEMBER_OF,
                    vid,
                    team,
                    role=rng.choices(("MEMBER", "CORE", "LEADER"), (8, 2, 0.5))[0],
                    since=f"{rng.randint(2014, 2023)}-0{rng.randint(1, 9)}-01",
                )
            self.volunteers_by_community.setdefault(community, []).append(vid)

    def people(self) -> None:
        rng = self.rng
        team_of = {c: [t for t, _, home in EAST_TEAMS if home == c] for c in EAST}
        for cid, *_ in COMMUNITIES:
            self.residents(cid, rng.randint(8, 12))
        for cid, *_ in COMMUNITIES:
            teams = list(team_of.get(cid, []))
            if not teams and cid in EAST:
                teams = [rng.choice(EAST_TEAMS)[0]]
            brigade = self.brigades.get(cid) or (
                "team-zs-boai-east"
                if cid in EAST
                else "team-zs-boai-south"
                if cid in SOUTH
                else None
            )
            if brigade:
                teams.append(brigade)
            if cid == "community-qd-xingangshanlu":
                teams.append("team-qd-linli-jieyou")
            self.volunteers(cid, 6 if cid in EAST else 4, teams)

    def workflows(self) -> None:
        """A few assignments, recruitments, sign-ups, referrals and allocations."""
        rng, b = self.rng, self.b
        for nid, community, _ in self.needs:
            volunteers = self.volunteers_by_community.get(community)
            if volunteers and rng.random() < 0.3:
                b.link(
                    S.VOLUNTEER_ASSIGNED,
                    rng.choice(volunteers),
                    nid,
                    since=dt.datetime(2025, 3, 1, 10, tzinfo=UTC),
                    by="worker-0001",
                )
        for i, (community, org, title) in enumerate(
            (
                ("community-zs-qiwan", "org-zs-east-hub", "衣物银行周末分拣义工招募"),
                ("community-zs-liangdu", self.org_id_lianhe, "良都长者探访义工招募"),
                ("community-qd-xingangshanlu", "org-qd-senior-studio", "“邻里节”活动志愿者招募"),
                ("community-hz-qiaosi", "org-hz-huahu", "胡阿虎便民服务日志愿者招募"),
            ),
            start=1,
        ):
            rid = f"recruitment-{i:02d}"
            starts = dt.datetime(2026, 12, 5 + i, 1, tzinfo=UTC)
            b.add(
                Recruitment(
                    rid,
                    title,
                    capacity=rng.choice((10, 20, 30)),
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=4),
                    place="社区服务中心",
                )
            )
            b.link(S.RECRUITMENT_RUN_BY, org, rid)
            b.link(S.RECRUITMENT_IN, rid, community)
            for vid in (self.volunteers_by_community.get(community) or [])[:3]:
                b.link(
                    S.VOLUNTEER_SIGNED_UP,
                    vid,
                    rid,
                    at=starts - dt.timedelta(days=3),
                    status="SIGNED_UP",
                )
        b.link(S.RECRUITMENT_FOR, "recruitment-01", "project-zs-clothes-bank")
        b.link(S.RECRUITMENT_REQUIRES, "recruitment-01", "skill-sorting")
        b.link(S.RECRUITMENT_LOCATED_AT, "recruitment-01", "venue-zs-east-hub")
        legal = [n for n in self.needs if n[2] in {"cat-legal", "cat-mental"}][:3]
        for i, (nid, _, _) in enumerate(legal, start=1):
            ref = f"referral-{i:02d}"
            b.add(
                Referral(
                    ref,
                    status=("PENDING", "ACCEPTED", "COMPLETED")[i % 3],
                    reason="需要专业服务",
                    created_at=dt.datetime(2025, 4, i, 9, tzinfo=UTC),
                )
            )
            b.link(S.ORG_REFERRED, self.org_id_lianhe, ref)
            b.link(S.REFERRAL_TO, ref, "org-hz-xinling" if i % 2 else "org-zs-zhiyuan")
            b.link(S.REFERRAL_ABOUT, ref, nid)
        relief = [n for n in self.needs if n[2] == "cat-relief"][:2]
        for nid, _, _ in relief:
            b.link(
                S.RESOURCE_ALLOCATED_TO,
                "resource-zs-clothes",
                nid,
                id=f"allocation-{nid}",
                quantity=20,
                at=dt.datetime(2025, 1, 10, tzinfo=UTC),
                by="worker-0001",
            )

    def scenarios(self) -> None:
        """Named people for the stories the reports tell, so tests and demos can point at them.

        Around 起湾社区 (东区): 林婆婆, 85, living alone and speaking only Cantonese, with a weekly
        Tuesday-morning visit, a Cantonese chat on Thursday afternoons and a home clinic for
        which a pair of volunteers is needed; and the volunteers who are, or are not, able to
        serve her, each for one reason.
        """
        b = self.b
        home = CENTRE["community-zs-qiwan"]

        def at(north_m: float, east_m: float) -> Point:
            return Point(
                round(home.latitude + north_m / 111_320, 6),
                round(home.longitude + east_m / 104_000, 6),
            )

        elder = "resident-zs-qiwan-01"
        b.add(
            Resident(
                elder,
                "林婆婆",
                at(0, 0),
                phone="10012345678",
                address="起湾社区 3栋 502",
                id_number="99000019410315002X",
                birth_year=1941,
                gender="FEMALE",
                tags=("ELDERLY_80_PLUS", "LIVING_ALONE"),
                languages=("CANTONESE",),
                consent=True,
                registered_on=dt.date(2016, 3, 1),
            )
        )
        b.link(P.RESIDENT_LIVES_IN, elder, "community-zs-qiwan")
        worker = self.workers_by_community["community-zs-qiwan"][0]
        b.link(P.WORKER_CASE_MANAGER_OF, worker, elder, since="2016-03-01")
        created = dt.datetime(2026, 11, 2, 9, tzinfo=UTC)
        for nid, title, cat, skill, slots, headcount, language, status in (
            ("need-zs-qiwan-01-visit", "每周上门探访", "cat-visit", "skill-visit",
             ("TUE_AM",), 1, False, "OPEN"),
            ("need-zs-qiwan-01-chat", "粤语陪伴聊天", "cat-visit", "skill-visit",
             ("THU_PM",), 1, True, "OPEN"),
            ("need-zs-qiwan-01-clinic", "上门义诊", "cat-clinic", "skill-clinic",
             ("WED_AM",), 2, False, "OPEN"),
            ("need-zs-qiwan-01-haircut", "上门义剪", "cat-haircut", "skill-haircut",
             ("SAT_AM",), 1, False, "CLOSED"),
        ):  # fmt: skip
            b.add(
                S.Need(
                    nid,
                    title,
                    status=status,
                    urgency="HIGH" if nid == "need-zs-qiwan-01-visit" else "NORMAL",
                    urgency_rank=S.URGENCY_RANK[
                        "HIGH" if nid == "need-zs-qiwan-01-visit" else "NORMAL"
                    ],
                    source="HOME_VISIT",
                    headcount=headcount,
                    slots=slots,
                    duration_minutes=60,
                    language_required=language,
                    created_at=created,
                )
            )
            b.link(S.RESIDENT_HAS_NEED, elder, nid)
            b.link(S.NEED_IN, nid, "community-zs-qiwan")
            b.link(S.NEED_OF_CATEGORY, nid, cat)
            b.link(S.NEED_REQUIRES, nid, skill)
        # Two other residents' needs that keep some volunteers busy.
        for rid, nid, slots in (
            ("resident-zs-neighbour-1", "need-zs-neighbour-visit", ("TUE_AM",)),
            ("resident-zs-neighbour-2", "need-zs-neighbour-shopping", ("WED_PM",)),
        ):
            b.add(
                Resident(
                    rid,
                    synthetic.name(self.rng),
                    at(150, -120),
                    phone=synthetic.phone(self.rng),
                    address="起湾社区 5栋 201",
                    id_number=synthetic.id_number(self.rng, 1946),
                    birth_year=1946,
                    tags=("ELDERLY",),
                    languages=("CANTONESE", "MANDARIN"),
                    consent=True,
                )
            )
            b.link(P.RESIDENT_LIVES_IN, rid, "community-zs-qiwan")
            b.add(S.Need(nid, "邻居探访", status="MATCHED", slots=slots, created_at=created))
            b.link(S.RESIDENT_HAS_NEED, rid, nid)
            b.link(S.NEED_IN, nid, "community-zs-qiwan")
            b.link(S.NEED_OF_CATEGORY, nid, "cat-visit")
            b.link(S.NEED_REQUIRES, nid, "skill-visit")
        # (id, name, metres north, metres east, radius, slots, languages, skills, status, max
        # load, teams): each volunteer is in or out for one reason.
        people = (
            ("volunteer-zs-near", "何姨", 300, 0, 2000, ("TUE_AM", "THU_PM"),
             ("CANTONESE", "MANDARIN"), ("skill-visit",), "ACTIVE", 2, ("team-zs-linshe",)),
            ("volunteer-zs-regular", "陈叔", 0, 900, 1500, ("TUE_AM", "SAT_AM"),
             ("CANTONESE",), ("skill-chat", "skill-haircut"), "ACTIVE", 2, ("team-zs-linshe",)),
            ("volunteer-zs-far", "远方", 3500, 0, 1000, ("TUE_AM",),
             ("CANTONESE",), ("skill-visit",), "ACTIVE", 2, ()),
            ("volunteer-zs-busy", "忙碌", 200, 100, 2000, ("TUE_AM",),
             ("CANTONESE",), ("skill-visit",), "ACTIVE", 3, ()),
            ("volunteer-zs-loaded", "满载", 250, -100, 2000, ("TUE_AM", "WED_PM"),
             ("CANTONESE",), ("skill-visit",), "ACTIVE", 1, ()),
            ("volunteer-zs-paused", "暂停", 100, 100, 2000, ("TUE_AM",),
             ("CANTONESE",), ("skill-visit",), "PAUSED", 2, ()),
            ("volunteer-zs-mandarin", "普通话", 200, 200, 2000, ("THU_PM",),
             ("MANDARIN",), ("skill-chat",), "ACTIVE", 2, ()),
            ("volunteer-zs-tcm", "中医李", 400, 300, 3000, ("WED_AM",),
             ("CANTONESE", "MANDARIN"), ("skill-tcm-clinic",), "ACTIVE", 2,
             ("team-zs-mantianxin",)),
            ("volunteer-zs-doctor", "医生王", 500, -300, 3000, ("WED_AM",),
             ("MANDARIN",), ("skill-clinic",), "ACTIVE", 2, ("team-zs-mantianxin",)),
        )  # fmt: skip
        # Their verified service records below, plus hours carried over from the paper ledger.
        VERIFIED = {"volunteer-zs-near": 130 * 60, "volunteer-zs-regular": 60}  # noqa: N806
        for vid, name, north, east, radius, slots, langs, skills, status, load, teams in people:
            b.add(
                Volunteer(
                    vid,
                    name,
                    at(north, east),
                    phone=synthetic.phone(self.rng),
                    service_radius_meters=radius,
                    availability=slots,
                    languages=langs,
                    status=status,
                    max_load=load,
                    verified_minutes=VERIFIED.get(vid, 0),
                    star_level=star_level(VERIFIED.get(vid, 0)),
                    joined_on=dt.date(2018, 5, 1),
                )
            )
            b.link(P.VOLUNTEER_SERVES_AREA, vid, "community-zs-qiwan")
            for skill in skills:
                b.link(P.VOLUNTEER_HAS_SKILL, vid, skill, level="SKILLED", certified=False)
            for team in teams:
                b.link(P.VOLUNTEER_MEMBER_OF, vid, team, role="MEMBER", since="2018-05-01")
        since = dt.datetime(2026, 11, 3, 9, tzinfo=UTC)
        b.link(S.VOLUNTEER_ASSIGNED, "volunteer-zs-busy", "need-zs-neighbour-visit",
               since=since, by=worker, slots=["TUE_AM"])  # fmt: skip
        b.link(S.VOLUNTEER_ASSIGNED, "volunteer-zs-loaded", "need-zs-neighbour-shopping",
               since=since, by=worker, slots=["WED_PM"])  # fmt: skip
        # 陈叔 cut 林婆婆's hair last year: continuity. 何姨 has 30 verified hours of visits.
        for rec, vid, need, cat, day, minutes in (
            ("record-zs-qiwan-01-haircut", "volunteer-zs-regular", "need-zs-qiwan-01-haircut",
             "cat-haircut", dt.date(2025, 10, 11), 60),
            ("record-zs-near-visits", "volunteer-zs-near", "need-zs-neighbour-visit",
             "cat-visit", dt.date(2025, 12, 1), 30 * 60),
        ):  # fmt: skip
            b.add(ServiceRecord(rec, day, minutes, 1, 5, title="上门服务"))
            b.link(S.VOLUNTEER_PERFORMED, vid, rec)
            b.link(S.RECORD_FOR, rec, need)
            b.link(S.RECORD_OF_CATEGORY, rec, cat)
            verified_at = dt.datetime.combine(day, dt.time(18), UTC)
            b.link(S.WORKER_VERIFIED, worker, rec, at=verified_at)
            credit = f"credit-{rec}"
            b.add(S.TimeBankEntry(credit, minutes, "EARNED", verified_at))
            b.link(S.VOLUNTEER_HOLDS, vid, credit)
            b.link(S.ENTRY_EARNED_BY, credit, rec)
        # A care pack on offer for visits to elders (慰问包), from the eldercare centre.
        b.add(
            Resource(
                "resource-zs-care-packs",
                "长者慰问包",
                "GOODS",
                40,
                "份",
                available_from=dt.date(2026, 1, 1),
                available_until=dt.date(2027, 12, 31),
                description="米、油、日用品，探访时带给独居长者。",
            )
        )
        b.link(O.ORG_OFFERS, "org-zs-east-eldercare", "resource-zs-care-packs")
        b.link(O.RESOURCE_OF_CATEGORY, "resource-zs-care-packs", "cat-care")
        # 何姨's mother lives nearby; 何姨 may spend time-bank credits on her care.
        b.link(S.VOLUNTEER_FAMILY_OF, "volunteer-zs-near", "resident-zs-neighbour-1",
               relation="PARENT")  # fmt: skip


def build() -> Batch:
    demo = Demo()
    demo.places()
    demo.taxonomies()
    demo.zhongshan()
    demo.qingdao()
    demo.hangzhou()
    demo.nanjing()
    demo.jinan()
    demo.people()
    demo.workflows()
    demo.scenarios()
    return demo.b


async def load(store: GraphStore) -> dict[str, int]:
    """Write the demo set; idempotent, so loading it twice changes nothing."""
    return dict(await build().flush(store))
