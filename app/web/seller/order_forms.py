"""The seller's order forms: accept, reject, start production, record a shipment, trust."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.money import MAX_CURRENCY_EXPONENT
from app.web.forms import CorridorForm, ExactDecimalField, WholeNumberField
from app.web.seller.forms import _RowForm

PACKAGE_ROWS = 4
MAX_PACKAGE_ROWS = 30
# Far above any real consignment, far below what the BIGINT gram and minor-unit columns hold.
MAX_AMOUNT = Decimal(10) ** 12
MAX_WEIGHT_KG = Decimal(10) ** 9


def _charge(label: object, description: object) -> ExactDecimalField:
    """Freight or insurance; the view holds it to the order currency's decimals."""
    return ExactDecimalField(
        label,
        [Optional()],
        places=MAX_CURRENCY_EXPONENT,
        maximum=MAX_AMOUNT,
        description=description,
    )


def _weight(label: object, *validators: object) -> ExactDecimalField:
    """Kilograms to the gram, as stored."""
    return ExactDecimalField(label, list(validators), places=3, maximum=MAX_WEIGHT_KG)


class AcceptForm(CorridorForm):
    """Accept an order; the view drops freight/insurance where the Incoterm leaves them to the buyer."""

    confirmed_ship_date = DateField(_l("Confirmed ship date"), validators=[InputRequired()])
    freight = _charge(_l("Freight"), _l("The main carriage, which this Incoterm puts on you."))
    insurance = _charge(_l("Insurance"), _l("Cargo insurance, which this Incoterm puts on you."))
    note = TextAreaField(_l("Note to the buyer (optional)"), validators=[Length(max=2000)])


class RejectForm(CorridorForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(message=_l("Tell the buyer why you reject the order.")),
            Length(max=2000),
        ],
    )


class StartProductionForm(CorridorForm):
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=2000)])


class PackageRowForm(_RowForm):
    count = WholeNumberField(
        _l("Number of packages"), validators=[Optional()], minimum=1, maximum=1_000_000
    )
    package_type = StringField(_l("Package type"), validators=[Optional(), Length(max=40)])
    marks = TextAreaField(_l("Shipping marks"), validators=[Optional(), Length(max=1000)])
    contents = StringField(_l("Contents"), validators=[Optional(), Length(max=200)])
    net_weight_kg = _weight(_l("Net weight (kg)"), Optional())
    gross_weight_kg = _weight(_l("Gross weight (kg)"), Optional())


class ShipmentForm(CorridorForm):
    mode = SelectField(_l("Mode of transport"), validators=[DataRequired()])
    carrier = StringField(_l("Carrier"), validators=[DataRequired(), Length(max=100)])
    vessel = StringField(_l("Vessel"), validators=[Optional(), Length(max=100)])
    voyage = StringField(_l("Voyage"), validators=[Optional(), Length(max=40)])
    flight = StringField(_l("Flight"), validators=[Optional(), Length(max=40)])
    transport_document_number = StringField(
        _l("B/L or AWB number"), validators=[DataRequired(), Length(max=60)]
    )
    container_numbers = TextAreaField(
        _l("Container numbers"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Separated by spaces or commas, e.g. MSCU1234567."),
    )
    port_of_loading = StringField(
        _l("Port of loading"), validators=[DataRequired(), Length(max=100)]
    )
    port_of_discharge = StringField(
        _l("Port of discharge"), validators=[DataRequired(), Length(max=100)]
    )
    etd = DateField(_l("ETD"), validators=[InputRequired()])
    eta = DateField(_l("ETA"), validators=[InputRequired()])
    net_weight_kg = _weight(_l("Net weight of the shipment (kg)"), InputRequired())
    gross_weight_kg = _weight(_l("Gross weight of the shipment (kg)"), InputRequired())
    packages = FieldList(
        FormField(PackageRowForm), min_entries=PACKAGE_ROWS, max_entries=MAX_PACKAGE_ROWS
    )


class TrustForm(CorridorForm):
    """Give or withdraw open-account terms (net 30) for one buyer."""

    buyer = HiddenField(validators=[DataRequired()])
    trusted = HiddenField(validators=[DataRequired()])
