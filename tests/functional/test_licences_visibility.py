"""Controlled listings over HTTP: anonymous visitors and unverified companies see that the
listing exists and is controlled, never its price or stock; search and facets still count
it; signed-in users of verified companies see everything."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from app.models import CompanyRole, Product
from app.services.catalog.facet_cache import CATALOG_CACHE
from tests.factories import CompanyFactory, ProductFactory, UserFactory
from tests.support.auth import AuthActions


@pytest.fixture(autouse=True)
def _fresh_facet_cache() -> Iterator[None]:
    CATALOG_CACHE.clear()
    yield
    CATALOG_CACHE.clear()


@pytest.fixture
def shelf() -> dict[str, Product]:
    seller = CompanyFactory(legal_name="Wah Nobel Chemicals (Pvt) Ltd")
    return {
        "detonators": ProductFactory(
            seller=seller,
            title="Shock-tube detonators",
            un_number="UN0360",
            proper_shipping_name="DETONATOR ASSEMBLIES, NON-ELECTRIC",
            hazard_class="1.1B",
            price_from_minor=123_456,
            stock_quantity=7_777,
            unit="PCE",
            moq=1,
        ),
        "precursor": ProductFactory(
            seller=seller,
            title="Flagged precursor",
            price_from_minor=98_765,
            stock_quantity=4_444,
            export_licence_required=True,
        ),
        "ore": ProductFactory(
            seller=seller, title="Chromite ore", price_from_minor=31_415, stock_quantity=2_222
        ),
    }


HIDDEN = ("$1,234.56", "7,777", "$987.65", "4,444")


def _assert_hidden(page: str) -> None:
    for text in HIDDEN:
        assert text not in page, text


def test_anonymous_catalogue_cards_hide_price_and_stock_of_controlled_listings(
    client: FlaskClient, shelf: dict[str, Product]
) -> None:
    page = client.get("/catalog").data.decode()
    assert "Shock-tube detonators" in page and "Flagged precursor" in page
    assert page.count("Controlled goods: price and stock for verified companies") == 2
    _assert_hidden(page)
    # The uncontrolled listing shows as before.
    assert "$314.15" in page and "2,222" in page


def test_search_and_facets_still_count_controlled_listings(
    client: FlaskClient, shelf: dict[str, Product]
) -> None:
    page = client.get("/catalog?q=detonators").data.decode()
    assert "1 listing" in page and "Shock-tube detonators" in page
    _assert_hidden(page)
    page = client.get("/catalog").data.decode()
    assert "3 listings" in page
    assert "Only dangerous goods (1)" in page


def test_anonymous_product_page_and_storefront_hide_price_and_stock(
    client: FlaskClient, shelf: dict[str, Product]
) -> None:
    detonators = shelf["detonators"]
    page = client.get(f"/products/{detonators.public_id}").data.decode()
    assert "Shock-tube detonators" in page and "UN0360" in page
    assert "Controlled goods." in page
    _assert_hidden(page)
    page = client.get(f"/products/{shelf['precursor'].public_id}").data.decode()
    assert "Controlled goods." in page
    _assert_hidden(page)
    page = client.get(f"/sellers/{detonators.seller.public_id}").data.decode()
    assert "Shock-tube detonators" in page
    _assert_hidden(page)


def test_an_unverified_company_sees_no_price_either(
    client: FlaskClient, auth: AuthActions, shelf: dict[str, Product]
) -> None:
    user = UserFactory(
        company=CompanyFactory(chinese_buyer=True, pending=True),
        company_role=CompanyRole.PURCHASER,
    )
    auth.login(user.email)
    _assert_hidden(client.get("/catalog").data.decode())
    _assert_hidden(client.get(f"/products/{shelf['detonators'].public_id}").data.decode())


def test_a_verified_companys_user_sees_price_and_stock(
    client: FlaskClient, auth: AuthActions, shelf: dict[str, Product]
) -> None:
    user = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    auth.login(user.email)
    page = client.get("/catalog").data.decode()
    assert "$1,234.56" in page and "7,777" in page
    assert "Controlled goods: price and stock" not in page
    page = client.get(f"/products/{shelf['detonators'].public_id}").data.decode()
    assert "$1,234.56" in page and "In stock: 7,777" in page


def _titles_in_order(page: str) -> list[str]:
    titles = ("Chromite ore", "Flagged precursor", "Shock-tube detonators")
    return sorted((t for t in titles if t in page), key=page.index)


def test_an_anonymous_price_filter_leaves_controlled_listings_out(
    client: FlaskClient, shelf: dict[str, Product]
) -> None:
    # $1,000-$2,000 holds only the detonators' $1,234.56: a hit would give the price away.
    page = client.get("/catalog?currency=USD&price_min=1000&price_max=2000").data.decode()
    assert _titles_in_order(page) == []
    assert "0 listings" in page
    # $300-$1,000 holds the ore ($314.15) and the precursor ($987.65): the ore only.
    page = client.get("/catalog?currency=USD&price_min=300&price_max=1000").data.decode()
    assert _titles_in_order(page) == ["Chromite ore"]
    assert "1 listing" in page
    _assert_hidden(page)
    # Without a price filter the controlled listings are counted as before.
    assert "3 listings" in client.get("/catalog?currency=USD").data.decode()


def test_an_unverified_companys_price_filter_leaves_them_out_too(
    client: FlaskClient, auth: AuthActions, shelf: dict[str, Product]
) -> None:
    user = UserFactory(
        company=CompanyFactory(chinese_buyer=True, pending=True),
        company_role=CompanyRole.PURCHASER,
    )
    auth.login(user.email)
    page = client.get("/catalog?currency=USD&price_min=1000&price_max=2000").data.decode()
    assert _titles_in_order(page) == []


def test_an_anonymous_price_sort_puts_controlled_listings_last_either_way(
    client: FlaskClient, shelf: dict[str, Product]
) -> None:
    # Created in this order, so by id: precursor after detonators.
    up = client.get("/catalog?sort=price_asc").data.decode()
    down = client.get("/catalog?sort=price_desc").data.decode()
    assert _titles_in_order(up) == [
        "Chromite ore",
        "Shock-tube detonators",
        "Flagged precursor",
    ]
    # Among themselves the controlled ones keep the id order, reversed: not their prices'.
    assert _titles_in_order(down) == [
        "Chromite ore",
        "Flagged precursor",
        "Shock-tube detonators",
    ]
    _assert_hidden(up)
    _assert_hidden(down)


def test_a_verified_companys_price_filter_and_sort_use_every_price(
    client: FlaskClient, auth: AuthActions, shelf: dict[str, Product]
) -> None:
    user = UserFactory(
        company=CompanyFactory(chinese_buyer=True), company_role=CompanyRole.PURCHASER
    )
    auth.login(user.email)
    page = client.get("/catalog?currency=USD&price_min=1000&price_max=2000").data.decode()
    assert _titles_in_order(page) == ["Shock-tube detonators"]
    assert "$1,234.56" in page
    page = client.get("/catalog?sort=price_desc").data.decode()
    assert _titles_in_order(page) == [
        "Shock-tube detonators",
        "Flagged precursor",
        "Chromite ore",
    ]
