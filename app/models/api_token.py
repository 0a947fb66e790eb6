"""API tokens: an importer's or exporter's ERP calls the API as one named person.

Only the SHA-256 of a token is stored; the token itself is shown once, when it is made.
A token's scope narrows what the person may do through it (never widens it); its
revocation says who ended it and why, so the holder and the owner see revoked tokens
for what they are instead of finding them gone.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow

if TYPE_CHECKING:
    from app.models.user import User


class ApiTokenScope(enum.StrEnum):
    """What a token may do: every call its person may make, reading only, or reading plus
    the writes of one trade (orders: placing and answering them; listings: prices, stock)."""

    PERSONAL = "personal"
    READ_ONLY = "read_only"
    ORDERS = "orders"
    LISTINGS = "listings"


class ApiTokenRevocation(enum.StrEnum):
    """Why a token stopped working."""

    BY_HOLDER = "by_holder"
    BY_OWNER = "by_owner"
    ROLE_CHANGED = "role_changed"
    DEACTIVATED = "deactivated"


class ApiToken(PublicIdMixin, Base):
    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The token's first characters, so its owner can tell tokens apart in the list.
    hint: Mapped[str] = mapped_column(sa.String(16))
    scope: Mapped[ApiTokenScope] = mapped_column(
        enum_column_type(ApiTokenScope),
        default=ApiTokenScope.PERSONAL,
        server_default=ApiTokenScope.PERSONAL.value,
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[ApiTokenRevocation | None] = mapped_column(
        enum_column_type(ApiTokenRevocation)
    )

    user: Mapped[User] = relationship()
