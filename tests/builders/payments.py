"""Money received: bank transfers the seller's finance records against the milestones."""

from __future__ import annotations

from datetime import date

from flask import Flask

from app.extensions import db
from app.models import Order, User
from app.services.audit.recording import Actor
from app.services.payments import milestones as payments
from tests.builders.trade import Trade, finance_of


def bank_transfer(amount: str, reference: str = "SCBL-TT-0001") -> payments.ReceiptInput:
    """A transfer of ``amount`` (in the milestone's currency) received today."""
    return payments.ReceiptInput(amount, date.today(), reference)


def pay(
    app: Flask, trade: Trade, order: Order, *, finance: User | None = None, due_only: bool = False
) -> Order:
    """Record, as the seller's finance, a transfer of what remains on every milestone.

    The order becomes paid (and completes, if it was delivered). ``finance`` records the
    receipts; by default a new finance clerk of the seller. ``due_only``: only milestones
    fallen due (a lot's share of the balance, not the balance still to come).
    """
    with app.test_request_context():
        clerk = Actor(finance or finance_of(trade.seller))
        for milestone in order.milestones:
            if not milestone.is_paid and (milestone.due_on is not None or not due_only):
                payments.record_receipt(
                    clerk,
                    milestone,
                    bank_transfer(str(milestone.remaining.amount), f"TT-{milestone.reference}"),
                )
        db.session.commit()
    return order
