"""Quantities on catalogue cards and in the seller's list follow their unit (issue #20):
tonnes and kilograms to the thousandth, pieces whole, each with its unit."""

from __future__ import annotations

from decimal import Decimal

from flask.testing import FlaskClient

from app.models import CompanyRole, PriceTier
from tests.factories import ProductFactory, UserFactory
from tests.support.auth import AuthActions


def test_cards_show_tonnes_to_the_kilogram_and_pieces_whole(
    client: FlaskClient, app_ctx: None
) -> None:
    ProductFactory(
        title="Chromite ore lumps",
        unit="TNE",
        moq=Decimal("0.5"),
        price_tiers=[PriceTier(min_quantity=Decimal("0.5"), unit_price_minor=26550)],
        stock_quantity=Decimal("12.345"),
    )
    ProductFactory(title="Marble slabs", unit="PCE", moq=100, stock_quantity=1200)
    page = client.get("/catalog").data.decode()
    assert "Minimum order: 0.500 t" in page
    assert "In stock: 12.345 t" in page
    assert "Minimum order: 100 pieces" in page
    assert "In stock: 1,200 pieces" in page


def test_the_sellers_list_shows_stock_in_its_unit(
    client: FlaskClient, auth: AuthActions, app_ctx: None
) -> None:
    user = UserFactory(email="sales@example.com", company_role=CompanyRole.SALES)
    ProductFactory(seller=user.company, unit="TNE", moq=1, stock_quantity=Decimal("2480.35"))
    auth.login("sales@example.com")
    page = client.get("/seller/listings").data.decode()
    assert "2,480.350 t" in page
