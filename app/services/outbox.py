"""E-mail: written to the outbox in the caller's transaction, sent by a job after commit."""

from __future__ import annotations

from app.extensions import db
from app.models import OutboxEmail
from app.services.jobs import enqueue


def queue_email(to_address: str, subject: str, body_text: str) -> OutboxEmail:
    """Store the message and send it once the transaction commits."""
    message = OutboxEmail(to_address=to_address, subject=subject, body_text=body_text)
    db.session.add(message)
    db.session.flush()
    enqueue("send_outbox_email", message.id)
    return message
