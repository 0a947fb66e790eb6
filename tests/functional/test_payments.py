"""Milestones from the payment terms, bank transfers recorded by the seller's finance,
transfer proofs from the buyer, and the order's payment axis derived from them."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from app.extensions import db
from app.models import (
    AuditEvent,
    CompanyRole,
    MilestoneKind,
    Order,
    OrderStatus,
    PaymentStatus,
)
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor
from app.services.claims import window as claims_window
from app.services.errors import NotAllowed, ValidationFailed
from app.services.fulfilment import actions
from app.services.orders.lifecycle import InvalidTransition
from app.services.payments import letters_of_credit
from app.services.payments import milestones as payments
from tests.builders.orders import order_in, place_for, ship
from tests.builders.payments import bank_transfer
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.http import page_of
from tests.support.ledger import assert_ledger_holds, receipt_form

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


def _accepted(app: Flask, trade: Trade, terms: str = "deposit_30_balance_70_bl") -> Order:
    return order_in(app, trade, OrderStatus.ACCEPTED, quantity=333, payment_terms=terms)


def _finance(trade: Trade) -> Actor:
    return Actor(finance_of(trade.seller))


@pytest.mark.parametrize(
    ("terms", "plan"),
    [
        ("advance", [(MilestoneKind.FULL, 100, True)]),
        ("deposit_30_balance_70_bl", [(MilestoneKind.DEPOSIT, 30, True), (MilestoneKind.BALANCE, 70, False)]),
        ("lc_at_sight", [(MilestoneKind.FULL, 100, False)]),
    ],
)  # fmt: skip
def test_acceptance_derives_milestones_that_sum_exactly(
    app: Flask, trade: Trade, terms: str, plan: list[tuple[MilestoneKind, int, bool]]
) -> None:
    order = _accepted(app, trade, terms)
    milestones = order.milestones
    today = company_today(trade.buyer)  # payments fall due on the payer's day
    assert [(m.kind, m.percent, m.due_on == today) for m in milestones] == plan
    assert sum(m.amount_minor for m in milestones) == order.total_minor
    assert order.payment_status is PaymentStatus.UNPAID


def test_odd_totals_allocate_to_the_last_minor_unit(app: Flask, trade: Trade) -> None:
    order = _accepted(app, trade)
    deposit, balance = order.milestones
    # 333 units at the tier price: 30 % and 70 % rounded so the two add up to the total.
    assert deposit.amount_minor + balance.amount_minor == order.total_minor
    assert abs(deposit.amount_minor - order.total_minor * 30 // 100) <= 1


def test_shipment_makes_the_balance_due(app: Flask, trade: Trade) -> None:
    order = place_for(
        app, trade.purchaser, [(trade.product, 500)], payment_terms="deposit_30_balance_70_bl"
    )
    ship(app, trade, order)
    # Both fall due on the buyer's day (Shanghai), which from 16:00 UTC is tomorrow's date.
    today = company_today(trade.buyer)
    assert [m.due_on for m in order.milestones] == [today, today]


def test_partial_receipts_add_up_and_the_order_becomes_paid(app: Flask, trade: Trade) -> None:
    order = _accepted(app, trade, "advance")
    (full,) = order.milestones
    finance = _finance(trade)
    half = full.amount.amount / 2
    with app.test_request_context():
        payments.record_receipt(finance, full, bank_transfer(str(half.quantize(Decimal("0.01")))))
        assert order.payment_status is PaymentStatus.PARTLY_PAID and not full.is_paid
        payments.record_receipt(finance, full, bank_transfer(str(full.remaining.amount), "SCBL-2"))
    assert full.is_paid and full.overpaid is None
    assert order.payment_status is PaymentStatus.PAID
    assert [e.kind for e in order.events][-2:] == ["payment", "payment"]
    audits = db.session.query(AuditEvent).filter_by(action="payment.receipt_recorded").count()
    assert audits == 2
    assert_ledger_holds(order)


def test_an_overpayment_is_kept_and_flagged(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = _accepted(app, trade, "advance")
    (full,) = order.milestones
    with app.test_request_context():
        payments.record_receipt(_finance(trade), full, bank_transfer(str(full.amount.amount + 10)))
    assert full.overpaid is not None and full.overpaid.amount == 10
    # One milestone: nothing to carry it to, so the 10 stays on the order as a credit.
    assert order.credit_minor == 1000 and order.paid_minor == order.total_minor + 1000
    assert_ledger_holds(order)
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "more than due was received" in page and 'id="order-credit"' in page


@pytest.mark.parametrize(
    ("amount", "field"),
    [("0", "amount"), ("-5", "amount"), ("12.345", "amount"), ("abc", "amount"), ("1e40", "amount"), ("NaN", "amount")],
)  # fmt: skip
def test_bad_amounts_are_refused_and_nothing_is_written(
    app: Flask, trade: Trade, amount: str, field: str
) -> None:
    order = _accepted(app, trade)
    deposit = order.milestones[0]
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        payments.record_receipt(_finance(trade), deposit, bank_transfer(amount))
    assert refused.value.field == field
    db.session.rollback()
    assert deposit.receipts == [] and order.payment_status is PaymentStatus.UNPAID
    assert_ledger_holds(order)


def test_a_future_value_date_and_a_missing_reference_are_refused(app: Flask, trade: Trade) -> None:
    deposit = _accepted(app, trade).milestones[0]
    with app.test_request_context():
        # The seller's bank day (Karachi's, a day ahead of UTC's from 19:00 UTC).
        today = company_today(trade.seller)
        for data, field in (
            (payments.ReceiptInput("10", today + timedelta(days=1), "REF-1"), "value_date"),
            (payments.ReceiptInput("10", today, " "), "bank_reference"),
        ):
            with pytest.raises(ValidationFailed) as refused:
                payments.record_receipt(_finance(trade), deposit, data)
            assert refused.value.field == field


def test_only_the_sellers_finance_or_owner_records_receipts(app: Flask, trade: Trade) -> None:
    deposit = _accepted(app, trade).milestones[0]
    with app.test_request_context():
        for user in (
            trade.purchaser,
            trade.sales,
            UserFactory(company=trade.buyer, company_role=CompanyRole.FINANCE),
        ):
            with pytest.raises(NotAllowed):
                payments.record_receipt(Actor(user), deposit, bank_transfer("10"))
        owner = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)
        assert (
            payments.record_receipt(Actor(owner), deposit, bank_transfer("10")).amount_minor == 1000
        )


def test_a_paid_order_cannot_be_cancelled_and_a_cancelled_one_takes_no_money(
    app: Flask, trade: Trade
) -> None:
    order = _accepted(app, trade)
    deposit = order.milestones[0]
    with app.test_request_context():
        payments.record_receipt(_finance(trade), deposit, bank_transfer("10"))
        with pytest.raises(InvalidTransition):
            actions.cancel(Actor(trade.purchaser), order, "Changed our mind")
    other = _accepted(app, trade)
    with app.test_request_context():
        actions.cancel(Actor(trade.purchaser), other, "Changed our mind")
        with pytest.raises(InvalidTransition):
            payments.record_receipt(_finance(trade), other.milestones[0], bank_transfer("10"))


def test_a_paid_order_completes_when_its_claims_window_closes(app: Flask, trade: Trade) -> None:
    # Delivery of a paid order opens the 30-day claims window; the window's clock, at its
    # closing second, completes the order (before claims existed, delivery completed it).
    order = place_for(app, trade.purchaser, [(trade.product, 500)], payment_terms="advance")
    ship(app, trade, order)
    with app.test_request_context():
        payments.record_receipt(
            _finance(trade),
            order.milestones[0],
            bank_transfer(str(order.milestones[0].amount.amount)),
        )
        actions.confirm_delivery(Actor(trade.purchaser), order)
        assert order.status is OrderStatus.DELIVERED
        opened = claims_window.window_of(order)
        assert opened is not None
        claims_window.close_due_windows(opened.closes_at)
    assert order.status is OrderStatus.COMPLETED
    assert_ledger_holds(order)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_the_buyer_uploads_a_proof_and_both_sides_download_it(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = _accepted(app, trade)
    deposit = order.milestones[0]
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert deposit.reference in page and "Upload proof" in page
    response = client.post(
        f"/payments/milestones/{deposit.public_id}/proofs",
        data={
            "proof": (io.BytesIO(_png()), "slip.png"),
            "next": f"/buyer/orders/{order.public_id}",
        },
    )
    assert response.status_code == 302
    (proof,) = deposit.proofs
    assert proof.content_type == "image/webp"
    for user in (trade.purchaser, trade.sales):
        auth.login(user.email)
        download = client.get(f"/payments/proofs/{proof.public_id}")
        assert download.status_code == 200 and download.data[:4] == b"RIFF"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    outsider = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.OWNER
    )
    auth.login(outsider.email)
    assert client.get(f"/payments/proofs/{proof.public_id}").status_code == 404
    assert (
        client.post(f"/payments/milestones/{deposit.public_id}/proofs", data={}).status_code == 404
    )


@pytest.mark.parametrize(
    "upload",
    [
        b"%PDF-1.7\n%broken beyond repair",
        b"<html><script>alert(1)</script></html>",
        b"GIF89a" + b"\x00" * 100,
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 50,
    ],
)
def test_proof_upload_attacks_are_refused(app: Flask, trade: Trade, upload: bytes) -> None:
    deposit = _accepted(app, trade).milestones[0]
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        payments.upload_proof(Actor(trade.purchaser), deposit, upload)
    assert refused.value.field == "proof"
    assert deposit.proofs == []


def test_the_seller_records_a_receipt_through_the_finance_page(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = _accepted(app, trade)
    deposit = order.milestones[0]
    finance = UserFactory(company=trade.seller, company_role=CompanyRole.FINANCE)
    auth.login(finance.email)
    page = page_of(client.get(f"/finance/orders/{order.public_id}"))
    assert "Record receipt" in page and order.reference in page
    assert 'name="submission_key"' in page
    response = client.post(
        f"/payments/milestones/{deposit.public_id}/receipts",
        data=receipt_form(str(deposit.amount.amount), "SCBL-TT-778"),
        follow_redirects=True,
    )
    assert "The receipt is recorded." in page_of(response)
    assert deposit.is_paid and order.payment_status is PaymentStatus.PARTLY_PAID
    assert_ledger_holds(order)
    # The buyer cannot record receipts: refused, nothing written.
    auth.login(trade.purchaser.email)
    balance = order.milestones[1]
    refused = client.post(
        f"/payments/milestones/{balance.public_id}/receipts", data=receipt_form("1", "X-1")
    )
    assert refused.status_code == 403 and balance.receipts == []
    # A form without its submission key (a page from before) writes nothing either.
    auth.login(finance.email)
    keyless = receipt_form("1", "X-2")
    del keyless["submission_key"]
    answer = client.post(
        f"/payments/milestones/{balance.public_id}/receipts", data=keyless, follow_redirects=True
    )
    assert "This form is out of date" in page_of(answer) and balance.receipts == []


def test_without_stripe_keys_the_card_option_is_hidden_and_the_seller_sees_why(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    assert not app.config.get("STRIPE_SECRET_KEY")
    order = _accepted(app, trade)
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "by card" not in page and "Card payments are off" not in page
    assert (
        client.post(f"/payments/milestones/{order.milestones[0].public_id}/card").status_code == 404
    )
    auth.login(trade.sales.email)
    assert "Card payments are off" in page_of(client.get(f"/seller/orders/{order.public_id}"))


def test_a_letter_of_credit_is_given_by_the_buyer_and_paid_when_finance_confirms(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = _accepted(app, trade, "lc_at_sight")
    (milestone,) = order.milestones
    expiry = (date.today() + timedelta(days=90)).isoformat()
    auth.login(trade.purchaser.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "Give the L/C" in page and "Upload proof" not in page
    url = f"/payments/milestones/{milestone.public_id}/letter-of-credit"
    short = {"lc_number": "LC-BOC-2026-0042", "lc_issuing_bank": "Bank of China, Shanghai",
             "amount": "1.00", "lc_expiry": expiry}  # fmt: skip
    assert "The L/C must cover at least" in page_of(
        client.post(url, data=short, follow_redirects=True)
    )
    assert milestone.lc_number is None
    full = {**short, "amount": str(milestone.amount.amount)}
    assert "letter of credit is recorded" in page_of(
        client.post(url, data=full, follow_redirects=True)
    )
    assert milestone.lc_number == "LC-BOC-2026-0042" and milestone.lc_expiry.isoformat() == expiry
    auth.login(trade.sales.email)
    assert "LC-BOC-2026-0042" in page_of(client.get(f"/seller/orders/{order.public_id}"))
    with app.test_request_context():
        receipt = payments.record_receipt(
            _finance(trade), milestone, bank_transfer(str(milestone.amount.amount), "BOC-PAY-1")
        )
    assert receipt.method.value == "letter_of_credit" and order.payment_status is PaymentStatus.PAID
    assert_ledger_holds(order)


def test_letter_of_credit_details_are_checked(app: Flask, trade: Trade) -> None:
    order = _accepted(app, trade, "lc_at_sight")
    (milestone,) = order.milestones
    good = letters_of_credit.LetterOfCreditInput(
        "LC-1", "Bank of China", str(milestone.amount.amount), date.today() + timedelta(days=30)
    )
    with app.test_request_context():
        for changes, field in (
            ({"number": ""}, "lc_number"),
            ({"issuing_bank": " "}, "lc_issuing_bank"),
            ({"expiry": date.today()}, "lc_expiry"),
            ({"amount": "abc"}, "amount"),
        ):
            with pytest.raises(ValidationFailed) as refused:
                letters_of_credit.record_letter_of_credit(
                    Actor(trade.purchaser), milestone, replace(good, **changes)
                )
            assert refused.value.field == field
        with pytest.raises(NotAllowed):
            letters_of_credit.record_letter_of_credit(Actor(trade.sales), milestone, good)
    assert milestone.lc_number is None


def test_an_overdue_milestone_shows_to_both_parties(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = _accepted(app, trade)
    deposit, balance = order.milestones
    for user, url in ((trade.purchaser, "buyer"), (trade.sales, "seller")):
        auth.login(user.email)
        assert "Overdue" not in page_of(client.get(f"/{url}/orders/{order.public_id}"))
    deposit.due_on = date.today() - timedelta(days=1)
    db.session.commit()
    assert payments.is_overdue(order, date.today())
    for user, url in ((trade.purchaser, "buyer"), (trade.sales, "seller")):
        auth.login(user.email)
        page = page_of(client.get(f"/{url}/orders/{order.public_id}"))
        assert page.count("Overdue") == 1 and balance.due_on is None
