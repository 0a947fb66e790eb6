"""Production and shipment wait for the money due on acceptance, unless the seller releases
them with a reason (app.services.payments.controls, through the fulfilment moves)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import (
    CompanyRole,
    Order,
    OrderStatus,
    PaymentRelease,
    PaymentStatus,
    TrustedBuyer,
)
from app.services.audit.recording import Actor
from app.services.errors import Conflict, NotAllowed, ValidationFailed
from app.services.fulfilment import actions
from app.services.orders.lifecycle import InvalidTransition
from app.services.payments import controls
from app.services.payments import milestones as payments
from tests.builders.orders import order_in, sea_shipment
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import UserFactory
from tests.support.db import audit_events

pytestmark = pytest.mark.usefixtures("exchange_rates")

DEPOSIT_MISSING = (
    "The 30% deposit ($150.00) is not paid yet. Record its receipt, or release the goods"
    " with a reason."
)
ADVANCE_MISSING = (
    "The advance payment ($500.00) is not paid yet. Record its receipt, or release the goods"
    " with a reason."
)


@pytest.fixture
def trade(app_ctx: None) -> Trade:
    return make_trade()


def _accepted(app: Flask, trade: Trade, terms: str = "deposit_30_balance_70_bl") -> Order:
    """200 units at $2.50 ($500.00) accepted on ``terms``: nothing paid yet."""
    return order_in(app, trade, OrderStatus.ACCEPTED, payment_terms=terms)


def _receive(trade: Trade, order: Order, amount: str, sequence: int = 1) -> None:
    milestone = order.milestones[sequence - 1]
    payments.record_receipt(
        Actor(finance_of(trade.seller)),
        milestone,
        payments.ReceiptInput(amount, date.today(), f"TT-{milestone.reference}"),
    )


def _release(
    trade: Trade, order: Order, reason: str = "Bank confirmed the transfer by phone."
) -> PaymentRelease:
    return controls.release(Actor(finance_of(trade.seller)), order, reason)


def test_production_waits_for_the_deposit_and_says_what_is_missing(
    app: Flask, trade: Trade
) -> None:
    order = _accepted(app, trade)
    with pytest.raises(controls.PaymentHeld) as held:
        actions.start_production(Actor(trade.sales), order)
    assert str(held.value) == DEPOSIT_MISSING
    assert held.value.status == 409
    assert order.status is OrderStatus.ACCEPTED
    assert [e.to_status for e in order.events if e.kind == "status"] == ["accepted"]


def test_the_shipment_and_its_invoice_wait_for_the_deposit(app: Flask, trade: Trade) -> None:
    order = _accepted(app, trade)
    _release(trade, order)  # production only
    actions.start_production(Actor(trade.sales), order)
    with pytest.raises(controls.PaymentHeld) as held:
        actions.record_shipment(Actor(trade.sales), order, sea_shipment())
    assert str(held.value) == DEPOSIT_MISSING
    assert order.status is OrderStatus.IN_PRODUCTION
    assert order.shipments == []
    assert [d.kind.value for d in order.documents] == ["proforma_invoice"]  # no invoice


def test_a_partly_paid_deposit_says_what_remains(app: Flask, trade: Trade) -> None:
    order = _accepted(app, trade)
    _receive(trade, order, "100.00")
    with pytest.raises(controls.PaymentHeld) as held:
        actions.start_production(Actor(trade.sales), order)
    assert str(held.value) == (
        "$50.00 of the 30% deposit ($150.00) is not paid yet. Record its receipt, or release"
        " the goods with a reason."
    )


def test_once_the_deposit_is_received_production_and_shipment_go_ahead(
    app: Flask, trade: Trade
) -> None:
    order = _accepted(app, trade)
    _receive(trade, order, "150.00")
    assert order.payment_status is PaymentStatus.PARTLY_PAID  # the balance is still due
    actions.start_production(Actor(trade.sales), order)
    actions.record_shipment(Actor(trade.sales), order, sea_shipment())
    assert order.status is OrderStatus.SHIPPED
    assert "commercial_invoice" in [d.kind.value for d in order.documents]
    assert controls.releases(order) == []


def test_advance_terms_wait_for_the_whole_advance(app: Flask, trade: Trade) -> None:
    order = _accepted(app, trade, "advance")
    with pytest.raises(controls.PaymentHeld) as held:
        actions.start_production(Actor(trade.sales), order)
    assert str(held.value) == ADVANCE_MISSING
    _receive(trade, order, "500.00")
    actions.start_production(Actor(trade.sales), order)
    assert order.status is OrderStatus.IN_PRODUCTION


def test_letter_of_credit_and_net_30_terms_hold_nothing_back(app: Flask, trade: Trade) -> None:
    db.session.add(TrustedBuyer(seller_id=trade.seller.id, buyer_id=trade.buyer.id))
    db.session.flush()
    for terms in ("lc_at_sight", "net_30"):
        order = _accepted(app, trade, terms)
        assert controls.current_hold(order) is None
        actions.start_production(Actor(trade.sales), order)
        actions.record_shipment(Actor(trade.sales), order, sea_shipment())
        assert (order.status, order.payment_status) == (OrderStatus.SHIPPED, PaymentStatus.UNPAID)


def test_a_release_lets_one_move_go_ahead_and_is_recorded_audited_and_on_the_timeline(
    app: Flask, trade: Trade
) -> None:
    order = _accepted(app, trade)
    finance = finance_of(trade.seller)
    release = controls.release(
        Actor(finance), order, "  Long-standing buyer; L/C amendment pending. "
    )
    assert (release.move, release.reason, release.released_by_id) == (
        OrderStatus.IN_PRODUCTION,
        "Long-standing buyer; L/C amendment pending.",
        finance.id,
    )
    assert release.milestone is order.milestones[0] and release.released_at is not None
    [audit] = audit_events("payment.released_before_payment")
    assert (audit.actor_id, audit.company_id, audit.object_id) == (
        finance.id,
        trade.seller.id,
        order.public_id,
    )
    assert audit.details == {
        "milestone": f"{order.reference}-1",
        "move": "in_production",
        "reason": "Long-standing buyer; L/C amendment pending.",
        "unpaid_minor": 15000,
        "currency": "USD",
    }
    event = order.events[-1]
    assert (event.kind, event.to_status, event.actor_id) == (
        "payment_release",
        "in_production",
        finance.id,
    )
    assert event.note == f"{order.reference}-1: Long-standing buyer; L/C amendment pending."

    actions.start_production(Actor(trade.sales), order)
    assert order.status is OrderStatus.IN_PRODUCTION
    assert order.payment_status is PaymentStatus.UNPAID  # a release is not a payment
    # The shipment waits again: the goods leave the seller's hands on a decision of its own.
    with pytest.raises(controls.PaymentHeld):
        actions.record_shipment(Actor(trade.sales), order, sea_shipment())
    second = _release(trade, order, "Buyer's bank sent the SWIFT copy; funds arrive Monday.")
    assert second.move is OrderStatus.SHIPPED
    actions.record_shipment(Actor(trade.sales), order, sea_shipment())
    assert order.status is OrderStatus.SHIPPED
    assert [(r.move.value, r.milestone_id) for r in controls.releases(order)] == [
        ("in_production", order.milestones[0].id),
        ("shipped", order.milestones[0].id),
    ]


def test_the_owner_may_release(app: Flask, trade: Trade) -> None:
    order = _accepted(app, trade)
    owner = UserFactory(company=trade.seller, company_role=CompanyRole.OWNER)
    controls.release(Actor(owner), order, "Owner's decision: trusted for ten years.")
    actions.start_production(Actor(trade.sales), order)
    assert order.status is OrderStatus.IN_PRODUCTION


@pytest.mark.parametrize("who", ["sales", "seller viewer", "buyer owner", "buyer finance"])
def test_only_the_sellers_owner_and_finance_release(app: Flask, trade: Trade, who: str) -> None:
    order = _accepted(app, trade)
    person = {
        "sales": lambda: trade.sales,
        "seller viewer": lambda: UserFactory(company=trade.seller, company_role=CompanyRole.VIEWER),
        "buyer owner": lambda: UserFactory(company=trade.buyer, company_role=CompanyRole.OWNER),
        "buyer finance": lambda: finance_of(trade.buyer),
    }[who]()
    with pytest.raises(NotAllowed) as refused:
        controls.release(Actor(person), order, "I would like the goods to go ahead.")
    assert (
        str(refused.value)
        == "Only the seller's owner and finance staff release goods before payment."
    )
    assert controls.releases(order) == []


@pytest.mark.parametrize("reason", ["", "   ", "ok", "x" * 2001])
def test_a_release_needs_a_reason(app: Flask, trade: Trade, reason: str) -> None:
    order = _accepted(app, trade)
    with pytest.raises(ValidationFailed) as refused:
        _release(trade, order, reason)
    assert refused.value.field == "reason"
    assert controls.releases(order) == []


def test_nothing_to_release_once_paid_or_already_released(app: Flask, trade: Trade) -> None:
    order = _accepted(app, trade)
    _release(trade, order)
    with pytest.raises(Conflict):
        _release(trade, order)  # production is released already
    paid = _accepted(app, trade)
    _receive(trade, paid, "150.00")
    with pytest.raises(Conflict):
        _release(trade, paid)
    placed = order_in(app, trade, OrderStatus.PLACED, payment_terms="deposit_30_balance_70_bl")
    with pytest.raises(InvalidTransition):  # nothing waits for a payment before acceptance
        _release(trade, placed)
    assert db.session.scalars(select(PaymentRelease)).all() == controls.releases(order)


def test_a_refusal_of_the_state_or_role_comes_before_the_payments(app: Flask, trade: Trade) -> None:
    order = _accepted(app, trade)
    with pytest.raises(NotAllowed):  # the buyer never produces, paid or not
        actions.start_production(Actor(trade.purchaser), order)
    with pytest.raises(InvalidTransition):  # not in production yet
        actions.record_shipment(Actor(trade.sales), order, sea_shipment())
