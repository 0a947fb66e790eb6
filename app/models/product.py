"""Listings: what a supplier offers, with the trade data customs and carriers need.

Quantities are whole numbers of the listing's unit (UN/ECE Rec 20): 25 KGM, 12 TNE,
500 PCE. Prices are integer minor units of the listing's currency; weights are grams and
dimensions millimetres, so nothing in the database is a float.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, Quantity, UnitPrice, enum_column_type, utcnow

if TYPE_CHECKING:
    from app.models.category import Category
    from app.models.company import Company


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"
    SUSPENDED = "suspended"


class Incoterm(enum.StrEnum):
    """Incoterms 2020: seven rules for any mode, four for sea and inland waterway only."""

    EXW = "EXW"
    FCA = "FCA"
    CPT = "CPT"
    CIP = "CIP"
    DAP = "DAP"
    DPU = "DPU"
    DDP = "DDP"
    FAS = "FAS"
    FOB = "FOB"
    CFR = "CFR"
    CIF = "CIF"


SEA_ONLY_INCOTERMS = frozenset({Incoterm.FAS, Incoterm.FOB, Incoterm.CFR, Incoterm.CIF})


class Product(PublicIdMixin, Base):
    __tablename__ = "products"
    __table_args__ = (
        sa.Index("ix_products_status_category", "status", "category_id"),
        sa.Index("ix_products_seller_status", "seller_id", "status"),
        # The catalogue's cache version reads max(updated_at); price sorts and filters
        # walk (currency, price).
        sa.Index("ix_products_updated_at", "updated_at"),
        sa.Index("ix_products_currency_price", "currency", "price_from_minor"),
        # A category's listings by price (issue #24): the category filter is the way in,
        # not a walk of every listing in the currency by price.
        sa.Index(
            "ix_products_category_currency_price", "category_id", "currency", "price_from_minor"
        ),
        # A country of origin: a rare one (7 % of listings) is sought, not scanned for.
        sa.Index(
            "ix_products_origin_currency_price", "origin_country", "currency", "price_from_minor"
        ),
        sa.CheckConstraint("moq > 0", name="moq_positive"),
        sa.CheckConstraint(
            "stock_quantity IS NULL OR stock_quantity >= 0", name="stock_not_negative"
        ),
    )

    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # The seller's own wording for Chinese and Urdu readers; English is the fallback.
    title_zh: Mapped[str | None] = mapped_column(sa.String(200))
    title_ur: Mapped[str | None] = mapped_column(sa.String(200))
    description_zh: Mapped[str | None] = mapped_column(sa.Text)
    description_ur: Mapped[str | None] = mapped_column(sa.Text)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"))
    hs_code: Mapped[str] = mapped_column(sa.String(10), index=True)
    unit: Mapped[str] = mapped_column(sa.String(3))
    moq: Mapped[Decimal] = mapped_column(Quantity())
    currency: Mapped[str] = mapped_column(sa.String(3))
    # Cheapest tier, kept with the tiers so price filters and sorts need no join.
    price_from_minor: Mapped[Decimal] = mapped_column(UnitPrice)
    # None means made to order (then lead_time_days says how long).
    stock_quantity: Mapped[Decimal | None] = mapped_column(Quantity())
    lead_time_days: Mapped[int | None]
    origin_country: Mapped[str] = mapped_column(sa.String(2))
    # Where the goods leave for export ("Karachi (PKKHI)"): the shipment's port of loading
    # unless the seller changes it there.
    origin_port: Mapped[str | None] = mapped_column(sa.String(100))
    package_type: Mapped[str | None] = mapped_column(sa.String(40))
    units_per_package: Mapped[int | None] = mapped_column(sa.BigInteger)
    net_weight_g: Mapped[int | None] = mapped_column(sa.BigInteger)
    gross_weight_g: Mapped[int | None] = mapped_column(sa.BigInteger)
    length_mm: Mapped[int | None]
    width_mm: Mapped[int | None]
    height_mm: Mapped[int | None]
    un_number: Mapped[str | None] = mapped_column(sa.String(6))
    proper_shipping_name: Mapped[str | None] = mapped_column(sa.String(200))
    hazard_class: Mapped[str | None] = mapped_column(sa.String(4))
    packing_group: Mapped[str | None] = mapped_column(sa.String(3))
    net_explosive_mass_g: Mapped[int | None] = mapped_column(sa.BigInteger)
    # IMDG Dangerous Goods List columns 4 and 15: subsidiary hazard classes (e.g. "6.1")
    # and the EmS fire and spillage schedules (e.g. "F-B, S-Y").
    subsidiary_risk: Mapped[str | None] = mapped_column(sa.String(20))
    ems: Mapped[str | None] = mapped_column(sa.String(20))
    export_licence_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ProductStatus] = mapped_column(
        enum_column_type(ProductStatus), default=ProductStatus.DRAFT
    )
    suspension_reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(index=True)

    seller: Mapped[Company] = relationship()
    category: Mapped[Category] = relationship()
    price_tiers: Mapped[list[PriceTier]] = relationship(
        order_by="PriceTier.min_quantity", cascade="all, delete-orphan", back_populates="product"
    )
    incoterms: Mapped[list[ProductIncoterm]] = relationship(
        order_by="ProductIncoterm.id", cascade="all, delete-orphan", back_populates="product"
    )
    specifications: Mapped[list[Specification]] = relationship(
        order_by="Specification.position", cascade="all, delete-orphan", back_populates="product"
    )
    images: Mapped[list[ProductImage]] = relationship(
        order_by="ProductImage.position", cascade="all, delete-orphan", back_populates="product"
    )

    @property
    def is_dangerous_goods(self) -> bool:
        return self.un_number is not None

    @property
    def made_to_order(self) -> bool:
        return self.stock_quantity is None


class PriceTier(Base):
    """From ``min_quantity`` units on, each unit costs ``unit_price_minor``."""

    __tablename__ = "price_tiers"
    __table_args__ = (
        sa.UniqueConstraint("product_id", "min_quantity"),
        sa.CheckConstraint("min_quantity > 0", name="min_quantity_positive"),
        sa.CheckConstraint("unit_price_minor > 0", name="unit_price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    min_quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price_minor: Mapped[Decimal] = mapped_column(UnitPrice)

    product: Mapped[Product] = relationship(back_populates="price_tiers")


class ProductIncoterm(Base):
    """A delivery term the seller offers, with its named place (e.g. FOB Karachi)."""

    __tablename__ = "product_incoterms"
    __table_args__ = (sa.UniqueConstraint("product_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    rule: Mapped[Incoterm] = mapped_column(enum_column_type(Incoterm), index=True)
    named_place: Mapped[str] = mapped_column(sa.String(100))

    product: Mapped[Product] = relationship(back_populates="incoterms")


class Specification(Base):
    """One key/value line of the technical specification (e.g. Cr2O3 >= 40 %)."""

    __tablename__ = "product_specifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(80))
    name_zh: Mapped[str | None] = mapped_column(sa.String(80))
    name_ur: Mapped[str | None] = mapped_column(sa.String(80))
    value: Mapped[str] = mapped_column(sa.String(200))

    product: Mapped[Product] = relationship(back_populates="specifications")


class ProductImage(Base):
    """A listing photo, re-encoded on upload and stored under a random name."""

    __tablename__ = "product_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    # Random storage names (never the uploader's file name) of the image and its thumbnail.
    storage_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    thumbnail_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(20))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped[Product] = relationship(back_populates="images")
