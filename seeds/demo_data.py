"""The demo's data: the places, programmes and names the field reports give, and the mixes the
synthetic people are drawn from. ``seeds.demo`` builds the graph from them.

Each figure a report gives is cited where it is used (report file and line, under the
project's field reports); tests/seeds/test_demo_truth.py asserts them against the loaded demo.
"""

from __future__ import annotations

from graph.model.entities import Point
from graph.model.places import City
from seeds import synthetic

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
        "community-zs-beixi",  # 曹边村 is a village of 北溪社区 (south-district report, line 23)
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
        "community-zs-beixi",  # held in 曹边村, 北溪社区 (south-district report, line 23)
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

# 博爱行动义工's brigades (boai report, lines 3, 19, 27): (id, name, home community). Each keeps its
# own key and members; 西区 and 儿童福利院 share a community but not a brigade.
BOAI_BRIGADES = [
    ("team-zs-boai-west", "博爱行动义工西区大队", "community-zs-xiqu"),
    ("team-zs-boai-nuanyang", "博爱行动义工暖阳大队", "community-zs-zhuyuan"),
    ("team-zs-boai-longshan", "博爱行动义工沙溪龙山大队", "community-zs-longshan"),
    ("team-zs-boai-welfare", "博爱行动义工儿童福利院大队", "community-zs-xiqu"),
    ("team-zs-boai-huangpu", "博爱行动义工黄圃大队", "community-zs-huangpu"),
    ("team-zs-boai-east", "博爱行动义工东区大队", "community-zs-qiwan"),
    ("team-zs-boai-south", "博爱行动义工南区大队", "community-zs-liangdu"),
]
# zhongshan-boai-volunteer-report.txt:19 — 黄圃 trained 24 义工骨干 out of 200-odd volunteers and
# split them into three 博爱行动义工小组: the demo's 黄圃 volunteers are those 24.
HUANGPU_CORE_VOLUNTEERS = 24
HUANGPU_GROUPS = 3
# zhongshan-boai-volunteer-report.txt:15 — 200多人 recruited, 义工服务时数1000多小时 since early
# 2014: some 5 hours a volunteer. The demo's corps members serve on that scale (a few records of
# one to three hours each), so none comes near the 100 hours of a first star.
BOAI_RECORDS_PER_VOLUNTEER = (1, 3)
# The corps' own brands (line 15: 情暖夕阳, 邻里互助; line 27: 豆豆绘本屋): (project, category).
BOAI_PROJECTS = [
    ("project-zs-qingnuan", "cat-visit"),
    ("project-zs-linli", "cat-pairing"),
    ("project-zs-doudou", "cat-tutoring"),
]
BOAI_RECORD_MINUTES = (60, 90, 120, 180)

# zhongshan-east-district-volunteers.txt:21 — by February 2017 the hub had incubated 7
# organizations and social enterprises (衣物银行 among them), helped 5 improve and brought in
# 33: 45 in all. The report names only 衣物银行; the others' names are illustrative. 中山联和
# runs the hub (line 13: 统筹运营方), so it is none of these.
EAST_HUB_INCUBATED = 7
EAST_HUB_OPTIMIZED = 5
EAST_HUB_INTRODUCED = 33
