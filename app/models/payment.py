"""What the buyer owes and when (milestones), and the money that came in (receipts).

The payments are a ledger: a receipt is never edited or deleted; a mistaken one is taken
back by a ``PaymentReversal`` (a card payment by a ``PaymentRefund``). What a milestone has
been paid comes from that ledger through ``allocate``: each milestone takes its own
receipts up to its amount, an overpayment moves on to the next open milestones (then to
earlier open ones), and what remains once every milestone is paid is a credit on the order.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow
from app.money import Money

if TYPE_CHECKING:
    from app.models.order import Order
    from app.models.stored_file import StoredFile
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


class ChargeBearer(enum.StrEnum):
    """Who bears the banks' charges on a transfer, as SWIFT's field 71A names it."""

    OUR = "OUR"  # the remitter (the buyer) pays every charge: a deduction is still owed
    BEN = "BEN"  # the beneficiary (the seller) bears every charge
    SHA = "SHA"  # shared: each side pays its own bank; deductions on the way are the seller's


class MilestoneState(enum.StrEnum):
    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERPAID = "overpaid"  # its own receipts exceed it; the excess went on


@dataclass(frozen=True)
class Allocation:
    """What each milestone (in sequence order) was paid, and the credit left on the order."""

    applied: tuple[int, ...]
    credit_minor: int


def allocate(received: Sequence[int], amounts: Sequence[int]) -> Allocation:
    """Spread what each milestone received over the milestones, in minor units.

    Each milestone takes its own receipts up to its amount; the excess goes to the next
    milestones still open, then (when the last is covered) to earlier open ones; what is
    left after every milestone is paid is the order's credit. Nothing is lost or made up:
    ``sum(applied) + credit_minor == sum(received)``.
    """
    applied = [min(max(got, 0), amount) for got, amount in zip(received, amounts, strict=True)]
    carried = 0
    for index, amount in enumerate(amounts):
        carried += max(received[index] - amount, 0)
        take = min(carried, amount - applied[index])
        applied[index] += take
        carried -= take
    for index, amount in enumerate(amounts):  # what the last milestone left: earlier ones
        take = min(carried, amount - applied[index])
        applied[index] += take
        carried -= take
    return Allocation(tuple(applied), carried)


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
    # When ``milestone.due`` went out (webhooks, issue 22): the claim that sends it once.
    due_announced_at: Mapped[datetime | None]
    # A lot's share of the balance (issue #20): the invoice it pays, as printed. None for
    # the milestones of the order as a whole.
    invoice_number: Mapped[str | None] = mapped_column(sa.String(40))
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
    def received_minor(self) -> int:
        """What this milestone's own receipts count, less their reversals and refunds."""
        return sum(receipt.kept_minor for receipt in self.receipts)

    def _allocation(self) -> tuple[int, Allocation]:
        milestones = sorted(self.order.milestones, key=lambda milestone: milestone.sequence)
        index = next(i for i, milestone in enumerate(milestones) if milestone is self)
        allocation = allocate(
            [milestone.received_minor for milestone in milestones],
            [milestone.amount_minor for milestone in milestones],
        )
        return index, allocation

    @property
    def paid_minor(self) -> int:
        """What the order's payments cover of this milestone (overpayments carried over)."""
        index, allocation = self._allocation()
        return allocation.applied[index]

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
        """What its own receipts brought beyond its amount (carried to the other milestones,
        then kept as the order's credit)."""
        extra = self.received_minor - self.amount_minor
        return Money.from_minor(extra, self.currency) if extra > 0 else None

    @property
    def carried_in(self) -> Money | None:
        """What another milestone's overpayment covers of this one."""
        extra = self.paid_minor - min(max(self.received_minor, 0), self.amount_minor)
        return Money.from_minor(extra, self.currency) if extra > 0 else None

    @property
    def state(self) -> MilestoneState:
        if self.received_minor > self.amount_minor:
            return MilestoneState.OVERPAID
        paid = self.paid_minor
        if paid >= self.amount_minor:
            return MilestoneState.PAID
        return MilestoneState.PARTLY_PAID if paid > 0 else MilestoneState.UNPAID

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
    """Money received against a milestone: a bank transfer, a card payment, an L/C payment.

    ``amount_minor`` is the gross the buyer sent; ``charges_minor`` what banks deducted on
    the way; ``net_minor`` what reached the account. What counts toward the milestone
    depends on who bears the charges (``counted_minor``). Never edited or deleted: a
    mistaken receipt is reversed (``reversal``), a card payment refunded (``refunds``).
    """

    __tablename__ = "payment_receipts"
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
        # Something reached the account: the net is more than zero.
        sa.CheckConstraint(
            "charges_minor >= 0 AND charges_minor < amount_minor", name="charges_in_range"
        ),
    )

    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_milestones.id"), index=True)
    method: Mapped[PaymentMethod] = mapped_column(enum_column_type(PaymentMethod))
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)  # gross: what the buyer sent
    charges_minor: Mapped[int] = mapped_column(
        sa.BigInteger, default=0, server_default=sa.text("0")
    )
    # What reached the account: the database computes it, so it always adds up.
    net_minor: Mapped[int] = mapped_column(
        sa.BigInteger, sa.Computed("amount_minor - charges_minor")
    )
    # None where no bank charges apply (card payments).
    charges_bearer: Mapped[ChargeBearer | None] = mapped_column(enum_column_type(ChargeBearer))
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
    reversal: Mapped[PaymentReversal | None] = relationship(back_populates="receipt")

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def charges(self) -> Money:
        return Money.from_minor(self.charges_minor, self.currency)

    @property
    def net(self) -> Money:
        return Money.from_minor(self.net_minor, self.currency)

    @property
    def counted_minor(self) -> int:
        """What the receipt pays of the order: the gross, unless the buyer was to bear the
        charges (OUR) and some were deducted anyway; then only the net, the rest still owed."""
        return self.net_minor if self.charges_bearer is ChargeBearer.OUR else self.amount_minor

    @property
    def counted(self) -> Money:
        return Money.from_minor(self.counted_minor, self.currency)

    @property
    def refunded_minor(self) -> int:
        return sum(refund.amount_minor for refund in self.refunds)

    @property
    def is_reversed(self) -> bool:
        return self.reversal is not None

    @property
    def kept_minor(self) -> int:
        """What still counts: nothing once reversed, else the counted amount less refunds."""
        return 0 if self.reversal is not None else self.counted_minor - self.refunded_minor


class PaymentReversal(PublicIdMixin, Base):
    """A receipt taken back (recorded by mistake, twice, or returned by the bank), with the
    reason: the receipt stays as it was, this entry cancels what it counted. One per receipt
    (the unique key refuses a second)."""

    __tablename__ = "payment_reversals"
    __table_args__ = (sa.CheckConstraint("amount_minor > 0", name="amount_positive"),)

    receipt_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_receipts.id"), unique=True)
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)  # what the receipt had counted
    currency: Mapped[str] = mapped_column(sa.String(3))
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    receipt: Mapped[PaymentReceipt] = relationship(back_populates="reversal")
    created_by: Mapped[User | None] = relationship()

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


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
    """The buyer's evidence of a transfer (a bank slip as PDF or image), checked on upload.

    Its bytes are a stored file (``stored_file``) since migration 0019; proofs uploaded
    before keep theirs in ``content`` until ``flask storage move-proofs`` moves them.
    """

    __tablename__ = "payment_proofs"
    __table_args__ = (
        sa.CheckConstraint("content IS NOT NULL OR stored_file_id IS NOT NULL", name="bytes_kept"),
    )

    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_milestones.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    byte_size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    stored_file_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("stored_files.id"), unique=True
    )

    milestone: Mapped[PaymentMilestone] = relationship(back_populates="proofs")
    stored_file: Mapped[StoredFile | None] = relationship()

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
