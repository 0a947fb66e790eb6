"""Reading the figures of RFQs, quotes and counters: quantities, prices, charges, texts.

Quantities are exact decimals read by their unit's rule (``app.reference.units``): whole
pieces and sets, tonnes and litres to the thousandth (issue #20).
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext, lazy_ngettext

from app.money import Money, currency_exponent
from app.numbers import NumberProblem, parse_decimal
from app.reference import units
from app.services.errors import ValidationFailed

# A price or a charge: far inside BIGINT in minor units, line totals included.
MAX_AMOUNT = Decimal(10) ** 12


def parse_quantity(raw: object, unit: str, field: str = "quantity") -> Decimal:
    """A quantity of ``unit`` by its rule (at least one step: 1 piece, 0.001 t), exactly;
    too many decimals is refused naming the rule."""
    try:
        return units.parse_quantity(raw, unit)
    except NumberProblem as problem:
        raise ValidationFailed(problem.message, field) from None


def parse_amount_minor(
    raw: object, currency: str, field: str, *, required: bool = True
) -> int | None:
    """An amount typed in ``currency`` (a price or a charge), in minor units; blank is
    None unless ``required``."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise ValidationFailed(lazy_gettext("Enter an amount."), field)
        return None
    try:
        value = parse_decimal(raw, places=currency_exponent(currency), maximum=MAX_AMOUNT)
    except NumberProblem as problem:
        raise ValidationFailed(problem.message, field) from None
    return Money(value, currency).to_minor()


def clean_text(raw: str | None, field: str, *, limit: int, minimum: int = 0) -> str:
    """The text stripped; shorter than ``minimum`` or longer than ``limit`` is refused
    (never cut short)."""
    text = (raw or "").strip()
    if len(text) > limit:
        raise ValidationFailed(
            lazy_ngettext(
                "Field cannot be longer than %(max)d character.",
                "Field cannot be longer than %(max)d characters.",
                limit,
                max=limit,
            ),
            field,
        )
    if len(text) < minimum:
        raise ValidationFailed(lazy_gettext("This field is required."), field)
    return text


def quantity_text(value: Decimal) -> str:
    """A quantity as people read it: no trailing zeros (500, not 500.000)."""
    text = format(value.normalize(), "f")
    return text
