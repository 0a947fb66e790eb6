"""Two settlements of the same claim at once book one credit note and one refund (own
connections, real commits): on a file SQLite database, or PostgreSQL under ``make test-pg``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import func, select

from app.database import commit
from app.extensions import db
from app.models import (
    Claim,
    ClaimStatus,
    Document,
    DocumentKind,
    OrderStatus,
    PaymentRefund,
    User,
)
from app.services.audit.recording import Actor
from app.services.claims import decision, escalation, filing, settlement
from app.services.fulfilment import actions
from app.services.orders.cart import set_cart_quantity
from app.services.orders.placing import OrderTerms, place_order
from app.services.payments import milestones as payments
from tests.builders.claims import claim_input, operator
from tests.builders.orders import DEFAULT_TERMS, group_key, sea_shipment
from tests.builders.payments import bank_transfer
from tests.builders.trade import finance_of, make_trade
from tests.factories import this_weeks_rates
from tests.support.races import race


def _settle(user_id: int, claim_id: int, reference: str) -> Callable[[], str]:
    def job() -> str:
        user = db.session.get(User, user_id)
        claim = db.session.get(Claim, claim_id)
        assert user is not None and claim is not None
        settlement.settle(Actor(user), claim, bank_reference=reference)
        return "settled"

    return job


def test_two_clerks_settling_the_same_claim_book_one_credit_note(isolated_app: Flask) -> None:
    # Built through the services in one transaction (the builders commit per step, on the
    # app's rolled-back test session, not this database's).
    with isolated_app.test_request_context():
        this_weeks_rates()
        trade = make_trade()
        first, second = finance_of(trade.seller), finance_of(trade.seller)
        buyer = Actor(trade.purchaser)
        set_cart_quantity(buyer, trade.product, 200)
        order = place_order(buyer, group_key(trade.product), OrderTerms(**DEFAULT_TERMS))
        actions.accept(
            Actor(trade.sales), order, confirmed_ship_date=date.today() + timedelta(days=9)
        )
        payments.record_receipt(Actor(first), order.milestones[0], bank_transfer("500.00"))
        actions.start_production(Actor(trade.sales), order)
        actions.record_shipment(Actor(trade.sales), order, sea_shipment())
        actions.confirm_delivery(buyer, order)
        assert order.status is OrderStatus.DELIVERED
        claim = filing.file_claim(buyer, order, claim_input("60.00"))
        escalation.run_clocks(claim.auto_escalate_at)
        decision.decide(Actor(operator()), claim, "refund", "60.00", "Certificate: 24 short.")
        ids = (first.id, second.id, claim.id, order.id)
        commit()
    first_id, second_id, claim_id, order_id = ids
    results = race(
        isolated_app,
        [_settle(first_id, claim_id, "HBL-RET-1"), _settle(second_id, claim_id, "HBL-RET-2")],
    )
    assert not [r for r in results if r.startswith("crashed")], results
    assert sorted(results)[1] == "settled" and sorted(results)[0].startswith("refused"), results
    with isolated_app.app_context():
        notes = db.session.scalars(
            select(Document.total_minor).where(
                Document.order_id == order_id, Document.kind == DocumentKind.CREDIT_NOTE
            )
        ).all()
        assert notes == [6000]
        assert db.session.scalar(select(func.sum(PaymentRefund.amount_minor))) == 6000
        assert db.session.get(Claim, claim_id).status is ClaimStatus.SETTLED  # type: ignore[union-attr]
