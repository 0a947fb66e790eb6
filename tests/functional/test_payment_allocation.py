"""Overpayments: carried to the order's next open milestones, then kept as the buyer's credit,
shown on the order page, in the invoice register and in receivables and payables of both
sides; ``flask finance check`` proves the ledger. Each scenario ends with the invariant.

The order of the report: USD 302,844.00, 30/70 (deposit 90,853.20, balance 211,990.80),
shipped, its commercial invoice issued; the deposit "overpaid by USD 86,930.00".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from app.extensions import db
from app.models import (
    CompanyRole,
    Document,
    DocumentKind,
    MilestoneState,
    Order,
    OrderLine,
    PaymentStatus,
    PaymentTerms,
    User,
)
from app.services.audit.recording import Actor
from app.services.documents.issuing import issue_document, store_rendered_pdf
from app.services.finance.register import Direction, RegisterFilter, aging, register_page
from app.services.payments import reversals
from app.services.payments.milestones import (
    ReceiptInput,
    create_milestones,
    record_receipt,
)
from app.services.payments.schedule import on_shipment
from tests.factories import CompanyFactory, OrderFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.http import page_of, text_of
from tests.support.ledger import assert_ledger_holds

pytestmark = pytest.mark.usefixtures("exchange_rates")

TOTAL = 30_284_400  # USD 302,844.00


@dataclass
class Shipped:
    order: Order
    invoice: Document
    seller_finance: User
    buyer_finance: User


def _shipped(app: Flask, terms: PaymentTerms = PaymentTerms.DEPOSIT_BALANCE_BL) -> Shipped:
    """A shipped order of USD 302,844.00, its milestones due today, its invoice issued."""
    with app.test_request_context():
        seller = CompanyFactory(legal_name="Wah Nobel Chemicals (Pvt) Ltd", buys=True)
        buyer = CompanyFactory(chinese_buyer=True, legal_name="MCCT International")
        order = OrderFactory(
            seller=seller,
            buyer=buyer,
            shipped=True,
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
        on_shipment(order, date.today())
        invoice = issue_document(
            Actor(None),
            order,
            DocumentKind.COMMERCIAL_INVOICE,
            issued_at=datetime.now(UTC) - timedelta(hours=1),
        )
        store_rendered_pdf(invoice.id, f"%PDF-1.7 {invoice.number}".encode())
        seller_finance = UserFactory(company=seller, company_role=CompanyRole.FINANCE)
        buyer_finance = UserFactory(company=buyer, company_role=CompanyRole.FINANCE)
        db.session.commit()
    return Shipped(order, invoice, seller_finance, buyer_finance)


def _receive(app: Flask, books: Shipped, sequence: int, amount: str, reference: str) -> None:
    with app.test_request_context():
        record_receipt(
            Actor(books.seller_finance),
            books.order.milestones[sequence - 1],
            ReceiptInput(amount, date.today(), reference),
        )
        db.session.commit()
    db.session.expire_all()


def _register_row(books: Shipped, company_id: int):  # type: ignore[no-untyped-def]
    page = register_page(company_id, RegisterFilter(), 1, date.today())
    (row,) = [row for row in page.rows if row.document.id == books.invoice.id]
    return row, page.totals


def test_a_deposit_overpaid_pays_the_balance_and_both_sides_see_what_is_left(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    books = _shipped(app)
    order = books.order
    deposit, balance = order.milestones
    _receive(app, books, 1, "177,783.20", "HBL-TT-1")  # the deposit overpaid by 86,930.00

    assert deposit.state is MilestoneState.OVERPAID and deposit.overpaid.to_minor() == 8_693_000  # type: ignore[union-attr]
    assert balance.state is MilestoneState.PARTLY_PAID
    assert (balance.paid_minor, balance.remaining.to_minor()) == (8_693_000, 12_506_080)
    assert (order.paid_minor, order.credit_minor) == (17_778_320, 0)
    assert order.payment_status is PaymentStatus.PARTLY_PAID
    # Receivables and payables: the same USD 125,060.80, not the full 302,844.00.
    for company_id, direction in (
        (order.seller_id, Direction.ISSUED),
        (order.buyer_id, Direction.RECEIVED),
    ):
        row, _ = _register_row(books, company_id)
        assert (row.paid_minor, row.outstanding_minor, row.credit_minor) == (
            17_778_320,
            12_506_080,
            0,
        )
        (line,) = aging(company_id, direction, date.today())
        assert (line.total_minor, line.credit_minor) == (12_506_080, 0)
    auth.login(order.placed_by.email)
    page = page_of(client.get(f"/buyer/orders/{order.public_id}"))
    assert "125,060.80 still to pay" in page
    assert "86,930.00 more than due was received" in page
    assert "86,930.00 of it paid by an overpayment of another payment." in page
    assert_ledger_holds(order)


def test_what_remains_after_the_last_milestone_is_a_credit_on_every_page(
    app: Flask, client: FlaskClient, auth: AuthActions
) -> None:
    books = _shipped(app)
    order = books.order
    _receive(app, books, 1, "177,783.20", "HBL-TT-1")
    _receive(app, books, 2, "125,060.80", "HBL-TT-2")
    assert order.payment_status is PaymentStatus.PAID and order.credit_minor == 0
    _receive(app, books, 2, "7,156.00", "HBL-TT-3")  # beyond the last milestone
    assert (order.paid_minor, order.credit_minor) == (31_000_000, 715_600)
    assert order.payment_status is PaymentStatus.PAID
    # Overpaid: what its own receipts brought beyond it (the balance's own are below it).
    assert [m.state for m in order.milestones] == [MilestoneState.OVERPAID, MilestoneState.PAID]
    for company_id, direction in (
        (order.seller_id, Direction.ISSUED),
        (order.buyer_id, Direction.RECEIVED),
    ):
        row, totals = _register_row(books, company_id)
        assert (row.outstanding_minor, row.credit_minor) == (-715_600, 715_600)
        assert [(t.currency, t.outstanding_minor, t.credit_minor) for t in totals] == [
            ("USD", 0, 715_600)
        ]
        (line,) = aging(company_id, direction, date.today())
        assert (line.total_minor, line.credit_minor) == (0, 715_600)
    for person, url in (
        (books.seller_finance, f"/finance/orders/{order.public_id}"),
        (order.placed_by, f"/buyer/orders/{order.public_id}"),
    ):
        auth.login(person.email)
        assert 'id="order-credit"' in page_of(client.get(url))
        assert "7,156.00" in page_of(client.get(url))
    auth.login(books.buyer_finance.email)
    assert "Credit $7,156.00" in text_of(client.get("/finance/invoices"))
    aging_page = page_of(client.get("/finance/aging"))
    assert 'data-credit="715600"' in aging_page
    assert_ledger_holds(order)


def test_an_overpaid_balance_pays_the_open_deposit_before_any_credit(app: Flask) -> None:
    books = _shipped(app)
    deposit, balance = books.order.milestones
    _receive(app, books, 2, "302,844.00", "HBL-TT-ALL")  # all of it, quoting the balance
    assert deposit.state is MilestoneState.PAID and deposit.carried_in.to_minor() == 9_085_320  # type: ignore[union-attr]
    assert balance.state is MilestoneState.OVERPAID
    assert books.order.payment_status is PaymentStatus.PAID and books.order.credit_minor == 0
    assert books.order.next_due_on is None
    assert_ledger_holds(books.order)


def test_reversing_an_overpayment_takes_back_what_it_carried(app: Flask) -> None:
    books = _shipped(app)
    _receive(app, books, 1, "177,783.20", "HBL-TT-1")
    deposit, balance = books.order.milestones
    (receipt,) = deposit.receipts
    with app.test_request_context():
        reversals.reverse_receipt(Actor(books.seller_finance), receipt, "Belongs to CO-000077")
        db.session.commit()
    db.session.expire_all()
    assert [m.state for m in books.order.milestones] == [MilestoneState.UNPAID] * 2
    assert balance.remaining.to_minor() == 21_199_080
    row, _ = _register_row(books, books.order.buyer_id)
    assert row.outstanding_minor == TOTAL
    assert_ledger_holds(books.order)


# flask finance check --------------------------------------------------------------------------


def test_flask_finance_check_passes_on_sound_books_and_names_a_broken_order(app: Flask) -> None:
    books = _shipped(app)
    _receive(app, books, 1, "90,853.20", "HBL-TT-1")
    runner = app.test_cli_runner()
    sound = runner.invoke(args=["finance", "check"])
    assert sound.exit_code == 0, sound.output
    assert "The payments ledger holds." in sound.output
    # The stored figure drifts from the ledger (a hand-made UPDATE, a bug of old).
    db.session.execute(
        update(Order).where(Order.id == books.order.id).values(paid_minor=2 * 9_085_320)
    )
    db.session.commit()
    broken = runner.invoke(args=["finance", "check"])
    assert broken.exit_code == 1
    assert f"{books.order.reference}: paid 18170640, but receipts 9085320" in broken.output
    assert "1 problem(s)" in broken.output
    repaired = runner.invoke(args=["finance", "check", "--repair"])
    assert repaired.exit_code == 0, repaired.output
    assert f"repaired {books.order.reference}" in repaired.output
    db.session.expire_all()
    assert books.order.paid_minor == 9_085_320
    assert_ledger_holds()
