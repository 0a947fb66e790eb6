"""Outgoing webhooks: each delivery attempt is a job; every minute the due retries are queued."""

from __future__ import annotations

from huey import crontab

from app.database import commit, rollback, write_intent
from app.models.base import utcnow
from app.services.webhooks import delivery
from app.tasks import huey, job


@job(retries=0, own_transactions=True)
def deliver_webhook(delivery_id: int, expected_attempts: int) -> None:
    """One signed POST; a failure is logged and scheduled by the service, not raised
    (Huey's own retries would bypass the backoff schedule and the 3-day limit).

    Three steps: read the request, end that transaction, send (a receiver may take 15 s;
    no lock is held meanwhile), then record the answer in a write transaction.
    """
    prepared = delivery.prepare_attempt(delivery_id, expected_attempts, utcnow())
    rollback()
    if prepared is None:
        return
    answer = delivery.send(prepared)
    with write_intent():
        delivery.record_attempt(delivery_id, expected_attempts, answer, utcnow())
        commit()


@job(retries=1, retry_delay=30)
def queue_due_webhooks() -> None:
    """Queue the deliveries whose retry time has come (they start after this commits)."""
    delivery.queue_due(utcnow())


@huey.periodic_task(crontab(minute="*"))
def retry_webhooks() -> None:
    """Every minute, in the job consumer: look for due retries."""
    queue_due_webhooks()
