"""What a shipped order is worth: the quantities that shipped at the agreed unit prices.

Within the tolerance the parties agreed (``app.services.orders.tolerance``) the shipped
quantity, not the ordered one, is sold and invoiced: 5,250 t shipped on 5,000 t ±5 % is
5,250 t owed. The order's goods total and its unpaid milestones follow at shipment, so the
commercial invoice, the register and the payments all read one figure. Each line rounds
once (``app.money.line_amount_minor``), as everywhere.
"""

from __future__ import annotations

from app.extensions import db
from app.models import Order
from app.services.orders.shipped import line_amounts_shipped
from app.services.payments import schedule
from app.services.payments.ledger import store_payment_figures


def value_what_shipped(order: Order) -> None:
    """Set the order's goods total to what shipped, and its milestones to follow."""
    goods = sum(line_amounts_shipped(order).values())
    if goods == order.goods_total_minor:
        return
    order.goods_total_minor = goods
    order.total_minor = goods + order.freight_minor + order.insurance_minor
    schedule.follow_total(order)
    db.session.flush()
    # Paid, partly paid or due a credit: against the new total.
    store_payment_figures(order)
