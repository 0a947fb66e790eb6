"""The seller's order forms: accept, reject, start production, record a shipment, trust."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    Field,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.web.forms import CorridorForm
from app.web.seller.forms import _RowForm

PACKAGE_ROWS = 4
MAX_PACKAGE_ROWS = 30
# Far above any real consignment, far below what the BIGINT gram and minor-unit columns hold.
MAX_AMOUNT = Decimal(10) ** 12
MAX_WEIGHT_KG = Decimal(10) ** 9


def finite_amount(maximum: Decimal) -> Callable[[object, Field], None]:
    """DecimalField accepts "NaN" and "Infinity"; no charge or weight is either."""

    def check(form: object, field: Field) -> None:
        value = field.data
        if value is None:
            return
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValidationError(_l("Not a valid decimal value."))
        if value < 0:
            raise ValidationError(_l("Number must be at least %(min)s.", min=0))
        if value > maximum:
            raise ValidationError(_l("Number must be at most %(max)s.", max=maximum))

    return check


class AcceptForm(CorridorForm):
    """Accept an order; the view drops freight/insurance where the Incoterm leaves them to the buyer."""

    confirmed_ship_date = DateField(_l("Confirmed ship date"), validators=[InputRequired()])
    freight = DecimalField(
        _l("Freight"),
        validators=[Optional(), finite_amount(MAX_AMOUNT)],
        description=_l("The main carriage, which this Incoterm puts on you."),
    )
    insurance = DecimalField(
        _l("Insurance"),
        validators=[Optional(), finite_amount(MAX_AMOUNT)],
        description=_l("Cargo insurance, which this Incoterm puts on you."),
    )
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
    count = IntegerField(
        _l("Number of packages"), validators=[Optional(), NumberRange(min=1, max=1_000_000)]
    )
    package_type = StringField(_l("Package type"), validators=[Optional(), Length(max=40)])
    marks = TextAreaField(_l("Shipping marks"), validators=[Optional(), Length(max=1000)])
    contents = StringField(_l("Contents"), validators=[Optional(), Length(max=200)])
    net_weight_kg = DecimalField(
        _l("Net weight (kg)"), validators=[Optional(), finite_amount(MAX_WEIGHT_KG)]
    )
    gross_weight_kg = DecimalField(
        _l("Gross weight (kg)"), validators=[Optional(), finite_amount(MAX_WEIGHT_KG)]
    )


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
    net_weight_kg = DecimalField(
        _l("Net weight of the shipment (kg)"),
        validators=[InputRequired(), finite_amount(MAX_WEIGHT_KG)],
    )
    gross_weight_kg = DecimalField(
        _l("Gross weight of the shipment (kg)"),
        validators=[InputRequired(), finite_amount(MAX_WEIGHT_KG)],
    )
    packages = FieldList(
        FormField(PackageRowForm), min_entries=PACKAGE_ROWS, max_entries=MAX_PACKAGE_ROWS
    )


class TrustForm(CorridorForm):
    """Give or withdraw open-account terms (net 30) for one buyer."""

    buyer = HiddenField(validators=[DataRequired()])
    trusted = HiddenField(validators=[DataRequired()])
