"""Corridor's eyes on a thread: only when a party reports it, or a dispute names it.

Messages are the two companies' business. A party may "report to Corridor" (a scam, a
threat, a forged document); from then on the platform's operators may read the thread,
and every read is written to the audit log. A dispute naming a thread will open it the
same way (``named_by_dispute``, the hook the disputes issue fills in).
"""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import select

from app.extensions import db
from app.models import MessageThread
from app.models.base import utcnow
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.messaging.posting import MAX_BODY
from app.services.messaging.threads import acting_user


def named_by_dispute(thread: MessageThread) -> bool:
    """Whether an open dispute names ``thread`` (disputes come with their own issue)."""
    return False


def operator_may_read(thread: MessageThread) -> bool:
    return thread.reported_at is not None or named_by_dispute(thread)


def report_thread(actor: Actor, thread: MessageThread, reason: str | None) -> None:
    """A party asks Corridor to look at the thread; operators may read it from now on."""
    user = acting_user(actor)
    require(user, Action.SEND_MESSAGES)
    if user.company_id not in (thread.buyer_id, thread.seller_id):
        raise NotFound(lazy_gettext("No such conversation."))
    text = (reason or "").strip()
    if not 3 <= len(text) <= MAX_BODY:
        raise ValidationFailed(lazy_gettext("Tell Corridor what is wrong."), "reason")
    if thread.reported_at is not None:
        raise Conflict(lazy_gettext("This conversation is already reported to Corridor."))
    thread.reported_at = utcnow()
    thread.reported_by_id = user.id
    thread.report_reason = text
    record_audit(
        actor,
        "thread.reported",
        object_type="message_thread",
        object_id=thread.public_id,
        details={"subject": thread.subject},
    )
    db.session.flush()


def reported_threads() -> list[MessageThread]:
    return list(
        db.session.scalars(
            select(MessageThread)
            .where(MessageThread.reported_at.is_not(None))
            .order_by(MessageThread.reported_at.desc())
        )
    )


def operator_thread(actor: Actor, public_id: str) -> MessageThread:
    """The thread for an operator, if reported (or named by a dispute); the read is audited."""
    require(actor.user, Action.OPERATE)
    thread = db.session.scalar(select(MessageThread).where(MessageThread.public_id == public_id))
    if thread is None or not operator_may_read(thread):
        raise NotFound(lazy_gettext("No such conversation."))
    record_audit(
        actor,
        "thread.operator_read",
        company_id=thread.seller_id,
        object_type="message_thread",
        object_id=thread.public_id,
        details={"buyer": thread.buyer_id, "seller": thread.seller_id},
    )
    return thread
