"""Which of a seller's named places a buyer means: by the same words, by UN/LOCODE, or by
the place's name in any script the code list knows (the ``places`` table, loaded by the
migrations from UNECE's list)."""

from __future__ import annotations

import pytest
from flask import Flask

from app.services.places import offered_place, offered_places

KARACHI_OFFERS = ["Karachi (PKKHI)", "Muhammad Bin Qasim/Karachi (PKBQM)"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("Karachi (PKKHI)", "Karachi (PKKHI)"),
        ("PKKHI", "Karachi (PKKHI)"),
        ("pkkhi", "Karachi (PKKHI)"),
        ("Karachi", "Karachi (PKKHI)"),
        ("  karachi ", "Karachi (PKKHI)"),
        ("Karachi, Pakistan", "Karachi (PKKHI)"),
        ("卡拉奇", "Karachi (PKKHI)"),
        ("کراچی", "Karachi (PKKHI)"),
        ("PKBQM", "Muhammad Bin Qasim/Karachi (PKBQM)"),
    ],
)
def test_a_place_is_found_by_code_or_name(app: Flask, typed: str, meant: str) -> None:
    assert offered_place(typed, KARACHI_OFFERS) == meant


@pytest.mark.parametrize("typed", ["", "CNSHG", "Lahore", "Karachi (PKBQM) port", "PKQCT"])
def test_nothing_offered_is_meant(app: Flask, typed: str) -> None:
    assert offered_place(typed, KARACHI_OFFERS) is None


def test_a_sellers_plain_text_place_is_found_by_its_code(app: Flask) -> None:
    assert offered_place("PKKHI", ["Karachi", "Lahore dry port"]) == "Karachi"
    assert offered_place("Khunjerab", ["Khunjerab Pass", "Khunjerab"]) == "Khunjerab"


def test_a_name_two_offers_share_is_refused_as_ambiguous(app: Flask) -> None:
    # Carriers' CNSHA and UNECE's CNSHG are both the seaport of Shanghai.
    offers = ["Shanghai (CNSHA)", "Shanghai (CNSHG)"]
    assert offered_place("Shanghai", offers) is None
    assert offered_place("CNSHG", offers) == "Shanghai (CNSHG)"


def test_each_offer_gets_its_code_where_the_list_has_one(app: Flask) -> None:
    assert offered_places(["Karachi (PKKHI)", "Karachi", "Khunjerab", "Dubai (AEDXB)"]) == [
        "PKKHI",
        "PKKHI",
        None,
        None,
    ]
