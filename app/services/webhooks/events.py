"""Writing events to the outbox in the transaction that makes the change.

``emit`` adds one ``WebhookEvent`` per company that has an enabled endpoint subscribed to
the kind, and one pending ``WebhookDelivery`` per such endpoint, then names the delivery job
(``app.services.jobs``): it starts only after the commit, so a rolled-back change sends
nothing. Companies without endpoints get no rows at all.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Claim,
    ClaimStatus,
    Document,
    Licence,
    Message,
    MessageThread,
    Order,
    OrderStatus,
    PaymentMilestone,
    QuoteRevision,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from app.models.base import utcnow
from app.money import Money
from app.services.webhooks.catalogue import EVENT_KINDS
from app.services.webhooks.delivery import queue_delivery

# Order timeline moves that are webhook events; other statuses (in production) are not.
_STATUS_EVENTS: dict[OrderStatus, str] = {
    OrderStatus.ACCEPTED: "order.accepted",
    OrderStatus.REJECTED: "order.declined",
    OrderStatus.SHIPPED: "order.shipped",
    OrderStatus.DELIVERED: "order.delivered",
    OrderStatus.COMPLETED: "order.completed",
    OrderStatus.CANCELLED: "order.cancelled",
}
# Timeline entries of other kinds that are webhook events.
_TIMELINE_EVENTS: dict[str, str] = {
    "placed": "order.placed",
    "awarded": "order.placed",
    "payment": "payment.received",
    "refund": "payment.refunded",
    "payment_reminder": "milestone.overdue",
}


# Every state a claim can reach is a webhook event: a partner's ERP books an agreement, a
# withdrawal or a lapse as it books a decision. This table is the one place: filing and
# ``move_claim`` reach ``on_claim_moved`` through ``record_claim_event``, in the move's
# transaction.
_CLAIM_EVENTS: dict[ClaimStatus, str] = {
    ClaimStatus.OPEN: "claim.opened",
    ClaimStatus.RESPONDED: "claim.responded",
    ClaimStatus.AGREED: "claim.agreed",
    ClaimStatus.ESCALATED: "claim.escalated",
    ClaimStatus.DECIDED: "claim.decided",
    ClaimStatus.SETTLED: "claim.settled",
    ClaimStatus.WITHDRAWN: "claim.withdrawn",
    ClaimStatus.LAPSED: "claim.lapsed",
}


def new_event_id() -> str:
    return f"evt_{secrets.token_hex(12)}"


def emit(company_ids: Iterable[int], kind: str, data: dict[str, Any]) -> list[WebhookEvent]:
    """Queue ``kind`` with ``data`` for each subscribed, enabled endpoint of the companies."""
    assert kind in EVENT_KINDS, kind
    wanted = sorted(set(company_ids))
    endpoints = db.session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.company_id.in_(wanted), WebhookEndpoint.enabled.is_(True))
        .order_by(WebhookEndpoint.id)
    ).all()
    written: list[WebhookEvent] = []
    now = utcnow()
    for company_id in wanted:
        mine = [e for e in endpoints if e.company_id == company_id and kind in e.events]
        if not mine:
            continue
        event_id = new_event_id()
        body = json.dumps(
            {
                "id": event_id,
                "object": "event",
                "type": kind,
                "created": int(now.timestamp()),
                "data": {"object": data},
            },
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        )
        event = WebhookEvent(
            event_id=event_id, company_id=company_id, kind=kind, body=body, created_at=now
        )
        db.session.add(event)
        for endpoint in mine:
            delivery = WebhookDelivery(event=event, endpoint=endpoint, next_attempt_at=now)
            db.session.add(delivery)
            db.session.flush()
            queue_delivery(delivery)
        written.append(event)
    return written


def order_data(order: Order) -> dict[str, Any]:
    return {
        "object": "order",
        "id": order.public_id,
        "reference": order.reference,
        "status": order.status.value,
        "payment_status": order.payment_status.value,
        "buyer": order.buyer.public_id,
        "seller": order.seller.public_id,
    }


def on_order_timeline(
    order: Order, kind: str, to_status: OrderStatus | None, note: str | None
) -> None:
    """The timeline entry just written, as a webhook event for both parties if it is one."""
    if kind == "status":
        name = _STATUS_EVENTS.get(to_status) if to_status else None
    else:
        name = _TIMELINE_EVENTS.get(kind)
    if name is None:
        return
    if order.id is None:
        db.session.flush()
    data = order_data(order)
    if note and not name.startswith("order."):
        data["note"] = note
    emit((order.buyer_id, order.seller_id), name, data)


def on_document_issued(document: Document) -> None:
    """An issued document, for its issuer and its recipient."""
    emit(
        (document.issuer_id, document.recipient_id),
        "document.issued",
        {
            "object": "document",
            "id": document.public_id,
            "number": document.number,
            "kind": document.kind.value,
            "order": document.order.public_id,
        },
    )


def on_quote_received(revision: QuoteRevision) -> None:
    """A seller's quote (or revised quote), for the buyer who asked."""
    emit(
        (revision.buyer_id,),
        "quote.received",
        {
            "object": "quote",
            "id": revision.public_id,
            "rfq": revision.rfq.public_id,
            "revision": revision.revision_no,
            "currency": revision.currency,
            "total_minor": revision.total_minor,
        },
    )


def on_message_received(message: Message, thread: MessageThread) -> None:
    """A message, for the party of the thread that did not write it."""
    parties = {thread.buyer_id, thread.seller_id} - {message.author_company_id}
    emit(
        parties,
        "message.received",
        {"object": "message", "id": message.public_id, "thread": thread.public_id},
    )


def on_milestone_due(milestone: PaymentMilestone, remaining: Money) -> None:
    """A payment milestone whose due day has begun for the buyer, for both parties."""
    order = milestone.order
    emit(
        (order.buyer_id, order.seller_id),
        "milestone.due",
        {
            "object": "milestone",
            "id": milestone.public_id,
            "order": order.public_id,
            "sequence": milestone.sequence,
            "reference": milestone.reference,
            "due_on": milestone.due_on.isoformat() if milestone.due_on else None,
            "currency": milestone.currency,
            "amount": str(milestone.amount.amount),
            "remaining": str(remaining.amount),
        },
    )


def on_claim_moved(claim: Claim, to_status: ClaimStatus) -> None:
    """A claim filed or moved (the claim's timeline entry), for buyer and seller."""
    name = _CLAIM_EVENTS.get(to_status)
    if name is None:
        return
    emit(
        (claim.buyer_id, claim.seller_id),
        name,
        {
            "object": "claim",
            "id": claim.public_id,
            "order": claim.order.public_id,
            "status": to_status.value,
        },
    )


def on_licence_decided(licence: Licence, kind: str) -> None:
    """A licence accepted or rejected by the operator, or revoked by its authority, for
    the company that holds it."""
    emit(
        (licence.holder_id,),
        kind,
        {
            "object": "licence",
            "id": licence.public_id,
            "number": licence.number,
            "review_status": licence.review_status.value,
            "revoked": licence.revoked_at is not None,
        },
    )
