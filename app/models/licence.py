"""Controlled goods: licensing bodies, the licences they issue, and what each licence has
been drawn down by.

A licence counts only when an operator has accepted it, it is within its validity dates
and its issuing authority has not revoked it (``Licence.usable_on``). Quantity limits are
kept in the licence's own basis: net explosive mass in grams (shown as kg) or units.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, Quantity, enum_column_type, utcnow

if TYPE_CHECKING:
    from app.models.company import Company
    from app.models.stored_file import StoredFile


class LicenceKind(enum.StrEnum):
    MANUFACTURE = "manufacture"  # Pakistan: form EL-01 from the Chief Inspector of Explosives
    SALE = "sale"
    EXPORT = "export"
    IMPORT = "import"
    # One shipment's own approval, e.g. MIIT's 民用爆炸物品进/出口审批单.
    PER_SHIPMENT_APPROVAL = "per_shipment_approval"
    END_USER_CERTIFICATE = "end_user_certificate"


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class LimitBasis(enum.StrEnum):
    NET_EXPLOSIVE_MASS = "nem_g"  # grams of net explosive mass (shown as kg)
    UNITS = "units"  # units of the listing (pieces, cartons ...)


class Authority(PublicIdMixin, Base):
    """A licensing body (e.g. Pakistan's Department of Explosives, China's MIIT)."""

    __tablename__ = "authorities"
    __table_args__ = (sa.CheckConstraint("length(country) = 2", name="country_alpha2"),)

    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    name_local: Mapped[str | None] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Authority {self.id} {self.name!r}>"


class Licence(PublicIdMixin, Base):
    __tablename__ = "licences"
    __table_args__ = (
        sa.Index("ix_licences_holder_kind", "holder_id", "kind"),
        sa.CheckConstraint("valid_to >= valid_from", name="valid_dates_ordered"),
        sa.CheckConstraint(
            "quantity_limit IS NULL OR quantity_limit > 0", name="quantity_limit_positive"
        ),
        sa.CheckConstraint(
            "quantity_limit IS NULL OR drawn_quantity <= quantity_limit", name="within_limit"
        ),
        sa.CheckConstraint(
            "per_shipment_limit IS NULL OR per_shipment_limit > 0",
            name="per_shipment_limit_positive",
        ),
        sa.CheckConstraint(
            "review_status != 'rejected' OR review_reason IS NOT NULL", name="rejection_has_reason"
        ),
    )

    holder_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    authority_id: Mapped[int] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    jurisdiction: Mapped[str] = mapped_column(sa.String(2))
    kind: Mapped[LicenceKind] = mapped_column(enum_column_type(LicenceKind))
    number: Mapped[str] = mapped_column(sa.String(80))
    valid_from: Mapped[date]
    valid_to: Mapped[date]
    limit_basis: Mapped[LimitBasis] = mapped_column(
        enum_column_type(LimitBasis), default=LimitBasis.NET_EXPLOSIVE_MASS
    )
    # None: the document sets no overall (or per-shipment) limit.
    quantity_limit: Mapped[Decimal | None] = mapped_column(Quantity())
    per_shipment_limit: Mapped[Decimal | None] = mapped_column(Quantity())
    # Σ of the drawdowns, kept on the row so one conditional UPDATE takes a shipment's
    # quantity or refuses it: racing shipments never pass the limit, on either database.
    drawn_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=0)
    # What the document names, where it names it.
    counterparty_id: Mapped[int | None] = mapped_column(sa.ForeignKey("companies.id"))
    counterparty_name: Mapped[str | None] = mapped_column(sa.String(200))
    port: Mapped[str | None] = mapped_column(sa.String(100))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    scan_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))
    # Demo documents say so on every page that shows them.
    is_demo: Mapped[bool] = mapped_column(default=False)
    review_status: Mapped[ReviewStatus] = mapped_column(
        enum_column_type(ReviewStatus), default=ReviewStatus.PENDING, index=True
    )
    review_reason: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    holder: Mapped[Company] = relationship(foreign_keys=[holder_id])
    counterparty: Mapped[Company | None] = relationship(foreign_keys=[counterparty_id])
    authority: Mapped[Authority] = relationship()
    scan: Mapped[StoredFile] = relationship()
    goods: Mapped[list[LicenceGoods]] = relationship(
        order_by="LicenceGoods.id", cascade="all, delete-orphan", back_populates="licence"
    )
    amendments: Mapped[list[LicenceAmendment]] = relationship(
        order_by="LicenceAmendment.id", cascade="all, delete-orphan", back_populates="licence"
    )
    drawdowns: Mapped[list[LicenceDrawdown]] = relationship(
        order_by="LicenceDrawdown.id", back_populates="licence"
    )

    def usable_on(self, day: date) -> bool:
        """Accepted, not revoked, and ``day`` within its validity dates."""
        return (
            self.review_status is ReviewStatus.ACCEPTED
            and self.revoked_at is None
            and self.valid_from <= day <= self.valid_to
        )

    def __repr__(self) -> str:
        return f"<Licence {self.id} {self.kind} {self.number!r}>"


class LicenceGoods(Base):
    """One line of what a licence covers: a UN number, a division and compatibility group
    (e.g. 1.1B), or an HS code. A line may name more than one; any of them matches."""

    __tablename__ = "licence_goods"
    __table_args__ = (
        sa.CheckConstraint(
            "un_number IS NOT NULL OR division IS NOT NULL OR hs_code IS NOT NULL",
            name="names_goods",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licences.id", ondelete="CASCADE"), index=True
    )
    un_number: Mapped[str | None] = mapped_column(sa.String(6))
    division: Mapped[str | None] = mapped_column(sa.String(4))  # "1.1"
    compatibility_group: Mapped[str | None] = mapped_column(sa.String(1))  # "B"
    hs_code: Mapped[str | None] = mapped_column(sa.String(10))

    licence: Mapped[Licence] = relationship(back_populates="goods")


class LicenceAmendment(Base):
    """A change to a licence with the sanction that allowed it (Pakistan: an EL-01 is
    amended only with the Federal Government's sanction, Explosives Rules 2010 r.111)."""

    __tablename__ = "licence_amendments"

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(
        sa.ForeignKey("licences.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(sa.Text)
    sanction_reference: Mapped[str] = mapped_column(sa.String(120))
    amended_on: Mapped[date]
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    licence: Mapped[Licence] = relationship(back_populates="amendments")


class LicenceDrawdown(Base):
    """What one shipment used of one licence, in the licence's basis. Σ ≤ the limit."""

    __tablename__ = "licence_drawdowns"
    __table_args__ = (
        sa.UniqueConstraint("licence_id", "shipment_id"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_id: Mapped[int] = mapped_column(sa.ForeignKey("licences.id"), index=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    shipment_id: Mapped[int] = mapped_column(sa.ForeignKey("shipments.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    licence: Mapped[Licence] = relationship(back_populates="drawdowns")


class LicenceAttachment(Base):
    """A document an order relies on, attached when a gate accepted it (the buyer's
    end-user certificate, the approvals and licences that covered it)."""

    __tablename__ = "licence_attachments"
    __table_args__ = (sa.UniqueConstraint("order_id", "licence_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    licence_id: Mapped[int] = mapped_column(sa.ForeignKey("licences.id"), index=True)
    attached_at: Mapped[datetime] = mapped_column(default=utcnow)

    licence: Mapped[Licence] = relationship()


class EvidenceKind(enum.StrEnum):
    REGISTRATION_CERTIFICATE = "registration_certificate"
    TAX_REGISTRATION = "tax_registration"  # NTN/STRN certificate, or the USCC licence
    AUTHORISED_SIGNATORY = "authorised_signatory"


class CompanyEvidence(PublicIdMixin, Base):
    """A document behind a company's verification, with its scan."""

    __tablename__ = "company_evidence"

    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column_type(EvidenceKind))
    file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    file: Mapped[StoredFile] = relationship()


class CompanyVerification(Base):
    """One verification of a company: what the operator checked, who, when, until when;
    withdrawn with a reason (trading then stops as for a suspension)."""

    __tablename__ = "company_verifications"
    __table_args__ = (
        sa.CheckConstraint(
            "withdrawn_at IS NULL OR withdrawn_reason IS NOT NULL", name="withdrawal_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    checked: Mapped[str] = mapped_column(sa.Text)
    checked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_on: Mapped[date | None]
    expired_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    withdrawn_reason: Mapped[str | None] = mapped_column(sa.Text)
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
