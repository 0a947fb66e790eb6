"""Partial shipments over the API: an ERP orders with them allowed, the seller's system
records a lot, then closes the balance within the tolerance; every answer matches the
served OpenAPI document, and what the terms do not allow is refused as a bad field."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from tests.builders.dangerous_goods import in_production
from tests.builders.minerals import chromite
from tests.builders.trade import Trade, committed_trade
from tests.support.api import order_body, orders_count, token_for

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return committed_trade()


def conforms(client: FlaskClient, answer: dict[str, Any], model: str) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    schema = {"$ref": f"#/components/schemas/{model}", "components": document["components"]}
    Draft202012Validator(schema).validate(answer)


def lot(tonnes: str, bl: str, **changes: object) -> dict[str, Any]:
    return {
        "mode": "sea",
        "carrier": "COSCO Shipping",
        "vessel": "COSCO Karachi",
        "transport_document_number": bl,
        "port_of_loading": "Karachi (PKKHI)",
        "port_of_discharge": "Shanghai (CNSHG)",
        "etd": (date.today() + timedelta(days=2)).isoformat(),
        "eta": (date.today() + timedelta(days=20)).isoformat(),
        "net_weight_kg": "60000",
        "gross_weight_kg": "60100",
        "packages": [{"count": 1, "marks": "IN BULK", "package_type": "Bulk"}],
        "lines": [{"line_no": 1, "quantity": tonnes}],
        **changes,
    }


def test_an_order_allowing_partial_shipments_is_placed_and_read_back(
    client: FlaskClient, trade: Trade
) -> None:
    headers = token_for(client, trade.purchaser)
    placed = client.post(
        "/api/v1/orders",
        json=order_body((trade.product.public_id, 1000), partial_shipments=True),
        headers=headers,
    )
    assert placed.status_code == 201, placed.get_json()
    assert placed.get_json()["partial_shipments"] is True
    conforms(client, placed.get_json(), "OrderSummary")
    plain = client.post(
        "/api/v1/orders", json=order_body((trade.product.public_id, 100)), headers=headers
    )
    assert plain.get_json()["partial_shipments"] is False


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"partial_shipments": True, "payment_terms": "lc_at_sight"}, "partial_shipments"),
        ({"partial_shipments": "yes"}, "partial_shipments"),
    ],
)
def test_partial_shipments_the_terms_refuse(
    client: FlaskClient, trade: Trade, changes: dict[str, object], field: str
) -> None:
    headers = token_for(client, trade.purchaser)
    refused = client.post(
        "/api/v1/orders",
        json=order_body((trade.product.public_id, 100), **changes),
        headers=headers,
    )
    assert refused.status_code == 422, refused.get_json()
    assert field in str(refused.get_json())
    assert orders_count() == 0


def test_the_seller_ships_a_lot_and_closes_the_balance(
    client: FlaskClient, app: Flask, trade: Trade
) -> None:
    order = in_production(
        app,
        trade,
        [(chromite(trade.seller), 100)],
        tolerance_percent=5,
        partial_shipments=True,
        payment_terms="deposit_30_balance_70_bl",
    )
    headers = token_for(app, trade.sales)
    url = f"/api/v1/seller/orders/{order.public_id}"
    first = client.post(f"{url}/shipments", json=lot("60", "COSU-API-1"), headers=headers)
    assert first.status_code == 201, first.get_json()
    assert (first.get_json()["status"], first.get_json()["shipment_status"]) == (
        "in_production",
        "shipped",
    )
    conforms(client, first.get_json(), "OrderDetail")
    # 60 t is not within 95..105 t: the order cannot close yet.
    early = client.post(f"{url}/close-balance", json={}, headers=headers)
    assert early.status_code == 422, early.get_json()
    assert "ship another lot first" in early.get_json()["message"]
    second = client.post(f"{url}/shipments", json=lot("36.5", "COSU-API-2"), headers=headers)
    assert second.get_json()["status"] == "in_production"
    closed = client.post(f"{url}/close-balance", json={"note": "Season over."}, headers=headers)
    assert closed.status_code == 200, closed.get_json()
    body = closed.get_json()
    assert body["status"] == "shipped"
    # 96.5 t at US$185.50: what shipped is what is owed.
    assert (body["total"], body["currency"]) == ("17900.75", "USD")
    assert [s["transport_document_number"] for s in body["shipments"]] == [
        "COSU-API-1",
        "COSU-API-2",
    ]
