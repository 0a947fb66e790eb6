"""The claims window of a delivered order, and the delivery that opens it.

The buyer confirms delivery (``fulfilment.actions.confirm_delivery``), or, if the buyer
does nothing, delivery confirms itself ``CLAIMS_AUTO_CONFIRM_DAYS`` after the B/L's
arrival date (the latest shipment's ETA, at 00:00 UTC of that day). Either opens the
window: claims may be filed while ``now < closes_at``. At ``closes_at`` the clock closes
it, and the order completes if it is paid and no claim is running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import ClaimWindow, Order, OrderStatus, Shipment, ShipmentStatus
from app.services.accounts.capabilities import Side
from app.services.audit.recording import Actor, record_audit
from app.services.orders.lifecycle import complete_if_settled, record_event, transition
from app.services.orders.notifications import notify_counterparty

SYSTEM = Actor(None)
BATCH = 500


@dataclass(frozen=True)
class ClaimClocks:
    """The platform's claim settings, read once per use from the configuration."""

    window: timedelta
    auto_confirm: timedelta
    response: timedelta
    auto_escalate: timedelta
    evidence: timedelta


def clocks() -> ClaimClocks:
    config = current_app.config
    return ClaimClocks(
        window=timedelta(days=config["CLAIMS_WINDOW_DAYS"]),
        auto_confirm=timedelta(days=config["CLAIMS_AUTO_CONFIRM_DAYS"]),
        response=timedelta(days=config["CLAIM_RESPONSE_DAYS"]),
        auto_escalate=timedelta(days=config["CLAIM_AUTO_ESCALATE_DAYS"]),
        evidence=timedelta(days=config["CLAIM_EVIDENCE_DAYS"]),
    )


def open_window(order: Order, confirmed_at: datetime, *, auto: bool) -> ClaimWindow:
    """Open the order's claims window from ``confirmed_at`` (once: a second call finds it)."""
    found = window_of(order)
    if found is not None:
        return found
    window = ClaimWindow(
        order_id=order.id,
        delivery_confirmed_at=confirmed_at,
        auto_confirmed=auto,
        closes_at=confirmed_at + clocks().window,
    )
    db.session.add(window)
    db.session.flush()
    return window


def window_of(order: Order) -> ClaimWindow | None:
    window: ClaimWindow | None = db.session.scalar(
        select(ClaimWindow).where(ClaimWindow.order_id == order.id)
    )
    return window


def is_open(window: ClaimWindow | None, now: datetime) -> bool:
    return window is not None and now < window.closes_at


def auto_confirm_at(order: Order) -> datetime | None:
    """When a shipped order's delivery confirms itself: N days after the latest ETA."""
    eta = db.session.scalar(select(func.max(Shipment.eta)).where(Shipment.order_id == order.id))
    if eta is None:
        return None
    return datetime.combine(eta, time.min, tzinfo=UTC) + clocks().auto_confirm


def confirm_delivery_automatically(order: Order, now: datetime) -> bool:
    """The buyer said nothing: delivery confirms itself and the window opens (True if so)."""
    due = auto_confirm_at(order)
    if order.status is not OrderStatus.SHIPPED or due is None or now < due:
        return False
    transition(
        SYSTEM,
        order,
        OrderStatus.DELIVERED,
        str(lazy_gettext("Delivery confirmed automatically after the B/L's arrival date.")),
        mover=Side.SYSTEM,
    )
    order.shipment_status = ShipmentStatus.DELIVERED
    open_window(order, now, auto=True)
    notify_counterparty(SYSTEM, order, "delivered")
    record_audit(
        SYSTEM,
        "order.delivery_auto_confirmed",
        company_id=order.buyer_id,
        object_type="order",
        object_id=order.public_id,
    )
    return True


def auto_confirm_due(now: datetime) -> int:
    """Confirm the delivery of every shipped order whose time is up at ``now``."""
    cutoff = (now - clocks().auto_confirm).date()
    latest_eta = (
        select(Shipment.order_id, func.max(Shipment.eta).label("eta"))
        .group_by(Shipment.order_id)
        .subquery()
    )
    orders = db.session.scalars(
        select(Order)
        .join(latest_eta, latest_eta.c.order_id == Order.id)
        .where(Order.status == OrderStatus.SHIPPED, latest_eta.c.eta <= cutoff)
        .order_by(Order.id)
        .limit(BATCH)
    ).all()
    return sum(confirm_delivery_automatically(order, now) for order in orders)


def close_window(window: ClaimWindow, now: datetime) -> bool:
    """Close ``window`` (once; False if another run did) and complete its order if paid
    and no claim is running."""
    done = db.session.execute(
        update(ClaimWindow)
        .where(ClaimWindow.id == window.id, ClaimWindow.closed_at.is_(None))
        .values(closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(window, "closed_at", now)
    order = window.order
    record_event(SYSTEM, order, "claims_window_closed")
    complete_if_settled(order, now)
    return True


def close_due_windows(now: datetime) -> int:
    """Close every window whose time is up at ``now``; complete what may complete."""
    windows = db.session.scalars(
        select(ClaimWindow)
        .where(ClaimWindow.closed_at.is_(None), ClaimWindow.closes_at <= now)
        .order_by(ClaimWindow.id)
        .limit(BATCH)
    ).all()
    closed = sum(close_window(window, now) for window in windows)
    db.session.flush()
    return closed
