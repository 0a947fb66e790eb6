"""The Chinese face the documents embed: cut to GB 2312 plus every character they print."""

from __future__ import annotations

import unicodedata

import pytest
from fontTools.ttLib import TTFont

from app.documents.cjk_font import OUTPUT, TEXT_SOURCES, repertoire, source_code_points


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
