"""The domain's vocabularies, declared once: each value explained in English with the Chinese
term in use.

The graph stores these values as text (a rating as a number); seeds, the access policy and the
queries name them through these classes rather than as bare strings, so a misspelt value fails
at import instead of matching nothing. The GraphQL enums (schema/enums.py) are made from these
classes, descriptions included, so GraphiQL's docs and the graph cannot drift apart. Nothing
here knows of GraphQL.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import Self


class Described:
    """What both kinds of vocabulary share: each member carries its description, and the class
    takes its own as a keyword (``class X(Vocabulary, description=...)``), kept as its
    docstring. A mixin, so a vocabulary stays a plain ``StrEnum`` or ``IntEnum``."""

    description: str

    def __init_subclass__(cls, *, description: str = "", **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if description:  # not Vocabulary and Grade themselves, which keep their docstrings
            cls.__doc__ = description

    @staticmethod
    def member(kind: type, base: type, value: object, description: str) -> object:
        """A member of ``kind`` made as its value type ``base`` makes it, with its description."""
        member = base.__new__(kind, value)
        member._value_ = value
        member.description = description
        return member


class Vocabulary(Described, StrEnum):
    """A closed set of text values; a member is declared as ``NAME = "NAME", "description"``.

    Members are ``str``: they compare equal to the stored text and go to either engine as it.
    """

    def __new__(cls, value: str, description: str) -> Self:
        return Described.member(cls, str, value, description)  # type: ignore[return-value]


class Grade(Described, IntEnum):
    """A closed set of ranked values stored as numbers; ``NAME = 1, "description"``."""

    def __new__(cls, value: int, description: str) -> Self:
        return Described.member(cls, int, value, description)  # type: ignore[return-value]


class CommunityKind(Vocabulary, description="Urban community or rural village (社区 / 村)."):
    COMMUNITY = "COMMUNITY", "Urban residents' community (社区)."
    VILLAGE = "VILLAGE", "Rural administrative village (村)."


class Gender(Vocabulary, description="Gender as recorded (性别)."):
    FEMALE = "FEMALE", "Female (女)."
    MALE = "MALE", "Male (男)."


class ConsentScope(
    Vocabulary,
    description="What a resident (or their guardian) agreed to (知情同意范围). PIPL art. 14, 29: "
    "sensitive personal information is processed with separate consent, for stated purposes.",
):
    RECORD = "RECORD", "The station keeps their record and serves them (建档服务)."
    VOLUNTEER_VISITS = (
        "VOLUNTEER_VISITS",
        "Volunteers assigned to their needs see what a visit needs (志愿者上门).",
    )
    REFERRAL = "REFERRAL", "Their needs may be referred to partner organizations (转介)."
    ANALYSIS = "ANALYSIS", "Their record counts in de-identified statistics (去标识化统计)."


class ConsentGiver(Vocabulary, description="Who gave a resident's consent (同意人)."):
    RESIDENT = "RESIDENT", "The resident themself (本人)."
    GUARDIAN = (
        "GUARDIAN",
        "A guardian or legal representative (监护人), for a minor or someone who cannot consent "
        "themself (PIPL art. 31).",
    )


class VulnerabilityTag(
    Vocabulary,
    description="Why a resident may need service (服务对象类别). A resident can carry several.",
):
    ELDERLY_80_PLUS = "ELDERLY_80_PLUS", "Aged 80 or over (80岁以上高龄老人)."
    ELDERLY = "ELDERLY", "Aged 60 to 79 (老年人)."
    LIVING_ALONE = "LIVING_ALONE", "Lives alone or without family care (独居 / 孤寡)."
    DISABLED = "DISABLED", "Person with a disability (残疾人)."
    MENTAL_HEALTH = "MENTAL_HEALTH", "Person with a mental disorder (精神障碍患者 / 精神病患者)."
    LOW_INCOME = "LOW_INCOME", "Receives minimum living allowance (低保对象)."
    EXTREME_POVERTY = (
        "EXTREME_POVERTY",
        "Extreme poverty support: no income, no ability to work, no carer (特困 / 三无 / 五保).",
    )
    HARDSHIP_FAMILY = "HARDSHIP_FAMILY", "Family in difficulty (困难家庭)."
    MIGRANT = "MIGRANT", "Migrant resident or their child (流动人口 / 外来人员)."
    CHILD = "CHILD", "Child under 14 (儿童)."
    LEFT_BEHIND_CHILD = "LEFT_BEHIND_CHILD", "Child whose parents work away (留守儿童)."
    CHILD_SPECIAL_NEEDS = (
        "CHILD_SPECIAL_NEEDS",
        "Child with cerebral palsy, autism or learning difficulty (脑瘫 / 自闭症 / 学习困难儿童).",
    )
    SINGLE_PARENT_FAMILY = (
        "SINGLE_PARENT_FAMILY",
        "Single-parent family in hardship (单亲特困家庭).",
    )
    NEW_EMPLOYMENT = (
        "NEW_EMPLOYMENT",
        "New-employment worker: couriers, delivery riders (新就业群体 / 小哥).",
    )
    DOMESTIC_VIOLENCE_RISK = "DOMESTIC_VIOLENCE_RISK", "At risk of domestic violence (家暴风险)."


class Language(Vocabulary, description="Languages and dialects spoken (语言 / 方言)."):
    MANDARIN = "MANDARIN", "Mandarin (普通话)."
    CANTONESE = "CANTONESE", "Cantonese (粤语 / 白话)."
    HAKKA = "HAKKA", "Hakka (客家话)."
    MINNAN = "MINNAN", "Southern Min (闽南语)."
    WU = "WU", "Wu, e.g. Hangzhou speech (吴语 / 杭州话)."
    JIAOLIAO = "JIAOLIAO", "Jiao-Liao Mandarin, e.g. Qingdao speech (胶辽官话 / 青岛话)."
    JILU = "JILU", "Ji-Lu Mandarin, e.g. Jinan speech (冀鲁官话 / 济南话)."
    JIANGHUAI = "JIANGHUAI", "Jianghuai Mandarin, e.g. Nanjing speech (江淮官话 / 南京话)."
    ENGLISH = "ENGLISH", "English (英语)."
    SIGN_LANGUAGE = "SIGN_LANGUAGE", "Chinese Sign Language (手语)."


# A recurring weekly slot is a day and a part of it, e.g. TUE_AM; the parts are local time
# (graph.model.services.booking places a one-off appointment in its slot).
DAYS = {
    "MON": ("Monday", "周一"),
    "TUE": ("Tuesday", "周二"),
    "WED": ("Wednesday", "周三"),
    "THU": ("Thursday", "周四"),
    "FRI": ("Friday", "周五"),
    "SAT": ("Saturday", "周六"),
    "SUN": ("Sunday", "周日"),
}
PARTS = {
    "AM": ("morning, 8:00–12:00", "上午"),
    "PM": ("afternoon, 14:00–18:00", "下午"),
    "EVE": ("evening, 19:00–21:00", "晚上"),
}

WeeklySlot = Vocabulary(
    "WeeklySlot",
    [
        (f"{day}_{part}", (f"{day}_{part}", f"{d_en} {p_en} ({d_zh}{p_zh})."))
        for day, (d_en, d_zh) in DAYS.items()
        for part, (p_en, p_zh) in PARTS.items()
    ],
)
WeeklySlot.__doc__ = (
    "A recurring weekly time slot (每周服务时段), e.g. TUE_AM: "
    + "; ".join(f"{p}: {en} ({zh})" for p, (en, zh) in PARTS.items())
    + ". Days: "
    + ", ".join(f"{d} {en} ({zh})" for d, (en, zh) in DAYS.items())
    + "."
)


class NeedStatus(
    Vocabulary,
    description="Where a need is in its life (需求状态): OPEN → MATCHED → IN_SERVICE → CLOSED.",
):
    OPEN = "OPEN", "Reported, nobody assigned yet (待匹配)."
    MATCHED = "MATCHED", "Volunteers assigned (已匹配)."
    IN_SERVICE = "IN_SERVICE", "Service under way (服务中)."
    CLOSED = "CLOSED", "Served and closed (已结案)."
    CANCELLED = "CANCELLED", "Withdrawn (已取消)."


class Urgency(Vocabulary, description="How urgent a need is (紧急程度)."):
    LOW = "LOW", "Can wait weeks (一般)."
    NORMAL = "NORMAL", "Within the week (常规)."
    HIGH = "HIGH", "Within a day or two (较急)."
    CRITICAL = "CRITICAL", "Today: safety at risk (紧急)."


class NeedSource(Vocabulary, description="How a need came to be known (需求来源)."):
    SURVEY = "SURVEY", "Needs survey / door-to-door census (需求调查 / 摸底)."
    HOME_VISIT = "HOME_VISIT", "Found on a home visit (入户探访)."
    REFERRAL = "REFERRAL", "Referred by an organization (转介)."
    SELF_REPORT = "SELF_REPORT", "Asked by the resident or family (主动求助)."
    COMMUNITY_COMMITTEE = (
        "COMMUNITY_COMMITTEE",
        "Reported by the residents' committee (居委会反映).",
    )


class VolunteerStatus(Vocabulary, description="A volunteer's standing (义工状态)."):
    ACTIVE = "ACTIVE", "Serving (在岗)."
    PAUSED = "PAUSED", "Temporarily not taking services (暂停)."
    LEFT = "LEFT", "No longer a volunteer (已退出)."
    MERGED = "MERGED", "A duplicate merged into another record (已合并), kept as a pointer to it."


class SkillLevel(Vocabulary, description="How well a volunteer masters a skill (专长水平)."):
    BASIC = "BASIC", "Trained for it (接受过培训)."
    SKILLED = "SKILLED", "Experienced (熟练)."
    PROFESSIONAL = "PROFESSIONAL", "Holds a professional qualification (专业资格, e.g. 中医师)."


class MemberRole(Vocabulary, description="A member's role in a team or organization (成员角色)."):
    MEMBER = "MEMBER", "Member (队员)."
    CORE = "CORE", "Core volunteer (义工骨干)."
    LEADER = "LEADER", "Team leader (队长 / 负责人)."


class Qualification(Vocabulary, description="Social work qualification (社会工作者职业水平)."):
    ASSISTANT = "ASSISTANT", "Assistant social worker (助理社会工作师)."
    INTERMEDIATE = "INTERMEDIATE", "Social worker (社会工作师)."
    SENIOR = "SENIOR", "Senior social worker (高级社会工作师)."


class OrganizationKind(Vocabulary, description="What kind of organization (组织类型)."):
    SOCIAL_WORK_AGENCY = (
        "SOCIAL_WORK_AGENCY",
        "Social work service agency (社工机构 / 社会工作服务中心).",
    )
    SOCIAL_ORGANIZATION = (
        "SOCIAL_ORGANIZATION",
        "Registered social organization: association or private non-enterprise unit "
        "(社会组织 / 社会团体 / 民办非企业单位).",
    )
    COMMUNITY_GROUP = (
        "COMMUNITY_GROUP",
        "Community-based group or interest group (社区社会组织 / 兴趣组织).",
    )
    VOLUNTEER_TEAM = (
        "VOLUNTEER_TEAM",
        "Volunteer team at any level: group, brigade, corps (义工队 / 志愿服务队).",
    )
    HUB = (
        "HUB",
        "Hub platform that incubates and links others: public-benefit park, "
        "social work station, social organization service centre (枢纽平台 / 公益园 / 社工站).",
    )
    SOCIAL_ENTERPRISE = "SOCIAL_ENTERPRISE", "Social enterprise (社会企业)."
    ENTERPRISE = "ENTERPRISE", "Company, caring enterprise (企业 / 爱心企业)."
    FOUNDATION = "FOUNDATION", "Foundation or charity federation (基金会 / 慈善总会)."
    GOVERNMENT = (
        "GOVERNMENT",
        "Government office: civil affairs bureau, street office (政府部门 / 民政局 / 街道办).",
    )
    RESIDENTS_COMMITTEE = (
        "RESIDENTS_COMMITTEE",
        "Residents' or villagers' committee (居委会 / 村委会).",
    )
    CLINIC = (
        "CLINIC",
        "Health provider: community health centre, hospital (社区卫生服务中心 / 医院).",
    )
    SCHOOL = "SCHOOL", "School or university (学校 / 高校)."
    ELDERCARE_CENTRE = "ELDERCARE_CENTRE", "Home-based elderly care centre (居家养老服务中心)."
    WELFARE_INSTITUTION = (
        "WELFARE_INSTITUTION",
        "Welfare institution, e.g. children's welfare home (福利院).",
    )


class Registration(Vocabulary, description="Legal standing of an organization (登记状态)."):
    REGISTERED = "REGISTERED", "Registered with the civil affairs bureau (登记注册)."
    FILED = "FILED", "Filed with the street office or community (备案管理)."
    INFORMAL = "INFORMAL", "Not registered: grassroots group (草根组织)."


class Rating(Grade, description="Social organization evaluation grade (社会组织评估等级)."):
    GRADE_1A = 1, "1A (一级)."
    GRADE_2A = 2, "2A (二级)."
    GRADE_3A = 3, "3A (三级)."
    GRADE_4A = 4, "4A (四级)."
    GRADE_5A = 5, "5A, the highest (五级)."


class TeamLevel(Vocabulary, description="Level of a volunteer team in its hierarchy (队伍层级)."):
    GROUP = "GROUP", "Group of a few volunteers (义工小组)."
    BRIGADE = "BRIGADE", "Brigade of a town or unit (大队)."
    CORPS = "CORPS", "City-wide corps (总队)."


class IncubationStage(Vocabulary, description="How a hub supports an organization (孵化方式)."):
    INCUBATED = "INCUBATED", "Incubated from scratch (孵化)."
    OPTIMIZED = "OPTIMIZED", "Helped to improve (协助优化)."
    INTRODUCED = "INTRODUCED", "Brought in to serve the area (引进)."
    GRADUATED = "GRADUATED", "Left the incubator, independent (出壳)."


class ProjectStatus(Vocabulary, description="Where a project is (项目状态)."):
    PLANNED = "PLANNED", "Planned (筹备中)."
    ACTIVE = "ACTIVE", "Running (实施中)."
    COMPLETED = "COMPLETED", "Finished (已结项)."
    CLOSED = "CLOSED", "Deactivated (已停用): kept for its history; no longer changed."


class FundKind(Vocabulary, description="What kind of fund (基金类型)."):
    COMMUNITY_FUND = "COMMUNITY_FUND", "Community fund raised locally (社区基金 / 社区慈善基金)."
    SEED_FUND = "SEED_FUND", "Seed money for new groups (种子资金)."
    VENTURE_PHILANTHROPY = "VENTURE_PHILANTHROPY", "Competitive grant round (公益创投)."
    GOVERNMENT_PURCHASE = "GOVERNMENT_PURCHASE", "Government purchase of services (政府购买服务)."
    PILOT_FUNDING = "PILOT_FUNDING", "Pilot programme funding from civil affairs (试点经费)."
    CHARITY_FUND = "CHARITY_FUND", "Named charity fund at a foundation (慈善专项基金)."


class ExpertDomain(Vocabulary, description="Fields a think-tank expert advises on (智库专家领域)."):
    CASEWORK = "CASEWORK", "Casework and counselling (个案辅导)."
    PSYCHOLOGICAL_COUNSELLING = "PSYCHOLOGICAL_COUNSELLING", "Psychological counselling (心理咨询)."
    SERVICE_PLANNING = "SERVICE_PLANNING", "Social service planning (社会服务规划)."
    COMMUNITY_VOLUNTEERING = "COMMUNITY_VOLUNTEERING", "Community volunteer service (社区志愿服务)."
    CULTURAL_ELDERCARE = "CULTURAL_ELDERCARE", "Culture and elderly care (文化养老)."
    ADVENTURE_EDUCATION = "ADVENTURE_EDUCATION", "Adventure-based education (历奇教育)."
    LEGAL_AFFAIRS = "LEGAL_AFFAIRS", "Legal affairs (法律事务)."
    PROPERTY_MANAGEMENT = "PROPERTY_MANAGEMENT", "Property management (物业管理)."
    PUBLIC_POLICY = "PUBLIC_POLICY", "Public policy research (公共政策研究)."
    COMMUNITY_GOVERNANCE = (
        "COMMUNITY_GOVERNANCE",
        "Community governance, as a community secretary (社区治理 / 优秀社区书记).",
    )


class ResourceKind(Vocabulary, description="What a charity resource is (慈善资源类型)."):
    GOODS = "GOODS", "Goods: clothes, food, daily items (物资)."
    VENUE_TIME = "VENUE_TIME", "Time in a venue (场地时段)."
    MONEY = "MONEY", "Money for a purpose (资金)."
    SERVICE_SLOT = "SERVICE_SLOT", "Places in a service: check-ups, haircuts, classes (服务名额)."


class RecruitmentStatus(Vocabulary, description="Whether a recruitment takes sign-ups (招募状态)."):
    OPEN = "OPEN", "Taking sign-ups (招募中)."
    FULL = "FULL", "Capacity reached (已满)."
    CLOSED = "CLOSED", "Closed (已结束)."


class SignUpStatus(Vocabulary, description="A volunteer's sign-up (报名状态)."):
    SIGNED_UP = "SIGNED_UP", "Signed up (已报名)."
    WITHDRAWN = "WITHDRAWN", "Withdrew (已退出)."
    ATTENDED = "ATTENDED", "Took part (已参加)."
    NO_SHOW = "NO_SHOW", "Did not come (缺席)."


class ReferralStatus(
    Vocabulary,
    description="A referral between organizations (转介状态): "
    "PENDING → ACCEPTED/DECLINED → COMPLETED.",
):
    PENDING = "PENDING", "Sent, not answered (待接收)."
    ACCEPTED = "ACCEPTED", "Accepted by the receiver (已接收)."
    DECLINED = "DECLINED", "Declined by the receiver (已拒绝)."
    COMPLETED = "COMPLETED", "Served, outcome reported (已完成)."


class TimeBankEntryKind(
    Vocabulary, description="A time-bank entry's direction (时间银行记账类型)."
):
    EARNED = "EARNED", "Earned by verified service (存入)."
    SPENT = "SPENT", "Spent on a service for oneself or family (支取)."


class Attendance(Vocabulary, description="A volunteer's attendance at a recruitment (考勤)."):
    CHECKED_IN = "CHECKED_IN", "Checked in, not yet out (已签到)."
    ATTENDED = "ATTENDED", "Checked in and out (已签退)."
    NO_SHOW = "NO_SHOW", "Signed up, never checked in (缺席)."


class CertificateStatus(
    Vocabulary, description="A service certificate's standing (志愿服务记录证明状态)."
):
    VALID = "VALID", "Issued and standing (有效)."
    REVOKED = "REVOKED", "Revoked by its issuer (已撤销)."


class WebhookStatus(Vocabulary, description="Where a partner's webhook stands (回调状态)."):
    PENDING = "PENDING", "Registered, waiting for an administrator's approval (待审核)."
    ACTIVE = "ACTIVE", "Approved: events are delivered to it (启用)."
    DISABLED = "DISABLED", "Disabled by its partner, an administrator or failures (停用)."


# Every vocabulary, for the GraphQL enums made from them and the guard tests.
VOCABULARIES: tuple[type[Vocabulary] | type[Grade], ...] = (
    CommunityKind,
    Gender,
    ConsentScope,
    ConsentGiver,
    VulnerabilityTag,
    Language,
    WeeklySlot,
    NeedStatus,
    Urgency,
    NeedSource,
    VolunteerStatus,
    SkillLevel,
    MemberRole,
    Qualification,
    OrganizationKind,
    Registration,
    Rating,
    TeamLevel,
    IncubationStage,
    ProjectStatus,
    FundKind,
    ExpertDomain,
    ResourceKind,
    RecruitmentStatus,
    SignUpStatus,
    ReferralStatus,
    TimeBankEntryKind,
    Attendance,
    CertificateStatus,
    WebhookStatus,
)
