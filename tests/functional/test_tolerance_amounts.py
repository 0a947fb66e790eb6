"""More or less N %: what ships within the tolerance is what is sold, invoiced and owed.

100 t of chromite at US$185.50 a tonne (US$18,550.00), more or less 5 % at the seller's
option: 105 t shipped is US$19,477.50 owed, 95 t is US$17,622.50; the commercial invoice,
the order's total and its payment milestones all carry that one figure.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Document,
    DocumentKind,
    MilestoneKind,
    MilestoneTrigger,
    Order,
    PaymentStatus,
)
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor
from app.services.claims.filing import ClaimInput, ClaimLineInput, file_claim
from app.services.errors import ValidationFailed
from app.services.fulfilment.shipment_contents import LineInput
from tests.builders.claims import SHORT_DELIVERY
from tests.builders.dangerous_goods import in_production
from tests.builders.minerals import chromite
from tests.builders.orders import deliver, record_shipment, sea_shipment
from tests.builders.payments import pay
from tests.builders.trade import Trade, make_trade
from tests.support.ledger import assert_ledger_holds

pytestmark = pytest.mark.usefixtures("exchange_rates")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


def hundred_tonnes(app: Flask, trade: Trade, payment_terms: str) -> Order:
    return in_production(
        app,
        trade,
        [(chromite(trade.seller), 100)],
        tolerance_percent=5,
        payment_terms=payment_terms,
    )


def ship_tonnes(app: Flask, trade: Trade, order: Order, tonnes: str) -> Order:
    return record_shipment(app, trade, order, replace(sea_shipment(), lines=[LineInput(1, tonnes)]))


def milestones_of(order: Order) -> list[tuple[MilestoneKind, MilestoneTrigger, int]]:
    db.session.expire_all()
    return [(m.kind, m.trigger, m.amount_minor) for m in order.milestones]


def invoice_total(order: Order) -> int | None:
    return db.session.scalar(
        select(Document.total_minor).where(
            Document.order_id == order.id, Document.kind == DocumentKind.COMMERCIAL_INVOICE
        )
    )


def test_five_percent_more_shipped_is_five_percent_more_owed_on_the_balance(
    app: Flask, trade: Trade
) -> None:
    order = hundred_tonnes(app, trade, "deposit_30_balance_70_bl")
    assert milestones_of(order) == [
        (MilestoneKind.DEPOSIT, MilestoneTrigger.ACCEPTANCE, 556_500),
        (MilestoneKind.BALANCE, MilestoneTrigger.SHIPMENT, 1_298_500),
    ]
    ship_tonnes(app, trade, order, "105.000")
    # The deposit stays as agreed; the balance takes the rest of US$19,477.50.
    assert (order.goods_total_minor, order.total_minor) == (1_947_750, 1_947_750)
    assert milestones_of(order) == [
        (MilestoneKind.DEPOSIT, MilestoneTrigger.ACCEPTANCE, 556_500),
        (MilestoneKind.BALANCE, MilestoneTrigger.SHIPMENT, 1_391_250),
    ]
    assert invoice_total(order) == 1_947_750
    # The ordered line is the contract and keeps its quantity.
    assert order.lines[0].quantity == Decimal("100")
    assert_ledger_holds(order)


def test_an_advance_paid_on_more_than_shipped_leaves_the_buyer_a_credit(
    app: Flask, trade: Trade
) -> None:
    order = hundred_tonnes(app, trade, "advance")
    pay(app, trade, order)
    ship_tonnes(app, trade, order, "95")
    assert order.total_minor == 1_762_250
    assert milestones_of(order) == [(MilestoneKind.FULL, MilestoneTrigger.ACCEPTANCE, 1_762_250)]
    assert (order.paid_minor, order.credit_minor) == (1_855_000, 92_750)
    assert order.payment_status is PaymentStatus.PAID
    assert invoice_total(order) == 1_762_250
    assert_ledger_holds(order)


def test_an_advance_paid_on_less_than_shipped_gains_a_balance_due_on_shipment(
    app: Flask, trade: Trade
) -> None:
    order = hundred_tonnes(app, trade, "advance")
    pay(app, trade, order)
    ship_tonnes(app, trade, order, "105")
    assert milestones_of(order) == [
        (MilestoneKind.FULL, MilestoneTrigger.ACCEPTANCE, 1_855_000),
        (MilestoneKind.BALANCE, MilestoneTrigger.SHIPMENT, 92_750),
    ]
    with app.test_request_context():
        buyers_today = company_today(trade.buyer)
    assert order.milestones[-1].due_on == buyers_today
    assert order.next_due_on == buyers_today
    assert order.payment_status is PaymentStatus.PARTLY_PAID
    assert invoice_total(order) == 1_947_750
    assert_ledger_holds(order)


def test_the_quantity_ordered_ships_at_the_amount_ordered(app: Flask, trade: Trade) -> None:
    order = hundred_tonnes(app, trade, "lc_at_sight")
    ship_tonnes(app, trade, order, "100")
    assert order.total_minor == 1_855_000
    assert milestones_of(order) == [(MilestoneKind.FULL, MilestoneTrigger.SHIPMENT, 1_855_000)]
    assert invoice_total(order) == 1_855_000


def test_a_claim_is_bounded_by_what_shipped_and_what_it_is_worth(app: Flask, trade: Trade) -> None:
    # 100 t ±5 %, paid in advance (US$18,550.00); 95 t shipped (US$17,622.50) and delivered.
    order = hundred_tonnes(app, trade, "advance")
    pay(app, trade, order)
    ship_tonnes(app, trade, order, "95")
    deliver(app, trade, order)
    with app.test_request_context():
        buyer = Actor(trade.purchaser)
        for tonnes, amount, message in (
            ("95.001", "100.00", "The quantity on line 1 must be between 0.001 and 95."),
            (
                "95",
                "17622.51",
                "On line 1 you may ask at most what was paid on it: $17,622.50.",
            ),
        ):
            asked = ClaimInput("quantity", SHORT_DELIVERY, [ClaimLineInput(1, tonnes, amount)])
            with pytest.raises(ValidationFailed) as refusal:
                file_claim(buyer, order, asked)
            assert str(refusal.value) == message
        asked = ClaimInput("quantity", SHORT_DELIVERY, [ClaimLineInput(1, "95", "17622.50")])
        claim = file_claim(buyer, order, asked)
        assert [(line.quantity, line.amount_minor) for line in claim.lines] == [
            (Decimal("95"), 1_762_250)
        ]
