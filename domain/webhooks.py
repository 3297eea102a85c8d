"""The rules of a partner webhook that need no graph: its URL, its secret, its signature, its
backoff (docs/LIVE.md "Webhooks").

Why here: these are pure decisions (is this URL a place we may POST to, does this signature match,
how long to wait before the next attempt) that the registering mutation, the delivery worker and a
partner's own receiver all share; keeping them plain Python lets each be tested without a service.

Signature (Stripe-style, so partners can reuse what they know): the header
``Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``. The timestamp
is signed with the body, so an old delivery replayed later fails the 5-minute window even though
its HMAC is genuine.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

SIGNATURE_HEADER = "Webhook-Signature"
EVENT_ID_HEADER = "Webhook-Id"
REPLAY_WINDOW_S = 300  # a receiver refuses a signature older (or newer) than this
MAX_URL_LENGTH = 2048


class BadWebhookUrl(ValueError):
    """A URL we will not deliver to; the message says why (the field is ``url``)."""


def new_secret() -> str:
    """A fresh signing secret (shown to the partner once, on register and on rotate)."""
    return f"whsec_{secrets.token_urlsafe(32)}"


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header's value for ``body`` sent at ``timestamp`` (unix seconds)."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: float | None = None,
    tolerance_s: int = REPLAY_WINDOW_S,
) -> bool:
    """Whether ``header`` signs exactly ``body`` with ``secret`` within the replay window.

    The receiver's half, given here so the docs' snippet is the code the tests run."""
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        name, _, value = item.strip().partition("=")
        parts.setdefault(name, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    expected = sign(secret, body, timestamp).partition(",v1=")[2]
    return any(hmac.compare_digest(expected, given) for given in parts.get("v1", []))


def _private(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return bool(
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def check_url(url: str, *, allow_loopback_http: bool = False, resolve: bool = True) -> str:
    """The URL, trimmed, if we may deliver to it; else :class:`BadWebhookUrl`.

    https only, to a public host: a partner must not make the service POST into our own network
    (SSRF), so a host that is, or resolves to, a private, loopback, link-local (cloud metadata),
    multicast or reserved address is refused. ``allow_loopback_http`` (a setting, off by default,
    on in tests) admits ``http://127.0.0.1`` / ``http://localhost`` and nothing else private.
    The delivery checks again before every POST (``resolve``), since DNS may change after
    approval.
    """
    if not isinstance(url, str) or not url.strip():
        raise BadWebhookUrl("url must not be empty.")
    url = url.strip()
    scheme, host, port = _parts(url)
    loopback = host in {"localhost", "127.0.0.1", "::1"}
    if scheme == "http" and loopback and allow_loopback_http:
        return url
    if scheme != "https":
        raise BadWebhookUrl("url must use https.")
    if loopback:
        raise BadWebhookUrl("url must not point at this machine.")
    _public_host(host, port, resolve=resolve)
    return url


def _parts(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of a URL whose shape we accept."""
    if len(url) > MAX_URL_LENGTH:
        raise BadWebhookUrl(f"url must be at most {MAX_URL_LENGTH} characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise BadWebhookUrl("url is not a valid URL.") from None
    host = (parts.hostname or "").lower()
    if not host:
        raise BadWebhookUrl("url must name a host.")
    if parts.username or parts.password:
        raise BadWebhookUrl("url must not carry a user name or password.")
    if parts.fragment:
        raise BadWebhookUrl("url must not have a fragment.")
    return parts.scheme, host, port


def _public_host(host: str, port: int | None, *, resolve: bool) -> None:
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if _private(literal):
            raise BadWebhookUrl("url must not point at a private or link-local address.")
        return
    if not resolve:
        return
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        raise BadWebhookUrl(f"url's host {host!r} does not resolve.") from None
    for info in infos:
        if _private(ipaddress.ip_address(info[4][0])):
            raise BadWebhookUrl("url's host resolves to a private or link-local address.")


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with a cap: attempt n (from 1) waits ``base_s * 2**(n-1)``.

    Written out rather than taken from a library: it is three lines, and the delivery worker
    needs the delay itself (to store when the next attempt is due), not a retrying decorator."""

    base_s: float = 1.0
    cap_s: float = 300.0
    attempts: int = 5  # tries per delivery before it counts as one failure

    def delay(self, attempt: int) -> float:
        return float(min(self.cap_s, self.base_s * 2 ** max(0, attempt - 1)))

    def longest_s(self, timeout_s: float) -> float:
        """The longest one delivery may take: every try timing out, with the waits between
        (what a webhook's lease must cover beyond its holder's last write)."""
        waits = sum(self.delay(n) for n in range(1, self.attempts))
        return self.attempts * timeout_s + waits
