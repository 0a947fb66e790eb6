"""``/api/v1/seller``: a seller's ERP reads its listings and changes their price tiers and
stock, and answers incoming orders (accept with a ship date, decline, start production,
record a shipment) through the same services as the seller's pages.

Listings carry a ``version``; a change names the version it was computed from, in
``If-Match`` (answered ``412`` when stale) or the body's ``version`` (``409``), so an ERP
never overwrites a change it has not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import request
from flask_babel import gettext
from pydantic import Field

from app.models import Order, ProductStatus
from app.services.accounts.capabilities import Side
from app.services.errors import DomainError
from app.services.fulfilment import actions, shipment_contents
from app.services.listings import stock_and_prices
from app.services.listings.editing import seller_product
from app.services.listings.listing_input import ListingInvalid
from app.services.orders.queries import company_order, order_page
from app.web.api.contract import ApiAnswer, QueryModel, operation
from app.web.api.orders_read import (
    OrderListQuery,
    PublicId,
    company_id,
    not_yours,
    order_slice,
    unknown_cursor,
    well_formed,
)
from app.web.api.schemas.listings import ListingChange, SellerListing, SellerListingList
from app.web.api.schemas.orders import OrderDetail, OrderList
from app.web.api.schemas.seller_orders import (
    AcceptOrder,
    CloseBalance,
    DeclineOrder,
    RecordShipment,
    StartProduction,
)
from app.web.api.views import _actor, bp
from app.web.boundary import attempt
from app.web.errors import render_error


def _refused(error: DomainError) -> ApiAnswer:
    if isinstance(error, ListingInvalid):
        # "price_tiers-1-unit_price" (the form's name) as a path: "price_tiers[1].unit_price".
        name, message = next(iter(error.errors.items()))
        parts = name.split("-")
        path = parts[0] + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts[1:])
        return render_error(422, str(message), parts[-1], path=path)
    return render_error(error.status, str(error), error.field, path=error.path)


# --- listings -------------------------------------------------------------------------


class ListingListQuery(QueryModel):
    limit: int = Field(default=10, ge=1, le=stock_and_prices.MAX_LIMIT)
    starting_after: PublicId | None = None
    status: ProductStatus | None = None


@bp.get("/seller/listings")
@operation(query=ListingListQuery, responses={200: SellerListingList}, tags=["seller"])
def listing_list(query: ListingListQuery) -> ApiAnswer:
    """The company's listings in every state, oldest first."""
    try:
        products, has_more = stock_and_prices.listings_after(
            company_id(),
            limit=query.limit,
            starting_after=query.starting_after,
            status=query.status,
        )
    except stock_and_prices.UnknownCursor:
        return unknown_cursor()
    return SellerListingList(data=[SellerListing.of(p) for p in products], has_more=has_more)


@bp.get("/seller/listings/<public_id>")
@operation(responses={200: SellerListing}, tags=["seller"])
def listing_show(public_id: str) -> ApiAnswer:
    """One of the company's listings, with its version (also sent as the ETag)."""
    product = seller_product(company_id(), public_id) if well_formed(public_id) else None
    if product is None:
        return not_yours()
    body = SellerListing.of(product)
    return body, 200, {"ETag": f'"{body.version}"'}


@bp.patch("/seller/listings/<public_id>")
@operation(
    body=ListingChange,
    responses={200: SellerListing},
    errors=(409, 412, 428),
    tags=["seller"],
)
def listing_change(public_id: str, body: ListingChange) -> ApiAnswer:
    """Replace the listing's price tiers and/or stock, if it is still at the version read."""
    product = seller_product(company_id(), public_id) if well_formed(public_id) else None
    if product is None:
        return not_yours()
    header = request.headers.get("If-Match", "").strip()
    seen = header.removeprefix("W/").strip('"') if header else body.version
    if not seen:
        return render_error(
            428,
            gettext("Send the version you read, in If-Match or as version."),
            "version",
            error_code="version_required",
        )
    changes: dict[str, Any] = {"seen_version": seen}
    if body.price_tiers is not None:
        changes["price_tiers"] = [
            (tier.min_quantity, Decimal(tier.unit_price)) for tier in body.price_tiers
        ]
    if "stock_quantity" in body.model_fields_set:
        changes["stock_quantity"] = body.stock_quantity
    outcome = attempt(
        lambda: stock_and_prices.update_stock_and_prices(_actor(), product, **changes),
        flash_refusal=False,
    )
    if isinstance(outcome.error, stock_and_prices.StaleVersion):
        # If-Match is HTTP's precondition (412); a version in the body is a conflict (409).
        status = 412 if header else 409
        return render_error(status, str(outcome.error), "version", error_code="stale_version")
    if outcome.error is not None:
        return _refused(outcome.error)
    fresh = SellerListing.of(product)
    return fresh, 200, {"ETag": f'"{fresh.version}"'}


# --- incoming orders ------------------------------------------------------------------


@bp.get("/seller/orders")
@operation(query=OrderListQuery, responses={200: OrderList}, tags=["seller"])
def incoming_order_list(query: OrderListQuery) -> ApiAnswer:
    """The company's orders as seller, newest first."""
    return order_slice(Side.SELLER, query)


def _detail(public_id: str, status: int = 200) -> ApiAnswer:
    order = order_page(company_id(), public_id, Side.SELLER)
    if order is None:
        return not_yours()
    return OrderDetail.of(order), status


@bp.get("/seller/orders/<public_id>")
@operation(responses={200: OrderDetail}, tags=["seller"])
def incoming_order(public_id: str) -> ApiAnswer:
    """An order placed with the company, with shipments, payments and documents."""
    if not well_formed(public_id):
        return not_yours()
    return _detail(public_id)


def _act(public_id: str, act: Callable[[Order], object], status: int = 200) -> ApiAnswer:
    """Run the page's own service on the company's order; the order as it now stands."""
    order = company_order(company_id(), public_id, Side.SELLER) if well_formed(public_id) else None
    if order is None:
        return not_yours()
    outcome = attempt(lambda: act(order), flash_refusal=False)
    if outcome.error is not None:
        return _refused(outcome.error)
    return _detail(public_id, status)


@bp.post("/seller/orders/<public_id>/accept")
@operation(body=AcceptOrder, responses={200: OrderDetail}, errors=(409,), tags=["seller"])
def incoming_accept(public_id: str, body: AcceptOrder) -> ApiAnswer:
    """Accept the order with the date it will ship (freight/insurance proposed to the buyer)."""
    return _act(
        public_id,
        lambda order: actions.accept(
            _actor(),
            order,
            confirmed_ship_date=body.confirmed_ship_date,
            freight=Decimal(body.freight) if body.freight else None,
            insurance=Decimal(body.insurance) if body.insurance else None,
            note=body.note,
        ),
    )


@bp.post("/seller/orders/<public_id>/decline")
@operation(body=DeclineOrder, responses={200: OrderDetail}, errors=(409,), tags=["seller"])
def incoming_decline(public_id: str, body: DeclineOrder) -> ApiAnswer:
    """Decline (reject) the order, telling the buyer why; its stock goes back."""
    return _act(public_id, lambda order: actions.reject(_actor(), order, body.reason))


@bp.post("/seller/orders/<public_id>/start-production")
@operation(body=StartProduction, responses={200: OrderDetail}, errors=(409,), tags=["seller"])
def incoming_production(public_id: str, body: StartProduction) -> ApiAnswer:
    """Start production (on deposit or advance terms, once that money is in)."""
    return _act(public_id, lambda order: actions.start_production(_actor(), order, body.note))


def _shipment_input(body: RecordShipment) -> actions.ShipmentInput:
    def kg(value: str | None) -> Decimal | None:
        return Decimal(value) if value else None

    return actions.ShipmentInput(
        mode=body.mode,
        carrier=body.carrier,
        transport_document_number=body.transport_document_number,
        port_of_loading=body.port_of_loading,
        port_of_discharge=body.port_of_discharge,
        etd=body.etd,
        eta=body.eta,
        net_weight_kg=kg(body.net_weight_kg),
        gross_weight_kg=kg(body.gross_weight_kg),
        vessel=body.vessel,
        voyage=body.voyage,
        flight=body.flight,
        container_numbers=body.container_numbers,
        packages=[
            actions.PackageInput(
                count=package.count,
                marks=package.marks,
                package_type=package.package_type,
                contents=package.contents,
                net_weight_kg=kg(package.net_weight_kg),
                gross_weight_kg=kg(package.gross_weight_kg),
                line_no=package.line_no,
                container_number=package.container_number,
            )
            for package in body.packages
        ],
        lines=[
            shipment_contents.LineInput(line_no=line.line_no, quantity=line.quantity)
            for line in body.lines
        ],
        last_lot=body.last_lot,
    )


@bp.post("/seller/orders/<public_id>/shipments")
@operation(body=RecordShipment, responses={201: OrderDetail}, errors=(409,), tags=["seller"])
def incoming_shipment(public_id: str, body: RecordShipment) -> ApiAnswer:
    """Record the shipment (or a lot of an order allowing partial shipments) and issue its
    papers: the order becomes shipped unless lots are still to follow."""
    return _act(
        public_id,
        lambda order: actions.record_shipment(_actor(), order, _shipment_input(body)),
        status=201,
    )


@bp.post("/seller/orders/<public_id>/close-balance")
@operation(body=CloseBalance, responses={200: OrderDetail}, errors=(409,), tags=["seller"])
def incoming_close_balance(public_id: str, body: CloseBalance) -> ApiAnswer:
    """Close a partly shipped order at what its lots carried (every line within its
    tolerance): it becomes shipped and the buyer owes what shipped."""
    return _act(public_id, lambda order: actions.close_balance(_actor(), order, body.note))
