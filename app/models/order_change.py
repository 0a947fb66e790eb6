"""Proposals to change a placed order: nothing about the contract moves without consent.

Once an order is placed, its total, quantities, terms and dates are the parties' common
word. A change one party wants (the seller's freight on acceptance, a later ship date) is
written here as a proposal, old and new value side by side, and takes effect only when the
other party accepts it. A declined proposal leaves the order as it was.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow

if TYPE_CHECKING:
    from app.models.order import Order
    from app.models.user import User


class ProposalState(enum.StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class OrderChangeProposal(PublicIdMixin, Base):
    """One party's proposed change of an order, answered once by the other party."""

    __tablename__ = "order_change_proposals"
    __table_args__ = (
        # One open proposal per order at a time: a second waits until the first is answered,
        # so no one accepts a change computed on figures another change has moved.
        sa.Index(
            "uq_order_change_proposals_open",
            "order_id",
            unique=True,
            sqlite_where=sa.text("state = 'proposed'"),
            postgresql_where=sa.text("state = 'proposed'"),
        ),
        sa.CheckConstraint("proposing_company_id <> answering_company_id", name="two_parties"),
    )

    order_id: Mapped[int] = mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    proposing_company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    answering_company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[ProposalState] = mapped_column(
        enum_column_type(ProposalState), default=ProposalState.PROPOSED
    )
    reason: Mapped[str | None] = mapped_column(sa.Text)
    # {field: [old, new]} for the order's fields the proposal changes (money in minor
    # units, dates ISO): frozen when proposed, so both sides answer the same figures.
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    currency: Mapped[str] = mapped_column(sa.String(3))
    old_total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    new_total_minor: Mapped[int] = mapped_column(sa.BigInteger)
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answer_note: Mapped[str | None] = mapped_column(sa.Text)
    # The proforma the accepted change superseded with a new revision (None: none issued).
    superseded_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))
    issued_document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("documents.id"))

    order: Mapped[Order] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
