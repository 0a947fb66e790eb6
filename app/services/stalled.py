"""Work a killed job consumer left undone: found by the rows, not by the queue.

A consumer killed mid-job loses that job (the queue handed it over). The rows still say
what is undone, a document still rendering, an e-mail never sent, so a periodic task
queues those jobs again; both jobs check the row first and do nothing the second time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Document, DocumentStatus, OutboxEmail
from app.services.jobs import enqueue

# Longer than a render or a delivery takes; shorter than anyone waits for a document.
STALLED_AFTER = timedelta(seconds=90)
MAX_EMAIL_ATTEMPTS = 5


def requeue_stalled(now: datetime, limit: int = 500) -> tuple[int, int]:
    """Queue again the renders and e-mails older than STALLED_AFTER; (renders, e-mails)."""
    before = now - STALLED_AFTER
    documents = db.session.scalars(
        select(Document.id)
        .where(Document.status == DocumentStatus.RENDERING, Document.issued_at < before)
        .order_by(Document.id)
        .limit(limit)
    ).all()
    for document_id in documents:
        enqueue("render_document", document_id)
    emails = db.session.scalars(
        select(OutboxEmail.id)
        .where(
            OutboxEmail.sent_at.is_(None),
            OutboxEmail.created_at < before,
            OutboxEmail.attempts < MAX_EMAIL_ATTEMPTS,
        )
        .order_by(OutboxEmail.id)
        .limit(limit)
    ).all()
    for message_id in emails:
        enqueue("send_outbox_email", message_id)
    return len(documents), len(emails)
