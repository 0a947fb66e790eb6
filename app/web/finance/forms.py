"""Finance forms: the register filter (a GET form, so a view is a shareable URL), credit notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.i18n import number_range
from app.models import DocumentKind
from app.money import MAX_CURRENCY_EXPONENT
from app.services.finance.register import (
    SORTS,
    AgingBucket,
    Direction,
    InvoiceStatus,
    RegisterFilter,
)
from app.web.forms import CorridorForm, ExactDecimalField, as_choices
from app.web.once import SubmissionKeyField
from app.web.order_labels import DOCUMENT_KIND_LABELS

DIRECTION_LABELS = {Direction.ISSUED: _l("Issued"), Direction.RECEIVED: _l("Received")}
STATUS_LABELS = {
    InvoiceStatus.PAID: _l("Paid"),
    InvoiceStatus.PARTLY_PAID: _l("Partly paid"),
    InvoiceStatus.UNPAID: _l("Unpaid"),
    InvoiceStatus.OVERDUE: _l("Overdue"),
}
AGING_LABELS = {
    AgingBucket.CURRENT: _l("Current"),
    # The range is formatted apart from the words so it reads "1–30" in Urdu too.
    AgingBucket.DAYS_1_30: LazyString(lambda: gettext("%(range)s days", range=number_range(1, 30))),
    AgingBucket.DAYS_31_60: LazyString(
        lambda: gettext("%(range)s days", range=number_range(31, 60))
    ),
    AgingBucket.DAYS_61_90: LazyString(
        lambda: gettext("%(range)s days", range=number_range(61, 90))
    ),
    AgingBucket.OVER_90: _l("Over 90 days"),
}
SORT_LABELS = {
    "-issued": _l("Newest first"),
    "issued": _l("Oldest first"),
    "number": _l("Number"),
    "-amount": _l("Largest amount"),
    "amount": _l("Smallest amount"),
    "counterparty": _l("Counterparty"),
    "due": _l("Due date"),
}
REGISTER_KINDS = (DocumentKind.COMMERCIAL_INVOICE, DocumentKind.CREDIT_NOTE)


def _any(labels: dict[Any, Any]) -> list[tuple[str, str]]:
    return [("", gettext("Any"))] + [(str(key), str(label)) for key, label in labels.items()]


# Far above any invoice, and in minor units still far inside a 64-bit integer.
MAX_AMOUNT = Decimal(10**12)
# Days the register can filter on; a year like 9999 has no day after it to bound the range.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


class RegisterFilterForm(CorridorForm):
    class Meta:
        csrf = False  # a GET filter: nothing changes, and the URL stays shareable

    date_from = DateField(_l("Issued from"), validators=[Optional()])
    date_to = DateField(_l("Issued to"), validators=[Optional()])
    counterparty = SelectField(_l("Counterparty"), validators=[Optional()])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    direction = SelectField(_l("Issued or received"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    currency = SelectField(_l("Currency"), validators=[Optional()])
    # Any currency's decimals: the register holds invoices in several.
    amount_min = ExactDecimalField(
        _l("Amount from"), [Optional()], places=MAX_CURRENCY_EXPONENT, maximum=MAX_AMOUNT
    )
    amount_max = ExactDecimalField(
        _l("Amount to"), [Optional()], places=MAX_CURRENCY_EXPONENT, maximum=MAX_AMOUNT
    )
    q = StringField(_l("Number or buyer PO"), validators=[Optional(), Length(max=60)])
    aging = SelectField(_l("Days past due"), validators=[Optional()])
    sort = SelectField(_l("Sort"), validators=[Optional()])

    def __init__(
        self,
        args: MultiDict[str, str],
        counterparties: list[tuple[str, str]],
        currencies: list[str],
    ) -> None:
        super().__init__(formdata=args)
        self.counterparty.choices = as_choices([("", gettext("Any")), *counterparties])
        self.kind.choices = as_choices(
            _any({kind.value: DOCUMENT_KIND_LABELS[kind] for kind in REGISTER_KINDS})
        )
        self.direction.choices = as_choices(_any(DIRECTION_LABELS))
        self.status.choices = as_choices(_any(STATUS_LABELS))
        self.currency.choices = as_choices([("", gettext("Any"))] + [(c, c) for c in currencies])
        self.aging.choices = as_choices(_any(AGING_LABELS))
        self.sort.choices = as_choices([(key, str(label)) for key, label in SORT_LABELS.items()])

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        for field in (self.date_from, self.date_to):
            if field.data and not FIRST_DAY <= field.data <= LAST_DAY:
                field.errors = [*field.errors, gettext("Choose a date between 1900 and 2999.")]
                valid = False
        if self.date_from.data and self.date_to.data and self.date_from.data > self.date_to.data:
            self.date_to.errors = [*self.date_to.errors, gettext("The end is before the start.")]
            valid = False
        if (
            self.amount_min.data is not None
            and self.amount_max.data is not None
            and self.amount_min.data > self.amount_max.data
        ):
            self.amount_max.errors = [
                *self.amount_max.errors,
                gettext("The upper amount is below the lower one."),
            ]
            valid = False
        return valid

    def register_filter(self) -> RegisterFilter:
        """The filter the form describes; a field with an error is left out, never guessed."""

        def good(name: str) -> Any:
            field = getattr(self, name)
            return None if field.errors or field.data in (None, "") else field.data

        sort = good("sort") or "-issued"
        return RegisterFilter(
            date_from=good("date_from"),
            date_to=good("date_to"),
            counterparty=good("counterparty"),
            kind=DocumentKind(good("kind")) if good("kind") else None,
            direction=Direction(good("direction")) if good("direction") else None,
            status=InvoiceStatus(good("status")) if good("status") else None,
            currency=good("currency"),
            amount_min=good("amount_min"),
            amount_max=good("amount_max"),
            q=(good("q") or "").strip(),
            aging=AgingBucket(good("aging")) if good("aging") else None,
            sort=sort if sort.lstrip("-") in SORTS else "-issued",
        )


class CreditNoteForm(CorridorForm):
    """A credit note's amount and reason; ``for_currency`` holds the amount to the
    invoice's currency before the form is validated."""

    amount = ExactDecimalField(
        _l("Amount to credit"),
        [InputRequired()],
        places=MAX_CURRENCY_EXPONENT,
        maximum=MAX_AMOUNT,
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(), Length(min=3, max=500)],
        description=_l("Printed on the credit note, e.g. two drums short-shipped."),
    )
    submission_key = SubmissionKeyField()  # sent twice, it issues one credit note
    # Set by the confirmation page's button: the first press shows what the credit note
    # will do (an issued document never changes), the second issues it.
    confirmed = HiddenField()

    def for_currency(self, exponent: int) -> CreditNoteForm:
        """Hold the amount to the currency's decimals (``currency_exponent``)."""
        self.amount.limit(places=exponent)
        return self
