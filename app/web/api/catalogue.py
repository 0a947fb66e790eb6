"""``/api/v1/catalogue`` and ``/api/v1/reference``: what anyone with a token may read.

The catalogue gives the public fields of published listings, as the catalogue pages do:
a controlled listing shows that it exists and is controlled, and its price and stock only
to verified companies (``licences.visibility``). Reference data: units, Incoterms, and
the UN/LOCODE places a listing offers (on the listing) or a search finds.
"""

from __future__ import annotations

from flask import g

from app.models import Incoterm, User
from app.models.product import SEA_ONLY_INCOTERMS
from app.reference.trade_codes import UNIT_CODES
from app.services.catalog.product_pages import product_page
from app.services.catalog.search import CatalogQuery, search_catalog
from app.services.licences.visibility import sees_controlled_details
from app.services.places import search_places
from app.web.api.contract import ApiAnswer, operation
from app.web.api.orders_read import not_yours
from app.web.api.schemas.catalogue import (
    CatalogueItem,
    CatalogueListing,
    CataloguePage,
    CatalogueQuery,
    IncotermRule,
    PlaceHit,
    PlaceList,
    PlaceQuery,
    ReferenceData,
    UnitCode,
)
from app.web.api.views import bp


def _sees_controlled() -> bool:
    user: User = g.api_user
    return sees_controlled_details(user)


@bp.get("/catalogue")
@operation(query=CatalogueQuery, responses={200: CataloguePage}, tags=["catalogue"])
def catalogue(query: CatalogueQuery) -> ApiAnswer:
    """Published listings matching the words and filters, as the catalogue pages find them."""
    reveal = _sees_controlled()
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
            controlled_prices=reveal,
        )
    )
    return CataloguePage(
        data=[CatalogueItem.of(item, reveal) for item in found.items],
        total=found.total,
        page=found.page,
        pages=found.pages,
    )


@bp.get("/catalogue/<public_id>")
@operation(responses={200: CatalogueListing}, tags=["catalogue"])
def catalogue_listing(public_id: str) -> ApiAnswer:
    """One published listing: prices by quantity, stock, and the delivery terms it offers."""
    view = product_page(public_id)
    if view is None or view.preview:
        return not_yours()
    return CatalogueListing.of(view, _sees_controlled())


@bp.get("/reference")
@operation(responses={200: ReferenceData}, tags=["reference"])
def reference() -> ApiAnswer:
    """Units of measure (UN/ECE Rec 20) and the Incoterms 2020 rules."""
    return ReferenceData(
        units=[UnitCode(code=code, name=str(name)) for code, name in UNIT_CODES.items()],
        incoterms=[
            IncotermRule(code=rule, sea_only=rule in SEA_ONLY_INCOTERMS) for rule in Incoterm
        ],
    )


@bp.get("/reference/places")
@operation(query=PlaceQuery, responses={200: PlaceList}, tags=["reference"])
def places(query: PlaceQuery) -> ApiAnswer:
    """UN/LOCODE places of Pakistan and China whose code or name contains ``q``."""
    return PlaceList(
        data=[
            PlaceHit(
                locode=hit.locode,
                name=hit.name,
                label=hit.label,
                country=hit.country,
                port=hit.is_port,
            )
            for hit in search_places(query.q)
        ]
    )
