"""The public catalogue's product pages and sellers' storefronts.

What the public sees: PUBLISHED listings of sellers that are not suspended (a seller also
sees its own listing in any state). A product page costs three statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload
from sqlalchemy.sql.elements import ColumnElement

from app.extensions import db
from app.models import (
    Category,
    Company,
    Product,
    ProductStatus,
    VerificationStatus,
)
from app.money import Money
from app.services.catalog.search import _PUBLIC_ID, CatalogPage, CatalogQuery, search_catalog


@dataclass(frozen=True)
class PriceTierView:
    min_quantity: Decimal  # in the listing's unit
    unit_price: Money


@dataclass(frozen=True)
class ProductView:
    """A listing with everything its page shows, loaded in three statements."""

    product: Product
    price_tiers: list[PriceTierView]
    price_from: Money
    # True when the seller looks at its own listing that the public cannot see.
    preview: bool
    breadcrumbs: list[Category] = field(default_factory=list)

    @property
    def hazard_class_number(self) -> str | None:
        """The class of the diamond label ("1" for 1.5D, "5" for 5.1), if dangerous."""
        hazard_class = self.product.hazard_class
        if not hazard_class or not hazard_class[0].isdigit():
            return None
        return hazard_class[0]

    @staticmethod
    def grams_as_kg(grams: int | None) -> Decimal | None:
        return None if grams is None else (Decimal(grams) / 1000).normalize()

    @staticmethod
    def mm_as_cm(millimetres: int | None) -> Decimal | None:
        return None if millimetres is None else (Decimal(millimetres) / 10).normalize()


def product_page(public_id: str, viewer_company_id: int | None = None) -> ProductView | None:
    """The public listing ``public_id`` (or the viewer's own listing in any state), else None.

    Statements: the listing with its seller, category, parent category, price tiers and
    Incoterms joined (tiers and terms are capped at six each, so at most 36 rows); then the
    specifications and the images, one SELECT ... IN each. Joining those too would
    multiply the rows (30 specifications x 36).
    """
    if not _PUBLIC_ID.fullmatch(public_id or ""):
        return None
    visible: ColumnElement[bool] = sa.and_(
        Product.status == ProductStatus.PUBLISHED,
        Company.verification_status != VerificationStatus.SUSPENDED,
    )
    if viewer_company_id is not None:
        visible = sa.or_(visible, Product.seller_id == viewer_company_id)
    statement = (
        sa.select(Product)
        .join(Company, Company.id == Product.seller_id)
        .where(Product.public_id == public_id, visible)
        .options(
            contains_eager(Product.seller),
            joinedload(Product.category).joinedload(Category.parent),
            joinedload(Product.price_tiers),
            joinedload(Product.incoterms),
            selectinload(Product.specifications),
            selectinload(Product.images),
        )
    )
    product = db.session.scalars(statement).unique().one_or_none()
    if product is None:
        return None
    tiers = [
        PriceTierView(tier.min_quantity, Money.from_minor(tier.unit_price_minor, product.currency))
        for tier in sorted(product.price_tiers, key=lambda tier: tier.min_quantity)
    ]
    category = product.category
    breadcrumbs = [category.parent, category] if category.parent is not None else [category]
    return ProductView(
        product=product,
        price_tiers=tiers,
        price_from=Money.from_minor(product.price_from_minor, product.currency),
        preview=product.status is not ProductStatus.PUBLISHED
        or product.seller.verification_status is VerificationStatus.SUSPENDED,
        breadcrumbs=breadcrumbs,
    )


@dataclass(frozen=True)
class Storefront:
    company: Company
    listings: CatalogPage


def storefront(company_public_id: str, page: int = 1) -> Storefront | None:
    """A selling company's published range, newest first; None for unknown or suspended."""
    if not _PUBLIC_ID.fullmatch(company_public_id or ""):
        return None
    company = db.session.scalar(
        sa.select(Company).where(
            Company.public_id == company_public_id,
            Company.sells.is_(True),
            Company.verification_status != VerificationStatus.SUSPENDED,
        )
    )
    if company is None:
        return None
    listings = search_catalog(CatalogQuery(seller=company.public_id, sort="newest", page=page))
    return Storefront(company, listings)
