"""Threads: one per order, per RFQ and invited seller, per listing and asking buyer.

A thread is between exactly two companies, the buyer and the seller; only their people
see it (another company's thread answers 404, as orders do). Threads open on first use:
a racing second opener finds the first one's row (unique keys, a savepoint).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext
from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    Message,
    MessageThread,
    Order,
    Product,
    ProductStatus,
    Rfq,
    RfqInvitation,
    ThreadReadState,
    ThreadTopic,
    User,
)
from app.models.base import utcnow
from app.services.accounts.capabilities import Action, can, require
from app.services.audit.recording import Actor
from app.services.errors import NotAllowed, NotFound

PAGE_SIZE = 50


def party(company_id: int | None) -> Any:
    return or_(MessageThread.buyer_id == company_id, MessageThread.seller_id == company_id)


def _open(
    topic: ThreadTopic, buyer_id: int, seller_id: int, subject: str, **key: int
) -> MessageThread:
    """The thread ``key`` names, made now if it does not exist yet."""
    query = select(MessageThread).where(
        *(getattr(MessageThread, name) == value for name, value in key.items())
    )
    if topic is ThreadTopic.RFQ:
        query = query.where(MessageThread.seller_id == seller_id)
    if topic is ThreadTopic.PRODUCT:
        query = query.where(MessageThread.buyer_id == buyer_id)
    found = db.session.scalar(query)
    if found is not None:
        return found
    thread = MessageThread(
        topic=topic, buyer_id=buyer_id, seller_id=seller_id, subject=subject[:200], **key
    )
    try:
        with db.session.begin_nested():
            db.session.add(thread)
    except IntegrityError:
        # Someone opened it a moment ago: theirs is the thread.
        found = db.session.scalar(query)
        assert found is not None
        return found
    return thread


def order_thread(user: User, order: Order) -> MessageThread:
    """The thread of ``order``, for one of its parties' people."""
    require(user, Action.READ_MESSAGES)
    if user.company_id not in (order.buyer_id, order.seller_id):
        raise NotFound(lazy_gettext("No such order."))
    return _open(
        ThreadTopic.ORDER, order.buyer_id, order.seller_id, order.reference, order_id=order.id
    )


def product_thread(user: User, product: Product) -> MessageThread:
    """ "Ask the supplier": the thread between the asking buyer company and the seller."""
    require(user, Action.SEND_MESSAGES)
    company = user.company
    if product.status is not ProductStatus.PUBLISHED:
        raise NotFound(lazy_gettext("No such listing."))
    if company is None or not company.buys or company.id == product.seller_id:
        raise NotAllowed(lazy_gettext("Only buyers ask a supplier about its listing."))
    return _open(
        ThreadTopic.PRODUCT, company.id, product.seller_id, product.title, product_id=product.id
    )


def rfq_thread(user: User, rfq: Rfq, seller_id: int) -> MessageThread:
    """The thread between the RFQ's buyer and one seller it invited."""
    require(user, Action.READ_MESSAGES)
    invited = db.session.scalar(
        select(RfqInvitation.id).where(
            RfqInvitation.rfq_id == rfq.id, RfqInvitation.seller_id == seller_id
        )
    )
    if invited is None or user.company_id not in (rfq.buyer_id, seller_id):
        raise NotFound(lazy_gettext("No such request for quotation."))
    return _open(ThreadTopic.RFQ, rfq.buyer_id, seller_id, rfq.title, rfq_id=rfq.id)


def visible_thread(user: User, public_id: str) -> MessageThread | None:
    """The thread if ``user``'s company is one of its two parties (else None: a 404)."""
    if not can(user, Action.READ_MESSAGES):
        return None
    thread: MessageThread | None = db.session.scalar(
        select(MessageThread).where(MessageThread.public_id == public_id, party(user.company_id))
    )
    return thread


@dataclass(frozen=True)
class ThreadRow:
    thread: MessageThread
    unread: int


def inbox(user: User, page: int = 1) -> list[ThreadRow]:
    """The company's threads, latest message first, with this person's unread counts."""
    if not can(user, Action.READ_MESSAGES):
        return []
    read_mark = func.coalesce(ThreadReadState.last_read_message_id, 0)
    unread = (
        select(func.count(Message.id))
        .where(
            Message.thread_id == MessageThread.id,
            Message.author_company_id != user.company_id,
            Message.id > read_mark,
        )
        .correlate(MessageThread, ThreadReadState)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(MessageThread, unread)
        .outerjoin(
            ThreadReadState,
            and_(ThreadReadState.thread_id == MessageThread.id, ThreadReadState.user_id == user.id),
        )
        .where(party(user.company_id), MessageThread.last_message_at.is_not(None))
        .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc())
        .limit(PAGE_SIZE)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
    ).all()
    return [ThreadRow(thread, int(count or 0)) for thread, count in rows]


def counterparty_name(thread: MessageThread, user: User) -> str:
    other = thread.seller if user.company_id == thread.buyer_id else thread.buyer
    return str(other.legal_name)


def touch(thread: MessageThread, at: datetime | None = None) -> None:
    thread.last_message_at = at or utcnow()


def acting_user(actor: Actor) -> User:
    if actor.user is None:
        raise NotAllowed(lazy_gettext("Sign in to write messages."))
    return actor.user
