"""Message threads between two companies: about an order, an RFQ, or a listing.

A thread always has exactly two parties, a buyer company and a seller company, and is
read only by their people (and by an operator once a party reports it, audited). Messages
are appended; their author may correct one for a short grace period, never after.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.models.base import Base, PublicIdMixin, enum_column_type, utcnow

if TYPE_CHECKING:
    from app.models.company import Company
    from app.models.stored_file import StoredFile
    from app.models.user import User


class ThreadTopic(enum.StrEnum):
    ORDER = "order"
    RFQ = "rfq"
    PRODUCT = "product"  # "ask the supplier" from a listing


class MessageThread(PublicIdMixin, Base):
    __tablename__ = "message_threads"
    __table_args__ = (
        sa.CheckConstraint("buyer_id <> seller_id", name="two_parties"),
        # One thread per order; per RFQ and invited seller; per listing and asking buyer.
        sa.UniqueConstraint("order_id", name="uq_message_threads_order_id"),
        sa.UniqueConstraint("rfq_id", "seller_id", name="uq_message_threads_rfq_seller"),
        sa.UniqueConstraint("product_id", "buyer_id", name="uq_message_threads_product_buyer"),
        sa.Index("ix_message_threads_buyer_last", "buyer_id", "last_message_at"),
        sa.Index("ix_message_threads_seller_last", "seller_id", "last_message_at"),
    )

    topic: Mapped[ThreadTopic] = mapped_column(enum_column_type(ThreadTopic))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"))
    rfq_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rfqs.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    buyer_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    seller_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    # What the thread is about, as both parties knew it when it opened (CO-000042, a title).
    subject: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime | None]
    # A party's "report to Corridor": only then may an operator read the thread.
    reported_at: Mapped[datetime | None]
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    report_reason: Mapped[str | None] = mapped_column(sa.Text)

    buyer: Mapped[Company] = relationship(foreign_keys=[buyer_id])
    seller: Mapped[Company] = relationship(foreign_keys=[seller_id])
    messages: Mapped[list[Message]] = relationship(
        order_by="Message.id", back_populates="thread", cascade="all, delete-orphan"
    )


class Message(PublicIdMixin, Base):
    __tablename__ = "messages"
    __table_args__ = (sa.Index("ix_messages_thread_id_id", "thread_id", "id"),)

    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("message_threads.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(sa.String(120))
    author_company_id: Mapped[int] = mapped_column(sa.ForeignKey("companies.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    thread: Mapped[MessageThread] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()
    attachments: Mapped[list[MessageAttachment]] = relationship(
        order_by="MessageAttachment.id", cascade="all, delete-orphan"
    )


class MessageAttachment(Base):
    __tablename__ = "message_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    stored_file_id: Mapped[int] = mapped_column(sa.ForeignKey("stored_files.id"), unique=True)

    stored_file: Mapped[StoredFile] = relationship()


class ThreadReadState(Base):
    """How far one person has read a thread, and how far the e-mail digest told them."""

    __tablename__ = "thread_read_states"
    __table_args__ = (sa.UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("message_threads.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_read_message_id: Mapped[int] = mapped_column(default=0)
    last_notified_message_id: Mapped[int] = mapped_column(default=0)
    read_at: Mapped[datetime | None]


def _unread_messages() -> sa.ScalarSelect[int]:
    """Messages in a person's threads, written by the other company, past their read mark."""
    from app.models.user import User

    read_mark = (
        sa.select(ThreadReadState.last_read_message_id)
        .where(ThreadReadState.thread_id == MessageThread.id, ThreadReadState.user_id == User.id)
        .correlate(MessageThread, User)
        .scalar_subquery()
    )
    return (
        sa.select(sa.func.count(Message.id))
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(
            sa.or_(
                MessageThread.buyer_id == User.company_id,
                MessageThread.seller_id == User.company_id,
            ),
            Message.author_company_id != User.company_id,
            Message.id > sa.func.coalesce(read_mark, 0),
        )
        .correlate_except(Message, MessageThread, ThreadReadState)
        .scalar_subquery()
    )


def _attach_unread_count() -> None:
    # Added to User from here (users know nothing of messages): deferred, so only the
    # signed-in user's own load asks for it (app.services.accounts.auth), in that statement.
    from app.models.user import User

    User.unread_messages = column_property(_unread_messages(), deferred=True)


_attach_unread_count()
