"""``/api/v1/catalogue`` and ``/api/v1/reference``: what anyone with a token may read.

The catalogue gives the public fields of published listings, as the catalogue pages do:
a controlled listing (class 1, or needing an export licence) shows that it exists and is
controlled, and its price and stock only to verified companies
(``licences.visibility``). Reference data: units, Incoterms, and the UN/LOCODE places a
listing offers or a search finds.
"""

from __future__ import annotations

from typing import Literal

from flask import g
from flask.typing import ResponseReturnValue
from pydantic import Field

from app.models import Incoterm, User
from app.models.product import SEA_ONLY_INCOTERMS
from app.reference.trade_codes import UNIT_CODES
from app.services.catalog.search import CatalogQuery, product_page, search_catalog
from app.services.licences.rules import is_controlled
from app.services.licences.visibility import sees_controlled_details
from app.services.places import offered_places, search_places
from app.web.api.contract import Amount, QueryModel, ResponseModel, operation
from app.web.api.orders_read import not_yours
from app.web.api.views import bp


class CatalogueItemOut(ResponseModel):
    id: str
    title: str
    seller: str
    seller_name: str
    seller_country: str
    origin_country: str
    unit: str
    moq: int
    currency: str | None
    price_from: Amount | None
    stock_quantity: int | None
    lead_time_days: int | None
    dangerous: bool
    hazard_class: str | None
    controlled: bool


class CataloguePageOut(ResponseModel):
    object: str = "list"
    data: list[CatalogueItemOut]
    total: int
    page: int
    pages: int


class CatalogueQuery(QueryModel):
    q: str = Field(default="", max_length=200)
    category: str | None = Field(default=None, max_length=80)
    origin: str | None = Field(default=None, min_length=2, max_length=2)
    seller: str | None = Field(default=None, max_length=40)
    incoterm: Incoterm | None = None
    in_stock: bool = False
    sort: Literal["relevance", "newest", "price_asc", "price_desc"] = "relevance"
    page: int = Field(default=1, ge=1, le=100)


def _sees_controlled() -> bool:
    user: User = g.api_user
    return sees_controlled_details(user)


@bp.get("/catalogue")
@operation(query=CatalogueQuery, responses={200: CataloguePageOut}, tags=["catalogue"])
def catalogue(query: CatalogueQuery) -> ResponseReturnValue:
    """Published listings matching the words and filters, as the catalogue pages find them."""
    found = search_catalog(
        CatalogQuery(
            q=query.q,
            category=query.category,
            origin=query.origin.upper() if query.origin else None,
            seller=query.seller,
            incoterm=query.incoterm,
            in_stock=query.in_stock,
            sort=query.sort,
            page=query.page,
        )
    )
    reveal = _sees_controlled()
    return CataloguePageOut(
        data=[
            CatalogueItemOut(
                id=item.public_id,
                title=item.title,
                seller=item.seller_public_id,
                seller_name=item.seller.legal_name,
                seller_country=item.seller_country,
                origin_country=item.origin_country,
                unit=item.unit,
                moq=item.moq,
                currency=None if item.controlled and not reveal else item.price_from.currency,
                price_from=None if item.controlled and not reveal else str(item.price_from.amount),
                stock_quantity=None if item.controlled and not reveal else item.stock_quantity,
                lead_time_days=item.lead_time_days,
                dangerous=item.dangerous,
                hazard_class=item.hazard_class,
                controlled=item.controlled,
            )
            for item in found.items
        ],
        total=found.total,
        page=found.page,
        pages=found.pages,
    )


class TierOut(ResponseModel):
    min_quantity: int
    unit_price: Amount


class PlaceOfferOut(ResponseModel):
    incoterm: str
    named_place: str
    locode: str | None


class ListingOut(ResponseModel):
    object: str = "listing"
    id: str
    title: str
    description: str
    seller: str
    seller_name: str
    hs_code: str
    unit: str
    moq: int
    origin_country: str
    currency: str | None
    price_tiers: list[TierOut] | None
    stock_quantity: int | None
    lead_time_days: int | None
    incoterms: list[PlaceOfferOut]
    un_number: str | None
    hazard_class: str | None
    controlled: bool


@bp.get("/catalogue/<public_id>")
@operation(responses={200: ListingOut}, tags=["catalogue"])
def catalogue_listing(public_id: str) -> ResponseReturnValue:
    """One published listing: prices by quantity, stock, and the delivery terms it offers."""
    view = product_page(public_id)
    if view is None or view.preview:
        return not_yours()
    product = view.product
    controlled = is_controlled(product.hazard_class, product.export_licence_required)
    hide = controlled and not _sees_controlled()
    places = [offer.named_place for offer in product.incoterms]
    return ListingOut(
        id=product.public_id,
        title=product.title,
        description=product.description,
        seller=product.seller.public_id,
        seller_name=product.seller.legal_name,
        hs_code=product.hs_code,
        unit=product.unit,
        moq=product.moq,
        origin_country=product.origin_country,
        currency=None if hide else product.currency,
        price_tiers=None
        if hide
        else [
            TierOut(min_quantity=tier.min_quantity, unit_price=str(tier.unit_price.amount))
            for tier in view.price_tiers
        ],
        stock_quantity=None if hide else product.stock_quantity,
        lead_time_days=product.lead_time_days,
        incoterms=[
            PlaceOfferOut(incoterm=offer.rule.value, named_place=offer.named_place, locode=code)
            for offer, code in zip(product.incoterms, offered_places(places), strict=True)
        ],
        un_number=product.un_number,
        hazard_class=product.hazard_class,
        controlled=controlled,
    )


# --- reference data --------------------------------------------------------------------


class CodeOut(ResponseModel):
    code: str
    name: str


class IncotermOut(ResponseModel):
    code: str
    sea_only: bool


class ReferenceOut(ResponseModel):
    units: list[CodeOut]
    incoterms: list[IncotermOut]


@bp.get("/reference")
@operation(responses={200: ReferenceOut}, tags=["reference"])
def reference() -> ResponseReturnValue:
    """Units of measure (UN/ECE Rec 20) and the Incoterms 2020 rules."""
    return ReferenceOut(
        units=[CodeOut(code=code, name=str(name)) for code, name in UNIT_CODES.items()],
        incoterms=[
            IncotermOut(code=rule.value, sea_only=rule in SEA_ONLY_INCOTERMS) for rule in Incoterm
        ],
    )


class PlaceOut(ResponseModel):
    locode: str
    name: str
    label: str
    country: str
    port: bool


class PlaceListOut(ResponseModel):
    object: str = "list"
    data: list[PlaceOut]


class PlaceQuery(QueryModel):
    q: str = Field(min_length=2, max_length=100)


@bp.get("/reference/places")
@operation(query=PlaceQuery, responses={200: PlaceListOut}, tags=["reference"])
def places(query: PlaceQuery) -> ResponseReturnValue:
    """UN/LOCODE places of Pakistan and China whose code or name contains ``q``."""
    return PlaceListOut(
        data=[
            PlaceOut(
                locode=hit.locode,
                name=hit.name,
                label=hit.label,
                country=hit.country,
                port=hit.is_port,
            )
            for hit in search_places(query.q)
        ]
    )
