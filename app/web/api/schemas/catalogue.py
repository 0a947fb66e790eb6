"""The catalogue as everyone reads it (public fields only) and the reference data."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from app.models import Incoterm
from app.services.catalog.product_pages import ProductView
from app.services.catalog.search import CatalogItem
from app.services.licences.rules import is_controlled
from app.web.api.contract import Amount, QueryModel, ResponseModel, Text
from app.web.api.schemas.listings import (
    DeliveryOffer,
    PriceBreak,
    delivery_offers,
    optional_quantity_text,
)
from app.web.api.schemas.orders import Quantity, quantity_text


class CatalogueItem(ResponseModel):
    """A search hit. A controlled listing (class 1, or needing an export licence) hides its
    price and stock (null) from companies not yet verified, as the catalogue pages do."""

    id: str
    title: str
    seller: str
    seller_name: str
    seller_country: str
    origin_country: str
    unit: str
    moq: Quantity
    currency: str | None
    price_from: Amount | None
    stock_quantity: Quantity | None
    lead_time_days: int | None
    dangerous: bool
    hazard_class: str | None
    controlled: bool

    @classmethod
    def of(cls, item: CatalogItem, reveal: bool) -> CatalogueItem:
        hide = item.controlled and not reveal
        return cls(
            id=item.public_id,
            title=item.title,
            seller=item.seller_public_id,
            seller_name=item.seller.legal_name,
            seller_country=item.seller_country,
            origin_country=item.origin_country,
            unit=item.unit,
            moq=quantity_text(item.moq),
            currency=None if hide else item.price_from.currency,
            price_from=None if hide else str(item.price_from.amount),
            stock_quantity=None if hide else optional_quantity_text(item.stock_quantity),
            lead_time_days=item.lead_time_days,
            dangerous=item.dangerous,
            hazard_class=item.hazard_class,
            controlled=item.controlled,
        )


class CataloguePage(ResponseModel):
    data: list[CatalogueItem]
    total: int
    page: int
    pages: int


class CatalogueQuery(QueryModel):
    q: Text = Field(default="", max_length=200)
    category: Text | None = Field(default=None, max_length=80, description="A category slug.")
    origin: Text | None = Field(default=None, min_length=2, max_length=2, examples=["PK"])
    seller: Text | None = Field(default=None, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    incoterm: Incoterm | None = None
    in_stock: bool = False
    sort: Literal["relevance", "newest", "price_asc", "price_desc"] = "relevance"
    page: int = Field(default=1, ge=1, le=100)


class CatalogueListing(ResponseModel):
    id: str
    title: str
    description: str
    seller: str
    seller_name: str
    hs_code: str
    unit: str
    moq: Quantity
    origin_country: str
    currency: str | None
    price_tiers: list[PriceBreak] | None
    stock_quantity: Quantity | None
    lead_time_days: int | None
    incoterms: list[DeliveryOffer]
    un_number: str | None
    hazard_class: str | None
    controlled: bool

    @classmethod
    def of(cls, view: ProductView, reveal: bool) -> CatalogueListing:
        product = view.product
        controlled = is_controlled(product.hazard_class, product.export_licence_required)
        hide = controlled and not reveal
        return cls(
            id=product.public_id,
            title=product.title,
            description=product.description,
            seller=product.seller.public_id,
            seller_name=product.seller.legal_name,
            hs_code=product.hs_code,
            unit=product.unit,
            moq=quantity_text(product.moq),
            origin_country=product.origin_country,
            currency=None if hide else product.currency,
            price_tiers=None
            if hide
            else [
                PriceBreak(
                    min_quantity=quantity_text(tier.min_quantity),
                    unit_price=str(tier.unit_price.amount),
                )
                for tier in view.price_tiers
            ],
            stock_quantity=None if hide else optional_quantity_text(product.stock_quantity),
            lead_time_days=product.lead_time_days,
            incoterms=delivery_offers(product),
            un_number=product.un_number,
            hazard_class=product.hazard_class,
            controlled=controlled,
        )


class UnitCode(ResponseModel):
    code: str = Field(description="UN/ECE Recommendation 20.")
    name: str


class IncotermRule(ResponseModel):
    code: Incoterm
    sea_only: bool


class ReferenceData(ResponseModel):
    units: list[UnitCode]
    incoterms: list[IncotermRule]


class PlaceHit(ResponseModel):
    locode: str
    name: str
    label: str = Field(description="What to send as named_place: Karachi (PKKHI).")
    country: str
    port: bool


class PlaceList(ResponseModel):
    data: list[PlaceHit]


class PlaceQuery(QueryModel):
    q: Text = Field(min_length=2, max_length=100)
