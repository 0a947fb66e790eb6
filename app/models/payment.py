"""What the buyer owes and when (milestones), and the money that came in (receipts)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow
from app.money import Money

if TYPE_CHECKING:
    from app.models.order import Order
    from app.models.user import User


class MilestoneKind(enum.StrEnum):
    FULL = "full"  # the whole amount (advance, net 30, letter of credit)
    DEPOSIT = "deposit"
    BALANCE = "balance"


class MilestoneTrigger(enum.StrEnum):
    """The event that makes a milestone due."""

    ACCEPTANCE = "acceptance"
    SHIPMENT = "shipment"  # against copy of the B/L, or presentation under the L/C
    INVOICE_NET_30 = "invoice_net_30"  # 30 days from the commercial invoice


class PaymentMethod(enum.StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    LETTER_OF_CREDIT = "letter_of_credit"


class PaymentMilestone(PublicIdMixin, Base):
    __tablename__ = "payment_milestones"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "sequence", name="order_sequence"),
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
    )

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    sequence: Mapped[int]
    kind: Mapped[MilestoneKind] = mapped_column(enum_column_type(MilestoneKind))
    method: Mapped[PaymentMethod] = mapped_column(enum_column_type(PaymentMethod))
    percent: Mapped[int]
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    trigger: Mapped[MilestoneTrigger] = mapped_column(enum_column_type(MilestoneTrigger))
    # Set when the trigger happens (acceptance, shipment); None while not yet due.
    due_on: Mapped[date | None]
    # The card payment under way (reused on retry; earlier ones stay in ``card_intents``)
    # and how many were started.
    payment_intent_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    card_attempts: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))
    # Letter of credit opened by the buyer's bank (for milestones paid by L/C).
    lc_number: Mapped[str | None] = mapped_column(sa.String(40))
    lc_issuing_bank: Mapped[str | None] = mapped_column(sa.String(200))
    lc_amount_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    lc_expiry: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="milestones")
    receipts: Mapped[list[PaymentReceipt]] = relationship(
        back_populates="milestone", order_by="PaymentReceipt.id"
    )
    proofs: Mapped[list[PaymentProof]] = relationship(
        back_populates="milestone", order_by="PaymentProof.id"
    )

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def lc_amount(self) -> Money | None:
        if self.lc_amount_minor is None:
            return None
        return Money.from_minor(self.lc_amount_minor, self.currency)

    @property
    def paid_minor(self) -> int:
        """Received and kept: receipts less what was refunded of them."""
        return sum(receipt.amount_minor - receipt.refunded_minor for receipt in self.receipts)

    @property
    def paid(self) -> Money:
        return Money.from_minor(self.paid_minor, self.currency)

    @property
    def remaining(self) -> Money:
        return Money.from_minor(max(self.amount_minor - self.paid_minor, 0), self.currency)

    @property
    def is_paid(self) -> bool:
        return self.paid_minor >= self.amount_minor

    @property
    def overpaid(self) -> Money | None:
        """What came in beyond the amount: flagged to both sides, never absorbed."""
        extra = self.paid_minor - self.amount_minor
        return Money.from_minor(extra, self.currency) if extra > 0 else None

    def is_overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today and not self.is_paid

    @property
    def reference(self) -> str:
        """What the buyer quotes on the transfer: the order number and the milestone."""
        return f"{self.order.reference}-{self.sequence}"


class CardIntent(Base):
    """Every PaymentIntent ever made for a milestone: a superseded one paid in an old browser
    tab still finds its milestone, so its money is recorded (or flagged), never lost."""

    __tablename__ = "card_intents"

    id: Mapped[int] = mapped_column(primary_key=True)
    intent_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_milestones.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    milestone: Mapped[PaymentMilestone] = relationship()


class PaymentReceipt(PublicIdMixin, Base):
    """Money received against a milestone: a bank transfer, a card payment, an L/C payment."""

    __tablename__ = "payment_receipts"
    __table_args__ = (sa.CheckConstraint("amount_minor > 0", name="amount_positive"),)

    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_milestones.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(enum_column_type(PaymentMethod))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    value_date: Mapped[date]
    bank_reference: Mapped[str | None] = mapped_column(sa.String(100))
    # The card payment's PaymentIntent: one receipt per intent, however often Stripe says so.
    external_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    milestone: Mapped[PaymentMilestone] = relationship(back_populates="receipts")
    recorded_by: Mapped[User | None] = relationship()
    refunds: Mapped[list[PaymentRefund]] = relationship(
        back_populates="receipt", order_by="PaymentRefund.id"
    )

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def refunded_minor(self) -> int:
        return sum(refund.amount_minor for refund in self.refunds)


class PaymentRefund(PublicIdMixin, Base):
    """Money given back on a card receipt, through the provider."""

    __tablename__ = "payment_refunds"
    __table_args__ = (sa.CheckConstraint("amount_minor > 0", name="amount_positive"),)

    receipt_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_receipts.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    reason: Mapped[str] = mapped_column(sa.Text)
    provider_refund_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    receipt: Mapped[PaymentReceipt] = relationship(back_populates="refunds")

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class PaymentProof(PublicIdMixin, Base):
    """The buyer's evidence of a transfer (a bank slip as PDF or image), checked on upload."""

    __tablename__ = "payment_proofs"

    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_milestones.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    byte_size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)

    milestone: Mapped[PaymentMilestone] = relationship(back_populates="proofs")

    @property
    def filename(self) -> str:
        extension = {"application/pdf": "pdf", "image/webp": "webp"}.get(self.content_type, "bin")
        return f"transfer-proof-{self.public_id}.{extension}"


class ProcessedWebhookEvent(Base):
    """A provider event applied once: the unique id refuses a second delivery."""

    __tablename__ = "processed_webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(255), unique=True)
    event_type: Mapped[str] = mapped_column(sa.String(100))
    created: Mapped[int] = mapped_column(sa.BigInteger)  # the provider's timestamp
    outcome: Mapped[str] = mapped_column(sa.String(40))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
