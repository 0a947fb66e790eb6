"""Where deliveries may go: http(s) URLs whose host resolves only to public addresses.

A receiver's URL is typed by a customer; without this check a webhook could be aimed at
the platform's own network (metadata services, databases on private addresses). The host
is resolved at each attempt (its DNS may change after registration) and every address it
resolves to must be public. ``WEBHOOKS_ALLOW_LOOPBACK`` lets tests use a local receiver.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext

from app.services.errors import ValidationFailed

NOT_HTTP = lazy_gettext("Give an address starting with https:// (or http://).")
NOT_PUBLIC = lazy_gettext("This address does not lead to a public server on the internet.")
UNKNOWN_HOST = lazy_gettext("This address's host name cannot be found.")


def _allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
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
    return url


def check_destination(url: str, field: str = "url") -> None:
    """Refuse ``url`` unless every address its host resolves to is allowed."""
    parts = urlsplit(check_url_form(url, field))
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise ValidationFailed(UNKNOWN_HOST, field) from None
    addresses = {ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos}
    if not addresses or not all(_allowed(address) for address in addresses):
        raise ValidationFailed(NOT_PUBLIC, field)
