"""Weight terms on the pages: the buyer asks for a provisional invoice at checkout, the
seller's finance enters the outturn with the certificate, both parties read the final
invoice's figures and download the certificate; no one else can."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Document, DocumentKind, Order
from tests.builders.dangerous_goods import in_production
from tests.builders.minerals import chromite, ship_lot
from tests.builders.orders import group_key
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.forms import checkout_form
from tests.support.http import page_of, text_of
from tests.support.pdfs import save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    trade = make_trade()
    db.session.commit()
    return trade


def test_the_buyer_asks_for_a_provisional_invoice_at_checkout(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.purchaser.email)
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "5000"})
    url = f"/buyer/checkout/{group_key(trade.product)}"
    review = client.post(url, data=checkout_form(provisional_percent="90"))
    assert (
        "Provisional invoice at 90 % of the value on the loading weight; final invoice on "
        "the outturn" in text_of(review)
    )
    total = re.search(r'name="expected_total_minor" value="(\d+)"', page_of(review))
    assert total is not None
    placed = client.post(
        url,
        data=checkout_form(
            action="place", expected_total_minor=total.group(1), provisional_percent="90"
        ),
    )
    assert placed.status_code == 302, page_of(placed)
    assert db.session.scalars(select(Order)).one().provisional_percent == 90


@pytest.mark.parametrize("percent", ["49", "101", "ninety"])
def test_a_provisional_percent_outside_fifty_to_a_hundred_is_refused(
    client: FlaskClient, auth: AuthActions, trade: Trade, percent: str
) -> None:
    auth.login(trade.purchaser.email)
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "5000"})
    page = page_of(
        client.post(
            f"/buyer/checkout/{group_key(trade.product)}",
            data=checkout_form(provisional_percent=percent),
        )
    )
    errors = re.search(r'id="provisional_percent-errors"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    assert errors is not None
    assert "a whole percent of the value, from 50 to 100" in errors.group(1)


def test_finance_enters_the_outturn_and_both_sides_read_it(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(
        app,
        trade,
        [(chromite(trade.seller), 100)],
        tolerance_percent=5,
        provisional_percent=90,
        payment_terms="deposit_30_balance_70_bl",
    )
    ship_lot(app, trade, order, "100")
    finance = finance_of(trade.seller)
    db.session.commit()
    auth.login(finance.email)
    page = text_of(client.get(f"/finance/orders/{order.public_id}"))
    assert "asks $16,695.00 (90 % of the value on the loading weight)" in page
    url = f"/finance/orders/{order.public_id}/lots/1/outturn"
    form = page_of(client.get(url))
    assert 'value="100.000"' in form or 'value="100"' in form
    # The certificate is missing: refused on its field, nothing issued.
    missing = client.post(
        url,
        data={
            "surveyor": "SGS Pakistan",
            "lines-0-line_no": "1",
            "lines-0-outturn": "98.750",
            "lines-0-price_adjustment": "2.00",
        },
    )
    assert "Upload the surveyor&#39;s certificate." in page_of(missing)
    issued = client.post(
        url,
        data={
            "surveyor": "SGS Pakistan",
            "lines-0-line_no": "1",
            "lines-0-outturn": "98.750",
            "lines-0-moisture_percent": "",
            "lines-0-price_adjustment": "2.00",
            "certificate": (io.BytesIO(save(text_pdf("Weight certificate"))), "sgs.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    text = text_of(issued)
    final = db.session.scalars(
        select(Document).where(
            Document.order_id == order.id,
            Document.kind == DocumentKind.COMMERCIAL_INVOICE,
            Document.stage == "final",
        )
    ).one()
    assert f"The final invoice {final.number} is issued." in text
    assert "Final invoice" in text and "$18,515.63" in text
    assert "outturn 98.750 t" in text and "grade adjustment $2.00 per unit" in text
    auth.logout()

    auth.login(trade.purchaser.email)
    buyer_page = text_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert f"Final invoice {final.number} on the outturn" in buyer_page
    certificate = client.get(f"/documents/orders/{order.public_id}/lots/1/survey-certificate")
    assert certificate.status_code == 200 and certificate.data.startswith(b"%PDF")
    auth.logout()

    stranger = UserFactory(company=CompanyFactory())
    db.session.commit()
    auth.login(stranger.email)
    foreign = client.get(f"/documents/orders/{order.public_id}/lots/1/survey-certificate")
    assert foreign.status_code == 404


def test_sales_staff_may_not_enter_the_outturn(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(app, trade, [(chromite(trade.seller), 100)], provisional_percent=90)
    ship_lot(app, trade, order, "100")
    auth.login(trade.sales.email)
    assert client.get(f"/finance/orders/{order.public_id}/lots/1/outturn").status_code == 403
