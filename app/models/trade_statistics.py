"""The trade-flow cube behind the public statistics, and what the operator restricts.

One fact per shipped order and HS heading, written by the refresh job from the order's
commercial invoices net of credit notes (``app.services.statistics.cube``). Each fact
keeps both firms: the disclosure rules (how many sellers and buyers, how large the largest)
need them; no page ever shows them.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, enum_column_type, utcnow


class FlowDirection(enum.StrEnum):
    PK_CN = "pk_cn"  # Pakistan to China
    CN_PK = "cn_pk"  # China to Pakistan
    OTHER = "other"


class IncotermGroup(enum.StrEnum):
    """The four families of Incoterms 2020 by where the seller's duty ends."""

    E = "E"  # EXW: buyer collects
    F = "F"  # FCA, FAS, FOB: main carriage unpaid
    C = "C"  # CPT, CIP, CFR, CIF: main carriage paid
    D = "D"  # DAP, DPU, DDP: delivered


class TradeFlowFact(Base):
    """What one shipped order moved under one HS heading, in US dollars at frozen rates."""

    __tablename__ = "trade_flow_facts"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "hs4", name="order_heading"),
        # Every published table reads one period of the cube.
        sa.Index("ix_trade_flow_facts_month_hs4", "month", "hs4"),
        sa.Index("ix_trade_flow_facts_seller_month", "seller_id", "month"),
        sa.Index("ix_trade_flow_facts_buyer_month", "buyer_id", "month"),
        sa.CheckConstraint("value_usd_minor >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    # The first day of the month the first commercial invoice is dated in.
    month: Mapped[date]
    direction: Mapped[FlowDirection] = mapped_column(enum_column_type(FlowDirection))
    hs2: Mapped[str] = mapped_column(sa.String(2))
    hs4: Mapped[str] = mapped_column(sa.String(4))
    port_of_loading: Mapped[str] = mapped_column(sa.String(100))
    port_of_discharge: Mapped[str] = mapped_column(sa.String(100))
    incoterm_group: Mapped[IncotermGroup] = mapped_column(enum_column_type(IncotermGroup))
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    value_usd_minor: Mapped[int] = mapped_column(sa.BigInteger)
    net_weight_g: Mapped[int] = mapped_column(sa.BigInteger)
    shipments: Mapped[int]
    refreshed_at: Mapped[datetime] = mapped_column(default=utcnow)


class TradeFlowCubeState(Base):
    """One row: how far the nightly refresh has read, and a version every refresh bumps
    (published tables are cached per version)."""

    __tablename__ = "trade_flow_cube_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    refreshed_through: Mapped[datetime | None]
    # With the version, the key of cached tables: a rolled-back refresh can reuse a version
    # number, never the moment it happened.
    changed_at: Mapped[datetime | None]


class RestrictedChapter(Base):
    """An HS chapter the operator publishes only by chapter and year (chapter 36 always is)."""

    __tablename__ = "restricted_statistics_chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter: Mapped[str] = mapped_column(sa.String(2), unique=True)
    reason: Mapped[str] = mapped_column(sa.String(300))
    named_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    named_at: Mapped[datetime] = mapped_column(default=utcnow)
