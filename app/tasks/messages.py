"""Unread messages: every ten minutes the consumer e-mails each person one digest."""

from __future__ import annotations

from huey import crontab

from app.models.base import utcnow
from app.services.messaging import digests
from app.tasks import huey, job


@job(retries=2, retry_delay=120)
def send_message_digests() -> None:
    """One unit of work: each person's digest and their "told up to" marks commit together,
    so a retried or repeated run tells nobody twice."""
    digests.send_digests(utcnow())


@huey.periodic_task(crontab(minute=f"*/{digests.DIGEST_MINUTES}"))
def email_unread_messages() -> None:
    """In the job consumer: queue the digest job (retried on its own)."""
    send_message_digests()
