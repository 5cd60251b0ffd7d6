"""The one way the app posts to a URL a user typed (alert webhooks, Slack): the outbound-URL policy.

A user's URL must not become a way into the servers around the app (server-side request forgery):

- https only; plain http only for the development hosts an operator names in
  ``TRAFFICDASH_WEBHOOK_DEV_HOSTS`` (which may also be on a loopback or private address);
- every address the host resolves to must be a public one: loopback, private, shared (CGNAT),
  link-local, multicast, reserved and unspecified addresses are refused, IPv4 and IPv6 alike, and
  IPv4 inside IPv6 (``::ffff:127.0.0.1``, 6to4, NAT64) is judged as the IPv4 it carries;
- the check happens when the connection is opened, on the addresses it is opened to: the host is
  resolved once, vetted, and the socket connects to that vetted address (TLS and the Host header keep
  the name), so a DNS answer that changes between a check and the connection cannot slip through;
- no redirects are followed, timeouts are short, and the answer's body is never read: callers learn the
  status code, or a fixed reason.

``check_url`` is the same policy at save time (a rule with such a URL is refused with the reason);
``post_json`` applies it again at every delivery (a rule saved earlier, a host that now resolves inside).
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from trafficdash.settings import Settings, get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

CONNECT_TIMEOUT_SECONDS = 3.0
IO_TIMEOUT_SECONDS = 5.0
USER_AGENT = b"trafficdash-webhook/1"
NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
# Shared address space (RFC 6598, carrier-grade NAT): not private to Python, not public either.
SHARED_ADDRESS_SPACE = ipaddress.IPv4Network("100.64.0.0/10")


class WebhookRefused(ValueError):
    """The URL breaks the outbound-URL policy; the message is a fixed reason, safe to show and log."""


class WebhookFailed(RuntimeError):
    """The receiver could not be reached or answered other than 2xx; the message is a fixed reason."""

    def __init__(self, reason: str, status_code: int | None = None) -> None:
        super().__init__(reason)
        self.status_code = status_code


@dataclass(frozen=True)
class Destination:
    """Where a URL points, as far as the policy is concerned."""

    url: httpx.URL
    host: str  # IDNA-encoded, lower case; an IPv6 literal without brackets
    port: int
    development: bool  # named in webhook_dev_hosts


def dev_hosts(settings: Settings) -> frozenset[str]:
    return frozenset(h.strip().strip("[]").lower() for h in settings.webhook_dev_hosts if h.strip())


def parse(url: str, settings: Settings | None = None) -> Destination:
    """Scheme and host checks of the policy (no network)."""
    settings = settings or get_settings()
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        raise WebhookRefused("the URL cannot be read") from None
    scheme, host = parsed.scheme, parsed.raw_host.decode("ascii").lower()
    if scheme not in ("https", "http") or not host:
        raise WebhookRefused("only https:// URLs are accepted")
    development = host in dev_hosts(settings)
    if scheme == "http" and not development:
        raise WebhookRefused("only https:// URLs are accepted (plain http is for named development hosts)")
    port = parsed.port or (443 if scheme == "https" else 80)
    return Destination(parsed, host, port, development)


def refusal(address: IPAddress, *, development: bool = False) -> str | None:
    """Why the app must not connect to this address, or None when it is a public one."""
    address = _embedded_ipv4(address) or address
    if address.is_unspecified:
        return "the host resolves to an unspecified address"
    if address.is_link_local:
        return "the host resolves to a link-local address"
    if address.is_multicast:
        return "the host resolves to a multicast address"
    if address.is_loopback:
        return None if development else "the host resolves to a loopback address"
    if address.is_reserved:
        return "the host resolves to a reserved address"
    if address.is_private or (isinstance(address, ipaddress.IPv4Address) and address in SHARED_ADDRESS_SPACE):
        return None if development else "the host resolves to a private address"
    if not address.is_global:  # documentation, benchmarking and other special-purpose ranges
        return "the host resolves to a reserved address"
    return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4 or NAT64): routed to that IPv4 host."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address of the host (an IP literal is its own answer)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise WebhookRefused("the host name does not resolve") from None
    # An address with a zone ("fe80::1%eth0") is link-local anyway; the zone is dropped to parse it.
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos))


def vetted_addresses(host: str, port: int, *, development: bool) -> list[IPAddress]:
    """The host's addresses, refused as a whole if any of them is not allowed (a DNS answer mixing a
    public and an inside address must not get through on the second one)."""
    addresses = resolve(host, port)
    if not addresses:
        raise WebhookRefused("the host name does not resolve")
    for address in addresses:
        reason = refusal(address, development=development)
        if reason:
            raise WebhookRefused(reason)
    return addresses


def check_url(url: str, settings: Settings | None = None) -> None:
    """The policy at save time: raises WebhookRefused with the reason."""
    destination = parse(url, settings)
    vetted_addresses(destination.host, destination.port, development=destination.development)


class _VettingBackend(httpcore.SyncBackend):
    """Resolves and vets the host when the connection opens, then connects to the vetted address."""

    def __init__(self, development: bool) -> None:
        self._development = development

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        address = vetted_addresses(host.strip("[]"), port, development=self._development)[0]
        return super().connect_tcp(str(address), port, timeout, local_address, socket_options)


def post_json(url: str, body: dict[str, Any], settings: Settings | None = None) -> int:
    """POST ``body`` as JSON under the policy; the 2xx status, else WebhookRefused or WebhookFailed.

    The answer's body is not read: a receiver (or whatever sits at that address) cannot make the app
    repeat what it said.
    """
    destination = parse(url, settings)
    timeout = {
        "connect": CONNECT_TIMEOUT_SECONDS,
        "read": IO_TIMEOUT_SECONDS,
        "write": IO_TIMEOUT_SECONDS,
        "pool": IO_TIMEOUT_SECONDS,
    }
    target = destination.url
    request_url = httpcore.URL(
        scheme=target.raw_scheme, host=target.raw_host, port=target.port, target=target.raw_path
    )
    headers = [(b"Content-Type", b"application/json"), (b"User-Agent", USER_AGENT)]
    content = json.dumps(body, ensure_ascii=False, default=str).encode()
    try:
        # httpcore follows no redirects; its pool never reads the environment's proxy settings.
        with (
            httpcore.ConnectionPool(
                ssl_context=httpx.create_ssl_context(),  # the CA bundle every other httpx call uses
                network_backend=_VettingBackend(destination.development),
                max_connections=1,
            ) as pool,
            pool.stream(
                "POST", request_url, headers=headers, content=content, extensions={"timeout": timeout}
            ) as response,
        ):
            status = response.status
    except httpcore.TimeoutException:
        raise WebhookFailed("the receiver did not answer in time") from None
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol):
        # Includes a TLS certificate the receiver's name does not match (an ssl error on connect).
        raise WebhookFailed("the receiver could not be reached") from None
    if 300 <= status < 400:
        raise WebhookFailed(f"HTTP {status} (redirects are not followed)", status)
    if not 200 <= status < 300:
        raise WebhookFailed(f"HTTP {status}", status)
    return status
