"""The listing form: one page with the trade data a listing carries."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.models.base import QUANTITY_PLACES
from app.numbers import NumberProblem
from app.reference.trade_codes import UNIT_CODES
from app.reference.units import MAX_QUANTITY, parse_quantity, quantity_places, unit_rule
from app.services.listings.listing_input import (
    DIMENSION_PLACES,
    MAX_DIMENSION_CM,
    MAX_UNIT_PRICE,
    MAX_WEIGHT_KG,
    PRICE_PLACES,
    WEIGHT_PLACES,
)
from app.web.forms import CorridorForm, ExactDecimalField, RowForm, WholeNumberField, as_choices
from app.web.places import PlaceField

PRICE_TIER_ROWS = 4
INCOTERM_ROWS = 4
SPECIFICATION_ROWS = 8
# Offered first in the currency list; the service accepts any tradable ISO 4217 code.
LISTING_CURRENCIES = ("USD", "CNY", "PKR", "EUR", "GBP", "AED", "SAR", "JPY", "KWD")


def _count(label: object, **kwargs: object) -> WholeNumberField:
    """A count (units per package, days), read by the rule the import and the checks share."""
    return WholeNumberField(label, [Optional()], maximum=MAX_QUANTITY, **kwargs)


class QuantityField(ExactDecimalField):
    """A quantity in a unit (a listing's MOQ, stock, a tier's start; a shipped line): to the
    thousandth for tonnes and kilograms, whole for pieces and sets, refused with the unit's
    rule, zero or more unless ``minimum`` says otherwise.

    The unit is known only once the form is built (another field, or the order's line), so
    ``for_unit`` sets it; until then the finest rule applies. ``data`` is the exact Decimal
    (12.345, never a float).
    """

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, places=QUANTITY_PLACES, maximum=MAX_QUANTITY, **kwargs)
        self.unit = ""

    def for_unit(self, unit: str) -> None:
        """Hold the box to ``unit``'s rule, show the rule beside it, read the text again."""
        self.unit = unit
        self.description = unit_rule(unit)
        places = quantity_places(unit)
        shown: dict[str, Any] = dict(getattr(self, "render_kw", None) or {})
        self.render_kw = {**shown, "inputmode": self._input_mode(places)}
        self.limit(places=places)

    def _read(self) -> None:
        self.problem = None
        text = self.raw_data[0] if self.raw_data else ""
        if not str(text).strip():
            return  # blank: Optional judges
        try:
            self.data = parse_quantity(
                str(text), self.unit, minimum=self.minimum, maximum=self.maximum
            )
        except NumberProblem as problem:
            self.data, self.problem = None, str(problem)


def _quantity(label: object) -> QuantityField:
    return QuantityField(label, [Optional()])


def _weight(label: object) -> ExactDecimalField:
    return ExactDecimalField(label, [Optional()], places=WEIGHT_PLACES, maximum=MAX_WEIGHT_KG)


def _dimension(label: object) -> ExactDecimalField:
    return ExactDecimalField(label, [Optional()], places=DIMENSION_PLACES, maximum=MAX_DIMENSION_CM)


_RowForm = RowForm  # sub-forms of the CSRF-protected listing form


class PriceTierForm(_RowForm):
    min_quantity = _quantity(_l("From quantity"))
    # The currency's own decimals are the listing checks' to hold it to (the currency is
    # another field); here the most any currency has.
    unit_price = ExactDecimalField(
        _l("Unit price"), [Optional()], places=PRICE_PLACES, maximum=MAX_UNIT_PRICE
    )


class IncotermForm(_RowForm):
    rule = SelectField(_l("Incoterm"), validators=[Optional()])
    named_place = PlaceField(_l("Named place"), validators=[Optional(), Length(max=100)])


class SpecificationForm(_RowForm):
    name = StringField(_l("Property"), validators=[Optional(), Length(max=80)])
    value = StringField(_l("Value"), validators=[Optional(), Length(max=200)])
    name_zh = StringField(_l("Property in Chinese"), validators=[Optional(), Length(max=80)])
    name_ur = StringField(_l("Property in Urdu"), validators=[Optional(), Length(max=80)])


class ListingForm(CorridorForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Plain text. Grades, uses, certificates, packing."),
    )
    # The seller's own wording for Chinese and Urdu buyers; English stands in where blank.
    title_zh = StringField(_l("Title in Chinese"), validators=[Optional(), Length(max=200)])
    description_zh = TextAreaField(
        _l("Description in Chinese"), validators=[Optional(), Length(max=5000)]
    )
    title_ur = StringField(_l("Title in Urdu"), validators=[Optional(), Length(max=200)])
    description_ur = TextAreaField(
        _l("Description in Urdu"), validators=[Optional(), Length(max=5000)]
    )
    category = SelectField(_l("Category"), validators=[DataRequired()])
    hs_code = StringField(
        _l("HS code"),
        validators=[DataRequired(), Length(max=14)],
        description=_l("6 to 10 digits, e.g. 3602.00 for prepared explosives."),
    )
    unit = SelectField(_l("Unit"), validators=[DataRequired()])
    moq = _quantity(_l("Minimum order quantity"))
    currency = SelectField(_l("Currency"), validators=[DataRequired()])
    price_tiers = FieldList(
        FormField(PriceTierForm), min_entries=PRICE_TIER_ROWS, max_entries=PRICE_TIER_ROWS
    )
    availability = RadioField(
        _l("Availability"),
        choices=as_choices((("stock", _l("From stock")), ("made_to_order", _l("Made to order")))),
        default="stock",
        validators=[DataRequired()],
    )
    stock_quantity = _quantity(_l("Stock quantity"))
    lead_time_days = _count(
        _l("Lead time (days)"), description=_l("Required for made-to-order items.")
    )
    origin_country = SelectField(_l("Country of origin"), validators=[DataRequired()])
    origin_port = PlaceField(
        _l("Port of loading"),
        validators=[Optional(), Length(max=100)],
        description=_l("Where the goods leave for export; shipments start from it."),
    )
    incoterms = FieldList(
        FormField(IncotermForm), min_entries=INCOTERM_ROWS, max_entries=INCOTERM_ROWS
    )
    package_type = SelectField(_l("Package type"), validators=[Optional()])
    units_per_package = _count(_l("Units per package"))
    net_weight_kg = _weight(_l("Net weight per package (kg)"))
    gross_weight_kg = _weight(_l("Gross weight per package (kg)"))
    length_cm = _dimension(_l("Length (cm)"))
    width_cm = _dimension(_l("Width (cm)"))
    height_cm = _dimension(_l("Height (cm)"))
    un_number = StringField(
        _l("UN number"), validators=[Optional(), Length(max=8)], description=_l("e.g. UN0241")
    )
    proper_shipping_name = StringField(
        _l("Proper shipping name"), validators=[Optional(), Length(max=200)]
    )
    hazard_class = StringField(
        _l("Class and division"),
        validators=[Optional(), Length(max=5)],
        description=_l("With the compatibility group for class 1, e.g. 1.1D or 1.4B."),
    )
    packing_group = SelectField(_l("Packing group"), validators=[Optional()])
    net_explosive_mass_kg = _weight(_l("Net explosive mass per package (kg)"))
    subsidiary_risk = StringField(
        _l("Subsidiary risk"),
        validators=[Optional(), Length(max=20)],
        description=_l("Classes of any subsidiary hazard, e.g. 6.1; blank if none."),
    )
    ems = StringField(
        _l("EmS"),
        validators=[Optional(), Length(max=20)],
        description=_l("The IMDG emergency schedules, e.g. F-B, S-Y."),
    )
    # Controlled goods beyond class 1 (e.g. precursors): sold only under licence.
    export_licence_required = BooleanField(_l("Controlled goods: sold only under licence"))
    specifications = FieldList(
        FormField(SpecificationForm), min_entries=SPECIFICATION_ROWS, max_entries=SPECIFICATION_ROWS
    )

    def hold_quantities_to_unit(self) -> str:
        """Hold every quantity box to the chosen unit's rule (the first unit on a blank
        form, as the list shows it selected); returns the unit."""
        unit = self.unit.data if self.unit.data in UNIT_CODES else next(iter(UNIT_CODES))
        self.moq.for_unit(unit)
        self.stock_quantity.for_unit(unit)
        for row in self.price_tiers:
            row.form.min_quantity.for_unit(unit)
        return unit


class ListingActionForm(CorridorForm):
    """Publish, archive, duplicate: a button and the CSRF token."""
