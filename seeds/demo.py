"""The demo data set: real places and programmes from the field reports, synthetic people.

From the field reports (summarised in docs/; the figures each report gives are asserted by
tests/seeds/test_demo_truth.py, citing report and line):
- Zhongshan 东区: the 10 communities of the 全民公益园 pilot, the hub itself (run by 中山联和),
  the 45 organizations it incubated (7, 衣物银行 among them), helped to improve (5) or brought in
  (33), and the 10 volunteer teams with the 居家养老服务中心;
- Zhongshan 南区: 城南, 良都, 马岭, 北溪 (曹边村 is one of 北溪's villages); the 三社联动 公益创投
  round and its 16 awards (the report names five projects and their agencies; the other eleven
  are illustrative);
- 博爱行动义工: the city corps, its brigades (西区, 暖阳, 沙溪龙山, 儿童福利院, 黄圃 with its 24
  骨干 in three groups), a few hours of service each (200-odd volunteers, 1,000-odd hours);
- Qingdao 新港山路社区 (薛家岛街道): the senior social worker studio, 候鸟有家, 小哥友好型,
  万事无忧, 雷锋战友志愿行, the 邻里解忧团 and the service centre;
- Hangzhou 乔司: the social organization service centre, 63 registered and 216 filed organizations
  (5A×3, 4A×5, 3A×2), named agencies, the 慈善资源库;
- Nanjing 牌坊村: the 茶乡振兴基金 and the 如愿社工村;
- Jinan 龙洞: the social work station and its think tank of 15 experts in the listed domains.

Organization and programme names are as published. Every person is synthetic (``seeds.synthetic``),
and so are amounts, dates and the counts the reports do not give. Coordinates are approximate.

The records users keep (places, people, organizations, projects, funds, venues, the taxonomy) are
registered through the step ``create<Family>`` runs (``seeds.registered``). Needs are reported,
closed and withdrawn, recruitments posted and signed up for, needs referred and referrals
answered, residents' consent and hubs' incubations recorded, donations and grants made,
resources given, volunteers' skills rated and team members' roles and days recorded, through
those steps (``seeds.casework``); assignments, service records, verifications and time-bank
credits through theirs (``seeds.demo_history``); the days case managers took their cases and
workers and experts joined, relatives, and volunteers who paused or left, through theirs
(``seeds.registered``). The batch writer writes only the records of families nobody registers
or reports, and none of their relationships: the load refuses a demo that draws anything no
user path writes (docs/FIELD.md).
"""

from __future__ import annotations

from collections import defaultdict

from config import DEVELOPMENT_ID_HASH_KEY
from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore
from graph.model import entities
from graph.model.registry import families
from graph.model.services import Need
from seeds import (
    casework,
    demo_history,
    demo_regions,
    demo_scenarios,
    demo_zhongshan,
    registered,
)
from seeds.batch import Batch
from seeds.demo_core import Demo
from seeds.demo_scenarios import PAST_VISITS


def build() -> Demo:
    """The entities to write, and what is then done with them through the workflows."""
    demo = Demo()
    demo.places()
    demo.taxonomies()
    demo_zhongshan.zhongshan(demo)
    demo_regions.qingdao(demo)
    demo_regions.hangzhou(demo)
    demo_regions.nanjing(demo)
    demo_regions.jinan(demo)
    demo.people()
    demo.workflows()
    demo_scenarios.scenarios(demo)
    return demo


def _written_by_steps(batch: Batch) -> None:
    """Refuse a demo whose batch still holds something after registration and the steps took
    their part: a relationship no user path made, or a record of a family users keep (each was
    registered, and what changed since went through a step). The batch writer writes only the
    records of families nobody registers, before registration (``load``)."""
    left = {rel.type: len(pairs) for rel, pairs in batch.links.items() if pairs}
    if left:
        raise ValueError(f"No user path writes the demo's {left}: write them through a step.")
    batch.nodes.clear()  # registered: the truth tests compare the graph with what the demo draws


async def _state(store: GraphStore) -> str:
    """EMPTY, LOADED (its last step, closing 何姨's past visits, is done) or PARTIAL."""
    last = (await entities.get_many(store, "Need", [PAST_VISITS])).get(PAST_VISITS)
    if last is None:
        return "EMPTY"
    return "LOADED" if last.status == "CLOSED" else "PARTIAL"


async def load(store: GraphStore, id_hash_key: str = DEVELOPMENT_ID_HASH_KEY) -> dict[str, int]:
    """Write the demo set; idempotent, so loading it twice changes nothing.

    The workflows add to what the entities hold (a verification adds to the volunteer's
    hours), so a graph that already holds the demo is left as it is; one that holds part of it
    (a load that was cut short) is refused: start again with ``seed demo --reset``. Residents'
    ID-card numbers are kept as their hashes under ``id_hash_key``: the service's, so that
    registering one of them again is found to be a duplicate."""
    state = await _state(store)
    if state == "LOADED":
        return {}
    if state == "PARTIAL":
        raise GraphRejected(
            "The graph holds part of the demo data set; reload it with `seed demo --reset`."
        )
    demo = build()
    batch = demo.b
    # Registered and reported records go through their steps (places first: the other records'
    # ties name them); the rest is written before them.
    stepped = {family.record for family in families() if family.kept} | {Need}
    first = Batch()
    first.nodes.update((t, records) for t, records in batch.nodes.items() if t not in stepped)
    written = dict(await first.flush(store))
    batch.nodes = defaultdict(list, {t: r for t, r in batch.nodes.items() if t in stepped})
    registered_counts = await registered.write(store, batch, demo.id_cards, id_hash_key)
    # Rated and recorded while every volunteer is as registered (active); then those who have
    # paused or left since go through their steps.
    steps = await casework.record_ties(store, *casework.ties(batch))
    steps += await registered.record_tie_steps(store, registered.tie_steps(batch))
    registered.made(batch)
    steps += await casework.report_needs(store, batch)
    consenting = casework.consents(batch)
    incubated = casework.incubations(batch)
    donations, grants = casework.money(batch)
    steps += await registered.standing(store, batch)
    _written_by_steps(batch)
    steps += await casework.record_money(store, donations, grants)
    steps += await casework.record_consents(store, consenting)
    steps += await casework.record_incubations(store, incubated)
    written["registered"] = sum(registered_counts.values())
    steps += await casework.run(store, demo.postings, demo.referrings, demo.gifts)
    steps += await demo_history.write(store, demo.services, demo.community_of)
    written["workflow steps"] = steps
    return written
