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
