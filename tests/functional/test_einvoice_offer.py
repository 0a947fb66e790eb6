"""The e-invoice XML is offered only where the issued PDF carries it.

An invoice in a 3-decimal currency with fils past the second decimal is issued as a PDF
without the XML (EN 16931 allows 2 decimals: app.documents.pdf). Its finance page, the
invoice register and the API must not offer a download that answers 404; an invoice whose
amounts EN 16931 can carry keeps the offer.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.documents.einvoice import einvoice_from_pdf
from app.extensions import db
from app.models import (
    Document,
    DocumentKind,
    ExchangeRate,
    Incoterm,
    Order,
    OrderStatus,
    ProductIncoterm,
)
from app.models.base import utcnow
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from tests.builders.documents import render_pending
from tests.builders.orders import accept, advance, place_for
from tests.builders.trade import Trade, finance_of, make_trade
from tests.support.auth import AuthActions

pytestmark = pytest.mark.usefixtures("exchange_rates")

OFFER = "Download e-invoice XML"


def _kwd_trade() -> Trade:
    """Wah Nobel lists at KWD 1.235 a kilogram, CIF Shanghai; the day's KWD rates exist."""
    for quote, rate in (("PKR", Decimal("905.60")), ("CNY", Decimal("23.160"))):
        db.session.add(
            ExchangeRate(
                rate_date=utcnow().date(), base="KWD", quote=quote, rate=rate, source="Test"
            )
        )
    trade = make_trade(currency="KWD", price_from_minor=1_235)
    trade.product.incoterms.append(ProductIncoterm(rule=Incoterm.CIF, named_place="Shanghai"))
    db.session.flush()
    return trade


def _invoice(app: Flask, trade: Trade, quantity: int) -> Document:
    """The rendered commercial invoice of ``quantity`` kg, shipped CIF Shanghai."""
    order: Order = place_for(
        app, trade.purchaser, [(trade.product, quantity)], incoterm="CIF", incoterm_place="Shanghai"
    )
    accept(app, trade, order, freight=Decimal("56.12"), insurance=Decimal("3.7"))
    advance(app, trade, order, OrderStatus.SHIPPED)
    render_pending(app, DocumentKind.COMMERCIAL_INVOICE)
    (invoice,) = [d for d in order.documents if d.kind is DocumentKind.COMMERCIAL_INVOICE]
    db.session.refresh(invoice)
    assert invoice.is_ready
    return invoice


def _api_invoice(app: Flask, client: FlaskClient, trade: Trade, number: str) -> dict[str, object]:
    with app.test_request_context():
        _, secret = create_token(Actor(trade.purchaser), "ERP")
        db.session.commit()
    listed = client.get(
        "/api/v1/invoices?kind=commercial_invoice",
        headers={"Authorization": f"Bearer {secret}"},
    ).get_json()
    (found,) = [entry for entry in listed["data"] if entry["number"] == number]
    return dict(found)


def test_an_invoice_with_fils_past_two_decimals_offers_no_xml(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = _kwd_trade()
    # 301 x 1.235 = KWD 371.735: the last fils cannot be written with 2 decimals.
    invoice = _invoice(app, trade, 301)
    assert einvoice_from_pdf(invoice.pdf or b"") is None
    assert invoice.carries_einvoice is False
    xml_link = f"/documents/{invoice.public_id}.xml"

    auth.login(finance_of(trade.seller).email)
    page = client.get(f"/finance/invoices/{invoice.public_id}").get_data(as_text=True)
    assert f"/documents/{invoice.public_id}.pdf" in page  # the PDF is offered
    assert OFFER not in page and xml_link not in page
    register = client.get("/finance/invoices").get_data(as_text=True)
    assert invoice.number in register and xml_link not in register
    assert client.get(xml_link).status_code == 404

    entry = _api_invoice(app, client, trade, invoice.number)
    assert entry["carries_einvoice"] is False
    assert entry["xml_url"] is None
    assert entry["pdf_url"] == f"/api/v1/documents/{invoice.public_id}.pdf"


def test_an_invoice_whose_amounts_fit_two_decimals_offers_its_xml(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    trade = _kwd_trade()
    # 200 x 1.235 = KWD 247.000 + 56.120 + 3.700: every amount exact with 2 decimals.
    invoice = _invoice(app, trade, 200)
    assert einvoice_from_pdf(invoice.pdf or b"") is not None
    assert invoice.carries_einvoice is True
    xml_link = f"/documents/{invoice.public_id}.xml"

    auth.login(finance_of(trade.seller).email)
    page = client.get(f"/finance/invoices/{invoice.public_id}").get_data(as_text=True)
    assert OFFER in page and xml_link in page
    assert xml_link in client.get("/finance/invoices").get_data(as_text=True)
    answer = client.get(xml_link)
    assert answer.status_code == 200 and b"CrossIndustryInvoice" in answer.data

    entry = _api_invoice(app, client, trade, invoice.number)
    assert entry["carries_einvoice"] is True
    assert entry["xml_url"] == f"/api/v1/documents/{invoice.public_id}.xml"


def test_documents_other_than_invoices_carry_no_xml(app: Flask, client: FlaskClient) -> None:
    trade = _kwd_trade()
    invoice = _invoice(app, trade, 200)
    render_pending(app)
    others = [d for d in invoice.order.documents if d.kind is not DocumentKind.COMMERCIAL_INVOICE]
    assert {d.kind for d in others} >= {DocumentKind.PROFORMA_INVOICE, DocumentKind.PACKING_LIST}
    for document in others:
        db.session.refresh(document)
        assert document.is_ready and document.carries_einvoice is False, document.kind
