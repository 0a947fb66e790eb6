"""Partial shipments on the pages: the buyer allows them at checkout, the seller records
lots and sees what is left, and closes the order within the tolerance."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Order, OrderStatus
from tests.builders.dangerous_goods import in_production
from tests.builders.minerals import chromite, ship_lot
from tests.builders.orders import group_key
from tests.builders.trade import Trade, make_trade
from tests.support.auth import AuthActions
from tests.support.forms import checkout_form
from tests.support.http import page_of, text_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    trade = make_trade()
    db.session.commit()
    return trade


def test_the_buyer_allows_partial_shipments_at_checkout(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    auth.login(trade.purchaser.email)
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "5000"})
    url = f"/buyer/checkout/{group_key(trade.product)}"
    assert 'name="partial_shipments"' in page_of(client.get(url))
    review = client.post(url, data=checkout_form(partial_shipments="y"))
    assert "Partial shipmentsAllowed" in text_of(review)
    # The choice travels to the place button with the other terms.
    assert 'name="partial_shipments" value="y"' in page_of(review)
    total = re.search(r'name="expected_total_minor" value="(\d+)"', page_of(review))
    assert total is not None
    placed = client.post(
        url,
        data=checkout_form(
            action="place", expected_total_minor=total.group(1), partial_shipments="y"
        ),
    )
    assert placed.status_code == 302, page_of(placed)
    order = db.session.scalars(select(Order)).one()
    assert order.partial_shipments is True
    assert "Partial shipmentsAllowed" in text_of(client.get(f"/buyer/orders/{order.public_id}"))


@pytest.mark.parametrize("action", ["review", "place"])
def test_a_letter_of_credit_refuses_partial_shipments_on_the_field(
    client: FlaskClient, auth: AuthActions, trade: Trade, action: str
) -> None:
    auth.login(trade.purchaser.email)
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "5000"})
    review = client.post(
        f"/buyer/checkout/{group_key(trade.product)}",
        data=checkout_form(
            action=action,
            expected_total_minor="1250000",
            payment_terms="lc_at_sight",
            partial_shipments="y",
        ),
    )
    errors = re.search(
        r'id="partial_shipments-errors"[^>]*>(.*?)</div>\s*</div>', page_of(review), re.S
    )
    assert errors is not None, "the message is under the box"
    assert "Orders paid by letter of credit ship in one lot here" in errors.group(1)
    # Said at the top of the page too, where the reader lands.
    assert "Check the fields marked below" in text_of(review)
    assert db.session.scalars(select(Order)).first() is None


def test_the_seller_ships_lots_sees_what_is_left_and_closes(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(
        app,
        trade,
        [(chromite(trade.seller), 100)],
        tolerance_percent=5,
        partial_shipments=True,
        payment_terms="deposit_30_balance_70_bl",
    )
    auth.login(trade.sales.email)
    form = page_of(client.get(f"/seller/orders/{order.public_id}/shipment"))
    assert 'name="last_lot"' in form
    ship_lot(app, trade, order, "60", bl="COSU-LOT-1")
    page = text_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "Partly shipped" in page
    assert "Shipped 60.000 t" in page and "Left to ship 40.000 t" in page
    assert "Lot 1" in page and "Record the next lot" in page
    first_invoice = next(d.number for d in order.documents if d.kind.value == "commercial_invoice")
    assert f"for invoice {first_invoice}" in page  # the lot's share of the balance
    assert "Close at the quantity shipped" not in page  # 60 t is short of 95 t
    ship_lot(app, trade, order, "36", bl="COSU-LOT-2")
    page = text_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "Lot 2" in page and "Close at the quantity shipped" in page
    # Each lot's papers say which lot they are.
    assert "Commercial invoice · Lot 1" in page and "Commercial invoice · Lot 2" in page
    assert "Packing list · Lot 2" in page and "Proforma invoice · Lot" not in page
    closed = client.post(
        f"/seller/orders/{order.public_id}/close-balance",
        data={"seen_status": "in_production", "note": "Season over."},
        follow_redirects=True,
    )
    assert "The order is closed at the quantity shipped." in text_of(closed)
    db.session.refresh(order)
    assert order.status is OrderStatus.SHIPPED
    assert "Partly shipped" not in text_of(closed)


def test_an_order_in_one_lot_offers_no_last_lot_box(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = in_production(app, trade, [(chromite(trade.seller), 100)])
    auth.login(trade.sales.email)
    form = page_of(client.get(f"/seller/orders/{order.public_id}/shipment"))
    assert 'name="mode"' in form and 'name="last_lot"' not in form
    page = text_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "Partial shipmentsNot allowed (ships in one lot)" in page
