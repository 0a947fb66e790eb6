"""The buyer's order forms: the cart, checkout, cancel and confirm delivery.

Prices, sellers and statuses are never fields here: the cart and the order take them from
the listing and the lifecycle, so whatever else a request carries is simply not read.
The labels and the list filter both parties' pages share are in ``app.web.order_labels``
and ``app.web.order_pages``.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from app.models.base import QUANTITY_PLACES
from app.web.forms import CorridorForm, ExactDecimalField, WholeNumberField
from app.web.places import PlaceField
from app.web.tolerance_fields import ToleranceFields


class CartForm(CorridorForm):
    """Add a listing to the cart, change its quantity, or remove it with 0."""

    product = HiddenField(validators=[DataRequired()])
    # Read by the one number rule (0 removes the line); the cart service judges the
    # quantity against the listing (its unit's decimals, its MOQ, the largest order) and
    # words that refusal. Read finer than any unit allows, so that 12.5 pieces is refused
    # with the unit's rule rather than a bare "Enter a whole number".
    quantity = ExactDecimalField(
        _l("Quantity"),
        validators=[InputRequired(message=_l("Enter a number."))],
        places=QUANTITY_PLACES + 6,
        minimum=None,  # below the MOQ, negatives included, is the service's to word
    )
    next = HiddenField()


class CheckoutForm(ToleranceFields, CorridorForm):
    """The terms of one order; the lines and their prices come from the cart."""

    delivery = SelectField(
        _l("Incoterm and named place"),
        validators=[DataRequired()],
        description=_l("The Incoterms® 2020 rules every listing of this order offers."),
    )
    destination_country = SelectField(_l("Destination country"), validators=[DataRequired()])
    # Picked from the UN/LOCODE places (an inland place under D-terms, so not ports only).
    destination_port = PlaceField(
        _l("Destination port or place"),
        validators=[DataRequired(), Length(min=2, max=100)],
        ports=False,
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
    expected_total_minor = WholeNumberField(widget=HiddenInput(), validators=[Optional()])


class CancelForm(CorridorForm):
    reason = TextAreaField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])


class ConfirmDeliveryForm(CorridorForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])
