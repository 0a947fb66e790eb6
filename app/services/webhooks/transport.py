"""One HTTP POST to a receiver: checked destination, short timeouts, no redirects.

The request goes to an address ``resolve_destination`` checked, written into the URL, so
the client never resolves the host again (DNS rebinding); the receiver still sees its own
name: in the ``Host`` header, as the TLS server name (SNI) and as the name its certificate
must carry.
"""

from __future__ import annotations

import ipaddress
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError

from app.services.errors import ValidationFailed
from app.services.webhooks.addresses import Destination, IPAddress, resolve_destination

CONNECT_SECONDS = 5
READ_SECONDS = 10


@dataclass(frozen=True)
class Answer:
    status_code: int | None  # None: no HTTP answer (refused, timed out, not allowed)
    duration_ms: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _PinnedAdapter(HTTPAdapter):
    """Connects where the URL says (a checked address) but speaks TLS to ``hostname``:
    the server name sent and the one the certificate is verified against (by ``ssl``)."""

    def __init__(self, hostname: str) -> None:
        self._hostname = hostname  # set first: the base class builds its pools on init
        super().__init__(max_retries=0)

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        # urllib3 drops TLS keywords from plain-http pools, so http:// is unaffected.
        pool_kwargs["server_hostname"] = self._hostname
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)


def _ascii_host(url: str) -> str:
    """The URL's host as it goes on the wire (IDNA); an IPv6 literal without brackets."""
    hostname = urlsplit(url).hostname or ""
    return hostname if ":" in hostname else hostname.encode("idna").decode("ascii")


def _host_header(url: str) -> str:
    parts = urlsplit(url)
    host = _ascii_host(url)
    host = f"[{host}]" if ":" in host else host
    return host if parts.port is None else f"{host}:{parts.port}"


def _pinned_url(destination: Destination, address: IPAddress) -> str:
    """The URL with its host replaced by ``address``: nothing left for the client to resolve."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    literal = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    parts = urlsplit(destination.url)
    return urlunsplit((parts.scheme, f"{literal}:{destination.port}", parts.path, parts.query, ""))


def _never_connected(failure: requests.RequestException) -> bool:
    """True when no connection was made (refused, unreachable, connect timeout): nothing
    was sent, so the next checked address may be tried."""
    cause = failure.args[0] if failure.args else None
    # urllib3's NewConnectionError is a ConnectTimeoutError; requests wraps it in its reason.
    return isinstance(getattr(cause, "reason", None), ConnectTimeoutError)


def _describe(failure: requests.RequestException) -> str:
    return f"{type(failure).__name__}: {failure}"[:300]


def post(url: str, body: str, headers: dict[str, str]) -> Answer:
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        destination = resolve_destination(url)
    except ValidationFailed as refused:
        return Answer(None, took(), str(refused))
    sent_headers = {**headers, "Host": _host_header(destination.url)}
    failure: requests.RequestException | None = None
    # No proxies from the environment: the checked address must be the one connected to.
    with requests.Session() as session:
        session.trust_env = False
        adapter = _PinnedAdapter(_ascii_host(destination.url))
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        # Each checked address in the resolver's order, as a client connecting by name would.
        for address in destination.addresses:
            try:
                response = session.post(
                    _pinned_url(destination, address),
                    data=body.encode(),
                    headers=sent_headers,
                    timeout=(CONNECT_SECONDS, READ_SECONDS),
                    allow_redirects=False,
                    stream=True,  # the receiver's body is never read: nothing to download
                )
            except requests.RequestException as error:
                if _never_connected(error):
                    failure = error
                    continue
                return Answer(None, took(), _describe(error))
            response.close()
            code = response.status_code
            if 300 <= code < 400:
                return Answer(code, took(), "redirects are not followed")
            return Answer(code, took(), None if 200 <= code < 300 else f"HTTP {code}")
    assert failure is not None  # resolve_destination returns at least one address
    return Answer(None, took(), _describe(failure))
