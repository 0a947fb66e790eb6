"""The seller's quote revisions and the buyer's counter-offers.

A revision is never edited: the seller's next one supersedes the live one. Its canonical
terms (everything the buyer would be bound to) are hashed with SHA-256 once, when it is
written; the order awarded from it carries the same hash, printed on the proforma.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

from flask_babel import lazy_gettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Incoterm,
    PaymentTerms,
    Product,
    ProductStatus,
    QuoteCounter,
    QuoteLine,
    QuoteRevision,
    QuoteStatus,
    Rfq,
    RfqInvitation,
    RfqStatus,
)
from app.models.base import utcnow
from app.money import line_amount_minor, price_json
from app.reference.trade_codes import UNIT_CODES, normalize_hs_code
from app.services.accounts.capabilities import Action, require
from app.services.accounts.companies import ensure_can_trade
from app.services.audit.recording import Actor
from app.services.errors import NotFound, ValidationFailed
from app.services.fulfilment.charges import check_charges
from app.services.orders.lots import allowed_partial_shipments
from app.services.orders.tolerance import Tolerance, parse_tolerance
from app.services.orders.weight_terms import parse_provisional_percent
from app.services.quotations.figures import clean_text, parse_amount_minor, parse_quantity
from app.services.quotations.states import (
    LIVE_QUOTE,
    LIVE_RFQ,
    InvalidMove,
    move_quote,
    move_rfq,
    record_rfq_event,
)
from app.services.quotations.tiers import parse_tiers, unit_price_at
from app.services.unit_prices import read_unit_price_minor
from app.services.webhooks import events as webhook_events

MAX_LINES = 20
MAX_VALID_DAYS = 90
MAX_LEAD_TIME_DAYS = 730


@dataclass
class QuoteLineInput:
    quantity: object
    unit_price: object
    product_public_id: str = ""
    title: str = ""
    hs_code: str = ""
    unit: str = ""
    # Price breaks as (from quantity, unit price) pairs; see ``tiers``.
    tiers: list[tuple[object, object]] = field(default_factory=list)


@dataclass
class QuoteInput:
    lines: list[QuoteLineInput]
    incoterm: str
    incoterm_place: str
    lead_time_days: object
    payment_terms: str
    valid_until: datetime | None
    freight: object = None
    insurance: object = None
    remarks: str = ""
    # "More or less N %" on every line, as typed (``tolerance.parse_tolerance``).
    tolerance_percent: object = None
    tolerance_option: object = None
    partial_shipments: object = False
    provisional_percent: object = None


@dataclass
class CounterInput:
    unit_price: object = None
    quantity: object = None
    required_by: date | None = None
    payment_terms: str = ""
    note: str = ""


def invited(rfq: Rfq, seller_id: int) -> bool:
    return (
        db.session.scalar(
            select(RfqInvitation.id).where(
                RfqInvitation.rfq_id == rfq.id, RfqInvitation.seller_id == seller_id
            )
        )
        is not None
    )


def _line(n: int, data: QuoteLineInput, rfq: Rfq, seller_id: int) -> QuoteLine:
    field_name = f"lines-{n - 1}"
    price = read_unit_price_minor(data.unit_price, rfq.currency, field_name)
    assert price is not None
    if price <= 0:
        raise ValidationFailed(lazy_gettext("Enter a unit price above zero."), field_name)
    product = None
    if data.product_public_id:
        product = db.session.scalar(
            select(Product).where(
                Product.public_id == data.product_public_id,
                Product.seller_id == seller_id,
                Product.status == ProductStatus.PUBLISHED,
            )
        )
        if product is None:
            raise ValidationFailed(
                lazy_gettext("Choose one of your published listings."), field_name
            )
        if product.currency != rfq.currency:
            raise ValidationFailed(
                lazy_gettext("This listing is priced in another currency."), field_name
            )
    title = product.title if product else clean_text(data.title, field_name, limit=200, minimum=3)
    hs_code = product.hs_code if product else normalize_hs_code(data.hs_code or rfq.hs_code or "")
    if hs_code is None:
        raise ValidationFailed(
            lazy_gettext("An HS code has 6 to 10 digits, e.g. 3602.00 or 261000."), field_name
        )
    unit = product.unit if product else (data.unit or rfq.unit).strip().upper()
    if unit not in UNIT_CODES:
        raise ValidationFailed(lazy_gettext("Choose a unit from the list."), field_name)
    # Read once the unit is known: it decides the decimals (12.5 t, never 12.5 pieces).
    quantity = parse_quantity(data.quantity, unit, field_name)
    tiers = parse_tiers(data.tiers, rfq.currency, field_name, unit)
    total = line_amount_minor(quantity, unit_price_at(quantity, price, tiers))
    return QuoteLine(
        line_no=n,
        product_id=product.id if product else None,
        title=title,
        hs_code=hs_code,
        unit=unit,
        quantity=quantity,
        unit_price_minor=price,
        line_total_minor=total,
        tiers=tiers,
    )


def canonical_terms(revision: QuoteRevision, rfq: Rfq, product_ids: dict[int, str]) -> str:
    """The revision's binding terms as one canonical JSON text (sorted keys, no spaces)."""
    terms = {
        "rfq": rfq.public_id,
        "quote": revision.public_id,
        "revision": revision.revision_no,
        "seller": revision.seller_id,
        "buyer": revision.buyer_id,
        "currency": revision.currency,
        "incoterm": revision.incoterm.value,
        "incoterm_place": revision.incoterm_place,
        "lines": [
            {
                "listing": product_ids.get(line.product_id) if line.product_id else None,
                "title": line.title,
                "hs_code": line.hs_code,
                "unit": line.unit,
                "quantity": format(line.quantity.normalize(), "f"),
                # An int when whole, as before sub-cent prices: old hashes still verify.
                "unit_price_minor": price_json(line.unit_price_minor),
                "line_total_minor": line.line_total_minor,
                "tiers": [
                    {
                        "from_quantity": format(tier.min_quantity.normalize(), "f"),
                        "unit_price_minor": price_json(tier.unit_price_minor),
                    }
                    for tier in line.tiers
                ],
            }
            for line in revision.lines
        ],
        "goods_total_minor": revision.goods_total_minor,
        "freight_minor": revision.freight_minor,
        "insurance_minor": revision.insurance_minor,
        "total_minor": revision.total_minor,
        "lead_time_days": revision.lead_time_days,
        "payment_terms": revision.payment_terms.value,
        "valid_until": revision.valid_until.isoformat(),
        "remarks": revision.remarks,
    }
    tolerance = Tolerance.of(revision)
    if tolerance.percent:
        # Only when there is one: the revisions written before tolerances keep their hash.
        terms["tolerance_percent"] = tolerance.percent
        terms["tolerance_option"] = tolerance.option
    if revision.partial_shipments:
        terms["partial_shipments"] = True  # likewise only when agreed
    if revision.provisional_percent:
        terms["provisional_percent"] = revision.provisional_percent
    return json.dumps(terms, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def terms_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _checked_terms(data: QuoteInput, rfq: Rfq, now: datetime) -> dict[str, object]:
    rule = (data.incoterm or "").strip().upper()
    if rule not in Incoterm.__members__:
        raise ValidationFailed(lazy_gettext("Choose a delivery term (Incoterm)."), "incoterm")
    incoterm = Incoterm(rule)
    freight = parse_amount_minor(data.freight, rfq.currency, "freight", required=False) or 0
    insurance = parse_amount_minor(data.insurance, rfq.currency, "insurance", required=False) or 0
    check_charges(incoterm, freight, insurance)
    try:
        lead_time = int(str(data.lead_time_days).strip())
    except ValueError:
        lead_time = -1
    if not 0 <= lead_time <= MAX_LEAD_TIME_DAYS:
        raise ValidationFailed(
            lazy_gettext("Give the lead time in days (0 to 730)."), "lead_time_days"
        )
    if (data.payment_terms or "") not in {t.value for t in PaymentTerms}:
        raise ValidationFailed(lazy_gettext("Choose payment terms from the list."), "payment_terms")
    valid_until = data.valid_until
    if valid_until is None or valid_until <= now:
        raise ValidationFailed(
            lazy_gettext("The quote must be valid for a while yet."), "valid_until"
        )
    if valid_until > now + timedelta(days=MAX_VALID_DAYS):
        raise ValidationFailed(lazy_gettext("A quote is valid for at most 90 days."), "valid_until")
    tolerance = parse_tolerance(data.tolerance_percent, data.tolerance_option)
    return {
        "incoterm": incoterm,
        "incoterm_place": clean_text(data.incoterm_place, "incoterm_place", limit=100, minimum=2),
        "freight_minor": freight,
        "insurance_minor": insurance,
        "lead_time_days": lead_time,
        "payment_terms": PaymentTerms(data.payment_terms),
        "valid_until": valid_until,
        "remarks": clean_text(data.remarks, "remarks", limit=2000) or None,
        "tolerance_percent": tolerance.percent,
        "tolerance_at_buyers_option": tolerance.at_buyers_option,
        "partial_shipments": allowed_partial_shipments(data.partial_shipments, data.payment_terms),
        "provisional_percent": parse_provisional_percent(
            data.provisional_percent, data.payment_terms
        ),
    }


def live_revision(rfq: Rfq, seller_id: int) -> QuoteRevision | None:
    return db.session.scalar(
        select(QuoteRevision).where(
            QuoteRevision.rfq_id == rfq.id,
            QuoteRevision.seller_id == seller_id,
            QuoteRevision.status.in_(LIVE_QUOTE),
        )
    )


def submit_quote(
    actor: Actor, rfq: Rfq, data: QuoteInput, *, now: datetime | None = None
) -> QuoteRevision:
    """A new revision from the seller: supersedes their live one; the RFQ becomes quoted."""
    user = require(actor.user, Action.QUOTE)
    seller = user.company
    assert seller is not None
    if not invited(rfq, seller.id):
        raise NotFound(lazy_gettext("No such request for quotation."))
    ensure_can_trade(seller)
    now = now or utcnow()
    if rfq.status not in LIVE_RFQ or rfq.expires_at <= now:
        raise InvalidMove(lazy_gettext("This request no longer takes quotes."))
    if not data.lines:
        raise ValidationFailed(lazy_gettext("A quote needs at least one line."), "lines")
    if len(data.lines) > MAX_LINES:
        raise ValidationFailed(lazy_gettext("A quote holds at most 20 lines."), "lines")
    values = _checked_terms(data, rfq, now)
    lines = [_line(n, line, rfq, seller.id) for n, line in enumerate(data.lines, start=1)]
    goods = sum(line.line_total_minor for line in lines)
    charges = cast(int, values["freight_minor"]) + cast(int, values["insurance_minor"])
    previous = live_revision(rfq, seller.id)
    number = (
        db.session.scalar(
            select(func.max(QuoteRevision.revision_no)).where(
                QuoteRevision.rfq_id == rfq.id, QuoteRevision.seller_id == seller.id
            )
        )
        or 0
    ) + 1
    if previous is not None:
        move_quote(actor, previous, QuoteStatus.SUPERSEDED)
    revision = QuoteRevision(
        rfq=rfq,
        seller_id=seller.id,
        buyer_id=rfq.buyer_id,
        revision_no=number,
        status=QuoteStatus.OFFERED,
        created_by_id=user.id,
        currency=rfq.currency,
        goods_total_minor=goods,
        total_minor=goods + charges,
        lines=lines,
        created_at=now,
        terms_sha256="",
        **values,
    )
    db.session.add(revision)
    db.session.flush()  # the public id and the lines' ids
    listing_ids = {line.product_id for line in lines if line.product_id}
    listings: dict[int, str] = {}
    if listing_ids:
        rows = db.session.execute(
            select(Product.id, Product.public_id).where(Product.id.in_(listing_ids))
        )
        listings = {row.id: row.public_id for row in rows}
    revision.terms_sha256 = terms_hash(canonical_terms(revision, rfq, listings))
    record_rfq_event(actor, rfq, "quoted", revision=revision, to_status=QuoteStatus.OFFERED.value)
    if rfq.status is RfqStatus.OPEN:
        move_rfq(actor, rfq, RfqStatus.QUOTED)
    db.session.flush()
    webhook_events.on_quote_received(revision)
    return revision


def counter(
    actor: Actor, revision: QuoteRevision, data: CounterInput, *, now: datetime | None = None
) -> QuoteCounter:
    """The buyer's counter-offer: declines the revision and says what would be accepted."""
    require(actor.user, Action.REQUEST_QUOTES, revision)
    user = actor.user
    assert user is not None
    rfq = revision.rfq
    now = now or utcnow()
    if rfq.status not in LIVE_RFQ or rfq.expires_at <= now:
        raise InvalidMove(lazy_gettext("This request has ended."))
    if revision.valid_until <= now:
        raise InvalidMove(lazy_gettext("This quote has expired."))
    price = read_unit_price_minor(data.unit_price, revision.currency, "unit_price", required=False)
    quantity = (
        parse_quantity(data.quantity, rfq.unit)
        if data.quantity is not None and str(data.quantity).strip()
        else None
    )
    terms = (data.payment_terms or "").strip()
    if terms and terms not in {t.value for t in PaymentTerms}:
        raise ValidationFailed(lazy_gettext("Choose payment terms from the list."), "payment_terms")
    note = clean_text(data.note, "note", limit=2000) or None
    if price is None and quantity is None and data.required_by is None and not terms and not note:
        raise ValidationFailed(
            lazy_gettext("Say what you would accept: a price, a quantity, a date or terms."),
            "unit_price",
        )
    move_quote(actor, revision, QuoteStatus.COUNTERED, note)
    offer = QuoteCounter(
        revision_id=revision.id,
        created_by_id=user.id,
        unit_price_minor=price or None,
        quantity=quantity,
        required_by=data.required_by,
        payment_terms=PaymentTerms(terms) if terms else None,
        note=note,
        created_at=now,
    )
    db.session.add(offer)
    db.session.flush()
    return offer


def withdraw(actor: Actor, revision: QuoteRevision, note: str | None = None) -> None:
    """The seller takes a live revision back."""
    require(actor.user, Action.QUOTE, revision)
    move_quote(actor, revision, QuoteStatus.WITHDRAWN, note)
