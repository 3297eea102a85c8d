"""The domain's vocabularies, each value explained in English with the Chinese term in use.

These descriptions are what GraphiQL's docs show, so they are written for a social worker or an
analyst as much as for a developer.
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Sort direction.")
class SortDirection(Enum):
    ASC = strawberry.enum_value("ASC", description="Smallest, earliest or A first (升序).")
    DESC = strawberry.enum_value("DESC", description="Largest, latest or Z first (降序).")


@strawberry.enum(description="Urban community or rural village (社区 / 村).")
class CommunityKind(Enum):
    COMMUNITY = strawberry.enum_value("COMMUNITY", description="Urban residents' community (社区).")
    VILLAGE = strawberry.enum_value("VILLAGE", description="Rural administrative village (村).")


@strawberry.enum(description="Gender as recorded (性别).")
class Gender(Enum):
    FEMALE = strawberry.enum_value("FEMALE", description="Female (女).")
    MALE = strawberry.enum_value("MALE", description="Male (男).")


@strawberry.enum(
    description="Why a resident may need service (服务对象类别). A resident can carry several."
)
class VulnerabilityTag(Enum):
    ELDERLY_80_PLUS = strawberry.enum_value(
        "ELDERLY_80_PLUS", description="Aged 80 or over (80岁以上高龄老人)."
    )
    ELDERLY = strawberry.enum_value("ELDERLY", description="Aged 60 to 79 (老年人).")
    LIVING_ALONE = strawberry.enum_value(
        "LIVING_ALONE", description="Lives alone or without family care (独居 / 孤寡)."
    )
    DISABLED = strawberry.enum_value("DISABLED", description="Person with a disability (残疾人).")
    MENTAL_HEALTH = strawberry.enum_value(
        "MENTAL_HEALTH", description="Person with a mental disorder (精神障碍患者 / 精神病患者)."
    )
    LOW_INCOME = strawberry.enum_value(
        "LOW_INCOME", description="Receives minimum living allowance (低保对象)."
    )
    EXTREME_POVERTY = strawberry.enum_value(
        "EXTREME_POVERTY",
        description="Extreme poverty support: no income, no ability to work, no carer "
        "(特困 / 三无 / 五保).",
    )
    HARDSHIP_FAMILY = strawberry.enum_value(
        "HARDSHIP_FAMILY", description="Family in difficulty (困难家庭)."
    )
    MIGRANT = strawberry.enum_value(
        "MIGRANT", description="Migrant resident or their child (流动人口 / 外来人员)."
    )
    CHILD = strawberry.enum_value("CHILD", description="Child under 14 (儿童).")
    LEFT_BEHIND_CHILD = strawberry.enum_value(
        "LEFT_BEHIND_CHILD", description="Child whose parents work away (留守儿童)."
    )
    CHILD_SPECIAL_NEEDS = strawberry.enum_value(
        "CHILD_SPECIAL_NEEDS",
        description="Child with cerebral palsy, autism or learning difficulty "
        "(脑瘫 / 自闭症 / 学习困难儿童).",
    )
    SINGLE_PARENT_FAMILY = strawberry.enum_value(
        "SINGLE_PARENT_FAMILY", description="Single-parent family in hardship (单亲特困家庭)."
    )
    NEW_EMPLOYMENT = strawberry.enum_value(
        "NEW_EMPLOYMENT",
        description="New-employment worker: couriers, delivery riders (新就业群体 / 小哥).",
    )
    DOMESTIC_VIOLENCE_RISK = strawberry.enum_value(
        "DOMESTIC_VIOLENCE_RISK", description="At risk of domestic violence (家暴风险)."
    )


@strawberry.enum(description="Languages and dialects spoken (语言 / 方言).")
class Language(Enum):
    MANDARIN = strawberry.enum_value("MANDARIN", description="Mandarin (普通话).")
    CANTONESE = strawberry.enum_value("CANTONESE", description="Cantonese (粤语 / 白话).")
    HAKKA = strawberry.enum_value("HAKKA", description="Hakka (客家话).")
    MINNAN = strawberry.enum_value("MINNAN", description="Southern Min (闽南语).")
    WU = strawberry.enum_value("WU", description="Wu, e.g. Hangzhou speech (吴语 / 杭州话).")
    JIAOLIAO = strawberry.enum_value(
        "JIAOLIAO", description="Jiao-Liao Mandarin, e.g. Qingdao speech (胶辽官话 / 青岛话)."
    )
    JILU = strawberry.enum_value(
        "JILU", description="Ji-Lu Mandarin, e.g. Jinan speech (冀鲁官话 / 济南话)."
    )
    JIANGHUAI = strawberry.enum_value(
        "JIANGHUAI", description="Jianghuai Mandarin, e.g. Nanjing speech (江淮官话 / 南京话)."
    )
    ENGLISH = strawberry.enum_value("ENGLISH", description="English (英语).")
    SIGN_LANGUAGE = strawberry.enum_value(
        "SIGN_LANGUAGE", description="Chinese Sign Language (手语)."
    )


_DAYS = {
    "MON": ("Monday", "周一"),
    "TUE": ("Tuesday", "周二"),
    "WED": ("Wednesday", "周三"),
    "THU": ("Thursday", "周四"),
    "FRI": ("Friday", "周五"),
    "SAT": ("Saturday", "周六"),
    "SUN": ("Sunday", "周日"),
}
_PARTS = {
    "AM": ("morning, 8:00–12:00", "上午"),
    "PM": ("afternoon, 14:00–18:00", "下午"),
    "EVE": ("evening, 19:00–21:00", "晚上"),
}
SLOT_VALUES = [f"{day}_{part}" for day in _DAYS for part in _PARTS]

WeeklySlot = strawberry.enum(
    Enum(  # type: ignore[misc]
        "WeeklySlot",
        {
            f"{day}_{part}": strawberry.enum_value(
                f"{day}_{part}",
                description=f"{_DAYS[day][0]} {_PARTS[part][0]} "
                f"({_DAYS[day][1]}{_PARTS[part][1]}).",
            )
            for day in _DAYS
            for part in _PARTS
        },
    ),
    description="A recurring weekly time slot (每周服务时段), e.g. TUE_AM: "
    + "; ".join(f"{p}: {en} ({zh})" for p, (en, zh) in _PARTS.items())
    + ". Days: "
    + ", ".join(f"{d} {en} ({zh})" for d, (en, zh) in _DAYS.items())
    + ".",
)


@strawberry.enum(
    description="Where a need is in its life (需求状态): OPEN → MATCHED → IN_SERVICE → CLOSED."
)
class NeedStatus(Enum):
    OPEN = strawberry.enum_value("OPEN", description="Reported, nobody assigned yet (待匹配).")
    MATCHED = strawberry.enum_value("MATCHED", description="Volunteers assigned (已匹配).")
    IN_SERVICE = strawberry.enum_value("IN_SERVICE", description="Service under way (服务中).")
    CLOSED = strawberry.enum_value("CLOSED", description="Served and closed (已结案).")
    CANCELLED = strawberry.enum_value("CANCELLED", description="Withdrawn (已取消).")


@strawberry.enum(description="How urgent a need is (紧急程度).")
class Urgency(Enum):
    LOW = strawberry.enum_value("LOW", description="Can wait weeks (一般).")
    NORMAL = strawberry.enum_value("NORMAL", description="Within the week (常规).")
    HIGH = strawberry.enum_value("HIGH", description="Within a day or two (较急).")
    CRITICAL = strawberry.enum_value("CRITICAL", description="Today: safety at risk (紧急).")


@strawberry.enum(description="How a need came to be known (需求来源).")
class NeedSource(Enum):
    SURVEY = strawberry.enum_value(
        "SURVEY", description="Needs survey / door-to-door census (需求调查 / 摸底)."
    )
    HOME_VISIT = strawberry.enum_value(
        "HOME_VISIT", description="Found on a home visit (入户探访)."
    )
    REFERRAL = strawberry.enum_value("REFERRAL", description="Referred by an organization (转介).")
    SELF_REPORT = strawberry.enum_value(
        "SELF_REPORT", description="Asked by the resident or family (主动求助)."
    )
    COMMUNITY_COMMITTEE = strawberry.enum_value(
        "COMMUNITY_COMMITTEE", description="Reported by the residents' committee (居委会反映)."
    )


@strawberry.enum(description="A volunteer's standing (义工状态).")
class VolunteerStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="Serving (在岗).")
    PAUSED = strawberry.enum_value("PAUSED", description="Temporarily not taking services (暂停).")
    LEFT = strawberry.enum_value("LEFT", description="No longer a volunteer (已退出).")


@strawberry.enum(description="How well a volunteer masters a skill (专长水平).")
class SkillLevel(Enum):
    BASIC = strawberry.enum_value("BASIC", description="Trained for it (接受过培训).")
    SKILLED = strawberry.enum_value("SKILLED", description="Experienced (熟练).")
    PROFESSIONAL = strawberry.enum_value(
        "PROFESSIONAL", description="Holds a professional qualification (专业资格, e.g. 中医师)."
    )


@strawberry.enum(description="A member's role in a team or organization (成员角色).")
class MemberRole(Enum):
    MEMBER = strawberry.enum_value("MEMBER", description="Member (队员).")
    CORE = strawberry.enum_value("CORE", description="Core volunteer (义工骨干).")
    LEADER = strawberry.enum_value("LEADER", description="Team leader (队长 / 负责人).")


@strawberry.enum(description="Social work qualification (社会工作者职业水平).")
class Qualification(Enum):
    ASSISTANT = strawberry.enum_value(
        "ASSISTANT", description="Assistant social worker (助理社会工作师)."
    )
    INTERMEDIATE = strawberry.enum_value("INTERMEDIATE", description="Social worker (社会工作师).")
    SENIOR = strawberry.enum_value("SENIOR", description="Senior social worker (高级社会工作师).")


@strawberry.enum(description="What kind of organization (组织类型).")
class OrganizationKind(Enum):
    SOCIAL_WORK_AGENCY = strawberry.enum_value(
        "SOCIAL_WORK_AGENCY",
        description="Social work service agency (社工机构 / 社会工作服务中心).",
    )
    SOCIAL_ORGANIZATION = strawberry.enum_value(
        "SOCIAL_ORGANIZATION",
        description="Registered social organization: association or private non-enterprise unit "
        "(社会组织 / 社会团体 / 民办非企业单位).",
    )
    COMMUNITY_GROUP = strawberry.enum_value(
        "COMMUNITY_GROUP",
        description="Community-based group or interest group (社区社会组织 / 兴趣组织).",
    )
    VOLUNTEER_TEAM = strawberry.enum_value(
        "VOLUNTEER_TEAM",
        description="Volunteer team at any level: group, brigade, corps (义工队 / 志愿服务队).",
    )
    HUB = strawberry.enum_value(
        "HUB",
        description="Hub platform that incubates and links others: public-benefit park, "
        "social work station, social organization service centre (枢纽平台 / 公益园 / 社工站).",
    )
    SOCIAL_ENTERPRISE = strawberry.enum_value(
        "SOCIAL_ENTERPRISE", description="Social enterprise (社会企业)."
    )
    ENTERPRISE = strawberry.enum_value(
        "ENTERPRISE", description="Company, caring enterprise (企业 / 爱心企业)."
    )
    FOUNDATION = strawberry.enum_value(
        "FOUNDATION", description="Foundation or charity federation (基金会 / 慈善总会)."
    )
    GOVERNMENT = strawberry.enum_value(
        "GOVERNMENT",
        description="Government office: civil affairs bureau, street office "
        "(政府部门 / 民政局 / 街道办).",
    )
    RESIDENTS_COMMITTEE = strawberry.enum_value(
        "RESIDENTS_COMMITTEE", description="Residents' or villagers' committee (居委会 / 村委会)."
    )
    CLINIC = strawberry.enum_value(
        "CLINIC",
        description="Health provider: community health centre, hospital (社区卫生服务中心 / 医院).",
    )
    SCHOOL = strawberry.enum_value("SCHOOL", description="School or university (学校 / 高校).")
    ELDERCARE_CENTRE = strawberry.enum_value(
        "ELDERCARE_CENTRE", description="Home-based elderly care centre (居家养老服务中心)."
    )
    WELFARE_INSTITUTION = strawberry.enum_value(
        "WELFARE_INSTITUTION",
        description="Welfare institution, e.g. children's welfare home (福利院).",
    )


@strawberry.enum(description="Legal standing of an organization (登记状态).")
class Registration(Enum):
    REGISTERED = strawberry.enum_value(
        "REGISTERED", description="Registered with the civil affairs bureau (登记注册)."
    )
    FILED = strawberry.enum_value(
        "FILED", description="Filed with the street office or community (备案管理)."
    )
    INFORMAL = strawberry.enum_value(
        "INFORMAL", description="Not registered: grassroots group (草根组织)."
    )


@strawberry.enum(description="Social organization evaluation grade (社会组织评估等级).")
class Rating(Enum):
    GRADE_1A = strawberry.enum_value(1, description="1A (一级).")
    GRADE_2A = strawberry.enum_value(2, description="2A (二级).")
    GRADE_3A = strawberry.enum_value(3, description="3A (三级).")
    GRADE_4A = strawberry.enum_value(4, description="4A (四级).")
    GRADE_5A = strawberry.enum_value(5, description="5A, the highest (五级).")


@strawberry.enum(description="Level of a volunteer team in its hierarchy (队伍层级).")
class TeamLevel(Enum):
    GROUP = strawberry.enum_value("GROUP", description="Group of a few volunteers (义工小组).")
    BRIGADE = strawberry.enum_value("BRIGADE", description="Brigade of a town or unit (大队).")
    CORPS = strawberry.enum_value("CORPS", description="City-wide corps (总队).")


@strawberry.enum(description="How a hub supports an organization (孵化方式).")
class IncubationStage(Enum):
    INCUBATED = strawberry.enum_value("INCUBATED", description="Incubated from scratch (孵化).")
    OPTIMIZED = strawberry.enum_value("OPTIMIZED", description="Helped to improve (协助优化).")
    INTRODUCED = strawberry.enum_value(
        "INTRODUCED", description="Brought in to serve the area (引进)."
    )
    GRADUATED = strawberry.enum_value(
        "GRADUATED", description="Left the incubator, independent (出壳)."
    )


@strawberry.enum(description="Where a project is (项目状态).")
class ProjectStatus(Enum):
    PLANNED = strawberry.enum_value("PLANNED", description="Planned (筹备中).")
    ACTIVE = strawberry.enum_value("ACTIVE", description="Running (实施中).")
    COMPLETED = strawberry.enum_value("COMPLETED", description="Finished (已结项).")


@strawberry.enum(description="What kind of fund (基金类型).")
class FundKind(Enum):
    COMMUNITY_FUND = strawberry.enum_value(
        "COMMUNITY_FUND", description="Community fund raised locally (社区基金 / 社区慈善基金)."
    )
    SEED_FUND = strawberry.enum_value(
        "SEED_FUND", description="Seed money for new groups (种子资金)."
    )
    VENTURE_PHILANTHROPY = strawberry.enum_value(
        "VENTURE_PHILANTHROPY", description="Competitive grant round (公益创投)."
    )
    GOVERNMENT_PURCHASE = strawberry.enum_value(
        "GOVERNMENT_PURCHASE", description="Government purchase of services (政府购买服务)."
    )
    PILOT_FUNDING = strawberry.enum_value(
        "PILOT_FUNDING", description="Pilot programme funding from civil affairs (试点经费)."
    )
    CHARITY_FUND = strawberry.enum_value(
        "CHARITY_FUND", description="Named charity fund at a foundation (慈善专项基金)."
    )


@strawberry.enum(description="Fields a think-tank expert advises on (智库专家领域).")
class ExpertDomain(Enum):
    CASEWORK = strawberry.enum_value("CASEWORK", description="Casework and counselling (个案辅导).")
    PSYCHOLOGICAL_COUNSELLING = strawberry.enum_value(
        "PSYCHOLOGICAL_COUNSELLING", description="Psychological counselling (心理咨询)."
    )
    SERVICE_PLANNING = strawberry.enum_value(
        "SERVICE_PLANNING", description="Social service planning (社会服务规划)."
    )
    COMMUNITY_VOLUNTEERING = strawberry.enum_value(
        "COMMUNITY_VOLUNTEERING", description="Community volunteer service (社区志愿服务)."
    )
    CULTURAL_ELDERCARE = strawberry.enum_value(
        "CULTURAL_ELDERCARE", description="Culture and elderly care (文化养老)."
    )
    ADVENTURE_EDUCATION = strawberry.enum_value(
        "ADVENTURE_EDUCATION", description="Adventure-based education (历奇教育)."
    )
    LEGAL_AFFAIRS = strawberry.enum_value("LEGAL_AFFAIRS", description="Legal affairs (法律事务).")
    PROPERTY_MANAGEMENT = strawberry.enum_value(
        "PROPERTY_MANAGEMENT", description="Property management (物业管理)."
    )
    PUBLIC_POLICY = strawberry.enum_value(
        "PUBLIC_POLICY", description="Public policy research (公共政策研究)."
    )
    COMMUNITY_GOVERNANCE = strawberry.enum_value(
        "COMMUNITY_GOVERNANCE",
        description="Community governance, as a community secretary (社区治理 / 优秀社区书记).",
    )


@strawberry.enum(description="What a charity resource is (慈善资源类型).")
class ResourceKind(Enum):
    GOODS = strawberry.enum_value("GOODS", description="Goods: clothes, food, daily items (物资).")
    VENUE_TIME = strawberry.enum_value("VENUE_TIME", description="Time in a venue (场地时段).")
    MONEY = strawberry.enum_value("MONEY", description="Money for a purpose (资金).")
    SERVICE_SLOT = strawberry.enum_value(
        "SERVICE_SLOT", description="Places in a service: check-ups, haircuts, classes (服务名额)."
    )


@strawberry.enum(description="Whether a recruitment takes sign-ups (招募状态).")
class RecruitmentStatus(Enum):
    OPEN = strawberry.enum_value("OPEN", description="Taking sign-ups (招募中).")
    FULL = strawberry.enum_value("FULL", description="Capacity reached (已满).")
    CLOSED = strawberry.enum_value("CLOSED", description="Closed (已结束).")


@strawberry.enum(description="A volunteer's sign-up (报名状态).")
class SignUpStatus(Enum):
    SIGNED_UP = strawberry.enum_value("SIGNED_UP", description="Signed up (已报名).")
    WITHDRAWN = strawberry.enum_value("WITHDRAWN", description="Withdrew (已退出).")
    ATTENDED = strawberry.enum_value("ATTENDED", description="Took part (已参加).")
    NO_SHOW = strawberry.enum_value("NO_SHOW", description="Did not come (缺席).")


@strawberry.enum(
    description="A referral between organizations (转介状态): "
    "PENDING → ACCEPTED/DECLINED → COMPLETED."
)
class ReferralStatus(Enum):
    PENDING = strawberry.enum_value("PENDING", description="Sent, not answered (待接收).")
    ACCEPTED = strawberry.enum_value("ACCEPTED", description="Accepted by the receiver (已接收).")
    DECLINED = strawberry.enum_value("DECLINED", description="Declined by the receiver (已拒绝).")
    COMPLETED = strawberry.enum_value("COMPLETED", description="Served, outcome reported (已完成).")


@strawberry.enum(description="A time-bank entry's direction (时间银行记账类型).")
class TimeBankEntryKind(Enum):
    EARNED = strawberry.enum_value("EARNED", description="Earned by verified service (存入).")
    SPENT = strawberry.enum_value(
        "SPENT", description="Spent on a service for oneself or family (支取)."
    )
