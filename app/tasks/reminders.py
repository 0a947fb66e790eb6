"""Overdue payments: every hour the consumer reminds buyers of what is past due."""

from __future__ import annotations

from huey import crontab

from app.models.base import utcnow
from app.services.payments import reminders
from app.tasks import huey, job


@job(retries=2, retry_delay=300)
def send_payment_reminders() -> None:
    """One unit of work: claim each overdue milestone's reminder and write its e-mails.

    Idempotent: a milestone reminded within the interval is skipped, so a retried or
    repeated run sends nothing twice; the e-mails leave only once the claims commit.
    """
    reminders.send_overdue_reminders(utcnow())


@huey.periodic_task(crontab(minute="41"))
def remind_overdue_payments() -> None:
    """Hourly, in the job consumer: queue the reminder job (retried on its own)."""
    send_payment_reminders()
