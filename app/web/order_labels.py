"""How an order's terms, payments, shipment and papers are named on every page.

Buyer, seller, finance, payments and documents pages all show orders; the words for each
value live here once, so no blueprint imports another's module to borrow them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import (
    ChargeBearer,
    Document,
    DocumentKind,
    MilestoneKind,
    MilestoneState,
    MilestoneTrigger,
    PaymentMethod,
    PaymentStatus,
    PaymentTerms,
    ShipmentMode,
    ShipmentStatus,
)

PAYMENT_TERMS_LABELS = {
    PaymentTerms.ADVANCE: _l("Advance payment (100%)"),
    PaymentTerms.DEPOSIT_BALANCE_BL: _l("Deposit 30%, balance 70% against copy of the B/L"),
    PaymentTerms.LC_AT_SIGHT: _l("Irrevocable letter of credit at sight"),
    PaymentTerms.NET_30: _l("Net 30 days from the commercial invoice"),
}
PAYMENT_STATUS_LABELS = {
    PaymentStatus.UNPAID: _l("Unpaid"),
    PaymentStatus.PARTLY_PAID: _l("Partly paid"),
    PaymentStatus.PAID: _l("Paid"),
    PaymentStatus.REFUNDED: _l("Refunded"),
}
SHIPMENT_STATUS_LABELS = {
    ShipmentStatus.NOT_SHIPPED: _l("Not shipped"),
    ShipmentStatus.SHIPPED: _l("Shipped"),
    ShipmentStatus.DELIVERED: _l("Delivered"),
}
SHIPMENT_MODE_LABELS = {
    ShipmentMode.SEA: _l("Sea"),
    ShipmentMode.AIR: _l("Air"),
    ShipmentMode.ROAD: _l("Road"),
    ShipmentMode.RAIL: _l("Rail"),
}
DOCUMENT_KIND_LABELS = {
    DocumentKind.PROFORMA_INVOICE: _l("Proforma invoice"),
    DocumentKind.COMMERCIAL_INVOICE: _l("Commercial invoice"),
    DocumentKind.PACKING_LIST: _l("Packing list"),
    DocumentKind.CERTIFICATE_OF_ORIGIN: _l("Certificate of origin application"),
    DocumentKind.SHIPPING_MARKS: _l("Shipping-mark labels"),
    DocumentKind.DANGEROUS_GOODS: _l("Dangerous goods declaration"),
    DocumentKind.CREDIT_NOTE: _l("Credit note"),
}
# Commercial invoices on weight terms name their stage.
INVOICE_STAGE_LABELS = {
    "provisional": _l("Provisional invoice"),
    "final": _l("Final invoice"),
}


def document_label(document: Document) -> object:
    """What the document is, as pages name it: its kind, or its stage of invoicing."""
    if document.stage in INVOICE_STAGE_LABELS:
        return INVOICE_STAGE_LABELS[document.stage]
    return DOCUMENT_KIND_LABELS[document.kind]


MILESTONE_LABELS = {
    MilestoneKind.FULL: _l("Full payment"),
    MilestoneKind.DEPOSIT: _l("Deposit"),
    MilestoneKind.BALANCE: _l("Balance"),
}
MILESTONE_TRIGGER_LABELS = {
    MilestoneTrigger.ACCEPTANCE: _l("Due on acceptance"),
    MilestoneTrigger.SHIPMENT: _l("Due against the B/L once shipped"),
    MilestoneTrigger.INVOICE_NET_30: _l("Due 30 days after the commercial invoice"),
}
PAYMENT_METHOD_LABELS = {
    PaymentMethod.BANK_TRANSFER: _l("Bank transfer (T/T)"),
    PaymentMethod.CARD: _l("Card"),
    PaymentMethod.LETTER_OF_CREDIT: _l("Letter of credit"),
}
# SWIFT's codes for who bears the banks' charges, as the seller's finance reads them.
CHARGE_BEARER_LABELS = {
    ChargeBearer.SHA: _l("SHA: shared, each side pays its own bank"),
    ChargeBearer.BEN: _l("BEN: we, the beneficiary, bear all charges"),
    ChargeBearer.OUR: _l("OUR: the buyer bears all charges"),
}
MILESTONE_STATE_LABELS = {
    MilestoneState.UNPAID: _l("Unpaid"),
    MilestoneState.PARTLY_PAID: _l("Partly paid"),
    MilestoneState.PAID: _l("Paid"),
    MilestoneState.OVERPAID: _l("Overpaid"),
}
# Keys are what queries.next_action returns.
NEXT_ACTION_LABELS = {
    "accept_or_reject": _l("Accept or reject"),
    "start_production": _l("Start production"),
    "record_shipment": _l("Record the shipment"),
    "record_next_lot": _l("Record the next lot, or close the order within its tolerance"),
    "confirm_delivery": _l("Confirm delivery"),
}
