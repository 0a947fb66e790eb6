"""What waits for a company on its orders: the counts its home pages show and the filters
its order lists apply behind each count, one SQL condition serving both."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from sqlalchemy import ColumnElement, and_, exists, func, not_, select

from app.extensions import db
from app.models import (
    AuditEvent,
    Document,
    DocumentStatus,
    Order,
    OrderStatus,
    PaymentMilestone,
    PaymentProof,
    PaymentReceipt,
    PaymentStatus,
)
from app.services.accounts.capabilities import Side


class WaitingFor(enum.StrEnum):
    """A list filter (``?waiting=...``) and a count on a home page."""

    ACCEPT = "accept"  # seller: orders placed and not yet accepted or rejected
    PAYMENT = "payment"  # buyer: accepted orders not fully paid
    DOCUMENTS = "documents"  # buyer: issued documents nobody in the company downloaded yet
    RECEIPT = "receipt"  # seller's finance: a proof of transfer with no receipt recorded since
    PRODUCE = "produce"  # seller: accepted orders whose production has not started
    SHIP = "ship"  # seller: orders in production whose shipment is not recorded yet
    DELIVERY = "delivery"  # buyer: shipped orders whose delivery is not confirmed yet


# Which side of an order each kind concerns.
SIDE_OF = {
    WaitingFor.ACCEPT: Side.SELLER,
    WaitingFor.PAYMENT: Side.BUYER,
    WaitingFor.DOCUMENTS: Side.BUYER,
    WaitingFor.RECEIPT: Side.SELLER,
    WaitingFor.PRODUCE: Side.SELLER,
    WaitingFor.SHIP: Side.SELLER,
    WaitingFor.DELIVERY: Side.BUYER,
}

# The kinds that are simply "the order stands at this status": the next move is this side's.
_AT_STATUS = {
    WaitingFor.ACCEPT: OrderStatus.PLACED,
    WaitingFor.PRODUCE: OrderStatus.ACCEPTED,
    WaitingFor.SHIP: OrderStatus.IN_PRODUCTION,
    WaitingFor.DELIVERY: OrderStatus.SHIPPED,
}

# Once accepted the order has its payment schedule; cancelled and rejected orders owe nothing.
_OWES_PAYMENT = (
    OrderStatus.ACCEPTED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)


def waiting_condition(kind: WaitingFor, company_id: int) -> ColumnElement[bool]:
    """The orders of ``company_id`` (on the kind's side) where ``kind`` waits."""
    if kind in _AT_STATUS:
        return Order.status == _AT_STATUS[kind]
    if kind is WaitingFor.PAYMENT:
        return and_(
            Order.status.in_(_OWES_PAYMENT),
            Order.payment_status.in_((PaymentStatus.UNPAID, PaymentStatus.PARTLY_PAID)),
        )
    if kind is WaitingFor.DOCUMENTS:
        downloaded = exists().where(
            AuditEvent.company_id == company_id,
            AuditEvent.action == "document.downloaded",
            AuditEvent.object_type == "document",
            AuditEvent.object_id == Document.public_id,
        )
        return exists().where(
            Document.order_id == Order.id,
            Document.recipient_id == company_id,
            Document.status == DocumentStatus.ISSUED,
            not_(downloaded),
        )
    # A receipt recorded at or after the proof answers it; an older one does not.
    answered = exists().where(
        PaymentReceipt.milestone_id == PaymentMilestone.id,
        PaymentReceipt.recorded_at >= PaymentProof.uploaded_at,
    )
    return and_(
        Order.payment_status.in_((PaymentStatus.UNPAID, PaymentStatus.PARTLY_PAID)),
        exists().where(
            PaymentMilestone.order_id == Order.id,
            PaymentProof.milestone_id == PaymentMilestone.id,
            not_(answered),
        ),
    )


def waiting_counts(company_id: int, kinds: Iterable[WaitingFor]) -> dict[WaitingFor, int]:
    """How many of the company's orders each kind waits on (one query per kind)."""
    counts: dict[WaitingFor, int] = {}
    for kind in kinds:
        party = Order.buyer_id if SIDE_OF[kind] == Side.BUYER else Order.seller_id
        counts[kind] = (
            db.session.scalar(
                select(func.count(Order.id)).where(
                    party == company_id, waiting_condition(kind, company_id)
                )
            )
            or 0
        )
    return counts
