"""Letters of credit: the buyer gives the terms its bank opened; the seller's finance later
records the bank's payment against the milestone as a receipt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext

from app.extensions import db
from app.models import PaymentMethod, PaymentMilestone
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.orders.lifecycle import record_event
from app.services.payments.milestones import audit_payment, parse_amount, require_payable


@dataclass(frozen=True)
class LetterOfCreditInput:
    number: str | None
    issuing_bank: str | None
    amount: object
    expiry: date | None


def record_letter_of_credit(
    actor: Actor, milestone: PaymentMilestone, data: LetterOfCreditInput
) -> None:
    """The buyer gives the L/C its bank opened; the seller's finance later records the
    bank's payment against it as a receipt. An L/C must cover what remains and not expire
    before the order can ship."""
    order = milestone.order
    require(
        actor.user, Action.PAY, order, lazy_gettext("Only the buyer gives the letter of credit.")
    )
    require_payable(order)
    if milestone.method is not PaymentMethod.LETTER_OF_CREDIT:
        raise ValidationFailed(lazy_gettext("This amount is not paid by letter of credit."))
    number = (data.number or "").strip()
    if not 3 <= len(number) <= 40:
        raise ValidationFailed(lazy_gettext("Give the L/C number."), "lc_number")
    bank = (data.issuing_bank or "").strip()
    if not 2 <= len(bank) <= 200:
        raise ValidationFailed(lazy_gettext("Give the issuing bank."), "lc_issuing_bank")
    amount = parse_amount(data.amount, milestone.currency)
    if amount.to_minor() < milestone.amount_minor - milestone.paid_minor:
        raise ValidationFailed(
            lazy_gettext("The L/C must cover at least %(amount)s.", amount=milestone.remaining),
            "amount",
        )
    if data.expiry is None or data.expiry <= date.today():
        raise ValidationFailed(lazy_gettext("The L/C expiry must be in the future."), "lc_expiry")
    milestone.lc_number = number
    milestone.lc_issuing_bank = bank
    milestone.lc_amount_minor = amount.to_minor()
    milestone.lc_expiry = data.expiry
    db.session.flush()
    record_event(actor, order, "letter_of_credit", note=f"{number} · {bank} · {amount}")
    audit_payment(
        actor, "payment.letter_of_credit", order, milestone=milestone.reference, lc_number=number
    )
