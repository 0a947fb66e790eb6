"""Licence quantities in words for the reader: a number formatted in the reader's locale
(babel) with the unit the order line or listing is counted in, or kilograms of net
explosive mass. A licence counted in units carries no unit of its own, so the unit is the
one its goods are sold in (200 TNE of ammonium nitrate reads "200 t", not "200 units")."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import get_locale, lazy_gettext

from app.reference.units import unit_amount


def number_text(value: int | Decimal) -> str:
    """A quantity in the reader's locale, exactly (no rounding): 449955 → "449,955"."""
    return str(format_decimal(value, locale=get_locale(), decimal_quantization=False))


def nem_text(grams: int | Decimal) -> str:
    """Grams of net explosive mass as kilograms, exactly: 449955000 → "449,955 kg NEM"."""
    kg = Decimal(grams) / 1000
    kg = kg.quantize(Decimal(1)) if kg == kg.to_integral_value() else kg.normalize()
    return str(lazy_gettext("%(kg)s kg NEM", kg=number_text(kg)))


def units_text(amount: int | Decimal, unit: str | None) -> str:
    """An amount in the goods' own unit, exactly: 200 TNE → "200 t", 12.5 TNE → "12.5 t";
    unknown unit → "200 units"."""
    # The words every page uses for the unit (app.reference.units); a unit without any
    # reads "units" here, as a licence counted in units does.
    text = unit_amount(number_text(amount), amount, unit or "")
    if text is None:
        return str(lazy_gettext("%(units)s units", units=number_text(amount)))
    return text
