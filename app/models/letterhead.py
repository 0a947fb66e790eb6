"""How a company signs its trade documents: logo, authorised signatory and stamp.

One row per company, kept apart from ``companies`` so the documents' look can change
without touching the legal record. The pictures are uploads (``stored_files``) cleaned
from pixels when stored; an issued document copies the names and the files' ids into its
snapshot, and stored files never change, so a later change reaches only later documents.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.stored_file import StoredFile


class CompanyLetterhead(Base):
    __tablename__ = "company_letterheads"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), unique=True
    )
    signatory_name: Mapped[str | None] = mapped_column(sa.String(120))
    signatory_title: Mapped[str | None] = mapped_column(sa.String(120))
    # Where the signatory signs ("Wah Cantt"); the company's city when blank.
    signing_place: Mapped[str | None] = mapped_column(sa.String(100))
    logo_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id"))
    stamp_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    logo: Mapped[StoredFile | None] = relationship(foreign_keys=[logo_file_id])
    stamp: Mapped[StoredFile | None] = relationship(foreign_keys=[stamp_file_id])
