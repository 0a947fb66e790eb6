"""What the buyer owes and when, and recording what came in, exactly once and never lost.

Milestones come from the order's payment terms when the seller accepts (amounts allocated
so they sum exactly to the total); the shipment makes the balance, the L/C and net-30
amounts due. Receipts are recorded by the seller's finance (bank transfers, L/C payments)
or by the card webhook; the order's payment axis is derived from them. Services flush,
never commit.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import IO

from flask_babel import lazy_gettext
from pypdf import PdfReader
from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import selectinload, undefer

from app.extensions import db
from app.models import (
    MilestoneKind,
    MilestoneTrigger,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentMilestone,
    PaymentProof,
    PaymentReceipt,
    PaymentStatus,
    PaymentTerms,
)
from app.models.base import utcnow
from app.money import Money
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed
from app.services.listings.images import MAX_UPLOAD_BYTES, clean_picture
from app.services.orders.lifecycle import InvalidTransition, complete_if_settled, record_event

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

# Orders that can take money: accepted and not cancelled or rejected.
PAYABLE = frozenset(
    {OrderStatus.ACCEPTED, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.DELIVERED}
)
PDF_TYPE = "application/pdf"
PICTURE_TYPE = "image/webp"


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


def on_shipment(order: Order, shipped_on: date) -> None:
    """The B/L exists and the commercial invoice is issued: the rest falls due."""
    for milestone in order.milestones:
        if milestone.trigger is MilestoneTrigger.SHIPMENT:
            milestone.due_on = shipped_on
        elif milestone.trigger is MilestoneTrigger.INVOICE_NET_30:
            milestone.due_on = shipped_on + timedelta(days=NET_DAYS)
    order.next_due_on = next_due_on(order)


def payment_status(order: Order) -> PaymentStatus:
    milestones = order.milestones
    receipts = [receipt for milestone in milestones for receipt in milestone.receipts]
    if milestones and all(milestone.is_paid for milestone in milestones):
        return PaymentStatus.PAID
    if receipts and all(receipt.refunded_minor >= receipt.amount_minor for receipt in receipts):
        return PaymentStatus.REFUNDED
    if receipts:
        return PaymentStatus.PARTLY_PAID
    return PaymentStatus.UNPAID


def paid_minor(order: Order) -> int:
    return sum(milestone.paid_minor for milestone in order.milestones)


def next_due_on(order: Order) -> date | None:
    """The earliest due date of a milestone not yet paid: what the order ages from."""
    due = [m.due_on for m in order.milestones if m.due_on is not None and not m.is_paid]
    return min(due, default=None)


def _lock_and_reload(order: Order) -> None:
    """Lock the order row, then read its milestones, receipts and refunds afresh.

    Two payments on one order at once (a transfer recorded while a card webhook lands) each
    add their own receipt; whoever locks second must count the other's too, or its totals
    overwrite them. The lock makes the second wait, and the reload shows it what the first
    committed. (SQLite serialises writers anyway; the reload is then merely fresh.)
    """
    db.session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    db.session.scalars(
        select(PaymentMilestone)
        .where(PaymentMilestone.order_id == order.id)
        .options(selectinload(PaymentMilestone.receipts).selectinload(PaymentReceipt.refunds))
        .execution_options(populate_existing=True)
    ).all()
    db.session.expire(order, ["milestones"])


def store_payment_figures(order: Order) -> None:
    """Refresh what the order keeps of its milestones (status, paid, next due)."""
    _lock_and_reload(order)
    order.payment_status = payment_status(order)
    order.paid_minor = paid_minor(order)
    order.next_due_on = next_due_on(order)
    db.session.flush()  # written under the lock just taken, as settle's UPDATE is


def is_overdue(order: Order, today: date) -> bool:
    return any(milestone.is_overdue(today) for milestone in order.milestones)


def settle(order: Order) -> None:
    """Store the derived payment axis, unless the order was cancelled or rejected meanwhile.

    The conditional UPDATE meets a racing cancellation on the order row: whichever commits
    first wins, and the other is refused (``transition`` checks the payment state too).
    """
    _lock_and_reload(order)
    status = payment_status(order)
    result = db.session.execute(
        update(Order)
        .where(Order.id == order.id, Order.status.in_(PAYABLE))
        .values(
            payment_status=status,
            paid_minor=paid_minor(order),
            next_due_on=next_due_on(order),
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(order)
        raise InvalidTransition(lazy_gettext("This order takes no payments now."))
    db.session.refresh(order, ["payment_status", "paid_minor", "next_due_on", "updated_at"])


def parse_amount(raw: object, currency: str) -> Money:
    """A positive amount typed by a person, with no more decimals than the currency has."""
    try:
        amount = Money(Decimal(str(raw).strip().replace(",", "")), currency)
        exact = amount.rounded() == amount
        minor = amount.to_minor()
    except (ArithmeticError, ValueError):
        raise ValidationFailed(lazy_gettext("Give the amount as a number."), "amount") from None
    if amount.amount <= 0:
        raise ValidationFailed(lazy_gettext("The amount must be more than zero."), "amount")
    if not exact:
        raise ValidationFailed(lazy_gettext("Too many decimals for this currency."), "amount")
    if minor > 10**15:
        raise ValidationFailed(lazy_gettext("This amount is too large."), "amount")
    return amount


@dataclass(frozen=True)
class ReceiptInput:
    amount: object
    value_date: date | None
    bank_reference: str | None


def record_receipt(actor: Actor, milestone: PaymentMilestone, data: ReceiptInput) -> PaymentReceipt:
    """The seller's finance records money the bank received against ``milestone``.

    Partial receipts add up; more than due is kept and flagged to both parties, never
    absorbed; the order completes if it was delivered and is now paid.
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
    if data.value_date is None:
        raise ValidationFailed(lazy_gettext("Give the value date."), "value_date")
    if data.value_date > date.today():
        raise ValidationFailed(lazy_gettext("The value date is in the future."), "value_date")
    reference = (data.bank_reference or "").strip()
    if not 2 <= len(reference) <= 100:
        raise ValidationFailed(lazy_gettext("Give the bank's reference."), "bank_reference")
    receipt = PaymentReceipt(
        milestone=milestone,
        method=PaymentMethod.LETTER_OF_CREDIT
        if milestone.method is PaymentMethod.LETTER_OF_CREDIT
        else PaymentMethod.BANK_TRANSFER,
        amount_minor=amount.to_minor(),
        currency=milestone.currency,
        value_date=data.value_date,
        bank_reference=reference,
        recorded_by_id=user.id,
    )
    db.session.add(receipt)
    db.session.flush()
    settle(order)
    record_event(actor, order, "payment", note=f"{milestone.reference}: {amount} · {reference}")
    audit_payment(
        actor,
        "payment.receipt_recorded",
        order,
        milestone=milestone.reference,
        amount_minor=receipt.amount_minor,
        currency=receipt.currency,
        bank_reference=reference,
    )
    complete_if_settled(order)
    return receipt


def _proof_content(upload: bytes | IO[bytes]) -> tuple[bytes, str]:
    data = upload if isinstance(upload, bytes) else upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(lazy_gettext("The file is larger than 5 MB."), "proof")
    if data.startswith(b"%PDF-"):
        try:
            reader = PdfReader(io.BytesIO(data), strict=True)
            if reader.is_encrypted or not 1 <= len(reader.pages) <= 20:
                raise ValueError("encrypted or too many pages")
        except Exception:  # a damaged or hostile PDF fails in many ways; all mean "refused"
            raise ValidationFailed(
                lazy_gettext("This PDF cannot be read. Upload the bank's PDF or a photo."), "proof"
            ) from None
        return data, PDF_TYPE
    try:
        return clean_picture(data), PICTURE_TYPE
    except ValidationFailed as refused:
        raise ValidationFailed(str(refused), "proof") from None


def upload_proof(
    actor: Actor, milestone: PaymentMilestone, upload: bytes | IO[bytes]
) -> PaymentProof:
    """The buyer's bank slip for a transfer: a readable PDF kept as is, or a photo re-made."""
    order = milestone.order
    user = require(
        actor.user, Action.PAY, order, lazy_gettext("Only the buyer uploads proofs of transfer.")
    )
    require_payable(order)
    content, content_type = _proof_content(upload)
    proof = PaymentProof(
        milestone=milestone,
        uploaded_by_id=user.id,
        content_type=content_type,
        byte_size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
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
