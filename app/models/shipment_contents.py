"""What a shipment carries: per order line quantities, and the containers it is stowed in.

A shipment's lines say how much of each order line it ships (in the line's unit), so an
order can later ship in several parts; its packages name the line they hold and the
container they travel in. Packing list, commercial invoice and DG declaration all print
from these rows, so their counts agree.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, Quantity

if TYPE_CHECKING:
    from app.models.order import OrderLine, Shipment, ShipmentPackage


class ShipmentLine(Base):
    """How much of one order line one shipment carries."""

    __tablename__ = "shipment_lines"
    __table_args__ = (
        sa.UniqueConstraint("shipment_id", "order_line_id"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(
        sa.ForeignKey("order_lines.id", ondelete="CASCADE"), index=True
    )
    # In the order line's unit; whole units today (issue #20 brings decimal tonnes).
    quantity: Mapped[Decimal] = mapped_column(Quantity())

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()


class ShipmentContainer(Base):
    """A freight container on the shipment, with its seal and (for dangerous goods) the
    container packing certificate of IMDG 5.4.2."""

    __tablename__ = "shipment_containers"
    __table_args__ = (sa.UniqueConstraint("shipment_id", "container_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    # ISO 6346: owner code, category, serial number and check digit (e.g. MSCU1234565).
    container_number: Mapped[str] = mapped_column(sa.String(11))
    # ISO 6346 size and type code (22G1 = 20 ft general purpose, 45G1 = 40 ft high cube).
    container_type: Mapped[str] = mapped_column(sa.String(4))
    seal_number: Mapped[str | None] = mapped_column(sa.String(40))
    # Class 1 goods in the container travel as this compatibility group (C/D/E mixes as E).
    travels_as_group: Mapped[str | None] = mapped_column(sa.String(1))
    # The container packing certificate: who packed it, where and when (IMDG 5.4.2.1).
    packed_by: Mapped[str | None] = mapped_column(sa.String(120))
    packed_at: Mapped[str | None] = mapped_column(sa.String(100))
    packed_on: Mapped[date | None]

    shipment: Mapped[Shipment] = relationship(back_populates="containers")
    packages: Mapped[list[ShipmentPackage]] = relationship(
        back_populates="container", order_by="ShipmentPackage.package_no"
    )
