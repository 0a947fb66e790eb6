"""What each party does to an order; every status change goes through ``transition``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext

from app.extensions import db
from app.models import (
    DocumentKind,
    Order,
    OrderStatus,
    Shipment,
    ShipmentMode,
    ShipmentPackage,
    ShipmentStatus,
)
from app.models.base import utcnow
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor
from app.services.claims import window as claims_window
from app.services.errors import ValidationFailed
from app.services.fulfilment import outturn, proposals, shipment_contents
from app.services.fulfilment.charges import (
    charge_minor,
    check_charges,
)
from app.services.fulfilment.document_hooks import on_order_accepted, on_order_shipped
from app.services.fulfilment.proposals import ProposedChange
from app.services.fulfilment.shipped_value import value_what_shipped
from app.services.licences import gate as licence_gate
from app.services.orders.lifecycle import (
    InvalidTransition,
    check_move,
    complete_if_settled,
    may_move,
    record_event,
    transition,
)
from app.services.orders.lots import lot_closes, may_close_balance
from app.services.orders.notifications import notify_counterparty
from app.services.orders.shipped import already_shipped, lock_shipments, shipped_quantities
from app.services.orders.stock import release_stock, release_unshipped
from app.services.payments import controls, schedule
from app.services.payments import milestones as payments
from app.services.statistics.cube import ask_for_refresh as ask_for_trade_flow_refresh

_CONTAINER = re.compile(r"^[A-Z]{4}\d{7}$")


MAX_PACKAGES = 100_000
MAX_WEIGHT_KG = Decimal(10) ** 7


def accept(
    actor: Actor,
    order: Order,
    *,
    confirmed_ship_date: date | None,
    freight: Decimal | None = None,
    insurance: Decimal | None = None,
    note: str | None = None,
) -> None:
    """The seller accepts the order as placed; freight and insurance it adds are proposed.

    The buyer placed the order at the goods total: charges the Incoterm puts on the seller
    become a change proposal the buyer accepts or declines (``proposals``), and only then
    reach the total, the deposit and a new proforma revision.
    """
    # Blank keeps what the order carries (an awarded quote's freight, or none).
    freight_minor = (
        order.freight_minor if freight is None else charge_minor(freight, order.currency, "freight")
    )
    insurance_minor = (
        order.insurance_minor
        if insurance is None
        else charge_minor(insurance, order.currency, "insurance")
    )
    check_charges(order.incoterm, freight_minor, insurance_minor)
    if confirmed_ship_date is None:
        raise ValidationFailed(lazy_gettext("Confirm the ship date."), "confirmed_ship_date")
    if confirmed_ship_date < company_today(order.seller):
        raise ValidationFailed(lazy_gettext("The ship date is in the past."), "confirmed_ship_date")
    if may_move(actor.user, order, OrderStatus.ACCEPTED):
        licence_gate.check_accept(db.session, actor, order, confirmed_ship_date)
    transition(actor, order, OrderStatus.ACCEPTED, note)
    order.confirmed_ship_date = confirmed_ship_date
    on_order_accepted(actor, order)
    # Payments fall due on the payer's (the buyer's) days.
    payments.create_milestones(order, company_today(order.buyer))
    notify_counterparty(actor, order, "accepted")
    if freight_minor != order.freight_minor or insurance_minor != order.insurance_minor:
        proposals.propose_change(
            actor,
            order,
            ProposedChange(freight_minor=freight_minor, insurance_minor=insurance_minor),
            reason=note,
        )


def reject(actor: Actor, order: Order, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(lazy_gettext("Tell the buyer why you reject the order."), "reason")
    transition(actor, order, OrderStatus.REJECTED, reason)
    order.decision_reason = reason[:2000]
    release_stock(order)
    notify_counterparty(actor, order, "rejected")


def cancel(actor: Actor, order: Order, reason: str | None = None) -> None:
    """The buyer cancels while the order is placed, or accepted and not yet paid."""
    transition(actor, order, OrderStatus.CANCELLED, reason)
    order.decision_reason = (reason or "").strip()[:2000] or None
    release_stock(order)
    notify_counterparty(actor, order, "cancelled")


def _require_payment_for(actor: Actor, order: Order, move: OrderStatus) -> None:
    """A move the actor may make waits for the deposit or advance, unless released.

    Asked only once the lifecycle allows the move, so a refusal of the state or the role
    (``transition``'s own) is not hidden behind the payment's.
    """
    if may_move(actor.user, order, move):
        controls.require_paid_or_released(order, move)


def start_production(actor: Actor, order: Order, note: str | None = None) -> None:
    """On deposit and advance terms, production waits for that money (or a release)."""
    _require_payment_for(actor, order, OrderStatus.IN_PRODUCTION)
    transition(actor, order, OrderStatus.IN_PRODUCTION, note)
    notify_counterparty(actor, order, "in_production")


@dataclass
class PackageInput:
    count: int
    marks: str
    package_type: str | None = None
    contents: str | None = None
    net_weight_kg: Decimal | None = None
    gross_weight_kg: Decimal | None = None
    # Which order line (its number) the packages hold, and the container they are in.
    line_no: int | None = None
    container_number: str | None = None


@dataclass
class ShipmentInput:
    mode: str
    carrier: str
    transport_document_number: str
    port_of_loading: str
    port_of_discharge: str
    etd: date | None
    eta: date | None
    net_weight_kg: Decimal | None
    gross_weight_kg: Decimal | None
    vessel: str | None = None
    voyage: str | None = None
    flight: str | None = None
    container_numbers: str | None = None
    packages: list[PackageInput] = field(default_factory=list)
    # Blank: every order line ships what is left of it.
    lines: list[shipment_contents.LineInput] = field(default_factory=list)
    containers: list[shipment_contents.ContainerInput] = field(default_factory=list)
    # On an order allowed to ship in lots: the seller says this lot is the last.
    last_lot: bool = False

    def listed_packages(self) -> list[PackageInput]:
        """The package rows filled in (blank rows of a form are left out)."""
        return [p for p in self.packages if p.count or (p.marks or "").strip()]


def ships_in_bulk(order: Order) -> bool:
    """Whether every listing of the order ships loose in the hold (ore, salt in bulk)."""
    return all(
        line.product is not None and line.product.package_type == "bulk" for line in order.lines
    )


def _in_bulk(order: Order, data: ShipmentInput) -> ShipmentInput:
    """Bulk cargo has no packages to list: when the seller lists none, the B/L's "in
    bulk, N/M" (no marks)."""
    if data.listed_packages() or not ships_in_bulk(order):
        return data
    return replace(data, packages=[PackageInput(count=1, marks="N/M", package_type="bulk")])


def _grams(value: Decimal | None) -> int | None:
    return None if value is None else int((value * 1000).to_integral_value())


def _weight_ok(value: Decimal | None, required: bool) -> bool:
    if value is None:
        return not required
    return value.is_finite() and Decimal(0) < value <= MAX_WEIGHT_KG


def _checked_shipment(data: ShipmentInput) -> dict[str, object]:
    errors: list[tuple[str, object]] = []
    if data.mode not in {mode.value for mode in ShipmentMode}:
        errors.append(("mode", lazy_gettext("Choose the mode of transport.")))
    for name in ("carrier", "transport_document_number", "port_of_loading", "port_of_discharge"):
        value = (getattr(data, name) or "").strip()
        if not 2 <= len(value) <= 100:
            errors.append((name, lazy_gettext("Fill in this field.")))
    if data.mode == ShipmentMode.SEA and not (data.vessel or "").strip():
        errors.append(("vessel", lazy_gettext("Name the vessel of a sea shipment.")))
    if data.mode == ShipmentMode.AIR and not (data.flight or "").strip():
        errors.append(("flight", lazy_gettext("Give the flight of an air shipment.")))
    containers = [
        c.strip().upper() for c in re.split(r"[\s,;]+", data.container_numbers or "") if c.strip()
    ]
    if any(not _CONTAINER.match(c) for c in containers):
        errors.append(
            (
                "container_numbers",
                lazy_gettext(
                    "Container numbers are four letters and seven digits, e.g. MSCU1234567."
                ),
            )
        )
    if data.etd is None or data.eta is None:
        errors.append(("etd", lazy_gettext("Give the departure and arrival dates.")))
    elif data.eta < data.etd:
        errors.append(("eta", lazy_gettext("Arrival cannot be before departure.")))
    if data.net_weight_kg is None or data.gross_weight_kg is None or data.net_weight_kg <= 0:
        errors.append(
            ("net_weight_kg", lazy_gettext("Give the net and gross weight of the shipment."))
        )
    elif data.gross_weight_kg < data.net_weight_kg:  # type: ignore[operator]
        errors.append(
            (
                "gross_weight_kg",
                lazy_gettext("Gross weight includes the packaging: at least the net weight."),
            )
        )
    packages = data.listed_packages()
    if not packages:
        errors.append(("packages", lazy_gettext("List the packages with their shipping marks.")))
    for package in packages:
        if package.count < 1 or not (package.marks or "").strip():
            errors.append(
                ("packages", lazy_gettext("Each package line needs a count and its marks."))
            )
            break
    if errors:
        name, message = errors[0]
        raise ValidationFailed(message, name)  # type: ignore[arg-type]
    return {
        "mode": ShipmentMode(data.mode),
        "carrier": data.carrier.strip(),
        "transport_document_number": data.transport_document_number.strip(),
        "port_of_loading": data.port_of_loading.strip(),
        "port_of_discharge": data.port_of_discharge.strip(),
        "etd": data.etd,
        "eta": data.eta,
        "vessel": (data.vessel or "").strip() or None,
        "voyage": (data.voyage or "").strip() or None,
        "flight": (data.flight or "").strip() or None,
        "container_numbers": " ".join(containers) or None,
        "net_weight_g": _grams(data.net_weight_kg),
        "gross_weight_g": _grams(data.gross_weight_kg),
        "packages": [
            ShipmentPackage(
                package_no=n,
                count=p.count,
                marks=p.marks.strip()[:1000],
                package_type=(p.package_type or "").strip() or None,
                contents=(p.contents or "").strip()[:200] or None,
                net_weight_g=_grams(p.net_weight_kg),
                gross_weight_g=_grams(p.gross_weight_kg),
            )
            for n, p in enumerate(packages, start=1)
        ],
    }


def record_shipment(actor: Actor, order: Order, data: ShipmentInput) -> Shipment:
    """The seller records a shipment with its papers, on the quantities shipped (within
    the order's tolerance).

    An order in one lot becomes shipped. On an order allowed partial shipments a lot that
    leaves something to ship keeps the order in production (partly shipped); its invoice
    is for the lot, and the milestones still to fall due ask their share of it now.

    On deposit and advance terms the shipment, and so the commercial invoice, waits for
    that money (or a release).
    """
    _require_payment_for(actor, order, OrderStatus.SHIPPED)
    lock_shipments(order)  # two lots racing for what is left: the second sees the first
    data = _in_bulk(order, data)
    values = _checked_shipment(data)
    values.update(shipment_contents.checked_contents(order, data, values["packages"]))  # type: ignore[arg-type]
    carried = {line.order_line.id: line.quantity for line in values["lines"]}  # type: ignore[attr-defined]
    closes = lot_closes(order, already_shipped(order), carried, last_lot=data.last_lot)
    if closes:
        transition(actor, order, OrderStatus.SHIPPED)
    else:
        check_move(actor, order, OrderStatus.SHIPPED)
    _refuse_a_recorded_bl(order, str(values["transport_document_number"]))
    shipment = Shipment(order=order, recorded_by_id=actor.user.id if actor.user else None, **values)
    db.session.add(shipment)
    order.shipment_status = ShipmentStatus.SHIPPED
    record_event(
        actor, order, "shipment", note=f"{shipment.transport_document_number} · {shipment.carrier}"
    )
    db.session.flush()
    # Controlled goods: the licences that carry this shipment, drawn down by what it holds.
    licence_gate.check_and_draw_for_shipment(
        db.session,
        order,
        shipment,
        actor.user,
        shipped=shipped_quantities(shipment),
        address=actor.address,
    )
    if closes:
        _close_shipped(order)
    papers = on_order_shipped(actor, order)
    invoice = next(d for d in papers if d.kind is DocumentKind.COMMERCIAL_INVOICE)
    if order.provisional_percent:
        # Weight terms: the invoice is provisional; the outturn settles the lot later.
        outturn.open_settlement(shipment, invoice)
    # The public statistics count the order once its commercial invoice exists.
    ask_for_trade_flow_refresh(order.id)
    shipped_on = company_today(order.buyer)
    if closes and not order.provisional_percent:
        schedule.on_shipment(order, shipped_on)
    else:
        schedule.on_lot_shipped(order, invoice.total_minor or 0, shipped_on, invoice.number)
    notify_counterparty(actor, order, "shipped" if closes else "shipped_lot")
    return shipment


def _refuse_a_recorded_bl(order: Order, number: str) -> None:
    """Each lot sails under its own B/L: a shipment naming one the order already has is
    the same lot sent again (a resubmitted form), and books nothing twice. (An order in one
    lot is protected by its move to shipped; lots leave the status where it is.)"""
    if any(s.transport_document_number.casefold() == number.casefold() for s in order.shipments):
        raise ValidationFailed(
            lazy_gettext(
                "B/L %(number)s is already recorded on this order: each lot has its own B/L.",
                number=number,
            ),
            "transport_document_number",
        )


def close_balance(actor: Actor, order: Order, note: str | None = None) -> None:
    """The seller closes a partly shipped order at what its lots carried, once every line
    is within the tolerance: the order becomes shipped, what is owed follows the shipped
    value and the stock kept for the rest goes back on sale."""
    check_move(actor, order, OrderStatus.SHIPPED)
    lock_shipments(order)
    if not may_close_balance(order):
        raise InvalidTransition(
            lazy_gettext(
                "The order closes once every line has shipped within its tolerance; ship "
                "another lot first."
            )
        )
    transition(actor, order, OrderStatus.SHIPPED, note)
    _close_shipped(order)
    if not order.provisional_percent:  # on weight terms the rest waits for the outturns
        schedule.on_shipment(order, company_today(order.buyer))
    notify_counterparty(actor, order, "shipped")


def _close_shipped(order: Order) -> None:
    # Within the tolerance, what shipped is what is sold: the order's total follows it,
    # and stock kept for a line that shipped short goes back on sale.
    value_what_shipped(order)
    release_unshipped(order, already_shipped(order))


def confirm_delivery(actor: Actor, order: Order, note: str | None = None) -> None:
    """The buyer confirms receipt: the claims window opens (the order completes once it
    closes with the order paid and no claim running)."""
    transition(actor, order, OrderStatus.DELIVERED, note)
    order.shipment_status = ShipmentStatus.DELIVERED
    claims_window.open_window(order, utcnow(), auto=False)
    notify_counterparty(actor, order, "delivered")
    complete_if_settled(order)
