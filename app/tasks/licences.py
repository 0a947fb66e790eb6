"""The verification clock: company verifications lapse the day after their last day."""

from __future__ import annotations

from huey import crontab

from app.extensions import db
from app.models.base import utcnow
from app.services.licences.verification import expire_verifications
from app.tasks import huey, job


@job(retries=2, retry_delay=60)
def lapse_verifications() -> None:
    """One unit of work; idempotent (a second run finds nothing due)."""
    expire_verifications(db.session, utcnow())


# Hourly: each company's day ends at its own midnight (Karachi's, Shanghai's).
@huey.periodic_task(crontab(minute="5"))
def lapse_verifications_hourly() -> None:
    lapse_verifications()
