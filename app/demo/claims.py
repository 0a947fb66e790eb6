"""Demo claims: two more MCCT orders of Wah Nobel's ammonium nitrate, both delivered and
paid, inside their claims windows; one has a claim open (the bags arrived caked), the
other is free for a claim to be filed (the browser journey files one for 20 t short).

Made through the services people use. Seeded once: the orders are known by their PO.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from app.demo.licences import approve_shipment
from app.demo.orders import BUYER_EMAIL, CONSIGNEE, _pay_by_transfer, _seller_actor, _shipment
from app.extensions import db
from app.models import Order, OrderStatus, Product, ProposalState, User
from app.services.audit.recording import Actor
from app.services.claims.filing import ClaimInput, ClaimLineInput, file_claim
from app.services.fulfilment import actions, proposals
from app.services.orders import cart
from app.services.orders.placing import OrderTerms, common_incoterms, find_group, place_order

NITRATE = "Porous prilled ammonium nitrate (UN1942, 5.1)"
FREE_PO = "MCCT-PO-2026-201"  # delivered, paid, no claim yet
CLAIMED_PO = "MCCT-PO-2026-202"  # delivered, paid, a claim open
CAKED = (
    "12 of the 100 big bags arrived caked solid; the surveyor's photos and report are "
    "attached. We ask the price of those 12 t."
)


def _delivered_paid(buyer: Actor, product: Product, tonnes: int, po: str) -> Order:
    cart.set_cart_quantity(buyer, product, tonnes)
    group = find_group(buyer, f"{product.seller.public_id}-{product.currency}")
    assert group is not None
    rule, place = common_incoterms(group)[0]
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
            buyer_po_number=po,
        ),
    )
    seller, finance = _seller_actor(product), _seller_actor(product, "finance", "owner")
    actions.accept(seller, order, confirmed_ship_date=date.today() + timedelta(days=14))
    proposal = proposals.open_proposal(order)
    if proposal is not None:
        proposals.move_proposal(buyer, proposal, ProposalState.ACCEPTED)
    _pay_by_transfer(order, finance, 1)
    actions.start_production(seller, order)
    approve_shipment(order)
    actions.record_shipment(seller, order, _shipment(order))
    _pay_by_transfer(order, finance, len(order.milestones))
    actions.confirm_delivery(buyer, order)
    assert order.status is OrderStatus.DELIVERED
    return order


def seed_claims() -> int:
    """Place the two orders and file the one claim, once; returns how many orders."""
    buyer_user = db.session.scalar(select(User).where(User.email == BUYER_EMAIL))
    product = db.session.scalar(select(Product).where(Product.title == NITRATE))
    if buyer_user is None or product is None:
        return 0
    if db.session.scalar(select(Order.id).where(Order.buyer_po_number == FREE_PO)):
        return 0
    buyer = Actor(buyer_user)
    _delivered_paid(buyer, product, 200, FREE_PO)
    claimed = _delivered_paid(buyer, product, 100, CLAIMED_PO)
    file_claim(
        buyer,
        claimed,
        ClaimInput(
            claim_type="quality",
            statement=CAKED,
            lines=[ClaimLineInput(line_no=1, quantity=12, amount="5580.00")],
        ),
    )
    return 2
