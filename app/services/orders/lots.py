"""Partial shipments: whether a contract allows several lots, and where its lots stand.

"Partial shipments allowed" (L/C field 43P) lets the seller ship an order in lots, each with
its own B/L and papers. The order stays open (in production, partly shipped) until a lot
brings every line to its quantity, the seller marks a lot as the last, or the seller
closes the balance once every line is within the tolerance. This module answers those
questions for the shipment gate, the pages and the close; it changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext

from app.models import Order, OrderStatus, PaymentTerms
from app.services.errors import ValidationFailed
from app.services.orders.shipped import already_shipped
from app.services.orders.tolerance import Tolerance


def allowed_partial_shipments(value: object, payment_terms: PaymentTerms | str) -> bool:
    """Whether a checkout, quote or API body agreed partial shipments (a box, or a JSON
    boolean); refused on L/C terms, whose one presentation covers one shipment here."""
    if value is None or value is False or value == "":
        return False
    if value is not True:
        raise ValidationFailed(
            lazy_gettext("Partial shipments are allowed or not: tick the box or leave it."),
            "partial_shipments",
        )
    if str(payment_terms) == PaymentTerms.LC_AT_SIGHT.value:
        raise ValidationFailed(
            lazy_gettext(
                "Orders paid by letter of credit ship in one lot here: leave partial "
                "shipments off or choose other payment terms."
            ),
            "partial_shipments",
        )
    return True


def shipped_to_quantity(order: Order, shipped: dict[int, Decimal]) -> bool:
    """Every line has shipped at least its ordered quantity: nothing is left to ship."""
    return all(shipped.get(line.id, Decimal(0)) >= line.quantity for line in order.lines)


def shipped_within_tolerance(order: Order, shipped: dict[int, Decimal]) -> bool:
    """Every line has shipped at least its quantity less the tolerance."""
    tolerance = Tolerance.of(order)
    return all(
        shipped.get(line.id, Decimal(0)) >= tolerance.bounds(line.quantity, line.unit)[0]
        for line in order.lines
    )


def partly_shipped(order: Order) -> bool:
    """Lots have left and the order is still open for more (in production). Its
    shipments are read only for an order allowed lots."""
    return (
        order.partial_shipments
        and order.status is OrderStatus.IN_PRODUCTION
        and bool(order.shipments)
    )


def may_close_balance(order: Order) -> bool:
    """The seller may close the order at what its lots shipped: partly shipped, and every
    line within the tolerance of its quantity."""
    return partly_shipped(order) and shipped_within_tolerance(order, already_shipped(order))


def lot_closes(
    order: Order, before: dict[int, Decimal], carried: dict[int, Decimal], *, last_lot: bool
) -> bool:
    """Whether a shipment carrying ``carried`` (order_line_id → quantity) after ``before``
    shipped completes the order: always in one lot; in lots, the one the seller marks as
    the last or the one that brings every line to its quantity."""
    if not order.partial_shipments or last_lot:
        return True
    after = {
        line.id: before.get(line.id, Decimal(0)) + carried.get(line.id, Decimal(0))
        for line in order.lines
    }
    return shipped_to_quantity(order, after)
