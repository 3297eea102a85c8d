"""Subscriptions over a real WebSocket (graphql-transport-ws) against live API processes.

Each test runs on both engines with two uvicorn processes on one graph (the session's embedded
FalkorDB or its Neo4j), the demo data loaded: writes go through one process over HTTP, a
subscriber listens on the other, as a front end behind a balancer would. The client is the
``websockets`` library, speaking the protocol by hand, so what is checked is what goes over
the wire.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from access.tokens import Role, mint
from api.ids import to_global_id as gid
from config import Settings
from graph.engine.store import GraphStore
from graph.model.services import LOCAL_TIME
from tests.conftest import DemoLoader
from tests.processes import Api, start_api

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PROTOCOL = "graphql-transport-ws"
ADMIN = (Role.ADMIN, "admin-tests")
WORKER = (Role.SOCIAL_WORKER, "worker-0001")  # covers 起湾社区
VOLUNTEER = (Role.VOLUNTEER, "volunteer-zs-near")  # assigned to none of 林婆婆's needs
PARTNER = (Role.PARTNER, "org-zs-east-eldercare")
LIN_VISIT = gid("Need", "need-zs-qiwan-01-visit")
CHEN = (Role.VOLUNTEER, "volunteer-zs-regular")  # 陈叔, who visits 林婆婆

# Short timings so revocation and idleness show within a test.
LIVE_ENV = {
    "LOAD_DEMO_DATA": "false",
    "LOG_FORMAT": "json",
    "RATE_LIMIT_PER_MINUTE": "0",
    "IDENTITY_CACHE_S": "0",
    "LIVE_POLL_S": "0.2",
    "LIVE_RECHECK_S": "0.5",
    "LIVE_IDLE_S": "3",
    "LIVE_CONNECTIONS_PER_VIEWER": "3",
    "LIVE_SUBSCRIPTIONS_PER_VIEWER": "4",
}

REPORT = """
mutation ($input: ReportNeedInput!) { reportNeed(input: $input) { need { id key } } }
"""

NEEDS = """
subscription ($after: String) {
  needs(after: $after) { cursor kind need { key title description } }
}
"""


def token(settings: Settings, who: tuple[Role, str]) -> str:
    return mint(settings, who[0], who[1])


@pytest.fixture(scope="module")
def apis(
    engine_settings: Settings, engine_store: GraphStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Api]]:
    """Two API processes on the engine under test's graph (the session's own)."""
    logs = tmp_path_factory.mktemp("live")
    started: list[Api] = []
    try:
        started.append(start_api(engine_settings, logs, LIVE_ENV))
        started.append(start_api(engine_settings, logs, LIVE_ENV))
        yield started
    finally:
        for api in started:
            api.stop()


@pytest.fixture(autouse=True)
async def demo_graph(engine_store: GraphStore, load_demo: DemoLoader) -> None:
    await load_demo(engine_store)


async def _assign_chen(admin: Http) -> None:
    """陈叔 is assigned to 林婆婆's weekly visit."""
    await admin(
        "mutation ($n: ID!, $v: ID!) { assignVolunteers(needId: $n, "
        "volunteers: [{volunteerId: $v}]) { need { key } } }",
        n=LIN_VISIT,
        v=gid("Volunteer", CHEN[1]),
    )


async def _heard_until_update(
    admin: Http, watching: list[tuple[Role, str]], listeners: tuple[Any, ...]
) -> dict[str, list[str]]:
    """A change to 林婆婆's need everyone who sees it hears; then what each listener heard on the
    needs feed up to it, by who listens."""
    await admin(
        'mutation ($n: ID!) { updateNeed(id: $n, input: {title: "每周二上门探访"}) '
        "{ need { key } } }",
        n=LIN_VISIT,
    )
    heard = {}
    for who, each in zip(watching, listeners, strict=True):
        kinds = [(await each.next())["payload"]["data"]["needs"]["kind"]]
        while kinds[-1] != "NEED_UPDATED":
            kinds.append((await each.next())["payload"]["data"]["needs"]["kind"])
        heard[who[1]] = kinds
    return heard


class Http:
    def __init__(self, api: Api, settings: Settings, who: tuple[Role, str]) -> None:
        self.url = f"http://127.0.0.1:{api.port}/graphql"
        self.headers = {"Authorization": f"Bearer {token(settings, who)}"}

    async def __call__(self, query: str, **variables: object) -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=30) as http:
            response = await http.post(
                self.url, json={"query": query, "variables": variables}, headers=self.headers
            )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]


class Subscriber:
    """A graphql-transport-ws client: connection_init with a token, then subscriptions."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.count = 0

    async def subscribe(self, query: str, **variables: object) -> str:
        self.count += 1
        sid = str(self.count)
        message = {"id": sid, "type": "subscribe", "payload": {"query": query}}
        message["payload"]["variables"] = variables  # type: ignore[index]
        await self.ws.send(json.dumps(message))
        return sid

    async def next(self, within: float = 5) -> dict[str, Any]:
        """The next message about a subscription (pings answered on the way)."""
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), within))
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            return message  # type: ignore[no-any-return]

    async def quiet(self, seconds: float) -> list[dict[str, Any]]:
        """Everything that arrives within ``seconds`` (expected: nothing)."""
        got = []
        try:
            while True:
                got.append(await self.next(within=seconds))
        except TimeoutError:
            return got


@asynccontextmanager
async def subscriber(api: Api, payload: dict[str, Any] | None) -> AsyncIterator[Subscriber]:
    async with connect(api.ws, subprotocols=[PROTOCOL], open_timeout=10) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        yield Subscriber(ws)


def signed(settings: Settings, who: tuple[Role, str]) -> dict[str, str]:
    return {"authorization": f"Bearer {token(settings, who)}"}


def need_input(title: str, resident: str = "resident-zs-qiwan-01") -> dict[str, object]:
    return {
        "residentId": gid("Resident", resident),
        "categoryId": gid("ServiceCategory", "cat-visit"),
        "title": title,
        "description": "门铃坏了，请敲门",
        "slots": ["TUE_AM"],
    }


# --- delivery across processes -----------------------------------------------------------------


async def test_a_need_reported_through_one_process_reaches_a_subscriber_on_another_within_1_s(
    apis: list[Api], engine_settings: Settings
) -> None:
    writer, reader = apis
    async with subscriber(reader, signed(engine_settings, WORKER)) as worker:
        sid = await worker.subscribe(NEEDS)
        await asyncio.sleep(0.5)  # the subscription is running
        reported = await Http(writer, engine_settings, ADMIN)(
            REPORT, input=need_input("周四上门探访")
        )
        written = time.monotonic()  # the write has committed: the clock starts
        message = await worker.next(within=3)
        latency = time.monotonic() - written
    assert message["id"] == sid and message["type"] == "next", message
    event = message["payload"]["data"]["needs"]
    assert event["kind"] == "NEED_REPORTED"
    assert event["need"] == {
        "key": reported["reportNeed"]["need"]["key"],
        "title": "周四上门探访",
        "description": "门铃坏了，请敲门",  # the case's social worker reads it all
    }
    assert "errors" not in message["payload"]
    assert latency < 1.0, latency


# --- scoping per role: rows and fields as a query would answer them -----------------------------


async def test_each_viewer_gets_only_the_events_and_fields_their_queries_would_show(
    apis: list[Api], engine_settings: Settings
) -> None:
    writer, reader = apis
    admin = Http(writer, engine_settings, ADMIN)
    async with (
        subscriber(reader, signed(engine_settings, VOLUNTEER)) as volunteer,
        subscriber(reader, signed(engine_settings, PARTNER)) as partner,
    ):
        await volunteer.subscribe(NEEDS)
        await partner.subscribe(NEEDS)
        await asyncio.sleep(0.5)
        reported = await admin(REPORT, input=need_input("周五理发"))
        need = reported["reportNeed"]["need"]
        # The volunteer sees the open need (every volunteer may), without the resident's details;
        seen = await volunteer.next()
        assert seen["payload"]["data"]["needs"]["need"] == {
            "key": need["key"],
            "title": "周五理发",
            "description": None,
        }
        assert [e["extensions"]["code"] for e in seen["payload"]["errors"]] == ["FORBIDDEN"]
        assert "门铃" not in json.dumps(seen)
        # an event is read as the viewer may read its entity when it is delivered, so once the
        # need is cancelled the volunteer hears nothing more of it (a volunteer sees open needs
        # and their own only); the partner, to whom nothing was referred, sees neither.
        await admin("mutation ($n: ID!) { cancelNeed(id: $n) { need { key } } }", n=need["id"])
        assert await volunteer.quiet(1.0) == []
        assert await partner.quiet(0.1) == []
        # Once it is referred to the partner, the partner hears of it.
        referred = await admin(
            """
            mutation ($n: ID!, $from: ID!, $to: ID!) {
              referNeed(needId: $n, fromOrganizationId: $from, toOrganizationId: $to) {
                referral { id }
              }
            }
            """,
            n=LIN_VISIT,
            **{"from": gid("Organization", "org-zs-lianhe"), "to": gid("Organization", PARTNER[1])},
        )
        assert referred
        told = await partner.next()
        assert told["payload"]["data"]["needs"]["kind"] == "NEED_REFERRED"
        assert told["payload"]["data"]["needs"]["need"]["key"] == "need-zs-qiwan-01-visit"


async def test_a_visits_check_in_is_told_only_to_those_who_run_the_visit(
    apis: list[Api], engine_settings: Settings
) -> None:
    # When someone is at 林婆婆's home is no field's to show (docs/GROUND.md): of those who see
    # her need, the analyst (de-identified) hears the visit's check-in from no feed; her social
    # worker and 陈叔, who checks in, do.
    writer, reader = apis
    admin = Http(writer, engine_settings, ADMIN)
    await _assign_chen(admin)
    # This week's visit is an appointment in ten minutes: a visit checks in at its need's time.
    soon = dt.datetime.now(LOCAL_TIME).replace(microsecond=0) + dt.timedelta(minutes=10)
    await admin(
        "mutation ($n: ID!, $at: DateTime!) { updateNeed(id: $n, input: {oneOffAt: $at}) "
        "{ need { key } } }",
        n=LIN_VISIT,
        at=soon.isoformat(),
    )
    code = await Http(writer, engine_settings, WORKER)(
        "mutation ($n: ID!, $v: ID!) { needAttendanceCode(needId: $n, volunteerId: $v, "
        "action: CHECK_IN) { code } }",
        n=LIN_VISIT,
        v=gid("Volunteer", CHEN[1]),
    )
    watching = [WORKER, CHEN, (Role.ANALYST, "analyst-zs-bureau")]
    async with (
        subscriber(reader, signed(engine_settings, WORKER)) as worker,
        subscriber(reader, signed(engine_settings, CHEN)) as volunteer,
        subscriber(reader, signed(engine_settings, watching[2])) as analyst,
    ):
        for each in (worker, volunteer, analyst):
            await each.subscribe(NEEDS)
        await asyncio.sleep(0.5)
        await Http(writer, engine_settings, CHEN)(
            "mutation ($n: ID!, $v: ID!, $c: String) { checkInToNeed(needId: $n, "
            "volunteerId: $v, code: $c) { replayed } }",
            n=LIN_VISIT,
            v=gid("Volunteer", CHEN[1]),
            c=code["needAttendanceCode"]["code"],
        )
        # A change everyone who sees the need hears, after the check-in.
        heard = await _heard_until_update(admin, watching, (worker, volunteer, analyst))
    assert heard == {
        "worker-0001": ["CHECKED_IN", "NEED_UPDATED"],
        "volunteer-zs-regular": ["CHECKED_IN", "NEED_UPDATED"],
        "analyst-zs-bureau": ["NEED_UPDATED"],
    }


async def test_a_service_record_typed_in_is_told_only_to_those_who_see_it_before_review(
    apis: list[Api], engine_settings: Settings
) -> None:
    # A record awaiting review says when a visit ended (docs/PRIVACY.md): of those who see
    # 林婆婆's need, the analyst and a social worker of another city hear nothing of 陈叔's record
    # from the needs feed; her social worker and 陈叔 himself do.
    writer, reader = apis
    admin = Http(writer, engine_settings, ADMIN)
    await _assign_chen(admin)
    watching = [
        WORKER,
        CHEN,
        (Role.ANALYST, "analyst-zs-bureau"),
        (Role.SOCIAL_WORKER, "worker-0014"),  # covers only Hangzhou
    ]
    async with (
        subscriber(reader, signed(engine_settings, watching[0])) as worker,
        subscriber(reader, signed(engine_settings, watching[1])) as volunteer,
        subscriber(reader, signed(engine_settings, watching[2])) as analyst,
        subscriber(reader, signed(engine_settings, watching[3])) as outsider,
    ):
        listeners = (worker, volunteer, analyst, outsider)
        for each in listeners:
            await each.subscribe(NEEDS)
        await asyncio.sleep(0.5)
        await Http(writer, engine_settings, CHEN)(
            "mutation ($v: ID!, $n: ID!) { recordService(input: {volunteerId: $v, needId: $n, "
            'date: "2026-11-17", hours: 1}) { replayed } }',
            v=gid("Volunteer", CHEN[1]),
            n=LIN_VISIT,
        )
        # A change everyone who sees the need hears, after the record.
        heard = await _heard_until_update(admin, watching, listeners)
    assert heard == {
        "worker-0001": ["SERVICE_RECORDED", "NEED_UPDATED"],
        "volunteer-zs-regular": ["SERVICE_RECORDED", "NEED_UPDATED"],
        "analyst-zs-bureau": ["NEED_UPDATED"],
        "worker-0014": ["NEED_UPDATED"],
    }


async def test_sign_ups_tell_the_places_still_free(
    apis: list[Api], engine_settings: Settings
) -> None:
    writer, reader = apis
    async with subscriber(reader, signed(engine_settings, VOLUNTEER)) as watcher:
        await watcher.subscribe(
            "subscription { recruitments { kind freePlaces recruitment { key capacity } } }"
        )
        await asyncio.sleep(0.5)
        await Http(writer, engine_settings, VOLUNTEER)(
            "mutation ($r: ID!, $v: ID!) { signUp(recruitmentId: $r, volunteerId: $v) "
            "{ replayed } }",
            r=gid("Recruitment", "recruitment-02"),
            v=gid("Volunteer", VOLUNTEER[1]),
        )
        message = await watcher.next()
        assert "errors" not in message["payload"], message
        event = message["payload"]["data"]["recruitments"]
    assert event["kind"] == "SIGNED_UP"
    assert event["recruitment"]["key"] == "recruitment-02"
    assert 0 <= event["freePlaces"] < event["recruitment"]["capacity"]


async def test_service_records_await_the_covering_social_workers_review_until_approved(
    apis: list[Api], engine_settings: Settings
) -> None:
    writer, reader = apis
    query = "subscription { serviceRecords { kind awaitingVerification record { key hours } } }"
    async with (
        subscriber(reader, signed(engine_settings, WORKER)) as worker,
        subscriber(reader, signed(engine_settings, VOLUNTEER)) as volunteer,
    ):
        await worker.subscribe(query)
        await volunteer.subscribe(query)
        refused = await volunteer.next()
        assert refused["type"] == "next"
        assert refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        await asyncio.sleep(0.5)
        admin = Http(writer, engine_settings, ADMIN)
        await _assign_chen(admin)
        await admin(
            "mutation ($v: ID!, $n: ID!) { recordService(input: {volunteerId: $v, needId: $n, "
            'date: "2026-11-17", hours: 1}) { replayed } }',
            v=gid("Volunteer", CHEN[1]),
            n=LIN_VISIT,
        )
        event = (await worker.next())["payload"]["data"]["serviceRecords"]
        assert event["kind"] == "SERVICE_RECORDED"
        assert event["awaitingVerification"] is True
        assert event["record"]["hours"] == 1.0
        # Approved from the review queue (docs/GROUND.md): the feed says it waits no more.
        await Http(writer, engine_settings, WORKER)(
            "mutation ($d: [ReviewDecisionInput!]!) { reviewServiceRecords(decisions: $d) "
            "{ replayed } }",
            d=[{"recordId": gid("ServiceRecord", event["record"]["key"]), "approve": True}],
        )
        reviewed = (await worker.next())["payload"]["data"]["serviceRecords"]
    assert reviewed["kind"] == "SERVICE_REVIEWED"
    assert reviewed["awaitingVerification"] is False
    assert reviewed["record"]["key"] == event["record"]["key"]


ANALYST = (Role.ANALYST, "analyst-zs-bureau")
HER_NEEDS = "subscription { needs { kind need { key resident { key } } } }"
KEEP_OUT_OF_ANALYSIS = """
mutation ($r: ID!) {
  recordConsent(residentId: $r, scopes: [RECORD, VOLUNTEER_VISITS], givenBy: RESIDENT) {
    resident { key }
  }
}
"""


async def test_a_feed_does_not_show_an_analyst_a_resident_who_keeps_out_of_analysis(
    apis: list[Api], engine_settings: Settings
) -> None:
    """The bureau's analyst watches needs (the station's work): a need reported for 林婆婆 comes
    with her de-identified row while she counts in analysis; once she keeps out of it, the next
    need of hers still comes, but her row is FORBIDDEN as any hidden row — the feed reads her
    through the same consent scope as the lists. Her social worker's feed names her as before."""
    writer, reader = apis
    admin = Http(writer, engine_settings, ADMIN)
    async with (
        subscriber(reader, signed(engine_settings, ANALYST)) as analyst,
        subscriber(reader, signed(engine_settings, WORKER)) as worker,
    ):
        await analyst.subscribe(HER_NEEDS)
        await worker.subscribe(HER_NEEDS)
        await asyncio.sleep(0.5)
        await admin(REPORT, input=need_input("分析之内"))
        counted = (await analyst.next())["payload"]["data"]["needs"]["need"]
        assert counted["resident"] == {"key": "resident-zs-qiwan-01"}
        assert (await worker.next())["payload"]["data"]["needs"]["need"] == counted

        await admin(KEEP_OUT_OF_ANALYSIS, r=gid("Resident", "resident-zs-qiwan-01"))
        await admin(REPORT, input=need_input("分析之外"))
        told = (await analyst.next())["payload"]
        assert told["data"]["needs"]["need"]["resident"] is None
        assert [e["extensions"]["code"] for e in told["errors"]] == ["FORBIDDEN"]
        heard = (await worker.next())["payload"]["data"]["needs"]["need"]
        assert heard["resident"] == {"key": "resident-zs-qiwan-01"}


async def test_personal_information_read_through_a_subscription_is_audited(
    apis: list[Api], engine_settings: Settings
) -> None:
    writer, reader = apis
    async with subscriber(reader, signed(engine_settings, WORKER)) as worker:
        await worker.subscribe("subscription { needs { kind need { resident { key name } } } }")
        await asyncio.sleep(0.5)
        await Http(writer, engine_settings, ADMIN)(REPORT, input=need_input("读取记录"))
        event = (await worker.next())["payload"]["data"]["needs"]
        assert event["need"]["resident"]["key"] == "resident-zs-qiwan-01"
        assert event["need"]["resident"]["name"]
        await asyncio.sleep(0.5)  # recorded once the event has gone out
    log = await Http(writer, engine_settings, ADMIN)(
        "query ($a: String!) { auditLog(filter: {actor: $a, action: [READ_PII]}, last: 20) "
        "{ nodes { operation entityIds fields } } }",
        a=f"social_worker:{WORKER[1]}",
    )
    assert {
        "operation": "needs",
        "entityIds": ["resident-zs-qiwan-01"],
        "fields": ["name"],
    } in log["auditLog"]["nodes"]


# --- resuming ------------------------------------------------------------------------------------


async def test_a_client_resumes_after_a_disconnect_and_after_a_restart_missing_nothing(
    apis: list[Api], engine_settings: Settings, tmp_path: Path
) -> None:
    writer, reader = apis
    admin = Http(writer, engine_settings, ADMIN)
    async with subscriber(reader, signed(engine_settings, WORKER)) as worker:
        await worker.subscribe(NEEDS)
        await asyncio.sleep(0.5)
        await admin(REPORT, input=need_input("第一件"))
        last = (await worker.next())["payload"]["data"]["needs"]["cursor"]
    # Disconnected: two more happen.
    await admin(REPORT, input=need_input("第二件"))
    await admin(REPORT, input=need_input("第三件"))
    async with subscriber(reader, signed(engine_settings, WORKER)) as worker:
        await worker.subscribe(NEEDS, after=last)
        replayed = [(await worker.next())["payload"]["data"]["needs"] for _ in range(2)]
        assert [e["need"]["title"] for e in replayed] == ["第二件", "第三件"]
        last = replayed[-1]["cursor"]
    # A process restarts (a new one, the old one gone); events written meanwhile are replayed.
    reader.stop()
    await admin(REPORT, input=need_input("重启时"))
    restarted = start_api(engine_settings, tmp_path, LIVE_ENV)
    try:
        apis[1] = restarted  # later tests use the running one
        async with subscriber(restarted, signed(engine_settings, WORKER)) as worker:
            await worker.subscribe(NEEDS, after=last)
            event = (await worker.next())["payload"]["data"]["needs"]
            assert event["need"]["title"] == "重启时"
            assert int(event["cursor"]) == int(last) + 1
            await asyncio.sleep(0.3)
            await admin(REPORT, input=need_input("重启后"))
            live = (await worker.next())["payload"]["data"]["needs"]
            assert live["need"]["title"] == "重启后"
    except BaseException:
        restarted.stop()
        raise


async def test_a_bad_cursor_is_refused_with_a_clear_error(
    apis: list[Api], engine_settings: Settings
) -> None:
    async with subscriber(apis[1], signed(engine_settings, WORKER)) as worker:
        await worker.subscribe(NEEDS, after="not-a-cursor")
        message = await worker.next()
        assert message["payload"]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert (await worker.next())["type"] == "complete"  # that subscription ended
        await worker.subscribe(NEEDS, after="999999999")
        message = await worker.next()
        assert message["payload"]["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "beyond the last event" in message["payload"]["errors"][0]["message"]


# --- signing in, caps, revocation ---------------------------------------------------------------


async def closed_with(api: Api, payload: dict[str, Any]) -> tuple[int, str]:
    async with connect(api.ws, subprotocols=[PROTOCOL]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_bad_tokens_are_refused_with_4403(apis: list[Api], engine_settings: Settings) -> None:
    api = apis[0]
    assert (await closed_with(api, {}))[0] == 4403
    assert (await closed_with(api, {"authorization": "Bearer not.a.token"}))[0] == 4403
    stranger = {"authorization": f"Bearer {mint(engine_settings, Role.VOLUNTEER, 'volunteer-x')}"}
    code, reason = await closed_with(api, stranger)
    assert code == 4403 and "not registered" in reason
    forged = Settings(auth_secret=engine_settings.auth_secret.__class__("x" * 40))
    code, _ = await closed_with(api, {"authorization": f"Bearer {token(forged, WORKER)}"})
    assert code == 4403


async def test_only_subscriptions_go_over_the_socket_and_caps_hold(
    apis: list[Api], engine_settings: Settings
) -> None:
    api = apis[0]
    async with subscriber(api, signed(engine_settings, VOLUNTEER)) as one:
        await one.subscribe("{ service { version } }")
        refused = await one.next()
        assert refused["type"] == "error"
        assert refused["payload"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        for _ in range(4):
            await one.subscribe(NEEDS)
        await one.subscribe(NEEDS)
        capped = await one.next()
        assert capped["type"] == "error"
        assert capped["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
        async with (
            subscriber(api, signed(engine_settings, VOLUNTEER)),
            subscriber(api, signed(engine_settings, VOLUNTEER)),
        ):
            code, _ = await closed_with(api, signed(engine_settings, VOLUNTEER))
            assert code == 4429


async def test_a_connection_running_no_subscription_is_closed_when_idle(
    apis: list[Api], engine_settings: Settings
) -> None:
    async with subscriber(apis[0], signed(engine_settings, WORKER)) as idle:
        with pytest.raises(ConnectionClosed) as closed:
            await idle.next(within=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4408


async def test_a_revoked_token_loses_its_subscriptions(
    apis: list[Api], engine_settings: Settings
) -> None:
    writer, reader = apis
    async with subscriber(reader, signed(engine_settings, WORKER)) as worker:
        await worker.subscribe(NEEDS)
        await asyncio.sleep(0.3)
        await Http(writer, engine_settings, ADMIN)(
            "mutation ($s: String) { revokeTokens(subject: $s) { revokedAt } }", s=WORKER[1]
        )
        with pytest.raises(ConnectionClosed) as closed:
            await worker.next(within=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
    assert "revoked" in closed.value.rcvd.reason


async def test_a_deactivated_volunteer_loses_their_subscriptions(
    apis: list[Api], engine_settings: Settings
) -> None:
    """A volunteer who left (``deactivateVolunteer``) keeps no open door: their socket closes
    with 4403 at the next recheck, although their token itself was never revoked."""
    writer, reader = apis
    leaving = (Role.VOLUNTEER, "volunteer-zs-far")
    admin = Http(writer, engine_settings, ADMIN)
    far = gid("Volunteer", leaving[1])
    read = await admin(
        "query ($id: ID!) { node(id: $id) { ... on Volunteer { version } } }", id=far
    )
    async with subscriber(reader, signed(engine_settings, leaving)) as volunteer:
        await volunteer.subscribe(NEEDS)
        await asyncio.sleep(0.3)
        await admin(
            "mutation ($id: ID!, $v: Int!) { deactivateVolunteer(id: $id, version: $v) {"
            " volunteer { status } } }",
            id=far,
            v=read["node"]["version"],
        )
        with pytest.raises(ConnectionClosed) as closed:
            await volunteer.next(within=5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
