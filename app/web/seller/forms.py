"""The listing form: one page with the trade data a listing carries."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms import Form as PlainForm
from wtforms.validators import DataRequired, Length, Optional

from app.web.forms import CorridorForm, as_choices

PRICE_TIER_ROWS = 4
INCOTERM_ROWS = 4
SPECIFICATION_ROWS = 8
# Offered first in the currency list; the service accepts any tradable ISO 4217 code.
LISTING_CURRENCIES = ("USD", "CNY", "PKR", "EUR", "GBP", "AED", "SAR", "JPY", "KWD")


class _RowForm(PlainForm):
    """Sub-forms inside the CSRF-protected listing form need no token of their own."""

    class Meta:
        def get_translations(self, form: object) -> object:
            from app.web.forms import _BabelTranslations

            return _BabelTranslations()


class PriceTierForm(_RowForm):
    min_quantity = IntegerField(_l("From quantity"), validators=[Optional()])
    unit_price = DecimalField(_l("Unit price"), validators=[Optional()])


class IncotermForm(_RowForm):
    rule = SelectField(_l("Incoterm"), validators=[Optional()])
    named_place = StringField(_l("Named place"), validators=[Optional(), Length(max=100)])


class SpecificationForm(_RowForm):
    name = StringField(_l("Property"), validators=[Optional(), Length(max=80)])
    value = StringField(_l("Value"), validators=[Optional(), Length(max=200)])


class ListingForm(CorridorForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Plain text. Grades, uses, certificates, packing."),
    )
    category = SelectField(_l("Category"), validators=[DataRequired()])
    hs_code = StringField(
        _l("HS code"),
        validators=[DataRequired(), Length(max=14)],
        description=_l("6 to 10 digits, e.g. 3602.00 for prepared explosives."),
    )
    unit = SelectField(_l("Unit"), validators=[DataRequired()])
    moq = IntegerField(_l("Minimum order quantity"), validators=[Optional()])
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
    stock_quantity = IntegerField(_l("Stock quantity"), validators=[Optional()])
    lead_time_days = IntegerField(
        _l("Lead time (days)"),
        validators=[Optional()],
        description=_l("Required for made-to-order items."),
    )
    origin_country = SelectField(_l("Country of origin"), validators=[DataRequired()])
    incoterms = FieldList(
        FormField(IncotermForm), min_entries=INCOTERM_ROWS, max_entries=INCOTERM_ROWS
    )
    package_type = SelectField(_l("Package type"), validators=[Optional()])
    units_per_package = IntegerField(_l("Units per package"), validators=[Optional()])
    net_weight_kg = DecimalField(_l("Net weight per package (kg)"), validators=[Optional()])
    gross_weight_kg = DecimalField(_l("Gross weight per package (kg)"), validators=[Optional()])
    length_cm = DecimalField(_l("Length (cm)"), validators=[Optional()])
    width_cm = DecimalField(_l("Width (cm)"), validators=[Optional()])
    height_cm = DecimalField(_l("Height (cm)"), validators=[Optional()])
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
    net_explosive_mass_kg = DecimalField(
        _l("Net explosive mass per package (kg)"), validators=[Optional()]
    )
    export_licence_required = BooleanField(_l("Export licence required"))
    specifications = FieldList(
        FormField(SpecificationForm), min_entries=SPECIFICATION_ROWS, max_entries=SPECIFICATION_ROWS
    )


class ListingActionForm(CorridorForm):
    """Publish, archive, duplicate: a button and the CSRF token."""
