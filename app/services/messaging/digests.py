"""The e-mail about unread messages: one digest per person per run, never one per message.

Every ``DIGEST_MINUTES`` the job (``app.tasks.messages``) looks for messages written by the
other company that a person has neither read nor been told of, and sends that person one
e-mail in their own language listing the conversations and how many messages wait in
each. Messages younger than the edit grace period wait for the next run, so an e-mail
never announces a message that is still being corrected. Each thread's "told up to" mark
is moved in the same transaction as the e-mail is queued: a repeated run tells nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import and_, func, or_, select

from app.extensions import db
from app.models import Message, MessageThread, ThreadReadState, User
from app.public_urls import absolute_url
from app.services.accounts.capabilities import Action, roles_for
from app.services.messaging.posting import EDIT_GRACE
from app.services.outbox import queue_email

DIGEST_MINUTES = 10
# Older unread messages were told of before, or their readers have long moved on.
LOOK_BACK = timedelta(days=7)


def send_digests(now: datetime) -> int:
    """Queue one e-mail per person with news; returns how many were queued."""
    cutoff = now - EDIT_GRACE
    read_mark = func.coalesce(ThreadReadState.last_read_message_id, 0)
    told_mark = func.coalesce(ThreadReadState.last_notified_message_id, 0)
    rows = db.session.execute(
        select(User.id, MessageThread.id, func.count(Message.id), func.max(Message.id))
        .select_from(Message)
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .join(
            User,
            or_(
                User.company_id == MessageThread.buyer_id,
                User.company_id == MessageThread.seller_id,
            ),
        )
        .outerjoin(
            ThreadReadState,
            and_(ThreadReadState.thread_id == MessageThread.id, ThreadReadState.user_id == User.id),
        )
        .where(
            User.active.is_(True),
            User.company_role.in_(roles_for(Action.SEND_MESSAGES)),
            Message.author_company_id != User.company_id,
            Message.created_at <= cutoff,
            Message.created_at > now - LOOK_BACK,
            Message.id > read_mark,
            Message.id > told_mark,
        )
        .group_by(User.id, MessageThread.id)
        .order_by(User.id, MessageThread.id)
    ).all()
    news: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for user_id, thread_id, count, last_id in rows:
        news[user_id].append((thread_id, int(count), int(last_id)))
    for user_id, threads in news.items():
        _send(user_id, threads)
    return len(news)


def _send(user_id: int, threads: list[tuple[int, int, int]]) -> None:
    person = db.session.get(User, user_id)
    assert person is not None
    lines = []
    for thread_id, count, last_id in threads:
        thread = db.session.get(MessageThread, thread_id)
        assert thread is not None
        other = thread.seller if person.company_id == thread.buyer_id else thread.buyer
        lines.append((thread, other.legal_name, count))
        _told(person.id, thread_id, last_id)
    total = sum(count for _, _, count in lines)
    with force_locale(person.locale or "en"):
        subject = ngettext(
            "%(num)d unread message on Corridor", "%(num)d unread messages on Corridor", total
        )
        listed = "\n".join(
            gettext(
                "%(company)s · %(subject)s: %(count)s\n%(link)s",
                company=company,
                subject=thread.subject,
                count=count,
                link=absolute_url(f"/messages/{thread.public_id}"),
            )
            for thread, company, count in lines
        )
        body = gettext(
            "You have unread messages:\n\n%(threads)s\n\nReply on Corridor, where both sides"
            " keep the record.",
            threads=listed,
        )
    queue_email(person.email, subject[:255], body)


def _told(user_id: int, thread_id: int, last_id: int) -> None:
    state = db.session.scalar(
        select(ThreadReadState).where(
            ThreadReadState.thread_id == thread_id, ThreadReadState.user_id == user_id
        )
    )
    if state is None:
        state = ThreadReadState(
            thread_id=thread_id, user_id=user_id, last_read_message_id=0, last_notified_message_id=0
        )
        db.session.add(state)
    state.last_notified_message_id = max(state.last_notified_message_id, last_id)
    db.session.flush()
