"""The order lifecycle: one table of allowed moves and the one function that makes them.

``transition`` is the only code that changes ``Order.status``. It checks the move against
``TRANSITIONS`` and the actor against ``MOVERS``, changes the row with a conditional
UPDATE (so of two people racing, exactly one wins and the other is told why), and writes
the ``OrderEvent`` both parties see on the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import LazyString, lazy_gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import User
from app.models.base import utcnow
from app.models.claim import LIVE_CLAIM_STATUSES, Claim, ClaimWindow
from app.models.document import Document, DocumentKind
from app.models.order import Order, OrderEvent, OrderStatus, PaymentStatus
from app.services.accounts.capabilities import Action, Side, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import DomainError, NotAllowed
from app.services.orders.notifications import notify_counterparty
from app.services.webhooks import events as webhook_events

S = OrderStatus

TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    S.PLACED: frozenset({S.ACCEPTED, S.REJECTED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.IN_PRODUCTION, S.CANCELLED}),
    S.IN_PRODUCTION: frozenset({S.SHIPPED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.COMPLETED}),
    S.REJECTED: frozenset(),
    S.CANCELLED: frozenset(),
    S.COMPLETED: frozenset(),
}

# Which capability makes a move for each side (the table in ``accounts.capabilities``).
ACTS_FOR: dict[Side, Action] = {Side.SELLER: Action.ACT_AS_SELLER, Side.BUYER: Action.ACT_AS_BUYER}


# Who makes each move: the seller's owner and sales staff accept, reject, produce and ship;
# the buyer's owner and purchasers cancel and confirm delivery.
MOVERS: dict[OrderStatus, Side] = {
    S.ACCEPTED: Side.SELLER,
    S.REJECTED: Side.SELLER,
    S.IN_PRODUCTION: Side.SELLER,
    S.SHIPPED: Side.SELLER,
    S.CANCELLED: Side.BUYER,
    S.DELIVERED: Side.BUYER,
    S.COMPLETED: Side.SYSTEM,
}

STATUS_LABELS: dict[OrderStatus, LazyString] = {
    S.PLACED: lazy_gettext("Placed"),
    S.ACCEPTED: lazy_gettext("Accepted"),
    S.REJECTED: lazy_gettext("Rejected"),
    S.IN_PRODUCTION: lazy_gettext("In production"),
    S.SHIPPED: lazy_gettext("Shipped"),
    S.DELIVERED: lazy_gettext("Delivered"),
    S.COMPLETED: lazy_gettext("Completed"),
    S.CANCELLED: lazy_gettext("Cancelled"),
}


class InvalidTransition(DomainError):
    """The order cannot move that way now."""


@dataclass(frozen=True)
class Move:
    order: Order
    from_status: OrderStatus
    to_status: OrderStatus


def may_move(user: User | None, order: Order, to: OrderStatus) -> bool:
    """Whether ``user`` may make this move on ``order`` in its current state."""
    try:
        _check(Actor(user), order, to)
    except DomainError:
        return False
    return True


def check_move(actor: Actor, order: Order, to: OrderStatus) -> None:
    """Raise what ``transition`` would refuse, without moving (a lot of a partly shipped
    order is a shipping move that leaves the order where it is)."""
    _check(actor, order, to)


def _check(actor: Actor, order: Order, to: OrderStatus, mover: Side | None = None) -> None:
    if to not in TRANSITIONS[order.status]:
        raise InvalidTransition(
            lazy_gettext(
                "An order that is %(current)s cannot become %(target)s.",
                current=STATUS_LABELS[order.status],
                target=STATUS_LABELS[to],
            )
        )
    mover = mover or MOVERS[to]
    if mover == Side.SYSTEM:
        if actor.user is not None:
            raise NotAllowed(
                lazy_gettext(
                    "An order completes by itself once delivered, paid and past its claims window."
                )
            )
    else:
        require(actor.user, ACTS_FOR[mover], order)
    if (
        to is S.CANCELLED
        and order.status is S.ACCEPTED
        and order.payment_status is not PaymentStatus.UNPAID
    ):
        raise InvalidTransition(
            lazy_gettext("A payment was made: ask the seller to settle it before cancelling.")
        )
    if to is S.COMPLETED and not paid_in_full(order):
        raise InvalidTransition(lazy_gettext("The order completes once it is fully paid."))


def paid_in_full(order: Order) -> bool:
    """Paid, or paid all that its credit notes left owing (a claim refunded part of it:
    the milestones then read partly paid, but nothing is owed)."""
    if order.payment_status is PaymentStatus.PAID:
        return True
    credited = int(
        db.session.scalar(
            select(func.coalesce(func.sum(Document.total_minor), 0)).where(
                Document.order_id == order.id, Document.kind == DocumentKind.CREDIT_NOTE
            )
        )
        or 0
    )
    return credited > 0 and order.paid_minor >= order.total_minor - credited


def expect_status(order: Order, seen: str | None) -> None:
    """Refuse to act on an order that changed since the person looked at it.

    Forms carry the status the page showed; if it is no longer the order's status, someone
    else acted first (the seller accepted while the buyer pressed cancel), and the person
    is asked to look again rather than have their click apply to a different order state.
    """
    if seen and seen != order.status.value:
        raise InvalidTransition(
            lazy_gettext(
                "Someone changed this order a moment ago: it is now %(current)s.",
                current=STATUS_LABELS[order.status],
            )
        )


def record_event(
    actor: Actor,
    order: Order,
    kind: str,
    *,
    from_status: OrderStatus | None = None,
    to_status: OrderStatus | None = None,
    note: str | None = None,
) -> OrderEvent:
    """Append a timeline entry to ``order`` (placed, status changes, shipment, payments)."""
    user = actor.user
    event = OrderEvent(
        order=order,
        occurred_at=utcnow(),
        actor_id=user.id if user else None,
        actor_name=user.full_name if user else None,
        actor_company_id=user.company_id if user else None,
        kind=kind,
        from_status=from_status.value if from_status else None,
        to_status=to_status.value if to_status else None,
        note=(note or "").strip() or None,
    )
    db.session.add(event)
    if kind in _AUDITED_KINDS:
        _audit_order_event(actor, order, kind, from_status, to_status)
    # The one place order, payment and reminder moves become webhook events (the outbox).
    webhook_events.on_order_timeline(order, kind, to_status, note)
    return event


# Timeline entries that are also the operator's audit trail: the order's creation and each
# status move (payments, documents and shipments have audit rows of their own).
_AUDITED_KINDS = frozenset({"placed", "awarded", "status"})


def _audit_order_event(
    actor: Actor,
    order: Order,
    kind: str,
    from_status: OrderStatus | None,
    to_status: OrderStatus | None,
) -> None:
    if order.id is None:
        db.session.flush()  # a new order gets its id (its reference) on its first flush
    user = actor.user
    record_audit(
        actor,
        f"order.{to_status.value}" if kind == "status" and to_status else f"order.{kind}",
        company_id=user.company_id if user and user.company_id else order.seller_id,
        object_type="order",
        object_id=order.public_id,
        details={
            "reference": order.reference,
            **({"from": from_status.value} if from_status else {}),
            **({"to": to_status.value} if to_status else {}),
        },
    )


def transition(
    actor: Actor,
    order: Order,
    to: OrderStatus,
    note: str | None = None,
    *,
    mover: Side | None = None,
) -> Move:
    """Move ``order`` to ``to`` if the table, the actor and the order's state allow it.

    ``mover`` names the side that makes the move where a service has its own rule for it
    (the seller cancels after the buyer declined its change: ``fulfilment.proposals``);
    otherwise ``MOVERS`` says.

    The UPDATE names the status and payment state it checked; if someone else moved the
    order or recorded a payment first, no row changes and the loser gets
    ``InvalidTransition`` saying what the order is now.
    """
    _check(actor, order, to, mover)
    current = order.status
    result = db.session.execute(
        update(Order)
        .where(
            Order.id == order.id,
            Order.status == current,
            Order.payment_status == order.payment_status,
        )
        .values(status=to, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        db.session.refresh(order)
        raise InvalidTransition(
            lazy_gettext(
                "Someone changed this order a moment ago: it is now %(current)s.",
                current=STATUS_LABELS[order.status],
            )
        )
    # The row is already changed: tell the session without making it write again.
    set_committed_value(order, "status", to)
    record_event(actor, order, "status", from_status=current, to_status=to, note=note)
    return Move(order, current, to)


def claims_allow_completion(order: Order, now: datetime | None = None) -> bool:
    """Whether the order's claims window has closed (at ``now``) with no claim running.

    An order delivered before claims existed has no window: nothing holds it back.
    """
    window = db.session.scalar(select(ClaimWindow).where(ClaimWindow.order_id == order.id))
    if window is None:
        return True
    if window.closed_at is None and window.closes_at > (now or utcnow()):
        return False
    running = db.session.scalar(
        select(func.count())
        .select_from(Claim)
        .where(Claim.order_id == order.id, Claim.status.in_(LIVE_CLAIM_STATUSES))
    )
    return not running


def complete_if_settled(order: Order, now: datetime | None = None) -> bool:
    """Delivered, fully paid, and its claims window closed with no claim running: the order
    completes (called after delivery, payments, the window's close and a claim's end)."""
    if order.status is not OrderStatus.DELIVERED or not paid_in_full(order):
        return False
    if not claims_allow_completion(order, now):
        return False
    system = Actor(None)
    transition(system, order, OrderStatus.COMPLETED)
    notify_counterparty(system, order, "completed")
    return True
