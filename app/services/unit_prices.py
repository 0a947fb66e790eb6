"""Reading a unit price typed by a seller or a buyer (listings, quotes, counters, RFQ
targets, outturn grade adjustments): up to two decimals beyond the currency's minor unit
(US$0.2524 per kg; issue #20), kept as exact minor units (25.24 cents)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import LazyString, lazy_gettext

from app.money import unit_price_minor, unit_price_places
from app.numbers import NumberProblem, decimal_places, parse_decimal
from app.services.errors import ValidationFailed

# Far inside a BIGINT of hundredths of a minor unit in every currency (CLF: 10^18).
MAX_UNIT_PRICE = Decimal(10) ** 12
# Read generously first, so a price with one decimal too many is refused by the price
# rule ("USD prices have at most 4 decimals"), not the generic "at most 6 decimals".
_READ_PLACES = 12


def unit_price_rule(currency: str) -> LazyString:
    """The refusal naming the rule: "USD prices have at most 4 decimals."."""
    return lazy_gettext(
        "%(currency)s prices have at most %(digits)d decimals.",
        currency=currency,
        digits=unit_price_places(currency),
    )


def read_unit_price_minor(
    raw: object,
    currency: str,
    field: str,
    *,
    required: bool = True,
) -> Decimal | None:
    """The price typed in ``currency`` in minor units ("0.2524" USD → 25.24); blank is
    None unless ``required``."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        if required:
            raise ValidationFailed(lazy_gettext("Enter an amount."), field)
        return None
    try:
        value = parse_decimal(
            text if isinstance(raw, str) else raw, places=_READ_PLACES, maximum=MAX_UNIT_PRICE
        )
    except NumberProblem as problem:
        raise ValidationFailed(problem.message, field) from None
    if decimal_places(value) > unit_price_places(currency):
        raise ValidationFailed(unit_price_rule(currency), field)
    return unit_price_minor(value, currency)
