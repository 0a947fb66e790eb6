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
    "milestone.due": lazy_gettext("A payment milestone falls due"),
    "milestone.overdue": lazy_gettext("A payment milestone is overdue"),
    "quote.received": lazy_gettext("A quote was received"),
    "message.received": lazy_gettext("A message was received"),
    "claim.opened": lazy_gettext("A claim was opened"),
    "claim.responded": lazy_gettext("The seller responded to a claim"),
    "claim.agreed": lazy_gettext("Buyer and seller agreed on a claim"),
    "claim.escalated": lazy_gettext("A claim was escalated to the operator"),
    "claim.decided": lazy_gettext("The operator decided a claim"),
    "claim.settled": lazy_gettext("A claim was settled"),
    "claim.withdrawn": lazy_gettext("The buyer withdrew a claim"),
    "claim.lapsed": lazy_gettext("A claim lapsed: the buyer's evidence did not arrive in time"),
    "licence.accepted": lazy_gettext("The operator accepted a licence"),
    "licence.rejected": lazy_gettext("The operator rejected a licence"),
    "licence.revoked": lazy_gettext("The issuing authority revoked a licence"),
}
