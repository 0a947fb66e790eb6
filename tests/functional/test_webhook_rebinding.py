"""DNS rebinding: a delivery connects only to an address it checked.

A receiver's host is resolved once per attempt; every address must be allowed, and the
connection goes to one of those very addresses. A host that answers a public address to
the check and 127.0.0.1 to a second lookup never reaches loopback. The receiver keeps its
name: the ``Host`` header, the TLS server name and the name its certificate is checked
against are the URL's host, not the address connected to.

The resolver is replaced for the one test host (other names resolve as usual), and the
socket's ``connect`` refuses any address but loopback at once: no test reaches the
internet. Receivers are real HTTP(S) servers on 127.0.0.1.
"""

from __future__ import annotations

import errno
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests.adapters
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask import Flask
from sqlalchemy import select

from app.database import commit
from app.extensions import db
from app.models import (
    Company,
    CompanyRole,
    DeliveryStatus,
    User,
    WebhookAttempt,
    WebhookDelivery,
)
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.webhooks import endpoints as webhook_endpoints
from app.services.webhooks import events as webhook_events
from app.services.webhooks.addresses import check_destination
from tests.factories import CompanyFactory, UserFactory
from tests.support.webhooks import Receiver

HOST = "rebind.example"
PUBLIC = "93.184.216.34"  # a global address; the patched connect refuses it at once
PRIVATE = "10.0.0.7"
LOOPBACK = "127.0.0.1"
NOT_PUBLIC = "This address does not lead to a public server on the internet."


class Resolver:
    """``socket.getaddrinfo`` for ``HOST``: each lookup answers the next queued list of
    addresses (the last list repeats); any other name goes to the real resolver."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.answers: list[list[str]] = [[PUBLIC]]
        self.lookups = 0

    def answer(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.lookups = 0

    def __call__(
        self, host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0, flags: int = 0
    ) -> list[tuple[Any, ...]]:
        if host != HOST:
            return list(self.real(host, port, family, type, proto, flags))
        self.lookups += 1
        addresses = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                socket.IPPROTO_TCP,
                "",
                (address, int(port), 0, 0) if ":" in address else (address, int(port)),
            )
            for address in addresses
        ]


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    fake = Resolver(socket.getaddrinfo)
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    return fake


@pytest.fixture
def connected(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every address a socket connects to; all but loopback are refused at once."""
    made: list[tuple[str, int]] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        made.append((str(address[0]), int(address[1])))
        if not ipaddress.ip_address(address[0]).is_loopback:
            raise ConnectionRefusedError(errno.ECONNREFUSED, "refused (no network in tests)")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return made


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def company_with_endpoint(app: Flask, url: str) -> Company:
    """A company whose owner registered ``url`` for ``order.placed``."""
    company: Company = CompanyFactory()
    owner: User = UserFactory(company=company, company_role=CompanyRole.OWNER)
    db.session.commit()
    with app.test_request_context():
        webhook_endpoints.register(Actor(owner), company, url, ["order.placed"])
        commit()
    return company


def send_event(app: Flask, company: Company) -> WebhookAttempt:
    """An event for the company; its delivery job runs after the commit (inline in tests)."""
    with app.test_request_context():
        webhook_events.emit((company.id,), "order.placed", {"object": "order", "id": "ord_1"})
        commit()
    attempt: WebhookAttempt = db.session.scalars(select(WebhookAttempt)).one()
    return attempt


def port_of(receiver_url: str) -> int:
    return int(receiver_url.split(":")[2].split("/")[0])


def test_a_host_that_rebinds_to_loopback_after_the_check_is_never_reached(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    receiver: Receiver,
    resolver: Resolver,
    connected: list[tuple[str, int]],
) -> None:
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_LOOPBACK", False)
    port = port_of(receiver.url)
    company = company_with_endpoint(app, f"http://{HOST}:{port}/corridor-hook")

    # Public to the first lookup, loopback to every later one.
    resolver.answer([PUBLIC], [LOOPBACK])
    attempt = send_event(app, company)

    assert receiver.received == []
    assert connected == [(PUBLIC, port)]
    assert resolver.lookups == 1
    assert attempt.status_code is None
    assert attempt.error is not None and attempt.error.startswith("ConnectionError: ")
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)


def test_the_checked_loopback_address_is_the_one_reached_when_the_setting_allows_it(
    app: Flask, receiver: Receiver, resolver: Resolver, connected: list[tuple[str, int]]
) -> None:
    assert app.config["WEBHOOKS_ALLOW_LOOPBACK"] is True  # the test configuration
    port = port_of(receiver.url)
    company = company_with_endpoint(app, f"http://{HOST}:{port}/corridor-hook")

    # Loopback (allowed here) to the check, a private address to any later lookup.
    resolver.answer([LOOPBACK], [PRIVATE])
    attempt = send_event(app, company)

    assert resolver.lookups == 1
    assert connected == [(LOOPBACK, port)]
    assert (attempt.status_code, attempt.error) == (200, None)
    (request,) = receiver.received
    assert request["headers"]["Host"] == f"{HOST}:{port}"
    assert json.loads(request["body"])["data"]["object"] == {"object": "order", "id": "ord_1"}


def test_a_host_answering_public_and_loopback_together_is_refused_without_connecting(
    app: Flask,
    monkeypatch: pytest.MonkeyPatch,
    receiver: Receiver,
    resolver: Resolver,
    connected: list[tuple[str, int]],
) -> None:
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_LOOPBACK", False)
    port = port_of(receiver.url)
    company = company_with_endpoint(app, f"http://{HOST}:{port}/corridor-hook")

    resolver.answer([PUBLIC, LOOPBACK])
    attempt = send_event(app, company)

    assert connected == []
    assert receiver.received == []
    assert (attempt.status_code, attempt.error) == (None, NOT_PUBLIC)


def test_an_address_that_refuses_is_followed_by_the_next_checked_one(
    app: Flask, receiver: Receiver, resolver: Resolver, connected: list[tuple[str, int]]
) -> None:
    port = port_of(receiver.url)
    company = company_with_endpoint(app, f"http://{HOST}:{port}/corridor-hook")

    resolver.answer([PUBLIC, LOOPBACK], [PRIVATE])
    attempt = send_event(app, company)

    assert resolver.lookups == 1
    assert connected == [(PUBLIC, port), (LOOPBACK, port)]
    assert (attempt.status_code, attempt.error) == (200, None)
    assert len(receiver.received) == 1


# TLS: the receiver's certificate names the URL's host, the connection goes to 127.0.0.1.


def _certificate(tmp_path: Path, name: str) -> tuple[Path, Path, Path]:
    """A test CA's certificate, and a server certificate for ``name`` it signed, with key."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Corridor test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path, cert_path, key_path = (tmp_path / f"{name}-{n}.pem" for n in ("ca", "cert", "key"))
    ca_path.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_path.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_path, cert_path, key_path


class TlsReceiver:
    """An HTTPS server on 127.0.0.1 that records the server name each client asked for."""

    def __init__(self, cert: Path, key: Path) -> None:
        self.received: list[dict[str, Any]] = []
        self.server_names: list[str | None] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda _sock, name, _context: self.server_names.append(name)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        # The handshake happens on accept; a client that rejects the certificate is dropped.
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("certificate_for", "delivered"),
    [(HOST, True), ("other.example", False)],
    ids=["certificate-for-the-url-host", "certificate-for-another-name"],
)
def test_tls_goes_to_the_checked_address_under_the_urls_host_name(
    app: Flask,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    resolver: Resolver,
    connected: list[tuple[str, int]],
    certificate_for: str,
    delivered: bool,
) -> None:
    ca, cert, key = _certificate(tmp_path, certificate_for)
    # The client trusts the test CA the way it trusts the public ones: as its CA bundle.
    monkeypatch.setattr(requests.adapters, "DEFAULT_CA_BUNDLE_PATH", str(ca))
    server = TlsReceiver(cert, key)
    try:
        company = company_with_endpoint(app, f"https://{HOST}:{server.port}/corridor-hook")
        resolver.answer([LOOPBACK], [PRIVATE])
        attempt = send_event(app, company)
    finally:
        server.close()

    assert resolver.lookups == 1
    assert connected == [(LOOPBACK, server.port)]
    assert server.server_names == [HOST]
    if delivered:
        assert (attempt.status_code, attempt.error) == (200, None)
        (request,) = server.received
        assert request["headers"]["Host"] == f"{HOST}:{server.port}"
    else:
        # The certificate is valid, but for another name than the URL's host: refused.
        assert attempt.status_code is None
        assert attempt.error is not None and "CERTIFICATE_VERIFY_FAILED" in attempt.error
        assert server.received == []


def test_a_port_out_of_range_is_refused_as_a_malformed_address(
    app: Flask, resolver: Resolver
) -> None:
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        check_destination(f"https://{HOST}:99999/corridor-hook")
    assert str(refused.value) == "Give an address starting with https:// (or http://)."
    assert resolver.lookups == 0
