"""Claims brought to any state through the services the parties use.

order = delivered_paid(app, trade)              # $500 paid, claims window open
claim = claim_on(app, trade, order, "120.00")   # a short delivery, asked $120
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from app.extensions import db
from app.models import Claim, Order, OrderStatus, User
from app.services.audit.recording import Actor
from app.services.claims.filing import ClaimInput, ClaimLineInput, file_claim
from tests.builders.orders import order_in
from tests.builders.trade import Trade
from tests.factories import UserFactory

SHORT_DELIVERY = "The weight certificate shows 180 units landed against 200 invoiced."


def delivered_paid(app: Flask, trade: Trade, quantity: int = 200, **terms: object) -> Order:
    """``quantity`` at $2.50 (FOB Karachi, 100 % advance), paid, shipped and delivered."""
    return order_in(app, trade, OrderStatus.DELIVERED, quantity=quantity, paid=True, **terms)


def claim_input(amount: str, *, quantity: int = 20, kind: str = "quantity") -> ClaimInput:
    return ClaimInput(
        claim_type=kind,
        statement=SHORT_DELIVERY,
        lines=[ClaimLineInput(line_no=1, quantity=quantity, amount=amount)],
    )


def claim_on(
    app: Flask,
    trade: Trade,
    order: Order,
    amount: str = "50.00",
    *,
    now: datetime | None = None,
    kind: str = "quantity",
) -> Claim:
    """The buyer's purchaser files a claim on line 1 of ``order``."""
    with app.test_request_context():
        claim = file_claim(Actor(trade.purchaser), order, claim_input(amount, kind=kind), now)
        db.session.commit()
    return claim


def operator() -> User:
    user: User = UserFactory(operator=True, full_name="Olga Operator")
    return user
