"""Search in Chinese, Urdu and English on the database under test (SQLite or PostgreSQL).

Chinese terms of two characters (铬矿, 雷管) and longer (铬矿石, 硝酸铵) find listings whose
Chinese text holds them; HS codes and UN numbers match however they are written; "RDX"
finds "TNT/RDX"; the trade's synonyms widen a search across languages.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.models import Product
from app.services.catalog.facet_cache import CATALOG_CACHE
from app.services.catalog.search import CatalogQuery, search_catalog
from tests.factories import CompanyFactory, ProductFactory


@pytest.fixture(autouse=True)
def _fresh_facet_cache() -> Iterator[None]:
    CATALOG_CACHE.clear()
    yield
    CATALOG_CACHE.clear()


@pytest.fixture
def listings(app_ctx: None) -> dict[str, Product]:
    seller = CompanyFactory(legal_name="Wah Nobel (Pvt) Ltd", legal_name_local="واہ نوبل")
    miner = CompanyFactory(legal_name="Karakoram Minerals", legal_name_local=None)
    return {
        "chromite": ProductFactory(
            seller=miner,
            title="Chromite ore lumps Cr2O3 40%",
            title_zh="优质铬矿石 块矿",
            description_zh="巴基斯坦俾路支省铬矿石，块度10-50毫米。",
            hs_code="261000",
        ),
        "concentrate": ProductFactory(
            seller=miner, title="Chrome ore concentrate", hs_code="261000"
        ),
        "detonators": ProductFactory(
            seller=seller,
            title="Electric detonators, delay series",
            title_zh="电雷管（延期系列）",
            title_ur="الیکٹرک ڈیٹونیٹر",
            hs_code="360300",
            un_number="UN0030",
            hazard_class="1.1B",
            proper_shipping_name="DETONATORS, ELECTRIC",
        ),
        "nitrate": ProductFactory(
            seller=seller,
            title="Porous prills for ANFO",
            description_zh="多孔粒状硝酸铵，适用于铵油炸药。",
            hs_code="310230",
        ),
        "booster": ProductFactory(seller=seller, title="Cast booster TNT/RDX 400 g"),
        "salt": ProductFactory(seller=miner, title="Himalayan pink salt", hs_code="250100"),
    }


def _found(listings: dict[str, Product], q: str) -> set[str]:
    names = {product.public_id: name for name, product in listings.items()}
    return {names[item.public_id] for item in search_catalog(CatalogQuery(q=q)).items}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        # Two characters: what FTS5's trigram tokenizer cannot find.
        ("铬矿", {"chromite", "concentrate"}),  # and, as a synonym, "chrome ore"
        ("雷管", {"detonators"}),
        ("块矿", {"chromite"}),
        # Longer runs: the phrase of their bigrams, side by side.
        ("铬矿石", {"chromite", "concentrate"}),
        ("电雷管", {"detonators"}),
        ("优质铬", {"chromite"}),
        ("硝酸铵", {"nitrate"}),  # in the Chinese description only
        ("俾路支省", {"chromite"}),
        # Characters that are not side by side in the text do not match.
        ("铬块", set()),
        ("炸药雷管", set()),
    ],
)
def test_chinese_terms_find_the_chinese_text(
    listings: dict[str, Product], q: str, expected: set[str]
) -> None:
    assert _found(listings, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("铬矿 concentrate", {"concentrate"}),
        ("雷管 delay", {"detonators"}),
        ("硝酸铵 ANFO", {"nitrate"}),
        ("雷管 salt", set()),
    ],
)
def test_mixed_chinese_and_english_need_every_part(
    listings: dict[str, Product], q: str, expected: set[str]
) -> None:
    assert _found(listings, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("2610.00", {"chromite", "concentrate"}),
        ("261000", {"chromite", "concentrate"}),
        ("2610", {"chromite", "concentrate"}),
        ("3103", set()),
        ("UN0030", {"detonators"}),
        ("UN 0030", {"detonators"}),
        ("un0030", {"detonators"}),
        ("0030", {"detonators"}),
        ("UN0031", set()),
    ],
)
def test_hs_codes_and_un_numbers_with_or_without_dots_and_prefix(
    listings: dict[str, Product], q: str, expected: set[str]
) -> None:
    assert _found(listings, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [("RDX", {"booster"}), ("TNT", {"booster"}), ("TNT/RDX", {"booster"}), ("HMX", set())],
)
def test_slashes_split_words(listings: dict[str, Product], q: str, expected: set[str]) -> None:
    assert _found(listings, q) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("detonator", {"detonators"}),  # English stemming: the plural is found
        ("blasting caps", {"detonators"}),  # a synonym that no listing writes
        ("ڈیٹونیٹر", {"detonators"}),  # Urdu
        ("chromite", {"chromite", "concentrate"}),  # "chrome ore" is the same goods
        ("chrome ore", {"chromite", "concentrate"}),
        ("ammonium nitrate", {"nitrate"}),  # written only as 硝酸铵
        ("乳化炸药", set()),  # a known term that no listing carries
    ],
)
def test_synonyms_widen_a_search_in_every_language(
    listings: dict[str, Product], q: str, expected: set[str]
) -> None:
    assert _found(listings, q) == expected


def test_the_seller_s_names_are_searched_in_their_scripts(listings: dict[str, Product]) -> None:
    assert _found(listings, "واہ نوبل") == {"detonators", "nitrate", "booster"}
    assert _found(listings, "karakoram salt") == {"salt"}
