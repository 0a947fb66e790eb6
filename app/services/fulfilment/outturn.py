"""Weight terms, the second half: the seller enters the surveyor's outturn of a lot and
the final invoice is issued on it.

The lot shipped with a provisional invoice (``record_shipment`` opens its
``WeightSettlement``). At discharge the surveyor weighs (and assays) it: the seller's
finance enters, per line, the outturn weight, its moisture and the grade adjustment of
the unit price, with the certificate. The final invoice bills the dry outturn at the
adjusted price and deducts the provisional invoice; when it is worth less, a credit note
gives the difference back against the provisional one, so the register counts each lot
once (provisional + final balance - credit = final value). The order's total and the
payment schedule follow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import IO

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Document,
    DocumentKind,
    Order,
    OrderStatus,
    OutturnLine,
    Shipment,
    WeightSettlement,
)
from app.models.base import utcnow
from app.money import plain_decimal
from app.numbers import NumberProblem, parse_decimal
from app.reference.units import parse_quantity, quantity_places, unit_word
from app.services.accounts.capabilities import Action, require
from app.services.accounts.clock import company_today
from app.services.audit.recording import Actor, record_audit
from app.services.documents.issuing import issue_credit_note, issue_document
from app.services.errors import Conflict, ValidationFailed
from app.services.files import store_upload
from app.services.fulfilment.shipped_value import value_what_shipped
from app.services.orders.lifecycle import InvalidTransition, record_event
from app.services.orders.notifications import notify_counterparty
from app.services.orders.shipped import shipped_quantities
from app.services.payments import schedule
from app.services.unit_prices import read_unit_price_minor

# Where a lot's outturn may be entered: shipped (or partly), delivered, not yet completed.
_OPEN = frozenset({OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED, OrderStatus.DELIVERED})
MAX_MOISTURE = Decimal(50)
# An outturn this far (in percent) from what loaded is asked to be confirmed.
CONFIRM_BEYOND_PERCENT = Decimal(10)


@dataclass
class OutturnLineInput:
    """One order line of the lot as the surveyor found it (text as typed)."""

    line_no: int
    outturn: object  # wet weight, in the line's unit
    moisture_percent: object = None  # blank: the contract has no moisture deduction
    price_adjustment: object = None  # per unit, signed ("-2.50"); blank: none


@dataclass
class OutturnInput:
    surveyor: str
    certificate: bytes | IO[bytes] | None
    certificate_name: str | None = None
    lines: list[OutturnLineInput] = field(default_factory=list)
    # The clerk confirms an outturn far from the loading weight (a typo costs an invoice).
    confirmed: bool = False


def open_settlement(shipment: Shipment, invoice: Document) -> WeightSettlement:
    """The lot shipped with its provisional ``invoice``: its settlement waits for the outturn."""
    settlement = WeightSettlement(
        shipment=shipment, provisional_invoice=invoice, provisional_minor=invoice.total_minor or 0
    )
    db.session.add(settlement)
    return settlement


def _refuse(message: object, name: str = "lines") -> ValidationFailed:
    return ValidationFailed(message, name)  # type: ignore[arg-type]


def _moisture(raw: object, line_no: int) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = parse_decimal(
            str(raw).strip().removesuffix("%").strip(), places=2, maximum=MAX_MOISTURE
        )
    except NumberProblem:
        raise _refuse(
            lazy_gettext(
                "Line %(no)s: moisture is a percent from 0 to 50 with at most two decimals.",
                no=line_no,
            )
        ) from None
    return int(value * 100)


def _adjustment(raw: object, currency: str, line_no: int) -> Decimal:
    """The signed grade adjustment per unit in minor units, to the hundredth as unit prices
    are ("-0.0150" USD a kg → -1.5 cents)."""
    text = "" if raw is None else str(raw).strip().replace(" ", "")
    if not text:
        return Decimal(0)
    negative = text.startswith(("-", "−"))
    try:
        minor = read_unit_price_minor(text.lstrip("+-−"), currency, "price_adjustment")
    except ValidationFailed:
        raise _refuse(
            lazy_gettext(
                "Line %(no)s: the grade adjustment is an amount per unit, e.g. 2.50 or -2.50.",
                no=line_no,
            )
        ) from None
    assert minor is not None
    return -minor if negative else minor


def _outturn_lines(settlement: WeightSettlement, data: OutturnInput) -> list[OutturnLine]:
    shipment = settlement.shipment
    order = shipment.order
    given = {entry.line_no: entry for entry in data.lines}
    carried = shipped_quantities(shipment)
    rows: list[OutturnLine] = []
    for line in sorted(order.lines, key=lambda item: item.line_no):
        if line.id not in carried:
            continue
        entry = given.get(line.line_no)
        if entry is None or entry.outturn is None or str(entry.outturn).strip() == "":
            raise _refuse(lazy_gettext("Line %(no)s: give the outturn weight.", no=line.line_no))
        try:
            outturn = parse_quantity(str(entry.outturn).strip(), line.unit, minimum=0)
        except NumberProblem as problem:
            raise _refuse(
                lazy_gettext("Line %(no)s: %(problem)s", no=line.line_no, problem=problem.message)
            ) from None
        if outturn <= 0:
            raise _refuse(lazy_gettext("Line %(no)s: give the outturn weight.", no=line.line_no))
        loaded = carried[line.id]
        if not data.confirmed and abs(outturn - loaded) * 100 > loaded * CONFIRM_BEYOND_PERCENT:
            raise _refuse(
                lazy_gettext(
                    "Line %(no)s: the outturn %(outturn)s %(unit)s is more than 10 %% away from "
                    "the %(loaded)s %(unit)s loaded. Check it; if it is right, tick the box "
                    "to confirm it and issue the final invoice.",
                    no=line.line_no,
                    outturn=plain_decimal(outturn),
                    loaded=plain_decimal(loaded),
                    unit=unit_word(line.unit, plural=True),
                ),
                "confirmed",
            )
        moisture = _moisture(entry.moisture_percent, line.line_no)
        adjustment = _adjustment(entry.price_adjustment, order.currency, line.line_no)
        if line.unit_price_minor + adjustment <= 0:
            raise _refuse(
                lazy_gettext(
                    "Line %(no)s: the grade adjustment would leave no price.", no=line.line_no
                )
            )
        step = Decimal(1).scaleb(-quantity_places(line.unit))
        dry = outturn if moisture is None else outturn * (10_000 - moisture) / 10_000
        rows.append(
            OutturnLine(
                order_line=line,
                outturn_quantity=outturn,
                moisture_basis_points=moisture,
                settled_quantity=plain_decimal(dry.quantize(step, rounding=ROUND_HALF_UP)),
                price_adjustment_minor=adjustment,
            )
        )
    return rows


def record_outturn(actor: Actor, settlement: WeightSettlement, data: OutturnInput) -> Document:
    """Enter the lot's outturn and issue its final invoice (and a credit note when the
    final value is below the provisional invoice); the order's total and the payments
    follow. Answers the final invoice."""
    order = settlement.shipment.order
    require(actor.user, Action.SETTLE_OUTTURN, order)
    # Two clerks entering the same lot's outturn: the second waits and is refused.
    db.session.execute(
        select(WeightSettlement.id).where(WeightSettlement.id == settlement.id).with_for_update()
    ).all()
    db.session.refresh(settlement)
    if settlement.is_settled:
        raise Conflict(lazy_gettext("The outturn of this lot is entered already."))
    if order.status not in _OPEN:
        raise InvalidTransition(lazy_gettext("This order takes no final invoice now."))
    surveyor = (data.surveyor or "").strip()
    if not 2 <= len(surveyor) <= 200:
        raise _refuse(lazy_gettext("Name the surveyor who weighed the lot."), "surveyor")
    rows = _outturn_lines(settlement, data)
    if data.certificate is None:
        raise _refuse(lazy_gettext("Upload the surveyor's certificate."), "certificate")
    assert actor.user is not None
    settlement.survey_file = store_upload(
        actor.user,
        data.certificate,
        filename=data.certificate_name,
        purpose="survey_certificate",
        field="certificate",
    )
    settlement.surveyor = surveyor
    settlement.lines = rows
    settlement.settled_at = utcnow()
    settlement.settled_by_id = actor.user.id
    db.session.flush()
    provisional = settlement.provisional_invoice
    final = issue_document(
        actor,
        order,
        DocumentKind.COMMERCIAL_INVOICE,
        related={DocumentKind.COMMERCIAL_INVOICE.value: provisional.number},
        settlement=settlement,
    )
    settlement.final_invoice = final
    settlement.final_minor = int(final.data["amounts"]["total_minor"])
    numbers = [final.number]
    due = settlement.final_minor - settlement.provisional_minor
    if due < 0:
        note = issue_credit_note(
            actor,
            provisional,
            -due,
            # Printed on the note: in both of the documents' languages.
            f"Final invoice {final.number}: the outturn is worth less than the provisional "
            f"invoice / 最终发票 {final.number}：卸货结果货值低于临时发票",
        )
        settlement.credit_note = note
        numbers.append(note.number)
    record_event(actor, order, "documents", note=", ".join(numbers))
    _follow(order, max(due, 0), final.number)
    record_audit(
        actor,
        "order.outturn_recorded",
        company_id=order.seller_id,
        object_type="order",
        object_id=order.public_id,
        details={"final_invoice": final.number, "surveyor": surveyor},
    )
    notify_counterparty(actor, order, "final_invoice")
    return final


def _follow(order: Order, balance_minor: int, invoice_number: str) -> None:
    """The order is worth what the lots settled (and the others loaded); what the final
    invoice asks falls due now, and once every lot is settled whatever is left."""
    value_what_shipped(order)
    today = company_today(order.buyer)
    settled_all = order.status is not OrderStatus.IN_PRODUCTION and all(
        shipment.weight_settlement is not None and shipment.weight_settlement.is_settled
        for shipment in order.shipments
    )
    if settled_all:
        schedule.on_shipment(order, today)
    else:
        schedule.fall_due(order, balance_minor, today, invoice_number)


def settlement_of(order: Order, lot: int) -> WeightSettlement | None:
    """The ``lot``-th shipment's settlement (1, 2, ...), if the order is on weight terms."""
    shipments = sorted(order.shipments, key=lambda s: (s.recorded_at, s.id))
    if not 1 <= lot <= len(shipments):
        return None
    return shipments[lot - 1].weight_settlement
