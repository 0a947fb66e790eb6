"""Outgoing webhooks: a company's endpoints, the events written for them in the changing
transaction (the outbox), one delivery per event and endpoint, and each attempt's log."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt or its next retry
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # retries ran out (3 days) or the endpoint was disabled


class WebhookEndpoint(PublicIdMixin, Base):
    __tablename__ = "webhook_endpoints"

    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(sa.String(500))
    events: Mapped[list[str]] = mapped_column(sa.JSON)
    # Receivers need the secret to check signatures and we need it to sign: it is kept,
    # shown to the owner once. While rotating, the previous secret also signs.
    secret: Mapped[str] = mapped_column(sa.String(80))
    previous_secret: Mapped[str | None] = mapped_column(sa.String(80))
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_at: Mapped[datetime | None]
    # The first failed attempt since the last success: 3 days of failure disables it.
    failing_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))


class WebhookEvent(Base):
    """One event for one company, its JSON body frozen as sent (a resend sends the same)."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(sa.String(40), unique=True)  # evt_…, for receivers
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(40))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(PublicIdMixin, Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (sa.UniqueConstraint("event_id", "endpoint_id"),)

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_events.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column_type(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    delivered_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[WebhookEvent] = relationship()
    endpoint: Mapped[WebhookEndpoint] = relationship()


class WebhookAttempt(Base):
    """One HTTP attempt: when, the answer's status (None: no answer), how long, what failed."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    duration_ms: Mapped[int]
    error: Mapped[str | None] = mapped_column(sa.String(300))
