"""Licence quantities in words for the reader: a number formatted in the reader's locale
(babel) with the unit the order line or listing is counted in, or kilograms of net
explosive mass. A licence counted in units carries no unit of its own, so the unit is the
one its goods are sold in (200 TNE of ammonium nitrate reads "200 t", not "200 units")."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal
from flask_babel import LazyString, get_locale, lazy_gettext

# UN/ECE Rec 20 codes with a unit symbol people read on a licence; others read "units".
UNIT_AMOUNTS: dict[str, LazyString] = {
    "TNE": lazy_gettext("%(amount)s t"),
    "KGM": lazy_gettext("%(amount)s kg"),
    "LTR": lazy_gettext("%(amount)s l"),
    "MTQ": lazy_gettext("%(amount)s m³"),
    "MTK": lazy_gettext("%(amount)s m²"),
    "MTR": lazy_gettext("%(amount)s m"),
    "PCE": lazy_gettext("%(amount)s pieces"),
    "SET": lazy_gettext("%(amount)s sets"),
}


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
    template = UNIT_AMOUNTS.get((unit or "").upper())
    if template is None:
        return str(lazy_gettext("%(units)s units", units=number_text(amount)))
    return str(template % {"amount": number_text(amount)})
