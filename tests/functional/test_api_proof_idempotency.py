"""``POST /api/v1/orders/<id>/milestones/<n>/proof`` with an ``Idempotency-Key``: an ERP
that retries after a timeout stores one proof and gets the first answer back; the key sent
again for another file or milestone is refused with 409, as the RFQ and quote writes are.

Over HTTP with a real token, the database read afterwards for what was stored.
"""

from __future__ import annotations

import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.extensions import db
from app.models import AuditEvent, Order, OrderStatus, PaymentProof
from app.models.api_token import ApiTokenScope
from app.services.accounts.api_tokens import create_token
from app.services.audit.recording import Actor
from tests.builders.orders import order_in
from tests.builders.trade import Trade, committed_trade
from tests.support.pdfs import save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")

SLIP = save(text_pdf("Transfer of USD 150.00 to Wah Nobel"))
OTHER_SLIP = save(text_pdf("Transfer of USD 350.00 to Wah Nobel"))
KEY = "FT26341-CO-000042-1"


@pytest.fixture
def trade() -> Trade:
    return committed_trade()


@pytest.fixture
def order(app: Flask, trade: Trade) -> Order:
    """$500.00 on 30/70 terms, accepted: the $150.00 deposit and the balance to pay."""
    order = order_in(app, trade, OrderStatus.ACCEPTED, payment_terms="deposit_30_balance_70_bl")
    db.session.commit()
    return order


@pytest.fixture
def headers(app: Flask, trade: Trade) -> dict[str, str]:
    """The buyer's ERP: an orders token of the purchaser."""
    with app.test_request_context():
        _, secret = create_token(Actor(trade.purchaser), "SAP", ApiTokenScope.ORDERS)
        db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def send(
    client: FlaskClient,
    order: Order,
    headers: dict[str, str],
    content: bytes,
    *,
    key: str | None = KEY,
    sequence: int = 1,
    filename: str = "MT103.pdf",
) -> TestResponse:
    keyed = {**headers, "Idempotency-Key": key} if key else headers
    return client.post(
        f"/api/v1/orders/{order.public_id}/milestones/{sequence}/proof",
        headers=keyed,
        data={"proof": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


def proofs() -> int:
    return db.session.scalar(select(func.count()).select_from(PaymentProof)) or 0


def uploads_audited() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "payment.proof_uploaded")
        )
        or 0
    )


def test_a_retried_upload_stores_one_proof_and_answers_the_first_proof(
    client: FlaskClient, order: Order, headers: dict[str, str]
) -> None:
    first = send(client, order, headers, SLIP)
    assert first.status_code == 201, first.get_json()
    # The ERP timed out and sends the same slip again (its file name may differ).
    retry = send(client, order, headers, SLIP, filename="MT103 (1).pdf")
    assert retry.status_code == 200, retry.get_json()
    assert retry.get_json() == first.get_json()
    (proof,) = db.session.scalars(select(PaymentProof)).all()
    assert retry.get_json()["id"] == proof.public_id
    assert retry.get_json()["sequence"] == 1
    assert uploads_audited() == 1


def test_the_key_with_another_file_or_milestone_is_refused(
    client: FlaskClient, order: Order, headers: dict[str, str]
) -> None:
    assert send(client, order, headers, SLIP).status_code == 201

    other_file = send(client, order, headers, OTHER_SLIP)
    assert other_file.status_code == 409
    assert other_file.get_json() == {
        "error": 409,
        "code": "conflict",
        "message": "This Idempotency-Key was used for another request.",
    }
    other_milestone = send(client, order, headers, SLIP, sequence=2)
    assert (other_milestone.status_code, other_milestone.get_json()["code"]) == (409, "conflict")
    assert proofs() == 1
    assert uploads_audited() == 1


def test_a_refused_upload_leaves_the_key_for_the_corrected_one(
    client: FlaskClient, order: Order, headers: dict[str, str]
) -> None:
    unreadable = send(client, order, headers, b"not a slip")
    assert unreadable.status_code == 422
    assert unreadable.get_json()["path"] == "proof"
    assert proofs() == 0
    corrected = send(client, order, headers, SLIP)
    assert corrected.status_code == 201, corrected.get_json()
    assert proofs() == 1


def test_without_a_key_or_with_another_key_each_upload_is_kept(
    client: FlaskClient, order: Order, headers: dict[str, str]
) -> None:
    assert send(client, order, headers, SLIP, key=None).status_code == 201
    assert send(client, order, headers, SLIP, key=None).status_code == 201
    assert send(client, order, headers, SLIP, key="FT26341-CO-000042-2").status_code == 201
    assert proofs() == 3


def test_a_key_of_the_wrong_form_is_refused_naming_the_header(
    client: FlaskClient, order: Order, headers: dict[str, str]
) -> None:
    refused = send(client, order, headers, SLIP, key="SAP-45000")
    assert refused.status_code == 422
    assert refused.get_json() == {
        "error": 422,
        "code": "invalid",
        "message": "The Idempotency-Key header is 16 to 64 letters, digits, - or _.",
        "path": "Idempotency-Key",
    }
    assert proofs() == 0
