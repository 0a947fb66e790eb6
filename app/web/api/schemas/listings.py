"""A seller's listings as its ERP reads them, and the change of price tiers and stock."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from app.models import Incoterm, Product, ProductStatus
from app.services.listings.stock_and_prices import listing_version
from app.services.places import offered_places
from app.web.api.contract import Amount, RequestModel, ResponseModel, Text
from app.web.api.schemas.orders import Figure, Quantity, amount, quantity_text


def optional_quantity_text(value: Decimal | None) -> str | None:
    return None if value is None else quantity_text(value)


class PriceBreak(ResponseModel):
    """From ``min_quantity`` on, ``unit_price`` applies (the highest tier reached)."""

    min_quantity: Quantity
    unit_price: Amount


class DeliveryOffer(ResponseModel):
    """An Incoterm with its named place; ``locode`` when the place has a UN/LOCODE."""

    incoterm: Incoterm
    named_place: str
    locode: str | None


def delivery_offers(product: Product) -> list[DeliveryOffer]:
    codes = offered_places([offer.named_place for offer in product.incoterms])
    return [
        DeliveryOffer(incoterm=offer.rule, named_place=offer.named_place, locode=code)
        for offer, code in zip(product.incoterms, codes, strict=True)
    ]


class SellerListing(ResponseModel):
    id: str
    title: str
    status: ProductStatus
    hs_code: str
    unit: str
    moq: Quantity = Field(description="In ``unit``, by its rule (decimals for TNE, KGM …).")
    currency: str
    stock_quantity: Quantity | None = Field(description="null: made to order.")
    lead_time_days: int | None
    price_tiers: list[PriceBreak]
    incoterms: list[DeliveryOffer]
    version: str = Field(description="Send it back (If-Match or version) to change the listing.")

    @classmethod
    def of(cls, product: Product) -> SellerListing:
        return cls(
            id=product.public_id,
            title=product.title,
            status=product.status,
            hs_code=product.hs_code,
            unit=product.unit,
            moq=quantity_text(product.moq),
            currency=product.currency,
            stock_quantity=optional_quantity_text(product.stock_quantity),
            lead_time_days=product.lead_time_days,
            price_tiers=[
                PriceBreak(
                    min_quantity=quantity_text(tier.min_quantity),
                    unit_price=amount(tier.unit_price_minor, product.currency),
                )
                for tier in product.price_tiers
            ],
            incoterms=delivery_offers(product),
            version=listing_version(product),
        )


class SellerListingList(ResponseModel):
    data: list[SellerListing]
    has_more: bool


class PriceTierChange(RequestModel):
    min_quantity: Figure = Field(
        description='A decimal string ("12.345") or an integer, in the listing\'s unit by its'
        " rule: up to 3 decimals for TNE, KGM, LTR, MTQ, MTK, MTR; whole for PCE, SET."
    )
    unit_price: Amount


class ListingChange(RequestModel):
    """Either or both of price tiers and stock; what is left out stays as it is."""

    version: Text | None = Field(
        default=None, max_length=24, description="The version read; or send If-Match."
    )
    price_tiers: list[PriceTierChange] | None = Field(default=None, min_length=1, max_length=6)
    stock_quantity: Figure | None = Field(
        default=None,
        description='A decimal string ("12.345") or an integer, in the listing\'s unit by its'
        " rule; null: made to order (the listing needs a lead time).",
    )
