"""The buyer's side of an RFQ: write it, send it to the sellers, close or cancel it.

An RFQ goes to one seller (asked from a product page) or to up to ten verified sellers of
a category; only the invited sellers ever see it (``queries``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pycountry
from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Category,
    Company,
    Incoterm,
    PaymentTerms,
    Product,
    ProductStatus,
    QuoteRevision,
    QuoteStatus,
    Rfq,
    RfqAttachment,
    RfqInvitation,
    RfqStatus,
    StoredFile,
)
from app.models.base import utcnow
from app.money import InvalidCurrency, normalize_currency
from app.reference.trade_codes import UNIT_CODES, normalize_hs_code
from app.services.accounts.capabilities import Action, require
from app.services.accounts.clock import company_today
from app.services.accounts.companies import ensure_can_trade
from app.services.audit.recording import Actor, record_audit
from app.services.errors import Conflict, ValidationFailed
from app.services.quotations.figures import clean_text, parse_quantity
from app.services.quotations.states import LIVE_QUOTE, move_quote, move_rfq, record_rfq_event
from app.services.unit_prices import read_unit_price_minor

MAX_SELLERS = 10
MAX_ATTACHMENTS = 5
DEFAULT_OPEN_DAYS = 30
MAX_OPEN_DAYS = 90


@dataclass
class RfqInput:
    """What the buyer typed (or the ERP sent); every field is checked here."""

    title: str = ""
    quantity: object = None
    unit: str = ""
    incoterm: str = ""
    incoterm_place: str = ""
    destination_country: str = ""
    currency: str = "USD"
    description: str = ""
    hs_code: str = ""
    category_slug: str = ""
    product_public_id: str = ""
    required_by: date | None = None
    payment_terms: str = ""
    target_price: object = None
    open_days: object = DEFAULT_OPEN_DAYS
    seller_public_ids: list[str] = field(default_factory=list)


def _listing(public_id: str) -> Product | None:
    if not public_id:
        return None
    product = db.session.scalar(select(Product).where(Product.public_id == public_id))
    if product is None or product.status is not ProductStatus.PUBLISHED:
        raise ValidationFailed(lazy_gettext("This listing is not on offer."), "product")
    return product


def _category(slug: str, product: Product | None) -> Category | None:
    if slug:
        category = db.session.scalar(select(Category).where(Category.slug == slug))
        if category is None:
            raise ValidationFailed(lazy_gettext("Choose a category from the list."), "category")
        return category
    return product.category if product is not None else None


def _checked(data: RfqInput, buyer: Company, now: datetime) -> dict[str, object]:
    product = _listing(data.product_public_id)
    rule = (data.incoterm or "").strip().upper()
    if rule not in Incoterm.__members__:
        raise ValidationFailed(lazy_gettext("Choose a delivery term (Incoterm)."), "incoterm")
    country = (data.destination_country or "").strip().upper()
    if len(country) != 2 or pycountry.countries.get(alpha_2=country) is None:
        raise ValidationFailed(
            lazy_gettext("Choose the destination country."), "destination_country"
        )
    unit = (data.unit or "").strip().upper()
    if unit not in UNIT_CODES:
        raise ValidationFailed(lazy_gettext("Choose a unit from the list."), "unit")
    hs_code = None
    if (data.hs_code or "").strip():
        hs_code = normalize_hs_code(data.hs_code)
        if hs_code is None:
            raise ValidationFailed(
                lazy_gettext("An HS code has 6 to 10 digits, e.g. 3602.00 or 261000."), "hs_code"
            )
    try:
        currency = normalize_currency(data.currency)
    except InvalidCurrency:
        raise ValidationFailed(lazy_gettext("Choose a currency."), "currency") from None
    terms = (data.payment_terms or "").strip()
    if terms and terms not in {t.value for t in PaymentTerms}:
        raise ValidationFailed(lazy_gettext("Choose payment terms from the list."), "payment_terms")
    if data.required_by is not None and data.required_by < company_today(buyer, now):
        raise ValidationFailed(lazy_gettext("The date wanted is in the past."), "required_by")
    try:
        open_days = int(str(data.open_days or DEFAULT_OPEN_DAYS))
    except ValueError:
        open_days = 0
    if not 1 <= open_days <= MAX_OPEN_DAYS:
        raise ValidationFailed(lazy_gettext("Keep the request open for 1 to 90 days."), "open_days")
    category = _category((data.category_slug or "").strip(), product)
    return {
        "title": clean_text(data.title, "title", limit=200, minimum=3),
        "description": clean_text(data.description, "description", limit=5000),
        "hs_code": hs_code or (product.hs_code if product is not None else None),
        "category_id": category.id if category is not None else None,
        "product_id": product.id if product is not None else None,
        "quantity": parse_quantity(data.quantity, unit),
        "unit": unit,
        "incoterm": Incoterm(rule),
        "incoterm_place": clean_text(data.incoterm_place, "incoterm_place", limit=100, minimum=2),
        "destination_country": country,
        "required_by": data.required_by,
        "payment_terms": PaymentTerms(terms) if terms else None,
        "currency": currency,
        "target_price_minor": read_unit_price_minor(
            data.target_price, currency, "target_price", required=False
        )
        or None,
        "expires_at": now + timedelta(days=open_days),
    }


def _sellers(public_ids: list[str], buyer: Company, category_id: int | None) -> list[Company]:
    wanted = list(dict.fromkeys(p.strip() for p in public_ids if p and p.strip()))
    if not wanted:
        raise ValidationFailed(lazy_gettext("Choose at least one seller."), "sellers")
    if len(wanted) > MAX_SELLERS:
        raise ValidationFailed(lazy_gettext("Send a request to at most 10 sellers."), "sellers")
    found = db.session.scalars(select(Company).where(Company.public_id.in_(wanted))).all()
    sellers = [c for c in found if c.sells and c.is_verified and c.id != buyer.id]
    if len(sellers) != len(wanted):
        raise ValidationFailed(
            lazy_gettext("Only verified sellers can be asked for a quote."), "sellers"
        )
    if len(sellers) > 1 and category_id is not None:
        listing_sellers = set(
            db.session.scalars(
                select(Product.seller_id).where(
                    Product.category_id == category_id,
                    Product.status == ProductStatus.PUBLISHED,
                    Product.seller_id.in_([s.id for s in sellers]),
                )
            )
        )
        if len(listing_sellers) != len(sellers):
            raise ValidationFailed(
                lazy_gettext("Ask sellers who list goods in the request's category."), "sellers"
            )
    return sellers


def create_rfq(
    actor: Actor,
    data: RfqInput,
    *,
    attachments: list[StoredFile] | None = None,
    send: bool = True,
    now: datetime | None = None,
) -> Rfq:
    """Write the RFQ (a draft) and, with ``send``, send it to the sellers at once."""
    user = require(actor.user, Action.REQUEST_QUOTES)
    buyer = user.company
    assert buyer is not None
    now = now or utcnow()
    values = _checked(data, buyer, now)
    rfq = Rfq(buyer_id=buyer.id, created_by_id=user.id, status=RfqStatus.DRAFT, **values)
    db.session.add(rfq)
    sellers = _sellers(data.seller_public_ids, buyer, rfq.category_id) if send else []
    for seller in sellers:
        rfq.invitations.append(RfqInvitation(seller_id=seller.id, invited_at=now))
    attach_files(rfq, attachments or [])
    db.session.flush()
    record_rfq_event(actor, rfq, "created", to_status=RfqStatus.DRAFT.value)
    record_audit(actor, "rfq.created", object_type="rfq", object_id=rfq.public_id)
    if send:
        ensure_can_trade(buyer)
        move_rfq(actor, rfq, RfqStatus.OPEN)
    return rfq


def attach_files(rfq: Rfq, files: list[StoredFile]) -> None:
    if len(rfq.attachments) + len(files) > MAX_ATTACHMENTS:
        raise ValidationFailed(lazy_gettext("Attach at most 5 files to a request."), "attachments")
    for stored in files:
        rfq.attachments.append(RfqAttachment(stored_file=stored))


def send_rfq(
    actor: Actor, rfq: Rfq, seller_public_ids: list[str], *, now: datetime | None = None
) -> None:
    """Send a draft to the sellers named (1 to 10).

    The request stays open for the days the buyer chose, counted from sending: a draft kept
    a week must not reach the sellers with a week less to answer.
    """
    user = require(actor.user, Action.REQUEST_QUOTES, rfq)
    assert user.company is not None
    ensure_can_trade(user.company)
    if rfq.status is not RfqStatus.DRAFT:
        raise Conflict(lazy_gettext("Only a draft can be sent."))
    now = now or utcnow()
    for seller in _sellers(seller_public_ids, user.company, rfq.category_id):
        rfq.invitations.append(RfqInvitation(seller_id=seller.id, invited_at=now))
    rfq.expires_at = now + (rfq.expires_at - rfq.created_at)
    move_rfq(actor, rfq, RfqStatus.OPEN)


def end_rfq(actor: Actor, rfq: Rfq, note: str | None = None) -> RfqStatus:
    """The buyer ends the RFQ without an award: cancelled before any quote, closed after.

    The sellers' live revisions are declined with it.
    """
    require(actor.user, Action.REQUEST_QUOTES, rfq)
    target = RfqStatus.CLOSED if rfq.status is RfqStatus.QUOTED else RfqStatus.CANCELLED
    move_rfq(actor, rfq, target, note)
    decline_live_quotes(actor, rfq)
    return target


def decline_live_quotes(actor: Actor, rfq: Rfq, *, keep_id: int | None = None) -> None:
    """Decline every live revision of ``rfq`` (but ``keep_id``): the RFQ has ended."""
    live = db.session.scalars(
        select(QuoteRevision)
        .where(QuoteRevision.rfq_id == rfq.id, QuoteRevision.status.in_(LIVE_QUOTE))
        .order_by(QuoteRevision.id)
    ).all()
    for revision in live:
        if revision.id != keep_id:
            move_quote(actor, revision, QuoteStatus.DECLINED)
