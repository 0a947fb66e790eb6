"""The seller's listing pages: create, correct errors, edit, publish, and stay in one's lane."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import CompanyRole, Product, ProductStatus
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, UserFactory
from tests.support.auth import AuthActions
from tests.support.forms import listing_form


@pytest.fixture
def sales(auth: AuthActions) -> UserFactory:
    CategoryFactory(slug="chromite", name_en="Chromite ore")
    user = UserFactory(email="sales@example.com", company_role=CompanyRole.SALES)
    auth.login("sales@example.com")
    return user


def test_sales_creates_a_listing_through_the_form(client: FlaskClient, sales: UserFactory) -> None:
    assert client.get("/seller/listings/new").status_code == 200
    response = client.post("/seller/listings/new", data=listing_form())
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.seller_id == sales.company_id))
    assert product is not None and product.status is ProductStatus.DRAFT
    assert response.headers["Location"] == f"/seller/listings/{product.public_id}/edit"
    assert [(t.min_quantity, t.unit_price_minor) for t in product.price_tiers] == [
        (500, 26550),
        (2000, 25200),
    ]
    page = client.get(response.headers["Location"]).data.decode()
    # The typed "Karachi" is kept with its UN/LOCODE (app/services/places.py).
    assert 'value="265.50"' in page and 'value="Karachi (PKKHI)"' in page


def test_errors_show_on_their_rows_and_nothing_is_saved(
    client: FlaskClient, sales: UserFactory
) -> None:
    response = client.post(
        "/seller/listings/new",
        data=listing_form(
            **{"hs_code": "26", "price_tiers-1-min_quantity": "400", "incoterms-0-named_place": ""}
        ),
    )
    assert response.status_code == 200
    page = response.data.decode()
    assert "6 to 10 digits" in page
    assert "larger quantity than the one before" in page
    assert "Name the place" in page
    assert db.session.scalar(select(func.count(Product.id))) == 0


@pytest.mark.parametrize("value", ["abc", "-5", "1e999", "99999999999999999999"])
def test_non_numeric_and_absurd_quantities_are_refused(
    client: FlaskClient, sales: UserFactory, value: str
) -> None:
    response = client.post("/seller/listings/new", data=listing_form(moq=value))
    assert response.status_code == 200
    assert db.session.scalar(select(func.count(Product.id))) == 0


def test_edit_publish_and_archive(client: FlaskClient, sales: UserFactory) -> None:
    location = client.post("/seller/listings/new", data=listing_form()).headers["Location"]
    public_id = re.search(r"/listings/([^/]+)/edit", location).group(1)  # type: ignore[union-attr]
    assert (
        client.post(location, data=listing_form(title="Chromite ore lumps Cr2O3 42 %")).status_code
        == 302
    )
    assert client.post(f"/seller/listings/{public_id}/publish").status_code == 302
    product = db.session.scalar(select(Product).where(Product.public_id == public_id))
    assert product is not None
    assert (product.title, product.status) == (
        "Chromite ore lumps Cr2O3 42 %",
        ProductStatus.PUBLISHED,
    )
    client.post(f"/seller/listings/{public_id}/archive")
    assert product.status is ProductStatus.ARCHIVED
    listing_page = client.get("/seller/listings").data.decode()
    assert "Chromite ore lumps Cr2O3 42 %" in listing_page


def test_unverified_company_cannot_publish(client: FlaskClient, auth: AuthActions) -> None:
    CategoryFactory(slug="chromite")
    UserFactory(email="new@example.com", company=CompanyFactory(pending=True))
    auth.login("new@example.com")
    location = client.post("/seller/listings/new", data=listing_form()).headers["Location"]
    public_id = location.split("/")[3]
    page = client.post(f"/seller/listings/{public_id}/publish", follow_redirects=True).data.decode()
    assert "waiting for verification" in page
    product = db.session.scalar(select(Product).where(Product.public_id == public_id))
    assert product is not None and product.status is ProductStatus.DRAFT


def test_another_sellers_listing_answers_404(client: FlaskClient, sales: UserFactory) -> None:
    theirs = ProductFactory(title="Their listing")
    for path in ("edit", "publish", "archive", "duplicate"):
        method = client.get if path == "edit" else client.post
        assert method(f"/seller/listings/{theirs.public_id}/{path}").status_code == 404
    assert (
        client.post(f"/seller/listings/{theirs.public_id}/edit", data=listing_form()).status_code
        == 404
    )
    assert theirs.title == "Their listing"


def test_viewer_reads_but_cannot_write(client: FlaskClient, auth: AuthActions) -> None:
    CategoryFactory(slug="chromite")
    viewer = UserFactory(email="viewer@example.com", company_role=CompanyRole.VIEWER)
    mine = ProductFactory(seller=viewer.company)
    auth.login("viewer@example.com")
    assert client.get("/seller/listings").status_code == 200
    assert client.post("/seller/listings/new", data=listing_form()).status_code == 403
    assert client.post(f"/seller/listings/{mine.public_id}/archive").status_code == 403
    assert mine.status is ProductStatus.PUBLISHED
