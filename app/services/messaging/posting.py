"""Writing and reading messages: appended, corrected only for a short grace period.

A message's author may correct its text for ``EDIT_GRACE`` after writing it (a typo in a
price is fixed before the other side acts on it); after that it never changes, and no
message is ever deleted: a thread is the parties' record, and evidence in a dispute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO

from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Message, MessageAttachment, MessageThread, StoredFile, ThreadReadState, User
from app.models.base import utcnow
from app.reference.text import neutralise_bidi
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor
from app.services.errors import Conflict, NotAllowed, ValidationFailed
from app.services.files import store_upload
from app.services.messaging.threads import acting_user, touch
from app.services.webhooks import events as webhook_events

EDIT_GRACE = timedelta(minutes=5)
MAX_BODY = 5000
MAX_ATTACHMENTS = 5
PURPOSE = "message_attachment"


@dataclass(frozen=True)
class Upload:
    """A file as it came: its bytes (or stream) and the name the sender gave it."""

    content: bytes | IO[bytes]
    filename: str | None


def _clean_body(body: str | None) -> str:
    text = neutralise_bidi((body or "").strip())
    if len(text) > MAX_BODY:
        raise ValidationFailed(lazy_gettext("Keep a message under 5,000 characters."), "body")
    return text


def _require_party(user: User, thread: MessageThread) -> None:
    require(user, Action.SEND_MESSAGES)
    if user.company_id not in (thread.buyer_id, thread.seller_id):
        raise NotAllowed(lazy_gettext("Only the two companies write in their thread."))


def post_message(
    actor: Actor, thread: MessageThread, body: str | None, uploads: Sequence[Upload] = ()
) -> Message:
    """Append a message (text, files or both) to ``thread`` as the acting person."""
    user = acting_user(actor)
    _require_party(user, thread)
    text = _clean_body(body)
    uploads = [upload for upload in uploads if upload.content]
    if not text and not uploads:
        raise ValidationFailed(lazy_gettext("Write a message or attach a file."), "body")
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationFailed(
            lazy_gettext("Attach at most %(count)s files to a message.", count=MAX_ATTACHMENTS),
            "attachments",
        )
    message = Message(
        thread=thread,
        author_id=user.id,
        author_name=user.full_name,
        author_company_id=user.company_id,
        body=text,
    )
    db.session.add(message)
    for upload in uploads:
        stored = store_upload(
            user, upload.content, filename=upload.filename, purpose=PURPOSE, field="attachments"
        )
        message.attachments.append(MessageAttachment(stored_file_id=stored.id))
    touch(thread, message.created_at)
    db.session.flush()
    mark_read(user, thread, message.id)
    webhook_events.on_message_received(message, thread)
    return message


def edit_message(
    actor: Actor, message: Message, body: str | None, now: datetime | None = None
) -> None:
    """Correct one's own message within ``EDIT_GRACE`` of writing it; never after."""
    user = acting_user(actor)
    if message.author_id != user.id:
        raise NotAllowed(lazy_gettext("Only its author corrects a message."))
    now = now or utcnow()
    if now >= message.created_at + EDIT_GRACE:
        raise Conflict(
            lazy_gettext("A message can be corrected for 5 minutes after it is sent, not later.")
        )
    text = _clean_body(body)
    if not text and not message.attachments:
        raise ValidationFailed(lazy_gettext("Write a message or attach a file."), "body")
    message.body = text
    message.edited_at = now
    db.session.flush()


def last_message_id(thread: MessageThread) -> int:
    return int(
        db.session.scalar(select(func.max(Message.id)).where(Message.thread_id == thread.id)) or 0
    )


def mark_read(user: User, thread: MessageThread, up_to: int | None = None) -> None:
    """``user`` has read ``thread`` up to ``up_to`` (default: its last message); never back."""
    up_to = last_message_id(thread) if up_to is None else up_to
    state = db.session.scalar(
        select(ThreadReadState).where(
            ThreadReadState.thread_id == thread.id, ThreadReadState.user_id == user.id
        )
    )
    if state is None:
        try:
            with db.session.begin_nested():
                state = ThreadReadState(
                    thread_id=thread.id,
                    user_id=user.id,
                    last_read_message_id=0,
                    last_notified_message_id=0,
                )
                db.session.add(state)
        except IntegrityError:
            state = db.session.scalar(
                select(ThreadReadState).where(
                    ThreadReadState.thread_id == thread.id, ThreadReadState.user_id == user.id
                )
            )
            assert state is not None
    if up_to > state.last_read_message_id:
        state.last_read_message_id = up_to
        state.read_at = utcnow()
        db.session.flush()
        # The count loaded with the user is stale now: the page reloads it when shown.
        db.session.expire(user, ["unread_messages"])
    db.session.flush()


def thread_messages(thread: MessageThread) -> list[Message]:
    """The thread's messages, oldest first, with their files (two statements)."""
    from sqlalchemy.orm import selectinload

    return list(
        db.session.scalars(
            select(Message)
            .where(Message.thread_id == thread.id)
            .options(selectinload(Message.attachments).joinedload(MessageAttachment.stored_file))
            .order_by(Message.id)
        )
    )


def thread_file(thread: MessageThread, file_public_id: str) -> StoredFile | None:
    """A file attached to a message of ``thread`` (else None: the caller answers 404)."""
    stored: StoredFile | None = db.session.scalar(
        select(StoredFile)
        .join(MessageAttachment, MessageAttachment.stored_file_id == StoredFile.id)
        .join(Message, Message.id == MessageAttachment.message_id)
        .where(Message.thread_id == thread.id, StoredFile.public_id == file_public_id)
    )
    return stored


def may_edit(message: Message, user: User, now: datetime | None = None) -> bool:
    return message.author_id == user.id and (now or utcnow()) < message.created_at + EDIT_GRACE
