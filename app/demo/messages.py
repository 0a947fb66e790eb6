"""Demo messages: MCCT's purchaser writes in Chinese and English, the sellers answer in
English, on demo orders and on the demo RFQs' threads. Written through the messaging
services; seeded once (if any thread exists, nothing is added)."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import MessageThread, Order, Rfq, RfqInvitation, User
from app.services.audit.recording import Actor
from app.services.messaging import posting, threads

BUYER_EMAIL = "purchaser@mcct.example"

# (who writes, what) per thread, in order.
ORDER_CONVERSATION = (
    ("buyer", "您好，请确认本批货物的装运港和预计开船日期。谢谢！"),
    ("seller", "Dear Ms Li, we load at Karachi (KICT); the vessel is expected to sail in 14 days."),
    ("buyer", "Thank you. Please send the MSDS with the shipping documents."),
)
RFQ_CONVERSATION = (
    ("buyer", "请问贵司能否提供CFR上海的运费报价？ Could you quote freight CFR Shanghai?"),
    ("seller", "Yes: freight is included as a separate line in our quote."),
)


def _people(company_id: int, roles: tuple[str, ...]) -> User | None:
    found: User | None = db.session.scalar(
        select(User)
        .where(User.company_id == company_id, User.company_role.in_(roles))
        .order_by(User.id)
    )
    return found


def _converse(
    thread: MessageThread, buyer: User, seller: User, lines: tuple[tuple[str, str], ...]
) -> None:
    for who, text in lines:
        author = buyer if who == "buyer" else seller
        posting.post_message(Actor(author), thread, text)


def seed_messages() -> int:
    """Write the demo conversations once; returns how many threads were written in."""
    buyer = db.session.scalar(select(User).where(User.email == BUYER_EMAIL))
    if buyer is None or buyer.company_id is None:
        return 0
    if db.session.scalar(select(func.count(MessageThread.id))):
        return 0
    written = 0
    orders = db.session.scalars(
        select(Order).where(Order.buyer_id == buyer.company_id).order_by(Order.id).limit(2)
    )
    for order in orders:
        seller = _people(order.seller_id, ("sales", "owner"))
        if seller is None:
            continue
        _converse(threads.order_thread(buyer, order), buyer, seller, ORDER_CONVERSATION)
        written += 1
    rfqs = db.session.scalars(
        select(Rfq).where(Rfq.buyer_id == buyer.company_id).order_by(Rfq.id).limit(2)
    )
    for rfq in rfqs:
        invitation = db.session.scalar(
            select(RfqInvitation).where(RfqInvitation.rfq_id == rfq.id).order_by(RfqInvitation.id)
        )
        seller = _people(invitation.seller_id, ("sales", "owner")) if invitation else None
        if invitation is None or seller is None:
            continue
        thread = threads.rfq_thread(buyer, rfq, invitation.seller_id)
        _converse(thread, buyer, seller, RFQ_CONVERSATION)
        written += 1
    return written
