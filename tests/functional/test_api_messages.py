"""The ERP's messages over ``/api/v1``: list threads, read one, post, mark read; another
company's thread answers 404, as its orders do."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import CompanyRole, OrderStatus
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from tests.builders.messages import write_on_order
from tests.builders.orders import order_in
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade(app_ctx: None) -> Trade:
    return make_trade()


def _token(app: Flask, user: Any) -> dict[str, str]:
    with app.test_request_context():
        _, secret = create_token(Actor(user), "SAP")
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_the_erp_reads_posts_and_marks_read(app: Flask, client: FlaskClient, trade: Trade) -> None:
    order = order_in(app, trade, OrderStatus.PLACED)
    headers = _token(app, trade.purchaser)
    response = client.post(
        f"/api/v1/orders/{order.public_id}/messages",
        json={"body": "PO 4711 attached?"},
        headers=headers,
    )
    assert response.status_code == 201
    assert response.json["body"] == "PO 4711 attached?" and response.json["company"] == "buyer"
    write_on_order(app, trade.sales, order, "Yes, received.")
    listing = client.get("/api/v1/threads", headers=headers).json["threads"]
    assert [(t["subject"], t["unread"]) for t in listing] == [(order.reference, 1)]
    thread_id = listing[0]["id"]
    shown = client.get(f"/api/v1/threads/{thread_id}", headers=headers).json
    assert [m["body"] for m in shown["messages"]] == ["PO 4711 attached?", "Yes, received."]
    assert client.post(f"/api/v1/threads/{thread_id}/read", headers=headers).json["unread"] == 0
    listing = client.get("/api/v1/threads", headers=headers).json["threads"]
    assert listing[0]["unread"] == 0


def test_bad_bodies_and_other_companies(app: Flask, client: FlaskClient, trade: Trade) -> None:
    order = order_in(app, trade, OrderStatus.PLACED)
    write_on_order(app, trade.sales, order, "Hello")
    headers = _token(app, trade.purchaser)
    thread_id = client.get("/api/v1/threads", headers=headers).json["threads"][0]["id"]
    url = f"/api/v1/threads/{thread_id}/messages"
    assert client.post(url, json=["x"], headers=headers).status_code == 400
    refused = client.post(url, json={"body": "  "}, headers=headers)
    assert refused.status_code == 422 and refused.json["field"] == "body"
    stranger = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    other = _token(app, stranger)
    assert client.get(f"/api/v1/threads/{thread_id}", headers=other).status_code == 404
    assert client.post(url, json={"body": "hi"}, headers=other).status_code == 404
    assert client.get("/api/v1/threads", headers=other).json["threads"] == []
