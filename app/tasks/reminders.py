"""Payments due and overdue: every hour the consumer announces milestones falling due and
reminds buyers of what is past due."""

from __future__ import annotations

from huey import crontab

from app.models.base import utcnow
from app.services.payments import reminders
from app.tasks import huey, job


@job(retries=2, retry_delay=300)
def send_payment_reminders() -> None:
    """One unit of work: announce milestones falling due (``milestone.due``, once each),
    then claim each overdue milestone's reminder and write its e-mails.

    Idempotent: a milestone reminded within the interval is skipped, so a retried or
    repeated run sends nothing twice; the e-mails leave only once the claims commit.
    """
    now = utcnow()
    reminders.announce_due_milestones(now)
    reminders.send_overdue_reminders(now)


@huey.periodic_task(crontab(minute="41"))
def remind_overdue_payments() -> None:
    """Hourly, in the job consumer: queue the reminder job (retried on its own)."""
    send_payment_reminders()
