"""The seller's order forms: accept, reject, start production, record a shipment, trust."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.money import MAX_CURRENCY_EXPONENT
from app.web.forms import CorridorForm, ExactDecimalField, WholeNumberField
from app.web.places import PlaceField
from app.web.seller.forms import QuantityField, _RowForm

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
    # The order line the packages hold (choices set by the view) and their container.
    line_no = SelectField(_l("Order line"), validators=[Optional()], validate_choice=False)
    container_number = StringField(_l("Container"), validators=[Optional(), Length(max=15)])


class ShipmentLineRowForm(_RowForm):
    """How much of one order line the shipment carries; the view prefills what is left."""

    line_no = HiddenField()
    # Held to the order line's unit by the view (``for_unit``): 2480.350 t, 40 pieces.
    quantity = QuantityField(_l("Quantity shipped"), validators=[Optional()])


# ISO 6346 size and type codes of the containers general cargo travels in.
CONTAINER_TYPES = (
    ("22G1", _l("20 ft general purpose (22G1)")),
    ("42G1", _l("40 ft general purpose (42G1)")),
    ("45G1", _l("40 ft high cube (45G1)")),
    ("22R1", _l("20 ft reefer (22R1)")),
    ("45R1", _l("40 ft high cube reefer (45R1)")),
    ("22U1", _l("20 ft open top (22U1)")),
    ("22P1", _l("20 ft flat rack (22P1)")),
)


class ContainerRowForm(_RowForm):
    container_number = StringField(_l("Container number"), validators=[Optional(), Length(max=15)])
    # The service checks the code (a row left empty posts none).
    container_type = SelectField(
        _l("Size and type"),
        choices=[SelectChoice(code, name) for code, name in CONTAINER_TYPES],
        validate_choice=False,
    )
    seal_number = StringField(_l("Seal number"), validators=[Optional(), Length(max=40)])
    packed_by = StringField(_l("Packed by"), validators=[Optional(), Length(max=120)])
    packed_at = StringField(_l("Packed at"), validators=[Optional(), Length(max=100)])
    packed_on = DateField(_l("Packed on"), validators=[Optional()])


CONTAINER_ROWS = 2
MAX_CONTAINER_ROWS = 50
MAX_LINE_ROWS = 500


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
    port_of_loading = PlaceField(
        _l("Port of loading"), validators=[DataRequired(), Length(max=100)]
    )
    port_of_discharge = PlaceField(
        _l("Port of discharge"), validators=[DataRequired(), Length(max=100)]
    )
    etd = DateField(_l("ETD"), validators=[InputRequired()])
    eta = DateField(_l("ETA"), validators=[InputRequired()])
    net_weight_kg = _weight(_l("Net weight of the shipment (kg)"), InputRequired())
    gross_weight_kg = _weight(_l("Gross weight of the shipment (kg)"), InputRequired())
    packages = FieldList(
        FormField(PackageRowForm), min_entries=PACKAGE_ROWS, max_entries=MAX_PACKAGE_ROWS
    )
    lines = FieldList(FormField(ShipmentLineRowForm), max_entries=MAX_LINE_ROWS)
    containers = FieldList(
        FormField(ContainerRowForm), min_entries=CONTAINER_ROWS, max_entries=MAX_CONTAINER_ROWS
    )
    # Offered on an order allowed partial shipments (the template asks ``partial_shipments``).
    last_lot = BooleanField(
        _l("This is the last lot"),
        description=_l(
            "The order closes with this lot: every line must then have shipped within its "
            "tolerance. A lot that ships everything left closes it too."
        ),
    )


class CloseBalanceForm(CorridorForm):
    """The seller closes a partly shipped order at what its lots carried."""

    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=2000)])


class TrustForm(CorridorForm):
    """Give or withdraw open-account terms (net 30) for one buyer."""

    buyer = HiddenField(validators=[DataRequired()])
    trusted = HiddenField(validators=[DataRequired()])
