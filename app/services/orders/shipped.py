"""What an order has shipped, per order line: the one reading every other module asks.

Shipments record their lines (how much of each order line they carry); a shipment recorded
before lines existed shipped the whole order. The shipment gate, the invoice's amounts, the
pages and claims all read shipped quantities and their worth from here, so they agree.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from app.extensions import db
from app.models import Order, Shipment
from app.money import line_amount_minor, lot_amount_minor


def lock_shipments(order: Order) -> None:
    """Lock the order row and read its shipments afresh, so two lots recorded at once
    count each other: the second waits for the first and sees what it shipped. (SQLite
    holds its write lock from the first write anyway.)"""
    db.session.execute(select(Order.id).where(Order.id == order.id).with_for_update())
    db.session.expire(order, ["shipments"])


def shipped_quantities(shipment: Shipment) -> dict[int, Decimal]:
    """order_line_id → quantity this shipment carries, in the order line's unit.

    A shipment without lines (recorded before lines existed) shipped every line whole.
    """
    if shipment.lines:
        return {line.order_line.id: line.quantity for line in shipment.lines}
    return {line.id: line.quantity for line in shipment.order.lines}


def already_shipped(order: Order, *, excluding: Shipment | None = None) -> dict[int, Decimal]:
    """order_line_id → quantity shipped so far on every shipment of the order.

    ``excluding`` leaves out a shipment being recorded (it may already be in the session).
    """
    totals: dict[int, Decimal] = {line.id: Decimal(0) for line in order.lines}
    for shipment in order.shipments:
        if shipment is excluding:
            continue
        for line_id, quantity in shipped_quantities(shipment).items():
            totals[line_id] = totals.get(line_id, Decimal(0)) + quantity
    return totals


def remaining_quantities(order: Order) -> dict[int, Decimal]:
    """order_line_id → quantity still to ship (never below zero)."""
    shipped = already_shipped(order)
    return {
        line.id: max(line.quantity - shipped.get(line.id, Decimal(0)), Decimal(0))
        for line in order.lines
    }


def line_amounts_shipped(order: Order) -> dict[int, int]:
    """order_line_id → what its shipped quantity is worth, in minor units, as the lots'
    invoices print it: lots at the contract price round as one quantity (the lots add up
    to the line rounded once); a lot on weight terms rounds on its own. One whose
    outturn is entered is worth what its final invoice bills (dry outturn, adjusted price)."""
    amounts: dict[int, int] = {line.id: 0 for line in order.lines}
    prices = {line.id: line.unit_price_minor for line in order.lines}
    carried: dict[int, Decimal] = {}
    for shipment in order.shipments:
        # Read only on weight terms: no statement for other orders.
        settlement = shipment.weight_settlement if order.provisional_percent else None
        if settlement is not None and settlement.is_settled:
            priced = {
                row.order_line_id: (
                    row.settled_quantity,
                    prices[row.order_line_id] + row.price_adjustment_minor,
                )
                for row in settlement.lines
            }
        elif not order.provisional_percent:
            # Lots of one contract price round as one quantity (``lot_amount_minor``).
            for line_id, quantity in shipped_quantities(shipment).items():
                before = carried.get(line_id, Decimal(0))
                amounts[line_id] += lot_amount_minor(before, quantity, prices[line_id])
                carried[line_id] = before + quantity
            continue
        else:
            priced = {
                line_id: (quantity, prices[line_id])
                for line_id, quantity in shipped_quantities(shipment).items()
            }
        for line_id, (quantity, price) in priced.items():
            amounts[line_id] = amounts.get(line_id, 0) + line_amount_minor(quantity, price)
    return amounts
