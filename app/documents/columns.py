"""Column widths of the documents' tables, worked out from what the cells will print.

WeasyPrint's fixed table layout takes the widths it is given (automatic layout costs a fifth
of the render time, PITFALLS). Fixed percentages written into a template were right for
the sample order only: at 1,000,000.000 kg the net and gross weights ran into each other,
and a 6 % column broke its heading "Packages" in mid-word. Here each figure column is made
as wide as its longest figure (figures never wrap) and its heading's longest word; the text
columns share what is left. When the figures alone would not fit, the table's type is made
smaller instead of letting them overlap.

Widths are estimated from character counts, on the generous side: Noto Sans figures are
0.57 em wide and Latin letters average less; a heading word is measured in capitals' width.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

# A4 less the 12 mm margins each side.
PAGE_WIDTH_MM = 186.0
_PT_MM = 25.4 / 72
# Average advance of a figure or letter, and of a heading letter, in em (generous).
_FIGURE_EM = 0.6
_HEADING_EM = 0.68
# 2 × 1.2 mm cell padding, the borders and a safety margin.
_CELL_EXTRA_MM = 3.4
_SMALLEST_PT = 6.0
_WORD = re.compile(r"[^\s/()]+")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its English heading, and for a figure column the texts it prints."""

    heading: str
    figures: Sequence[str] = field(default_factory=tuple)
    numeric: bool = False
    # A text column's share of the width left after the figures (relative to the others).
    weight: float = 1.0
    min_mm: float = 9.0


@dataclass(frozen=True, slots=True)
class TableLayout:
    widths: tuple[float, ...]  # percent of the table width, in column order
    font_pt: float  # the body cells' type size


def _text_mm(text: str, size_pt: float, em: float) -> float:
    # A CJK character is a full em wide, everything else ``em``.
    ems = sum(1.0 if ord(ch) >= 0x2E80 else em for ch in text)
    return ems * size_pt * _PT_MM


def _heading_mm(heading: str, size_pt: float) -> float:
    words = _WORD.findall(heading) or [heading]
    return max(_text_mm(word, size_pt, _HEADING_EM) for word in words) + _CELL_EXTRA_MM


def _printed(text: str) -> str:
    # A figure given as markup (a quantity with its unit's Chinese in a span) prints only
    # its text: the tags take no room.
    return text.striptags() if isinstance(text, Markup) else text


def _figure_mm(column: Column, size_pt: float) -> float:
    longest = max(
        (_text_mm(_printed(text), size_pt, _FIGURE_EM) for text in column.figures), default=0.0
    )
    return longest + _CELL_EXTRA_MM


def table_layout(
    columns: Sequence[Column],
    *,
    font_pt: float = 8.5,
    heading_pt: float = 7.5,
    total_mm: float = PAGE_WIDTH_MM,
) -> TableLayout:
    """Widths (percent) and body type size for ``columns`` across ``total_mm``."""
    size = font_pt
    while True:
        needed = [
            max(_figure_mm(c, size), _heading_mm(c.heading, heading_pt), c.min_mm)
            if c.numeric
            else max(_heading_mm(c.heading, heading_pt), c.min_mm)
            for c in columns
        ]
        spare = total_mm - sum(needed)
        if spare >= 0 or size <= _SMALLEST_PT:
            break
        size = max(_SMALLEST_PT, round(size - 0.5, 1))
    weights = sum(c.weight for c in columns if not c.numeric)
    widths = [
        width + (max(spare, 0.0) * c.weight / weights if not c.numeric and weights else 0.0)
        for c, width in zip(columns, needed, strict=True)
    ]
    if not weights and spare > 0:  # figures only: spread what is left evenly
        widths = [width + spare / len(widths) for width in widths]
    total = sum(widths)
    return TableLayout(
        widths=tuple(round(100 * width / total, 2) for width in widths), font_pt=size
    )
