"""Decimal quantities in ordering (issue #20): 12.5 t of chromite through the cart, the API,
a cancellation and a rejection; 12.5 pieces refused by the unit's rule; line amounts
rounded once, half up, and the order total the sum of its rounded lines."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import CartLine, Order, OrderStatus, PriceTier, Product
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.quotations.quotes import submit_quote
from tests.builders.orders import group_key, place_for
from tests.builders.quotations import awarded, open_rfq, quote_input
from tests.builders.trade import Trade, make_trade
from tests.factories import ProductFactory
from tests.support.api import order_body, token_for
from tests.support.auth import AuthActions
from tests.support.forms import checkout_form
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")

# $252.37 a tonne: 12.5 t is $3,154.625 exactly, $3,154.63 once rounded half up.
CHROMITE_PRICE_MINOR = 25_237
PCE_RULE = "Quantities in pieces are whole numbers."
TNE_RULE = "Quantities in t take up to 3 decimals (for example 12.500)."


@pytest.fixture
def trade() -> Trade:
    return make_trade()


@pytest.fixture
def chromite(trade: Trade) -> Product:
    product: Product = ProductFactory(
        seller=trade.seller,
        title="Chromite ore 40-42% Cr2O3",
        hs_code="261000",
        unit="TNE",
        moq=Decimal("1"),
        price_from_minor=CHROMITE_PRICE_MINOR,
        stock_quantity=Decimal("100"),
        price_tiers=[PriceTier(min_quantity=Decimal("1"), unit_price_minor=CHROMITE_PRICE_MINOR)],
    )
    return product


@pytest.fixture
def pieces(trade: Trade) -> Product:
    product: Product = ProductFactory(
        seller=trade.seller,
        title="Detonator box",
        unit="PCE",
        moq=Decimal("1"),
        price_from_minor=900,
        stock_quantity=Decimal("500"),
    )
    return product


def stock_of(product: Product) -> Decimal | None:
    db.session.expire_all()
    return db.session.get(Product, product.id).stock_quantity  # type: ignore[union-attr]


def api_order(product: Product, quantity: object, **changes: object) -> dict[str, object]:
    return order_body((product, quantity), requested_delivery_date="2099-01-31", **changes)


def test_the_product_page_says_the_rule_and_asks_for_decimals_by_unit(
    client: FlaskClient, auth: AuthActions, trade: Trade, chromite: Product, pieces: Product
) -> None:
    db.session.commit()
    auth.login(trade.purchaser.email)
    tonnes = page_of(client.get(f"/products/{chromite.public_id}"))
    assert TNE_RULE in tonnes
    assert 'name="quantity" inputmode="decimal"' in tonnes
    assert "1.000 t" in tonnes  # the MOQ, to the kilogram
    counted = page_of(client.get(f"/products/{pieces.public_id}"))
    assert PCE_RULE in counted
    assert 'name="quantity" inputmode="numeric"' in counted


def test_12_5_tonnes_go_through_the_cart_and_take_exactly_12_5_from_stock(
    client: FlaskClient, auth: AuthActions, trade: Trade, chromite: Product
) -> None:
    auth.login(trade.purchaser.email)
    response = client.post("/buyer/cart", data={"product": chromite.public_id, "quantity": "12.5"})
    assert response.status_code == 302

    cart = page_of(client.get("/buyer/cart"))
    assert "$3,154.63" in cart  # 12.5 × $252.37 = $3,154.625, rounded half up
    assert TNE_RULE in cart

    url = f"/buyer/checkout/{group_key(chromite)}"
    review = page_of(client.post(url, data=checkout_form()))
    assert "12.500 t" in review and "$3,154.63" in review
    assert 'name="expected_total_minor" value="315463"' in review

    placed = client.post(url, data=checkout_form(action="place", expected_total_minor="315463"))
    assert placed.status_code == 302
    order = db.session.scalar(select(Order))
    assert order is not None
    (line,) = order.lines
    assert (line.quantity, line.unit, line.unit_price_minor, line.line_total_minor) == (
        Decimal("12.5"),
        "TNE",
        25_237,
        315_463,
    )
    assert (order.goods_total_minor, order.total_minor) == (315_463, 315_463)
    assert stock_of(chromite) == Decimal("87.5")

    page = page_of(client.get(placed.headers["Location"]))
    assert "12.500 t" in page and "$3,154.63" in page


def test_12_5_pieces_are_refused_naming_the_rule(
    client: FlaskClient, auth: AuthActions, trade: Trade, pieces: Product
) -> None:
    auth.login(trade.purchaser.email)
    response = client.post(
        "/buyer/cart",
        data={"product": pieces.public_id, "quantity": "12.5"},
        follow_redirects=True,
    )
    assert PCE_RULE in page_of(response)
    assert db.session.scalar(select(func.count(CartLine.id))) == 0
    assert stock_of(pieces) == Decimal("500")


def test_the_api_takes_12_5_as_text_and_answers_12_5(
    app: Flask, client: FlaskClient, trade: Trade, chromite: Product, pieces: Product
) -> None:
    db.session.commit()
    headers = token_for(app, trade.purchaser)

    placed = client.post("/api/v1/orders", json=api_order(chromite, "12.5"), headers=headers)
    assert placed.status_code == 201, placed.get_json()
    body = placed.get_json()
    assert body["lines"][0]["quantity"] == "12.5"
    assert (body["lines"][0]["line_total"], body["total"]) == ("3154.63", "3154.63")
    detail = client.get(f"/api/v1/orders/{body['id']}", headers=headers).get_json()
    assert detail["lines"][0]["quantity"] == "12.5"
    assert stock_of(chromite) == Decimal("87.5")

    # A whole number is still a quantity; a JSON float never is.
    whole = client.post("/api/v1/orders", json=api_order(chromite, 2), headers=headers)
    assert whole.status_code == 201 and whole.get_json()["lines"][0]["quantity"] == "2"
    floated = client.post("/api/v1/orders", json=api_order(chromite, 12.5), headers=headers)
    assert floated.status_code == 422

    refused = client.post("/api/v1/orders", json=api_order(pieces, "12.5"), headers=headers)
    assert refused.status_code == 422
    error = refused.get_json()
    assert (error["message"], error["path"]) == (PCE_RULE, "lines[0].quantity")
    too_fine = client.post("/api/v1/orders", json=api_order(chromite, "1.0005"), headers=headers)
    assert too_fine.status_code == 422 and too_fine.get_json()["message"] == TNE_RULE
    assert stock_of(pieces) == Decimal("500")
    assert stock_of(chromite) == Decimal("85.5")


def test_cancelling_gives_back_exactly_12_5(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, chromite: Product
) -> None:
    order = place_for(app, trade.purchaser, [(chromite, Decimal("12.5"))])  # type: ignore[list-item]
    assert stock_of(chromite) == Decimal("87.5")
    auth.login(trade.purchaser.email)
    response = client.post(f"/buyer/orders/{order.public_id}/cancel", data={"reason": ""})
    assert response.status_code == 302
    db.session.expire_all()
    assert order.status is OrderStatus.CANCELLED
    assert stock_of(chromite) == Decimal("100")


def test_rejecting_gives_back_exactly_12_5(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, chromite: Product
) -> None:
    order = place_for(app, trade.purchaser, [(chromite, Decimal("12.5"))])  # type: ignore[list-item]
    assert stock_of(chromite) == Decimal("87.5")
    auth.login(trade.sales.email)
    response = client.post(
        f"/seller/orders/{order.public_id}/reject", data={"reason": "No vessel this month."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert order.status is OrderStatus.REJECTED
    assert stock_of(chromite) == Decimal("100")


def test_the_total_is_the_sum_of_the_rounded_lines(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, chromite: Product
) -> None:
    salt: Product = ProductFactory(
        seller=trade.seller,
        title="Rock salt, crushed",
        hs_code="250100",
        unit="KGM",
        moq=Decimal("0.5"),
        price_from_minor=3,
        stock_quantity=Decimal("1000"),
    )
    auth.login(trade.purchaser.email)
    client.post("/buyer/cart", data={"product": chromite.public_id, "quantity": "12.5"})
    client.post("/buyer/cart", data={"product": salt.public_id, "quantity": "0.5"})
    url = f"/buyer/checkout/{group_key(chromite)}"
    # 315,462.5 + 1.5 cents is 315,464 exact; each line rounds half up on its own:
    # 315,463 + 2 = 315,465, and that is what the buyer reviews and the order says.
    review = page_of(client.post(url, data=checkout_form()))
    assert 'name="expected_total_minor" value="315465"' in review
    placed = client.post(url, data=checkout_form(action="place", expected_total_minor="315465"))
    assert placed.status_code == 302
    order = db.session.scalar(select(Order))
    assert order is not None
    assert [(line.quantity, line.line_total_minor) for line in order.lines] == [
        (Decimal("12.5"), 315_463),
        (Decimal("0.5"), 2),
    ]
    assert order.goods_total_minor == order.total_minor == 315_465
    assert stock_of(salt) == Decimal("999.5")


@pytest.mark.usefixtures("app_ctx")
def test_a_quote_for_12_5_tonnes_is_awarded_into_an_order_of_12_5_tonnes(
    trade: Trade, chromite: Product
) -> None:
    rfq = open_rfq(trade, quantity="12.5", title="Chromite ore", hs_code="261000")
    assert rfq.quantity == Decimal("12.5")
    revision = submit_quote(
        Actor(trade.sales),
        rfq,
        quote_input(quantity="12.5", unit_price="252.37", product_public_id=chromite.public_id),
    )
    (quoted,) = revision.lines
    assert (quoted.quantity, quoted.line_total_minor) == (Decimal("12.5"), 315_463)

    order = awarded(trade, revision)
    (line,) = order.lines
    assert (line.quantity, line.unit, line.line_total_minor) == (Decimal("12.5"), "TNE", 315_463)
    # Goods $3,154.63 and the quote's freight of $28,000.00.
    assert (order.goods_total_minor, order.total_minor) == (315_463, 3_115_463)
    assert stock_of(chromite) == Decimal("87.5")


@pytest.mark.usefixtures("app_ctx")
def test_a_quote_or_rfq_for_12_5_pieces_is_refused_naming_the_rule(trade: Trade) -> None:
    with pytest.raises(ValidationFailed) as refused:
        open_rfq(trade, quantity="12.5", unit="PCE")
    assert (refused.value.field, str(refused.value)) == ("quantity", PCE_RULE)
    rfq = open_rfq(trade, quantity="12", unit="PCE")
    with pytest.raises(ValidationFailed) as refused:
        submit_quote(Actor(trade.sales), rfq, quote_input(quantity="12.5", unit="PCE"))
    assert (refused.value.field, str(refused.value)) == ("lines-0", PCE_RULE)
