"""The payments ledger: the figures an order keeps of it, and the check that they hold.

Receipts, reversals and refunds are the ledger; nothing in it is edited or deleted. What
the order keeps (``paid_minor``, ``payment_status``, ``next_due_on``) is derived from it
whenever an entry is added, under a lock on the order row, and ``check_order_ledger``
proves for any order that

    paid = sum(receipts counted) - sum(reversals) - sum(refunds)

and that the milestones' states (unpaid, partly paid, paid, overpaid) and the order's
payment status follow from it. ``flask finance check`` runs it over every order. Services
flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask_babel import lazy_gettext
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    ChargeBearer,
    MilestoneState,
    Order,
    OrderStatus,
    PaymentMethod,
    PaymentMilestone,
    PaymentReceipt,
    PaymentStatus,
    allocate,
)
from app.models.base import utcnow
from app.services.orders.lifecycle import InvalidTransition

# Orders that can take money: accepted and not cancelled or rejected.
PAYABLE = frozenset(
    {OrderStatus.ACCEPTED, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.DELIVERED}
)
CHECK_BATCH = 500


def payment_status(order: Order) -> PaymentStatus:
    milestones = order.milestones
    live = [r for m in milestones for r in m.receipts if r.reversal is None]
    if milestones and all(milestone.is_paid for milestone in milestones):
        return PaymentStatus.PAID
    if paid_minor(order) > 0:
        return PaymentStatus.PARTLY_PAID
    if live and all(receipt.refunded_minor >= receipt.amount_minor for receipt in live):
        return PaymentStatus.REFUNDED
    return PaymentStatus.UNPAID


def paid_minor(order: Order) -> int:
    """Everything the order's receipts count, less reversals and refunds (credit included)."""
    return sum(milestone.received_minor for milestone in order.milestones)


def next_due_on(order: Order) -> date | None:
    """The earliest due date of a milestone not yet paid: what the order ages from."""
    due = [m.due_on for m in order.milestones if m.due_on is not None and not m.is_paid]
    return min(due, default=None)


def lock_payments(order: Order) -> None:
    """Lock the order row, then read its milestones, receipts, refunds and reversals afresh.

    Two entries on one order at once (a transfer recorded while a card webhook lands, a
    reversal) each add their own row; whoever locks second must count the other's too, or
    its totals overwrite them. The lock makes the second wait, and the reload shows it what
    the first committed. (SQLite serialises writers anyway; the reload is then merely fresh.)
    """
    db.session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    db.session.scalars(
        select(PaymentMilestone)
        .where(PaymentMilestone.order_id == order.id)
        .options(
            selectinload(PaymentMilestone.receipts).options(
                selectinload(PaymentReceipt.refunds), selectinload(PaymentReceipt.reversal)
            )
        )
        .execution_options(populate_existing=True)
    ).all()
    db.session.expire(order, ["milestones"])


def store_payment_figures(order: Order) -> None:
    """Refresh what the order keeps of its ledger (status, paid, next due), whatever its
    status: money recorded on a cancelled order is still money received."""
    lock_payments(order)
    order.payment_status = payment_status(order)
    order.paid_minor = paid_minor(order)
    order.next_due_on = next_due_on(order)
    db.session.flush()  # written under the lock just taken, as settle's UPDATE is


def settle(order: Order) -> None:
    """Store the derived payment axis, unless the order was cancelled or rejected meanwhile.

    The conditional UPDATE meets a racing cancellation on the order row: whichever commits
    first wins, and the other is refused (``transition`` checks the payment state too).
    """
    lock_payments(order)
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


# The invariant ---------------------------------------------------------------------------


def _expected_state(received: int, applied: int, amount: int) -> MilestoneState:
    if received > amount:
        return MilestoneState.OVERPAID
    if applied >= amount:
        return MilestoneState.PAID
    return MilestoneState.PARTLY_PAID if applied > 0 else MilestoneState.UNPAID


def _receipt_problems(where: str, receipt: PaymentReceipt, currency: str) -> list[str]:
    name = f"{where}: receipt {receipt.public_id}"
    problems = []
    if receipt.currency != currency:
        problems.append(f"{name} is in {receipt.currency}, its milestone in {currency}")
    if receipt.net_minor != receipt.amount_minor - receipt.charges_minor:
        problems.append(f"{name}: net {receipt.net_minor} is not gross less charges")
    if receipt.method is PaymentMethod.CARD and receipt.charges_minor:
        problems.append(f"{name}: a card payment with bank charges")
    if receipt.refunded_minor > receipt.amount_minor:
        problems.append(f"{name}: refunded {receipt.refunded_minor} of {receipt.amount_minor}")
    reversal = receipt.reversal
    if reversal is not None:
        counted = (
            receipt.net_minor
            if receipt.charges_bearer is ChargeBearer.OUR
            else receipt.amount_minor
        )
        if reversal.amount_minor != counted or reversal.currency != receipt.currency:
            problems.append(
                f"{name}: reversed {reversal.amount_minor} {reversal.currency}, "
                f"it counted {counted} {receipt.currency}"
            )
        if receipt.refunds:
            problems.append(f"{name} is both refunded and reversed")
    return problems


def check_order_ledger(order: Order) -> list[str]:
    """What is wrong with ``order``'s payment figures (an empty list: nothing).

    The sums are taken here from the rows themselves, not from the properties the pages
    use, so a fault in either shows up as a difference.
    """
    where = f"{order.reference}"
    problems: list[str] = []
    milestones = sorted(order.milestones, key=lambda milestone: milestone.sequence)
    counted = reversed_ = refunded = 0
    received_per_milestone = []
    for milestone in milestones:
        received = 0
        for receipt in milestone.receipts:
            problems += _receipt_problems(where, receipt, milestone.currency)
            bearer_our = receipt.charges_bearer is ChargeBearer.OUR
            value = receipt.net_minor if bearer_our else receipt.amount_minor
            counted += value
            received += value
            refunded += receipt.refunded_minor
            received -= receipt.refunded_minor
            if receipt.reversal is not None:
                reversed_ += receipt.reversal.amount_minor
                received -= receipt.reversal.amount_minor
        received_per_milestone.append(received)
    ledger = counted - reversed_ - refunded
    if order.paid_minor != ledger:
        problems.append(
            f"{where}: paid {order.paid_minor}, but receipts {counted} - reversals {reversed_}"
            f" - refunds {refunded} = {ledger}"
        )
    amounts = [milestone.amount_minor for milestone in milestones]
    if milestones and sum(amounts) != order.total_minor:
        problems.append(
            f"{where}: milestones sum to {sum(amounts)}, the order to {order.total_minor}"
        )
    allocation = allocate(received_per_milestone, amounts)
    if sum(allocation.applied) + allocation.credit_minor != ledger:
        problems.append(f"{where}: the allocation does not add up to {ledger}")
    for milestone, received, applied in zip(
        milestones, received_per_milestone, allocation.applied, strict=True
    ):
        label = f"{where}-{milestone.sequence}"
        if received < 0:
            problems.append(f"{label}: took back more than it received ({received})")
        if milestone.paid_minor != applied:
            problems.append(f"{label}: shows {milestone.paid_minor} paid, the ledger {applied}")
        expected = _expected_state(received, applied, milestone.amount_minor)
        if milestone.state is not expected:
            problems.append(f"{label}: {milestone.state.value}, the ledger says {expected.value}")
    if allocation.credit_minor and any(
        applied < amount for applied, amount in zip(allocation.applied, amounts, strict=True)
    ):
        problems.append(f"{where}: a credit while a milestone is open")
    if order.credit_minor != allocation.credit_minor and milestones:
        problems.append(
            f"{where}: credit {order.credit_minor}, the ledger {allocation.credit_minor}"
        )
    if order.payment_status is not payment_status(order):
        problems.append(
            f"{where}: payment status {order.payment_status.value}, "
            f"the ledger {payment_status(order).value}"
        )
    if order.next_due_on != next_due_on(order):
        problems.append(f"{where}: next due {order.next_due_on}, the ledger {next_due_on(order)}")
    return problems


def _orders_in_batches(batch: int) -> Iterator[Order]:
    """Every order with milestones or a paid figure, its ledger loaded, ``batch`` at a time."""
    ids = list(
        db.session.scalars(
            select(Order.id)
            .where(Order.id.in_(select(PaymentMilestone.order_id)) | (Order.paid_minor != 0))
            .order_by(Order.id)
        )
    )
    for start in range(0, len(ids), batch):
        yield from db.session.scalars(
            select(Order)
            .where(Order.id.in_(ids[start : start + batch]))
            .order_by(Order.id)
            .options(
                selectinload(Order.milestones)
                .selectinload(PaymentMilestone.receipts)
                .options(
                    selectinload(PaymentReceipt.refunds), selectinload(PaymentReceipt.reversal)
                )
            )
        )


def check_all(batch: int = CHECK_BATCH) -> list[str]:
    """The problems of every order's ledger (an empty list: the books hold)."""
    problems: list[str] = []
    for order in _orders_in_batches(batch):
        problems += check_order_ledger(order)
    return problems


def repair_figures(batch: int = CHECK_BATCH) -> list[str]:
    """Store the figures the ledger gives on every order whose stored ones differ (after a
    change of the rules, such as this ledger's allocation of overpayments); the references
    of the orders changed. Never touches the ledger itself."""
    changed = []
    for order in _orders_in_batches(batch):
        stored = (order.paid_minor, order.payment_status, order.next_due_on)
        if stored != (paid_minor(order), payment_status(order), next_due_on(order)):
            store_payment_figures(order)
            changed.append(order.reference)
    return changed
