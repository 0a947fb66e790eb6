"""Facet counts of the public catalogue, kept by a job so no page has to count them.

``CatalogueCount`` holds the public listings grouped by everything a facet counts
(category, seller, stock/dangerous flags, origin, currency), and per category and
Incoterm rule; ``CatalogueCountState`` the catalogue version they were taken at. A page
uses them only when that version is the one it just read (app/services/catalog/counts.py).
Plain ids, no foreign keys: the table is derived data, rebuilt whole.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class CatalogueCount(Base):
    __tablename__ = "catalogue_counts"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(index=True)
    # Group rows carry seller, flags, origin and currency; Incoterm rows only the rule.
    seller_id: Mapped[int | None]
    flags: Mapped[int | None]
    origin_country: Mapped[str | None] = mapped_column(sa.String(2))
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    incoterm: Mapped[str | None] = mapped_column(sa.String(3))
    n: Mapped[int] = mapped_column(sa.BigInteger)


class CatalogueCountState(Base):
    __tablename__ = "catalogue_count_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The catalogue version (see app/services/catalog/facets.py) the counts were taken at.
    version: Mapped[str] = mapped_column(sa.String(100))
