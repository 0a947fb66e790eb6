"""The API's order list: newest first, one page after a cursor, as Stripe lists objects.

A cursor is an order's public id (``starting_after``): the next page holds the orders
placed before it. Unlike page numbers, a cursor does not skip or repeat an order when new
ones are placed between two requests. Always through the acting company.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Order, OrderStatus
from app.services.accounts.capabilities import Side

DEFAULT_LIMIT = 10
MAX_LIMIT = 100


class UnknownCursor(LookupError):
    """``starting_after`` names no order of this company."""


@dataclass(frozen=True)
class OrderSlice:
    orders: list[Order]
    has_more: bool


def orders_after(
    company_id: int,
    side: str,
    *,
    limit: int = DEFAULT_LIMIT,
    starting_after: str | None = None,
    status: OrderStatus | None = None,
    updated_since: datetime | None = None,
) -> OrderSlice:
    """Up to ``limit`` of the company's orders (as buyer or seller, by ``side``), newest
    first, after the order ``starting_after``; ``has_more`` when another page follows."""
    party = Order.buyer_id if side == Side.BUYER else Order.seller_id
    query = select(Order).where(party == company_id)
    if starting_after is not None:
        cursor = db.session.execute(
            select(Order.placed_at, Order.id).where(
                Order.public_id == starting_after, party == company_id
            )
        ).first()
        if cursor is None:
            raise UnknownCursor(starting_after)
        placed_at, order_id = cursor
        query = query.where(
            or_(
                Order.placed_at < placed_at,
                and_(Order.placed_at == placed_at, Order.id < order_id),
            )
        )
    if status is not None:
        query = query.where(Order.status == status)
    if updated_since is not None:
        query = query.where(Order.updated_at >= updated_since)
    limit = min(max(limit, 1), MAX_LIMIT)
    rows = list(
        db.session.scalars(
            query.options(selectinload(Order.lines))
            .order_by(Order.placed_at.desc(), Order.id.desc())
            .limit(limit + 1)
        )
    )
    return OrderSlice(rows[:limit], len(rows) > limit)
