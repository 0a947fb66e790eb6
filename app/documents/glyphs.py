"""Users' text as our PDFs can print it: direction controls removed, no empty boxes.

WeasyPrint draws a character that no font on the machine has as an empty box (.notdef):
an emoji in a listing title printed as a blank square, so the reader could not even tell
that something was there. Our documents draw from the faces their stylesheet names
(``templates/documents/_base.html``), which fontconfig falls back on for any character
the first ones lack: Noto Sans CJK SC (and its cut), Noto Naskh Arabic, Noto Sans, Noto
Sans Symbols and Symbols2 (Debian ``fonts-noto-core``), and Symbola (``fonts-symbola``:
outline emoji of Unicode 9, printable in black and white). A character none of them maps
is printed as its code point instead, e.g. ``[U+1F9E8]``: visible, and exact enough to
look up. Invisible format characters (joiners, variation selectors) are left alone: the
shaper draws nothing for them.

The faces' coverage is read from their cmaps once per process (about 0.5 s; workers do
it while warming up, before they fork); each document then costs a set lookup per
non-ASCII character. Bidirectional controls go first (``app.reference.text``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont

from app.documents import cjk_font
from app.reference.text import neutralise_bidi

_NOTO = Path("/usr/share/fonts/truetype/noto")
# The faces the document stylesheet names (and the cut of the first), where Debian puts
# them; a face missing from this machine covers nothing, so its characters are replaced.
FACES = (
    cjk_font.OUTPUT,
    _NOTO / "NotoNaskhArabic-Regular.ttf",
    _NOTO / "NotoSans-Regular.ttf",
    _NOTO / "NotoSansSymbols-Regular.ttf",
    _NOTO / "NotoSansSymbols2-Regular.ttf",
    Path("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
)

# Default-ignorable code points (Unicode DerivedCoreProperties): shapers draw nothing.
_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
# Line breaks and tabs are layout, not glyphs (addresses print with their line breaks).
_LAYOUT = frozenset(map(ord, "\t\n\r"))
# ASCII letters, figures and punctuation: every face has them.
_PLAIN = re.compile(r"[ -~\t\n\r]*")


def _cmap(path: Path) -> set[int]:
    if path == cjk_font.SOURCE:
        return cjk_font.source_code_points(path)
    with TTFont(str(path), lazy=True) as font:
        return set(font.getBestCmap())


@lru_cache(maxsize=1)
def covered() -> frozenset[int]:
    """Every code point some face of our documents draws (read once per process)."""
    points: set[int] = set(_LAYOUT)
    for start, end in _IGNORABLE:
        points.update(range(start, end + 1))
    for path in (cjk_font.SOURCE, *FACES):
        if path.is_file():
            points |= _cmap(path)
    return frozenset(points)


def placeholder(char: str) -> str:
    """What prints instead of a character no face draws: its code point, ``[U+1F9E8]``."""
    return f"[U+{ord(char):04X}]"


def printable(text: str) -> str:
    """``text`` without direction controls, each character no face draws replaced."""
    text = neutralise_bidi(text)
    if _PLAIN.fullmatch(text):
        return text
    faces = covered()
    if all(ord(char) in faces for char in text):
        return text
    return "".join(char if ord(char) in faces else placeholder(char) for char in text)


def printable_data(value: Any) -> Any:
    """Every string inside a snapshot (dicts, lists of JSON data) made ``printable``."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: printable_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(printable_data(item) for item in value)
    return value
