"""GraphQL subscriptions (docs/LIVE.md): what front ends watch, read from the durable event log.

Each subscription follows the log (``graph.feed``) from the cursor the client passes (``after``,
the ``cursor`` of the last event it saw; the present when omitted) and turns each event about its
family into the entity *as this viewer would read it now*: the entity is loaded through the same
resolvers as ``node(id:)`` with a fresh per-event context (new loaders, new grants), so the row
rules decide whether the event is delivered at all, the field rules what it shows, and a change of
the viewer's rights holds from the next event on. An event the viewer may not see is skipped
without a trace. PII read through a subscription is written to the audit log after each event,
like a query's; if that write fails the subscription ends.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

import strawberry

from access import policy
from access.tokens import Role
from api.errors import BadUserInput, Forbidden
from graph import feed
from graph.access import audit as graph_audit
from graph.engine.errors import GraphError
from graph.events import Event
from resolvers import entities
from resolvers.access import Access
from resolvers.context import Context
from resolvers.loaders import Loaders
from schema import audit
from schema.base import to_node
from schema.services import Need, Recruitment, Referral, ServiceRecord

log = logging.getLogger(__name__)

# The per-event state of one subscription (each runs in its own task, so each has its own).
_fresh: contextvars.ContextVar[tuple[Loaders, Access] | None] = contextvars.ContextVar(
    "live_fresh", default=None
)


@dataclass
class LiveContext(Context):
    """The context of a WebSocket connection: the viewer is set when ``connection_init`` is
    accepted, and each subscription reads with per-event loaders and access (``_fresh``), so
    nothing cached for one event answers the next."""

    connection_params: dict[str, Any] | None = None
    token: str | None = None
    operations: dict[str, str] = field(default_factory=dict)  # id -> operation kind

    def __post_init__(self) -> None:
        self._loaders = Loaders(self.store)
        self._access = Access(self.viewer, self.store, self._loaders)

    @property  # type: ignore[override]
    def loaders(self) -> Loaders:
        fresh = _fresh.get()
        return self._loaders if fresh is None else fresh[0]

    @loaders.setter
    def loaders(self, value: Loaders) -> None:
        self._loaders = value

    @property  # type: ignore[override]
    def access(self) -> Access:
        fresh = _fresh.get()
        return self._access if fresh is None else fresh[1]

    @access.setter
    def access(self, value: Access) -> None:
        self._access = value

    def renew(self) -> None:
        """Start a new event: the rules as they stand now, nothing remembered."""
        loaders = Loaders(self.store)
        _fresh.set((loaders, Access(self.viewer, self.store, loaders)))


def _cursor(after: str | None) -> int | None:
    if after is None:
        return None
    if not after.isdigit() or len(after) > 18:
        raise BadUserInput("`after` takes the `cursor` of an event this API sent.")
    return int(after)


async def _audit(info: strawberry.Info, operation: str) -> None:
    """Record the PII the last event showed (the query's rule: never read unrecorded)."""
    context = info.context
    access = context.access
    if not (access.pii_read or access.pii_queries):
        return
    made = audit.entries(context.viewer, access, operation, [], None)
    try:
        await graph_audit.append(context.store, made)
    except GraphError:
        log.exception("could not write the audit log; ending the subscription")
        raise
    finally:
        context.renew()


async def watch(
    info: strawberry.Info,
    after: str | None,
    label: str,
    operation: str,
    accept: Callable[[Event], bool] = lambda event: True,
) -> AsyncIterator[tuple[Event, Any]]:
    """(event, entity record) for every event about ``label`` the viewer may see, in order."""
    context = info.context
    if not isinstance(context, LiveContext):
        raise BadUserInput("Subscriptions are served over WebSocket (graphql-transport-ws).")
    cursor = _cursor(after)
    try:
        stream = feed.stream(context.request.app.state.feed, cursor)
        async for event in stream:
            keys = event.keys.get(label, ())
            if not keys or not accept(event):
                continue
            context.renew()
            for record in await entities.entity_list(info, label, list(keys)):
                yield event, record
                await _audit(info, operation)
    except feed.CursorError as exc:
        raise BadUserInput(str(exc)) from None


def _needs_role(info: strawberry.Info, *roles: Role) -> None:
    if info.context.viewer.role not in {Role.ADMIN, *roles}:
        raise Forbidden("This subscription is for " + ", ".join(r.value for r in roles) + ".")


AFTER = Annotated[
    str | None,
    strawberry.argument(
        description="Resume after this event's `cursor` (the last one you saw): missed events "
        "are replayed first. Omit to start from now."
    ),
]


@strawberry.type
class LiveEvent:
    """What every event a subscription delivers has: where to resume, what happened and when
    (the type itself is not in the schema; each family's event carries its fields, naming the
    kinds it sends in ``kind``'s description)."""

    cursor: str = strawberry.field(description="Pass as `after` to resume after this event.")
    kind: str
    at: dt.datetime = strawberry.field(description="When the change was written.")

    @classmethod
    def of(cls, event: Event, **rest: Any) -> Any:
        """The event as delivered: its place in the log, kind and time, and ``rest``."""
        return cls(cursor=str(event.seq), kind=event.kind, at=event.at, **rest)


@strawberry.type(description="A need was reported or changed (status, assignment, details).")
class NeedEvent(LiveEvent):
    kind: str = strawberry.field(description="What happened, e.g. NEED_REPORTED (docs/LIVE.md).")
    need: Need = strawberry.field(description="The need as you may read it now.")


@strawberry.type(
    description="Someone signed up for or withdrew from a recruitment, or it was posted."
)
class RecruitmentEvent(LiveEvent):
    kind: str = strawberry.field(description="SIGNED_UP, SIGN_UP_WITHDRAWN, RECRUITMENT_POSTED.")
    recruitment: Recruitment = strawberry.field(description="The recruitment now.")
    free_places: int = strawberry.field(description="Places still free now (剩余名额).")


@strawberry.type(description="A referral was made or changed status.")
class ReferralEvent(LiveEvent):
    kind: str = strawberry.field(description="NEED_REFERRED or REFERRAL_<status>.")
    referral: Referral = strawberry.field(description="The referral as you may read it now.")


@strawberry.type(description="A service record was logged or verified.")
class ServiceRecordEvent(LiveEvent):
    kind: str = strawberry.field(
        description="SERVICE_RECORDED or CHECKED_OUT (a record proposed), NEED_CLOSED or "
        "NEED_CANCELLED (a visit under way ended by it, its record proposed), SERVICE_VERIFIED or "
        "SERVICE_REVIEWED (approved or declined in a batch)."
    )
    awaiting_verification: bool = strawberry.field(
        description="True while no social worker has approved or declined it (待核实)."
    )
    record: ServiceRecord = strawberry.field(
        description="The service record as you may read it now."
    )


@strawberry.type(
    description="What front ends watch, over WebSocket (graphql-transport-ws, docs/LIVE.md): "
    "each event as you may read it now; resume with `after`."
)
class Subscription:
    @strawberry.subscription(
        description="Needs reported or changed that you may see (assignments included), as you "
        "may read them. A visit's check-in and check-out (CHECKED_IN, CHECKED_OUT) and a "
        "service record proposed for it (SERVICE_RECORDED) only to the social workers covering "
        "the need, administrators and the volunteer who checked in or served."
    )
    async def needs(self, info: strawberry.Info, after: AFTER = None) -> AsyncGenerator[NeedEvent]:
        async for event, record in watch(info, after, "Need", "needs"):
            if event.kind in policy.VISIT_EVENTS:
                seen_as = await info.context.access.view("Need", record.id)
                volunteers = event.keys.get("Volunteer", ())
                if not policy.hears_visit_presence(info.context.viewer, seen_as, volunteers):
                    continue
            yield NeedEvent.of(event, need=to_node("Need", record))

    @strawberry.subscription(
        description="Sign-ups and withdrawals of recruitments (with the places still free), and "
        "new recruitments."
    )
    async def recruitments(
        self, info: strawberry.Info, after: AFTER = None
    ) -> AsyncGenerator[RecruitmentEvent]:
        async for event, record in watch(info, after, "Recruitment", "recruitments"):
            free = await feed.free_places(info.context.store, record.id)
            yield RecruitmentEvent.of(
                event, recruitment=to_node("Recruitment", record), free_places=free
            )

    @strawberry.subscription(
        description="Referrals you may see: a partner, those its organization sent or received."
    )
    async def referrals(
        self, info: strawberry.Info, after: AFTER = None
    ) -> AsyncGenerator[ReferralEvent]:
        async for event, record in watch(info, after, "Referral", "referrals"):
            yield ReferralEvent.of(event, referral=to_node("Referral", record))

    @strawberry.subscription(
        description="Service records logged or proposed at a check-out (awaiting review), and "
        "reviewed, in the communities you cover (social workers)."
    )
    async def service_records(
        self, info: strawberry.Info, after: AFTER = None
    ) -> AsyncGenerator[ServiceRecordEvent]:
        _needs_role(info, Role.SOCIAL_WORKER)
        kinds = {
            "SERVICE_RECORDED", "CHECKED_OUT", "NEED_CLOSED", "NEED_CANCELLED", "SERVICE_VERIFIED",
            "SERVICE_REVIEWED",
        }  # fmt: skip
        async for event, record in watch(
            info, after, "ServiceRecord", "serviceRecords", lambda e: e.kind in kinds
        ):
            verified, community = await feed.record_state(info.context.store, record.id)
            if not await _covers(info, community):
                continue
            yield ServiceRecordEvent.of(
                event,
                awaiting_verification=not verified,
                record=to_node("ServiceRecord", record),
            )


async def _covers(info: strawberry.Info, community: str | None) -> bool:
    """A social worker watches the records of the communities they cover (who may verify)."""
    if info.context.viewer.role is not Role.SOCIAL_WORKER:
        return True
    grants = await info.context.access.grants()
    return community is not None and community in grants.communities
