"""Decimal quantities in the listing sheet (issue #20): a quantity cell follows the row's
unit, to the thousandth for kilograms and tonnes, whole for pieces; it is stored exactly and
exported as it was typed, in CSV and in XLSX."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Product
from app.services.audit.recording import Actor
from app.services.listings import importing as listing_import
from tests.builders.listing_files import (
    csv_file,
    import_seller,
    listing_row,
    messages,
    read_csv,
    read_xlsx,
    xlsx_file,
)


@pytest.fixture
def seller(app_ctx: None) -> Actor:
    return import_seller()


# 0.5 kg as MOQ and first tier, a tier from 2.5 kg, 12.345 kg of stock.
BY_THE_KILOGRAM = {
    "unit": "KGM",
    "moq": "0.5",
    "tier1_min_quantity": "0.5",
    "tier2_min_quantity": "2.5",
    "stock_quantity": "12.345",
    "lead_time_days": "",
}


def _only_product() -> Product:
    db.session.expire_all()
    return db.session.scalars(select(Product)).one()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_listing_by_the_kilogram_imports_and_exports_to_the_gram(seller: Actor, fmt: str) -> None:
    row = listing_row(**BY_THE_KILOGRAM)
    data = csv_file([row]) if fmt == "csv" else xlsx_file([row])
    assert listing_import.import_listings(seller, data, f"listings.{fmt}").created == 1

    product = _only_product()
    assert (product.moq, product.stock_quantity) == (Decimal("0.5"), Decimal("12.345"))
    assert format(product.stock_quantity, "f") == "12.345"  # not 12.34, never a float
    assert [t.min_quantity for t in product.price_tiers] == [Decimal("0.5"), Decimal("2.5")]

    assert seller.company_id is not None
    exported = read_csv(listing_import.export_listings(seller.company_id, "csv"))[0]
    assert (exported["moq"], exported["stock_quantity"]) == ("0.5", "12.345")
    assert (exported["tier1_min_quantity"], exported["tier2_min_quantity"]) == ("0.5", "2.5")


def test_numbers_typed_as_numbers_in_xlsx_keep_their_decimals(seller: Actor) -> None:
    """Excel holds 12.345 as a binary float; it is read as the 12.345 the seller typed."""
    row = listing_row(
        unit="TNE",
        moq=0.5,
        tier1_min_quantity=0.5,
        tier2_min_quantity=2.5,
        stock_quantity=12.345,
        lead_time_days="",
    )
    listing_import.import_listings(seller, xlsx_file([row]), "listings.xlsx")
    product = _only_product()
    assert product.stock_quantity == Decimal("12.345")
    assert [t.min_quantity for t in product.price_tiers] == [Decimal("0.5"), Decimal("2.5")]

    assert seller.company_id is not None
    sheet = read_xlsx(listing_import.export_listings(seller.company_id, "xlsx"))
    headers = sheet[0]
    exported = dict(zip(headers, sheet[1], strict=True))
    # Written as numbers the spreadsheet shows as typed.
    assert (exported["moq"], exported["stock_quantity"]) == (0.5, 12.345)


def test_an_export_of_decimal_quantities_imports_back_unchanged(seller: Actor) -> None:
    listing_import.import_listings(seller, csv_file([listing_row(**BY_THE_KILOGRAM)]), "a.csv")
    assert seller.company_id is not None
    for fmt in ("csv", "xlsx"):
        exported = listing_import.export_listings(seller.company_id, fmt)
        result = listing_import.import_listings(seller, exported, f"again.{fmt}")
        assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert _only_product().stock_quantity == Decimal("12.345")


def test_quantity_cells_are_held_to_the_rows_unit(seller: Actor) -> None:
    data = csv_file(
        [
            listing_row(unit="PCE", moq="1.5", tier1_min_quantity="1.5"),
            listing_row(unit="PCE", stock_quantity="40.5", lead_time_days=""),
            listing_row(unit="KGM", stock_quantity="12.3456", lead_time_days=""),
            listing_row(units_per_package="2.5"),
        ]
    )
    assert messages(seller, data) == [
        "Quantities in pieces are whole numbers.",
        "Quantities in pieces are whole numbers.",
        "Quantities in pieces are whole numbers.",
        "Quantities in kg take up to 3 decimals (for example 12.500).",
        "Enter a whole number.",
    ]
