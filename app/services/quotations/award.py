"""Accepting a quote revision: the RFQ is awarded and the order placed on its terms.

The seller's revision was the offer and the buyer's acceptance concludes the contract, so
the awarded order starts **accepted**: no second acceptance by the seller, the proforma
is issued at once and the payment milestones fall due from today. Its lines, charges and
terms are a frozen snapshot of the revision; the order keeps the revision's id and the
SHA-256 of its canonical terms (printed on the proforma).

Two buyers' staff pressing "accept" at once: the RFQ moves quoted → awarded with a
conditional UPDATE, so exactly one wins; the other is told the RFQ is now awarded (and the
unique ``orders.quote_revision_id`` would refuse a second order for the same revision).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Order,
    OrderLine,
    OrderStatus,
    Product,
    QuoteRevision,
    QuoteStatus,
    RfqStatus,
)
from app.models.base import utcnow
from app.services.accounts.capabilities import Action, require
from app.services.accounts.clock import company_today
from app.services.accounts.companies import ensure_can_trade
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed
from app.services.fulfilment.charges import FREIGHT_ON_SELLER
from app.services.fulfilment.document_hooks import on_order_accepted
from app.services.orders.placing import record_new_order, snapshot_line
from app.services.payments import milestones as payments
from app.services.quotations.figures import clean_text
from app.services.quotations.requests import decline_live_quotes
from app.services.quotations.states import InvalidMove, move_quote, move_rfq
from app.services.quotations.tiers import unit_price_at


@dataclass
class AwardInput:
    """What the order needs that a quote does not say: who receives the goods, where."""

    consignee: str
    destination_port: str = ""
    notify_party: str = ""
    buyer_po_number: str = ""
    # The revision the buyer looked at; a newer one since refuses the award.
    expected_terms_sha256: str = ""


def check_acceptable(revision: QuoteRevision, now: datetime) -> None:
    """Refuse a revision that is not on offer now: superseded, countered, expired ..."""
    if revision.status is not QuoteStatus.OFFERED:
        raise InvalidMove(
            lazy_gettext("Only the seller's latest offer can be accepted; this one is not.")
        )
    if revision.valid_until <= now:
        raise InvalidMove(lazy_gettext("This quote has expired: ask the seller for a new one."))
    rfq = revision.rfq
    if rfq.status is not RfqStatus.QUOTED or rfq.expires_at <= now:
        raise InvalidMove(lazy_gettext("This request has ended: no quote can be accepted."))


def _order_lines(revision: QuoteRevision) -> list[OrderLine]:
    seller = revision.seller
    products = {
        product.id: product
        for product in db.session.scalars(
            select(Product).where(
                Product.id.in_([line.product_id for line in revision.lines if line.product_id])
            )
        )
    }
    lines = []
    for line in revision.lines:
        # Exactly as quoted (12.5 t stays 12.5 t): the quote read it by its unit's rule.
        quantity = line.quantity
        # The highest price break the quantity reaches; the revision's totals used it too.
        price = unit_price_at(line.quantity, line.unit_price_minor, line.tiers)
        product = products.get(line.product_id or 0)
        if product is not None:
            lines.append(snapshot_line(line.line_no, product, quantity, price))
            continue
        lines.append(
            OrderLine(
                line_no=line.line_no,
                product_id=None,
                title=line.title,
                hs_code=line.hs_code,
                origin_country=seller.country,
                unit=line.unit,
                quantity=quantity,
                unit_price_minor=price,
                line_total_minor=line.line_total_minor,
                reserved_quantity=0,
                lead_time_days=revision.lead_time_days,
            )
        )
    return lines


def award(
    actor: Actor, revision: QuoteRevision, data: AwardInput, *, now: datetime | None = None
) -> Order:
    """Accept ``revision``: award its RFQ, decline the other quotes, place the order."""
    user = require(actor.user, Action.REQUEST_QUOTES, revision)
    buyer = user.company
    assert buyer is not None
    ensure_can_trade(buyer)
    now = now or utcnow()
    check_acceptable(revision, now)
    if data.expected_terms_sha256 and data.expected_terms_sha256 != revision.terms_sha256:
        raise InvalidMove(lazy_gettext("The quote changed since you looked: review it again."))
    rfq = revision.rfq
    consignee = clean_text(data.consignee, "consignee", limit=1000, minimum=5)
    port = (data.destination_port or "").strip()
    if not port and revision.incoterm in FREIGHT_ON_SELLER:
        port = revision.incoterm_place  # under C- and D-terms the named place is the destination
    port = clean_text(port, "destination_port", limit=100, minimum=2)
    # The race is decided here: of two awards, one moves the RFQ and the other is refused.
    move_rfq(actor, rfq, RfqStatus.AWARDED)
    move_quote(actor, revision, QuoteStatus.ACCEPTED)
    decline_live_quotes(actor, rfq, keep_id=revision.id)
    seller_today = company_today(revision.seller, now)
    order = Order(
        buyer_id=buyer.id,
        seller_id=revision.seller_id,
        placed_by_id=user.id,
        currency=revision.currency,
        incoterm=revision.incoterm,
        incoterm_place=revision.incoterm_place,
        destination_country=rfq.destination_country,
        destination_port=port,
        consignee=consignee,
        notify_party=clean_text(data.notify_party, "notify_party", limit=1000) or None,
        buyer_po_number=clean_text(data.buyer_po_number, "buyer_po_number", limit=50) or None,
        requested_delivery_date=rfq.required_by,
        payment_terms=revision.payment_terms,
        tolerance_percent=revision.tolerance_percent,
        tolerance_at_buyers_option=revision.tolerance_at_buyers_option,
        partial_shipments=revision.partial_shipments,
        provisional_percent=revision.provisional_percent,
        notes=revision.remarks,
        status=OrderStatus.ACCEPTED,
        goods_total_minor=revision.goods_total_minor,
        freight_minor=revision.freight_minor,
        insurance_minor=revision.insurance_minor,
        total_minor=revision.total_minor,
        confirmed_ship_date=seller_today + timedelta(days=revision.lead_time_days),
        quote_revision_id=revision.id,
        quote_terms_sha256=revision.terms_sha256,
        lines=_order_lines(revision),
        placed_at=now,
    )
    if sum(line.line_total_minor for line in order.lines) != order.goods_total_minor:
        raise ValidationFailed(lazy_gettext("The quote's lines do not add up."))  # never expected
    record_new_order(actor, order, "awarded")
    on_order_accepted(actor, order)
    payments.create_milestones(order, company_today(buyer, now))
    record_audit(
        actor,
        "rfq.awarded_order",
        object_type="order",
        object_id=order.public_id,
        details={
            "rfq": rfq.public_id,
            "quote": revision.public_id,
            "sha256": revision.terms_sha256,
        },
    )
    return order


def awarded_order(rfq_id: int) -> Order | None:
    """The order an RFQ was awarded into, through its accepted revision."""
    return db.session.scalar(
        select(Order)
        .join(QuoteRevision, QuoteRevision.id == Order.quote_revision_id)
        .where(QuoteRevision.rfq_id == rfq_id)
    )
