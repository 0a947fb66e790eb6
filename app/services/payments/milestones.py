"""What the buyer owes and when, and recording what came in, exactly once and never lost.

Milestones come from the order's payment terms when the seller accepts (amounts allocated
so they sum exactly to the total); the shipment makes the balance, the L/C and net-30
amounts due. Receipts are recorded by the seller's finance (bank transfers, L/C payments)
or by the card webhook; the order's payment axis is derived from them. Services flush,
never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import IO

from flask_babel import LazyString, lazy_gettext
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import undefer

from app.extensions import db
from app.i18n import format_day, format_money
from app.models import (
    ChargeBearer,
    MilestoneKind,
    MilestoneTrigger,
    Order,
    PaymentMethod,
    PaymentMilestone,
    PaymentProof,
    PaymentReceipt,
    PaymentTerms,
)
from app.money import Money, currency_exponent
from app.numbers import NumberProblem, parse_decimal
from app.services.accounts.capabilities import Action, require
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed
from app.services.files import store_upload
from app.services.orders.lifecycle import InvalidTransition, complete_if_settled, record_event
from app.services.payments.ledger import PAYABLE, lock_payments, next_due_on, settle

# (kind, percent, due when, how) per payment terms; percents sum to 100.
PLANS: dict[
    PaymentTerms, tuple[tuple[MilestoneKind, int, MilestoneTrigger, PaymentMethod], ...]
] = {
    PaymentTerms.ADVANCE: (
        (MilestoneKind.FULL, 100, MilestoneTrigger.ACCEPTANCE, PaymentMethod.BANK_TRANSFER),
    ),
    PaymentTerms.DEPOSIT_BALANCE_BL: (
        (MilestoneKind.DEPOSIT, 30, MilestoneTrigger.ACCEPTANCE, PaymentMethod.BANK_TRANSFER),
        (MilestoneKind.BALANCE, 70, MilestoneTrigger.SHIPMENT, PaymentMethod.BANK_TRANSFER),
    ),
    PaymentTerms.LC_AT_SIGHT: (
        (MilestoneKind.FULL, 100, MilestoneTrigger.SHIPMENT, PaymentMethod.LETTER_OF_CREDIT),
    ),
    PaymentTerms.NET_30: (
        (MilestoneKind.FULL, 100, MilestoneTrigger.INVOICE_NET_30, PaymentMethod.BANK_TRANSFER),
    ),
}
NET_DAYS = 30


def require_payable(order: Order) -> None:
    if order.status not in PAYABLE:
        raise InvalidTransition(lazy_gettext("This order takes no payments now."))


def audit_payment(
    actor: Actor, action: str, order: Order, company_id: int | None = None, **details: object
) -> None:
    """One audit row about an order's payments (the system's rows belong to the seller)."""
    record_audit(
        actor,
        action,
        company_id=company_id,
        object_type="order",
        object_id=order.public_id,
        details=details,
    )


def create_milestones(order: Order, today: date) -> list[PaymentMilestone]:
    """The order's milestones from its terms, on acceptance (the total is final then)."""
    plan = PLANS[order.payment_terms]
    total = Money.from_minor(order.total_minor, order.currency)
    amounts = total.allocate([percent for _, percent, _, _ in plan])
    milestones = [
        PaymentMilestone(
            order=order,
            sequence=n,
            kind=kind,
            method=method,
            percent=percent,
            amount_minor=amount.to_minor(),
            currency=order.currency,
            trigger=trigger,
            due_on=today if trigger is MilestoneTrigger.ACCEPTANCE else None,
        )
        for n, ((kind, percent, trigger, method), amount) in enumerate(
            zip(plan, amounts, strict=True), start=1
        )
    ]
    db.session.add_all(milestones)
    order.next_due_on = next_due_on(order)
    return milestones


def is_overdue(order: Order, today: date) -> bool:
    return any(milestone.is_overdue(today) for milestone in order.milestones)


# The most a receipt, refund or credit may be, in minor units (far above any order).
MAX_MINOR = 10**15


def parse_amount(raw: object, currency: str, field: str = "amount", *, zero: bool = False) -> Money:
    """An amount typed by a person (``app.numbers.parse_decimal``: plain digits, no more
    decimals than the currency has); more than zero unless ``zero``."""
    places = currency_exponent(currency)
    try:
        value = parse_decimal(
            raw if isinstance(raw, str | int | Decimal) else str(raw),
            places=places,
            maximum=Decimal(MAX_MINOR).scaleb(-places),
        )
    except NumberProblem as problem:
        raise ValidationFailed(problem.message, field) from None
    if value == 0 and not zero:
        raise ValidationFailed(lazy_gettext("The amount must be more than zero."), field)
    return Money(value, currency)


@dataclass(frozen=True)
class ReceiptInput:
    """What the bank's credit advice says: the gross the buyer sent (``amount``), the
    charges deducted on the way and who was to bear them, the value date and reference."""

    amount: object
    value_date: date | None
    bank_reference: str | None
    charges: object = "0"
    bearer: object = ChargeBearer.SHA
    # The clerk saw the warning that a receipt with the same details exists, and means it.
    confirm_duplicate: bool = False


class LooksDuplicate(ValidationFailed):
    """A live receipt on the milestone has the same amount, value date and reference: not
    recorded until the clerk confirms the bank really credited it twice."""

    def __init__(self, twin: PaymentReceipt) -> None:
        super().__init__(
            lazy_gettext(
                "A receipt of %(amount)s with value date %(date)s and reference %(reference)s"
                " is already recorded on this payment. Record this one as well only if the"
                " bank credited the amount twice.",
                amount=LazyString(format_money, twin.amount),
                date=LazyString(format_day, twin.value_date),
                reference=twin.bank_reference or "",
            ),
            "confirm_duplicate",
        )
        self.twin = twin


def _bearer(raw: object) -> ChargeBearer:
    try:
        return ChargeBearer(str(raw or "").strip().upper())
    except ValueError:
        raise ValidationFailed(
            lazy_gettext("Choose who bears the bank charges."), "bearer"
        ) from None


def _twin(
    milestone: PaymentMilestone, gross: int, value_date: date, reference: str
) -> PaymentReceipt | None:
    return next(
        (
            receipt
            for receipt in milestone.receipts
            if receipt.reversal is None
            and receipt.amount_minor == gross
            and receipt.value_date == value_date
            and (receipt.bank_reference or "").casefold() == reference.casefold()
        ),
        None,
    )


def record_receipt(actor: Actor, milestone: PaymentMilestone, data: ReceiptInput) -> PaymentReceipt:
    """The seller's finance records money the bank received against ``milestone``.

    Partial receipts add up; more than due pays the next open milestones and then stays on
    the order as the buyer's credit; the order completes if it was delivered and is now
    paid. A receipt that repeats a live one (same amount, value date and reference) waits
    for the clerk's confirmation (``LooksDuplicate``).
    """
    order = milestone.order
    user = require(
        actor.user,
        Action.RECORD_RECEIPT,
        order,
        lazy_gettext("Only the seller's finance staff record receipts."),
    )
    require_payable(order)
    amount = parse_amount(data.amount, milestone.currency)
    charges = parse_amount(data.charges or "0", milestone.currency, "charges", zero=True)
    if charges.to_minor() >= amount.to_minor():
        raise ValidationFailed(
            lazy_gettext("The charges must be less than the amount sent."), "charges"
        )
    bearer = _bearer(data.bearer)
    if data.value_date is None:
        raise ValidationFailed(lazy_gettext("Give the value date."), "value_date")
    # The seller's bank credits on the seller's day (Karachi is a day ahead of UTC from
    # 19:00 UTC): the form offers that day, and it is not in the future.
    if data.value_date > company_today(order.seller):
        raise ValidationFailed(lazy_gettext("The value date is in the future."), "value_date")
    reference = (data.bank_reference or "").strip()
    if not 2 <= len(reference) <= 100:
        raise ValidationFailed(lazy_gettext("Give the bank's reference."), "bank_reference")
    # Under the order's lock: a twin recorded a moment ago by someone else is seen.
    lock_payments(order)
    twin = _twin(milestone, amount.to_minor(), data.value_date, reference)
    if twin is not None and not data.confirm_duplicate:
        raise LooksDuplicate(twin)
    receipt = PaymentReceipt(
        milestone=milestone,
        method=PaymentMethod.LETTER_OF_CREDIT
        if milestone.method is PaymentMethod.LETTER_OF_CREDIT
        else PaymentMethod.BANK_TRANSFER,
        amount_minor=amount.to_minor(),
        charges_minor=charges.to_minor(),
        charges_bearer=bearer,
        currency=milestone.currency,
        value_date=data.value_date,
        bank_reference=reference,
        recorded_by_id=user.id,
    )
    db.session.add(receipt)
    db.session.flush()
    settle(order)
    note = f"{milestone.reference}: {amount} · {reference}"
    if charges.to_minor():
        note += f" · {charges} ({bearer.value}), {receipt.net}"
    if twin is not None:
        note += f" · {twin.bank_reference} ×2"
    record_event(actor, order, "payment", note=note)
    audit_payment(
        actor,
        "payment.receipt_recorded",
        order,
        milestone=milestone.reference,
        receipt=receipt.public_id,
        amount_minor=receipt.amount_minor,
        charges_minor=receipt.charges_minor,
        net_minor=receipt.net_minor,
        charges_bearer=bearer.value,
        counted_minor=receipt.counted_minor,
        currency=receipt.currency,
        bank_reference=reference,
        confirmed_duplicate=twin is not None,
    )
    complete_if_settled(order)
    return receipt


def upload_proof(
    actor: Actor, milestone: PaymentMilestone, upload: bytes | IO[bytes]
) -> PaymentProof:
    """The buyer's bank slip for a transfer: a readable PDF kept as is, or a photo re-made."""
    order = milestone.order
    user = require(
        actor.user, Action.PAY, order, lazy_gettext("Only the buyer uploads proofs of transfer.")
    )
    require_payable(order)
    # Kept in the file storage every web machine reads (no longer in the row itself).
    stored = store_upload(user, upload, filename=None, purpose="payment_proof", field="proof")
    proof = PaymentProof(
        milestone=milestone,
        uploaded_by_id=user.id,
        content_type=stored.content_type,
        byte_size=stored.byte_size,
        sha256=stored.sha256,
        stored_file=stored,
    )
    db.session.add(proof)
    db.session.flush()
    record_event(actor, order, "payment_proof", note=milestone.reference)
    audit_payment(
        actor, "payment.proof_uploaded", order, milestone=milestone.reference, sha256=proof.sha256
    )
    return proof


def _party(company_id: int) -> ColumnElement[bool]:
    return or_(Order.buyer_id == company_id, Order.seller_id == company_id)


def visible_milestone(company_id: int, public_id: str) -> PaymentMilestone | None:
    """A milestone of an order the company is party to (else None: the caller answers 404)."""
    milestone: PaymentMilestone | None = db.session.scalar(
        select(PaymentMilestone)
        .join(Order, Order.id == PaymentMilestone.order_id)
        .where(PaymentMilestone.public_id == public_id, _party(company_id))
    )
    return milestone


def visible_proof(company_id: int, public_id: str) -> PaymentProof | None:
    """A transfer proof of an order the company is party to, with its bytes."""
    proof: PaymentProof | None = db.session.scalar(
        select(PaymentProof)
        .join(PaymentMilestone, PaymentMilestone.id == PaymentProof.milestone_id)
        .join(Order, Order.id == PaymentMilestone.order_id)
        .where(PaymentProof.public_id == public_id, _party(company_id))
        .options(undefer(PaymentProof.content))
    )
    return proof


def visible_receipt(company_id: int, public_id: str) -> PaymentReceipt | None:
    """A receipt of an order the company is party to."""
    receipt: PaymentReceipt | None = db.session.scalar(
        select(PaymentReceipt)
        .join(PaymentMilestone, PaymentMilestone.id == PaymentReceipt.milestone_id)
        .join(Order, Order.id == PaymentMilestone.order_id)
        .where(PaymentReceipt.public_id == public_id, _party(company_id))
    )
    return receipt
