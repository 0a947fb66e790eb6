"""Trade documents: numbered when issued, rendered once, never changed afterwards."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, attributes, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow
from app.money import Money

if TYPE_CHECKING:
    from app.models.company import Company
    from app.models.finance import DocumentRate
    from app.models.order import Order


class DocumentKind(enum.StrEnum):
    PROFORMA_INVOICE = "proforma_invoice"
    COMMERCIAL_INVOICE = "commercial_invoice"
    PACKING_LIST = "packing_list"
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin"
    SHIPPING_MARKS = "shipping_marks"
    DANGEROUS_GOODS = "dangerous_goods"
    CREDIT_NOTE = "credit_note"


# The letters in a document number: WN-CI-2026-000042.
SERIES_CODES: dict[DocumentKind, str] = {
    DocumentKind.PROFORMA_INVOICE: "PI",
    DocumentKind.COMMERCIAL_INVOICE: "CI",
    DocumentKind.PACKING_LIST: "PL",
    DocumentKind.CERTIFICATE_OF_ORIGIN: "CO",
    DocumentKind.SHIPPING_MARKS: "SM",
    DocumentKind.DANGEROUS_GOODS: "DG",
    DocumentKind.CREDIT_NOTE: "CN",
}

# Kinds that carry money and an embedded e-invoice (PDF/A-3b with Factur-X XML).
INVOICE_KINDS = frozenset({DocumentKind.COMMERCIAL_INVOICE, DocumentKind.CREDIT_NOTE})


class DocumentStatus(enum.StrEnum):
    RENDERING = "rendering"  # numbered and frozen; the PDF is being made
    ISSUED = "issued"  # the PDF exists and is final
    FAILED = "failed"  # every render attempt failed; an operator retries


def new_verification_token() -> str:
    # 128 random bits: unguessable, short enough to print under the QR code.
    return secrets.token_urlsafe(16)


class DocumentCounter(Base):
    """The last number used in one series (issuer, kind, year); locked while issuing."""

    __tablename__ = "document_counters"

    issuer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[DocumentKind] = mapped_column(enum_column_type(DocumentKind), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class Document(PublicIdMixin, Base):
    __tablename__ = "documents"
    __table_args__ = (
        sa.UniqueConstraint("issuer_id", "kind", "year", "sequence", name="series_sequence"),
        sa.Index("ix_documents_order_kind", "order_id", "kind"),
        sa.Index("ix_documents_issuer_issued", "issuer_id", "issued_at"),
        # The invoice register reads each party's documents of some kinds, newest first.
        sa.Index("ix_documents_issuer_kind_issued", "issuer_id", "kind", "issued_at"),
        sa.Index("ix_documents_recipient_kind_issued", "recipient_id", "kind", "issued_at"),
        sa.Index("ix_documents_corrects_id", "corrects_id"),
    )

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"))
    issuer_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column_type(DocumentKind))
    year: Mapped[int]
    sequence: Mapped[int]
    number: Mapped[str] = mapped_column(sa.String(40), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The date printed on the document: ``issued_at`` as the issuer's clock read it. The
    # register filters, shows and freezes exchange rates on this day.
    issued_on: Mapped[date]
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # A commercial invoice on weight terms: "provisional" (loading weight) or "final"
    # (outturn); None for every other document.
    stage: Mapped[str | None] = mapped_column(sa.String(12))
    # The invoice a credit note corrects.
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    total_minor: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Everything printed on the document, frozen at issue: the PDF is rendered from this.
    # Deferred like the bytes: lists, downloads and verification never need it.
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, deferred=True)
    verification_token: Mapped[str] = mapped_column(
        sa.String(32), unique=True, default=new_verification_token
    )
    status: Mapped[DocumentStatus] = mapped_column(
        enum_column_type(DocumentStatus), default=DocumentStatus.RENDERING
    )
    render_attempts: Mapped[int] = mapped_column(default=0)
    render_error: Mapped[str | None] = mapped_column(sa.Text)
    # Set once by the render job; deferred so lists never load the bytes.
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    byte_size: Mapped[int | None]
    rendered_at: Mapped[datetime | None]
    # Whether the stored PDF embeds the e-invoice XML, set with the bytes: invoices and
    # credit notes do, unless EN 16931 cannot carry their amounts (fils past the second
    # decimal). Pages and the API offer the XML by this, without opening the PDF.
    carries_einvoice: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    order: Mapped[Order] = relationship(back_populates="documents")
    issuer: Mapped[Company] = relationship(foreign_keys=[issuer_id])
    recipient: Mapped[Company] = relationship(foreign_keys=[recipient_id])
    corrects: Mapped[Document | None] = relationship(remote_side="Document.id")
    credit_notes: Mapped[list[Document]] = relationship(
        primaryjoin="Document.id == foreign(Document.corrects_id)",
        order_by="Document.id",
        viewonly=True,
    )
    rates: Mapped[list[DocumentRate]] = relationship(back_populates="document")

    @property
    def is_ready(self) -> bool:
        return self.status is DocumentStatus.ISSUED

    @property
    def total(self) -> Money | None:
        if self.total_minor is None or self.currency is None:
            return None
        return Money.from_minor(self.total_minor, self.currency)

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"

    def __repr__(self) -> str:
        return f"<Document {self.number} {self.status}>"


class DocumentIsImmutable(RuntimeError):
    """Raised when code tries to change an issued document or delete any document."""


# Fixed when the document is numbered; never written again.
FROZEN_AT_ISSUE = (
    "order_id",
    "issuer_id",
    "recipient_id",
    "kind",
    "year",
    "sequence",
    "number",
    "issued_at",
    "issued_on",
    "corrects_id",
    "currency",
    "total_minor",
    "data",
    "verification_token",
)
# Written once by the render job (a conditional UPDATE, not the ORM), from empty.
WRITTEN_ONCE = ("pdf", "sha256", "byte_size", "rendered_at")


@event.listens_for(Session, "before_flush")
def _refuse_document_changes(session: Session, flush_context: object, instances: object) -> None:
    # The database refuses too (triggers in the migration); this gives a clear error early.
    for obj in session.deleted:
        if isinstance(obj, Document):
            raise DocumentIsImmutable("documents are never deleted; issue a credit note")
    for obj in session.dirty:
        if not isinstance(obj, Document):
            continue
        for name in FROZEN_AT_ISSUE:
            if attributes.get_history(obj, name).has_changes():
                raise DocumentIsImmutable(f"{obj.number}: {name} is fixed at issue")
        for name in WRITTEN_ONCE:
            # Only the render job's conditional UPDATE (app.services.documents.issuing) writes these.
            if attributes.get_history(obj, name).has_changes():
                raise DocumentIsImmutable(f"{obj.number}: {name} is written once, by rendering")
