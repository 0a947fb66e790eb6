"""Where deliveries may go: http(s) URLs whose host resolves only to public addresses.

A receiver's URL is typed by a customer; without this check a webhook could be aimed at
the platform's own network (metadata services, databases on private addresses). The host
is resolved at each attempt (its DNS may change after registration) and every address it
resolves to must be public. ``WEBHOOKS_ALLOW_LOOPBACK`` lets tests use a local receiver.

An attempt connects only to the addresses checked here (``resolve_destination``): were the
HTTP client to resolve the name again, a host answering a public address to the check and
127.0.0.1 to the client (DNS rebinding) would reach the platform's own network.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import TypeAlias
from urllib.parse import SplitResult, urlsplit

from flask import current_app
from flask_babel import lazy_gettext

from app.services.errors import ValidationFailed

NOT_HTTP = lazy_gettext("Give an address starting with https:// (or http://).")
NOT_PUBLIC = lazy_gettext("This address does not lead to a public server on the internet.")
UNKNOWN_HOST = lazy_gettext("This address's host name cannot be found.")

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Destination:
    """A receiver's URL with the addresses its host resolved to, each one checked."""

    url: str
    port: int
    addresses: tuple[IPAddress, ...]  # in the resolver's order, without repeats


def _allowed(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback and current_app.config.get("WEBHOOKS_ALLOW_LOOPBACK"):
        return True
    return address.is_global and not address.is_multicast


def check_url_form(url: str, field: str = "url") -> str:
    """The URL, stripped, if it is an absolute http(s) URL with a host (no DNS yet)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 500:
        raise ValidationFailed(NOT_HTTP, field)
    if parts.username or parts.password:
        raise ValidationFailed(NOT_HTTP, field)
    _port(parts, field)
    return url


def _port(parts: SplitResult, field: str) -> int:
    try:
        port = parts.port  # raises on a port out of range ("https://host:99999/")
    except ValueError:
        raise ValidationFailed(NOT_HTTP, field) from None
    return port or DEFAULT_PORTS[parts.scheme]


def resolve_destination(url: str, field: str = "url") -> Destination:
    """Resolve ``url``'s host once; refuse it unless every address it gives is allowed."""
    url = check_url_form(url, field)
    parts = urlsplit(url)
    port = _port(parts, field)
    try:
        infos = socket.getaddrinfo(parts.hostname or "", port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise ValidationFailed(UNKNOWN_HOST, field) from None
    # A scope ("fe80::1%eth0") is dropped: only link-local addresses carry one, refused.
    found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    addresses = tuple(dict.fromkeys(found))
    if not addresses or not all(_allowed(address) for address in addresses):
        raise ValidationFailed(NOT_PUBLIC, field)
    return Destination(url=url, port=port, addresses=addresses)


def check_destination(url: str, field: str = "url") -> None:
    """Refuse ``url`` unless every address its host resolves to is allowed."""
    resolve_destination(url, field)
