"""UN/LOCODE places: the named places of Incoterms, listings' origin ports and shipments.

Reference data, loaded from ``app/reference/data/unlocode-pk-cn.csv`` by migration
0025_places_and_signatories and never edited by users (a new code-list edition comes
with a migration of its own).
A place picked in a form is written as ``Name (LOCODE)``; free text stays for places that
have no code (a border crossing such as Khunjerab).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Place(Base):
    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    locode: Mapped[str] = mapped_column(sa.String(5), unique=True)
    country: Mapped[str] = mapped_column(sa.String(2), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    name_ascii: Mapped[str] = mapped_column(sa.String(100))
    name_zh: Mapped[str | None] = mapped_column(sa.String(100))
    name_ur: Mapped[str | None] = mapped_column(sa.String(100))
    subdivision: Mapped[str | None] = mapped_column(sa.String(3))
    # UN/LOCODE's 8-character function string: 1 port, 2 rail, 3 road, 4 airport, ...
    function: Mapped[str] = mapped_column(sa.String(8))
    # A seaport, or a carrier's old seaport code that UNECE now lists as an airport.
    is_port: Mapped[bool] = mapped_column(default=False)
    # The seaport a carrier means by an old code (CNSHA: Shanghai), else None.
    seaport_name: Mapped[str | None] = mapped_column(sa.String(100))
    # Folded code and names in every script, for one LIKE on either database.
    search_text: Mapped[str] = mapped_column(sa.String(500))

    @property
    def shown_name(self) -> str:
        return self.seaport_name or self.name

    @property
    def label(self) -> str:
        """``Karachi (PKKHI)``: what a form and a document print for this place."""
        return f"{self.shown_name} ({self.locode})"

    def __repr__(self) -> str:
        return f"<Place {self.locode} {self.name!r}>"
