"""The service category and skill taxonomies, drawn from the services the reports describe."""

from __future__ import annotations

from graph.model import taxonomy as T  # noqa: N812
from graph.model.taxonomy import ServiceCategory, Skill
from graph.model.vocab import ExpertDomain
from seeds.batch import Batch

# (id, name, broader id or None)
CATEGORIES: list[tuple[str, str, str | None]] = [
    ("cat-health", "医疗健康", None),
    ("cat-clinic", "义诊", "cat-health"),
    ("cat-rehab", "康复辅导", "cat-health"),
    ("cat-escort", "陪同就医", "cat-health"),
    ("cat-care", "探访关怀", None),
    ("cat-visit", "入户探访", "cat-care"),
    ("cat-pairing", "结对关爱", "cat-care"),
    ("cat-daily", "生活照料", None),
    ("cat-cleaning", "家居清洁", "cat-daily"),
    ("cat-haircut", "义剪", "cat-daily"),
    ("cat-repair", "家电维修", "cat-daily"),
    ("cat-mending", "缝补修理", "cat-daily"),
    ("cat-mental", "心理支持", None),
    ("cat-education", "教育辅导", None),
    ("cat-tutoring", "课业辅导", "cat-education"),
    ("cat-classes", "兴趣课堂", "cat-education"),
    ("cat-special-kids", "特殊儿童训练", "cat-education"),
    ("cat-rights", "权益保障", None),
    ("cat-mediation", "纠纷调解", "cat-rights"),
    ("cat-legal", "法律援助", "cat-rights"),
    ("cat-women", "妇女维权", "cat-rights"),
    ("cat-integration", "社区融合", None),
    ("cat-migrants", "外来人员融入", "cat-integration"),
    ("cat-culture", "文化活动", "cat-integration"),
    ("cat-environment", "环保公益", None),
    ("cat-relief", "扶贫助困", None),
    ("cat-employment", "就业帮扶", "cat-relief"),
]

# (id, name, broader id or None, category id)
SKILLS: list[tuple[str, str, str | None, str]] = [
    ("skill-medical", "医疗", None, "cat-health"),
    ("skill-clinic", "义诊", "skill-medical", "cat-clinic"),
    ("skill-tcm-clinic", "中医义诊", "skill-clinic", "cat-clinic"),
    ("skill-checkup", "健康普查", "skill-clinic", "cat-clinic"),
    ("skill-rehab", "康复训练", "skill-medical", "cat-rehab"),
    ("skill-escort", "陪同就医", None, "cat-escort"),
    ("skill-guide", "导诊", "skill-escort", "cat-escort"),
    ("skill-visit", "探访", None, "cat-visit"),
    ("skill-chat", "陪伴聊天", "skill-visit", "cat-visit"),
    ("skill-household", "家务", None, "cat-daily"),
    ("skill-cleaning", "家居清洁", "skill-household", "cat-cleaning"),
    ("skill-haircut", "理发", None, "cat-haircut"),
    ("skill-repair", "维修", None, "cat-repair"),
    ("skill-appliance", "家电维修", "skill-repair", "cat-repair"),
    ("skill-shoes", "补鞋补衣", "skill-repair", "cat-mending"),
    ("skill-knives", "磨刀", "skill-repair", "cat-mending"),
    ("skill-counselling", "心理辅导", None, "cat-mental"),
    ("skill-teaching", "教学", None, "cat-education"),
    ("skill-tutoring", "课业辅导", "skill-teaching", "cat-tutoring"),
    ("skill-computer", "电脑教学", "skill-teaching", "cat-classes"),
    ("skill-english", "英语教学", "skill-teaching", "cat-classes"),
    ("skill-art", "美术教学", "skill-teaching", "cat-classes"),
    ("skill-taichi", "太极", "skill-teaching", "cat-classes"),
    ("skill-picturebooks", "绘本阅读", "skill-teaching", "cat-tutoring"),
    ("skill-sensory", "多感官训练", "skill-teaching", "cat-special-kids"),
    ("skill-mediation", "纠纷调解", None, "cat-mediation"),
    ("skill-legal", "法律咨询", None, "cat-legal"),
    ("skill-rights", "妇女权益宣讲", None, "cat-women"),
    ("skill-sorting", "衣物分拣", None, "cat-environment"),
    ("skill-crochet", "手工编织", None, "cat-employment"),
    ("skill-charity-sale", "义卖策划", None, "cat-relief"),
    ("skill-music", "文艺表演", None, "cat-culture"),
    ("skill-events", "活动组织", None, "cat-culture"),
]


# Which think-tank domains advise on each top-level category (and so on its narrower ones).
EXPERT_DOMAINS = {
    "cat-health": (ExpertDomain.CULTURAL_ELDERCARE, ExpertDomain.CASEWORK),
    "cat-care": (
        ExpertDomain.CASEWORK,
        ExpertDomain.CULTURAL_ELDERCARE,
        ExpertDomain.COMMUNITY_VOLUNTEERING,
    ),
    "cat-daily": (ExpertDomain.COMMUNITY_VOLUNTEERING, ExpertDomain.CULTURAL_ELDERCARE),
    "cat-mental": (ExpertDomain.PSYCHOLOGICAL_COUNSELLING, ExpertDomain.CASEWORK),
    "cat-education": (ExpertDomain.ADVENTURE_EDUCATION, ExpertDomain.CASEWORK),
    "cat-rights": (ExpertDomain.LEGAL_AFFAIRS, ExpertDomain.CASEWORK),
    "cat-integration": (ExpertDomain.COMMUNITY_GOVERNANCE, ExpertDomain.SERVICE_PLANNING),
    "cat-environment": (ExpertDomain.COMMUNITY_GOVERNANCE, ExpertDomain.PROPERTY_MANAGEMENT),
    "cat-relief": (
        ExpertDomain.CASEWORK,
        ExpertDomain.PUBLIC_POLICY,
        ExpertDomain.SERVICE_PLANNING,
    ),
}


def add_to(b: Batch) -> None:
    """The categories and skills with their BROADER trees and each skill's category: the one
    taxonomy every seed (the demo, the generated city) starts from."""
    b.add(
        *(
            ServiceCategory(cid, name, expert_domains=EXPERT_DOMAINS.get(cid, ()))
            for cid, name, _ in CATEGORIES
        ),
        *(Skill(sid, name) for sid, name, _, _ in SKILLS),
    )
    for cid, _, broader in CATEGORIES:
        if broader:
            b.link(T.CATEGORY_BROADER, cid, broader)
    for sid, _, broader, _ in SKILLS:
        if broader:
            b.link(T.SKILL_BROADER, sid, broader)
    for sid, _, _, category in SKILLS:
        b.link(T.SKILL_OF_CATEGORY, sid, category)


# What each category of need usually requires (the most specific skill that fits).
SKILL_FOR_CATEGORY = {cat: sid for sid, _, _, cat in SKILLS}
