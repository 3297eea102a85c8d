"""The demo's service history, written through the workflows users' requests go through.

Entities (people, places, organizations, needs) are written by the batch writer
(``seeds.batch``) until registration mutations exist (issue 19). What happens *to* them — a
volunteer assigned to a need, the service they record, a social worker's verification and the
time-bank credit it earns — is written here by the same functions the GraphQL mutations call
(``graph.workflows``), in an order the API accepts: assigned before serving, verified by a
social worker covering the need's community. So the demo cannot hold a record the API would
refuse, and every verified minute is in its volunteer's time bank (docs/MATCHING.md).

Every step carries an idempotency key, as a retried request would.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from graph import workflows
from graph.engine.errors import GraphRejected
from graph.engine.store import GraphStore
from graph.model.entities import to_props
from graph.model.services import ServiceRecord

ACTOR = "seeds.demo"  # who the idempotency keys belong to
# Communities written at once: enough to keep a server's cores busy, few enough to leave most
# of the store's connection pool (16 by default) to the service itself.
CONCURRENT_COMMUNITIES = 4


@dataclass(frozen=True)
class Served:
    """One record a volunteer keeps: for the need they were assigned to (``need``: one of the
    needs they take on, by position), or, when they took none on, for ``category`` (and a
    ``project``, as 博爱's brands); verified by ``verifier`` when not None."""

    record: ServiceRecord
    verifier: str | None
    need: int | None
    category: str
    project: str | None = None


@dataclass
class Service:
    """A volunteer's part: the needs they try to take on, in order (the first ``wanted`` that
    the API accepts), the records they keep, and needs closed once served."""

    volunteer: str
    assigned_by: str
    candidates: list[str]
    wanted: int
    records: list[Served] = field(default_factory=list)
    slots: list[str] | None = None
    close_after: bool = False


def _request(operation: str, key: str, by: str = ACTOR, **inputs: Any) -> workflows.Request:
    return workflows.Request(operation, inputs, key=f"demo:{key}", by=by)


async def _take_on(store: GraphStore, service: Service) -> list[str]:
    taken: list[str] = []
    for need in service.candidates:
        if len(taken) >= service.wanted:
            break
        item = {"id": service.volunteer, "slots": service.slots}
        request = _request(
            "assignVolunteers",
            f"assign:{need}:{service.volunteer}",
            service.assigned_by,
            need=need,
        )
        try:
            await workflows.assign(store, request, need, [item])
        except GraphRejected:
            continue  # busy, at their load limit, or the need is full: the next one
        taken.append(need)
    return taken


async def write(store: GraphStore, services: list[Service], community_of: dict[str, str]) -> int:
    """Run every volunteer's part; the number of workflow steps that changed the graph.

    A volunteer takes on needs of their own community only, so communities do not touch each
    other's needs: they run concurrently (one after another within a community, in the order
    planned, so the outcome is the same on every run)."""
    groups: dict[str, list[Service]] = {}
    for service in services:
        groups.setdefault(community_of[service.volunteer], []).append(service)
    gate = asyncio.Semaphore(CONCURRENT_COMMUNITIES)

    async def run(group: list[Service]) -> int:
        async with gate:
            return await _write_group(store, group)

    # A task group, not gather: when one community's step fails, the others stop too instead of
    # writing on, unowned, while the failure is reported.
    try:
        async with asyncio.TaskGroup() as tasks:
            runs = [tasks.create_task(run(group)) for group in groups.values()]
    except ExceptionGroup as failed:
        raise failed.exceptions[0] from None  # the first failure, as the seed command reports
    return sum(done.result() for done in runs)


async def _write_group(store: GraphStore, services: list[Service]) -> int:
    steps = 0
    for service in services:
        taken = await _take_on(store, service)
        steps += len(taken)
        for served in service.records:
            need = taken[served.need % len(taken)] if taken and served.need is not None else None
            rec = served.record
            props = to_props(rec)
            await workflows.record_service(
                store,
                _request("recordService", f"record:{rec.id}", record=rec.id),
                rec.id,
                props,
                volunteer=service.volunteer,
                need=need,
                category=None if need else served.category,
                project=served.project,
            )
            steps += 1
            if served.verifier is not None:
                await workflows.verify_service(
                    store,
                    _request("verifyService", f"verify:{rec.id}", served.verifier, record=rec.id),
                    rec.id,
                    served.verifier,
                )
                steps += 1
        if service.close_after:
            for need in taken:
                await workflows.set_need_status(
                    store,
                    _request("setNeedStatus:CLOSED", f"close:{need}", need=need),
                    need,
                    "CLOSED",
                    "服务完成",
                )
                steps += 1
    return steps


def record(rid: str, day: dt.date, minutes: int, beneficiaries: int, rating: int | None) -> Any:
    return ServiceRecord(rid, day, minutes, beneficiaries, rating, title="上门服务")
