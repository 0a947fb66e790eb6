"""Listings and company names in the reader's language and script, on the pages buyers read."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from flask.testing import FlaskClient

from app.reference.reader_text import company_name, in_reader_language
from app.services.catalog.facet_cache import CATALOG_CACHE
from tests.factories import CompanyFactory, ProductFactory

ZH = {"Accept-Language": "zh-CN"}
UR = {"Accept-Language": "ur"}
EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _fresh_facet_cache() -> Iterator[None]:
    CATALOG_CACHE.clear()
    yield
    CATALOG_CACHE.clear()


def _wah_nobel() -> object:
    return CompanyFactory(
        legal_name="Wah Nobel (Pvt) Limited",
        legal_name_local="واہ نوبل (پرائیویٹ) لمیٹڈ",
        name_ur="واہ نوبل (پرائیویٹ) لمیٹڈ",
        country="PK",
    )


def test_a_chinese_reader_reads_the_listing_in_chinese(client: FlaskClient) -> None:
    product = ProductFactory(
        seller=_wah_nobel(),
        title="Electric detonators",
        title_zh="电雷管",
        description="Copper shell, 8 strength.",
        description_zh="铜壳，8号强度。",
    )
    page = client.get(f"/products/{product.public_id}", headers=ZH).data.decode()
    assert '<h1 class="h3">电雷管</h1>' in page
    assert "铜壳，8号强度。" in page and "Copper shell" not in page
    # The Pakistani seller is named in Latin script, never in Urdu, for a Chinese reader.
    assert "Wah Nobel (Pvt) Limited" in page and "واہ نوبل" not in page
    english = client.get(f"/products/{product.public_id}", headers=EN).data.decode()
    assert "Electric detonators" in english and "电雷管" not in english


def test_english_stands_in_for_a_missing_language_and_says_so(client: FlaskClient) -> None:
    product = ProductFactory(title="Granite slabs", description="Polished, 2 cm.")
    page = client.get(f"/products/{product.public_id}", headers=ZH).data.decode()
    assert '<span lang="en">Granite slabs</span>' in page
    assert '<p lang="en">Polished, 2 cm.</p>' in page
    listing = client.get("/catalog?q=granite", headers=ZH).data.decode()
    assert '<span lang="en">Granite slabs</span>' in listing


def test_the_catalogue_shows_chinese_titles_and_finds_them(client: FlaskClient) -> None:
    ProductFactory(title="Chromite ore lumps", title_zh="铬矿石块矿")
    ProductFactory(title="Rock salt", title_zh="岩盐")
    page = client.get("/catalog?q=铬矿", headers=ZH).data.decode()
    assert "铬矿石块矿" in page and "岩盐" not in page and "Chromite ore lumps" not in page


def test_an_urdu_reader_gets_the_urdu_name_and_the_latin_beside_it(client: FlaskClient) -> None:
    product = ProductFactory(seller=_wah_nobel(), title="Boosters", title_ur="بوسٹر")
    page = client.get(f"/products/{product.public_id}", headers=UR).data.decode()
    assert "بوسٹر" in page
    assert "واہ نوبل (پرائیویٹ) لمیٹڈ" in page and "Wah Nobel (Pvt) Limited" in page


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("zh_Hans", "MCCT国际贸易有限公司"),
        ("ur", "MCCT International Trading Co., Ltd."),
        ("en", "MCCT International Trading Co., Ltd."),
    ],
)
def test_a_chinese_company_s_name_by_reader(locale: str, expected: str) -> None:
    # Registered with only its local name: the script decides who reads it.
    mcct = SimpleNamespace(
        legal_name="MCCT International Trading Co., Ltd.",
        legal_name_local="MCCT国际贸易有限公司",
        name_zh=None,
        name_ur=None,
    )
    assert company_name(mcct, locale) == expected


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh_Hans", "Wah Nobel (Pvt) Limited"), ("ur", "واہ نوبل"), ("en", "Wah Nobel (Pvt) Limited")],
)
def test_a_pakistani_company_s_name_by_reader(locale: str, expected: str) -> None:
    wah = SimpleNamespace(
        legal_name="Wah Nobel (Pvt) Limited",
        legal_name_local="واہ نوبل",
        name_zh=None,
        name_ur=None,
    )
    assert company_name(wah, locale) == expected


def test_listing_text_falls_back_to_english_marked() -> None:
    listing = SimpleNamespace(title="Rock salt", title_zh="岩盐", title_ur="  ")
    assert in_reader_language(listing, "title", "zh_Hans") == ("岩盐", False)
    assert in_reader_language(listing, "title", "ur") == ("Rock salt", True)
    assert in_reader_language(listing, "title", "en") == ("Rock salt", False)
