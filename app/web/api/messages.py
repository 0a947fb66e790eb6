"""``/api/v1/threads``: the ERP reads and writes the messages of its company's threads,
with the conventions of ``/api/v1/orders`` (bearer token, JSON errors, 404 for what is
not the company's). Files are listed with a download link; sending files is for the
pages (multipart), the API sends text.
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from app.models import Message, MessageThread, Order, User
from app.services.accounts.capabilities import Side
from app.services.messaging import posting, threads
from app.services.orders.queries import company_order
from app.web.api.views import _actor, bp
from app.web.boundary import attempt
from app.web.errors import render_error
from app.web.files import send_stored
from app.web.forms import page_number


def _user() -> User:
    user: User = g.api_user
    return user


def _not_yours() -> ResponseReturnValue:
    return render_error(404, gettext("There is nothing here, or it is not yours to see."))


def _message_json(thread: MessageThread, message: Message) -> dict[str, Any]:
    return {
        "id": message.public_id,
        "at": message.created_at.isoformat(),
        "edited_at": message.edited_at.isoformat() if message.edited_at else None,
        "author": message.author_name,
        "company": "buyer" if message.author_company_id == thread.buyer_id else "seller",
        "body": message.body,
        "files": [
            {
                "name": attachment.stored_file.filename,
                "content_type": attachment.stored_file.content_type,
                "bytes": attachment.stored_file.byte_size,
                "sha256": attachment.stored_file.sha256,
                "url": url_for(
                    "api.thread_file",
                    public_id=thread.public_id,
                    file_id=attachment.stored_file.public_id,
                ),
            }
            for attachment in message.attachments
        ],
    }


def _thread_json(thread: MessageThread, unread: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": thread.public_id,
        "topic": thread.topic.value,
        "subject": thread.subject,
        "counterparty": threads.counterparty_name(thread, _user()),
        "last_message_at": thread.last_message_at.isoformat() if thread.last_message_at else None,
    }
    if unread is not None:
        body["unread"] = unread
    return body


@bp.get("/threads")
def thread_list() -> ResponseReturnValue:
    """The company's threads, latest first, with this token's person's unread counts."""
    rows = threads.inbox(_user(), page_number(request.args.get("page")))
    return jsonify(threads=[_thread_json(row.thread, row.unread) for row in rows])


@bp.get("/threads/<public_id>")
def thread_show(public_id: str) -> ResponseReturnValue:
    thread = threads.visible_thread(_user(), public_id)
    if thread is None:
        return _not_yours()
    body = _thread_json(thread)
    body["messages"] = [_message_json(thread, m) for m in posting.thread_messages(thread)]
    return jsonify(body)


def _post(open_thread: Any) -> ResponseReturnValue:
    payload = request.get_json(force=True, silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("body"), str):
        return render_error(400, gettext('Send the message as JSON: {"body": "..."}.'))
    outcome = attempt(
        lambda: posting.post_message(_actor(), open_thread(), payload["body"]),
        flash_refusal=False,
    )
    if outcome.value is None:
        error = outcome.error
        assert error is not None
        return render_error(error.status, str(error), error.field)
    message = outcome.value
    response = jsonify(_message_json(message.thread, message))
    response.status_code = 201
    response.headers["Location"] = url_for("api.thread_show", public_id=message.thread.public_id)
    return response


@bp.post("/threads/<public_id>/messages")
def thread_post(public_id: str) -> ResponseReturnValue:
    thread = threads.visible_thread(_user(), public_id)
    if thread is None:
        return _not_yours()
    return _post(lambda: thread)


@bp.post("/orders/<public_id>/messages")
def order_post(public_id: str) -> ResponseReturnValue:
    """Write in an order's thread, opening it with its first message."""
    user = _user()
    order: Order | None = company_order(user.company_id or 0, public_id, Side.BUYER)
    if order is None:
        return _not_yours()
    return _post(lambda: threads.order_thread(user, order))


@bp.post("/threads/<public_id>/read")
def thread_read(public_id: str) -> ResponseReturnValue:
    """Mark the thread read up to its last message for the token's person."""
    thread = threads.visible_thread(_user(), public_id)
    if thread is None:
        return _not_yours()
    posting.mark_read(_user(), thread)
    return jsonify(id=thread.public_id, unread=0)


@bp.get("/threads/<public_id>/files/<file_id>")
def thread_file(public_id: str, file_id: str) -> ResponseReturnValue:
    thread = threads.visible_thread(_user(), public_id)
    stored = posting.thread_file(thread, file_id) if thread is not None else None
    if stored is None:
        return _not_yours()
    return send_stored(stored)
