"""The quantity tolerance over the API: an ERP orders "more or less 5 % at seller's option",
reads it back in the order's answer (as the OpenAPI document describes it), and a percent
that is not a whole number from 0 to 10 is refused like any other bad field."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from sqlalchemy import select

from app.extensions import db
from app.models import Order
from tests.builders.trade import Trade, committed_trade
from tests.support.api import order_body, orders_count, token_for

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return committed_trade()


def conforms(client: FlaskClient, answer: dict[str, Any], model: str) -> None:
    """Raise unless ``answer`` matches ``model`` of the served OpenAPI document."""
    document = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{model}", "components": document["components"]}
    Draft202012Validator(schema).validate(answer)


def test_an_order_with_a_tolerance_is_placed_and_read_back(
    client: FlaskClient, trade: Trade
) -> None:
    headers = token_for(client, trade.purchaser)
    placed = client.post(
        "/api/v1/orders",
        json=order_body(
            (trade.product.public_id, 1000), tolerance_percent=5, tolerance_option="seller"
        ),
        headers=headers,
    )
    assert placed.status_code == 201, placed.get_json()
    body = placed.get_json()
    assert (body["tolerance_percent"], body["tolerance_option"]) == (5, "seller")
    conforms(client, body, "OrderSummary")
    order = db.session.scalars(select(Order)).one()
    assert (order.tolerance_percent, order.tolerance_at_buyers_option) == (5, False)

    read = client.get(f"/api/v1/orders/{order.public_id}", headers=headers)
    assert read.status_code == 200
    assert (read.get_json()["tolerance_percent"], read.get_json()["tolerance_option"]) == (
        5,
        "seller",
    )
    conforms(client, read.get_json(), "OrderDetail")


def test_the_buyers_option_and_no_tolerance(client: FlaskClient, trade: Trade) -> None:
    headers = token_for(client, trade.purchaser)
    buyers = client.post(
        "/api/v1/orders",
        json=order_body(
            (trade.product.public_id, 100), tolerance_percent=10, tolerance_option="buyer"
        ),
        headers=headers,
    )
    assert buyers.status_code == 201, buyers.get_json()
    assert (buyers.get_json()["tolerance_percent"], buyers.get_json()["tolerance_option"]) == (
        10,
        "buyer",
    )
    # Absent: none, and the option is null rather than a choice nobody made.
    plain = client.post(
        "/api/v1/orders", json=order_body((trade.product.public_id, 100)), headers=headers
    )
    assert plain.status_code == 201, plain.get_json()
    assert (plain.get_json()["tolerance_percent"], plain.get_json()["tolerance_option"]) == (
        0,
        None,
    )
    conforms(client, plain.get_json(), "OrderSummary")


WHOLE = "Give tolerance_percent as a whole number."
RANGE = "tolerance_percent is out of range."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"tolerance_percent": 5.5}, "tolerance_percent", WHOLE),
        ({"tolerance_percent": "5"}, "tolerance_percent", WHOLE),
        ({"tolerance_percent": True}, "tolerance_percent", WHOLE),
        ({"tolerance_percent": 11}, "tolerance_percent", RANGE),
        ({"tolerance_percent": -1}, "tolerance_percent", RANGE),
        (
            {"tolerance_percent": 5, "tolerance_option": "broker"},
            "tolerance_option",
            "tolerance_option must be one of: 'seller' or 'buyer'.",
        ),
    ],
)
def test_a_bad_tolerance_is_refused_naming_its_field(
    client: FlaskClient, trade: Trade, changes: dict[str, Any], field: str, message: str
) -> None:
    headers = token_for(client, trade.purchaser)
    answer = client.post(
        "/api/v1/orders",
        json=order_body((trade.product.public_id, 100), **changes),
        headers=headers,
    )
    assert answer.status_code == 422
    assert answer.get_json() == {
        "error": 422,
        "code": "invalid",
        "message": message,
        "field": field,
        "path": field,
    }
    conforms(client, answer.get_json(), "ApiError")
    assert orders_count() == 0


def test_the_document_describes_the_tolerance(client: FlaskClient) -> None:
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    percent = schemas["PlaceOrder"]["properties"]["tolerance_percent"]
    assert {"type": "integer", "minimum": 0, "maximum": 10} in percent["anyOf"]
    assert "tolerance_percent" not in schemas["PlaceOrder"]["required"]
    for model in ("OrderSummary", "Quote"):
        assert {"tolerance_percent", "tolerance_option"} <= set(schemas[model]["required"])
