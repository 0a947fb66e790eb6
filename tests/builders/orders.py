"""Orders brought to any state of their lifecycle by the services people use.

``place_for`` fills the purchaser's cart and places the order; ``accept``,
``start_production``, ``record_shipment``, ``deliver``, ``reject`` and ``cancel`` each make
one move as the party who makes it (the seller's sales clerk, the buyer's purchaser);
``advance`` makes every move from where the order is to a target status, and ``order_in``
places an order and advances it. Production and shipment wait for a deposit or advance
that is not paid: the builders have the seller's finance release them (``release_if_held``)
unless told not to, so an order reached this way keeps its payments as they were:

    # Accepted, produced and shipped: proforma, milestones, shipment, shipping papers.
    order = order_in(app, trade, OrderStatus.SHIPPED, quantity=500)
    # Accepted and paid in full by bank transfer.
    order = order_in(app, trade, OrderStatus.ACCEPTED, paid=True)
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import CompanyRole, Order, OrderStatus, Product, ProposalState, User
from app.services.audit.recording import Actor
from app.services.claims import window as claims_window
from app.services.fulfilment import actions, proposals
from app.services.orders.cart import set_cart_quantity
from app.services.orders.placing import OrderTerms, place_order
from app.services.payments import controls
from tests.builders.payments import pay
from tests.builders.trade import Trade, finance_of

S = OrderStatus

DEFAULT_TERMS: dict[str, Any] = {
    "incoterm": "FOB",
    "incoterm_place": "Karachi",
    "destination_country": "CN",
    "destination_port": "Shanghai",
    "consignee": "Shanghai Minmetals Trading Co., Ltd.\n88 Century Avenue, Shanghai",
    "payment_terms": "advance",
}

# The happy path, each status the move after the one before it.
HAPPY_PATH = (S.PLACED, S.ACCEPTED, S.IN_PRODUCTION, S.SHIPPED, S.DELIVERED)


def group_key(product: Product) -> str:
    """The cart group (one seller, one currency) ``product`` is checked out in."""
    return f"{product.seller.public_id}-{product.currency}"


def place_for(app: Flask, purchaser: User, lines: list[tuple[Product, int]], **terms: Any) -> Order:
    """Put ``lines`` in the purchaser's cart and place them through the services."""
    with app.test_request_context():
        actor = Actor(purchaser)
        for product, quantity in lines:
            set_cart_quantity(actor, product, quantity)
        key = group_key(lines[0][0])
        order = place_order(actor, key, OrderTerms(**{**DEFAULT_TERMS, **terms}))
        db.session.commit()
    return order


def accept(
    app: Flask,
    trade: Trade,
    order: Order,
    *,
    ship_in_days: int = 10,
    freight: Decimal | None = None,
    insurance: Decimal | None = None,
) -> Order:
    """The seller's sales clerk accepts: the proforma is issued, the milestones are set.

    Freight and insurance are the seller's proposal; the buyer's purchaser agrees to them
    here (a proforma revision follows), so the order carries them as before consent existed.
    """
    with app.test_request_context():
        actions.accept(
            Actor(trade.sales),
            order,
            confirmed_ship_date=date.today() + timedelta(days=ship_in_days),
            freight=freight,
            insurance=insurance,
        )
        proposal = proposals.open_proposal(order)
        if proposal is not None:
            proposals.move_proposal(Actor(trade.purchaser), proposal, ProposalState.ACCEPTED)
        db.session.commit()
    return order


RELEASE_REASON = "Transfer confirmed by the bank; the goods go ahead meanwhile."


def release_if_held(app: Flask, trade: Trade, order: Order) -> Order:
    """If the seller's next move waits for the deposit (or advance), the seller's finance
    releases it with a reason, as the seller's finance does on the order page; the order's
    payments stay as they were (use ``pay`` for the money itself)."""
    with app.test_request_context():
        if controls.current_hold(order) is not None:
            clerk = db.session.scalar(
                select(User)
                .where(User.company_id == trade.seller.id, User.company_role == CompanyRole.FINANCE)
                .order_by(User.id)
            ) or finance_of(trade.seller)
            controls.release(Actor(clerk), order, RELEASE_REASON)
            db.session.commit()
    return order


def start_production(app: Flask, trade: Trade, order: Order, *, release: bool = True) -> Order:
    """The seller's sales clerk starts production; on deposit or advance terms, still
    unpaid, the seller's finance first releases it (``release=False``: the move is refused)."""
    if release:
        release_if_held(app, trade, order)
    with app.test_request_context():
        actions.start_production(Actor(trade.sales), order)
        db.session.commit()
    return order


def sea_shipment() -> actions.ShipmentInput:
    """A container by sea, Karachi to Shanghai, sailing in ten days (one package row)."""
    return actions.ShipmentInput(
        mode="sea",
        carrier="COSCO",
        vessel="COSCO Pakistan",
        transport_document_number="COSU6301234567",
        port_of_loading="Karachi",
        port_of_discharge="Shanghai",
        etd=date.today() + timedelta(days=10),
        eta=date.today() + timedelta(days=28),
        net_weight_kg=Decimal(200),
        gross_weight_kg=Decimal(220),
        packages=[actions.PackageInput(count=8, marks="WN/SMT 1-8")],
    )


def record_shipment(
    app: Flask,
    trade: Trade,
    order: Order,
    shipment: actions.ShipmentInput | None = None,
    *,
    release: bool = True,
) -> Order:
    """The seller records the shipment of an order in production: the shipping papers are
    issued and the balance falls due. An unpaid deposit or advance is released first, as
    for ``start_production``."""
    if release:
        release_if_held(app, trade, order)
    with app.test_request_context():
        actions.record_shipment(Actor(trade.sales), order, shipment or sea_shipment())
        db.session.commit()
    return order


def ship(app: Flask, trade: Trade, order: Order) -> Order:
    """Accept (if still placed), produce and ship ``order`` through the services."""
    return advance(app, trade, order, S.SHIPPED)


def deliver(app: Flask, trade: Trade, order: Order) -> Order:
    """The buyer's purchaser confirms delivery: the claims window opens (the order
    completes once it closes, paid and with no claim running: ``close_claims_window``)."""
    with app.test_request_context():
        actions.confirm_delivery(Actor(trade.purchaser), order)
        db.session.commit()
    return order


def close_claims_window(app: Flask, order: Order) -> Order:
    """The claims window's clock runs at its closing second: a paid order with no claim
    completes (as the job queue's clock does 30 days after delivery)."""
    with app.test_request_context():
        window = claims_window.window_of(order)
        if window is not None:
            claims_window.close_due_windows(window.closes_at)
        db.session.commit()
    return order


def reject(app: Flask, trade: Trade, order: Order, reason: str = "Out of stock.") -> Order:
    with app.test_request_context():
        actions.reject(Actor(trade.sales), order, reason)
        db.session.commit()
    return order


def cancel(app: Flask, trade: Trade, order: Order, reason: str = "Budget moved.") -> Order:
    with app.test_request_context():
        actions.cancel(Actor(trade.purchaser), order, reason)
        db.session.commit()
    return order


def advance(
    app: Flask, trade: Trade, order: Order, to: OrderStatus, *, ship_in_days: int = 10
) -> Order:
    """Make every move from the order's status to ``to``, each by the party who makes it.

    ``COMPLETED`` delivers, pays in full and runs the claims window's clock at its
    closing second (the order completes by itself, as a paid order does when its claims
    window closes with no claim); ``REJECTED`` and ``CANCELLED`` are made from where
    the order is.
    """
    if to is S.REJECTED:
        return reject(app, trade, order)
    if to is S.CANCELLED:
        return cancel(app, trade, order)
    if to is S.COMPLETED:
        advance(app, trade, order, S.DELIVERED, ship_in_days=ship_in_days)
        pay(app, trade, order)
        return close_claims_window(app, order)
    if order.status not in HAPPY_PATH or HAPPY_PATH.index(to) < HAPPY_PATH.index(order.status):
        raise ValueError(f"an order that is {order.status} cannot be brought to {to}")
    while order.status is not to and order.status is not S.COMPLETED:
        move = HAPPY_PATH[HAPPY_PATH.index(order.status) + 1]
        if move is S.ACCEPTED:
            accept(app, trade, order, ship_in_days=ship_in_days)
        elif move is S.IN_PRODUCTION:
            start_production(app, trade, order)
        elif move is S.SHIPPED:
            record_shipment(app, trade, order)
        else:
            deliver(app, trade, order)
    return order


def order_in(
    app: Flask,
    trade: Trade,
    status: OrderStatus,
    *,
    quantity: int = 200,
    paid: bool = False,
    ship_in_days: int = 10,
    **terms: Any,
) -> Order:
    """``quantity`` of the trade's listing ordered by its purchaser (``terms`` over the
    defaults: FOB Karachi, advance payment), brought to ``status``; ``paid`` then pays
    every milestone in full."""
    order = place_for(app, trade.purchaser, [(trade.product, quantity)], **terms)
    advance(app, trade, order, status, ship_in_days=ship_in_days)
    if paid and status is not S.COMPLETED:
        pay(app, trade, order)
    return order
