"""Documents over HTTP: issued with the order, rendered once, downloaded by the parties only,
verified by anyone holding them."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from pypdf import PdfReader
from sqlalchemy import select

from app.documents.einvoice import check_xsd, einvoice_from_pdf
from app.extensions import db
from app.models import (
    AuditEvent,
    CompanyRole,
    DocumentKind,
    DocumentStatus,
    Order,
    OrderStatus,
    User,
)
from app.tasks.documents import render_document
from tests.builders.documents import render_pending
from tests.builders.orders import accept, order_in, place_for, ship
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


@pytest.fixture
def shipped(app: Flask, trade: Trade) -> Order:
    return order_in(app, trade, OrderStatus.SHIPPED, quantity=500)


def test_acceptance_issues_the_proforma_and_the_page_says_it_is_being_prepared(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = place_for(app, trade.purchaser, [(trade.product, 500)])
    accept(app, trade, order)
    (proforma,) = order.documents
    assert proforma.kind is DocumentKind.PROFORMA_INVOICE
    assert proforma.number.startswith("WN-PI-")
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert proforma.number in page and "Being prepared" in page
    render_pending(app)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert f"/documents/{proforma.public_id}.pdf" in page and "Being prepared" not in page


def test_shipping_issues_every_shipment_paper_and_both_parties_download_the_stored_bytes(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, shipped: Order
) -> None:
    documents = render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    kinds = [document.kind for document in documents]
    assert kinds == [
        DocumentKind.PROFORMA_INVOICE,
        DocumentKind.COMMERCIAL_INVOICE,
        DocumentKind.PACKING_LIST,
        DocumentKind.CERTIFICATE_OF_ORIGIN,
        DocumentKind.SHIPPING_MARKS,
    ]  # the listing has no UN number: no dangerous-goods declaration
    invoice = documents[1]
    assert invoice.sha256 == hashlib.sha256(invoice.pdf or b"").hexdigest()
    finance = UserFactory(company=trade.buyer, company_role=CompanyRole.FINANCE)
    viewer = UserFactory(company=trade.seller, company_role=CompanyRole.VIEWER)
    for user in (trade.purchaser, trade.sales, finance, viewer):
        auth.login(user.email)
        response = client.get(f"/documents/{invoice.public_id}.pdf")
        assert response.status_code == 200
        assert response.mimetype == "application/pdf"
        assert response.data == invoice.pdf
        assert f'filename="{invoice.number}.pdf"' in response.headers["Content-Disposition"]
        auth.logout()
    audited = db.session.scalars(
        select(AuditEvent.actor_id).where(
            AuditEvent.action == "document.downloaded", AuditEvent.object_id == invoice.public_id
        )
    ).all()
    assert sorted(audited) == sorted([trade.purchaser.id, trade.sales.id, finance.id, viewer.id])
    text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(invoice.pdf or b"")).pages
    )
    assert invoice.number in text and "商业发票" in text


def test_another_company_and_the_anonymous_cannot_download(
    app: Flask, client: FlaskClient, auth: AuthActions, shipped: Order
) -> None:
    (proforma, *_rest) = render_pending(app, DocumentKind.PROFORMA_INVOICE)
    url = f"/documents/{proforma.public_id}.pdf"
    # Every view of the blueprint, today's and any added later, sends the anonymous to sign in.
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("documents.")]
    # the PDF, its e-invoice XML, the states the order page follows, a lot's survey certificate
    assert len(rules) == 4
    for rule in rules:
        anonymous = client.get(rule.build({"public_id": proforma.public_id, "lot": 1})[1])
        assert anonymous.status_code == 302 and anonymous.location.startswith("/login?next=")
    outsider = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.FINANCE
    )
    auth.login(outsider.email)
    assert client.get(url).status_code == 404
    assert client.get("/documents/unknown0000000000.pdf").status_code == 404


def _end_sessions(user: User, browsers: list[FlaskClient]) -> None:
    user.session_version += 1  # what signing out everywhere and a new password do
    db.session.flush()


def _deactivate(user: User, browsers: list[FlaskClient]) -> None:
    user.active = False
    db.session.flush()


def _other_browser(user: User, browsers: list[FlaskClient]) -> None:
    # The same cookie from another browser: strong session protection empties the session.
    for browser in browsers:
        browser.environ_base["HTTP_USER_AGENT"] = "another browser"


@pytest.mark.parametrize(
    "spoil",
    [_end_sessions, _deactivate, _other_browser],
    ids=["sessions-ended", "deactivated", "other-browser"],
)
def test_a_download_honours_the_session_exactly_as_every_signed_in_page_does(
    app: Flask,
    trade: Trade,
    shipped: Order,
    spoil: Callable[[User, list[FlaskClient]], None],
) -> None:
    """Downloads check the session in their own statement, not through current_user: a
    session that no longer holds is sent to sign in there as on the order page (each in
    its own browser, so one request's refusal cannot decide the other's), and the refused
    download leaves no audit row."""
    (proforma, *_rest) = render_pending(app, DocumentKind.PROFORMA_INVOICE)
    download = f"/documents/{proforma.public_id}.pdf"
    order_page = f"/buyer/orders/{shipped.public_id}"
    browsers = [app.test_client(), app.test_client()]
    for browser in browsers:
        browser.environ_base["HTTP_USER_AGENT"] = "corridor-test"
        AuthActions(browser).login(trade.purchaser.email)
    assert browsers[0].get(download).data == proforma.pdf
    assert browsers[1].get(order_page).status_code == 200

    spoil(trade.purchaser, browsers)
    for browser, url in zip(browsers, (download, order_page), strict=True):
        response = browser.get(url)
        assert response.status_code == 302, url
        assert response.location.startswith("/login?next="), url
    downloads = db.session.scalars(
        select(AuditEvent.id).where(
            AuditEvent.action == "document.downloaded", AuditEvent.object_id == proforma.public_id
        )
    ).all()
    assert len(downloads) == 1


def test_the_verification_page_tells_genuine_from_altered(
    app: Flask, client: FlaskClient, trade: Trade, shipped: Order
) -> None:
    invoice = render_pending(app, DocumentKind.COMMERCIAL_INVOICE)[1]
    url = f"/verify/{invoice.verification_token}"
    page = page_of(client.get(url))
    assert invoice.number in page and invoice.sha256 in page  # type: ignore[operator]
    assert trade.seller.legal_name in page and "Commercial invoice" in page
    assert invoice.total is not None and invoice.total.format("en") in page
    # Nothing else about the order: not the buyer, the lines or the order number.
    assert trade.buyer.legal_name not in page
    assert trade.product.title not in page and shipped.reference not in page
    pdf = invoice.pdf or b""
    genuine = client.post(url, data={"pdf": (io.BytesIO(pdf), "invoice.pdf")})
    assert "Genuine" in page_of(genuine)
    altered = pdf[:-10] + bytes([pdf[-10] ^ 1]) + pdf[-9:]
    forged = client.post(url, data={"pdf": (io.BytesIO(altered), "invoice.pdf")})
    assert "Not the issued document" in page_of(forged)
    assert client.get("/verify/not-a-real-token-at-all").status_code == 404


class _Listener(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Listener.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listener() -> Iterator[int]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Listener)
    _Listener.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_hostile_names_render_as_text_and_fetch_nothing(app: Flask, listener: int) -> None:
    hostile = (
        f'<img src="http://127.0.0.1:{listener}/img"> '
        '<a rel="attachment" href="file:///etc/passwd">passwd</a> <script>alert(1)</script>'
    )
    trade = make_trade()
    trade.product.title = f"Ammonium nitrate {hostile}"
    trade.seller.legal_name = f"Evil {hostile} Ltd"
    db.session.commit()
    order = place_for(app, trade.purchaser, [(trade.product, 500)])
    ship(app, trade, order)
    documents = render_pending(app)
    assert _Listener.hits == []
    for document in documents:
        pdf = document.pdf or b""
        assert b"root:x:0:0" not in pdf
        reader = PdfReader(io.BytesIO(pdf))
        attachments = set(reader.attachments)
        assert attachments <= {"factur-x.xml"}
        text = "\n".join(page.extract_text() for page in reader.pages)
        if document.kind is DocumentKind.COMMERCIAL_INVOICE:
            assert "<script>alert(1)</script>" in text.replace("\n", " ")


def test_the_invoice_carries_its_e_invoice_and_the_totals_agree(
    app: Flask, shipped: Order, trade: Trade, client: FlaskClient, auth: AuthActions
) -> None:
    documents = render_pending(app, DocumentKind.COMMERCIAL_INVOICE, DocumentKind.PACKING_LIST)
    invoice = documents[1]
    pdf = invoice.pdf or b""
    xml = einvoice_from_pdf(pdf)
    assert xml is not None
    # The buyer's ERP takes the same XML on its own, and the download is audited.
    auth.login(trade.purchaser.email)
    response = client.get(f"/documents/{invoice.public_id}.xml")
    assert response.status_code == 200 and response.data == xml
    assert response.mimetype == "application/xml"
    audited = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.actor_id == trade.purchaser.id, AuditEvent.object_id == invoice.public_id
        )
    ).all()
    assert audited == ["document.xml_downloaded"]
    packing_list = next(d for d in documents if d.kind is DocumentKind.PACKING_LIST)
    assert packing_list.is_ready  # ready, but a packing list carries no e-invoice
    assert client.get(f"/documents/{packing_list.public_id}.xml").status_code == 404
    check_xsd(xml)
    tree = etree.fromstring(xml)
    grand = tree.xpath("//*[local-name()='GrandTotalAmount']")[0].text
    assert invoice.total is not None and Decimal(grand) == invoice.total.amount
    document_id = "//*[local-name()='ExchangedDocument']/*[local-name()='ID']"
    assert tree.xpath(document_id)[0].text == invoice.number
    metadata = PdfReader(io.BytesIO(pdf)).xmp_metadata
    assert metadata is not None
    xmp = metadata.stream.get_data()
    assert b"pdfaid:part" in xmp and b"factur-x" in xmp.lower()
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert invoice.total.format("en").replace("US$", "").replace("$", "") in text


def test_a_failed_render_is_retried_then_marked_and_keeps_its_number(
    app: Flask, shipped: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.documents import pdf as pdf_module
    from app.documents.render import RenderFailed

    def broken(snapshot: dict[str, object], **options: object) -> bytes:
        raise RenderFailed("rendering stopped by SIGALRM (time or memory limit)")

    monkeypatch.setattr(pdf_module, "document_pdf", broken)
    proforma = shipped.documents[0]
    number = proforma.number
    for attempt in (1, 2, 3):
        render_document.call_local(proforma.id)
        db.session.expire_all()
        assert proforma.render_attempts == attempt
        assert "SIGALRM" in (proforma.render_error or "")
    assert proforma.status is DocumentStatus.FAILED
    assert proforma.number == number and proforma.pdf is None
    assert shipped.status.value == "shipped"  # the order is untouched
    monkeypatch.undo()
    render_document.call_local(proforma.id)  # a failed document is not rendered again
    db.session.expire_all()
    assert proforma.pdf is None
