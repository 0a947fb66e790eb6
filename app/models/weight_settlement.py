"""Goods sold on weight (and assay) terms: a provisional invoice on the loading weight, a
final one on the outturn agreed at discharge.

One ``WeightSettlement`` per shipment (lot) of such an order, opened when the lot ships
with its provisional invoice, and settled once the seller enters the surveyor's outturn
(weight, moisture, grade adjustment) with the certificate: the final invoice deducts the
provisional one, or a credit note gives back what the provisional asked beyond the final
value. The invoices themselves are ``Document`` rows (commercial invoices of stage
``provisional`` / ``final``); these rows say which belong to which lot.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Quantity, UnitPrice, utcnow

if TYPE_CHECKING:
    from app.models.document import Document
    from app.models.order import OrderLine, Shipment
    from app.models.stored_file import StoredFile


class WeightSettlement(Base):
    __tablename__ = "weight_settlements"

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), unique=True
    )
    provisional_invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("documents.id"))
    # What the provisional invoice asked (its total): the final invoice deducts it.
    provisional_minor: Mapped[int] = mapped_column(sa.BigInteger)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set together when the seller enters the outturn.
    settled_at: Mapped[datetime | None]
    settled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    surveyor: Mapped[str | None] = mapped_column(sa.String(200))
    survey_file_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_files.id"))
    final_minor: Mapped[int | None] = mapped_column(sa.BigInteger)  # the lot's final value
    final_invoice_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    credit_note_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))

    shipment: Mapped[Shipment] = relationship(back_populates="weight_settlement")
    provisional_invoice: Mapped[Document] = relationship(foreign_keys=[provisional_invoice_id])
    final_invoice: Mapped[Document | None] = relationship(foreign_keys=[final_invoice_id])
    credit_note: Mapped[Document | None] = relationship(foreign_keys=[credit_note_id])
    survey_file: Mapped[StoredFile | None] = relationship()
    lines: Mapped[list[OutturnLine]] = relationship(
        order_by="OutturnLine.id", cascade="all, delete-orphan", back_populates="settlement"
    )

    @property
    def is_settled(self) -> bool:
        return self.settled_at is not None


class OutturnLine(Base):
    """What the surveyor found of one order line of the lot at discharge."""

    __tablename__ = "outturn_lines"
    __table_args__ = (
        sa.UniqueConstraint("settlement_id", "order_line_id"),
        sa.CheckConstraint("settled_quantity >= 0", name="settled_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    settlement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("weight_settlements.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id"))
    # The weight at discharge as weighed (wet), in the line's unit.
    outturn_quantity: Mapped[Decimal] = mapped_column(Quantity())
    # Moisture in hundredths of a percent (8.25 % = 825); None where the contract has none.
    moisture_basis_points: Mapped[int | None]
    # The quantity invoiced: the outturn less its moisture, in steps of the unit.
    settled_quantity: Mapped[Decimal] = mapped_column(Quantity())
    # Grade (assay) adjustment of the unit price, signed, in minor units per unit (to the
    # hundredth, as unit prices are).
    price_adjustment_minor: Mapped[Decimal] = mapped_column(
        UnitPrice, default=Decimal(0), server_default=sa.text("0")
    )

    settlement: Mapped[WeightSettlement] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()

    @property
    def moisture_percent(self) -> Decimal | None:
        """8.25 for 825 basis points; None without a moisture clause."""
        if self.moisture_basis_points is None:
            return None
        return Decimal(self.moisture_basis_points).scaleb(-2).normalize()
