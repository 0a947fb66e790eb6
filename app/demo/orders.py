"""Demo orders between MCCT International and the demo sellers, one in every state.

Made through the same services a person uses (cart, checkout, accept, ship ...), so the
timelines, stock and e-mails are what they would be. Seeded once: if MCCT already has
orders, nothing is added.
"""

from __future__ import annotations

import math
import time
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from app.demo.licences import approve_shipment
from app.demo.outturns import demo_outturn
from app.extensions import db
from app.models import Order, OrderLine, OrderStatus, Product, ProposalState, User
from app.services.audit.recording import Actor
from app.services.claims import window as claims_window
from app.services.fulfilment import actions, proposals
from app.services.fulfilment.shipment_contents import LineInput
from app.services.orders import cart
from app.services.orders.placing import OrderTerms, common_incoterms, find_group, place_order
from app.services.payments import cards as card_payments
from app.services.payments import milestones as payments

BUYER_EMAIL = "purchaser@mcct.example"
CONSIGNEE = (
    "MCCT International, Room 1808, Lujiazui Finance Plaza, Pudong New Area, Shanghai 200120, China"
)

# (listing title, quantity, the status to leave the order in)
DEMO_ORDERS: list[tuple[str, int, OrderStatus]] = [
    ("Chromite ore lumps Cr2O3 40 %", 1_000, OrderStatus.PLACED),
    ("Emulsion explosive cartridges 32 mm (UN0241, 1.5D)", 25_000, OrderStatus.ACCEPTED),
    ("Porous prilled ammonium nitrate (UN1942, 5.1)", 200, OrderStatus.IN_PRODUCTION),
    ("Non-electric shock-tube detonators (UN0360, 1.1B)", 50_000, OrderStatus.SHIPPED),
    ("Himalayan rock salt, industrial grade", 250, OrderStatus.DELIVERED),
    ("Copper concentrate Cu 24 %", 1_000, OrderStatus.COMPLETED),
    ("Ziarat white marble blocks", 100, OrderStatus.REJECTED),
    ("Chromite ore lumps Cr2O3 40 %", 500, OrderStatus.CANCELLED),
    ("Chromite ore lumps Cr2O3 40 %", 5_000, OrderStatus.SHIPPED),
]
# Orders allowed partial shipments, and the lots they shipped in (issue #20): 5,000 t of
# chromite, more or less 10 %, in two vessels; the first lot's share of the balance paid.
DEMO_LOTS: dict[tuple[str, int], tuple[Decimal, ...]] = {
    ("Chromite ore lumps Cr2O3 40 %", 5_000): (Decimal("2480.350"), Decimal("2611.125")),
}
# Weight terms: provisional invoices at 90 % of the loading value, then final ones on the
# surveyor's outturn per lot (wet weight, moisture %, grade adjustment per tonne).
DEMO_WEIGHT_TERMS: dict[tuple[str, int], tuple[tuple[str, str | None, str | None], ...]] = {
    ("Chromite ore lumps Cr2O3 40 %", 5_000): (("2474.120", None, None), ("2605.480", None, None)),
    ("Copper concentrate Cu 24 %", 1_000): (("1010.200", "8.50", "12.50"),),
}
# "More or less N % at seller's option" on bulk ore, as MCCT buys it (issue #20).
DEMO_TOLERANCE: dict[str, int] = {
    "Chromite ore lumps Cr2O3 40 %": 10,
    "Copper concentrate Cu 24 %": 5,
}
# Bulk ore ships what the loading weighed, within the tolerance: that is what is invoiced.
DEMO_WEIGHED: dict[str, Decimal] = {"Copper concentrate Cu 24 %": Decimal("1012.450")}
_PATH = [
    OrderStatus.ACCEPTED,
    OrderStatus.IN_PRODUCTION,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
]


def _seller_actor(product: Product, *roles: str) -> Actor:
    """The seller's first person in one of ``roles``, in that order of preference."""
    roles = roles or ("sales",)
    people = db.session.scalars(
        select(User).where(User.company_id == product.seller_id, User.company_role.in_(roles))
    )
    user = min(people, key=lambda person: roles.index(person.company_role), default=None)
    assert user is not None
    return Actor(user)


def _pay_by_transfer(
    order: Order, finance: Actor, milestones: int, *, due_only: bool = False
) -> None:
    """The seller's finance records the first ``milestones`` transfers as received
    (``due_only``: of those fallen due)."""
    for milestone in order.milestones[:milestones]:
        if not milestone.is_paid and (milestone.due_on is not None or not due_only):
            payments.record_receipt(
                finance,
                milestone,
                payments.ReceiptInput(
                    amount=milestone.remaining.amount,
                    value_date=date.today(),
                    bank_reference=f"SCBL-TT-{order.id:05d}-{milestone.sequence}",
                ),
            )


# Demo orders whose deposit was paid by card; the others pay it by bank transfer.
CARD_DEPOSITS = frozenset({OrderStatus.IN_PRODUCTION, OrderStatus.DELIVERED})


def _pay_deposit_by_card(order: Order) -> None:
    """The deposit as a card payment, applied along the path a verified Stripe event takes.

    The demo has no Stripe account, so the event is made here with a demo intent id; the
    receipt, timeline entry and audit row are those a real webhook delivery produces.
    """
    deposit = order.milestones[0]
    deposit.payment_intent_id = f"pi_demo_{deposit.public_id}"
    card_payments.apply_event(
        {
            "id": f"evt_demo_{deposit.public_id}",
            "type": "payment_intent.succeeded",
            "created": int(time.time()),
            "data": {
                "object": {
                    "id": deposit.payment_intent_id,
                    "amount": deposit.amount_minor,
                    "currency": deposit.currency.lower(),
                }
            },
        }
    )


def _advance(
    order: Order,
    target: OrderStatus,
    buyer: Actor,
    seller: Actor,
    finance: Actor,
    lots: tuple[Decimal, ...] = (),
    outturns: tuple[tuple[str, str | None, str | None], ...] = (),
) -> None:
    today = date.today()
    if target is OrderStatus.REJECTED:
        actions.reject(seller, order, "We cannot quarry blocks of this size before the monsoon.")
        return
    if target is OrderStatus.CANCELLED:
        actions.cancel(buyer, order, "Ordered twice by mistake.")
        return
    for step in _PATH[: _PATH.index(target) + 1] if target in _PATH else []:
        if step is OrderStatus.ACCEPTED:
            freight = Decimal("2400") if order.incoterm.value in ("CFR", "CIF") else None
            actions.accept(
                seller, order, confirmed_ship_date=today + timedelta(days=14), freight=freight
            )
            # The freight is the seller's proposal; MCCT agreed to it before paying.
            proposal = proposals.open_proposal(order)
            if proposal is not None:
                proposals.move_proposal(buyer, proposal, ProposalState.ACCEPTED)
            if target in CARD_DEPOSITS:
                _pay_deposit_by_card(order)
            else:
                _pay_by_transfer(order, finance, 1)  # the 30 % deposit, by T/T
        elif step is OrderStatus.IN_PRODUCTION:
            actions.start_production(seller, order)
        elif step is OrderStatus.SHIPPED:
            if lots:
                _ship_in_lots(order, seller, finance, lots)
            else:
                approve_shipment(order)  # MIIT's approval for this shipment to China
                actions.record_shipment(seller, order, _shipment(order))
            for lot, found in enumerate(outturns, start=1):
                demo_outturn(order, finance, lot, found)
        elif step is OrderStatus.DELIVERED:
            if target is OrderStatus.COMPLETED:
                _pay_by_transfer(order, finance, len(order.milestones))
            actions.confirm_delivery(buyer, order)
            if target is OrderStatus.COMPLETED:
                # Its claims window has run its 30 days with no claim: the order completes.
                opened = claims_window.window_of(order)
                assert opened is not None
                claims_window.close_window(opened, opened.closes_at)


# Goods sold by mass and shipped loose (bulk ore): their weight is the quantity itself.
_GRAMS_PER_UNIT = {"TNE": 1_000_000, "KGM": 1_000}


def _packed(line: OrderLine, quantity: Decimal, first: int, reference: str) -> actions.PackageInput:
    """The packages of ``quantity`` of ``line`` as its listing packs them: quantity / units per package
    (50,000 detonators at 500 a carton are 100 cartons), numbered on from ``first``; goods
    with no units per package (bulk) are one lot. Weights are the listing's per package."""
    kind = line.product.package_type if line.product is not None else None
    count, net_g, gross_g = 1, None, None
    if line.units_per_package:
        count = math.ceil(quantity / line.units_per_package)
        if line.net_weight_g:
            net_g = count * line.net_weight_g
            gross_g = count * (line.gross_weight_g or line.net_weight_g)
    elif line.unit in _GRAMS_PER_UNIT:
        # Whole grams: a quantity has at most 3 decimals, and a tonne or kilogram is a
        # thousand grams or more, so the product is exact.
        net_g = gross_g = int(quantity * _GRAMS_PER_UNIT[line.unit])
    last = first + count - 1
    numbers = f"{first}-{last}" if count > 1 else str(first)
    return actions.PackageInput(
        count=count,
        marks=f"MCCT / SHANGHAI / {reference} / {numbers}",
        package_type=kind or "box",
        contents=line.title[:200],
        net_weight_kg=None if net_g is None else Decimal(net_g) / 1000,
        gross_weight_kg=None if gross_g is None else Decimal(gross_g) / 1000,
        line_no=line.line_no,
    )


def _ship_in_lots(order: Order, seller: Actor, finance: Actor, lots: tuple[Decimal, ...]) -> None:
    """One vessel per lot of the (single-line) order; the share of the balance each lot
    makes due is paid before the next sails."""
    for number, tonnes in enumerate(lots, start=1):
        approve_shipment(order)
        actions.record_shipment(seller, order, _shipment(order, {1: tonnes}, lot=number))
        if number < len(lots):
            _pay_by_transfer(order, finance, len(order.milestones), due_only=True)


def _shipment(
    order: Order, quantities: dict[int, Decimal] | None = None, lot: int = 1
) -> actions.ShipmentInput:
    today = date.today()
    packages: list[actions.PackageInput] = []
    shipped = quantities or {
        line.line_no: DEMO_WEIGHED.get(line.title, line.quantity) for line in order.lines
    }
    for line in (line for line in order.lines if line.line_no in shipped):
        first = sum(p.count for p in packages) + 1
        packages.append(_packed(line, shipped[line.line_no], first, order.reference))
    weighed = all(p.net_weight_kg is not None for p in packages)
    return actions.ShipmentInput(
        mode="sea",
        carrier="COSCO Shipping Lines",
        transport_document_number=f"COSU63{order.id:08d}" + (f"-{lot}" if lot > 1 else ""),
        port_of_loading="Karachi",
        port_of_discharge=order.destination_port,
        # A later lot sails a week after the one before, on another vessel.
        etd=today + timedelta(days=2 + 7 * (lot - 1)),
        eta=today + timedelta(days=19 + 7 * (lot - 1)),
        # The packages' weights added up (a listing without weights: a round figure).
        net_weight_kg=sum((p.net_weight_kg or Decimal(0) for p in packages), Decimal(0))
        if weighed
        else Decimal("20000"),
        gross_weight_kg=sum((p.gross_weight_kg or Decimal(0) for p in packages), Decimal(0))
        if weighed
        else Decimal("20800"),
        vessel="COSCO Pakistan" if lot == 1 else "COSCO Karachi",
        voyage="118E" if lot == 1 else "124E",
        container_numbers="CSNU6342117" if lot == 1 else None,
        packages=packages,
        lines=[LineInput(line_no, quantity) for line_no, quantity in shipped.items()],
    )


def seed_orders() -> int:
    """Place the demo orders once; returns how many were placed."""
    buyer_user = db.session.scalar(select(User).where(User.email == BUYER_EMAIL))
    if buyer_user is None or buyer_user.company_id is None:
        return 0
    existing = db.session.scalar(
        select(func.count(Order.id)).where(Order.buyer_id == buyer_user.company_id)
    )
    if existing:
        return 0
    buyer = Actor(buyer_user)
    placed = 0
    for title, quantity, target in DEMO_ORDERS:
        product = db.session.scalar(select(Product).where(Product.title == title))
        if product is None:
            continue
        cart.set_cart_quantity(buyer, product, quantity)
        group = find_group(buyer, f"{product.seller.public_id}-{product.currency}")
        assert group is not None
        rule, place = common_incoterms(group)[-1]
        order = place_order(
            buyer,
            group.key,
            OrderTerms(
                incoterm=rule.value,
                incoterm_place=place,
                destination_country="CN",
                destination_port="Shanghai",
                consignee=CONSIGNEE,
                notify_party="Same as consignee",
                payment_terms="deposit_30_balance_70_bl",
                buyer_po_number=f"MCCT-PO-2026-{placed + 101}",
                tolerance_percent=DEMO_TOLERANCE.get(title),
                partial_shipments=(title, quantity) in DEMO_LOTS,
                provisional_percent=90 if (title, quantity) in DEMO_WEIGHT_TERMS else None,
            ),
        )
        if target is not OrderStatus.PLACED:
            _advance(
                order,
                target,
                buyer,
                _seller_actor(product),
                _seller_actor(product, "finance", "owner"),
                DEMO_LOTS.get((title, quantity), ()),
                DEMO_WEIGHT_TERMS.get((title, quantity), ()),
            )
        placed += 1
    return placed
