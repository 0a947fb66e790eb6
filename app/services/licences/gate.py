"""The gate every controlled sale passes: publish, order (and award), accept, ship.

Each gate asks one side for licences of the kinds the jurisdiction table
(``rules.RULES``) names, covering every UN number on the order and its quantity (net
explosive mass in kg, or units, in the licence's own basis). A refusal names the
document, the UN number and the quantity, and is audited even though the refused work is
rolled back (``LicenceRefused``). Recording a shipment draws its quantity down from the
licences that carried it, with one conditional UPDATE per licence: racing shipments never
take more than the limit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import object_session

from app.models import Company, Order, Product, Shipment, User
from app.models.base import utcnow
from app.models.licence import (
    Licence,
    LicenceAttachment,
    LicenceDrawdown,
)
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor, record_audit
from app.services.licences.coverage import _covers, _kinds_text, _licences, _Pick, _side_check
from app.services.licences.drawdowns import _draw
from app.services.licences.needs import (
    Gate,
    K,
    LicenceRefused,
    Need,
    PartySide,
    Shortfall,
    controlled_lines,
    needs_for,
)
from app.services.licences.rules import rules_for
from app.services.licences.types import Session


def publish_shortfalls(session: Session, product: Product) -> list[Shortfall]:
    """A class-1 listing is published only by a seller holding an accepted manufacture or
    sale licence covering its UN number (quantity is not limited at publication)."""
    seller = product.seller or session.get(Company, product.seller_id)
    assert seller is not None
    return listing_publish_shortfalls(
        session,
        seller,
        un_number=product.un_number,
        hazard_class=product.hazard_class,
        hs_code=product.hs_code,
        title=product.title,
    )


def listing_publish_shortfalls(
    session: Session,
    seller: Company,
    *,
    un_number: str | None,
    hazard_class: str | None,
    hs_code: str,
    title: str,
) -> list[Shortfall]:
    """``publish_shortfalls`` for a listing not written yet (a bulk import's row)."""
    hazard_class = (hazard_class or "").strip().upper() or None
    if not (hazard_class or "").startswith("1"):
        return []
    need = Need(
        un_number=(un_number or "").strip().upper() or None,
        hazard_class=hazard_class,
        hs_code=hs_code,
        title=title,
        units=Decimal(1),
        nem_g=None,
    )
    kinds = rules_for(seller.country).publish
    licences = _licences(session, seller.id, kinds, order_id=None, counterparty_id=None)
    day = company_today(seller)
    if any(licence.usable_on(day) and _covers(licence, need) for licence in licences):
        return []
    _, shortfalls = _side_check(
        session,
        gate=Gate.PUBLISH,
        side=PartySide.SELLER,
        company=seller,
        kinds=kinds,
        needs=[need],
        day=day,
        order_id=None,
        counterparty_id=None,
        name_quantity=False,  # quantity plays no part here: the UN number only
    )
    return shortfalls


def check_publish(session: Session, actor: Actor, product: Product) -> None:
    shortfalls = publish_shortfalls(session, product)
    if shortfalls:
        raise LicenceRefused(actor, shortfalls, product.public_id)


def _buyer_shortfalls(
    session: Session, order: Order, needs: list[Need], day: date
) -> tuple[list[_Pick], list[Shortfall]]:
    picks, shortfalls = _side_check(
        session,
        gate=Gate.ORDER,
        side=PartySide.BUYER,
        company=order.buyer,
        kinds=rules_for(order.buyer.country).buy,
        needs=needs,
        day=day,
        order_id=order.id,
        counterparty_id=order.seller_id,
    )
    certificates, missing = _side_check(
        session,
        gate=Gate.ORDER,
        side=PartySide.BUYER,
        company=order.buyer,
        kinds=frozenset({K.END_USER_CERTIFICATE}),
        needs=needs,
        day=day,
        order_id=order.id,
        counterparty_id=order.seller_id,
    )
    return picks + certificates, shortfalls + missing


def _seller_shortfalls(
    session: Session, order: Order, needs: list[Need], day: date, ship_date: date | None
) -> list[Shortfall]:
    _, shortfalls = _side_check(
        session,
        gate=Gate.ACCEPT,
        side=PartySide.SELLER,
        company=order.seller,
        kinds=rules_for(order.seller.country).sell,
        needs=needs,
        day=day,
        order_id=order.id,
        counterparty_id=order.buyer_id,
        usable_until=ship_date,
    )
    return shortfalls


def _load_parties(session: Session, order: Order) -> None:
    # A new order may carry only the companies' ids so far.
    if order.__dict__.get("buyer") is None:
        order.buyer = session.get(Company, order.buyer_id)  # type: ignore[assignment]
    if order.__dict__.get("seller") is None:
        order.seller = session.get(Company, order.seller_id)  # type: ignore[assignment]


def check_new_order(session: Session, actor: Actor, order: Order) -> list[Licence]:
    """Placing an order (or awarding a quote, which also accepts it): the buyer's import
    licence or per-shipment approval and end-user certificate cover every UN number and
    quantity; for an award, the seller's export licence too. Returns the documents to bind
    to the order once it has its id (``bind_to_order``)."""
    needs = needs_for(session, order.lines)
    if not needs:
        return []
    _load_parties(session, order)
    day = company_today(order.buyer)
    picks, shortfalls = _buyer_shortfalls(session, order, needs, day)
    if order.confirmed_ship_date is not None:  # an award: the seller accepts at once
        shortfalls += _seller_shortfalls(
            session, order, needs, company_today(order.seller), order.confirmed_ship_date
        )
    if shortfalls:
        raise LicenceRefused(actor, shortfalls, order.public_id)
    # Attached to the order: the documents it was placed under (the buyer's end-user
    # certificate among them).
    unique: dict[int, Licence] = {pick.licence.id: pick.licence for pick in picks}
    return list(unique.values())


def bind_to_order(actor: Actor, licences: list[Licence], order: Order) -> None:
    """Attach the documents the order was placed under; a per-shipment approval serves
    one shipment, so one named for no order is bound to this one."""
    session = object_session(order)
    assert session is not None
    for licence in licences:
        if licence.kind is K.PER_SHIPMENT_APPROVAL and licence.order_id is None:
            licence.order_id = order.id
        session.add(LicenceAttachment(order_id=order.id, licence_id=licence.id))
        record_audit(
            actor,
            "licence.attached_to_order",
            object_type="licence",
            object_id=licence.public_id,
            details={"order": order.public_id, "kind": licence.kind.value},
        )


def check_accept(session: Session, actor: Actor, order: Order, ship_date: date | None) -> None:
    """Accepting needs the seller's export licence (valid through the ship date) and the
    buyer's end-user certificate attached to the order."""
    needs = needs_for(session, order.lines)
    if not needs:
        return
    shortfalls = _accept_shortfalls(session, order, needs, ship_date)
    if shortfalls:
        raise LicenceRefused(actor, shortfalls, order.public_id)


def _accept_shortfalls(
    session: Session, order: Order, needs: list[Need], ship_date: date | None
) -> list[Shortfall]:
    """What acceptance still lacks: the seller's export licence valid through the ship
    date, and the buyer's end-user certificate (asked by the gate and the order page)."""
    shortfalls = _seller_shortfalls(session, order, needs, company_today(order.seller), ship_date)
    _, missing_certificate = _side_check(
        session,
        gate=Gate.ACCEPT,
        side=PartySide.BUYER,
        company=order.buyer,
        kinds=frozenset({K.END_USER_CERTIFICATE}),
        needs=needs,
        day=company_today(order.buyer),
        order_id=order.id,
        counterparty_id=order.seller_id,
    )
    return shortfalls + missing_certificate


def _ship_checks(
    session: Session, order: Order, needs: list[Need]
) -> tuple[list[_Pick], list[Shortfall]]:
    picks: list[_Pick] = []
    shortfalls: list[Shortfall] = []
    parties = (
        (PartySide.SELLER, order.seller, order.buyer_id, rules_for(order.seller.country).sell),
        (PartySide.BUYER, order.buyer, order.seller_id, rules_for(order.buyer.country).buy),
    )
    for side, company, counterparty_id, trade_kinds in parties:
        rules = rules_for(company.country)
        # Where the country wants one approval per shipment (China), only an approval
        # bound to this order will do; elsewhere the licence that passed the earlier gate.
        kinds = frozenset({K.PER_SHIPMENT_APPROVAL}) if rules.approval_per_shipment else trade_kinds
        found, short = _side_check(
            session,
            gate=Gate.SHIP,
            side=side,
            company=company,
            kinds=kinds,
            needs=needs,
            day=company_today(company),
            order_id=order.id,
            counterparty_id=counterparty_id,
            bound_only=rules.approval_per_shipment,
            per_shipment=True,
        )
        picks += found
        shortfalls += short
    return picks, shortfalls


def check_and_draw_for_shipment(
    session: Session,
    order: Order,
    shipment: Shipment,
    user: User | None,
    *,
    shipped: dict[int, Decimal] | None = None,
    address: str | None = None,
) -> list[LicenceDrawdown]:
    """Recording a shipment of controlled goods: each side's licence (or approval bound to
    the order) covers what ships, and the shipped quantity is drawn down from each.

    ``shipped``: quantities by order line id on this shipment (None: the whole order)."""
    actor = Actor(user, address)
    needs = needs_for(session, order.lines, shipped)
    if not needs:
        return []
    picks, shortfalls = _ship_checks(session, order, needs)
    if shortfalls:
        raise LicenceRefused(actor, shortfalls, order.public_id)
    return _draw(session, actor, order, shipment, picks)


# --- what each side still needs -----------------------------------------------------------


def outstanding(session: Session, order: Order) -> list[Shortfall]:
    """What each side still needs before the order can go on (shown on the order page)."""
    needs = needs_for(session, order.lines)
    if not needs:
        return []
    status = order.status.value
    result: list[Shortfall] = []
    if status == "placed":
        result += _accept_shortfalls(session, order, needs, order.confirmed_ship_date)
    if status in ("placed", "accepted", "in_production"):
        _, ship = _ship_checks(session, order, needs)
        result += ship
    return result


# The gate that holds the seller's next move back, by order status: accepting a placed
# order, recording the shipment of one in production.
BLOCKED_GATE = {"placed": Gate.ACCEPT, "in_production": Gate.SHIP}


def next_step_shortfall(session: Session, order: Order, side: str) -> Shortfall | None:
    """The document that decides the next step as ``side`` sees it: the first one ``side``
    itself still owes (its move, even while the other side could act); else the first the
    other side owes when that holds ``side``'s own next move back; None: no licence in
    the way."""
    shortfalls = outstanding(session, order)
    mine = [s for s in shortfalls if s.side.value == side]
    if mine:
        return mine[0]
    blocked = BLOCKED_GATE.get(order.status.value)
    if blocked is None:
        return None
    return next((s for s in shortfalls if s.gate is blocked), None)


def document_text(shortfall: Shortfall) -> str:
    """The kinds of document a shortfall asks for, in words ("export licence or ...")."""
    return _kinds_text(shortfall.kinds)


def is_controlled_order(session: Session, order: Order) -> bool:
    return bool(controlled_lines(session, order.lines))


def today_utc() -> date:
    return utcnow().date()
