"""Settling an agreed or decided claim, so that it reaches the books.

A refund becomes one credit note against the commercial invoice (or against the proforma
before shipment) and refunds of what was received: by card through the provider, by T/T
recorded by the seller's finance with the bank's reference. The refund never exceeds what
the order's payments still count. A replacement becomes a linked follow-up order at zero
price. The claim moves to settled first, with a conditional UPDATE: of two settlements at
once exactly one goes on, so there is one credit note and one set of refunds.
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Claim,
    ClaimOutcome,
    ClaimRemedy,
    ClaimStatus,
    Document,
    DocumentKind,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PaymentReceipt,
    PaymentRefund,
    PaymentStatus,
    RefundMethod,
)
from app.models.base import utcnow
from app.money import Money
from app.payments.gateway import PaymentGateway
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.claims.filing import after_end
from app.services.claims.states import InvalidClaimMove, move_claim, record_claim_event
from app.services.documents.issuing import credited_minor, issue_credit_note, issue_document
from app.services.errors import ValidationFailed
from app.services.orders.lifecycle import record_event
from app.services.payments.cards import refund_card_payment
from app.services.payments.ledger import lock_payments, store_payment_figures

SETTLEABLE = frozenset({ClaimStatus.AGREED, ClaimStatus.DECIDED})


def refundable_minor(order: Order) -> int:
    """What the order's payments still count: the most a refund can give back."""
    return max(order.paid_minor, 0)


def _invoice(order: Order) -> Document | None:
    """The commercial invoice, else (before shipment) the proforma; the latest of each."""
    for kind in (DocumentKind.COMMERCIAL_INVOICE, DocumentKind.PROFORMA_INVOICE):
        found = db.session.scalar(
            select(Document)
            .where(Document.order_id == order.id, Document.kind == kind)
            .order_by(Document.id.desc())
        )
        if found is not None:
            return found
    return None


def _credit_note(actor: Actor, claim: Claim, amount_minor: int) -> Document | None:
    invoice = _invoice(claim.order)
    if invoice is None:
        return None
    reason = f"Claim {claim.reference}"
    if invoice.kind is DocumentKind.COMMERCIAL_INVOICE:
        remaining = (invoice.total_minor or 0) - credited_minor(invoice)
        return issue_credit_note(actor, invoice, min(amount_minor, remaining), reason)
    require(actor.user, Action.ISSUE_CREDIT_NOTE, invoice)
    credit = {
        "invoice_number": invoice.number,
        "invoice_issued_on": invoice.issued_on.isoformat(),
        "reason": reason,
        "amount_minor": amount_minor,
    }
    note = issue_document(
        actor, claim.order, DocumentKind.CREDIT_NOTE, corrects=invoice, credit=credit
    )
    record_event(actor, claim.order, "documents", note=note.number)
    return note


def _refund(
    actor: Actor,
    claim: Claim,
    amount_minor: int,
    bank_reference: str,
    gateway: PaymentGateway | None,
) -> RefundMethod:
    """Give ``amount_minor`` back across the live receipts, newest first; the method used."""
    order = claim.order
    lock_payments(order)
    receipts = sorted(
        (r for m in order.milestones for r in m.receipts if r.kept_minor > 0),
        key=lambda r: r.id,
        reverse=True,
    )
    left = amount_minor
    methods: set[RefundMethod] = set()
    reason = f"Claim {claim.reference}"
    user = actor.user
    assert user is not None
    for receipt in receipts:
        if left <= 0:
            break
        part = min(left, receipt.kept_minor)
        if receipt.method is PaymentMethod.CARD and receipt.external_id:
            if gateway is None:
                raise ValidationFailed(
                    lazy_gettext("Card refunds are not available now; try again later.")
                )
            money = Money.from_minor(part, receipt.currency)
            refund_card_payment(
                actor, receipt, str(money.amount), reason, gateway, credit_note=False
            )
            methods.add(RefundMethod.CARD)
        else:
            if len(bank_reference) < 3:
                raise ValidationFailed(
                    lazy_gettext("Give the bank's reference of the transfer back."),
                    "bank_reference",
                )
            db.session.add(
                PaymentRefund(
                    receipt=receipt,
                    amount_minor=part,
                    currency=receipt.currency,
                    reason=f"{reason} · T/T {bank_reference}",
                    provider_refund_id=f"tt-{claim.public_id}-{receipt.public_id}",
                    created_by_id=user.id,
                )
            )
            methods.add(RefundMethod.TRANSFER)
        left -= part
    db.session.flush()
    store_payment_figures(order)
    record_event(
        actor,
        order,
        "claim_refund",
        note=f"{claim.reference}: {Money.from_minor(amount_minor, claim.currency)}",
    )
    return RefundMethod.CARD if methods == {RefundMethod.CARD} else RefundMethod.TRANSFER


def _follow_up_order(actor: Actor, claim: Claim) -> Order:
    """A replacement: the claimed quantities as a new order at zero price, linked."""
    order = claim.order
    follow_up = Order(
        buyer_id=order.buyer_id,
        seller_id=order.seller_id,
        placed_by_id=order.placed_by_id,
        buyer_po_number=order.buyer_po_number,
        currency=order.currency,
        incoterm=order.incoterm,
        incoterm_place=order.incoterm_place,
        destination_country=order.destination_country,
        destination_port=order.destination_port,
        consignee=order.consignee,
        notify_party=order.notify_party,
        payment_terms=order.payment_terms,
        notes=f"Replacement for claim {claim.reference} on order {order.reference}.",
        status=OrderStatus.ACCEPTED,
        payment_status=PaymentStatus.PAID,  # nothing to pay
        paid_minor=0,
        goods_total_minor=0,
        freight_minor=0,
        insurance_minor=0,
        total_minor=0,
    )
    for number, claim_line in enumerate(claim.lines, start=1):
        line = claim_line.order_line
        follow_up.lines.append(
            OrderLine(
                line_no=number,
                product_id=line.product_id,
                title=line.title,
                hs_code=line.hs_code,
                origin_country=line.origin_country,
                unit=line.unit,
                quantity=claim_line.quantity,
                unit_price_minor=0,
                line_total_minor=0,
                lead_time_days=line.lead_time_days,
                units_per_package=line.units_per_package,
                net_weight_g=line.net_weight_g,
                gross_weight_g=line.gross_weight_g,
                un_number=line.un_number,
                proper_shipping_name=line.proper_shipping_name,
                hazard_class=line.hazard_class,
                packing_group=line.packing_group,
                net_explosive_mass_g=line.net_explosive_mass_g,
            )
        )
    db.session.add(follow_up)
    db.session.flush()
    record_event(actor, follow_up, "placed", to_status=OrderStatus.ACCEPTED, note=follow_up.notes)
    record_event(actor, order, "replacement", note=follow_up.reference)
    return follow_up


def settle(
    actor: Actor,
    claim: Claim,
    *,
    bank_reference: str = "",
    gateway: PaymentGateway | None = None,
) -> Claim:
    """Book an agreed or decided claim: the refund by the seller's finance (``REFUND``),
    the replacement by its sales staff (``ANSWER_CLAIM``)."""
    remedy = claim.remedy
    if claim.status not in SETTLEABLE or remedy is None:
        raise InvalidClaimMove(lazy_gettext("Only an agreed or decided claim is settled."))
    if remedy is ClaimRemedy.REPLACEMENT:
        require(actor.user, Action.ANSWER_CLAIM, claim)
    else:
        require(actor.user, Action.REFUND, claim)
    now = utcnow()
    bank_reference = (bank_reference or "").strip()[:100]
    transfers = [r for r in live_receipts(claim) if r.method is not PaymentMethod.CARD]
    if remedy is ClaimRemedy.REFUND and len(bank_reference) < 3 and transfers:
        raise ValidationFailed(
            lazy_gettext("Give the bank's reference of the transfer back."), "bank_reference"
        )
    # The claim first: a second settlement racing this one stops here, before any money.
    move_claim(actor, claim, ClaimStatus.SETTLED, None, settled_at=now)
    user = actor.user
    assert user is not None
    values: dict[str, object] = {"settled_by_id": user.id}
    if remedy is ClaimRemedy.REPLACEMENT:
        follow_up = _follow_up_order(actor, claim)
        values |= {
            "follow_up_order_id": follow_up.id,
            "refund_method": RefundMethod.NONE,
            "outcome": ClaimOutcome.REPLACED,
        }
    else:
        amount = min(claim.awarded_minor or 0, refundable_minor(claim.order))
        if amount <= 0:
            raise ValidationFailed(lazy_gettext("Nothing was paid that could be refunded."))
        note = _credit_note(actor, claim, amount)
        method = _refund(actor, claim, amount, bank_reference, gateway)
        values |= {
            "credit_note_id": note.id if note is not None else None,
            "refund_method": method,
            "refund_reference": bank_reference or None,
            "outcome": ClaimOutcome.REFUNDED,
        }
        record_claim_event(
            actor,
            claim,
            "refund",
            note=" · ".join(
                part
                for part in (
                    str(Money.from_minor(amount, claim.currency)),
                    note.number if note is not None else "",
                    bank_reference,
                )
                if part
            ),
        )
    for name, value in values.items():
        setattr(claim, name, value)
    db.session.flush()
    record_audit(
        actor,
        "claim.settlement",
        object_type="claim",
        object_id=claim.public_id,
        details={k: (v.value if hasattr(v, "value") else v) for k, v in values.items()},
    )
    after_end(claim)
    return claim


def live_receipts(claim: Claim) -> list[PaymentReceipt]:
    return [r for m in claim.order.milestones for r in m.receipts if r.kept_minor > 0]
