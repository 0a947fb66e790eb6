"""One-time submission keys: a request that writes money, sent twice, writes once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class IdempotencyKey(Base):
    """A submission key a company's request used, and what that first request produced.

    The form carries a random key made when it was rendered (an API client sends its own
    ``Idempotency-Key``); the first request to use it inserts this row before it writes,
    so a repeat (a reload, Back and submit, a double click, two requests at once) meets the
    unique key and is answered with the first one's result instead of writing again.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        sa.UniqueConstraint("company_id", "key", name="uq_idempotency_keys_company_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(40))  # receipt, reversal, refund, ...
    # SHA-256 of what the request asked for: the same key with other values is not a replay.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    # What the first request made (a public id, an intent id); None until it has made it.
    result_id: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
