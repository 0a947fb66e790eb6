"""``POST /api/v1/orders/<id>/milestones/<n>/proof``: the buyer's ERP uploads the bank's
proof of a transfer through the same service as the order page; the seller, another
company and a read-only token are refused (issue #22)."""

from __future__ import annotations

import hashlib
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import (
    AuditEvent,
    CompanyRole,
    Order,
    OrderStatus,
    PaymentProof,
)
from app.models.api_token import ApiTokenScope
from app.services.files import read_stored
from tests.builders.orders import order_in
from tests.builders.trade import Trade, committed_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.api import token_for
from tests.support.pdfs import save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")

SLIP = save(text_pdf("Transfer of USD 150.00 to Wah Nobel"))


@pytest.fixture
def trade() -> Trade:
    return committed_trade()


@pytest.fixture
def order(app: Flask, trade: Trade) -> Order:
    """$500.00 on 30/70 terms, accepted: the $150.00 deposit is to pay."""
    order = order_in(app, trade, OrderStatus.ACCEPTED, payment_terms="deposit_30_balance_70_bl")
    db.session.commit()
    return order


def send(
    client: FlaskClient, path: str, headers: dict[str, str], data: dict[str, object]
) -> TestResponse:
    return client.post(path, headers=headers, data=data, content_type="multipart/form-data")


def proofs() -> int:
    return db.session.scalar(select(func.count()).select_from(PaymentProof)) or 0


def test_the_buyers_erp_uploads_a_proof_of_transfer(
    client: FlaskClient, trade: Trade, order: Order
) -> None:
    headers = token_for(client, trade.purchaser, ApiTokenScope.ORDERS)
    response = send(
        client,
        f"/api/v1/orders/{order.public_id}/milestones/1/proof",
        headers,
        {"proof": (io.BytesIO(SLIP), "slip.pdf")},
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    deposit = order.milestones[0]
    (proof,) = db.session.scalars(select(PaymentProof)).all()
    assert body == {
        "id": proof.public_id,
        "order": order.public_id,
        "milestone": deposit.public_id,
        "sequence": 1,
        "content_type": "application/pdf",
        "byte_size": len(SLIP),
        "sha256": hashlib.sha256(SLIP).hexdigest(),
        "uploaded_at": body["uploaded_at"],
    }
    assert proof.milestone_id == deposit.id
    assert proof.stored_file is not None
    with client.application.app_context():  # kept as is, through app.services.files
        assert read_stored(proof.stored_file) == SLIP
    assert db.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "payment.proof_uploaded", AuditEvent.object_id == order.public_id
        )
    )


def test_refusals_write_nothing(client: FlaskClient, trade: Trade, order: Order) -> None:
    path = f"/api/v1/orders/{order.public_id}/milestones/1/proof"
    buyer = token_for(client, trade.purchaser)
    slip = {"proof": (io.BytesIO(SLIP), "slip.pdf")}

    missing = send(client, path, buyer, {})
    assert missing.status_code == 422
    assert missing.get_json()["path"] == "proof"
    not_a_slip = send(client, path, buyer, {"proof": (io.BytesIO(b"hello"), "slip.pdf")})
    assert not_a_slip.status_code == 422
    no_such_milestone = f"/api/v1/orders/{order.public_id}/milestones/3/proof"
    assert send(client, no_such_milestone, buyer, dict(slip)).status_code == 404

    read_only = token_for(client, trade.purchaser, ApiTokenScope.READ_ONLY)
    refused = send(client, path, read_only, {"proof": (io.BytesIO(SLIP), "slip.pdf")})
    assert (refused.status_code, refused.get_json()["code"]) == (403, "insufficient_scope")
    # The seller's own order, but not the seller's to pay: not found on the buyer's side.
    seller = token_for(client, trade.sales)
    assert send(client, path, seller, {"proof": (io.BytesIO(SLIP), "s.pdf")}).status_code == 404
    stranger = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    db.session.commit()
    other = token_for(client, stranger)
    assert send(client, path, other, {"proof": (io.BytesIO(SLIP), "s.pdf")}).status_code == 404
    assert proofs() == 0
