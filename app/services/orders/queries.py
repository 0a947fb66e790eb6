"""Reading orders, always through the acting company: someone else's order is None (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Company,
    Order,
    OrderStatus,
    PaymentMilestone,
    PaymentReceipt,
    Shipment,
    ShipmentPackage,
    User,
)
from app.services.accounts.capabilities import Side, can
from app.services.orders.lifecycle import ACTS_FOR
from app.services.orders.waiting import SIDE_OF, WaitingFor, waiting_condition

PAGE_SIZE = 25


def company_order(company_id: int, public_id: str, side: str) -> Order | None:
    """The order with ``public_id`` if ``company_id`` is its buyer (or seller, by ``side``)."""
    party = Order.buyer_id if side == Side.BUYER else Order.seller_id
    return db.session.scalar(select(Order).where(Order.public_id == public_id, party == company_id))


def order_page(company_id: int, public_id: str, side: str) -> Order | None:
    """The order with everything its page shows, in a fixed handful of queries."""
    party = Order.buyer_id if side == Side.BUYER else Order.seller_id
    order: Order | None = (
        db.session.scalars(
            select(Order)
            .where(Order.public_id == public_id, party == company_id)
            .options(
                joinedload(Order.buyer),
                joinedload(Order.seller),
                joinedload(Order.placed_by),
                selectinload(Order.lines),
                selectinload(Order.events),
                # A handful of documents: joined to the order's own row, not a query of their own.
                joinedload(Order.documents),
                # What each shipment carries and where: one query with the shipments.
                selectinload(Order.shipments).options(
                    joinedload(Shipment.packages).joinedload(ShipmentPackage.container),
                    joinedload(Shipment.lines),
                    joinedload(Shipment.containers),
                ),
                selectinload(Order.milestones).options(
                    # The ledger: receipts with their reversal, and refunds (cards only).
                    joinedload(PaymentMilestone.receipts).options(
                        joinedload(PaymentReceipt.reversal),
                        selectinload(PaymentReceipt.refunds),
                    ),
                    joinedload(PaymentMilestone.proofs),
                ),
            )
        )
        .unique()
        .first()
    )
    return order


@dataclass(frozen=True)
class OrderFilter:
    status: OrderStatus | None = None
    counterparty: str | None = None  # company public id
    po_number: str | None = None
    placed_from: date | None = None
    placed_to: date | None = None
    waiting: WaitingFor | None = None  # what waits for this company (the home page's counts)


# What each side owes next, by status: shown in the list and on the order page.
NEXT_ACTION = {
    Side.SELLER: {
        OrderStatus.PLACED: "accept_or_reject",
        OrderStatus.ACCEPTED: "start_production",
        OrderStatus.IN_PRODUCTION: "record_shipment",
    },
    Side.BUYER: {
        OrderStatus.SHIPPED: "confirm_delivery",
    },
}


def next_action(order: Order, side: str) -> str | None:
    action = NEXT_ACTION.get(Side(side), {}).get(order.status)
    # An order in lots, partly shipped: the next lot (its shipments are read only then).
    if action == "record_shipment" and order.partial_shipments and order.shipments:
        return "record_next_lot"
    return action


def _filtered(company_id: int, side: str, criteria: OrderFilter) -> Select[Order]:
    mine, theirs = (
        (Order.buyer_id, Order.seller_id)
        if side == Side.BUYER
        else (Order.seller_id, Order.buyer_id)
    )
    query = select(Order).where(mine == company_id)
    if criteria.status is not None:
        query = query.where(Order.status == criteria.status)
    if criteria.counterparty:
        query = query.join(Company, Company.id == theirs).where(
            Company.public_id == criteria.counterparty
        )
    if criteria.po_number:
        query = query.where(
            Order.buyer_po_number.icontains(criteria.po_number[:50], autoescape=True)
        )
    if criteria.placed_from:
        query = query.where(Order.placed_at >= datetime.combine(criteria.placed_from, time(), UTC))
    if criteria.placed_to:
        query = query.where(
            Order.placed_at < datetime.combine(criteria.placed_to + timedelta(days=1), time(), UTC)
        )
    if criteria.waiting is not None and SIDE_OF[criteria.waiting] == side:
        query = query.where(waiting_condition(criteria.waiting, company_id))
    return query


def order_list(
    company_id: int, side: str, criteria: OrderFilter, page: int
) -> tuple[list[Order], int, int]:
    """One page of the company's orders (newest first), the total and the page shown."""
    query = _filtered(company_id, side, criteria)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    last = max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(max(page, 1), last)
    rows = db.session.scalars(
        query.options(joinedload(Order.buyer), joinedload(Order.seller))
        .order_by(Order.placed_at.desc(), Order.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    return list(rows.unique()), total, page


def counterparties(company_id: int, side: str) -> list[Company]:
    """The companies this one has orders with (for the list filter)."""
    mine, theirs = (
        (Order.buyer_id, Order.seller_id)
        if side == Side.BUYER
        else (Order.seller_id, Order.buyer_id)
    )
    return list(
        db.session.scalars(
            select(Company)
            .where(Company.id.in_(select(theirs).where(mine == company_id)))
            .order_by(Company.legal_name)
        )
    )


def can_act(user: User, side: str) -> bool:
    """Whether ``user`` may act (not just look) for ``side``."""
    return can(user, ACTS_FOR[Side(side)])
