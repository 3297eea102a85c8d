"""Needs and assignment: reporting, changing and closing a need, and assigning volunteers to it.

Assignment re-checks at write time what ``whoCanServe`` proposed (skills, radius, language, load,
slots), under a lock on the need and on each volunteer, so a volunteer is never double-booked
and a need never gets more volunteers than its headcount in a slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from graph.engine.cypher import cypher
from graph.engine.errors import GraphInvalid, GraphNotFound, GraphRejected
from graph.engine.store import GraphStore, Record
from graph.events import Change
from graph.model.entities import node_rows
from graph.model.filters import MAX_TAXONOMY_DEPTH
from graph.model.services import LOCAL_TIME, NEEDS, Need
from graph.queries import matching
from graph.workflows.attendance import VISIT
from graph.workflows.guards import Lock, Then, each_ok, guarded, lock, when_ok
from graph.workflows.runner import (
    NEED_STATE,
    Done,
    Request,
    missing,
    new_id,
    now,
    perform,
    refused,
    refused_items,
)

# A need's title is read by every volunteer who may take it and travels with its service records
# (docs/PRIVACY.md "A need's title"): it says what is needed, not who needs it. Refused when it
# holds its resident's name, or her surname followed by an honorific (林婆婆, 陈叔, 陈太, 欧阳阿姨):
# how a neighbour is called. Her surname is the first character of her name, and the first two
# too when they are a compound surname (欧阳, 司马…) or the name has four characters (a compound
# surname not listed, or a married woman's two surnames, 陈李秀英).
#
# Only a surname *before* an honorific is looked for. A prefix (老陈, 阿陈) is not: 老 and 阿 begin
# too many ordinary words for a surname after them to mean anything (老年, 老花镜, 老师, 老干部,
# 阿胶: a resident surnamed 年, 花, 师 or 干 could not have her need called 老年助餐); and 陈生 is
# not, 卫生 being a word. Where the character before an honorific is a word with it (外婆, 老伯,
# 小姨, 师太: a kinship or age word, not a surname), the word is not an address: KINSHIP lists
# them, and a surname form is looked for in the title with the kinship words that contain it
# taken out, so 外婆 passes for a resident surnamed 外 while 外婆婆 and 外阿姨 do not.
#
# 太 alone ends too many ordinary phrases (钱太少, 路太滑, 血压高太久) to be taken for an address
# wherever it follows her surname: BOUNDED honorifics count only at the end of the title or before
# one of AFTER_BOUNDED (a space, punctuation, 太, 家, 的: 陈太, 陈太，, 陈太太, 陈太家). 姐 is not
# bounded: what a surname-like character makes with it (小姐, 大姐, 师姐, 空姐) is in KINSHIP.
HONORIFICS = ("婆婆", "伯伯", "阿婆", "阿伯", "阿姨", "叔叔", "爷爷", "奶奶", "大爷", "大妈",
              "大娘", "先生", "女士", "阿叔", "老伯", "老太", "伯", "叔", "婆", "姨", "太", "姐",
              "婶", "嫂")  # fmt: skip
BOUNDED = ("太",)
AFTER_BOUNDED = (" ", "，", "。", "、", "；", "：", "！", "？", "（", "）", ",", ".", ";", ":",
                 "!", "?", "(", ")", "/", "-", "太", "家", "的")  # fmt: skip
KINSHIP = (
    "外婆", "老婆", "公婆", "太婆", "姑婆", "姨婆", "舅婆", "叔婆", "伯婆", "阿婆", "媒婆", "巫婆",
    "产婆", "神婆", "师婆", "老太婆", "管家婆", "接生婆", "老婆婆", "太婆婆",
    "大伯", "老伯", "阿伯", "世伯", "表伯", "堂伯", "叔伯", "老伯伯", "大伯伯", "老阿伯",
    "大叔", "小叔", "老叔", "阿叔", "表叔", "堂叔", "师叔", "皇叔", "伯叔", "小叔叔", "老叔叔",
    "阿姨", "大姨", "小姨", "老姨", "表姨", "姑姨", "老阿姨", "小阿姨", "大阿姨", "老阿婆",
    "太太", "老太", "师太", "姨太", "阿太",
    "老爷爷", "太爷爷", "老奶奶", "太奶奶", "姑奶奶", "少奶奶", "老大爷", "老大妈", "老大娘",
    "姐姐", "小姐", "大姐", "老姐", "阿姐", "表姐", "堂姐", "师姐", "学姐", "空姐", "家姐",
    "婶婶", "大婶", "阿婶", "表婶", "堂婶", "叔婶", "嫂嫂", "大嫂", "阿嫂", "表嫂", "堂嫂", "兄嫂",
    "空嫂", "老先生", "老女士",
)  # fmt: skip
# Two-character surnames (复姓) a three-character name may begin with (欧阳修).
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "令狐", "夏侯", "轩辕", "端木", "西门", "南宫", "独孤", "百里", "呼延", "万俟", "澹台", "公羊",
    "闻人", "钟离", "宗政", "濮阳", "太史", "申屠", "赫连", "司空", "淳于", "单于", "拓跋", "东郭",
    "公冶", "仲孙", "鲜于", "亓官", "司寇", "颛孙", "巫马", "公西", "漆雕", "乐正", "左丘", "梁丘",
    "东门", "羊舌", "谷梁", "第五",
)  # fmt: skip
# The parameters names_resident's condition reads.
TITLE_PARAMS = {
    "honorifics": list(HONORIFICS),
    "kinship": list(KINSHIP),
    "compound": list(COMPOUND_SURNAMES),
    "bounded": list(BOUNDED),
    "after": list(AFTER_BOUNDED),
}


def names_resident(resident: str, title: str) -> str:
    """The condition that ``title`` (a Cypher expression) names ``resident`` (a node variable),
    with ``TITLE_PARAMS`` among the statement's parameters."""
    name = f"{resident}.name"
    surnames = (
        f"[left({name}, 1)] + CASE WHEN size({name}) >= 4 OR left({name}, 2) IN $compound "
        f"THEN [left({name}, 2)] ELSE [] END"
    )
    # The title with the kinship words holding ``s + h`` taken out (``|`` joins no name).
    unrelated = (
        f"reduce(t = {title}, w IN [w IN $kinship WHERE w CONTAINS (s + h)] | replace(t, w, '|'))"
    )
    return (
        f"({title} IS NOT NULL AND {name} IS NOT NULL AND size({name}) >= 2 AND "
        f"({title} CONTAINS {name} OR any(s IN {surnames} WHERE "
        f"any(h IN $honorifics WHERE {title} CONTAINS (s + h) AND {unrelated} CONTAINS (s + h) "
        f"AND (NOT h IN $bounded OR "
        f"any(a IN $after WHERE ({unrelated} + ' ') CONTAINS (s + h + a)))))))"
    )


TITLE_NAMES_RESIDENT = {
    "TITLE_NAMES_RESIDENT": (
        GraphInvalid,
        "`title` names the person the need is for; every volunteer who may take the need reads "
        "it. Say what is needed (上门探访, 陪同就医), not who needs it: who she is stays with "
        "those who serve her.",
    )
}

REPORT_NEED = guarded(
    "workflows.report_need",
    reads="""
    OPTIONAL MATCH (r:Resident {id: $resident})
    OPTIONAL MATCH (r)-[:LIVES_IN]->(c:Community)
    OPTIONAL MATCH (cat:ServiceCategory {id: $category})
    OPTIONAL MATCH (s:Skill) WHERE s.id IN $skills
    WITH seen, r, c, cat, collect(s) AS skills
    """,
    keep="r, c, cat, skills",
    problems=[
        ("r IS NULL", "RESIDENT_NOT_FOUND"),
        ("c IS NULL", "RESIDENT_WITHOUT_COMMUNITY"),
        ("cat IS NULL", "CATEGORY_NOT_FOUND"),
        ("size(skills) < size($skills)", "SKILL_NOT_FOUND"),
        (names_resident("r", "$props.title"), "TITLE_NAMES_RESIDENT"),
    ],
    write="CREATE (n:Need:Searchable {id: $id}) SET n += $props, n.search = $search "
    "CREATE (r)-[:HAS_NEED]->(n) CREATE (n)-[:IN]->(c) CREATE (n)-[:OF_CATEGORY]->(cat) "
    "FOREACH (s IN skills | CREATE (n)-[:REQUIRES]->(s))",
    result="$id",
)

# Lock, look up and check a need that is to change; a closed or cancelled one takes no steps.
NEED = Lock("need", "Need", "need")
NEED_PROBLEMS = [
    ("need IS NULL", "NEED_NOT_FOUND"),
    ("NOT need.status IN $active", "NEED_NOT_ACTIVE"),
]

UPDATE_NEED = guarded(
    "workflows.update_need",
    locks=NEED,
    reads="""
    OPTIONAL MATCH (:Volunteer)-[held:ASSIGNED]->(need)
    WITH seen, need,
         collect(CASE WHEN held IS NULL THEN NULL ELSE coalesce(held.slots, need.slots, []) END)
         AS taken
    OPTIONAL MATCH (owner:Resident)-[:HAS_NEED]->(need)
    WITH seen, need, taken, owner
    """,
    keep="need, taken, owner, coalesce($props.headcount, need.headcount, 1) AS headcount",
    problems=[*NEED_PROBLEMS, (names_resident("owner", "$props.title"), "TITLE_NAMES_RESIDENT")],
    then=Then(
        "need",
        [
            (
                "any(s IN reduce(all_ = [], t IN taken | all_ + t) "
                "WHERE size([t IN taken WHERE s IN t]) > headcount)",
                "HEADCOUNT_BELOW_ASSIGNED",
            )
        ],
    ),
    write="SET need += $props "
    "FOREACH (t IN CASE WHEN $search IS NULL THEN [] ELSE [$search] END | SET need.search = t)",
    result="$need",
)

# The visits under way (docs/GROUND.md): checked in, not lapsed. Each is named by its volunteer
# and its check-in ("<volunteer>:<epoch>"), so the closing statement can tell it ends exactly the
# visits its event names.
OPEN_VISITS = (
    "OPTIONAL MATCH (v:Volunteer)-[s:ASSIGNED]->(need) "
    "WHERE s.checkInEpoch IS NOT NULL AND $epoch - s.checkInEpoch <= $visit"
)
VISITS_OPEN = cypher(
    "workflows.visits_open",
    f"""
    MATCH (need:Need {{id: $need}})
    {OPEN_VISITS}
    WITH v, s WHERE s IS NOT NULL
    RETURN v.id AS volunteer, s.checkInEpoch AS checkInEpoch
    """,
)

# Closing or cancelling a need ends the visits under way, as each volunteer's check-out would at
# that moment (graph/workflows/attendance.py): the whole minutes since check-in proposed as a
# service record FOR the need (none under a minute), waiting in the queue; the assignment keeps
# the check-out (``checkOutBy``: ``CLOSING``). The status is the closing one all the same (closing
# wins over the MATCHED → IN_SERVICE of a check-out; docs/MATCHING.md).
SET_NEED_STATUS = guarded(
    "workflows.set_need_status",
    locks=NEED,
    reads=f"""
    {OPEN_VISITS}
    WITH seen, need, collect(v) AS vols, collect(s) AS visits
    OPTIONAL MATCH (need)-[:OF_CATEGORY]->(cat:ServiceCategory)
    WITH seen, need, vols, visits, collect(cat) AS cats
    """,
    keep="need, vols, visits, cats",
    problems=[
        *NEED_PROBLEMS,
        (
            "size(visits) <> size($ending) OR any(i IN range(0, size(visits) - 1) WHERE NOT "
            "((vols[i].id + ':' + toString(visits[i].checkInEpoch)) IN [e IN $ending | e.visit]))",
            "VISITS_CHANGED",
        ),
    ],
    each=when_ok(
        "FOREACH (i IN range(0, size(visits) - 1) | FOREACH (v IN [vols[i]] | "
        "FOREACH (s IN [visits[i]] | "
        "FOREACH (rid IN [e IN $ending WHERE e.volunteer = v.id AND e.record IS NOT NULL "
        "| e.record] | "
        "CREATE (r:ServiceRecord {id: rid, date: $date, beneficiaries: 1, title: need.title, "
        "note: $visit_note, minutes: toInteger(($epoch - s.checkInEpoch) / 60)}) "
        "CREATE (v)-[:PERFORMED]->(r) CREATE (r)-[:FOR]->(need) "
        "FOREACH (c IN cats | CREATE (r)-[:OF_CATEGORY]->(c))) "
        "SET s.minutes = toInteger(($epoch - s.checkInEpoch) / 60), s.checkedOutAt = $at, "
        "s.checkOutBy = $method, s.checkedInAt = null, s.checkInEpoch = null, "
        "s.checkInBy = null)))"
    ),
    write="SET need.status = $status, need.closedAt = $at, need.closingNote = $note",
    result="$need",
)
# The note of a record proposed by a closing (a check-out's is 签到签退).
CLOSING_NOTE = "签到；需求结束时签退"

# A volunteer's other active needs take some of their slots: `free` is what is left of `wanted`.
FREE_SLOTS = (
    "[s IN wanted WHERE s IN coalesce(v.availability, []) AND none(o IN others WHERE "
    "s IN o.slots OR (o.oneOffSlot = s AND (need.oneOffKey IS NULL OR "
    "o.oneOffKey = need.oneOffKey)))]"
)

ASSIGN = guarded(
    "workflows.assign",
    locks=NEED,
    reads=f"""
    OPTIONAL MATCH (r:Resident)-[:HAS_NEED]->(need)
    OPTIONAL MATCH (need)-[:REQUIRES]->(req:Skill)
    WITH seen, need, r, collect(req.id) AS required
    OPTIONAL MATCH (need)-[:OF_CATEGORY]->(:ServiceCategory)
          <-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]-(:ServiceCategory)<-[:OF_CATEGORY]-(fallback:Skill)
    WHERE size(required) = 0
    WITH seen, need, r, required, collect(fallback.id) AS fallback
    WITH seen, need, r, required + fallback AS required,
         CASE WHEN need.oneOffSlot IS NULL THEN coalesce(need.slots, [])
              ELSE [need.oneOffSlot] END AS wanted
    OPTIONAL MATCH (:Volunteer)-[held:ASSIGNED]->(need)
    WITH seen, need, r, required, wanted,
         collect(CASE WHEN held IS NULL THEN NULL ELSE coalesce(held.slots, wanted) END) AS taken
    UNWIND $items AS item
    OPTIONAL MATCH (v:Volunteer {{id: item.id}})
    {lock("v")}
    WITH seen, need, r, required, wanted, taken, item, v
    OPTIONAL MATCH (v)-[:HAS_SKILL]->(:Skill)-[:BROADER*0..{MAX_TAXONOMY_DEPTH}]->(t:Skill)
    WHERE t.id IN required
    WITH seen, need, r, wanted, taken, item, v, count(t) AS skillMatches
    OPTIONAL MATCH (v)-[a:ASSIGNED]->(other:Need)
    WHERE other.status IN $active
    WITH seen, need, r, wanted, taken, item, v, skillMatches,
         collect(CASE WHEN other IS NULL THEN NULL ELSE
                 {{id: other.id, slots: coalesce(a.slots, other.slots, []),
                   oneOffSlot: other.oneOffSlot, oneOffKey: other.oneOffKey}} END) AS assigned
    WITH seen, need, r, wanted, taken, item, v, skillMatches,
         [o IN assigned WHERE o.id <> need.id] AS others,
         any(o IN assigned WHERE o.id = need.id) AS already
    WITH seen, need, r, wanted, taken, item, v, skillMatches, others, already,
         {FREE_SLOTS} AS free,
         CASE WHEN v.location IS NULL THEN NULL
              ELSE point({{latitude: floor(v.location.latitude / $grid) * $grid + $grid / 2.0,
                          longitude: floor(v.location.longitude / $grid) * $grid + $grid / 2.0}})
         END AS cell
    // A base the caller may not read is measured from its cell, as whoCanServe measures it.
    WITH seen, need, r, wanted, taken, item, v, skillMatches, others, already, free,
         CASE WHEN v IS NULL OR r IS NULL THEN NULL
              WHEN $exact_all OR v.id IN $exact THEN $$distance(v.location, r.location)
              ELSE $$distance(cell, r.location) END AS measured
    WITH seen, need, wanted, taken, item, v, free, coalesce(item.slots, free) AS slots, CASE
        WHEN v IS NULL THEN 'NOT_FOUND'
        WHEN already THEN 'ALREADY_ASSIGNED'
        WHEN v.status <> 'ACTIVE' THEN 'INACTIVE'
        WHEN skillMatches = 0 THEN 'NO_MATCHING_SKILL'
        WHEN measured IS NULL OR measured > v.serviceRadiusMeters THEN 'OUT_OF_RANGE'
        WHEN coalesce(need.languageRequired, false)
             AND none(l IN coalesce(v.languages, []) WHERE l IN coalesce(r.languages, []))
            THEN 'NO_COMMON_LANGUAGE'
        WHEN size(others) >= coalesce(v.maxLoad, 1) THEN 'AT_LOAD_LIMIT'
        WHEN item.slots IS NOT NULL AND any(s IN item.slots WHERE NOT s IN wanted)
            THEN 'SLOT_NOT_IN_NEED'
        WHEN size(coalesce(item.slots, free)) = 0
             OR any(s IN coalesce(item.slots, free) WHERE NOT s IN free) THEN 'BUSY'
    END AS problem
    WITH seen, need, wanted, taken, collect(v) AS vs,
         collect({{id: item.id, slots: slots, problem: problem}}) AS checks
    """,
    keep="need, vs, checks",
    problems=[
        *NEED_PROBLEMS,
        ("any(c IN checks WHERE c.problem IS NOT NULL)", "VOLUNTEER_NOT_ELIGIBLE"),
        (
            "any(s IN wanted WHERE size([t IN taken WHERE s IN t])"
            " + size([c IN checks WHERE s IN c.slots]) > coalesce(need.headcount, 1))",
            "NEED_FULL",
        ),
    ],
    each=each_ok(
        "vs",
        "CREATE (x)-[:ASSIGNED {since: $at, by: $by, "
        "slots: head([c IN checks WHERE c.id = x.id]).slots}]->(need)",
    ),
    write="SET need.status = CASE WHEN need.status = 'OPEN' THEN 'MATCHED' ELSE need.status END",
    result="$need",
    unlocks=["FOREACH (x IN vs | REMOVE x._lock)"],
    returns="[c IN checks WHERE c.problem IS NOT NULL] AS refused",
)

UNASSIGN = guarded(
    "workflows.unassign",
    locks=NEED,
    reads="""
    OPTIONAL MATCH (v:Volunteer {id: $volunteer})-[a:ASSIGNED]->(need)
    OPTIONAL MATCH (:Volunteer)-[held:ASSIGNED]->(need)
    """,
    keep="need, a, count(held) AS assigned",
    problems=[("need IS NULL", "NEED_NOT_FOUND"), ("a IS NULL", "NOT_ASSIGNED")],
    each=each_ok("[a]", "DELETE x"),
    write="SET need.status = CASE WHEN need.status IN ['MATCHED', 'IN_SERVICE'] AND assigned = 1 "
    "THEN 'OPEN' ELSE need.status END",
    result="$need",
)


async def report_need(
    store: GraphStore,
    request: Request,
    need: Need,
    *,
    resident: str,
    category: str,
    skills: Sequence[str],
) -> Done:
    row = node_rows(NEEDS, [need])[0]
    return await perform(
        store,
        REPORT_NEED,
        {
            "id": need.id,
            "props": row["props"],
            "search": row["search"],
            "resident": resident,
            "category": category,
            "skills": list(dict.fromkeys(skills)),
            **TITLE_PARAMS,
        },
        request,
        need.id,
        {
            **TITLE_NAMES_RESIDENT,
            "RESIDENT_NOT_FOUND": missing("resident", resident),
            "RESIDENT_WITHOUT_COMMUNITY": refused(
                f"Resident {resident} has no community on record; record where they live first."
            ),
            "CATEGORY_NOT_FOUND": missing("service category", category),
            "SKILL_NOT_FOUND": (GraphNotFound, "One of the required skills does not exist."),
        },
        change=Change("NEED_REPORTED", "Need", {"Resident": [resident]}),
    )


async def update_need(
    store: GraphStore, request: Request, need: str, props: Mapping[str, Any], search: str | None
) -> Done:
    return await perform(
        store,
        UPDATE_NEED,
        {"need": need, "props": dict(props), "search": search, **TITLE_PARAMS},
        request,
        need,
        {
            "NEED_NOT_FOUND": missing("need", need),
            **TITLE_NAMES_RESIDENT,
            **NEED_STATE,
            "HEADCOUNT_BELOW_ASSIGNED": refused(
                "More volunteers are already assigned to one of its slots than the new "
                "headcount; unassign some first."
            ),
        },
        change=Change("NEED_UPDATED", "Need"),
    )


class _VisitsChanged(GraphRejected):
    """A visit checked in or out between reading the visits under way and closing the need."""


def _visits_changed(row: Record) -> Exception:
    return _VisitsChanged("A volunteer checked in or out of this need just now; close it again.")


async def set_need_status(
    store: GraphStore,
    request: Request,
    need: str,
    status: str,
    note: str | None,
    at: dt.datetime | None = None,
) -> Done:
    """Close or cancel ``need`` at ``at`` (now by default), ending the visits under way then.

    Which visits are under way is read first, so that the event names the records proposed (the
    queue's live feed hears of them); the statement ends exactly those, or refuses
    (``VISITS_CHANGED``) when one was checked in or out meanwhile, and is run again, at most
    :data:`TRIES` times in all."""
    at = at or now()
    epoch = int(at.timestamp())
    for attempt in range(1, TRIES + 1):
        found = await store.read(
            VISITS_OPEN, {"need": need, "epoch": epoch, "visit": int(VISIT.total_seconds())}
        )
        ending = [
            {
                "visit": f"{row['volunteer']}:{row['checkInEpoch']}",
                "volunteer": row["volunteer"],
                "record": new_id("record") if epoch - row["checkInEpoch"] >= 60 else None,
            }
            for row in found
        ]
        try:
            return await perform(
                store,
                SET_NEED_STATUS,
                {
                    "need": need,
                    "status": status,
                    "note": note,
                    "at": at,
                    "epoch": epoch,
                    "visit": int(VISIT.total_seconds()),
                    "ending": ending,
                    "date": at.astimezone(LOCAL_TIME).date(),
                    "visit_note": CLOSING_NOTE,
                    "method": "CLOSING",  # how the visit was checked out (checkOutBy)
                },
                request,
                need,
                {
                    "NEED_NOT_FOUND": missing("need", need),
                    **NEED_STATE,
                    "VISITS_CHANGED": _visits_changed,
                },
                change=Change(
                    f"NEED_{status}",
                    "Need",
                    {
                        "Volunteer": [e["volunteer"] for e in ending],
                        "ServiceRecord": [e["record"] for e in ending if e["record"]],
                    },
                ),
            )
        except _VisitsChanged:
            if attempt == TRIES:
                raise
    raise AssertionError("unreachable")


TRIES = 3


# Why one volunteer could not be assigned, for the `details` of the error.
REFUSALS = {
    "NOT_FOUND": "There is no such volunteer.",
    "ALREADY_ASSIGNED": "Already assigned to this need.",
    "INACTIVE": "Not active (paused or left).",
    "NO_MATCHING_SKILL": "Has no skill that satisfies the need.",
    "OUT_OF_RANGE": "Lives beyond their own service radius from the resident.",
    "NO_COMMON_LANGUAGE": "Speaks none of the resident's languages, which the need requires.",
    "AT_LOAD_LIMIT": "Already serves as many needs as their load limit allows.",
    "SLOT_NOT_IN_NEED": "A slot asked for is not one of the need's slots.",
    "BUSY": "Not free in the slot (unavailable, or booked for another need).",
}

_NOT_ELIGIBLE = refused_items("volunteerId", REFUSALS, "Some volunteers cannot take this need.")


async def assign(
    store: GraphStore,
    request: Request,
    need: str,
    items: Sequence[Mapping[str, Any]],
    precision: matching.Precision = matching.EXACT,
) -> Done:
    """Assign volunteers; "within their own radius" measured with the caller's ``precision``."""
    # Lock volunteers in one order, so two assignments cannot wait on each other (Neo4j).
    ordered = sorted(items, key=lambda item: item["id"])
    return await perform(
        store,
        ASSIGN,
        {
            "need": need,
            "items": [dict(item) for item in ordered],
            "exact_all": precision.exact is None,
            "exact": sorted(precision.exact or ()),
            "grid": precision.grid,
        },
        request,
        need,
        {
            "NEED_NOT_FOUND": missing("need", need),
            **NEED_STATE,
            "VOLUNTEER_NOT_ELIGIBLE": _NOT_ELIGIBLE,
            "NEED_FULL": refused(
                "The need already has as many volunteers as it asked for in one of the slots."
            ),
        },
        change=Change("VOLUNTEERS_ASSIGNED", "Need", {"Volunteer": [i["id"] for i in ordered]}),
    )


async def unassign(store: GraphStore, request: Request, need: str, volunteer: str) -> Done:
    return await perform(
        store,
        UNASSIGN,
        {"need": need, "volunteer": volunteer},
        request,
        need,
        {
            "NEED_NOT_FOUND": missing("need", need),
            "NOT_ASSIGNED": refused(f"Volunteer {volunteer} is not assigned to need {need}."),
        },
        change=Change("VOLUNTEER_UNASSIGNED", "Need", {"Volunteer": [volunteer]}),
    )
