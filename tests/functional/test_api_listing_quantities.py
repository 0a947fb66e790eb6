"""Decimal quantities in the seller's and the catalogue's API (issue #20): a listing's stock
and tiers go in as decimal strings (or integers) held to the listing's unit, and come out as
exact decimal strings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import Incoterm, PriceTier, Product, ProductIncoterm, VerificationStatus
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from tests.builders.trade import Trade, make_trade

pytestmark = pytest.mark.usefixtures("exchange_rates")


def _trade(unit: str) -> Trade:
    trade = make_trade(
        unit=unit,
        moq=1,
        price_tiers=[PriceTier(min_quantity=1, unit_price_minor=26550)],
        incoterms=[ProductIncoterm(rule=Incoterm.FOB, named_place="Karachi (PKKHI)")],
        stock_quantity=50,
    )
    db.session.commit()
    return trade


def _token(app: Flask, user: Any) -> dict[str, str]:
    with app.test_request_context():
        _, secret = create_token(Actor(user), "ERP")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _change(client: FlaskClient, app: Flask, trade: Trade, body: dict[str, Any]) -> Any:
    headers = _token(app, trade.sales)
    url = f"/api/v1/seller/listings/{trade.product.public_id}"
    version = client.get(url, headers=headers).get_json()["version"]
    return client.patch(url, json={**body, "version": version}, headers=headers)


def _stored(trade: Trade) -> Product:
    db.session.expire_all()
    product = db.session.get(Product, trade.product.id)
    assert product is not None
    return product


def test_stock_of_12_345_tonnes_goes_in_and_comes_back_exactly(
    client: FlaskClient, app: Flask
) -> None:
    trade = _trade("TNE")
    answer = _change(
        client,
        app,
        trade,
        {
            "stock_quantity": "12.345",
            "price_tiers": [
                {"min_quantity": 1, "unit_price": "265.50"},
                {"min_quantity": "2.5", "unit_price": "252.00"},
            ],
        },
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["stock_quantity"] == "12.345"
    assert body["moq"] == "1"
    assert body["price_tiers"] == [
        {"min_quantity": "1", "unit_price": "265.50"},
        {"min_quantity": "2.5", "unit_price": "252.00"},
    ]
    product = _stored(trade)
    assert product.stock_quantity == Decimal("12.345")
    assert [t.min_quantity for t in product.price_tiers] == [Decimal("1"), Decimal("2.5")]


def test_half_a_piece_is_refused_naming_the_field_and_the_rule(
    client: FlaskClient, app: Flask
) -> None:
    trade = _trade("PCE")
    answer = _change(client, app, trade, {"stock_quantity": "12.5"})
    assert answer.status_code == 422
    error = answer.get_json()
    assert error["path"] == "stock_quantity"
    assert error["message"] == "Quantities in pieces are whole numbers."
    assert _stored(trade).stock_quantity == Decimal("50")


def test_a_thousandth_more_than_a_tonne_takes_is_refused(client: FlaskClient, app: Flask) -> None:
    trade = _trade("TNE")
    tiers = [
        {"min_quantity": 1, "unit_price": "265.50"},
        {"min_quantity": "2.5005", "unit_price": "252"},
    ]
    answer = _change(client, app, trade, {"price_tiers": tiers})
    assert answer.status_code == 422
    error = answer.get_json()
    assert error["path"] == "price_tiers[1].min_quantity"
    assert error["message"] == "Quantities in t take up to 3 decimals (for example 12.500)."


def test_a_json_float_is_not_a_quantity(client: FlaskClient, app: Flask) -> None:
    trade = _trade("TNE")
    answer = _change(client, app, trade, {"stock_quantity": 12.345})
    assert answer.status_code == 422
    assert _stored(trade).stock_quantity == Decimal("50")


def test_the_catalogue_answers_decimal_quantities_as_strings(
    client: FlaskClient, app: Flask
) -> None:
    trade = make_trade(
        unit="TNE",
        moq=Decimal("0.5"),
        price_tiers=[
            PriceTier(min_quantity=Decimal("0.5"), unit_price_minor=26550),
            PriceTier(min_quantity=Decimal("2.5"), unit_price_minor=25200),
        ],
        stock_quantity=Decimal("2480.35"),
        hazard_class=None,
        un_number=None,
        proper_shipping_name=None,
        export_licence_required=False,
    )
    trade.buyer.verification_status = VerificationStatus.VERIFIED
    db.session.commit()
    headers = _token(app, trade.purchaser)
    detail = client.get(f"/api/v1/catalogue/{trade.product.public_id}", headers=headers)
    assert detail.status_code == 200, detail.get_json()
    body = detail.get_json()
    assert (body["moq"], body["stock_quantity"]) == ("0.5", "2480.35")
    assert [tier["min_quantity"] for tier in body["price_tiers"]] == ["0.5", "2.5"]
    found = client.get("/api/v1/catalogue", headers=headers).get_json()["data"]
    item = next(hit for hit in found if hit["id"] == trade.product.public_id)
    assert (item["moq"], item["stock_quantity"]) == ("0.5", "2480.35")


def test_a_price_per_kilogram_to_four_decimals_goes_in_and_comes_back_exactly(
    client: FlaskClient, app: Flask
) -> None:
    # Issue #20: prices per kilogram are sub-cent; the API answers them as sent.
    trade = _trade("KGM")
    tiers = [
        {"min_quantity": 1, "unit_price": "0.2524"},
        {"min_quantity": 1000, "unit_price": "0.25"},
    ]
    answer = _change(client, app, trade, {"price_tiers": tiers})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["price_tiers"] == [
        {"min_quantity": "1", "unit_price": "0.2524"},
        {"min_quantity": "1000", "unit_price": "0.25"},
    ]
    assert [t.unit_price_minor for t in _stored(trade).price_tiers] == [
        Decimal("25.24"),
        Decimal("25"),
    ]
    catalogue = client.get(
        f"/api/v1/catalogue/{trade.product.public_id}", headers=_token(app, trade.purchaser)
    ).get_json()
    assert catalogue["price_tiers"][0]["unit_price"] == "0.2524"


def test_a_fifth_decimal_of_a_dollar_is_refused_naming_the_rule(
    client: FlaskClient, app: Flask
) -> None:
    trade = _trade("KGM")
    answer = _change(
        client, app, trade, {"price_tiers": [{"min_quantity": 1, "unit_price": "0.25237"}]}
    )
    assert answer.status_code == 422
    error = answer.get_json()
    assert error["path"] == "price_tiers[0].unit_price"
    assert error["message"] == "USD prices have at most 4 decimals."
    assert [t.unit_price_minor for t in _stored(trade).price_tiers] == [Decimal(26550)]
