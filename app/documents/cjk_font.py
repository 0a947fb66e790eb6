"""The Chinese face our documents embed: Noto Sans CJK SC, cut to GB 2312 at build time.

WeasyPrint keeps every glyph's id when it subsets a font into a PDF, so the embedded font
carries an empty slot for each glyph below the highest one used. Chinese characters sit
high in Noto Sans CJK's 65,000 glyphs, and a one-page invoice paid about 160 KB for those
slots. Cut to the GB 2312 repertoire (the 6,763 hanzi of mainland business text, with
Latin, punctuation and full-width forms) plus every character of our documents' text,
the font keeps its look and metrics with 14,000 glyphs: the invoice falls from 187 KB to
86 KB and renders faster. A character outside the cut (a rare one in a company's Chinese
name) is drawn from the full system font, which the templates name next.

``make assets`` runs ``python -m app.documents.cjk_font <out>`` from Debian's
fonts-noto-cjk; without the file, documents fall back to the full font.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FAMILY = "Noto Sans CJK SC"
ROOT = Path(__file__).resolve().parents[2]
# Where the documents' own words live: their templates and their bilingual labels.
TEXT_SOURCES = (
    *sorted((ROOT / "templates" / "documents").glob("*.html")),
    *sorted((ROOT / "app" / "documents").glob("*.py")),
)
OUTPUT = ROOT / "static" / "fonts" / "NotoSansCJKsc-Regular-GB2312.otf"

# Latin and Latin-1 (names, addresses, figures), Latin Extended-A, general punctuation,
# currency signs, letterlike and number forms, CJK symbols and the full-width forms.
_RANGES = (
    (0x20, 0x7F),
    (0xA0, 0x180),
    (0x2000, 0x2070),
    (0x20A0, 0x20C0),
    (0x2100, 0x2190),
    (0x3000, 0x3040),
    (0xFF00, 0xFFF0),
)


def _gb2312() -> set[int]:
    """Every character GB 2312 encodes (rows 0xA1-0xF7, cells 0xA1-0xFE)."""
    found: set[int] = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def repertoire() -> set[int]:
    """The code points the cut keeps: GB 2312, the ranges above, our documents' own text."""
    chars = {code for start, end in _RANGES for code in range(start, end)}
    chars |= _gb2312()
    for source in TEXT_SOURCES:
        chars |= {ord(char) for char in source.read_text(encoding="utf-8")}
    return chars


def _sc_face(collection: TTCollection) -> TTFont:
    return next(font for font in collection.fonts if font["name"].getDebugName(1) == FAMILY)


def source_code_points(source: Path = SOURCE) -> set[int]:
    """The characters the full SC face draws."""
    with TTCollection(str(source), lazy=True) as collection:
        return set(_sc_face(collection).getBestCmap())


def build(out: Path, source: Path = SOURCE) -> int:
    """Write the cut of ``source``'s SC face to ``out``; returns its number of glyphs."""
    options = subset.Options()
    options.layout_features = ["*"]  # vertical forms, punctuation width: as the full font
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=repertoire())
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".part")
    with TTCollection(str(source)) as collection:
        face = _sc_face(collection)
        subsetter.subset(face)
        face.save(str(partial))
        glyphs = len(face.getGlyphOrder())
    partial.replace(out)
    return glyphs


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    print(f"{target}: {build(target)} glyphs of {FAMILY}")
