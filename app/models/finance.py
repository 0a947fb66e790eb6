"""Exchange rates the operator enters, the rates each invoice froze, and register exports."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, attributes, mapped_column, relationship

from app.models.base import Base, ExactDecimal, PublicIdMixin, enum_column_type, utcnow
from app.models.document import DocumentIsImmutable

if TYPE_CHECKING:
    from app.models.document import Document


class ExchangeRate(Base):
    """One unit of ``base`` costs ``rate`` units of ``quote`` on ``rate_date`` (per ``source``)."""

    __tablename__ = "exchange_rates"
    __table_args__ = (
        sa.UniqueConstraint("base", "quote", "rate_date", name="pair_date"),
        sa.CheckConstraint("base <> quote", name="two_currencies"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rate_date: Mapped[date]
    base: Mapped[str] = mapped_column(sa.String(3))
    quote: Mapped[str] = mapped_column(sa.String(3))
    rate: Mapped[Decimal] = mapped_column(ExactDecimal())
    source: Mapped[str] = mapped_column(sa.String(100))
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)


class DocumentRate(Base):
    """The rate an invoice or credit note froze at issue into one party's reporting currency.

    Both parties get one (the issuer's and the recipient's books differ), and like the
    document it belongs to it never changes.
    """

    __tablename__ = "document_rates"
    __table_args__ = (sa.UniqueConstraint("document_id", "company_id", name="document_company"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"))
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    currency: Mapped[str] = mapped_column(sa.String(3))  # the company's reporting currency
    rate: Mapped[Decimal] = mapped_column(ExactDecimal())
    rate_date: Mapped[date]
    source: Mapped[str] = mapped_column(sa.String(100))

    document: Mapped[Document] = relationship(back_populates="rates")


@event.listens_for(Session, "before_flush")
def _refuse_rate_changes(session: Session, flush_context: object, instances: object) -> None:
    # Triggers in the migration refuse too; this names the problem early.
    for obj in session.deleted:
        if isinstance(obj, DocumentRate):
            raise DocumentIsImmutable("a document's frozen rate is never deleted")
    for obj in session.dirty:
        if isinstance(obj, DocumentRate) and any(
            attributes.get_history(obj, column.key).has_changes()
            for column in DocumentRate.__table__.columns
        ):
            raise DocumentIsImmutable("a document's frozen rate never changes")


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


# A ZIP of 10,000 invoices builds in about 10 s; an export unfinished after an hour is dead.
EXPORT_ABANDONED_AFTER = timedelta(hours=1)


class RegisterExport(PublicIdMixin, Base):
    """A ZIP of the PDFs in a filtered register, built by a job and then downloaded."""

    __tablename__ = "register_exports"

    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # The register filter as it was in the URL, so the job selects the same set.
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[ExportStatus] = mapped_column(
        enum_column_type(ExportStatus), default=ExportStatus.QUEUED
    )
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    byte_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]

    @property
    def percent(self) -> int:
        if self.status is ExportStatus.DONE:
            return 100
        return 0 if not self.total else min(99, self.done * 100 // self.total)

    def is_abandoned(self, now: datetime) -> bool:
        """Queued or running far longer than any build takes: its worker died or was
        restarted mid-build, and nothing will finish it."""
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING) and (
            now - self.created_at > EXPORT_ABANDONED_AFTER
        )

    @property
    def filename(self) -> str:
        return f"invoices-{self.created_at:%Y%m%d-%H%M%S}.zip"
