"""Messages written through the services, as the parties write them."""

from __future__ import annotations

from flask import Flask

from app.extensions import db
from app.models import Message, MessageThread, Order, User
from app.services.audit.recording import Actor
from app.services.messaging import posting, threads


def write_on_order(app: Flask, author: User, order: Order, body: str) -> Message:
    """``author`` writes ``body`` in ``order``'s thread (opened if need be); committed."""
    with app.test_request_context():
        thread: MessageThread = threads.order_thread(author, order)
        message = posting.post_message(Actor(author), thread, body)
        db.session.commit()
    return message
