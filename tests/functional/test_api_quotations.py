"""The ERP API for RFQs: create, list, read the quotes side by side, counter, accept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import CompanyRole, Order, QuoteStatus, Rfq, RfqInvitation, RfqStatus
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from app.services.quotations.quotes import submit_quote
from tests.builders.quotations import quote_input, quoted_rfq
from tests.builders.trade import Trade, make_trade
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.test_request_context("/"):
        yield


@pytest.fixture
def trade(app: Flask, ctx: None) -> Trade:
    return make_trade()


def _headers(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


@pytest.fixture
def token(trade: Trade) -> str:
    _, secret = create_token(Actor(trade.purchaser), "SAP")
    db.session.commit()
    return secret


def _rfq_body(trade: Trade, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Ammonium nitrate, porous prilled",
        "quantity": "500",
        "unit": "TNE",
        "incoterm": "CFR",
        "named_place": "Shanghai",
        "destination_country": "CN",
        "currency": "USD",
        "sellers": [trade.seller.public_id],
    }
    body.update(changes)
    return body


def test_the_erp_creates_an_rfq_once_per_key(client: FlaskClient, trade: Trade, token: str) -> None:
    headers = _headers(token, "rfq-2026-12-07-0001")
    first = client.post("/api/v1/rfqs", json=_rfq_body(trade), headers=headers)
    assert first.status_code == 201, first.json
    assert first.json is not None
    assert (first.json["status"], first.json["quantity"], first.json["incoterm"]) == (
        "open",
        "500",
        "CFR",
    )
    again = client.post("/api/v1/rfqs", json=_rfq_body(trade), headers=headers)
    assert again.status_code == 200
    assert again.json is not None and again.json["id"] == first.json["id"]
    assert db.session.scalar(db.select(db.func.count(Rfq.id))) == 1
    listed = client.get("/api/v1/rfqs", headers=_headers(token))
    assert listed.json is not None
    assert [row["id"] for row in listed.json["rfqs"]] == [first.json["id"]]


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"quantity": 1.5}, 422, "quantity"),
        # Tonnes take 3 decimals, pieces none (issue #20).
        ({"quantity": "1.0005"}, 422, "quantity"),
        ({"quantity": "12.5", "unit": "PCE"}, 422, "quantity"),
        ({"sellers": "all"}, 422, "sellers"),
        ({"incoterm": "CNF"}, 422, "incoterm"),
    ],
)
def test_bad_rfqs_get_json_errors_and_write_nothing(
    client: FlaskClient, trade: Trade, token: str, changes: dict[str, Any], status: int, field: str
) -> None:
    response = client.post(
        "/api/v1/rfqs", json=_rfq_body(trade, **changes), headers=_headers(token)
    )
    assert response.status_code == status
    assert response.json is not None and response.json["field"] == field
    assert db.session.scalar(db.select(db.func.count(Rfq.id))) == 0


def test_not_json_is_a_400(client: FlaskClient, token: str) -> None:
    response = client.post("/api/v1/rfqs", data="[1, 2]", headers=_headers(token))
    assert response.status_code == 400


def test_no_token_is_a_401(client: FlaskClient) -> None:
    assert client.get("/api/v1/rfqs").status_code == 401


def test_quotes_side_by_side_counter_and_accept(
    client: FlaskClient, trade: Trade, token: str
) -> None:
    rival_sales = UserFactory(company=CompanyFactory(), company_role=CompanyRole.SALES)
    rfq, mine = quoted_rfq(trade)
    rfq.invitations.append(RfqInvitation(seller_id=rival_sales.company_id))
    db.session.flush()
    theirs = submit_quote(Actor(rival_sales), rfq, quote_input(unit_price="530.00"))
    db.session.commit()
    shown = client.get(f"/api/v1/rfqs/{rfq.public_id}", headers=_headers(token))
    assert shown.status_code == 200
    assert shown.json is not None
    totals = {quote["id"]: quote["total"] for quote in shown.json["quotes"]}
    assert totals == {mine.public_id: "290000.00", theirs.public_id: "293000.00"}

    countered = client.post(
        f"/api/v1/quotes/{theirs.public_id}/counter",
        json={"unit_price": "520.00", "note": "Match the other offer"},
        headers=_headers(token),
    )
    assert countered.status_code == 201, countered.json
    assert countered.json is not None and countered.json["status"] == "countered"
    assert countered.json["counter"]["unit_price"] == "520.00"

    refused = client.post(
        f"/api/v1/quotes/{theirs.public_id}/accept",
        json={"consignee": "MCCT International, Pudong, Shanghai"},
        headers=_headers(token),
    )
    assert refused.status_code == 409
    key = "award-2026-12-07-0001"
    accepted = client.post(
        f"/api/v1/quotes/{mine.public_id}/accept",
        json={
            "consignee": "MCCT International, Pudong, Shanghai",
            "terms_sha256": mine.terms_sha256,
        },
        headers=_headers(token, key),
    )
    assert accepted.status_code == 201, accepted.json
    assert accepted.json is not None
    assert (accepted.json["status"], accepted.json["total"], accepted.json["freight"]) == (
        "accepted",
        "290000.00",
        "28000.00",
    )
    replay = client.post(
        f"/api/v1/quotes/{mine.public_id}/accept",
        json={
            "consignee": "MCCT International, Pudong, Shanghai",
            "terms_sha256": mine.terms_sha256,
        },
        headers=_headers(token, key),
    )
    assert replay.status_code == 200
    assert replay.json is not None and replay.json["id"] == accepted.json["id"]
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 1
    db.session.refresh(rfq)
    db.session.refresh(theirs)
    assert (rfq.status, theirs.status) == (RfqStatus.AWARDED, QuoteStatus.DECLINED)


def test_another_buyers_token_gets_404(client: FlaskClient, trade: Trade) -> None:
    rfq, revision = quoted_rfq(trade)
    stranger = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    _, secret = create_token(Actor(stranger), "Other ERP")
    db.session.commit()
    for method, url in (
        ("get", f"/api/v1/rfqs/{rfq.public_id}"),
        ("post", f"/api/v1/quotes/{revision.public_id}/counter"),
        ("post", f"/api/v1/quotes/{revision.public_id}/accept"),
    ):
        response = getattr(client, method)(
            url, json={"consignee": "Someone, Somewhere"}, headers=_headers(secret)
        )
        assert response.status_code == 404, url
    assert db.session.scalar(db.select(db.func.count(Order.id))) == 0
