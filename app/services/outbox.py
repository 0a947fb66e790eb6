"""E-mail: written to the outbox in the caller's transaction, sent by a job after commit."""

from __future__ import annotations

from app.extensions import db
from app.models import OutboxEmail
from app.reference.text import neutralise_bidi
from app.services.jobs import enqueue


def queue_email(to_address: str, subject: str, body_text: str) -> OutboxEmail:
    """Store the message and send it once the transaction commits.

    Names and other text users typed reach the subject and body: direction controls are
    removed from both, as from every page and PDF (``app.reference.text``).
    """
    message = OutboxEmail(
        to_address=to_address,
        subject=neutralise_bidi(subject),
        body_text=neutralise_bidi(body_text),
    )
    db.session.add(message)
    db.session.flush()
    enqueue("send_outbox_email", message.id)
    return message
