"""What each party sees of RFQs and quotes, always scoped by company.

The buyer sees its own RFQs with every seller's quotes side by side; a seller sees only
the RFQs it was invited to, with its own quotes and none of the others'. Anything else
answers None (the page's 404). Each page reads in a few statements (tested budgets).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    Company,
    Order,
    Product,
    ProductStatus,
    QuoteLine,
    QuoteRevision,
    Rfq,
    RfqAttachment,
    RfqEvent,
    RfqInvitation,
    RfqStatus,
    StoredFile,
    VerificationStatus,
)
from app.services.accounts.capabilities import Side

PAGE_SIZE = 50


@dataclass
class RfqRow:
    rfq: Rfq
    quotes: int  # revisions the reader may see


@dataclass
class RfqPage:
    rfq: Rfq
    side: Side
    # Per seller, newest revision first; the buyer sees every seller, a seller itself.
    revisions: dict[int, list[QuoteRevision]] = field(default_factory=dict)
    events: list[RfqEvent] = field(default_factory=list)
    order: Order | None = None

    @property
    def latest(self) -> list[QuoteRevision]:
        """Each seller's newest revision: the columns of the side-by-side view."""
        return [revisions[0] for revisions in self.revisions.values() if revisions]


def buyer_rfqs(company_id: int, page: int = 1) -> list[RfqRow]:
    """The buyer's RFQs, newest first, with how many revisions each received."""
    quotes = (
        select(func.count(QuoteRevision.id))
        .where(QuoteRevision.rfq_id == Rfq.id)
        .correlate(Rfq)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Rfq, quotes)
        .where(Rfq.buyer_id == company_id)
        .order_by(Rfq.created_at.desc(), Rfq.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    ).all()
    return [RfqRow(rfq, count or 0) for rfq, count in rows]


def _unanswered(company_id: int) -> ColumnElement[bool]:
    """An RFQ still taking quotes to which this seller has sent none."""
    quoted = select(QuoteRevision.id).where(
        QuoteRevision.rfq_id == Rfq.id, QuoteRevision.seller_id == company_id
    )
    return Rfq.status.in_((RfqStatus.OPEN, RfqStatus.QUOTED)) & ~quoted.exists()


def seller_rfqs(company_id: int, page: int = 1, *, unanswered: bool = False) -> list[RfqRow]:
    """The RFQs the seller was invited to, newest first, with its own revisions' count
    (``unanswered``: only those still open that it has not quoted on)."""
    quotes = (
        select(func.count(QuoteRevision.id))
        .where(QuoteRevision.rfq_id == Rfq.id, QuoteRevision.seller_id == company_id)
        .correlate(Rfq)
        .scalar_subquery()
    )
    query = (
        select(Rfq, quotes)
        .join(RfqInvitation, RfqInvitation.rfq_id == Rfq.id)
        .where(RfqInvitation.seller_id == company_id)
    )
    if unanswered:
        query = query.where(_unanswered(company_id))
    rows = db.session.execute(
        query.options(joinedload(Rfq.buyer))
        .order_by(Rfq.created_at.desc(), Rfq.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    ).all()
    return [RfqRow(rfq, count or 0) for rfq, count in rows]


def rfqs_to_answer(company_id: int) -> int:
    """How many open RFQs invite this seller and have no quote of its own yet."""
    return (
        db.session.scalar(
            select(func.count(Rfq.id))
            .join(RfqInvitation, RfqInvitation.rfq_id == Rfq.id)
            .where(RfqInvitation.seller_id == company_id, _unanswered(company_id))
        )
        or 0
    )


def _visible(company_id: int, side: Side) -> ColumnElement[bool]:
    """The condition that ``company_id`` may read an RFQ from ``side``."""
    if side is Side.BUYER:
        return Rfq.buyer_id == company_id
    invited = select(RfqInvitation.id).where(
        RfqInvitation.rfq_id == Rfq.id, RfqInvitation.seller_id == company_id
    )
    return invited.exists()


def company_rfq(company_id: int, public_id: str, side: Side) -> Rfq | None:
    """The RFQ if ``company_id`` may see it from ``side``; None otherwise (a 404)."""
    return db.session.scalar(
        select(Rfq).where(Rfq.public_id == public_id, _visible(company_id, side))
    )


def company_revision(company_id: int, public_id: str, side: Side) -> QuoteRevision | None:
    """A revision the company is party to (the RFQ's buyer or the quoting seller)."""
    party = (
        QuoteRevision.buyer_id == company_id
        if side is Side.BUYER
        else QuoteRevision.seller_id == company_id
    )
    return db.session.scalar(
        select(QuoteRevision)
        .where(QuoteRevision.public_id == public_id, party)
        .options(joinedload(QuoteRevision.rfq))
    )


def rfq_page(company_id: int, public_id: str, side: Side) -> RfqPage | None:
    """Everything the RFQ page shows, in a handful of statements."""
    # One statement each for the RFQ (with its few invitations and attachments joined in),
    # the revisions (with their lines and counters) and the history.
    rfq = (
        db.session.scalars(
            select(Rfq)
            .where(Rfq.public_id == public_id, _visible(company_id, side))
            .options(
                joinedload(Rfq.buyer),
                joinedload(Rfq.category),
                joinedload(Rfq.invitations).joinedload(RfqInvitation.seller),
                joinedload(Rfq.attachments).joinedload(RfqAttachment.stored_file),
            )
        )
        .unique()
        .one_or_none()
    )
    if rfq is None:
        return None
    revisions_query = (
        select(QuoteRevision)
        .where(QuoteRevision.rfq_id == rfq.id)
        .options(
            joinedload(QuoteRevision.lines).joinedload(QuoteLine.tiers),
            joinedload(QuoteRevision.counter),
        )
        .order_by(QuoteRevision.seller_id, QuoteRevision.revision_no.desc())
    )
    events_query = select(RfqEvent).where(RfqEvent.rfq_id == rfq.id).order_by(RfqEvent.id)
    if side is Side.SELLER:
        revisions_query = revisions_query.where(QuoteRevision.seller_id == company_id)
        events_query = events_query.where(
            or_(RfqEvent.seller_id.is_(None), RfqEvent.seller_id == company_id)
        )
    page = RfqPage(rfq, side)
    accepted = None
    for revision in db.session.scalars(revisions_query).unique():
        page.revisions.setdefault(revision.seller_id, []).append(revision)
        if revision.status.value == "accepted":
            accepted = revision
    page.events = list(db.session.scalars(events_query))
    if accepted is not None:
        page.order = db.session.scalar(select(Order).where(Order.quote_revision_id == accepted.id))
    return page


def rfq_attachment(
    company_id: int, rfq_public_id: str, file_public_id: str, side: Side
) -> StoredFile | None:
    """An RFQ's attachment, if the company is party to the RFQ."""
    return db.session.scalar(
        select(StoredFile)
        .join(RfqAttachment, RfqAttachment.stored_file_id == StoredFile.id)
        .join(Rfq, Rfq.id == RfqAttachment.rfq_id)
        .where(
            Rfq.public_id == rfq_public_id,
            StoredFile.public_id == file_public_id,
            _visible(company_id, side),
        )
    )


def rfq_of_order(order: Order) -> Rfq | None:
    """The RFQ an awarded order came from (the order page links back to it)."""
    if order.quote_revision_id is None:
        return None
    return db.session.scalar(
        select(Rfq)
        .join(QuoteRevision, QuoteRevision.rfq_id == Rfq.id)
        .where(QuoteRevision.id == order.quote_revision_id)
    )


def seller_choices(buyer_id: int) -> list[tuple[str, str]]:
    """Verified sellers a buyer may ask for quotes: (public id, legal name)."""
    rows = db.session.execute(
        select(Company.public_id, Company.legal_name)
        .where(
            Company.sells.is_(True),
            Company.verification_status == VerificationStatus.VERIFIED,
            Company.id != buyer_id,
        )
        .order_by(Company.legal_name)
    )
    return [(row.public_id, row.legal_name) for row in rows]


def listing_choices(seller_id: int, currency: str) -> list[tuple[str, str]]:
    """The seller's published listings priced in ``currency``: (public id, title)."""
    rows = db.session.execute(
        select(Product.public_id, Product.title)
        .where(
            Product.seller_id == seller_id,
            Product.currency == currency,
            Product.status == ProductStatus.PUBLISHED,
        )
        .order_by(Product.title)
    )
    return [(row.public_id, row.title) for row in rows]
