"""Claims (trade assurance): the buyer's recourse after delivery, with clocks both sides see.

A delivered order stays open for claims for a window (``ClaimWindow``); a claim names the
lines and quantities concerned, the amount asked and the evidence. Its status moves only
through ``app.services.claims.states.move_claim``; every step is a ``ClaimEvent`` on the
timeline. The deadlines are stored on the claim when the step that starts them happens,
so a change of the platform's settings never moves a running clock.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, Quantity, enum_column_type, utcnow
from app.money import Money

if TYPE_CHECKING:
    from app.models.document import Document
    from app.models.order import Order, OrderLine
    from app.models.stored_file import StoredFile


class ClaimType(enum.StrEnum):
    NOT_SHIPPED = "not_shipped"
    LATE_SHIPMENT = "late_shipment"
    QUANTITY = "quantity"  # short or wrong quantity
    QUALITY = "quality"  # quality or specification
    DAMAGED = "damaged"
    DOCUMENTS = "documents"  # documents wrong


class ClaimStatus(enum.StrEnum):
    OPEN = "open"
    RESPONDED = "responded"
    AGREED = "agreed"
    ESCALATED = "escalated"
    DECIDED = "decided"
    SETTLED = "settled"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


# A claim in one of these is still running: it keeps its order from completing
# (``orders.lifecycle.complete_if_settled`` reads it; ``claims.states`` moves through it).
LIVE_CLAIM_STATUSES = frozenset(
    {
        ClaimStatus.OPEN,
        ClaimStatus.RESPONDED,
        ClaimStatus.AGREED,
        ClaimStatus.ESCALATED,
        ClaimStatus.DECIDED,
    }
)


class ClaimResponse(enum.StrEnum):
    """The seller's answer within its three days."""

    ACCEPT = "accept"  # the amount asked, in full
    PARTIAL_REFUND = "partial_refund"
    REPLACEMENT = "replacement"
    CONTEST = "contest"


class ClaimRemedy(enum.StrEnum):
    REFUND = "refund"
    REPLACEMENT = "replacement"
    NONE = "none"  # rejected


class ClaimOutcome(enum.StrEnum):
    """How a claim ended, for the supplier's profile."""

    REFUNDED = "refunded"
    REPLACED = "replaced"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    LAPSED = "lapsed"


class ClaimEvidenceKind(enum.StrEnum):
    PHOTO = "photo"
    INSPECTION_REPORT = "inspection_report"
    SURVEY = "survey"
    WEIGHT_CERTIFICATE = "weight_certificate"
    OTHER = "other"


class ClaimSide(enum.StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    OPERATOR = "operator"


class InspectionBody(enum.StrEnum):
    SGS = "sgs"
    TUV = "tuv"
    BV = "bv"  # Bureau Veritas
    OTHER = "other"


class RefundMethod(enum.StrEnum):
    CARD = "card"  # refunded through the card provider
    TRANSFER = "transfer"  # a T/T sent back by the seller's finance
    NONE = "none"  # nothing to refund (a replacement, a rejection)


class ClaimWindow(Base):
    """The claims window of a delivered order: open until ``closes_at``."""

    __tablename__ = "claim_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), unique=True
    )
    delivery_confirmed_at: Mapped[datetime]
    auto_confirmed: Mapped[bool] = mapped_column(default=False)
    closes_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship()


class Claim(PublicIdMixin, Base):
    __tablename__ = "claims"
    __table_args__ = (
        sa.CheckConstraint("amount_asked_minor >= 0", name="asked_not_negative"),
        sa.CheckConstraint("buyer_id <> seller_id", name="two_parties"),
        sa.Index("ix_claims_status_seller", "status", "seller_id"),
    )

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    claim_type: Mapped[ClaimType] = mapped_column(enum_column_type(ClaimType))
    status: Mapped[ClaimStatus] = mapped_column(
        enum_column_type(ClaimStatus), default=ClaimStatus.OPEN
    )
    currency: Mapped[str] = mapped_column(sa.String(3))
    amount_asked_minor: Mapped[int] = mapped_column(sa.BigInteger)
    statement: Mapped[str] = mapped_column(sa.Text)
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The clocks, fixed when the claim is filed (or escalated).
    respond_by: Mapped[datetime]
    escalate_from: Mapped[datetime]
    auto_escalate_at: Mapped[datetime] = mapped_column(index=True)
    # The seller's answer.
    response: Mapped[ClaimResponse | None] = mapped_column(enum_column_type(ClaimResponse))
    response_note: Mapped[str | None] = mapped_column(sa.Text)
    proposed_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    responded_at: Mapped[datetime | None]
    # After escalation: each side's evidence deadline and when it said its file is complete.
    escalated_at: Mapped[datetime | None]
    evidence_by: Mapped[datetime | None] = mapped_column(index=True)
    buyer_evidence_at: Mapped[datetime | None]
    seller_evidence_at: Mapped[datetime | None]
    # The agreement or the operator's decision: what the buyer gets.
    remedy: Mapped[ClaimRemedy | None] = mapped_column(enum_column_type(ClaimRemedy))
    awarded_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision_reason: Mapped[str | None] = mapped_column(sa.Text)
    # The settlement that reached the books.
    settled_at: Mapped[datetime | None]
    settled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    refund_method: Mapped[RefundMethod | None] = mapped_column(enum_column_type(RefundMethod))
    refund_reference: Mapped[str | None] = mapped_column(sa.String(100))
    credit_note_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    follow_up_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"))
    outcome: Mapped[ClaimOutcome | None] = mapped_column(enum_column_type(ClaimOutcome))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    order: Mapped[Order] = relationship(foreign_keys=[order_id])
    follow_up_order: Mapped[Order | None] = relationship(foreign_keys=[follow_up_order_id])
    credit_note: Mapped[Document | None] = relationship()
    lines: Mapped[list[ClaimLine]] = relationship(
        order_by="ClaimLine.id", cascade="all, delete-orphan", back_populates="claim"
    )
    events: Mapped[list[ClaimEvent]] = relationship(
        order_by="ClaimEvent.id", cascade="all, delete-orphan", back_populates="claim"
    )
    evidence: Mapped[list[ClaimEvidence]] = relationship(
        order_by="ClaimEvidence.id", cascade="all, delete-orphan", back_populates="claim"
    )
    inspections: Mapped[list[ClaimInspection]] = relationship(
        order_by="ClaimInspection.id", cascade="all, delete-orphan", back_populates="claim"
    )

    @property
    def reference(self) -> str:
        """The claim number both parties quote (e.g. CL-000042)."""
        return f"CL-{self.id:06d}"

    def money(self, minor: int | None) -> Money | None:
        return None if minor is None else Money.from_minor(minor, self.currency)

    @property
    def amount_asked(self) -> Money:
        return Money.from_minor(self.amount_asked_minor, self.currency)


class ClaimLine(Base):
    """An order line the claim concerns, the quantity affected and the amount asked on it."""

    __tablename__ = "claim_lines"
    __table_args__ = (
        sa.UniqueConstraint("claim_id", "order_line_id"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("amount_minor >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id", ondelete="CASCADE"))
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)

    claim: Mapped[Claim] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


class ClaimEvent(Base):
    """One entry of the claim's timeline: who did what, when, from what to what."""

    __tablename__ = "claim_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_name: Mapped[str | None] = mapped_column(sa.String(120))
    side: Mapped[str | None] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(40))
    from_status: Mapped[str | None] = mapped_column(sa.String(32))
    to_status: Mapped[str | None] = mapped_column(sa.String(32))
    note: Mapped[str | None] = mapped_column(sa.Text)

    claim: Mapped[Claim] = relationship(back_populates="events")


class ClaimEvidence(PublicIdMixin, Base):
    """A file one side put on the claim (photos, a survey, a weight certificate ...)."""

    __tablename__ = "claim_evidence"

    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), unique=True)
    kind: Mapped[ClaimEvidenceKind] = mapped_column(enum_column_type(ClaimEvidenceKind))
    side: Mapped[ClaimSide] = mapped_column(enum_column_type(ClaimSide))
    description: Mapped[str | None] = mapped_column(sa.String(300))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    claim: Mapped[Claim] = relationship(back_populates="evidence")
    stored_file: Mapped[StoredFile] = relationship()


def _side_type(name: str) -> sa.Enum:
    """A side column with its own CHECK name: two columns of one enum in a table would
    otherwise both name their CHECK after the enum, which PostgreSQL refuses."""
    side_type = enum_column_type(ClaimSide)
    side_type.name = name
    return side_type


class ClaimInspection(PublicIdMixin, Base):
    """An independent inspection one side required; the report is uploaded; the cost falls
    on the side the outcome goes against (set when the claim is decided or agreed)."""

    __tablename__ = "claim_inspections"

    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    required_by: Mapped[ClaimSide] = mapped_column(_side_type("required_by_side"))
    body: Mapped[InspectionBody] = mapped_column(enum_column_type(InspectionBody))
    body_name: Mapped[str] = mapped_column(sa.String(120))
    required_at: Mapped[datetime] = mapped_column(default=utcnow)
    required_by_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    report_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id"))
    reported_at: Mapped[datetime | None]
    cost_borne_by: Mapped[ClaimSide | None] = mapped_column(_side_type("cost_side"))

    claim: Mapped[Claim] = relationship(back_populates="inspections")
    report_file: Mapped[StoredFile | None] = relationship()


class ClaimRecord(PublicIdMixin, Base):
    """One export of a claim's whole file: frozen, rendered once, verifiable by its token."""

    __tablename__ = "claim_records"

    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    verification_token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    claim: Mapped[Claim] = relationship()
