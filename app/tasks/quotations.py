"""Quotes and RFQs expire on the minute: the consumer runs the expiry every minute."""

from __future__ import annotations

from huey import crontab

from app.models.base import utcnow
from app.services.quotations import expiry
from app.tasks import huey, job


@job(retries=2, retry_delay=60)
def expire_quotations() -> None:
    """One unit of work: expire what is due. Idempotent: a second run finds nothing due."""
    expiry.expire_due(utcnow())


@huey.periodic_task(crontab(minute="*"))
def expire_quotations_every_minute() -> None:
    expire_quotations()
