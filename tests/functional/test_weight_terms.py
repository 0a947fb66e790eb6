"""Weight terms: a provisional invoice at 90 % of the value on the loading weight, then a
final invoice on the outturn, deducting the provisional one (or a credit note for the
difference when the outturn is worth less).

100 t of chromite at US$185.50 a tonne (US$18,550.00), 30 % deposit and 70 % against the
B/L, provisional at 90 %: the provisional invoice asks US$16,695.00; 70 % of it falls due
with the shipment, the rest waits for the outturn.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Document, DocumentKind, Order, OrderStatus, PaymentStatus
from app.services.accounts.clock import company_today
from app.services.errors import Conflict, ValidationFailed
from app.services.finance.register import register_rows
from app.services.finance.register_filter import RegisterFilter
from tests.builders.dangerous_goods import in_production
from tests.builders.minerals import chromite, enter_outturn, ship_lot
from tests.builders.payments import pay
from tests.builders.trade import Trade, make_trade
from tests.support.ledger import assert_ledger_holds

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


def on_weight(app: Flask, trade: Trade, **terms: object) -> Order:
    order = in_production(
        app,
        trade,
        [(chromite(trade.seller), 100)],
        tolerance_percent=5,
        provisional_percent=90,
        payment_terms="deposit_30_balance_70_bl",
        **terms,
    )
    ship_lot(app, trade, order, "100")
    db.session.refresh(order)
    return order


def invoices(order: Order) -> list[tuple[str | None, int | None]]:
    return [
        (document.stage, document.total_minor)
        for document in db.session.scalars(
            select(Document)
            .where(
                Document.order_id == order.id,
                Document.kind.in_((DocumentKind.COMMERCIAL_INVOICE, DocumentKind.CREDIT_NOTE)),
            )
            .order_by(Document.id)
        )
    ]


def amounts(order: Order) -> list[int]:
    db.session.expire_all()
    return [m.amount_minor for m in order.milestones]


def test_the_provisional_invoice_asks_ninety_percent_and_its_share_falls_due(
    app: Flask, trade: Trade
) -> None:
    order = on_weight(app, trade)
    assert order.status is OrderStatus.SHIPPED
    assert invoices(order) == [("provisional", 1_669_500)]
    (invoice,) = [d for d in order.documents if d.kind is DocumentKind.COMMERCIAL_INVOICE]
    assert invoice.data["title"] == ["Provisional Commercial Invoice", "临时商业发票"]
    assert (invoice.data["amounts"]["value_minor"], invoice.data["amounts"]["withheld_minor"]) == (
        1_855_000,
        185_500,
    )
    # Deposit US$5,565.00; 70 % of the provisional invoice now; the rest at the outturn.
    assert amounts(order) == [556_500, 129_850, 1_168_650]
    with app.test_request_context():
        today = company_today(trade.buyer)
    assert [m.due_on for m in order.milestones] == [today, None, today]
    assert_ledger_holds(order)


def test_a_final_above_the_provisional_asks_the_balance(app: Flask, trade: Trade) -> None:
    order = on_weight(app, trade)
    # 98.750 t at discharge, no moisture clause, grade above basis: +US$2.00 a tonne.
    final = enter_outturn(app, trade, order, ("98.750", None, "2.00"))
    # 98.750 t x US$187.50 = US$18,515.625 -> US$18,515.63, less US$16,695.00.
    assert invoices(order) == [("provisional", 1_669_500), ("final", 182_063)]
    assert final.data["title"] == ["Final Commercial Invoice", "最终商业发票"]
    assert final.data["amounts"]["total_minor"] == 1_851_563
    assert final.data["amounts"]["prepaid_minor"] == 1_669_500
    assert final.data["lines"][0]["quantity"] == "98.75"
    assert final.data["lines"][0]["unit_price_minor"] == 18_750
    db.session.refresh(order)
    assert order.total_minor == 1_851_563
    # What is left of the order's total falls due now.
    assert amounts(order) == [556_500, 126_413, 1_168_650]
    assert all(m.due_on is not None for m in order.milestones)
    assert_ledger_holds(order)


def test_a_final_below_the_provisional_is_a_credit_note(app: Flask, trade: Trade) -> None:
    order = on_weight(app, trade)
    # 95.000 t wet at 8.00 % moisture: 87.400 dry tonnes, US$16,212.70.
    enter_outturn(app, trade, order, ("95", "8.00", None))
    # The final invoice asks nothing more; the credit note gives back US$482.30.
    assert invoices(order) == [("provisional", 1_669_500), ("final", 0), (None, 48_230)]
    db.session.refresh(order)
    assert order.total_minor == 1_621_270
    # Nothing is left to fall due: the lot's share shrinks to what the order is worth.
    assert amounts(order) == [556_500, 1_064_770]
    assert_ledger_holds(order)


def test_the_register_counts_each_lot_once(app: Flask, trade: Trade) -> None:
    above = on_weight(app, trade)
    enter_outturn(app, trade, above, ("98.750", None, "2.00"))
    below = on_weight(app, trade)
    enter_outturn(app, trade, below, ("95", "8.00", None))
    with app.test_request_context():
        rows = list(register_rows(trade.seller.id, RegisterFilter(sort="issued"), date.today()))
    books = {}
    for row in rows:
        books.setdefault(row.order_public_id, 0)
        books[row.order_public_id] += row.signed_minor
    # Provisional + final balance - credit = the final value, once.
    assert books == {above.public_id: 1_851_563, below.public_id: 1_621_270}


def test_the_outturn_is_entered_once(app: Flask, trade: Trade) -> None:
    order = on_weight(app, trade)
    enter_outturn(app, trade, order, ("100", None, None))
    with pytest.raises(Conflict):
        enter_outturn(app, trade, order, ("99", None, None))
    db.session.rollback()
    assert invoices(order) == [("provisional", 1_669_500), ("final", 185_500)]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (("", None, None), "Line 1: give the outturn weight."),
        (("98.5", "51", None), "Line 1: moisture is a percent from 0 to 50"),
        (("98.5", None, "-186.00"), "Line 1: the grade adjustment would leave no price."),
        (("98.5", None, "2.00001"), "Line 1: the grade adjustment is an amount per unit"),
    ],
)
def test_an_outturn_the_seller_mistyped_is_refused_and_nothing_is_issued(
    app: Flask, trade: Trade, line: tuple[str, str | None, str | None], message: str
) -> None:
    order = on_weight(app, trade)
    with pytest.raises(ValidationFailed) as refused:
        enter_outturn(app, trade, order, line)
    assert str(refused.value.message).startswith(message)
    db.session.rollback()
    assert invoices(order) == [("provisional", 1_669_500)]


def test_an_outturn_far_from_the_loading_weight_is_confirmed_first(
    app: Flask, trade: Trade
) -> None:
    # 195 t typed for a 100 t lot (a slip of the decimal point costs a legal invoice).
    order = on_weight(app, trade)
    with pytest.raises(ValidationFailed) as refused:
        enter_outturn(app, trade, order, ("195", None, None))
    assert refused.value.field == "confirmed"
    assert str(refused.value.message).startswith(
        "Line 1: the outturn 195 t is more than 10 % away from the 100 t loaded."
    )
    db.session.rollback()
    assert invoices(order) == [("provisional", 1_669_500)]
    # 110 t is exactly 10 % away: no question asked.
    enter_outturn(app, trade, order, ("110", None, None))
    # 110 t x US$185.50 = US$20,405.00, less US$16,695.00.
    assert invoices(order) == [("provisional", 1_669_500), ("final", 371_000)]


def test_a_confirmed_outturn_far_from_the_loading_weight_is_issued(
    app: Flask, trade: Trade
) -> None:
    order = on_weight(app, trade)
    enter_outturn(app, trade, order, ("89.5", None, None), confirmed=True)
    # 89.5 t x US$185.50 = US$16,602.25: US$92.75 below the provisional, credited.
    assert invoices(order) == [("provisional", 1_669_500), ("final", 0), (None, 9_275)]


def test_letters_of_credit_are_invoiced_once(app: Flask, trade: Trade) -> None:
    with pytest.raises(ValidationFailed) as refused:
        in_production(
            app,
            trade,
            [(chromite(trade.seller), 10)],
            provisional_percent=90,
            payment_terms="lc_at_sight",
        )
    assert refused.value.field == "provisional_percent"


def test_an_advance_pays_a_lower_outturn_then_a_higher_one_without_asking_again(
    app: Flask, trade: Trade
) -> None:
    # 100 t paid in advance (US$18,550.00), two lots of 50 t. Lot 1's outturn is 45 t:
    # the order is worth US$17,622.50 and the buyer has US$927.50 credit. Lot 2's is 52 t:
    # worth US$17,993.50, still below what was paid, so no balance may be asked.
    order = in_production(
        app,
        trade,
        [(chromite(trade.seller), 100)],
        tolerance_percent=5,
        provisional_percent=90,
        partial_shipments=True,
        payment_terms="advance",
    )
    pay(app, trade, order)
    ship_lot(app, trade, order, "50")
    ship_lot(app, trade, order, "50", last=True)
    enter_outturn(app, trade, order, ("45", None, None), lot=1)
    db.session.refresh(order)
    assert (order.total_minor, order.paid_minor, order.credit_minor) == (
        1_762_250,
        1_855_000,
        92_750,
    )
    enter_outturn(app, trade, order, ("52", None, None), lot=2)
    db.session.refresh(order)
    # 45 t + 52 t = 97 t x US$185.50 = US$17,993.50.
    assert order.total_minor == 1_799_350
    assert amounts(order) == [1_799_350]
    assert (order.credit_minor, order.payment_status) == (55_650, PaymentStatus.PAID)
    assert_ledger_holds(order)
