"""The forms of RFQs and quotes, for the buyer's and the seller's pages.

Fields carry text to the quotation services, which read every figure by the one number
rule and word every refusal on the field it names; the forms only require what must be
there and carry the CSRF token.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.models import Incoterm, PaymentTerms
from app.reference.trade_codes import UNIT_CODES
from app.web.forms import CorridorForm, as_choices
from app.web.order_labels import PAYMENT_TERMS_LABELS
from app.web.places import PlaceField
from app.web.tolerance_fields import ToleranceFields

# The unit is chosen beside the quantity, so the help gives both rules (issue #20).
QUANTITY_HELP = _l(
    "Whole numbers for pieces and sets; up to 3 decimals for tonnes, kilograms, litres "
    "and other measures (for example 12.500)."
)


def incoterm_choices() -> list[tuple[str, str]]:
    return [(rule.value, rule.value) for rule in Incoterm]


def payment_terms_choices(blank: bool) -> list[tuple[str, str]]:
    pairs = [(terms.value, str(PAYMENT_TERMS_LABELS[terms])) for terms in PaymentTerms]
    return [("", str(_l("No preference"))), *pairs] if blank else pairs


class RfqForm(CorridorForm):
    """A request for quotation, from a product page (prefilled) or from scratch."""

    product = HiddenField()
    title = StringField(_l("What you need"), validators=[DataRequired(), Length(min=3, max=200)])
    description = TextAreaField(
        _l("Specification"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Grade, packing, standards, anything the seller must quote against."),
    )
    hs_code = StringField(_l("HS code"), validators=[Optional(), Length(max=14)])
    category = SelectField(_l("Category"), validators=[Optional()])
    # Read by the chosen unit's rule in the service (issue #20), so the text box stays text.
    quantity = StringField(
        _l("Quantity"),
        validators=[DataRequired()],
        description=QUANTITY_HELP,
        render_kw={"inputmode": "decimal"},
    )
    unit = SelectField(_l("Unit"), validators=[DataRequired()])
    incoterm = SelectField(_l("Incoterm"), validators=[DataRequired()])
    incoterm_place = StringField(
        _l("Named place"),
        validators=[DataRequired(), Length(min=2, max=100)],
        description=_l("For C- and D-terms, the destination port (e.g. Shanghai)."),
    )
    destination_country = SelectField(_l("Destination country"), validators=[DataRequired()])
    required_by = DateField(_l("Date wanted"), validators=[Optional()])
    payment_terms = SelectField(_l("Payment terms wanted"), validators=[Optional()])
    currency = SelectField(_l("Currency"), validators=[DataRequired()])
    target_price = StringField(_l("Target price per unit (optional)"), validators=[Optional()])
    open_days = StringField(
        _l("Open for (days)"),
        default="30",
        validators=[DataRequired()],
        description=_l("Unawarded after this many days, the request expires."),
    )
    sellers = SelectMultipleField(
        _l("Sellers"),
        validators=[Optional()],
        description=_l("Up to 10 verified sellers who list goods in the category."),
    )
    attachments = MultipleFileField(_l("Attachments (PDF or pictures)"))

    def fill_choices(self, countries: list[object], categories: list[tuple[str, str]]) -> None:
        self.unit.choices = as_choices([(code, str(label)) for code, label in UNIT_CODES.items()])
        self.incoterm.choices = as_choices(incoterm_choices())
        self.destination_country.choices = countries  # type: ignore[assignment]
        self.payment_terms.choices = as_choices(payment_terms_choices(blank=True))
        self.currency.choices = as_choices([("USD", "USD"), ("CNY", "CNY"), ("PKR", "PKR")])
        self.category.choices = as_choices([("", str(_l("Any category"))), *categories])


# Rows for further lines under the first: a fixed number keeps the page free of scripts;
# the services and the API take up to 20 lines.
MORE_QUOTE_LINES = 4


class PriceBreaks:
    """Up to three price breaks of a line ("from N units, P per unit"), on the first line
    and on every further row; a pair left blank is ignored."""

    tier_1_quantity = StringField(_l("From quantity"), validators=[Optional()])
    tier_1_price = StringField(_l("Unit price from there"), validators=[Optional()])
    tier_2_quantity = StringField(_l("From quantity"), validators=[Optional()])
    tier_2_price = StringField(_l("Unit price from there"), validators=[Optional()])
    tier_3_quantity = StringField(_l("From quantity"), validators=[Optional()])
    tier_3_price = StringField(_l("Unit price from there"), validators=[Optional()])

    def tier_fields(self) -> list[tuple[StringField, StringField]]:
        return [
            (getattr(self, f"tier_{k}_quantity"), getattr(self, f"tier_{k}_price"))
            for k in range(1, TIERS_PER_LINE + 1)
        ]

    def tiers(self) -> list[tuple[object, object]]:
        """The pairs up to the last one filled in (either half), in the order shown: a
        blank pair before it is sent too, so each refusal names the pair it is about."""
        pairs = [(quantity.data, price.data) for quantity, price in self.tier_fields()]
        while pairs and not any((half or "").strip() for half in pairs[-1]):
            pairs.pop()
        return list(pairs)


TIERS_PER_LINE = 3


class QuoteLineRow(PriceBreaks, Form):
    """A further line of a quote; a row left blank is ignored (no CSRF: it is a subform)."""

    product = SelectField(_l("Listing"), validators=[Optional()])
    title = StringField(_l("Goods (if not a listing)"), validators=[Optional(), Length(max=200)])
    hs_code = StringField(_l("HS code"), validators=[Optional(), Length(max=14)])
    quantity = StringField(_l("Quantity"), validators=[Optional()])
    unit_price = StringField(_l("Unit price"), validators=[Optional()])

    def is_blank(self) -> bool:
        return not self.tiers() and not any(
            (field.data or "").strip()
            for field in (self.product, self.title, self.hs_code, self.quantity, self.unit_price)
        )


class QuoteForm(ToleranceFields, PriceBreaks, CorridorForm):
    """A new revision: lines (a listing of the seller's or free text each) and the terms.

    The first line's fields sit on the form itself; ``more_lines`` are the optional rows.
    """

    product = SelectField(_l("Listing"), validators=[Optional()])
    title = StringField(_l("Goods (if not a listing)"), validators=[Optional(), Length(max=200)])
    hs_code = StringField(_l("HS code"), validators=[Optional(), Length(max=14)])
    quantity = StringField(
        _l("Quantity"),
        validators=[DataRequired()],
        description=QUANTITY_HELP,
        render_kw={"inputmode": "decimal"},
    )
    unit_price = StringField(_l("Unit price"), validators=[DataRequired()])
    incoterm = SelectField(_l("Incoterm"), validators=[DataRequired()])
    incoterm_place = StringField(
        _l("Named place"), validators=[DataRequired(), Length(min=2, max=100)]
    )
    freight = StringField(
        _l("Freight"),
        validators=[Optional()],
        description=_l("Only where the Incoterm puts the main carriage on you (C- and D-terms)."),
    )
    insurance = StringField(
        _l("Insurance"), validators=[Optional()], description=_l("Only under CIF and CIP.")
    )
    lead_time_days = StringField(_l("Lead time (days)"), validators=[DataRequired()])
    payment_terms = SelectField(_l("Payment terms"), validators=[DataRequired()])
    valid_until = DateTimeLocalField(
        _l("Valid until"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()]
    )
    remarks = TextAreaField(_l("Remarks"), validators=[Optional(), Length(max=2000)])
    more_lines = FieldList(
        FormField(QuoteLineRow), min_entries=MORE_QUOTE_LINES, max_entries=MORE_QUOTE_LINES
    )

    def fill_choices(self, listings: list[tuple[str, str]]) -> None:
        choices = as_choices([("", str(_l("Free text"))), *listings])
        self.product.choices = choices
        for row in self.more_lines:
            row.form.product.choices = choices
        self.incoterm.choices = as_choices(incoterm_choices())
        self.payment_terms.choices = as_choices(payment_terms_choices(blank=False))


class CounterForm(CorridorForm):
    unit_price = StringField(_l("Unit price you would accept"), validators=[Optional()])
    quantity = StringField(_l("Quantity"), validators=[Optional()])
    required_by = DateField(_l("Date wanted"), validators=[Optional()])
    payment_terms = SelectField(_l("Payment terms"), validators=[Optional()])
    note = TextAreaField(_l("Note to the seller"), validators=[Optional(), Length(max=2000)])

    def fill_choices(self) -> None:
        self.payment_terms.choices = as_choices(payment_terms_choices(blank=True))


class AwardForm(CorridorForm):
    """Accepting a revision: who receives the goods; the terms come from the revision."""

    terms_sha256 = HiddenField()
    consignee = TextAreaField(
        _l("Consignee"),
        validators=[DataRequired(), Length(min=5, max=1000)],
        description=_l("Name and full address, as the bill of lading names them."),
    )
    destination_port = PlaceField(
        _l("Destination port or place"),
        validators=[Optional(), Length(max=100)],
        ports=False,
        description=_l("Leave blank under C- and D-terms: the named place is the destination."),
    )
    notify_party = TextAreaField(_l("Notify party"), validators=[Optional(), Length(max=1000)])
    buyer_po_number = StringField(_l("Your PO number"), validators=[Optional(), Length(max=50)])


class SendForm(CorridorForm):
    """Sending a saved draft: the sellers are chosen when it is sent."""

    sellers = SelectMultipleField(
        _l("Sellers"),
        validators=[Optional()],
        description=_l("Up to 10 verified sellers who list goods in the category."),
    )


class EndForm(CorridorForm):
    note = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])


class WithdrawForm(CorridorForm):
    note = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=2000)])
