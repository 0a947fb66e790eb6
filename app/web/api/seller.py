"""``/api/v1/seller``: a seller's ERP reads its listings and changes their price tiers and
stock, and answers incoming orders (accept with a ship date, decline, start production,
record a shipment) through the same services as the seller's pages.

Listings carry a ``version``; a change names the version it was computed from, in
``If-Match`` (answered ``412`` when stale) or the body's ``version`` (``409``), so an ERP
never overwrites a change it has not seen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from flask import request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from pydantic import Field

from app.models import Order, Product
from app.services.accounts.capabilities import Side
from app.services.errors import DomainError
from app.services.fulfilment import actions, shipment_contents
from app.services.listings import stock_and_prices
from app.services.listings.editing import seller_product, seller_products
from app.services.listings.listing_input import ListingInvalid
from app.services.orders.queries import company_order, order_page
from app.services.places import offered_places
from app.web.api.contract import Amount, RequestModel, ResponseModel, Text, operation
from app.web.api.orders_read import OrderListQuery, company_id, not_yours, order_slice
from app.web.api.resource_json import amount, order_detail_out
from app.web.api.resource_models import OrderDetailOut, OrderListOut
from app.web.api.views import _actor, bp
from app.web.boundary import attempt
from app.web.errors import render_error

T = TypeVar("T")
LooseDate = Annotated[date, Field(strict=False)]


class PriceTierOut(ResponseModel):
    min_quantity: int
    unit_price: Amount


class OfferOut(ResponseModel):
    incoterm: str
    named_place: str
    locode: str | None


class ListingOut(ResponseModel):
    object: str = "listing"
    id: str
    title: str
    status: str
    hs_code: str
    unit: str
    moq: int
    currency: str
    stock_quantity: int | None
    lead_time_days: int | None
    price_tiers: list[PriceTierOut]
    incoterms: list[OfferOut]
    version: str


class ListingListOut(ResponseModel):
    object: str = "list"
    data: list[ListingOut]
    has_more: bool


def listing_out(product: Product) -> ListingOut:
    return ListingOut(
        id=product.public_id,
        title=product.title,
        status=product.status.value,
        hs_code=product.hs_code,
        unit=product.unit,
        moq=product.moq,
        currency=product.currency,
        stock_quantity=product.stock_quantity,
        lead_time_days=product.lead_time_days,
        price_tiers=[
            PriceTierOut(
                min_quantity=tier.min_quantity,
                unit_price=amount(tier.unit_price_minor, product.currency),
            )
            for tier in product.price_tiers
        ],
        incoterms=[
            OfferOut(incoterm=offer.rule.value, named_place=offer.named_place, locode=code)
            for offer, code in zip(
                product.incoterms,
                offered_places([offer.named_place for offer in product.incoterms]),
                strict=True,
            )
        ],
        version=stock_and_prices.listing_version(product),
    )


def _refused(error: DomainError) -> ResponseReturnValue:
    if isinstance(error, ListingInvalid):
        # "price_tiers-1-unit_price" (the form's name) as a path: "price_tiers[1].unit_price".
        name, message = next(iter(error.errors.items()))
        parts = name.split("-")
        path = parts[0] + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts[1:])
        return render_error(422, str(message), parts[-1], path=path)
    return render_error(error.status, str(error), error.field, path=error.path)


def _run(action: Callable[[], T]) -> T | ResponseReturnValue:
    outcome = attempt(action, flash_refusal=False)
    if outcome.error is not None:
        return _refused(outcome.error)
    return outcome.value  # type: ignore[return-value]


# --- listings -------------------------------------------------------------------------


@bp.get("/seller/listings")
@operation(responses={200: ListingListOut}, tags=["seller"])
def listing_list() -> ResponseReturnValue:
    """The company's listings in every state."""
    products = seller_products(company_id())
    return ListingListOut(data=[listing_out(p) for p in products], has_more=False)


@bp.get("/seller/listings/<public_id>")
@operation(responses={200: ListingOut}, tags=["seller"])
def listing_show(public_id: str) -> ResponseReturnValue:
    """One of the company's listings, with its version (also sent as the ETag)."""
    product = seller_product(company_id(), public_id)
    if product is None:
        return not_yours()
    body = listing_out(product)
    return body, 200, {"ETag": f'"{body.version}"'}


class PriceTierIn(RequestModel):
    min_quantity: int = Field(ge=1)
    unit_price: Amount


class ListingChange(RequestModel):
    version: Text | None = Field(default=None, max_length=24)
    price_tiers: list[PriceTierIn] | None = Field(default=None, min_length=1, max_length=6)
    # null: made to order (the listing then needs its lead time).
    stock_quantity: int | None = Field(default=None, ge=0)


@bp.patch("/seller/listings/<public_id>")
@operation(body=ListingChange, responses={200: ListingOut}, errors=[409, 412, 428], tags=["seller"])
def listing_change(public_id: str, body: ListingChange) -> ResponseReturnValue:
    """Replace the listing's price tiers and/or stock, if it is still at the version read."""
    product = seller_product(company_id(), public_id)
    if product is None:
        return not_yours()
    header = request.headers.get("If-Match", "").strip()
    seen = header.removeprefix("W/").strip('"') if header else body.version
    if not seen:
        return render_error(
            428,
            gettext("Send the version you read, in If-Match or as version."),
            "version",
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
    if isinstance(outcome.error, stock_and_prices.StaleVersion) and header:
        return render_error(412, str(outcome.error), "version", error_code="stale_version")
    if outcome.error is not None:
        return _refused(outcome.error)
    fresh = listing_out(product)
    return fresh, 200, {"ETag": f'"{fresh.version}"'}


# --- incoming orders ------------------------------------------------------------------


@bp.get("/seller/orders")
@operation(query=OrderListQuery, responses={200: OrderListOut}, tags=["seller"])
def incoming_order_list(query: OrderListQuery) -> ResponseReturnValue:
    """The company's orders as seller, newest first."""
    return order_slice(Side.SELLER, query)


def _detail(public_id: str) -> ResponseReturnValue:
    order = order_page(company_id(), public_id, Side.SELLER)
    if order is None:
        return not_yours()
    return order_detail_out(order)


@bp.get("/seller/orders/<public_id>")
@operation(responses={200: OrderDetailOut}, tags=["seller"])
def incoming_order(public_id: str) -> ResponseReturnValue:
    """An order placed with the company, with shipments, payments and documents."""
    return _detail(public_id)


def _act(public_id: str, act: Callable[[Order], object]) -> ResponseReturnValue:
    order = company_order(company_id(), public_id, Side.SELLER)
    if order is None:
        return not_yours()
    done = _run(lambda: act(order))
    if isinstance(done, tuple):
        return done
    return _detail(public_id)


class AcceptIn(RequestModel):
    confirmed_ship_date: LooseDate
    freight: Amount | None = None
    insurance: Amount | None = None
    note: Text | None = Field(default=None, max_length=2000)


@bp.post("/seller/orders/<public_id>/accept")
@operation(body=AcceptIn, responses={200: OrderDetailOut}, errors=[409], tags=["seller"])
def incoming_accept(public_id: str, body: AcceptIn) -> ResponseReturnValue:
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


class DeclineIn(RequestModel):
    reason: Text = Field(max_length=2000)


@bp.post("/seller/orders/<public_id>/decline")
@operation(body=DeclineIn, responses={200: OrderDetailOut}, errors=[409], tags=["seller"])
def incoming_decline(public_id: str, body: DeclineIn) -> ResponseReturnValue:
    """Decline (reject) the order, telling the buyer why; its stock goes back."""
    return _act(public_id, lambda order: actions.reject(_actor(), order, body.reason))


class ProductionIn(RequestModel):
    note: Text | None = Field(default=None, max_length=2000)


@bp.post("/seller/orders/<public_id>/start-production")
@operation(body=ProductionIn, responses={200: OrderDetailOut}, errors=[409], tags=["seller"])
def incoming_production(public_id: str, body: ProductionIn) -> ResponseReturnValue:
    """Start production (on deposit or advance terms, once that money is in)."""
    return _act(public_id, lambda order: actions.start_production(_actor(), order, body.note))


class PackageIn(RequestModel):
    count: int = Field(ge=1, le=actions.MAX_PACKAGES)
    marks: Text = Field(max_length=1000)
    package_type: Text | None = Field(default=None, max_length=40)
    contents: Text | None = Field(default=None, max_length=200)
    net_weight_kg: Amount | None = None
    gross_weight_kg: Amount | None = None
    line_no: int | None = Field(default=None, ge=1)
    container_number: Text | None = Field(default=None, max_length=11)


class ShipmentLineIn(RequestModel):
    line_no: int = Field(ge=1)
    quantity: int = Field(ge=0)


class ShipmentIn(RequestModel):
    mode: Text = Field(max_length=10)
    carrier: Text = Field(max_length=100)
    transport_document_number: Text = Field(max_length=60)
    port_of_loading: Text = Field(max_length=100)
    port_of_discharge: Text = Field(max_length=100)
    etd: LooseDate
    eta: LooseDate
    net_weight_kg: Amount
    gross_weight_kg: Amount
    vessel: Text | None = Field(default=None, max_length=100)
    voyage: Text | None = Field(default=None, max_length=40)
    flight: Text | None = Field(default=None, max_length=40)
    container_numbers: Text | None = Field(default=None, max_length=1000)
    packages: list[PackageIn] = Field(min_length=1, max_length=200)
    # Blank: every order line ships what is left of it.
    lines: list[ShipmentLineIn] = Field(default_factory=list, max_length=50)


def _shipment_input(body: ShipmentIn) -> actions.ShipmentInput:
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
    )


@bp.post("/seller/orders/<public_id>/shipments")
@operation(body=ShipmentIn, responses={201: OrderDetailOut}, errors=[409], tags=["seller"])
def incoming_shipment(public_id: str, body: ShipmentIn) -> ResponseReturnValue:
    """Record the shipment: the order becomes shipped and its papers are issued."""
    answer = _act(
        public_id,
        lambda order: actions.record_shipment(_actor(), order, _shipment_input(body)),
    )
    return (answer, 201) if isinstance(answer, OrderDetailOut) else answer
