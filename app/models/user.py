"""People who sign in: company staff with one company role, and platform operators."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow

if TYPE_CHECKING:
    from app.models.company import Company


class CompanyRole(enum.StrEnum):
    OWNER = "owner"
    SALES = "sales"
    PURCHASER = "purchaser"
    FINANCE = "finance"
    VIEWER = "viewer"


class User(PublicIdMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        # A user is company staff (company and role), an operator (neither), or the
        # account of a licensing authority (its authority only).
        sa.CheckConstraint(
            "(company_id IS NULL AND company_role IS NULL AND is_operator"
            " AND authority_id IS NULL)"
            " OR (company_id IS NOT NULL AND company_role IS NOT NULL AND NOT is_operator"
            " AND authority_id IS NULL)"
            " OR (company_id IS NULL AND company_role IS NULL AND NOT is_operator"
            " AND authority_id IS NOT NULL)",
            name="staff_or_operator",
        ),
    )

    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(120))
    company_id: Mapped[int | None] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    company_role: Mapped[CompanyRole | None] = mapped_column(enum_column_type(CompanyRole))
    is_operator: Mapped[bool] = mapped_column(default=False)
    # Set for a licensing authority's account (read-only view of what it licensed).
    authority_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorities.id"), index=True)
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    # The user's own zone; None follows their company's (an operator's: UTC).
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session cookie; bumping it ends every session issued before.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    company: Mapped[Company | None] = relationship(back_populates="users")
    if TYPE_CHECKING:
        # Set by app.models.message: unread messages from the other companies (deferred).
        unread_messages: Mapped[int]

    # Flask-Login protocol. The id carries the session version so old cookies stop working.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.public_id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r}>"
