"""A file a user uploaded (a specification, a message attachment, a licence scan ...).

The row holds what the platform checked and vouches for (type, size, SHA-256 of the
stored bytes, who uploaded it for which company); the bytes themselves live in the file
storage (``app.services.files.storage``) under ``storage_key``. Rows are never edited:
what links a file to an RFQ, a message or a shipment is the linking row, not this one.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, PublicIdMixin, utcnow


class StoredFile(PublicIdMixin, Base):
    __tablename__ = "stored_files"
    __table_args__ = (sa.CheckConstraint("byte_size > 0", name="not_empty"),)

    company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(sa.String(40))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    byte_size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
