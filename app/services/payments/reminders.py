"""Reminders of overdue payments, sent to the buyer's people once per interval.

A milestone is overdue once its due date has passed in the buyer company's own day (the
day after the due date has begun by the buyer's clock, ``Company.timezone``). The hourly job
(``app.tasks.reminders``) calls ``send_overdue_reminders``; each overdue milestone is
claimed in ``payment_reminders`` before its e-mails are written, so however often the job
runs, or two runs overlap, a milestone is reminded at most once per ``REMINDER_INTERVAL``.
The e-mails go to those who pay the order (the capability table's ``PAY``: the buyer's
owner, purchasers and finance staff), each in their own language, and the timeline says a
reminder went. Services flush, never commit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask_babel import force_locale, gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.i18n import format_day, format_money
from app.models import (
    Order,
    OrderStatus,
    PaymentMilestone,
    PaymentReminder,
    PaymentStatus,
    User,
)
from app.public_urls import absolute_url
from app.services.accounts.capabilities import Action, roles_for
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor
from app.services.orders.lifecycle import record_event
from app.services.outbox import queue_email
from app.services.payments.controls import milestone_is_paid, milestone_remaining
from app.services.webhooks import events as webhook_events

REMINDER_INTERVAL = timedelta(days=7)
# Orders whose money is still expected: accepted and neither cancelled, rejected nor done.
EXPECTING_MONEY = frozenset(
    {OrderStatus.ACCEPTED, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.DELIVERED}
)
# No place on Earth is more than 14 hours ahead of UTC: no company's day is later than this.
_AHEAD_OF_UTC = timedelta(days=1)


def is_overdue(milestone: PaymentMilestone, today: date) -> bool:
    """Due before ``today`` (the buyer's day) and not paid."""
    return (
        milestone.due_on is not None
        and milestone.due_on < today
        and not milestone_is_paid(milestone)
    )


def overdue_milestones(now: datetime) -> list[PaymentMilestone]:
    """Every milestone overdue at ``now`` in its buyer's day, oldest order first."""
    latest_day = now.astimezone(UTC).date() + _AHEAD_OF_UTC
    candidates = db.session.scalars(
        select(PaymentMilestone)
        .join(Order, Order.id == PaymentMilestone.order_id)
        .where(
            PaymentMilestone.due_on.is_not(None),
            PaymentMilestone.due_on < latest_day,
            Order.status.in_(EXPECTING_MONEY),
            Order.payment_status != PaymentStatus.PAID,
        )
        .options(contains_eager(PaymentMilestone.order).joinedload(Order.buyer))
        .order_by(PaymentMilestone.order_id, PaymentMilestone.sequence)
    ).all()
    return [m for m in candidates if is_overdue(m, company_today(m.order.buyer, now))]


def _claim(milestone: PaymentMilestone, now: datetime) -> bool:
    """Take the milestone's reminder for this interval; False if it was already sent.

    The conditional UPDATE (or, the first time, the unique row) is the claim: of two runs
    at once exactly one wins, and a rolled-back run leaves the claim untaken.
    """
    claimed = db.session.execute(
        update(PaymentReminder)
        .where(
            PaymentReminder.milestone_id == milestone.id,
            PaymentReminder.last_sent_at <= now - REMINDER_INTERVAL,
        )
        .values(last_sent_at=now, sent_count=PaymentReminder.sent_count + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return True
    known = db.session.scalar(
        select(PaymentReminder.id).where(PaymentReminder.milestone_id == milestone.id)
    )
    if known is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                PaymentReminder(
                    milestone_id=milestone.id, first_sent_at=now, last_sent_at=now, sent_count=1
                )
            )
    except IntegrityError:  # another run claimed it first
        return False
    return True


def _recipients(order: Order) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.company_id == order.buyer_id,
                User.active.is_(True),
                User.company_role.in_(roles_for(Action.PAY)),
            )
            .order_by(User.id)
        )
    )


def remind(milestone: PaymentMilestone) -> int:
    """E-mail the buyer's payers about ``milestone``, each in their language; how many."""
    order = milestone.order
    link = absolute_url(f"/buyer/orders/{order.public_id}")
    sent = 0
    for person in _recipients(order):
        with force_locale(person.locale or "en"):
            what = gettext(
                "Payment %(reference)s of %(amount)s was due on %(date)s.",
                reference=milestone.reference,
                amount=format_money(milestone.amount),
                date=format_day(milestone.due_on),
            )
            subject = gettext("Order %(ref)s: %(what)s", ref=order.reference, what=what)
            body = gettext(
                "%(what)s %(remaining)s is still to pay; quote %(reference)s on the transfer."
                "\n\nOpen the order to pay, or to upload the proof of a transfer already made:"
                "\n%(link)s",
                what=what,
                remaining=format_money(milestone_remaining(milestone)),
                reference=milestone.reference,
                link=link,
            )
        queue_email(person.email, subject[:255], body)
        sent += 1
    record_event(Actor(None), order, "payment_reminder", note=milestone.reference)
    return sent


def due_milestones(now: datetime) -> list[PaymentMilestone]:
    """Every unpaid milestone whose due day has begun in its buyer's day and that was not
    announced yet, oldest order first."""
    latest_day = now.astimezone(UTC).date() + _AHEAD_OF_UTC
    candidates = db.session.scalars(
        select(PaymentMilestone)
        .join(Order, Order.id == PaymentMilestone.order_id)
        .where(
            PaymentMilestone.due_on.is_not(None),
            PaymentMilestone.due_on <= latest_day,
            PaymentMilestone.due_announced_at.is_(None),
            Order.status.in_(EXPECTING_MONEY),
            Order.payment_status != PaymentStatus.PAID,
        )
        .options(contains_eager(PaymentMilestone.order).joinedload(Order.buyer))
        .order_by(PaymentMilestone.order_id, PaymentMilestone.sequence)
    ).all()
    return [
        m
        for m in candidates
        if m.due_on is not None
        and m.due_on <= company_today(m.order.buyer, now)
        and not milestone_is_paid(m)
    ]


def announce_due_milestones(now: datetime) -> int:
    """Send ``milestone.due`` once per milestone, when its due day begins for the buyer.

    The conditional UPDATE of ``due_announced_at`` is the claim: of two runs at once exactly
    one sends, and a rolled-back run leaves the milestone to the next. Returns how many.
    """
    announced = 0
    for milestone in due_milestones(now):
        claimed = db.session.execute(
            update(PaymentMilestone)
            .where(
                PaymentMilestone.id == milestone.id,
                PaymentMilestone.due_announced_at.is_(None),
            )
            .values(due_announced_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        set_committed_value(milestone, "due_announced_at", now)
        webhook_events.on_milestone_due(milestone, milestone_remaining(milestone))
        announced += 1
    return announced


def send_overdue_reminders(now: datetime) -> int:
    """Remind the buyer of every overdue milestone not reminded within the interval.

    Returns how many milestones were reminded. Run it as often as you like: a milestone
    reminded less than ``REMINDER_INTERVAL`` before ``now`` is left alone.
    """
    reminded = 0
    for milestone in overdue_milestones(now):
        if _claim(milestone, now):
            remind(milestone)
            reminded += 1
    return reminded
