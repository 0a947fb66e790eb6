"""The Chinese face the documents embed: cut to GB 2312 plus every character they print."""

from __future__ import annotations

import unicodedata

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTCollection, TTFont

from app.documents.cjk_font import (
    FAMILY,
    OUTPUT,
    SOURCE,
    TEXT_SOURCES,
    first_characters,
    repertoire,
    source_code_points,
)


def test_the_cut_keeps_gb2312_and_every_character_of_our_documents() -> None:
    kept = repertoire()
    hanzi = [code for code in kept if unicodedata.name(chr(code), "").startswith("CJK UNIFIED")]
    assert len(hanzi) >= 6763  # GB 2312's two levels of hanzi
    for source in TEXT_SOURCES:
        text = source.read_text(encoding="utf-8")
        assert {ord(char) for char in text} <= kept, source.name
    assert {
        ord(char) for char in "商业发票装箱单原产地证书唛头贷项通知单危险货物申报单形式发票"
    } <= kept


def test_the_built_font_maps_what_the_cut_keeps() -> None:
    if not OUTPUT.is_file():
        pytest.fail(f"{OUTPUT.name} is missing: run `make assets`")
    with TTFont(str(OUTPUT), lazy=True) as font:
        mapped = set(font.getBestCmap())
        assert font["name"].getDebugName(1) == "Noto Sans CJK SC"
        assert len(font.getGlyphOrder()) < 20_000
    # Every kept character that the full face draws, the cut draws too.
    assert repertoire() & source_code_points() <= mapped
    assert {ord(char) for char in "商业发票唛头"} <= mapped


def test_the_glyphs_nearly_every_document_draws_come_first() -> None:
    """WeasyPrint embeds every glyph slot up to the highest used: common glyphs sit low."""
    if not OUTPUT.is_file():
        pytest.fail(f"{OUTPUT.name} is missing: run `make assets`")
    ours, commonest = first_characters()
    with TTFont(str(OUTPUT), lazy=True) as font:
        cmap = font.getBestCmap()
        total = len(font.getGlyphOrder())

        def highest(characters: list[int]) -> int:
            return max(font.getGlyphID(cmap[code]) for code in characters if code in cmap)

        # Latin, figures and our documents' own words, then GB 2312's commonest hanzi.
        assert highest(ours) < 2_000
        assert highest(ours) < highest(commonest) < total // 2
        assert highest([ord(char) for char in "贸易有限公司上海国际"]) < total // 2


def test_reordered_glyphs_keep_the_outlines_of_the_full_face() -> None:
    """Each glyph keeps its own font dict (hints, subroutines) after the reorder."""
    if not OUTPUT.is_file():
        pytest.fail(f"{OUTPUT.name} is missing: run `make assets`")
    sample = "A9,商业发票，。：（）贸易龘"
    with TTFont(str(OUTPUT), lazy=True) as cut, TTCollection(str(SOURCE), lazy=True) as full:
        face = next(font for font in full.fonts if font["name"].getDebugName(1) == FAMILY)
        for char in sample:
            if ord(char) not in cut.getBestCmap():
                continue
            bounds = []
            for font in (cut, face):
                glyphs = font.getGlyphSet()
                pen = BoundsPen(glyphs)
                glyphs[font.getBestCmap()[ord(char)]].draw(pen)
                bounds.append(pen.bounds)
            assert bounds[0] == bounds[1], char
