"""What a document prints in both languages beyond its labels: a pair of words, English
with the Chinese beside it, and a quantity with its unit as people read it ("12.500 t 吨",
issue #20). Documents print English digits; the e-invoice keeps the UN/ECE code (TNE).

Kept apart from ``app.documents.layout`` (which works out each document's content) so that
the printed forms of words and quantities live in one small place.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.numbers import format_decimal
from markupsafe import Markup, escape

from app.documents import labels
from app.documents.snapshot import quantity_value
from app.reference.units import quantity_places

DASH = "—"


def bilingual(pair: Sequence[str]) -> Markup:
    """English, then the Chinese beside it (both escaped)."""
    english, chinese = pair
    return Markup('{} <span class="zh" lang="zh-Hans">{}</span>').format(english, chinese)


def quantity_number(value: object, unit: str) -> str:
    """``12.500`` of TNE, ``1,200`` of PCE: the figure alone, to the unit's decimals."""
    places = quantity_places(unit)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return str(format_decimal(quantity_value(value), format=pattern, locale="en"))


def quantity(value: object, unit: str) -> Markup:
    """``12.500 t 吨``, ``1,200 pcs 件``: the figure to the unit's decimals, as an English
    page prints it, then the unit in English and Chinese (``labels.UNITS``); a unit
    without words keeps its code (``12.500 XYZ``)."""
    if value is None:
        return escape(DASH)
    figure, code = quantity_number(value, unit), unit.upper()
    if code not in labels.UNITS:
        return Markup("{} {}").format(figure, unit)
    english, chinese = labels.UNITS[code]
    if quantity_value(value) == 1:  # "1 pc 件", "1 set 套"
        english = labels.UNIT_ONE.get(code, english)
    return Markup("{} ").format(figure) + bilingual((english, chinese))
