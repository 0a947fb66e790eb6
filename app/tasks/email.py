"""Sending the e-mail outbox: SMTP when configured, the log in development."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

from app.extensions import db
from app.models import OutboxEmail
from app.models.base import utcnow
from app.operations.metrics import EMAILS_SENT
from app.tasks import job

log = logging.getLogger(__name__)


def _deliver(message: OutboxEmail) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        log.info(
            "e-mail to %s: %s\n%s",
            message.to_address,
            message.subject,
            message.body_text,
            extra={"outbox_id": message.id},
        )
        return
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body_text)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)


@job(retries=5, retry_delay=60)
def send_outbox_email(message_id: int) -> None:
    """Send one outbox message unless it was sent already (jobs may run twice)."""
    message = db.session.get(OutboxEmail, message_id, with_for_update=True)
    if message is None or message.sent_at is not None:
        return
    message.attempts += 1
    _deliver(message)
    message.sent_at = utcnow()
    EMAILS_SENT.inc()
