"""The listing sheet carries the Chinese and Urdu wording; files made before it still import."""

from __future__ import annotations

from app.services.listings.import_files import header_positions
from app.services.listings.import_layout import HEADERS
from app.services.listings.import_rows import read_row


def test_the_language_columns_are_read_into_the_listing() -> None:
    cells = dict.fromkeys(HEADERS, None) | {
        "title": "Chromite ore lumps",
        "title_zh": "铬矿石块矿",
        "title_ur": "کرومائٹ کے ڈلے",
        "description_zh": "俾路支省铬矿。",
    }
    listing = read_row(2, cells).listing
    assert (listing.title_zh, listing.title_ur) == ("铬矿石块矿", "کرومائٹ کے ڈلے")
    assert (listing.description_zh, listing.description_ur) == ("俾路支省铬矿。", "")


def test_a_file_without_the_language_columns_is_still_accepted() -> None:
    older = [
        h for h in HEADERS if h not in {"title_zh", "title_ur", "description_zh", "description_ur"}
    ]
    positions = header_positions(1, list(older))
    assert set(positions.values()) == set(older)
    assert {"title_zh", "title_ur", "description_zh", "description_ur"} < set(HEADERS)
