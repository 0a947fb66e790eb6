"""Payments as a ledger: a form sent twice records once, a receipt that repeats a live one
waits for confirmation, a mistaken entry is reversed (never edited), bank charges say what
counts. Every scenario ends with the ledger's invariant (``assert_ledger_holds``).

The order is the one of the report that started this: USD 302,844.00 (30/70: a deposit of
90,853.20 and a balance of 211,990.80).
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.models import (
    ChargeBearer,
    CompanyRole,
    IdempotencyKey,
    MilestoneState,
    Order,
    OrderLine,
    PaymentMethod,
    PaymentReceipt,
    PaymentReversal,
    PaymentStatus,
    PaymentTerms,
    User,
)
from app.services.audit.recording import Actor
from app.services.errors import Conflict, ValidationFailed
from app.services.payments import reversals
from app.services.payments.milestones import ReceiptInput, create_milestones, record_receipt
from tests.factories import OrderFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.db import audit_events, count
from tests.support.http import page_of
from tests.support.ledger import assert_ledger_holds, new_key, receipt_form

pytestmark = pytest.mark.usefixtures("exchange_rates")

TOTAL = 30_284_400  # USD 302,844.00


def _order(app: Flask, terms: PaymentTerms = PaymentTerms.DEPOSIT_BALANCE_BL) -> Order:
    """An accepted order of exactly USD 302,844.00 with its milestones."""
    with app.test_request_context():
        order = OrderFactory(
            accepted=True,
            payment_terms=terms,
            total_minor=TOTAL,
            goods_total_minor=TOTAL,
            lines=[
                OrderLine(
                    line_no=1, title="Ammonium nitrate", hs_code="310230", origin_country="PK",
                    unit="KGM", quantity=1, unit_price_minor=TOTAL, line_total_minor=TOTAL,
                )
            ],
        )  # fmt: skip
        create_milestones(order, date.today())
        db.session.commit()
    return order


def _finance(order: Order) -> User:
    user: User = UserFactory(company=order.seller, company_role=CompanyRole.FINANCE)
    db.session.commit()
    return user


def _url(order: Order, sequence: int = 1) -> str:
    return f"/payments/milestones/{order.milestones[sequence - 1].public_id}/receipts"


def _receipts(order: Order) -> list[PaymentReceipt]:
    db.session.expire_all()
    return [receipt for milestone in order.milestones for receipt in milestone.receipts]


# A form sent twice -------------------------------------------------------------------------


def test_the_same_form_sent_twice_records_one_receipt(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    order = _order(app, PaymentTerms.ADVANCE)
    auth.login(_finance(order).email)
    form = receipt_form("302,844.00", "HBL-TT-20261127-7781")
    first = client.post(_url(order), data=form, follow_redirects=True)
    assert "The receipt is recorded." in page_of(first)
    # F5 on the answer, or Back and submit: the very same body and key again.
    again = client.post(_url(order), data=form, follow_redirects=True)
    assert "This receipt was already recorded; nothing was added." in page_of(again)
    assert "The receipt is recorded." not in page_of(again)
    (receipt,) = _receipts(order)
    assert receipt.amount_minor == 30_284_400
    assert order.paid_minor == 30_284_400  # not 605,688.00
    assert order.payment_status is PaymentStatus.PAID and order.credit_minor == 0
    assert count(IdempotencyKey) == 1
    assert len(audit_events("payment.receipt_recorded")) == 1
    assert [event.kind for event in order.events].count("payment") == 1
    assert_ledger_holds(order)


def test_the_same_key_with_other_values_writes_nothing(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    order = _order(app)
    auth.login(_finance(order).email)
    key = new_key()
    client.post(_url(order), data=receipt_form("1000.00", "TT-1", key))
    changed = client.post(
        _url(order), data=receipt_form("2000.00", "TT-1", key), follow_redirects=True
    )
    assert "This form was already used" in page_of(changed)
    assert [receipt.amount_minor for receipt in _receipts(order)] == [100_000]
    assert order.paid_minor == 100_000
    assert_ledger_holds(order)


def test_a_refused_form_keeps_its_key_for_the_corrected_one(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    order = _order(app)
    auth.login(_finance(order).email)
    key = new_key()
    refused = client.post(
        _url(order), data=receipt_form("12.345", "TT-2", key), follow_redirects=True
    )
    assert "Use at most 2 decimals" in page_of(refused)
    assert _receipts(order) == [] and count(IdempotencyKey) == 0
    corrected = client.post(
        _url(order), data=receipt_form("12.34", "TT-2", key), follow_redirects=True
    )
    assert "The receipt is recorded." in page_of(corrected)
    assert [receipt.amount_minor for receipt in _receipts(order)] == [1_234]
    assert_ledger_holds(order)


def test_a_key_is_the_companys_own(app: Flask, client: FlaskClient, auth: AuthActions) -> None:
    """Another company's form with the same key (it cannot guess ours) records its own."""
    first, second = _order(app), _order(app)
    key = new_key()
    auth.login(_finance(first).email)
    client.post(_url(first), data=receipt_form("500.00", "TT-A", key))
    auth.login(_finance(second).email)
    client.post(_url(second), data=receipt_form("500.00", "TT-A", key))
    assert (first.paid_minor, second.paid_minor) == (50_000, 50_000)
    assert_ledger_holds(first, second)


# A receipt that repeats a live one ---------------------------------------------------------


def test_a_receipt_repeating_a_live_one_waits_for_the_clerks_confirmation(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    order = _order(app)
    auth.login(_finance(order).email)
    client.post(_url(order), data=receipt_form("1000.00", "SCBL-778"))
    key = new_key()
    twice = receipt_form("1,000.00", "scbl-778", key)  # the same, typed differently
    warned = client.post(_url(order), data=twice)
    page = page_of(warned)
    assert warned.status_code == 409
    assert "is already recorded on this payment" in page and 'name="confirm_duplicate"' in page
    assert f'value="{key}"' in page  # the same request, still unspent
    assert len(_receipts(order)) == 1
    # Reloading the warning (the POST again) warns again and records nothing.
    assert client.post(_url(order), data=twice).status_code == 409
    assert len(_receipts(order)) == 1 and count(IdempotencyKey) == 1
    confirmed = client.post(
        _url(order), data={**twice, "confirm_duplicate": "y"}, follow_redirects=True
    )
    assert "The receipt is recorded." in page_of(confirmed)
    assert [receipt.amount_minor for receipt in _receipts(order)] == [100_000, 100_000]
    recorded = audit_events("payment.receipt_recorded")
    assert [event.details["confirmed_duplicate"] for event in recorded] == [False, True]
    # Another reference is another transfer: recorded at once.
    client.post(_url(order), data=receipt_form("1000.00", "SCBL-779"))
    assert order.paid_minor == 300_000
    assert_ledger_holds(order)


def test_a_reversed_receipt_is_no_twin(app: Flask) -> None:
    order = _order(app)
    deposit = order.milestones[0]
    clerk = Actor(_finance(order))
    data = ReceiptInput("500.00", date.today(), "TT-9")
    with app.test_request_context():
        first = record_receipt(clerk, deposit, data)
        reversals.reverse_receipt(clerk, first, "Recorded against the wrong order")
        again = record_receipt(clerk, deposit, data)  # no confirmation asked
    assert again.id != first.id and order.paid_minor == 50_000
    assert_ledger_holds(order)


# Reversals ---------------------------------------------------------------------------------


def test_finance_reverses_a_receipt_with_a_reason_and_the_figures_follow(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    order = _order(app)
    deposit, balance = order.milestones
    finance = _finance(order)
    auth.login(finance.email)
    client.post(_url(order), data=receipt_form("90853.20", "HBL-TT-1"))
    (receipt,) = _receipts(order)
    assert deposit.state is MilestoneState.PAID and order.paid_minor == 9_085_320
    page = page_of(client.get(f"/finance/orders/{order.public_id}"))
    assert f"/payments/receipts/{receipt.public_id}/reversal" in page
    form = {"reason": "Recorded against the wrong order", "submission_key": new_key()}
    url = f"/payments/receipts/{receipt.public_id}/reversal"
    done = client.post(url, data=form, follow_redirects=True)
    assert "The receipt is reversed" in page_of(done)
    reversal = db.session.get(PaymentReversal, receipt.reversal.id)  # type: ignore[union-attr]
    assert reversal is not None
    assert (reversal.amount_minor, reversal.currency, reversal.reason) == (
        9_085_320,
        "USD",
        "Recorded against the wrong order",
    )
    assert receipt.amount_minor == 9_085_320  # the entry itself is untouched
    assert deposit.state is MilestoneState.UNPAID and balance.state is MilestoneState.UNPAID
    assert (order.paid_minor, order.payment_status) == (0, PaymentStatus.UNPAID)
    assert order.next_due_on == date.today()  # the deposit is due again
    assert order.events[-1].kind == "payment_reversed"
    assert "Recorded against the wrong order" in (order.events[-1].note or "")
    (audit,) = audit_events("payment.receipt_reversed")
    assert (
        audit.details["amount_minor"] == 9_085_320 and audit.details["receipt"] == receipt.public_id
    )
    # The same form again: nothing more; another form: refused, the receipt is reversed.
    replay = client.post(url, data=form, follow_redirects=True)
    assert "This reversal was already recorded" in page_of(replay)
    other = client.post(url, data={**form, "submission_key": new_key()}, follow_redirects=True)
    assert "This receipt was already reversed." in page_of(other)
    assert count(PaymentReversal) == 1
    # Both parties see it in the payments table and on the timeline.
    auth.login(order.placed_by.email)
    buyer_page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert f'data-reversal-of="{receipt.public_id}"' in buyer_page
    assert "Reversed a payment entry." in buyer_page
    assert f"/payments/receipts/{receipt.public_id}/reversal" not in buyer_page
    # The buyer may not reverse.
    assert client.post(url, data={**form, "submission_key": new_key()}).status_code == 403
    assert_ledger_holds(order)


def test_reversals_are_refused_for_cards_without_a_reason_and_twice(app: Flask) -> None:
    order = _order(app)
    deposit = order.milestones[0]
    clerk = Actor(_finance(order))
    with app.test_request_context():
        receipt = record_receipt(clerk, deposit, ReceiptInput("100.00", date.today(), "TT-5"))
        with pytest.raises(ValidationFailed) as short:
            reversals.reverse_receipt(clerk, receipt, "oops")
        assert short.value.field == "reason"
        reversals.reverse_receipt(clerk, receipt, "Bank returned the transfer")
        with pytest.raises(Conflict):
            reversals.reverse_receipt(clerk, receipt, "Bank returned the transfer")
        card = PaymentReceipt(
            milestone=deposit, method=PaymentMethod.CARD, amount_minor=5_000, currency="USD",
            value_date=date.today(), external_id="pi_test_1",
        )  # fmt: skip
        db.session.add(card)
        db.session.flush()
        with pytest.raises(ValidationFailed, match="refund"):
            reversals.reverse_receipt(clerk, card, "Not a transfer at all")
    assert count(PaymentReversal) == 1


# Bank charges -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bearer", "counted", "state", "remaining"),
    [
        (ChargeBearer.SHA, 9_085_320, MilestoneState.PAID, 0),
        (ChargeBearer.BEN, 9_085_320, MilestoneState.PAID, 0),
        (ChargeBearer.OUR, 9_082_820, MilestoneState.PARTLY_PAID, 2_500),
    ],
)
def test_bank_charges_gross_net_and_who_bears_them(
    app: Flask,
    client: FlaskClient,
    auth: AuthActions,
    bearer: ChargeBearer,
    counted: int,
    state: MilestoneState,
    remaining: int,
) -> None:
    """USD 90,853.20 sent, USD 25.00 deducted on the way, 90,828.20 credited. Under SHA and
    BEN the seller bears the deduction: the buyer paid the deposit. Under OUR the buyer was
    to pay the charges: USD 25.00 is still owed."""
    order = _order(app)
    deposit = order.milestones[0]
    auth.login(_finance(order).email)
    form = receipt_form("90853.20", "HBL-TT-25", charges="25.00", bearer=bearer.value)
    assert "The receipt is recorded." in page_of(
        client.post(_url(order), data=form, follow_redirects=True)
    )
    (receipt,) = _receipts(order)
    assert (receipt.amount_minor, receipt.charges_minor, receipt.net_minor) == (
        9_085_320,
        2_500,
        9_082_820,
    )
    assert receipt.charges_bearer is bearer and receipt.counted_minor == counted
    assert deposit.state is state and deposit.remaining.to_minor() == remaining
    assert order.paid_minor == counted
    page = page_of(client.get(f"/finance/orders/{order.public_id}"))
    assert "90,828.20" in page and "25.00" in page and f">{bearer.value}<" in page
    assert_ledger_holds(order)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"charges": "100.00"}, "charges"),  # all of it: nothing reached the account
        ({"charges": "-1"}, "charges"),
        ({"charges": "1.234"}, "charges"),
        ({"bearer": "XYZ"}, "bearer"),
    ],
)
def test_impossible_charges_are_refused(app: Flask, changes: dict[str, str], field: str) -> None:
    order = _order(app)
    data = {"charges": "0", "bearer": "SHA", **changes}
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        record_receipt(
            Actor(_finance(order)),
            order.milestones[0],
            ReceiptInput("100.00", date.today(), "TT-6", data["charges"], data["bearer"]),
        )
    assert refused.value.field == field
    db.session.rollback()
    assert _receipts(order) == []
