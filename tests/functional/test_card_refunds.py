"""Card refunds and reconciliation against localstripe over HTTP, and the card page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.cli.payments import reconcile
from app.extensions import db
from app.models import (
    CardIntent,
    CompanyRole,
    DocumentKind,
    Order,
    PaymentMethod,
    PaymentReceipt,
    PaymentStatus,
)
from app.payments.gateway import StripeGateway
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_credit_note
from app.services.errors import ValidationFailed
from app.services.payments import cards as card_payments
from tests.builders.orders import accept, place_for, ship
from tests.builders.trade import Trade, make_trade
from tests.factories import UserFactory
from tests.stripe_support import localstripe_url, pay_with_test_card, stripe_config
from tests.support.auth import AuthActions
from tests.support.db import count
from tests.support.http import page_of
from tests.support.ledger import assert_ledger_holds, new_key

pytestmark = pytest.mark.usefixtures("exchange_rates")


__all__ = ["localstripe_url"]  # the module-scoped fixture, imported for pytest


class RecordingGateway(StripeGateway):
    """The real Stripe gateway, noting each refund request it makes."""

    def __init__(self, secret_key: str, api_base: str) -> None:
        super().__init__(secret_key, api_base)
        self.base = api_base
        self.refunds: list[tuple[str, int, str]] = []

    def refund(self, intent_id: str, amount_minor: int, idempotency_key: str) -> str:
        self.refunds.append((intent_id, amount_minor, idempotency_key))
        return super().refund(intent_id, amount_minor, idempotency_key)


@pytest.fixture
def card_app(app: Flask, localstripe_url: str) -> Iterator[Flask]:
    saved = {key: app.config.get(key) for key in stripe_config(localstripe_url)}
    app.config.update(stripe_config(localstripe_url))
    yield app
    app.config.update(saved)


@pytest.fixture
def gateway(card_app: Flask, localstripe_url: str) -> RecordingGateway:
    return RecordingGateway(card_app.config["STRIPE_SECRET_KEY"], localstripe_url)


def _paid_by_card(
    app: Flask, trade: Trade, gateway: RecordingGateway, order: Order
) -> PaymentReceipt:
    """Pay the order's first unpaid milestone on localstripe, then reconcile the events."""
    milestone = next(m for m in order.milestones if not m.is_paid)
    with app.test_request_context():
        intent = card_payments.start_card_payment(Actor(trade.purchaser), milestone, gateway)
        db.session.commit()
        assert pay_with_test_card(gateway.base, intent.id)["status"] == "succeeded"
        counts = reconcile(gateway)
    assert counts.get("paid") == 1, counts
    (receipt,) = [r for r in milestone.receipts if r.method is PaymentMethod.CARD]
    assert receipt.external_id == intent.id and receipt.amount_minor == milestone.amount_minor
    return receipt


def test_reconcile_applies_missed_events_once(card_app: Flask, gateway: RecordingGateway) -> None:
    trade = make_trade()
    order = place_for(card_app, trade.purchaser, [(trade.product, 500)], payment_terms="advance")
    accept(card_app, trade, order)
    _paid_by_card(card_app, trade, gateway, order)
    assert order.payment_status is PaymentStatus.PAID
    with card_app.test_request_context():
        again = reconcile(gateway)
    assert "paid" not in again  # nothing applied twice


def test_refunds_are_checked_before_stripe_and_issue_a_credit_note(
    card_app: Flask, gateway: RecordingGateway
) -> None:
    trade = make_trade()
    order = place_for(card_app, trade.purchaser, [(trade.product, 500)], payment_terms="advance")
    ship(card_app, trade, order)  # the commercial invoice exists now
    receipt = _paid_by_card(card_app, trade, gateway, order)
    finance = Actor(UserFactory(company=trade.seller, company_role=CompanyRole.FINANCE))
    with card_app.test_request_context():
        with pytest.raises(ValidationFailed, match="cannot exceed"):
            card_payments.refund_card_payment(
                finance, receipt, str(receipt.amount.amount + 1), "Too much", gateway
            )
        assert gateway.refunds == []  # refused before the provider was called
        refund = card_payments.refund_card_payment(
            finance, receipt, "100.00", "Two drums damaged", gateway
        )
    assert refund.provider_refund_id.startswith("re_")
    assert gateway.refunds == [
        (receipt.external_id, 10000, f"corridor-refund-{receipt.public_id}-1")
    ]
    assert order.payment_status is PaymentStatus.PARTLY_PAID
    notes = [d for d in order.documents if d.kind is DocumentKind.CREDIT_NOTE]
    assert [n.total_minor for n in notes] == [10000]
    assert notes[0].data["credit"]["reason"] == "Card refund: Two drums damaged"
    with card_app.test_request_context(), pytest.raises(ValidationFailed, match="cannot exceed"):
        card_payments.refund_card_payment(
            finance, receipt, str(receipt.amount.amount), "The rest and more", gateway
        )
    assert_ledger_holds(order)


def test_the_refund_form_sent_twice_refunds_once(
    card_app: Flask, gateway: RecordingGateway, client: FlaskClient, auth: AuthActions
) -> None:
    trade = make_trade()
    order = place_for(card_app, trade.purchaser, [(trade.product, 500)], payment_terms="advance")
    ship(card_app, trade, order)
    receipt = _paid_by_card(card_app, trade, gateway, order)
    finance = UserFactory(company=trade.seller, company_role=CompanyRole.FINANCE)
    auth.login(finance.email)
    page = page_of(client.get(f"/finance/orders/{order.public_id}"))
    assert f"/payments/receipts/{receipt.public_id}/refunds" in page
    # A card payment is refunded, never reversed: no reversal form for it.
    assert f"/payments/receipts/{receipt.public_id}/reversal" not in page
    form = {"amount": "100.00", "reason": "Two drums damaged", "submission_key": new_key()}
    url = f"/payments/receipts/{receipt.public_id}/refunds"
    first = client.post(url, data=form, follow_redirects=True)
    assert "The refund is on its way to the card." in page_of(first)
    again = client.post(url, data=form, follow_redirects=True)
    assert "This refund was already sent; nothing more was refunded." in page_of(again)
    db.session.expire_all()
    assert [refund.amount_minor for refund in receipt.refunds] == [10_000]
    notes = [d for d in order.documents if d.kind is DocumentKind.CREDIT_NOTE]
    assert [note.total_minor for note in notes] == [10_000]
    assert order.paid_minor == receipt.amount_minor - 10_000
    assert_ledger_holds(order)


def test_a_refund_the_invoice_cannot_credit_never_reaches_stripe(
    card_app: Flask, gateway: RecordingGateway
) -> None:
    trade = make_trade()
    order = place_for(card_app, trade.purchaser, [(trade.product, 500)], payment_terms="advance")
    ship(card_app, trade, order)
    receipt = _paid_by_card(card_app, trade, gateway, order)
    finance = Actor(UserFactory(company=trade.seller, company_role=CompanyRole.FINANCE))
    invoice = next(d for d in order.documents if d.kind is DocumentKind.COMMERCIAL_INVOICE)
    with card_app.test_request_context():
        # Finance already credited the whole invoice by hand.
        issue_credit_note(finance, invoice, invoice.total_minor or 0, "Whole shipment returned")
        db.session.commit()
        with pytest.raises(ValidationFailed):
            card_payments.refund_card_payment(finance, receipt, "100.00", "Damaged", gateway)
        db.session.rollback()
    assert gateway.refunds == [], "no money left before the credit note was refused"
    assert receipt.refunds == []


def test_the_card_page_carries_the_intent_and_allows_only_the_configured_stripe(
    card_app: Flask, client: FlaskClient, auth: AuthActions, localstripe_url: str
) -> None:
    trade = make_trade()
    order = place_for(card_app, trade.purchaser, [(trade.product, 500)])
    accept(card_app, trade, order)
    deposit = order.milestones[0]
    auth.login(trade.purchaser.email)
    order_page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "by card" in order_page
    assert 'name="submission_key"' in order_page
    form = {"submission_key": new_key()}
    response = client.post(f"/payments/milestones/{deposit.public_id}/card", data=form)
    assert response.status_code == 200
    page = page_of(response)
    assert deposit.payment_intent_id and f"{deposit.payment_intent_id}_secret_" in page
    # The same form again (a reload, a double click): the same intent, nothing new started.
    again = client.post(f"/payments/milestones/{deposit.public_id}/card", data=form)
    assert again.status_code == 200
    assert f"{deposit.payment_intent_id}_secret_" in page_of(again)
    db.session.expire_all()
    assert deposit.card_attempts == 1 and count(CardIntent) == 1
    assert f'src="{localstripe_url}/js.stripe.com/v3/"' in page
    policy = response.headers["Content-Security-Policy"]
    assert f"script-src 'self' {localstripe_url}" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["Cache-Control"] == "no-store"
    # Another page keeps the strict policy.
    assert (
        localstripe_url
        not in client.get(f"/buyer/orders/{order.public_id}").headers["Content-Security-Policy"]
    )
