"""The buyer's order forms, and the order labels both parties' pages share.

Prices, sellers and statuses are never fields here: the cart and the order take them from
the listing and the lifecycle, so whatever else a request carries is simply not read.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.models import (
    DocumentKind,
    MilestoneKind,
    MilestoneTrigger,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    PaymentTerms,
    ShipmentMode,
    ShipmentStatus,
)
from app.services.orders.lifecycle import STATUS_LABELS
from app.web.forms import CorridorForm

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
# Keys are what queries.next_action returns.
NEXT_ACTION_LABELS = {
    "accept_or_reject": _l("Accept or reject"),
    "start_production": _l("Start production"),
    "record_shipment": _l("Record the shipment"),
    "confirm_delivery": _l("Confirm delivery"),
}


class CartForm(CorridorForm):
    """Add a listing to the cart, change its quantity, or remove it with 0."""

    product = HiddenField(validators=[DataRequired()])
    # Text, not IntegerField: the cart service judges the quantity and words the refusal.
    quantity = StringField(
        _l("Quantity"),
        validators=[InputRequired(message=_l("Give the quantity as a whole number."))],
    )
    next = HiddenField()


class CheckoutForm(CorridorForm):
    """The terms of one order; the lines and their prices come from the cart."""

    delivery = SelectField(
        _l("Incoterm and named place"),
        validators=[DataRequired()],
        description=_l("The Incoterms® 2020 rules every listing of this order offers."),
    )
    destination_country = SelectField(_l("Destination country"), validators=[DataRequired()])
    destination_port = StringField(
        _l("Destination port or place"), validators=[DataRequired(), Length(min=2, max=100)]
    )
    consignee = TextAreaField(
        _l("Consignee"),
        validators=[DataRequired(), Length(min=5, max=1000)],
        description=_l("Name and full address, as the bill of lading names them."),
    )
    notify_party = TextAreaField(_l("Notify party"), validators=[Optional(), Length(max=1000)])
    buyer_po_number = StringField(_l("Your PO number"), validators=[Optional(), Length(max=50)])
    requested_delivery_date = DateField(_l("Requested delivery date"), validators=[Optional()])
    payment_terms = RadioField(_l("Payment terms"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes to the seller"), validators=[Optional(), Length(max=2000)])
    # The goods total the review page showed, in minor units: a price changed since refuses.
    expected_total_minor = IntegerField(widget=HiddenInput(), validators=[Optional()])


class CancelForm(CorridorForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])


class ConfirmDeliveryForm(CorridorForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class OrderFilterForm(CorridorForm):
    """The order list's filters, read from the query string (both parties' lists)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    counterparty = SelectField(_l("Company"), validators=[Optional()])
    po = StringField(_l("PO number"), validators=[Optional(), Length(max=50)])
    placed_from = DateField(_l("Placed from"), validators=[Optional()], name="from")
    placed_to = DateField(_l("Placed until"), validators=[Optional()], name="to")


def status_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Any"))), *((s.value, str(STATUS_LABELS[s])) for s in OrderStatus)]
