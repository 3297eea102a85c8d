"""Webhook deliveries to a real HTTP receiver on 127.0.0.1: signed, retried, counted.

The receiver is a plain ``http.server`` in a thread, started and stopped by each test, verifying
the signature the way docs/LIVE.md tells a partner to."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import httpx
import pytest

from config import ConfigError, Settings
from domain.webhooks import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    Backoff,
    BadWebhookUrl,
    check_url,
    new_secret,
    sign,
    verify,
)
from tests.receivers import Endpoint, listening
from web.webhooks import Outcome, Standing, body_of, deliver

FAST = Backoff(base_s=0.01, cap_s=0.05, attempts=3)


@dataclass
class Receiver(Endpoint):
    """The partner's endpoint (a status per request, in turn), holding its webhook's secret."""

    secret: str = ""

    def verified(self) -> list[bool]:
        return [verify(self.secret, h[SIGNATURE_HEADER], body) for h, body in self.seen]


async def _deliver(
    url: str,
    secret: str,
    event_id: str,
    payload: Mapping[str, object],
    client: httpx.AsyncClient | None = None,
) -> Outcome:
    """One delivery to a receiver on this machine (loopback HTTP allowed here, retried at test
    speed), through ``client`` or a client of its own."""
    if client is None:
        async with httpx.AsyncClient() as own:
            return await _deliver(url, secret, event_id, payload, own)
    return await deliver(
        client, url, secret, event_id, payload, backoff=FAST, allow_loopback_http=True
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with listening(Receiver(secret=new_secret())) as state:
        yield state


async def test_a_delivery_is_signed_and_the_receiver_verifies_it(receiver: Receiver) -> None:
    payload = {"id": "event-1", "type": "REFERRAL_ACCEPTED", "cursor": 7}
    outcome = await _deliver(receiver.url, receiver.secret, "event-1", payload)
    assert outcome.delivered and outcome.attempts == 1 and outcome.status == 200
    assert outcome.error is None
    ((headers, body),) = receiver.seen
    assert json.loads(body) == payload
    assert headers[EVENT_ID_HEADER] == "event-1"
    assert receiver.verified() == [True]
    tampered = body.replace(b"ACCEPTED", b"DECLINED")
    assert not verify(receiver.secret, headers[SIGNATURE_HEADER], tampered)
    assert not verify(new_secret(), headers[SIGNATURE_HEADER], body)


def test_an_old_signature_is_refused_as_a_replay() -> None:
    secret, body = new_secret(), body_of({"id": "event-1"})
    header = sign(secret, body, int(time.time()) - 301)
    assert not verify(secret, header, body)
    assert verify(secret, sign(secret, body, int(time.time()) - 299), body)
    assert not verify(secret, "v1=abc", body)
    assert not verify(secret, "t=soon,v1=abc", body)


async def test_a_failing_receiver_is_retried_with_backoff_then_the_failure_is_recorded(
    receiver: Receiver,
) -> None:
    receiver.answers = [500, 503, 500]
    outcome = await _deliver(receiver.url, receiver.secret, "event-2", {"id": "event-2"})
    assert not outcome.delivered
    assert (outcome.attempts, outcome.status, outcome.error) == (3, 500, "HTTP 500")
    assert len(receiver.seen) == 3 and all(receiver.verified())


async def test_a_retry_that_succeeds_is_one_delivery(receiver: Receiver) -> None:
    receiver.answers = [502]
    outcome = await _deliver(receiver.url, receiver.secret, "event-3", {"id": "event-3"})
    assert outcome.delivered and outcome.attempts == 2
    assert [h[EVENT_ID_HEADER] for h, _ in receiver.seen] == ["event-3", "event-3"]


async def test_an_unreachable_receiver_records_the_error() -> None:
    outcome = await _deliver("http://127.0.0.1:9/hooks", new_secret(), "event-4", {"id": "event-4"})
    assert not outcome.delivered and outcome.status is None
    assert outcome.error is not None and "Connect" in outcome.error


async def test_repeated_failures_disable_the_webhook_until_re_enabled(receiver: Receiver) -> None:
    standing = Standing(max_failures=2)
    receiver.answers = [500] * 6
    async with httpx.AsyncClient() as client:
        for n in range(2):
            standing.record(
                await _deliver(receiver.url, receiver.secret, f"event-{n}", {"n": n}, client)
            )
        assert (standing.enabled, standing.failures, standing.last_error) == (
            False,
            2,
            "HTTP 500",
        )
        standing.enable()
        standing.record(await _deliver(receiver.url, receiver.secret, "event-2", {"n": 2}, client))
    assert standing.enabled and standing.failures == 0


async def test_loopback_is_refused_at_delivery_unless_allowed(receiver: Receiver) -> None:
    async with httpx.AsyncClient() as client:
        outcome = await deliver(
            client, receiver.url, receiver.secret, "event-5", {"id": "event-5"}, backoff=FAST
        )
    assert not outcome.delivered and outcome.error == "url must use https."
    assert receiver.seen == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "empty"),
        ("http://partner.example/hooks", "https"),
        ("ftp://partner.example/hooks", "https"),
        ("https://127.0.0.1/hooks", "this machine"),
        ("https://localhost/hooks", "this machine"),
        ("https://10.0.0.5/hooks", "private"),
        ("https://192.168.1.1/hooks", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[fe80::1]/hooks", "link-local"),
        ("https://user:pw@partner.example/hooks", "password"),
        ("https:///hooks", "host"),
        ("https://partner.example:99999/hooks", "valid"),
    ],
)
def test_urls_we_will_not_post_to(url: str, reason: str) -> None:
    with pytest.raises(BadWebhookUrl, match=reason):
        check_url(url, resolve=False)


def test_urls_we_post_to() -> None:
    assert check_url("https://partner.example/hooks", resolve=False)
    assert check_url("https://93.184.216.34/hooks")
    assert check_url("http://127.0.0.1:8080/x", allow_loopback_http=True)
    with pytest.raises(BadWebhookUrl, match="https"):
        check_url("http://10.0.0.5/x", allow_loopback_http=True)


def test_a_host_resolving_to_a_private_address_is_refused() -> None:
    """This machine's own name resolves to a loopback or private address: a name is refused by
    what it resolves to, not only by how it is spelt."""
    with pytest.raises(BadWebhookUrl, match="private"):
        check_url(f"https://{socket.gethostname()}/hooks")


def test_loopback_webhooks_are_off_by_default_and_refused_in_production() -> None:
    assert Settings.from_env({}).webhooks.allow_loopback_http is False
    assert Settings.from_env({"WEBHOOK_ALLOW_LOOPBACK_HTTP": "1"}).webhooks.allow_loopback_http
    with pytest.raises(ConfigError, match="WEBHOOK_ALLOW_LOOPBACK_HTTP"):
        Settings.from_env(
            {
                "APP_ENV": "production",
                "AUTH_SECRET": "x" * 64,
                "ID_HASH_KEY": "y" * 64,
                "WEBHOOK_ALLOW_LOOPBACK_HTTP": "1",
            }
        )


@pytest.mark.parametrize(
    "url",
    ["https://[::ffff:127.0.0.1]/hooks", "https://[::ffff:10.0.0.1]/hooks", "https://2130706433/"],
)
def test_disguised_loopback_and_private_addresses_are_refused(url: str) -> None:
    """An IPv4 address mapped into IPv6, or written as one number, is still that address."""
    with pytest.raises(BadWebhookUrl):
        check_url(url)
