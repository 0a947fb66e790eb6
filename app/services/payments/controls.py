"""Payment controls: production and shipment wait for the money due on acceptance.

On deposit terms (30 % deposit, 70 % against the B/L copy) the deposit, and on advance
terms the advance, is due when the seller accepts; until it is paid the seller's next move
(into production, then the shipment) is held back. The seller's owner or finance may
release one move with a reason: the release is kept, audited and put on the timeline both
parties see. L/C and net-30 terms hold nothing back (their money is due at or after
shipment). Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString, format_percent, lazy_gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.i18n import format_money
from app.models import (
    MilestoneKind,
    MilestoneTrigger,
    Order,
    OrderStatus,
    PaymentMilestone,
    PaymentRelease,
)
from app.money import Money
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import Conflict, ValidationFailed
from app.services.orders.lifecycle import InvalidTransition, record_event

# The seller's moves that wait for the money due on acceptance, by the status they leave.
GATED_MOVES: dict[OrderStatus, OrderStatus] = {
    OrderStatus.ACCEPTED: OrderStatus.IN_PRODUCTION,
    OrderStatus.IN_PRODUCTION: OrderStatus.SHIPPED,
}
# A milestone with this trigger is due before the goods are made: it gates the moves above.
GATING_TRIGGER = MilestoneTrigger.ACCEPTANCE
MIN_REASON = 5
MAX_REASON = 2000


class PaymentHeld(Conflict):
    """The move waits for a payment that is not in yet (and was not released)."""


# --- reading the paid state (one place, whatever the payments model becomes) -------------


def milestone_is_paid(milestone: PaymentMilestone) -> bool:
    """Whether what ``milestone`` asks for has come in (and was kept)."""
    return bool(milestone.is_paid)


def milestone_remaining(milestone: PaymentMilestone) -> Money:
    """What is still to pay on ``milestone``."""
    remaining: Money = milestone.remaining
    return remaining


# --- holds ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hold:
    """``move`` waits for ``milestone``; ``message`` says so in the reader's language."""

    milestone: PaymentMilestone
    move: OrderStatus

    @property
    def message(self) -> LazyString:
        return _missing(self.milestone)


def _lazy_money(money: Money) -> LazyString:
    return LazyString(format_money, money)


def _missing(milestone: PaymentMilestone) -> LazyString:
    """What is missing, by kind: the 30 % deposit ($150.00) is not paid yet..."""
    amount = _lazy_money(milestone.amount)
    remaining = milestone_remaining(milestone)
    part_paid = remaining.to_minor() < milestone.amount_minor
    if milestone.kind is MilestoneKind.DEPOSIT:
        share = LazyString(format_percent, milestone.percent / 100)
        if part_paid:
            return lazy_gettext(
                "%(remaining)s of the %(share)s deposit (%(amount)s) is not paid yet. Record its"
                " receipt, or release the goods with a reason.",
                remaining=_lazy_money(remaining),
                share=share,
                amount=amount,
            )
        return lazy_gettext(
            "The %(share)s deposit (%(amount)s) is not paid yet. Record its receipt, or release"
            " the goods with a reason.",
            share=share,
            amount=amount,
        )
    if part_paid:
        return lazy_gettext(
            "%(remaining)s of the advance payment (%(amount)s) is not paid yet. Record its"
            " receipt, or release the goods with a reason.",
            remaining=_lazy_money(remaining),
            amount=amount,
        )
    return lazy_gettext(
        "The advance payment (%(amount)s) is not paid yet. Record its receipt, or release the"
        " goods with a reason.",
        amount=amount,
    )


def gating_milestones(order: Order) -> list[PaymentMilestone]:
    """The order's milestones due on acceptance (the deposit, the advance)."""
    return [m for m in order.milestones if m.trigger is GATING_TRIGGER]


def releases(order: Order) -> list[PaymentRelease]:
    return list(
        db.session.scalars(
            select(PaymentRelease)
            .where(PaymentRelease.order_id == order.id)
            .order_by(PaymentRelease.id)
        )
    )


def hold_for(order: Order, move: OrderStatus) -> Hold | None:
    """What holds ``move`` back: the first unpaid gating milestone not released for it."""
    if move not in GATED_MOVES.values():
        return None
    waiting = [m for m in gating_milestones(order) if not milestone_is_paid(m)]
    if not waiting:
        return None
    released = {(r.milestone_id, r.move) for r in releases(order)}
    for milestone in waiting:
        if (milestone.id, move) not in released:
            return Hold(milestone, move)
    return None


def current_hold(order: Order) -> Hold | None:
    """What holds back the seller's next move on ``order`` now (None: nothing)."""
    move = GATED_MOVES.get(order.status)
    return hold_for(order, move) if move is not None else None


def require_paid_or_released(order: Order, move: OrderStatus) -> None:
    """Refuse ``move`` while a payment due on acceptance is missing and not released."""
    held = hold_for(order, move)
    if held is not None:
        raise PaymentHeld(held.message)


# --- releasing -----------------------------------------------------------------------


def release(actor: Actor, order: Order, reason: str | None) -> PaymentRelease:
    """The seller's owner or finance lets the held-back next move go ahead, saying why.

    Releases one move (production or shipment) for one milestone: a shipment after a
    released production waits again if the money is still missing.
    """
    user = require(actor.user, Action.RELEASE_BEFORE_PAYMENT, order)
    move = GATED_MOVES.get(order.status)
    if move is None:
        raise InvalidTransition(
            lazy_gettext("Only production and shipment wait for a payment: nothing to release.")
        )
    held = hold_for(order, move)
    if held is None:
        raise Conflict(lazy_gettext("Nothing is held back for a payment on this order."))
    text = (reason or "").strip()
    if not MIN_REASON <= len(text) <= MAX_REASON:
        raise ValidationFailed(
            lazy_gettext("Say why the goods go ahead before the payment."), "reason"
        )
    milestone = held.milestone
    entry = PaymentRelease(
        order_id=order.id,
        milestone_id=milestone.id,
        move=move,
        reason=text,
        released_by_id=user.id,
    )
    try:
        with db.session.begin_nested():  # someone released the same move a moment ago
            db.session.add(entry)
    except IntegrityError:
        raise Conflict(lazy_gettext("Nothing is held back for a payment on this order.")) from None
    record_event(
        actor, order, "payment_release", to_status=move, note=f"{milestone.reference}: {text}"
    )
    record_audit(
        actor,
        "payment.released_before_payment",
        object_type="order",
        object_id=order.public_id,
        details={
            "milestone": milestone.reference,
            "move": move.value,
            "reason": text,
            "unpaid_minor": milestone_remaining(milestone).to_minor(),
            "currency": milestone.currency,
        },
    )
    return entry
