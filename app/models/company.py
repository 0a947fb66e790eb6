"""Companies: the legal entities that sell and buy on Corridor."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytz  # type: ignore[import-untyped]  # no stubs; country_timezones is a dict
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow

if TYPE_CHECKING:
    from app.models.user import User


# The corridor's two countries keep one official clock each (tzdata's Asia/Urumqi is
# Xinjiang's informal one: a company there may choose it).
COUNTRY_ZONES = {"PK": "Asia/Karachi", "CN": "Asia/Shanghai"}
_SAMPLE_MOMENTS = (datetime(2026, 1, 15, tzinfo=UTC), datetime(2026, 7, 15, tzinfo=UTC))


def default_timezone(country: str | None) -> str:
    """The zone a company of ``country`` starts with: Pakistan's and China's own; for
    another country its zone when all its zones keep one clock (Germany's Berlin and
    Busingen do), else UTC (the United States' six clocks cannot be guessed)."""
    code = (country or "").upper()
    if code in COUNTRY_ZONES:
        return COUNTRY_ZONES[code]
    zones = pytz.country_timezones.get(code, [])
    if not zones:
        return "UTC"
    clocks = {
        tuple(moment.astimezone(ZoneInfo(zone)).utcoffset() for moment in _SAMPLE_MOMENTS)
        for zone in zones
    }
    return zones[0] if len(clocks) == 1 else "UTC"


class VerificationStatus(enum.StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    SUSPENDED = "suspended"


class Company(PublicIdMixin, Base):
    __tablename__ = "companies"
    __table_args__ = (
        sa.CheckConstraint("sells OR buys", name="sells_or_buys"),
        sa.CheckConstraint("length(country) = 2", name="country_alpha2"),
    )

    legal_name: Mapped[str] = mapped_column(sa.String(200))
    # The name in the company's own script (e.g. 中文 for a Chinese importer), as registered.
    legal_name_local: Mapped[str | None] = mapped_column(sa.String(200))
    # The name a Chinese or an Urdu reader is shown, where the company gave one; anyone
    # else (and a reader of the other script) gets ``legal_name`` in Latin script.
    name_zh: Mapped[str | None] = mapped_column(sa.String(200))
    name_ur: Mapped[str | None] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2))
    sells: Mapped[bool] = mapped_column(default=False)
    buys: Mapped[bool] = mapped_column(default=False)
    address: Mapped[str] = mapped_column(sa.Text)
    city: Mapped[str] = mapped_column(sa.String(100))
    postal_code: Mapped[str | None] = mapped_column(sa.String(20))
    # Stored normalised (compact); the kind follows from the country (USCC, NTN, other).
    tax_id: Mapped[str] = mapped_column(sa.String(40))
    # Pakistan sales-tax registration number; required on s.23 invoices when registered.
    sales_tax_registration: Mapped[str | None] = mapped_column(sa.String(20))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    reporting_currency: Mapped[str] = mapped_column(sa.String(3))
    # IANA name of the zone the company's day runs in: its document dates and numbering
    # years, due dates and aging. Starts from the country (``default_timezone``); the owner
    # may change it. Its people see times in it unless they choose their own.
    timezone: Mapped[str] = mapped_column(sa.String(64), server_default="UTC")
    verification_status: Mapped[VerificationStatus] = mapped_column(
        enum_column_type(VerificationStatus), default=VerificationStatus.PENDING, index=True
    )
    verification_reason: Mapped[str | None] = mapped_column(sa.Text)
    verification_decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The letters that open this company's document numbers (WN-CI-2026-000042); set at its
    # first document and never changed after, so a series keeps one name.
    document_prefix: Mapped[str | None] = mapped_column(sa.String(6))
    # Where buyers send bank transfers (T/T); printed on proforma and commercial invoices.
    bank_beneficiary: Mapped[str | None] = mapped_column(sa.String(200))
    bank_name: Mapped[str | None] = mapped_column(sa.String(200))
    bank_account: Mapped[str | None] = mapped_column(sa.String(40))  # IBAN or account number
    bank_swift: Mapped[str | None] = mapped_column(sa.String(11))
    bank_address: Mapped[str | None] = mapped_column(sa.Text)
    # When the owner last changed the account buyers pay into: counterparties with open
    # orders are told, and their order pages say so for 14 days (forged-proforma fraud).
    bank_details_changed_at: Mapped[datetime | None]
    # The 24-hour emergency contact printed on dangerous-goods declarations (IMDG 5.4.3.2):
    # someone who knows the goods and answers day and night; required to ship them.
    emergency_contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    emergency_contact_phone: Mapped[str | None] = mapped_column(sa.String(40))

    users: Mapped[list[User]] = relationship(back_populates="company", order_by="User.id")

    @validates("country")
    def _zone_from_country(self, key: str, country: str) -> str:
        # A new company's zone follows its country unless one is given.
        if self.timezone is None:
            self.timezone = default_timezone(country)
        return country

    @property
    def has_bank_details(self) -> bool:
        return bool(self.bank_name and self.bank_account and self.bank_swift)

    @property
    def is_verified(self) -> bool:
        return self.verification_status is VerificationStatus.VERIFIED

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.legal_name!r}>"
