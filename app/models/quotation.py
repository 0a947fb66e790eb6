"""Requests for quotation (RFQs) and the sellers' quotes, revision by revision.

A buyer sends an RFQ to one seller or to up to ten verified sellers of a category; only
the invited sellers see it. Each seller answers with quote revisions: a revision is never
edited, a new one supersedes it. The buyer may counter a revision (a counter-offer declines
the offer it answers, as in contract law) and the seller answers with a new revision.
Accepting a revision awards the RFQ and places the order from a frozen snapshot of the
revision: its id and the SHA-256 of its canonical terms go on the order and the proforma.

Quantities are exact decimals (``NUMERIC(18, 3)``; exact text on SQLite, whose NUMERIC is a
float) so that units with decimals need only a change of the parsing rule.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, ExactDecimal, PublicIdMixin, UnitPrice, enum_column_type, utcnow
from app.models.order import PaymentTerms
from app.models.product import Incoterm

if TYPE_CHECKING:
    from app.models.category import Category
    from app.models.company import Company
    from app.models.product import Product
    from app.models.stored_file import StoredFile
    from app.models.user import User

# NUMERIC(18, 3) where the database keeps decimals exactly; SQLite keeps the exact text.
QUANTITY_TYPE = sa.Numeric(18, 3).with_variant(ExactDecimal(), "sqlite")


class RfqStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    QUOTED = "quoted"
    AWARDED = "awarded"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class QuoteStatus(enum.StrEnum):
    OFFERED = "offered"
    SUPERSEDED = "superseded"  # the seller sent a newer revision
    COUNTERED = "countered"  # the buyer answered with a counter-offer
    ACCEPTED = "accepted"
    EXPIRED = "expired"  # its validity ran out
    WITHDRAWN = "withdrawn"  # the seller took it back
    DECLINED = "declined"  # the RFQ was awarded elsewhere, closed or cancelled


class Rfq(PublicIdMixin, Base):
    """What the buyer asks for: goods, quantity, delivery term and date."""

    __tablename__ = "rfqs"
    __table_args__ = (
        sa.Index("ix_rfqs_buyer_created", "buyer_id", "created_at"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(
            "target_price_minor IS NULL OR target_price_minor > 0", name="target_positive"
        ),
    )

    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[RfqStatus] = mapped_column(
        enum_column_type(RfqStatus), default=RfqStatus.DRAFT, index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    hs_code: Mapped[str | None] = mapped_column(sa.String(10))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("categories.id"))
    # The listing the RFQ was asked from (a product page); kept for reference only.
    product_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL")
    )
    quantity: Mapped[Decimal] = mapped_column(QUANTITY_TYPE)
    unit: Mapped[str] = mapped_column(sa.String(3))
    incoterm: Mapped[Incoterm] = mapped_column(enum_column_type(Incoterm))
    incoterm_place: Mapped[str] = mapped_column(sa.String(100))
    destination_country: Mapped[str] = mapped_column(sa.String(2))
    required_by: Mapped[date | None]
    payment_terms: Mapped[PaymentTerms | None] = mapped_column(enum_column_type(PaymentTerms))
    currency: Mapped[str] = mapped_column(sa.String(3))
    # Per unit, in minor units of ``currency``; optional.
    target_price_minor: Mapped[Decimal | None] = mapped_column(UnitPrice)
    # Unawarded by then, the RFQ expires (the job, and every award, check it).
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The awarded order is found through ``orders.quote_revision_id``: a key back to the
    # order here would make the three tables a foreign-key cycle.

    buyer: Mapped[Company] = relationship(foreign_keys=[buyer_id])
    created_by: Mapped[User] = relationship()
    category: Mapped[Category | None] = relationship()
    invitations: Mapped[list[RfqInvitation]] = relationship(
        order_by="RfqInvitation.id", cascade="all, delete-orphan", back_populates="rfq"
    )
    attachments: Mapped[list[RfqAttachment]] = relationship(
        order_by="RfqAttachment.id", cascade="all, delete-orphan", back_populates="rfq"
    )

    @property
    def reference(self) -> str:
        """The number both parties quote (e.g. RFQ-000042)."""
        return f"RFQ-{self.id:06d}"


class RfqInvitation(Base):
    """A seller the RFQ was sent to: the only sellers who see it."""

    __tablename__ = "rfq_invitations"
    __table_args__ = (sa.UniqueConstraint("rfq_id", "seller_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(sa.ForeignKey("rfqs.id", ondelete="CASCADE"))
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)

    rfq: Mapped[Rfq] = relationship(back_populates="invitations")
    seller: Mapped[Company] = relationship()


class RfqAttachment(Base):
    """A specification or drawing the buyer attached (the bytes are a ``StoredFile``)."""

    __tablename__ = "rfq_attachments"
    __table_args__ = (sa.UniqueConstraint("rfq_id", "stored_file_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(sa.ForeignKey("rfqs.id", ondelete="CASCADE"))
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))

    rfq: Mapped[Rfq] = relationship(back_populates="attachments")
    stored_file: Mapped[StoredFile] = relationship()


class QuoteRevision(PublicIdMixin, Base):
    """One seller's offer on an RFQ; never edited, superseded by the next revision."""

    __tablename__ = "quote_revisions"
    __table_args__ = (
        sa.UniqueConstraint("rfq_id", "seller_id", "revision_no"),
        sa.Index("ix_quote_revisions_seller_created", "seller_id", "created_at"),
        sa.CheckConstraint(
            "total_minor = goods_total_minor + freight_minor + insurance_minor",
            name="total_adds_up",
        ),
        sa.CheckConstraint("freight_minor >= 0 AND insurance_minor >= 0", name="charges_positive"),
    )

    rfq_id: Mapped[int] = mapped_column(sa.ForeignKey("rfqs.id", ondelete="CASCADE"))
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    # The RFQ's buyer, kept here so the capability table sees both parties of a quote.
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    revision_no: Mapped[int]
    status: Mapped[QuoteStatus] = mapped_column(
        enum_column_type(QuoteStatus), default=QuoteStatus.OFFERED
    )
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    currency: Mapped[str] = mapped_column(sa.String(3))
    incoterm: Mapped[Incoterm] = mapped_column(enum_column_type(Incoterm))
    incoterm_place: Mapped[str] = mapped_column(sa.String(100))
    goods_total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    freight_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    insurance_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    lead_time_days: Mapped[int]
    payment_terms: Mapped[PaymentTerms] = mapped_column(enum_column_type(PaymentTerms))
    # The quantity tolerance the order awarded from this revision carries (as on Order).
    tolerance_percent: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    tolerance_at_buyers_option: Mapped[bool] = mapped_column(
        default=False, server_default=sa.false()
    )
    partial_shipments: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    provisional_percent: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    valid_until: Mapped[datetime] = mapped_column(index=True)
    remarks: Mapped[str | None] = mapped_column(sa.Text)
    # SHA-256 of the canonical terms, written once at creation; the order carries it too.
    terms_sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    rfq: Mapped[Rfq] = relationship()
    seller: Mapped[Company] = relationship(foreign_keys=[seller_id])
    created_by: Mapped[User] = relationship()
    lines: Mapped[list[QuoteLine]] = relationship(
        order_by="QuoteLine.line_no", cascade="all, delete-orphan", back_populates="revision"
    )
    counter: Mapped[QuoteCounter | None] = relationship(
        back_populates="revision", cascade="all, delete-orphan"
    )


class QuoteLine(Base):
    """A line of a quote: a listing of the seller's or free text."""

    __tablename__ = "quote_lines"
    __table_args__ = (
        sa.UniqueConstraint("revision_id", "line_no"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_minor > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quote_revisions.id", ondelete="CASCADE")
    )
    line_no: Mapped[int]
    product_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    hs_code: Mapped[str] = mapped_column(sa.String(10))
    unit: Mapped[str] = mapped_column(sa.String(3))
    quantity: Mapped[Decimal] = mapped_column(QUANTITY_TYPE)
    unit_price_minor: Mapped[Decimal] = mapped_column(UnitPrice)
    line_total_minor: Mapped[int] = mapped_column(sa.BigInteger)

    revision: Mapped[QuoteRevision] = relationship(back_populates="lines")
    tiers: Mapped[list[QuoteLineTier]] = relationship(
        order_by="QuoteLineTier.min_quantity", cascade="all, delete-orphan", back_populates="line"
    )
    # Read to prefill the seller's next revision; never loaded on the RFQ page.
    product: Mapped[Product | None] = relationship()


class QuoteLineTier(Base):
    """A price break of a quote line: from ``min_quantity`` units on, the unit price is
    ``unit_price_minor`` (the highest tier a quantity reaches applies)."""

    __tablename__ = "quote_line_tiers"
    __table_args__ = (
        sa.UniqueConstraint("line_id", "min_quantity"),
        sa.CheckConstraint("min_quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_minor > 0", name="price_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("quote_lines.id", ondelete="CASCADE"))
    min_quantity: Mapped[Decimal] = mapped_column(QUANTITY_TYPE)
    unit_price_minor: Mapped[Decimal] = mapped_column(UnitPrice)

    line: Mapped[QuoteLine] = relationship(back_populates="tiers")


class QuoteCounter(Base):
    """The buyer's counter-offer on one revision: what they would accept instead."""

    __tablename__ = "quote_counters"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("quote_revisions.id", ondelete="CASCADE"), unique=True
    )
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    unit_price_minor: Mapped[Decimal | None] = mapped_column(UnitPrice)
    quantity: Mapped[Decimal | None] = mapped_column(QUANTITY_TYPE)
    required_by: Mapped[date | None]
    payment_terms: Mapped[PaymentTerms | None] = mapped_column(enum_column_type(PaymentTerms))
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    revision: Mapped[QuoteRevision] = relationship(back_populates="counter")


class RfqEvent(Base):
    """One entry of the RFQ's history. Entries about one seller's quote (``seller_id`` set)
    are shown to the buyer and that seller only; the others to every party."""

    __tablename__ = "rfq_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    rfq_id: Mapped[int] = mapped_column(sa.ForeignKey("rfqs.id", ondelete="CASCADE"), index=True)
    seller_id: Mapped[int | None] = mapped_column(sa.ForeignKey("companies.id"))
    revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("quote_revisions.id", ondelete="CASCADE")
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[str | None] = mapped_column(sa.String(32))
    to_status: Mapped[str | None] = mapped_column(sa.String(32))
    note: Mapped[str | None] = mapped_column(sa.Text)
