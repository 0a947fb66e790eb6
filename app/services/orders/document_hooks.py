"""Where the order lifecycle hands over to trade documents.

Accepting an order issues the proforma invoice; shipping it issues the commercial invoice,
packing list and the other shipment papers. The documents service plugs in here and only
here, so no view or lifecycle code changes when it does.
"""

from __future__ import annotations

from app.models import Order
from app.services.audit import Actor


def on_order_accepted(actor: Actor, order: Order) -> None:
    """Issue the documents due on acceptance (the proforma invoice, with the documents issue)."""


def on_order_shipped(actor: Actor, order: Order) -> None:
    """Issue the documents due on shipment (commercial invoice, packing list, CO, labels, DG)."""
