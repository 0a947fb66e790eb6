"""Personal API tokens: an importer's ERP places and reads orders as one named user.

Only the SHA-256 of a token is stored; the token itself is shown once, when it is made.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, utcnow

if TYPE_CHECKING:
    from app.models.user import User


class ApiToken(PublicIdMixin, Base):
    __tablename__ = "api_tokens"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The token's first characters, so its owner can tell tokens apart in the list.
    hint: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
