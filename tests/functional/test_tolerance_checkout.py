"""The quantity tolerance at checkout: "more or less 5 % at seller's option" is asked on the
checkout form, shown on the review, carried by the order and printed on both order pages
with each line's range; a percent outside 0 to 10 is refused on its field."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order
from app.services.fulfilment import actions
from app.services.fulfilment.shipment_contents import LineInput
from tests.builders.dangerous_goods import in_production, karachi_to_shanghai, record
from tests.builders.orders import group_key
from tests.builders.trade import Trade, make_trade
from tests.factories import ProductFactory
from tests.support.auth import AuthActions
from tests.support.forms import checkout_form
from tests.support.http import page_of, text_of

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade(auth: AuthActions) -> Trade:
    # The listing is traded in kilograms (3 decimals), 100 KGM at least, $2.50 a unit.
    trade = make_trade()
    db.session.commit()
    auth.login(trade.purchaser.email)
    return trade


def order_count() -> int:
    return db.session.scalar(select(func.count(Order.id))) or 0


def _review_then_place(client: FlaskClient, trade: Trade, **tolerance: str) -> tuple[Order, str]:
    """Order 5,000 kg through review and place; the order and the review page's text."""
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "5000"})
    url = f"/buyer/checkout/{group_key(trade.product)}"
    review = client.post(url, data=checkout_form(**tolerance))
    assert "Review your order" in page_of(review)
    total = re.search(r'name="expected_total_minor" value="(\d+)"', page_of(review))
    assert total is not None
    reviewed = text_of(review)
    placed = client.post(
        url, data=checkout_form(action="place", expected_total_minor=total.group(1), **tolerance)
    )
    assert placed.status_code == 302, page_of(placed)
    return db.session.scalars(select(Order)).one(), reviewed


def test_five_percent_at_sellers_option_is_placed_and_shown(
    client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "5000"})
    form_page = page_of(client.get(f"/buyer/checkout/{group_key(trade.product)}"))
    assert 'name="tolerance_percent"' in form_page and 'name="tolerance_option"' in form_page

    order, review = _review_then_place(
        client, trade, tolerance_percent="5", tolerance_option="seller"
    )
    # text_of drops the tags between a term and its value: "Quantity tolerance" + clause.
    assert "Quantity toleranceMore or less 5 % at seller's option" in review
    assert (order.tolerance_percent, order.tolerance_at_buyers_option) == (5, False)

    buyer_page = text_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Quantity toleranceMore or less 5 % at seller's option" in buyer_page
    # 5,000 kg ± 5 %, to the gram: what ships in this range fulfils the line.
    assert "Ships 4,750.000 kg to 5,250.000 kg" in buyer_page

    auth.logout()
    auth.login(trade.sales.email)
    seller_page = text_of(client.get(f"/seller/orders/{order.public_id}"))
    assert "More or less 5 % at seller's option" in seller_page
    assert "Ships 4,750.000 kg to 5,250.000 kg" in seller_page


def test_the_buyers_option_reads_so(client: FlaskClient, trade: Trade) -> None:
    order, _review = _review_then_place(
        client, trade, tolerance_percent="10", tolerance_option="buyer"
    )
    assert (order.tolerance_percent, order.tolerance_at_buyers_option) == (10, True)
    page = text_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "More or less 10 % at buyer's option" in page
    assert "Ships 4,500.000 kg to 5,500.000 kg" in page


def test_without_a_tolerance_nothing_is_said(client: FlaskClient, trade: Trade) -> None:
    order, review = _review_then_place(client, trade, tolerance_percent="")
    assert (order.tolerance_percent, order.tolerance_at_buyers_option) == (0, False)
    assert "Quantity tolerance" not in review
    page = text_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Quantity tolerance" not in page and "Ships " not in page


@pytest.mark.parametrize("percent", ["11", "abc", "5.5", "-1"])
@pytest.mark.parametrize("action", ["review", "place"])
def test_a_percent_outside_zero_to_ten_is_refused_on_its_field(
    client: FlaskClient, trade: Trade, percent: str, action: str
) -> None:
    client.post("/buyer/cart", data={"product": trade.product.public_id, "quantity": "5000"})
    response = client.post(
        f"/buyer/checkout/{group_key(trade.product)}",
        data=checkout_form(
            tolerance_percent=percent, action=action, expected_total_minor="1250000"
        ),
    )
    assert response.status_code == 200
    page = page_of(response)
    assert "Review your order" not in page
    errors = re.search(r'id="tolerance_percent-errors"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    assert errors is not None, "the message is under the tolerance field"
    assert "The quantity tolerance is a whole percent from 0 to 10." in errors.group(1)
    assert order_count() == 0
    assert trade.product.stock_quantity == 10_000


def test_after_shipment_the_page_shows_what_shipped_instead_of_the_range(
    app: Flask, client: FlaskClient, trade: Trade
) -> None:
    bags = ProductFactory(
        seller=trade.seller,
        title="Calcium carbonate, coated",
        hs_code="283650",
        unit="TNE",
        moq=1,
        price_from_minor=20_000,
        stock_quantity=5_000,
        package_type="bag",
        units_per_package=1,
    )
    # 200 t, more or less 10 % at seller's option: 180 t fulfils the line.
    order = in_production(app, trade, [(bags, 200)], tolerance_percent=10)
    before = text_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Ships 180.000 t to 220.000 t" in before and "Shipped 180" not in before
    assert "Full payment (100%)" in before  # the advance, as agreed

    record(
        app,
        trade,
        order,
        karachi_to_shanghai(
            net_weight_kg=Decimal("180000"),
            gross_weight_kg=Decimal("180500"),
            packages=[actions.PackageInput(count=180, marks="MCCT 1-180", package_type="bag")],
            lines=[LineInput(1, 180)],
        ),
    )
    after = text_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Shipped 180.000 t" in after
    assert "Ships 180.000 t to 220.000 t" not in after
    assert "More or less 10 % at seller's option" in after
    # The advance now covers the 180 t shipped, no longer 100 % of the 200 t ordered.
    assert "Full payment (100%)" not in after and "Full payment ·" in after
