"""The Chinese face our documents embed: Noto Sans CJK SC, cut to GB 2312 at build time.

WeasyPrint keeps every glyph's id when it subsets a font into a PDF, so the embedded font
carries an empty slot for each glyph below the highest one used. Chinese characters sit
high in Noto Sans CJK's 65,000 glyphs, and a one-page invoice paid about 160 KB for those
slots. Cut to the GB 2312 repertoire (the 6,763 hanzi of mainland business text, with
Latin, punctuation and full-width forms) plus every character of our documents' text,
the font keeps its look and metrics with 14,000 glyphs: the invoice falls from 187 KB to
86 KB and renders faster. A character outside the cut (a rare one in a company's Chinese
name) is drawn from the full system font, which the templates name next.

The cut also puts first the glyphs nearly every document draws: our documents' own words,
Latin, figures and punctuation, then GB 2312's first level (the 3,755 commonest hanzi,
which company and place names are mostly made of). A document that prints nothing else
then embeds a few thousand slots instead of 14,000.

``make assets`` runs ``python -m app.documents.cjk_font <out>`` from Debian's
fonts-noto-cjk; without the file, documents fall back to the full font.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.reorderGlyphs import reorderGlyphs

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


def _gb2312(rows: range = range(0xA1, 0xF8)) -> list[int]:
    """The characters GB 2312 encodes in ``rows`` (cells 0xA1-0xFE), in its order; all
    rows by default. Rows 0xB0-0xD7 are the first level of hanzi, the commonest."""
    found: list[int] = []
    for row in rows:
        for cell in range(0xA1, 0xFF):
            try:
                found.append(ord(bytes((row, cell)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def repertoire() -> set[int]:
    """The code points the cut keeps: GB 2312, the ranges above, our documents' own text."""
    chars = {code for start, end in _RANGES for code in range(start, end)}
    chars |= set(_gb2312())
    for source in TEXT_SOURCES:
        chars |= {ord(char) for char in source.read_text(encoding="utf-8")}
    return chars


def first_characters() -> tuple[list[int], list[int]]:
    """The characters whose glyphs the cut puts first, in two tiers: what nearly every
    document prints, then the commonest hanzi."""
    ours = {ord(char) for source in TEXT_SOURCES for char in source.read_text("utf-8")}
    latin = {code for start, end in _RANGES[:3] for code in range(start, end)}
    return sorted(latin | ours), _gb2312(range(0xB0, 0xD8))


# What HarfBuzz applies to horizontal text by default (no vertical forms, no alternates).
_HORIZONTAL_FEATURES = (
    "rvrn",
    "ccmp",
    "locl",
    "mark",
    "mkmk",
    "rlig",
    "calt",
    "clig",
    "liga",
    "kern",
)


def _drawn_for(font: TTFont, characters: list[int]) -> set[str]:
    """The glyphs a shaper draws for ``characters`` in horizontal text: their own, and
    those the default layout features put in their place (Chinese punctuation forms)."""
    options = subset.Options()
    options.layout_features = list(_HORIZONTAL_FEATURES)
    closure = subset.Subsetter(options)
    closure.populate(unicodes=characters)
    closure._closure_glyphs(font)  # fontTools' own closure, without pruning
    return set(closure.glyphs_retained)


def _put_first(font: TTFont, ours: list[int], commonest: list[int]) -> None:
    """Reorder ``font``'s glyphs: .notdef, those drawn for ``ours``, the glyphs of
    ``commonest`` (no layout closure: in the SC face their forms are the defaults, and
    the closure would add the Japanese, Korean and traditional forms), then the rest."""
    order = font.getGlyphOrder()
    cmap = font.getBestCmap()
    tiers = (_drawn_for(font, ours), {cmap[code] for code in commonest if code in cmap})
    new_order = [order[0]]
    placed = set(new_order)
    for drawn in tiers:
        new_order += [name for name in order if name in drawn and name not in placed]
        placed |= drawn
    new_order += [name for name in order if name not in placed]
    # Noto's CFF is CID-keyed: each glyph names the font dict (hints, subroutines) it
    # draws with, by position in FDSelect, which fontTools does not reorder itself.
    top = font["CFF "].cff.topDictIndex[0]
    font_dict = {name: top.FDSelect[gid] for gid, name in enumerate(order)}
    # fontTools re-sorts the layout tables' coverage and the CFF charset to match.
    reorderGlyphs(font, new_order)
    top.FDSelect.gidArray = [font_dict[name] for name in new_order]


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
        _put_first(face, *first_characters())
        face.save(str(partial))
        glyphs = len(face.getGlyphOrder())
    partial.replace(out)
    return glyphs


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT
    print(f"{target}: {build(target)} glyphs of {FAMILY}")
