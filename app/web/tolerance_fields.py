"""The quantity tolerance's two fields and the partial-shipments box, as checkout and the
seller's quote form ask them.

"More or less 5 % at seller's option" (UCP 600 art. 30): a whole percent, blank for none,
and whose option it is. The percent is read by the service's own rule
(``app.services.orders.tolerance.parse_tolerance``), here too, so that checkout refuses 11 %
on the field before the review page rather than when the order is placed.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Field, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from app.services.errors import ValidationFailed
from app.services.orders.lots import allowed_partial_shipments
from app.services.orders.tolerance import MAX_PERCENT, parse_tolerance
from app.services.orders.weight_terms import parse_provisional_percent
from app.web.forms import as_choices

TOLERANCE_OPTION_LABELS = {
    "seller": _l("Seller's option"),
    "buyer": _l("Buyer's option"),
}


def _whole_percent(form: Any, field: Field) -> None:
    try:
        parse_tolerance(field.data, None)
    except ValidationFailed as error:
        raise ValidationError(str(error)) from None


def _provisional_percent(form: Any, field: Field) -> None:
    # Checked with the payment terms chosen: an L/C takes no provisional invoice here.
    try:
        parse_provisional_percent(field.data, _payment_terms(form))
    except ValidationFailed as error:
        raise ValidationError(str(error)) from None


def _partial_shipments(form: Any, field: Field) -> None:
    try:
        allowed_partial_shipments(bool(field.data), _payment_terms(form))
    except ValidationFailed as error:
        raise ValidationError(str(error)) from None


def _payment_terms(form: Any) -> str:
    terms = getattr(form, "payment_terms", None)
    return str(terms.data or "") if terms is not None else ""


class ToleranceFields:
    """Mixed into a form: ``tolerance_percent``, ``tolerance_option`` and
    ``partial_shipments``, named as the services name their refusals, so ``attempt`` puts
    those on these fields."""

    tolerance_percent = StringField(
        _l("Quantity tolerance (%)"),
        validators=[Optional(), _whole_percent],
        description=_l(
            "A whole number from 0 to %(most)s: each line may ship that much more or less. "
            "Leave blank for none.",
            most=MAX_PERCENT,
        ),
        render_kw={"inputmode": "numeric"},
    )
    tolerance_option = SelectField(
        _l("At whose option"),
        choices=as_choices(tuple(TOLERANCE_OPTION_LABELS.items())),
        default="seller",
        description=_l("Who chooses, within the tolerance, how much ships."),
    )
    provisional_percent = StringField(
        _l("Provisional invoice, percent of the value"),
        validators=[Optional(), _provisional_percent],
        description=_l(
            "Weight terms: each lot is invoiced at this percent of its value on the loading "
            "weight, then finally on the outturn weight at discharge. Leave blank for one "
            "invoice."
        ),
        render_kw={"inputmode": "numeric"},
    )
    partial_shipments = BooleanField(
        _l("Partial shipments allowed"),
        validators=[_partial_shipments],
        description=_l(
            "The seller may ship the order in several lots, each with its own B/L and "
            "invoice. Not with letter of credit terms."
        ),
    )
