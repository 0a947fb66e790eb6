"""Bulk minerals as their sellers list them: by the tonne, to the kilogram."""

from __future__ import annotations

from app.models import Company, Product
from tests.factories import ProductFactory


def chromite(seller: Company) -> Product:
    """Chromite ore sold by the tonne to the kilogram, US$185.50 a tonne, shipped loose,
    5,000 t in stock."""
    product: Product = ProductFactory(
        seller=seller,
        title="Chromite ore lumps Cr2O3 40 %",
        hs_code="261000",
        unit="TNE",
        moq=1,
        price_from_minor=18_550,
        stock_quantity=5_000,
    )
    return product
