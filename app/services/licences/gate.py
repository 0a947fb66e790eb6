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

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext
from sqlalchemy.orm import object_session

from app.models import Company, Order, OrderLine, Product, Shipment, User
from app.models.base import utcnow
from app.models.licence import (
    Licence,
    LicenceAttachment,
    LicenceDrawdown,
    LicenceKind,
    LimitBasis,
    ReviewStatus,
)
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor, record_audit
from app.services.errors import Conflict
from app.services.licences.quantities import nem_text, units_text
from app.services.licences.rules import goods_cover, is_controlled, rules_for
from app.services.licences.types import Session

K = LicenceKind

KIND_LABELS: dict[LicenceKind, LazyString] = {
    K.MANUFACTURE: lazy_gettext("manufacture licence (EL-01)"),
    K.SALE: lazy_gettext("sale licence"),
    K.EXPORT: lazy_gettext("export licence"),
    K.IMPORT: lazy_gettext("import licence"),
    K.PER_SHIPMENT_APPROVAL: lazy_gettext("per-shipment approval (MIIT 审批单)"),
    K.END_USER_CERTIFICATE: lazy_gettext("end-user certificate"),
}


class Gate(enum.StrEnum):
    PUBLISH = "publish"
    ORDER = "order"
    ACCEPT = "accept"
    SHIP = "ship"


class PartySide(enum.StrEnum):
    SELLER = "seller"
    BUYER = "buyer"


@dataclass(frozen=True)
class Need:
    """One UN number's worth of controlled goods on an order (or a listing)."""

    un_number: str | None
    hazard_class: str | None
    hs_code: str | None
    title: str
    units: int
    nem_g: int | None  # None: the listing states no net explosive mass
    unit: str | None = None  # the lines' UN/ECE unit (TNE ...); None when they differ

    @property
    def label(self) -> str:
        return self.un_number or self.hs_code or self.title

    def amount(self, basis: LimitBasis) -> int | None:
        return self.nem_g if basis is LimitBasis.NET_EXPLOSIVE_MASS else self.units

    def quantity_text(self) -> str:
        if self.nem_g is not None:
            return nem_text(self.nem_g)
        return units_text(self.units, self.unit)

    def limit_quantity_text(self, licence: Licence) -> str:
        """What this need asks of ``licence``, in the licence's basis."""
        if licence.limit_basis is LimitBasis.NET_EXPLOSIVE_MASS and self.nem_g is not None:
            return nem_text(self.nem_g)
        return units_text(self.units, self.unit)


def limit_text(licence: Licence, amount: int, unit: str | None = None) -> str:
    """An amount in ``licence``'s basis: kg of NEM, or the goods' unit (``unit``, else
    the unit its goods are sold in, ``licence_unit``)."""
    if licence.limit_basis is LimitBasis.NET_EXPLOSIVE_MASS:
        return nem_text(amount)
    return units_text(amount, unit if unit is not None else licence_unit(licence))


def licence_unit(licence: Licence) -> str | None:
    """The unit a units-counted licence is counted in: that of the listings its UN numbers
    are sold in (one unit for all; None when none or several)."""
    session = object_session(licence)
    numbers = [goods.un_number for goods in licence.goods if goods.un_number]
    if session is None or not numbers:
        return None
    units = set(
        session.scalars(
            sa.select(Product.unit).where(Product.un_number.in_(numbers)).distinct().limit(2)
        )
    )
    return units.pop() if len(units) == 1 else None


@dataclass(frozen=True)
class Shortfall:
    """What one side still needs before a gate opens, in words for people."""

    gate: Gate
    side: PartySide
    company_id: int
    kinds: frozenset[LicenceKind]
    un_number: str | None
    quantity: str | None
    message: str
    licence_number: str | None = None

    def as_audit(self) -> dict[str, Any]:
        return {
            "gate": self.gate.value,
            "side": self.side.value,
            "company_id": self.company_id,
            "kinds": sorted(kind.value for kind in self.kinds),
            "un_number": self.un_number,
            "quantity": self.quantity,
            "licence": self.licence_number,
            "message": self.message,
        }


class LicenceRefused(Conflict):
    """A gate refused for want of a licence. The refusal is audited after the refused work
    is rolled back (``record_refusal``, called by the web boundary and the race helper)."""

    def __init__(self, actor: Actor, shortfalls: list[Shortfall], object_id: str | None) -> None:
        super().__init__(" ".join(s.message for s in shortfalls))
        self.actor = actor
        self.shortfalls = shortfalls
        self.object_id = object_id

    def record_refusal(self) -> None:
        first = self.shortfalls[0]
        record_audit(
            self.actor,
            f"licence.refused.{first.gate.value}",
            object_type="order" if first.gate is not Gate.PUBLISH else "product",
            object_id=self.object_id,
            details={"shortfalls": [s.as_audit() for s in self.shortfalls]},
        )


# --- which goods need licences ------------------------------------------------------------


def controlled_lines(session: Session, lines: Iterable[OrderLine]) -> list[OrderLine]:
    """The lines of controlled goods: class 1, or flagged when ordered (``controlled``)."""
    return [line for line in lines if line.controlled or is_controlled(line.hazard_class)]


def needs_for(
    session: Session, lines: Iterable[OrderLine], shipped: dict[int, int] | None = None
) -> list[Need]:
    """The controlled goods on ``lines`` by UN number (``shipped``: quantities by line id,
    for a shipment that carries less than the whole order)."""
    grouped: dict[str, dict[str, Any]] = {}
    for line in controlled_lines(session, lines):
        units = line.quantity if shipped is None else shipped.get(line.id, 0)
        if units <= 0:
            continue
        key = line.un_number or line.hs_code or line.title
        entry = grouped.setdefault(
            key,
            {
                "un_number": line.un_number,
                "hazard_class": line.hazard_class,
                "hs_code": line.hs_code,
                "title": line.title,
                "units": 0,
                "nem_g": 0,
                "unit": line.unit,
            },
        )
        if entry["unit"] != line.unit:
            entry["unit"] = None
        entry["units"] += units
        if line.net_explosive_mass_g is None or entry["nem_g"] is None:
            entry["nem_g"] = None
        else:
            entry["nem_g"] += line_nem_g(units, line.net_explosive_mass_g, line.units_per_package)
    return [Need(**entry) for entry in grouped.values()]


def line_nem_g(units: int, nem_per_package_g: int, units_per_package: int | None) -> int:
    """Net explosive mass of ``units`` of a listing whose NEM is stated per package (of
    ``units_per_package`` units; none stated: per unit), in whole grams rounded up so a
    licence is never drawn short."""
    per = units_per_package or 1
    return -(-units * nem_per_package_g // per)


# --- finding the licence that covers a need ---------------------------------------------


def _licences(
    session: Session,
    holder_id: int,
    kinds: frozenset[LicenceKind],
    *,
    order_id: int | None,
    counterparty_id: int | None,
    bound_only: bool = False,
) -> list[Licence]:
    """The holder's licences of ``kinds`` that may serve this order: bound to it, or bound
    to no order (unless ``bound_only``); naming this counterparty or none."""
    query = sa.select(Licence).where(Licence.holder_id == holder_id, Licence.kind.in_(kinds))
    if bound_only:
        query = query.where(Licence.order_id == order_id)
    elif order_id is None:
        query = query.where(Licence.order_id.is_(None))
    else:
        query = query.where(sa.or_(Licence.order_id.is_(None), Licence.order_id == order_id))
    if counterparty_id is not None:
        query = query.where(
            sa.or_(Licence.counterparty_id.is_(None), Licence.counterparty_id == counterparty_id)
        )
    # Bound documents first (an approval made for this order), then the soonest to expire.
    return list(
        session.scalars(query.order_by(Licence.order_id.is_(None), Licence.valid_to, Licence.id))
    )


def _covers(licence: Licence, need: Need) -> bool:
    return any(
        goods_cover(
            goods, un_number=need.un_number, hazard_class=need.hazard_class, hs_code=need.hs_code
        )
        for goods in licence.goods
    )


def _document(licence: Licence) -> str:
    return f"{KIND_LABELS[licence.kind]} {licence.number}"


def _kinds_text(kinds: frozenset[LicenceKind]) -> str:
    return str(lazy_gettext(" or ")).join(str(KIND_LABELS[k]) for k in K if k in kinds)


@dataclass
class _Allocation:
    """What one gate check has already counted against each licence."""

    taken: dict[int, int] = field(default_factory=dict)

    def left(self, licence: Licence) -> int | None:
        if licence.quantity_limit is None:
            return None
        return licence.quantity_limit - licence.drawn_quantity - self.taken.get(licence.id, 0)


@dataclass(frozen=True)
class _Pick:
    licence: Licence
    amount: int | None


def _find(
    licences: list[Licence],
    need: Need,
    day: date,
    allocation: _Allocation,
    *,
    usable_until: date | None = None,
    per_shipment: bool = False,
) -> tuple[_Pick | None, LazyString | None, Licence | None]:
    """The first licence that covers ``need`` on ``day`` with quantity to spare, or the
    reason the best candidate fails (and that candidate)."""
    covering = [licence for licence in licences if _covers(licence, need)]
    problems: list[tuple[int, LazyString, Licence]] = []
    for licence in covering:
        amount = need.amount(licence.limit_basis)
        if licence.revoked_at is not None:
            problems.append((4, lazy_gettext("was revoked by its issuing authority"), licence))
            continue
        if licence.review_status is ReviewStatus.REJECTED:
            problems.append(
                (
                    5,
                    lazy_gettext("was rejected (%(reason)s)", reason=licence.review_reason),
                    licence,
                )
            )
            continue
        if licence.review_status is ReviewStatus.PENDING:
            problems.append((6, lazy_gettext("waits for the operator's review"), licence))
            continue
        if licence.valid_to < day:
            problems.append(
                (3, lazy_gettext("expired on %(date)s", date=licence.valid_to.isoformat()), licence)
            )
            continue
        if licence.valid_from > day:
            problems.append(
                (
                    3,
                    lazy_gettext(
                        "is valid only from %(date)s", date=licence.valid_from.isoformat()
                    ),
                    licence,
                )
            )
            continue
        if amount is None and (licence.quantity_limit or licence.per_shipment_limit):
            problems.append(
                (
                    2,
                    lazy_gettext("limits net explosive mass, which the listing does not state"),
                    licence,
                )
            )
            continue
        if usable_until is not None and licence.valid_to < usable_until:
            problems.append(
                (
                    1,
                    lazy_gettext(
                        "expires on %(date)s, before the confirmed ship date %(ship)s",
                        date=licence.valid_to.isoformat(),
                        ship=usable_until.isoformat(),
                    ),
                    licence,
                )
            )
            continue
        if (
            per_shipment
            and licence.per_shipment_limit is not None
            and amount is not None
            and amount > licence.per_shipment_limit
        ):
            problems.append(
                (
                    2,
                    lazy_gettext(
                        "allows %(limit)s per shipment",
                        limit=limit_text(licence, licence.per_shipment_limit, need.unit),
                    ),
                    licence,
                )
            )
            continue
        left = allocation.left(licence)
        if left is not None and amount is not None and amount > left:
            problems.append(
                (
                    2,
                    lazy_gettext(
                        "has %(left)s left of %(limit)s",
                        left=limit_text(licence, max(left, 0), need.unit),
                        limit=limit_text(licence, licence.quantity_limit or 0, need.unit),
                    ),
                    licence,
                )
            )
            continue
        if amount is not None:
            allocation.taken[licence.id] = allocation.taken.get(licence.id, 0) + amount
        return _Pick(licence, amount), None, None
    if problems:
        problems.sort(key=lambda item: item[0])
        return None, problems[0][1], problems[0][2]
    usable = [licence for licence in licences if licence.usable_on(day)]
    if usable:
        return (
            None,
            lazy_gettext("does not cover %(un)s", un=need.label),
            usable[0],
        )
    return None, None, None


def _side_check(
    session: Session,
    *,
    gate: Gate,
    side: PartySide,
    company: Company,
    kinds: frozenset[LicenceKind],
    needs: list[Need],
    day: date,
    order_id: int | None,
    counterparty_id: int | None,
    bound_only: bool = False,
    usable_until: date | None = None,
    per_shipment: bool = False,
    allocation: _Allocation | None = None,
    name_quantity: bool = True,
) -> tuple[list[_Pick], list[Shortfall]]:
    licences = _licences(
        session,
        company.id,
        kinds,
        order_id=order_id,
        counterparty_id=counterparty_id,
        bound_only=bound_only,
    )
    allocation = allocation or _Allocation()
    picks: list[_Pick] = []
    shortfalls: list[Shortfall] = []
    for need in needs:
        pick, problem, candidate = _find(
            licences,
            need,
            day,
            allocation,
            usable_until=usable_until,
            per_shipment=per_shipment,
        )
        if pick is not None:
            picks.append(pick)
            continue
        quantity = need.quantity_text() if name_quantity else None
        if candidate is not None and problem is not None and quantity is None:
            message = lazy_gettext(
                "%(company)s's %(document)s %(problem)s: %(un)s is not covered.",
                company=company.legal_name,
                document=_document(candidate),
                problem=problem,
                un=need.label,
            )
        elif quantity is None:
            message = lazy_gettext(
                "%(company)s has no accepted %(kinds)s covering %(un)s.",
                company=company.legal_name,
                kinds=_kinds_text(kinds),
                un=need.label,
            )
        elif candidate is not None and problem is not None:
            message = lazy_gettext(
                "%(company)s's %(document)s %(problem)s: %(un)s needs %(quantity)s.",
                company=company.legal_name,
                document=_document(candidate),
                problem=problem,
                un=need.label,
                quantity=quantity,
            )
        elif bound_only:
            message = lazy_gettext(
                "%(company)s has no accepted %(kinds)s for this order covering %(un)s"
                " for %(quantity)s.",
                company=company.legal_name,
                kinds=_kinds_text(kinds),
                un=need.label,
                quantity=quantity,
            )
        else:
            message = lazy_gettext(
                "%(company)s has no accepted %(kinds)s covering %(un)s for %(quantity)s.",
                company=company.legal_name,
                kinds=_kinds_text(kinds),
                un=need.label,
                quantity=quantity,
            )
        shortfalls.append(
            Shortfall(
                gate=gate,
                side=side,
                company_id=company.id,
                kinds=kinds,
                un_number=need.un_number,
                quantity=quantity,
                message=str(message),
                licence_number=candidate.number if candidate is not None else None,
            )
        )
    return picks, shortfalls


# --- the gates ----------------------------------------------------------------------------


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
        units=1,
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
    shipped: dict[int, int] | None = None,
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


def _draw(
    session: Session, actor: Actor, order: Order, shipment: Shipment, picks: list[_Pick]
) -> list[LicenceDrawdown]:
    totals: dict[int, int] = {}
    licences: dict[int, Licence] = {}
    for pick in picks:
        if pick.amount is None or pick.amount <= 0:
            continue
        totals[pick.licence.id] = totals.get(pick.licence.id, 0) + pick.amount
        licences[pick.licence.id] = pick.licence
    table = cast(sa.Table, Licence.__table__)
    drawdowns: list[LicenceDrawdown] = []
    # Licence-id order, so two shipments drawing on the same licences never deadlock.
    for licence_id in sorted(totals):
        amount = totals[licence_id]
        licence = licences[licence_id]
        result = session.execute(
            sa.update(table)
            .where(
                table.c.id == licence_id,
                table.c.revoked_at.is_(None),
                sa.or_(
                    table.c.quantity_limit.is_(None),
                    table.c.drawn_quantity + amount <= table.c.quantity_limit,
                ),
            )
            .values(drawn_quantity=table.c.drawn_quantity + amount)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            # Another shipment took the last of it (or the authority revoked it) meanwhile.
            session.refresh(licence)
            raise LicenceRefused(
                actor,
                [
                    Shortfall(
                        gate=Gate.SHIP,
                        side=PartySide.SELLER
                        if licence.holder_id == order.seller_id
                        else PartySide.BUYER,
                        company_id=licence.holder_id,
                        kinds=frozenset({licence.kind}),
                        un_number=None,
                        quantity=limit_text(licence, amount),
                        licence_number=licence.number,
                        message=str(
                            lazy_gettext(
                                "%(document)s has %(left)s left: this shipment needs %(quantity)s.",
                                document=_document(licence),
                                left=limit_text(
                                    licence,
                                    max((licence.quantity_limit or 0) - licence.drawn_quantity, 0),
                                ),
                                quantity=limit_text(licence, amount),
                            )
                        ),
                    )
                ],
                order.public_id,
            )
        drawdown = LicenceDrawdown(
            licence_id=licence_id, order_id=order.id, shipment_id=shipment.id, quantity=amount
        )
        session.add(drawdown)
        drawdowns.append(drawdown)
        record_audit(
            actor,
            "licence.drawn_down",
            company_id=licence.holder_id,
            object_type="licence",
            object_id=licence.public_id,
            details={"order": order.public_id, "shipment": shipment.id, "quantity": amount},
        )
    session.flush()
    for licence in licences.values():
        session.refresh(licence, ["drawn_quantity"])
    return drawdowns


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
