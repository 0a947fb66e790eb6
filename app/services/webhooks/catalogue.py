"""The events an endpoint may subscribe to, with the words the owner's page shows."""

from __future__ import annotations

from flask_babel import LazyString, lazy_gettext

EVENT_KINDS: dict[str, LazyString] = {
    "order.placed": lazy_gettext("An order was placed"),
    "order.accepted": lazy_gettext("The seller accepted an order"),
    "order.declined": lazy_gettext("The seller declined an order"),
    "order.shipped": lazy_gettext("An order was shipped"),
    "order.delivered": lazy_gettext("The buyer confirmed delivery"),
    "order.completed": lazy_gettext("An order completed"),
    "order.cancelled": lazy_gettext("An order was cancelled"),
    "document.issued": lazy_gettext("A trade document was issued"),
    "payment.received": lazy_gettext("A payment was received"),
    "payment.refunded": lazy_gettext("A payment was refunded"),
    "milestone.overdue": lazy_gettext("A payment milestone is overdue"),
    "quote.received": lazy_gettext("A quote was received"),
    "message.received": lazy_gettext("A message was received"),
}
