"""How finely each unit is traded (issue #20): measured goods to the thousandth, counted
goods whole, and how a reader says a quantity of each.

A tonne of chromite is sold as 12.500 t (to the kilogram); pieces, sets and cartons are
whole. The rule comes from the unit alone, so the listing form, the cart, RFQs, quotes,
orders, shipments, imports and the API all refuse the same quantities with the same words.
Stored data, the API and e-invoices keep the UN/ECE code (TNE); people read the symbol.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask_babel import LazyString, gettext, lazy_gettext, ngettext

from app.models.base import QUANTITY_PLACES
from app.numbers import NumberProblem, parse_decimal

# Units counted in whole numbers (UN/ECE Rec 20); every other unit is a measure.
COUNTED_UNITS = frozenset({"PCE", "SET"})
# How a reader says an amount of each unit (UN/ECE Rec 20 code): a measure by its symbol,
# a count by its noun in the plural form its count takes ("1 piece", "1,200 pieces").
# One table for every page and licence that prints a quantity; documents print their own
# bilingual pair (app.documents.labels.UNITS). Called with the amount as already formatted
# and the count it stands for.
UNIT_AMOUNTS: dict[str, Callable[[str, int], str]] = {
    "TNE": lambda amount, _count: gettext("%(amount)s t", amount=amount),
    "KGM": lambda amount, _count: gettext("%(amount)s kg", amount=amount),
    "LTR": lambda amount, _count: gettext("%(amount)s l", amount=amount),
    "MTQ": lambda amount, _count: gettext("%(amount)s m³", amount=amount),
    "MTK": lambda amount, _count: gettext("%(amount)s m²", amount=amount),
    "MTR": lambda amount, _count: gettext("%(amount)s m", amount=amount),
    "PCE": lambda amount, count: ngettext(
        "%(amount)s piece", "%(amount)s pieces", count, amount=amount
    ),
    "SET": lambda amount, count: ngettext(
        "%(amount)s set", "%(amount)s sets", count, amount=amount
    ),
}
# The most anyone may order, stock or ship of one thing, in its unit (fits NUMERIC(18, 3)).
MAX_QUANTITY = Decimal(10**12)


def quantity_places(unit: str) -> int:
    """How many decimals a quantity in ``unit`` may carry: 0 counted, 3 measured."""
    return 0 if unit in COUNTED_UNITS else QUANTITY_PLACES


def unit_amount(amount: str, value: Decimal | int, unit: str) -> str | None:
    """``amount`` (``value`` already formatted) with its unit as the reader says it:
    "12.500 t", "1 piece"; None for a unit without words (each caller says what then)."""
    words = UNIT_AMOUNTS.get(unit.upper())
    if words is None:
        return None
    # The plural form of a count goes by its whole number (12.500 t takes none).
    return words(amount, int(value))


def unit_word(unit: str, *, plural: bool = False) -> str:
    """The unit alone as the reader says it: "t", "吨", "ٹن"; "piece" ("per piece"), or
    with ``plural`` "pieces" (after a figure in a sentence); else its code."""
    return (unit_amount("", 2 if plural else 1, unit) or unit).strip()


def unit_rule(unit: str) -> LazyString:
    """The rule in words, shown beside every quantity box and in every refusal."""
    # The unit as the reader says it ("kg", "千克", "pieces"), evaluated when read.
    words = LazyString(lambda: unit_word(unit, plural=True))
    if quantity_places(unit) == 0:
        return lazy_gettext("Quantities in %(unit)s are whole numbers.", unit=words)
    return lazy_gettext(
        "Quantities in %(unit)s take up to 3 decimals (for example 12.500).", unit=words
    )


def parse_quantity(
    raw: object,
    unit: str,
    *,
    minimum: Decimal | int | None = None,
    maximum: Decimal | int | None = MAX_QUANTITY,
) -> Decimal:
    """A quantity of ``unit`` as typed, or ``NumberProblem``; too many decimals is refused
    with the unit's rule. ``minimum`` defaults to the smallest step above zero."""
    if isinstance(raw, bool | float):
        # A JSON true or 12.5 from a client: not an exact quantity, and its sender's fault
        # (``parse_decimal`` treats a float as our own bug).
        raise NumberProblem(lazy_gettext("Enter a number."))
    places = quantity_places(unit)
    if minimum is None:
        minimum = Decimal(1).scaleb(-places)
    # Read with room for more decimals than any unit takes, so that 12.5 pieces or 1.2345 t
    # is refused with the unit's rule rather than a bare "at most 3 decimals".
    value = parse_decimal(raw, places=QUANTITY_PLACES + 6, minimum=minimum, maximum=maximum)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise NumberProblem(unit_rule(unit))
    return value
