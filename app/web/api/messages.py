"""``/api/v1/threads``: the ERP reads and writes the messages of its company's threads,
with the conventions of ``/api/v1/orders`` (bearer token, JSON errors, 404 for what is
not the company's). Files are listed with a download link; sending files is for the
pages (multipart), the API sends text.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import g, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.models import Message, MessageThread, Order, User
from app.services.accounts.capabilities import Side
from app.services.messaging import posting, threads
from app.services.orders.queries import company_order
from app.web.api.contract import ApiAnswer, operation
from app.web.api.schemas.messages import (
    PageQuery,
    PostMessage,
    ThreadDetail,
    ThreadList,
    ThreadMessage,
    ThreadRead,
    ThreadSummary,
    thread_message,
)
from app.web.api.views import _actor, bp
from app.web.boundary import attempt
from app.web.errors import render_error
from app.web.files import send_stored
from app.web.forms import page_number

TAGS = ("messages",)


def _user() -> User:
    user: User = g.api_user
    return user


def _not_yours() -> ResponseReturnValue:
    return render_error(404, gettext("There is nothing here, or it is not yours to see."))


def _file_url(thread: MessageThread) -> Callable[[str], str]:
    return lambda file_id: url_for("api.thread_file", public_id=thread.public_id, file_id=file_id)


def _message(thread: MessageThread, message: Message) -> ThreadMessage:
    return thread_message(thread, message, _file_url(thread))


@bp.get("/threads")
@operation(query=PageQuery, responses={200: ThreadList}, tags=TAGS)
def thread_list(query: PageQuery) -> ApiAnswer:
    """The company's threads, latest first, with this token's person's unread counts."""
    user = _user()
    rows = threads.inbox(user, page_number(query.page))
    return ThreadList(
        threads=[
            ThreadSummary(
                id=row.thread.public_id,
                topic=row.thread.topic,
                subject=row.thread.subject,
                counterparty=threads.counterparty_name(row.thread, user),
                last_message_at=row.thread.last_message_at,
                unread=row.unread,
            )
            for row in rows
        ]
    )


@bp.get("/threads/<public_id>")
@operation(responses={200: ThreadDetail}, tags=TAGS)
def thread_show(public_id: str) -> ApiAnswer:
    """One thread with its messages, oldest first."""
    thread = threads.visible_thread(_user(), public_id)
    if thread is None:
        return _not_yours()
    return ThreadDetail(
        id=thread.public_id,
        topic=thread.topic,
        subject=thread.subject,
        counterparty=threads.counterparty_name(thread, _user()),
        last_message_at=thread.last_message_at,
        messages=[_message(thread, m) for m in posting.thread_messages(thread)],
    )


def _post(open_thread: Callable[[], MessageThread], body: PostMessage) -> ApiAnswer:
    outcome = attempt(
        lambda: posting.post_message(_actor(), open_thread(), body.body),
        flash_refusal=False,
    )
    if outcome.value is None:
        error = outcome.error
        assert error is not None
        return render_error(
            error.status, str(error), error.field, path=error.path, error_code=error.code
        )
    message = outcome.value
    location = url_for("api.thread_show", public_id=message.thread.public_id)
    return _message(message.thread, message), 201, {"Location": location}


@bp.post("/threads/<public_id>/messages")
@operation(body=PostMessage, responses={201: ThreadMessage}, errors=(409,), tags=TAGS)
def thread_post(public_id: str, body: PostMessage) -> ApiAnswer:
    """Write in a thread of the company's."""
    thread = threads.visible_thread(_user(), public_id)
    if thread is None:
        return _not_yours()
    return _post(lambda: thread, body)


@bp.post("/orders/<public_id>/messages")
@operation(body=PostMessage, responses={201: ThreadMessage}, errors=(409,), tags=TAGS)
def order_post(public_id: str, body: PostMessage) -> ApiAnswer:
    """Write in an order's thread, opening it with its first message."""
    user = _user()
    order: Order | None = company_order(user.company_id or 0, public_id, Side.BUYER)
    if order is None:
        return _not_yours()
    return _post(lambda: threads.order_thread(user, order), body)


@bp.post("/threads/<public_id>/read")
@operation(responses={200: ThreadRead}, tags=TAGS)
def thread_read(public_id: str) -> ApiAnswer:
    """Mark the thread read up to its last message for the token's person."""
    thread = threads.visible_thread(_user(), public_id)
    if thread is None:
        return _not_yours()
    posting.mark_read(_user(), thread)
    return ThreadRead(id=thread.public_id, unread=0)


@bp.get("/threads/<public_id>/files/<file_id>")
@operation(
    responses={200: None},
    content={200: {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
    tags=TAGS,
)
def thread_file(public_id: str, file_id: str) -> ApiAnswer:
    """Download a file attached to a message of the thread (its own content type)."""
    thread = threads.visible_thread(_user(), public_id)
    stored = posting.thread_file(thread, file_id) if thread is not None else None
    if stored is None:
        return _not_yours()
    return send_stored(stored)
