"""Documentary credits: the terms as the credit states them (versioned by amendment), the
carrier's and insurer's documents the seller uploads, each examination of the set against
the terms in force, and each presentation to the bank with the bank's answer.

The credit hangs on the order's L/C payment milestone; the milestone keeps its summary
(number, bank, amount, expiry) so that paying it works as before.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, Quantity, enum_column_type, utcnow
from app.money import Money

if TYPE_CHECKING:
    from app.models.order import Order
    from app.models.payment import PaymentMilestone
    from app.models.stored_file import StoredFile


class TermsState(enum.StrEnum):
    """An amendment binds the beneficiary only once accepted (UCP 600 art. 10)."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    REFUSED = "refused"


class AvailableBy(enum.StrEnum):
    """Field 41a: how the credit is honoured."""

    SIGHT_PAYMENT = "sight_payment"
    DEFERRED_PAYMENT = "deferred_payment"
    ACCEPTANCE = "acceptance"
    NEGOTIATION = "negotiation"


class CreditDocumentKind(enum.StrEnum):
    """Documents a credit may call for (field 46A), ours and third parties'."""

    COMMERCIAL_INVOICE = "commercial_invoice"
    PACKING_LIST = "packing_list"
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin"
    BILL_OF_LADING = "bill_of_lading"
    INSURANCE_CERTIFICATE = "insurance_certificate"
    INSPECTION_CERTIFICATE = "inspection_certificate"
    WEIGHT_CERTIFICATE = "weight_certificate"
    QUALITY_CERTIFICATE = "quality_certificate"


# The kinds a seller uploads (the carrier's, insurer's, inspector's, chamber's).
UPLOADED_KINDS = (
    CreditDocumentKind.BILL_OF_LADING,
    CreditDocumentKind.INSURANCE_CERTIFICATE,
    CreditDocumentKind.INSPECTION_CERTIFICATE,
    CreditDocumentKind.WEIGHT_CERTIFICATE,
    CreditDocumentKind.QUALITY_CERTIFICATE,
    CreditDocumentKind.CERTIFICATE_OF_ORIGIN,
)


class PresentationState(enum.StrEnum):
    PRESENTED = "presented"
    COMPLYING = "complying"
    DISCREPANT = "discrepant"
    WAIVER_ASKED = "waiver_asked"  # the bank asks the applicant to waive (art. 16(b))
    ACCEPTED = "accepted"  # the applicant waived the discrepancies: the bank honours
    REFUSED = "refused"


class LetterOfCredit(PublicIdMixin, Base):
    """One documentary credit, for the order's L/C milestone."""

    __tablename__ = "letters_of_credit"

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_milestones.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship()
    milestone: Mapped[PaymentMilestone] = relationship()
    versions: Mapped[list[CreditTerms]] = relationship(
        back_populates="credit", order_by="CreditTerms.version"
    )
    presentations: Mapped[list[CreditPresentation]] = relationship(
        back_populates="credit", order_by="CreditPresentation.id"
    )
    examinations: Mapped[list[CreditExamination]] = relationship(
        back_populates="credit", order_by="CreditExamination.id"
    )

    @property
    def terms(self) -> CreditTerms:
        """The terms in force: the latest accepted version (the issue itself is version 0)."""
        return [terms for terms in self.versions if terms.state is TermsState.ACCEPTED][-1]

    @property
    def pending_amendment(self) -> CreditTerms | None:
        return next((t for t in self.versions if t.state is TermsState.PROPOSED), None)

    # Order-like: the capability table asks which side a person is on.
    @property
    def seller_id(self) -> int:
        return self.order.seller_id

    @property
    def buyer_id(self) -> int:
        return self.order.buyer_id


class CreditTerms(Base):
    """One version of the credit's terms, as the MT700 (or the MT707 amending it) states."""

    __tablename__ = "credit_terms"
    __table_args__ = (
        sa.UniqueConstraint("credit_id", "version", name="credit_version"),
        sa.CheckConstraint("amount_minor > 0", name="amount_positive"),
        sa.CheckConstraint("presentation_days > 0", name="presentation_days_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letters_of_credit.id", ondelete="CASCADE")
    )
    version: Mapped[int]
    state: Mapped[TermsState] = mapped_column(enum_column_type(TermsState))
    form_of_credit: Mapped[str] = mapped_column(sa.String(40))  # 40A
    number: Mapped[str] = mapped_column(sa.String(40))  # 20
    issue_date: Mapped[date]  # 31C
    expiry_date: Mapped[date]  # 31D
    expiry_place: Mapped[str] = mapped_column(sa.String(100))
    expiry_country: Mapped[str] = mapped_column(sa.String(2))  # whose banking days count
    applicant: Mapped[str] = mapped_column(sa.Text)  # 50
    beneficiary: Mapped[str] = mapped_column(sa.Text)  # 59
    issuing_bank: Mapped[str] = mapped_column(sa.String(200))  # 52A
    advising_bank: Mapped[str | None] = mapped_column(sa.String(200))  # 57A
    confirming_bank: Mapped[str | None] = mapped_column(sa.String(200))  # 58A
    currency: Mapped[str] = mapped_column(sa.String(3))  # 32B
    amount_minor: Mapped[int] = mapped_column(sa.BigInteger)
    tolerance_plus: Mapped[int] = mapped_column(default=0)  # 39A, per cent
    tolerance_minus: Mapped[int] = mapped_column(default=0)
    available_with: Mapped[str] = mapped_column(sa.String(200))  # 41a
    available_by: Mapped[AvailableBy] = mapped_column(enum_column_type(AvailableBy))
    usance_days: Mapped[int | None]  # 42C: None at sight
    partial_shipments: Mapped[bool] = mapped_column(default=False)  # 43P
    transhipment: Mapped[bool] = mapped_column(default=False)  # 43T
    port_of_loading: Mapped[str] = mapped_column(sa.String(100))  # 44E
    port_of_discharge: Mapped[str] = mapped_column(sa.String(100))  # 44F
    latest_shipment_date: Mapped[date]  # 44C
    goods_description: Mapped[str] = mapped_column(sa.Text)  # 45A
    quantity: Mapped[Decimal | None] = mapped_column(Quantity())
    quantity_unit: Mapped[str | None] = mapped_column(sa.String(10))
    incoterm: Mapped[str] = mapped_column(sa.String(3))
    incoterm_place: Mapped[str | None] = mapped_column(sa.String(100))
    # 46A: [{"kind": CreditDocumentKind, "originals": int, "copies": int, "wording": str}]
    documents_required: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    consignee_wording: Mapped[str | None] = mapped_column(sa.Text)  # from the B/L clause
    notify_wording: Mapped[str | None] = mapped_column(sa.Text)
    origin_issuer: Mapped[str | None] = mapped_column(sa.String(200))
    insurance_percent: Mapped[int] = mapped_column(default=110)
    additional_conditions: Mapped[str | None] = mapped_column(sa.Text)  # 47A
    presentation_days: Mapped[int] = mapped_column(default=21)  # 48
    charges: Mapped[str | None] = mapped_column(sa.Text)  # 71D
    amendment_note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    credit: Mapped[LetterOfCredit] = relationship(back_populates="versions")

    @property
    def amount(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    def required(self, kind: CreditDocumentKind) -> dict[str, Any] | None:
        return next((d for d in self.documents_required if d.get("kind") == kind.value), None)


class ShipmentDocument(PublicIdMixin, Base):
    """A carrier's, insurer's, inspector's or chamber's document the seller uploaded, with
    the fields examination reads, as the seller entered or confirmed them."""

    __tablename__ = "shipment_documents"
    __table_args__ = (sa.Index("ix_shipment_documents_order_kind", "order_id", "kind"),)

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"))
    kind: Mapped[CreditDocumentKind] = mapped_column(enum_column_type(CreditDocumentKind))
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))
    issuer: Mapped[str] = mapped_column(sa.String(200))  # carrier, insurer, inspector
    reference: Mapped[str] = mapped_column(sa.String(60))  # B/L no., policy no.
    issued_on: Mapped[date]
    originals: Mapped[int] = mapped_column(default=1)
    copies: Mapped[int] = mapped_column(default=0)
    # Insurance: the amount insured.
    amount_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    # Insurance: the day cover starts (UCP 600 art. 28(e)): a certificate dated after
    # shipment still complies when cover runs from no later than the date of shipment.
    cover_effective_on: Mapped[date | None]
    # Everything else the examination reads, by kind (see services.letters_of_credit.facts).
    fields: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship()
    stored_file: Mapped[StoredFile] = relationship()


class CreditExamination(PublicIdMixin, Base):
    """One run of the check: the findings against the terms version then in force."""

    __tablename__ = "credit_examinations"
    __table_args__ = (
        sa.UniqueConstraint("issuer_id", "report_year", "report_sequence", name="report_series"),
    )

    credit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letters_of_credit.id", ondelete="CASCADE"), index=True
    )
    terms_version: Mapped[int]
    examined_on: Mapped[date]  # the presentation day the check assumed
    # [{"rule", "reference", "documents": [{"document", "field", "value"}]}]
    findings: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    # The documents examined: [{"kind", "label"}]
    documents: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    run_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    run_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The examination report: numbered in the seller's series (WN-ER-2026-000001) when the
    # check runs, its content frozen then; the PDF is made once, on first download, and
    # its SHA-256 kept so that the public verification page can vouch for a copy.
    issuer_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    report_year: Mapped[int]
    report_sequence: Mapped[int]
    report_number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    verification_token: Mapped[str] = mapped_column(sa.String(32), unique=True)
    report_data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, deferred=True)
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    credit: Mapped[LetterOfCredit] = relationship(back_populates="examinations")

    @property
    def is_clean(self) -> bool:
        return not self.findings


class CreditPresentation(PublicIdMixin, Base):
    """Documents sent to the bank under the credit, and the bank's answer."""

    __tablename__ = "credit_presentations"

    credit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("letters_of_credit.id", ondelete="CASCADE"), index=True
    )
    terms_version: Mapped[int]
    presented_on: Mapped[date]
    bank: Mapped[str] = mapped_column(sa.String(200))
    documents: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
    state: Mapped[PresentationState] = mapped_column(enum_column_type(PresentationState))
    bank_discrepancies: Mapped[str | None] = mapped_column(sa.Text)
    answered_on: Mapped[date | None]
    maturity_date: Mapped[date | None]  # usance: when the bank pays
    presented_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    credit: Mapped[LetterOfCredit] = relationship(back_populates="presentations")


class CreditReportCounter(Base):
    """The last examination report number of one seller in one year; locked while numbering."""

    __tablename__ = "credit_report_counters"

    issuer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)
