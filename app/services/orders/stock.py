"""Stock taken for an order's lines and given back.

Stock is taken with one conditional UPDATE per stocked line (``stock >= quantity``),
checked by its row count, in the order's own transaction and in product-id order, so two
buyers racing for the last units never oversell and never deadlock. Any shortfall raises
``InsufficientStock`` naming the line; the caller rolls the whole order back.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext
from sqlalchemy import update

from app.extensions import db
from app.models import (
    Order,
    OrderLine,
    Product,
)
from app.money import plain_decimal
from app.reference.units import unit_word
from app.services.errors import Conflict

_PRODUCTS = cast(sa.Table, Product.__table__)


class InsufficientStock(Conflict):
    """A stocked line asks for more than the seller has."""


def reserve_stock(lines: list[OrderLine]) -> None:
    """Take each stocked line's quantity with one conditional UPDATE, in product-id order."""
    # A Core statement on the table: the ORM's bulk-update machinery would cost more than
    # the UPDATE itself, and no loaded Product needs to see the new figure.
    stock = _PRODUCTS.c.stock_quantity
    for line in sorted(lines, key=lambda item: item.product_id or 0):
        if not line.reserved_quantity:
            continue
        result = db.session.execute(
            update(_PRODUCTS)
            .where(_PRODUCTS.c.id == line.product_id, stock >= line.reserved_quantity)
            .values(stock_quantity=stock - line.reserved_quantity)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise InsufficientStock(
                lazy_gettext(
                    "Not enough stock of %(title)s for %(quantity)s %(unit)s. Lower the quantity or order later.",
                    title=line.title,
                    quantity=plain_decimal(line.quantity),
                    unit=unit_word(line.unit, plural=True),
                ),
                "quantity",
            )


def _give_back(line: OrderLine, quantity: Decimal) -> None:
    if quantity > 0 and line.product_id is not None:
        db.session.execute(
            update(Product)
            .where(Product.id == line.product_id, Product.stock_quantity.is_not(None))
            .values(stock_quantity=Product.stock_quantity + quantity)
            .execution_options(synchronize_session=False)
        )
    line.reserved_quantity = (line.reserved_quantity or Decimal(0)) - quantity


def release_stock(order: Order) -> None:
    """Give back what the order's lines reserved (on rejection or cancellation)."""
    for line in sorted(order.lines, key=lambda item: item.product_id or 0):
        _give_back(line, line.reserved_quantity or Decimal(0))


def release_unshipped(order: Order, shipped: dict[int, Decimal]) -> None:
    """The order closed short (within its tolerance): give back what its lines reserved
    beyond what shipped (``shipped``: order_line_id → quantity)."""
    for line in sorted(order.lines, key=lambda item: item.product_id or 0):
        reserved = line.reserved_quantity or Decimal(0)
        _give_back(line, max(reserved - shipped.get(line.id, Decimal(0)), Decimal(0)))
