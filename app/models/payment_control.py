"""Payment controls: goods released before the money, and reminders of overdue payments.

A milestone due on acceptance (the deposit, the advance) holds back the seller's next moves
until it is paid; the seller's owner or finance may release a move anyway, with a reason
(``PaymentRelease``, one per milestone and move). ``PaymentReminder`` keeps when the buyer
was last reminded of an overdue milestone, so the hourly job reminds once per interval.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow
from app.models.order import OrderStatus

if TYPE_CHECKING:
    from app.models.order import Order
    from app.models.payment import PaymentMilestone
    from app.models.user import User


class PaymentRelease(PublicIdMixin, Base):
    """The seller let ``move`` (production, shipment) go ahead before ``milestone`` was paid."""

    __tablename__ = "payment_releases"
    __table_args__ = (
        sa.UniqueConstraint("milestone_id", "move", name="milestone_move"),
        sa.CheckConstraint("move IN ('in_production', 'shipped')", name="gated_move"),
    )

    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), index=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_milestones.id"))
    move: Mapped[OrderStatus] = mapped_column(enum_column_type(OrderStatus))
    reason: Mapped[str] = mapped_column(sa.Text)
    released_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    released_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship()
    milestone: Mapped[PaymentMilestone] = relationship()
    released_by: Mapped[User] = relationship()


class PaymentReminder(Base):
    """When the buyer was last reminded that a milestone is overdue (one row per milestone)."""

    __tablename__ = "payment_reminders"
    __table_args__ = (sa.CheckConstraint("sent_count > 0", name="sent_count_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(sa.ForeignKey("payment_milestones.id"), unique=True)
    first_sent_at: Mapped[datetime]
    last_sent_at: Mapped[datetime]
    sent_count: Mapped[int] = mapped_column(default=1)
