"""The payment schedule follows the shipments: what falls due when a lot or the order
ships, and how the milestones still to fall due share a total that moved.

Milestones are a schedule, not ledger entries: their amounts may follow what shipped
(within the tolerance, and lot by lot on an order allowed partial shipments) as long as
they always sum to the order's total. Receipts, the ledger, are never touched here.
"""

from __future__ import annotations

from datetime import date, timedelta

from app.extensions import db
from app.models import MilestoneKind, MilestoneTrigger, Order, PaymentMilestone
from app.money import Money
from app.services.payments.ledger import next_due_on
from app.services.payments.milestones import NET_DAYS


def _pending(milestone: PaymentMilestone) -> bool:
    """Not yet due and nothing paid on it: its amount may still follow the order's total."""
    return milestone.due_on is None and not milestone.receipts


def follow_total(order: Order) -> None:
    """The order's total moved at shipment (what shipped within the tolerance is what is
    owed): the milestones still to fall due share the new total by their percents; those
    already due (deposit, advance, a lot's share) keep their amounts.

    An order paid wholly before shipment gains a balance milestone when more shipped than
    was paid for; when less shipped, the latest milestones due shrink (what was paid beyond
    them is the buyer's credit, as ever). The milestones always sum to the total.
    """
    milestones = list(order.milestones)
    if not milestones:
        return
    later = [m for m in milestones if _pending(m)]
    fixed = sum(m.amount_minor for m in milestones if m not in later)
    rest = order.total_minor - fixed
    if later and rest > 0:
        amounts = Money.from_minor(rest, order.currency).allocate([m.percent for m in later])
        for milestone, amount in zip(later, amounts, strict=True):
            milestone.amount_minor = amount.to_minor()
        return
    for milestone in later:
        # Nothing is left for it: a schedule line never due and never paid goes.
        order.milestones.remove(milestone)
        db.session.delete(milestone)
    # A milestone that shrank when less was worth (paid beyond it: the buyer's credit)
    # takes back what was paid on it before any new balance is asked: an advance on 100 t
    # pays a lot's lower outturn, then the next lot's higher one, without asking again.
    for milestone in (m for m in milestones if m not in later):
        grown = min(rest, milestone.received_minor - milestone.amount_minor)
        if grown > 0:
            milestone.amount_minor += grown
            rest -= grown
    if rest > 0:
        last = milestones[-1]
        db.session.add(
            PaymentMilestone(
                order=order,
                sequence=max(m.sequence for m in milestones) + 1,
                kind=MilestoneKind.BALANCE,
                method=last.method,
                percent=0,
                amount_minor=rest,
                currency=order.currency,
                trigger=MilestoneTrigger.SHIPMENT,
            )
        )
    # Due (or paid) before shipment for more than shipped: the latest shrink, each keeping
    # at least one minor unit (a milestone is never zero).
    for milestone in reversed([m for m in milestones if m not in later]):
        if rest >= 0:
            break
        taken = min(-rest, milestone.amount_minor - 1)
        milestone.amount_minor -= taken
        rest += taken


def on_lot_shipped(
    order: Order, lot_total_minor: int, shipped_on: date, invoice_number: str | None = None
) -> None:
    """A lot left with its invoice for ``lot_total_minor`` (on weight terms, its
    provisional invoice): the share of it the milestones still to fall due would ask (the
    balance's 70 % of the lot, net 30's whole lot) is split off them and falls due now, as
    their trigger says.

    Each milestone keeps at least one minor unit for what is to come; when the order
    closes (or its last outturn is entered), ``follow_total`` gives them what is left.
    """
    for milestone in _still_to_fall_due(order):
        share = (
            Money.from_minor(lot_total_minor, order.currency)
            .allocate([milestone.percent, 100 - milestone.percent])[0]
            .to_minor()
        )
        _split_off(order, milestone, share, _due_on(milestone.trigger, shipped_on), invoice_number)
    db.session.flush()
    order.next_due_on = next_due_on(order)


def fall_due(
    order: Order, amount_minor: int, today: date, invoice_number: str | None = None
) -> None:
    """``amount_minor`` of what is still to fall due falls due now (a lot's final invoice
    on weight terms, while other lots still wait for theirs)."""
    for milestone in _still_to_fall_due(order):
        if amount_minor <= 0:
            break
        taken = _split_off(
            order, milestone, amount_minor, _due_on(milestone.trigger, today), invoice_number
        )
        amount_minor -= taken
    db.session.flush()
    order.next_due_on = next_due_on(order)


def _still_to_fall_due(order: Order) -> list[PaymentMilestone]:
    return [
        m for m in order.milestones if _pending(m) and m.trigger is not MilestoneTrigger.ACCEPTANCE
    ]


def _split_off(
    order: Order,
    milestone: PaymentMilestone,
    share: int,
    due_on: date | None,
    invoice_number: str | None,
) -> int:
    """A new milestone of ``share`` (at most all but one minor unit of ``milestone``),
    due on ``due_on`` for the invoice ``invoice_number``, taken off ``milestone``;
    answers the amount split off."""
    share = min(share, milestone.amount_minor - 1)
    if share <= 0:
        return 0
    milestone.amount_minor -= share
    db.session.add(
        PaymentMilestone(
            order=order,
            sequence=max(m.sequence for m in order.milestones) + 1,
            kind=milestone.kind,
            method=milestone.method,
            percent=milestone.percent,
            amount_minor=share,
            currency=order.currency,
            trigger=milestone.trigger,
            due_on=due_on,
            invoice_number=invoice_number,
        )
    )
    return share


def _due_on(trigger: MilestoneTrigger, shipped_on: date) -> date | None:
    if trigger is MilestoneTrigger.SHIPMENT:
        return shipped_on
    if trigger is MilestoneTrigger.INVOICE_NET_30:
        return shipped_on + timedelta(days=NET_DAYS)
    return None


def on_shipment(order: Order, shipped_on: date) -> None:
    """The B/L exists and the commercial invoice is issued: the rest falls due (earlier
    lots' shares keep their dates)."""
    for milestone in order.milestones:
        if milestone.due_on is None:
            milestone.due_on = _due_on(milestone.trigger, shipped_on)
    order.next_due_on = next_due_on(order)
