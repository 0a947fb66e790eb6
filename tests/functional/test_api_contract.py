"""Schemathesis against the served ``/api/v1/openapi.json`` (issue #22, 7).

Every operation in the document is called with generated requests, valid and not, with a
buyer's token and with a seller's, on the test app (in process, over WSGI): no answer may
be a 500, and every answer must have a documented status, content type and a body that
matches its schema. The examples per operation are few, to keep ``make test`` quick.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.case import Case
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.extensions import db
from app.models import PriceTier, User
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from config import TestingConfig
from tests.builders.trade import Trade, make_trade
from tests.support.api import order_body

pytestmark = pytest.mark.usefixtures("exchange_rates")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _served_document() -> dict[str, Any]:
    """The document as the app serves it. Built from an app of its own at collection, as
    pytest needs the operations to name the tests; the requests go to the tests' app."""
    with create_app(TestingConfig).test_client() as client:
        document: dict[str, Any] = client.get("/api/v1/openapi.json").get_json()
    return document


schema = schemathesis.openapi.from_dict(_served_document())


@pytest.fixture
def trade() -> Iterator[Trade]:
    trade = make_trade(price_tiers=[PriceTier(min_quantity=100, unit_price_minor=250)])
    db.session.commit()
    yield trade


def _bearer(app: Flask, user: User) -> dict[str, str]:
    with app.test_request_context():
        _token, secret = create_token(Actor(user), "Contract test")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


# Few examples per operation, always the same ones: a contract failure is reproducible and
# the run stays short on two cores.
contract_settings = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)


@pytest.fixture
def buyer_headers(app: Flask, trade: Trade) -> dict[str, str]:
    return _bearer(app, trade.purchaser)


@pytest.fixture
def seller_headers(app: Flask, trade: Trade) -> dict[str, str]:
    return _bearer(app, trade.sales)


@schema.parametrize()
@contract_settings
def test_every_operation_keeps_its_contract_for_a_buyer(
    case: Case, app: Flask, buyer_headers: dict[str, str]
) -> None:
    case.call_and_validate(headers=buyer_headers, checks=CHECKS, app=app)


@schema.parametrize()
@contract_settings
def test_every_operation_keeps_its_contract_for_a_seller(
    case: Case, app: Flask, seller_headers: dict[str, str]
) -> None:
    case.call_and_validate(headers=seller_headers, checks=CHECKS, app=app)


# Generated requests rarely name a real listing or order; the answers to real ones are
# checked against the same document here.


def test_a_placed_order_and_its_detail_match_the_document(
    client: FlaskClient, trade: Trade, buyer_headers: dict[str, str]
) -> None:
    body = order_body(
        (trade.product, 100), requested_delivery_date="2099-01-31", expected_total_minor=25000
    )
    placed = client.post("/api/v1/orders", json=body, headers=buyer_headers)
    again = client.post(
        "/api/v1/orders", json=body, headers={**buyer_headers, "Idempotency-Key": "k" * 20}
    )
    replayed = client.post(
        "/api/v1/orders", json=body, headers={**buyer_headers, "Idempotency-Key": "k" * 20}
    )
    detail = client.get(f"/api/v1/orders/{placed.get_json()['id']}", headers=buyer_headers)

    assert (placed.status_code, again.status_code, replayed.status_code) == (201, 201, 200)
    assert placed.get_json()["total"] == "250.00"
    assert detail.status_code == 200
    assert [event["kind"] for event in detail.get_json()["timeline"]] == ["placed"]
    place_operation = schema["/api/v1/orders"]["POST"]
    for answer in (placed, again, replayed):
        place_operation.validate_response(answer)  # raises on any mismatch
    schema["/api/v1/orders/{public_id}"]["GET"].validate_response(detail)


def test_a_refusal_matches_the_document(
    client: FlaskClient, trade: Trade, buyer_headers: dict[str, str]
) -> None:
    refused = client.post(
        "/api/v1/orders",
        json={"lines": [{"product": trade.product.public_id, "quantity": 1}]},
        headers=buyer_headers,
    )

    assert refused.status_code == 422
    assert refused.get_json()["path"] == "lines[0].quantity"
    schema["/api/v1/orders"]["POST"].validate_response(refused)
