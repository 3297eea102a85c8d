"""What each importable family's spreadsheet holds: its columns, headers and natural key.

One table per family, and nothing else in ``intake`` knows a family by hand: the templates, the
header matching, the row checks and the writes are driven from here. Each column names the
record field it fills (``graph.model``), so when the families declare their own properties
(issue 18) this table can read kinds from there instead.

Headers match in Chinese or English, whatever their case, spaces, full-width letters, a trailing
``*`` (required, in the templates) or a note in brackets (``手机号码（必填）``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from graph.model.entities import Rel
from graph.model.organizations import ORG_SERVES_AREA, Organization
from graph.model.people import (
    RESIDENT_LIVES_IN,
    VOLUNTEER_HAS_SKILL,
    VOLUNTEER_SERVES_AREA,
    WORKER_COVERS,
    WORKER_EMPLOYED_BY,
    Resident,
    SocialWorker,
    Volunteer,
)
from graph.model.registry import family_named
from graph.model.services import ServiceRecord
from intake.normalize import halfwidth

Kind = Literal[
    "text",  # trimmed text
    "phone",  # normalize.phone
    "date",  # normalize.date
    "year",  # a birth year
    "gender",  # 男 / 女
    "yes_no",  # 是 / 否
    "id_card",  # identity.id_card: kept as id_hash + id_last4 (+ birth year, gender)
    "volunteer_no",  # identity.volunteer_no
    "certificate_no",  # identity.certificate_no
    "community",  # a community's name or id, looked up in the graph
    "links",  # names or ids of existing entities (skills, an employer), linked by the column's rel
    "codes",  # several values of the column's vocabulary: LIVING_ALONE or 独居
    "code",  # one value of the column's vocabulary
    "rating",  # an evaluation grade: 3A, AAA, 三级
    "credit_code",  # identity.credit_code (统一社会信用代码)
    "volunteer",  # a volunteer's national number or id, looked up in the graph
    "need",  # a need's id, looked up in the graph
    "service_date",  # a date recordService accepts (within the last year, not in the future)
    "hours",  # hours of service, kept as whole minutes (recordService's bounds)
    "minutes",  # minutes of service (the same bounds)
]


@dataclass(frozen=True)
class Column:
    field: str  # the record field it fills (snake_case); "community"/"links": relationships
    zh: str
    en: str
    kind: Kind = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""  # the template's notes
    vocabulary: str | None = None  # "code(s)": the API enum it names (intake.vocabulary)
    rel: Rel | None = None  # "links": from the row's entity to the ones the cell names

    @property
    def names(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.aliases)


@dataclass(frozen=True)
class IntakeFamily:
    name: str  # as the CLI and URL say it: volunteers, residents
    label: str
    record: type
    columns: tuple[Column, ...]
    place: Rel | None  # the relationship to the row's community (None: the row names none)
    one_place: bool = False  # a resident lives in one community; a volunteer serves several
    key_field: str | None = None  # a family not upserted by its declared natural key

    @property
    def key(self) -> str:
        """The field holding the natural key: the family's own declaration
        (``graph.model``'s ``props_of(..., keys=...)``), one field."""
        if self.key_field is not None:
            return self.key_field
        (name,) = family_named(self.label).natural_key
        return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name)

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)

    @property
    def links(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.kind == "links")


def header_key(text: object) -> str:
    """A header as compared: half-width, lower case, no spaces, ``*`` or bracketed notes."""
    value = halfwidth(str(text or "")).lower()
    value = re.sub(r"[(\[（【].*?[)\]）】]", "", value)
    return re.sub(r"[\s*_\-:：]", "", value)


_NAME = Column("name", "姓名", "name", required=True, aliases=("名字", "full name"), example="张三")
_PHONE = Column(
    "phone",
    "手机号码",
    "phone",
    "phone",
    aliases=("手机", "手机号", "联系电话", "电话", "联系方式", "mobile", "telephone"),
    example="13800138000",
)


def _community(zh: str, *aliases: str) -> Column:
    """The community a row is in (a resident's, a volunteer's) or serves (an organization's, a
    social worker's): every family names it the same way but for its header and aliases."""
    return Column(
        "community",
        zh,
        "community",
        "community",
        required=True,
        aliases=aliases,
        example="东风社区",
    )


def _languages(example: str) -> Column:
    """The languages a person speaks (volunteers and residents alike)."""
    return Column(
        "languages",
        "语言",
        "languages",
        "codes",
        aliases=("方言",),
        example=example,
        vocabulary="Language",
    )


_COMMUNITY = _community(
    "所在社区", "社区", "社区名称", "所属社区", "服务社区", "村居", "community name"
)
_GENDER = Column("gender", "性别", "gender", "gender", aliases=("sex",), example="女")

VOLUNTEERS = IntakeFamily(
    name="volunteers",
    label="Volunteer",
    record=Volunteer,
    place=VOLUNTEER_SERVES_AREA,
    columns=(
        Column(
            "volunteer_no",
            "志愿者编号",
            "volunteer number",
            "volunteer_no",
            required=True,
            aliases=("编号", "志愿者号", "志愿者证号", "volunteer no", "volunteer id"),
            example="44200019900101",
        ),
        _NAME,
        _PHONE,
        _COMMUNITY,
        _GENDER,
        Column("birth_year", "出生年份", "birth year", "year", example="1990"),
        Column(
            "skills",
            "技能",
            "skills",
            "links",
            rel=VOLUNTEER_HAS_SKILL,
            aliases=("专长", "技能特长", "特长", "服务技能"),
            example="陪诊、助老",
        ),
        Column(
            "availability",
            "服务时段",
            "availability",
            "codes",
            vocabulary="WeeklySlot",
            aliases=("可服务时段", "空闲时间", "服务时间", "slots"),
            example="周二上午、周六下午",
        ),
        _languages("普通话"),
        Column(
            "joined_on",
            "注册日期",
            "joined on",
            "date",
            aliases=("加入日期", "入会日期", "注册时间", "joined"),
            example="2024-03-05",
        ),
    ),
)

RESIDENTS = IntakeFamily(
    name="residents",
    label="Resident",
    record=Resident,
    place=RESIDENT_LIVES_IN,
    one_place=True,
    columns=(
        Column(
            "id_hash",
            "身份证号码",
            "ID number",
            "id_card",
            required=True,
            aliases=("身份证号", "身份证", "公民身份号码", "证件号码", "id card", "id card number"),
            example="11010519491231002X",
        ),
        _NAME,
        _PHONE,
        Column(
            "address",
            "住址",
            "address",
            aliases=("家庭住址", "居住地址", "地址"),
            example="东风路1号",
        ),
        _COMMUNITY,
        _GENDER,
        Column(
            "tags",
            "人员类别",
            "tags",
            "codes",
            vocabulary="VulnerabilityTag",
            aliases=("类别", "服务对象类别", "困难类型", "标签", "categories"),
            example="独居、低保对象",
        ),
        _languages("粤语"),
        Column(
            "consent",
            "同意共享",
            "consent",
            "yes_no",
            aliases=("是否同意", "知情同意", "同意"),
            example="是",
        ),
        Column(
            "registered_on",
            "登记日期",
            "registered on",
            "date",
            aliases=("建档日期", "登记时间", "registered"),
            example="2024年3月5日",
        ),
    ),
)

ORGANIZATIONS = IntakeFamily(
    name="organizations",
    label="Organization",
    record=Organization,
    place=ORG_SERVES_AREA,
    columns=(
        Column(
            "credit_code",
            "统一社会信用代码",
            "credit code",
            "credit_code",
            required=True,
            aliases=("信用代码", "社会信用代码", "unified social credit code"),
            example="91350100M000100Y43",
        ),
        Column(
            "name",
            "机构名称",
            "name",
            required=True,
            aliases=("名称", "组织名称", "单位名称", "社会组织名称"),
            example="东风社工服务中心",
        ),
        Column(
            "kind",
            "机构类型",
            "kind",
            "code",
            required=True,
            aliases=("类型", "组织类型", "类别"),
            example="社工机构",
            vocabulary="OrganizationKind",
        ),
        _community("服务社区", "所在社区", "社区", "服务区域"),
        Column(
            "registration",
            "登记状态",
            "registration",
            "code",
            aliases=("登记情况", "登记管理"),
            example="登记",
            vocabulary="Registration",
        ),
        Column(
            "rating",
            "评估等级",
            "rating",
            "rating",
            aliases=("等级", "社会组织评估等级"),
            example="4A",
        ),
        Column(
            "founded_on",
            "成立日期",
            "founded on",
            "date",
            aliases=("成立时间", "登记日期"),
            example="2015-06-01",
        ),
        Column(
            "phone",
            "联系电话",
            "phone",
            "phone",
            aliases=("电话", "办公电话"),
            example="0760-88881234",
        ),
        Column("description", "简介", "description", aliases=("机构简介", "服务内容")),
    ),
)

SOCIAL_WORKERS = IntakeFamily(
    name="social-workers",
    label="SocialWorker",
    record=SocialWorker,
    place=WORKER_COVERS,
    columns=(
        Column(
            "certificate_no",
            "证书编号",
            "certificate number",
            "certificate_no",
            required=True,
            aliases=("职业资格证书编号", "社工证编号", "资格证书编号", "certificate no"),
            example="S2019440100001",
        ),
        _NAME,
        _PHONE,
        Column(
            "qualification",
            "职业资格",
            "qualification",
            "code",
            required=True,
            aliases=("资格等级", "社工资格", "职业水平"),
            example="社会工作师",
            vocabulary="Qualification",
        ),
        Column("title", "职务", "title", aliases=("岗位", "职位"), example="站长"),
        _community("服务社区", "负责社区", "所在社区", "社区"),
        Column(
            "employer",
            "所在机构",
            "employer",
            "links",
            aliases=("工作单位", "用人单位", "机构"),
            example="东风社工服务中心",
            rel=WORKER_EMPLOYED_BY,
        ),
    ),
)

# Hours served, as a station's 志愿服务时长登记表 lists them: each row is what recordService
# records, checked by its rules and written through it (intake/hours.py), unverified until a
# covering social worker approves it. The natural key is the volunteer, the need and the date
# (intake/hours.py says why); ``key_field`` is the cell that starts it.
SERVICE_HOURS = IntakeFamily(
    name="service-hours",
    label="ServiceRecord",
    record=ServiceRecord,
    place=None,
    key_field="volunteer",
    columns=(
        Column(
            "volunteer",
            "志愿者编号",
            "volunteer",
            "volunteer",
            required=True,
            aliases=(
                "志愿者",
                "志愿者号",
                "志愿者证号",
                "编号",
                "volunteer no",
                "volunteer number",
            ),
            example="44200019900101",
        ),
        Column(
            "need",
            "需求编号",
            "need",
            "need",
            required=True,
            aliases=("需求", "服务需求编号", "需求ID", "need id"),
            example="need-3f2a9c1b5e7d4a60",
        ),
        Column(
            "date",
            "服务日期",
            "service date",
            "service_date",
            required=True,
            aliases=("日期", "服务时间", "date"),
            example="2024年3月5日",
        ),
        Column(
            "hours",
            "服务小时数",
            "hours",
            "hours",
            aliases=("服务时长", "时长", "小时", "小时数", "志愿时长", "工时"),
            example="1.5",
        ),
        Column(
            "minutes", "服务分钟数", "minutes", "minutes", aliases=("分钟", "分钟数"), example="90"
        ),
        Column(
            "note",
            "服务内容",
            "note",
            aliases=("备注", "内容", "notes", "content"),
            example="陪同就医",
        ),
    ),
)

FAMILIES: Mapping[str, IntakeFamily] = {
    f.name: f for f in (VOLUNTEERS, RESIDENTS, ORGANIZATIONS, SOCIAL_WORKERS, SERVICE_HOURS)
}
