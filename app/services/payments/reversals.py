"""Reversing a receipt: the ledger's only way back from a mistaken entry.

A receipt is never edited or deleted. The seller's finance reverses one with a reason (a
transfer recorded twice or against the wrong order, a payment the bank returned): a
``PaymentReversal`` takes back exactly what the receipt counted, the order's figures and
its milestones' states follow, and both parties see it on the timeline. A receipt is
reversed once (a unique key); a card payment goes back by refund instead. Services flush,
never commit.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import PaymentMethod, PaymentReceipt, PaymentReversal
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.errors import Conflict, ValidationFailed
from app.services.orders.lifecycle import record_event
from app.services.payments.ledger import lock_payments, store_payment_figures
from app.services.payments.milestones import audit_payment

MIN_REASON = 5
MAX_REASON = 500


class AlreadyReversed(Conflict):
    """The receipt was reversed before (perhaps a moment ago, by someone else)."""

    def __init__(self) -> None:
        super().__init__(lazy_gettext("This receipt was already reversed."))


def reverse_receipt(actor: Actor, receipt: PaymentReceipt, reason: str) -> PaymentReversal:
    """Take ``receipt`` back, with ``reason``; the order's payment figures are recomputed."""
    milestone = receipt.milestone
    order = milestone.order
    user = require(
        actor.user,
        Action.RECORD_RECEIPT,
        order,
        lazy_gettext("Only the seller's owner and finance staff reverse receipts."),
    )
    if receipt.method is PaymentMethod.CARD:
        raise ValidationFailed(
            lazy_gettext("A card payment is given back by a refund, not reversed.")
        )
    reason = (reason or "").strip()
    if not MIN_REASON <= len(reason) <= MAX_REASON:
        raise ValidationFailed(lazy_gettext("Give the reason for the reversal."), "reason")
    lock_payments(order)  # reloads the receipt's reversal too: a racing one is seen here
    if receipt.reversal is not None:
        raise AlreadyReversed()
    try:
        with db.session.begin_nested():
            reversal = PaymentReversal(
                receipt=receipt,
                amount_minor=receipt.counted_minor,
                currency=receipt.currency,
                reason=reason,
                created_by_id=user.id,
            )
            db.session.add(reversal)
    except IntegrityError:  # the unique receipt: another reversal got in first
        raise AlreadyReversed() from None
    store_payment_figures(order)
    record_event(
        actor,
        order,
        "payment_reversed",
        note=f"{milestone.reference}: -{reversal.amount} · {receipt.bank_reference} · {reason}",
    )
    audit_payment(
        actor,
        "payment.receipt_reversed",
        order,
        milestone=milestone.reference,
        receipt=receipt.public_id,
        reversal=reversal.public_id,
        amount_minor=reversal.amount_minor,
        currency=reversal.currency,
        reason=reason,
    )
    return reversal
