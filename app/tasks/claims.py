"""The claim clocks run on the minute: deliveries that confirm themselves after the B/L's
arrival date, escalation on day 8, evidence deadlines, and claims windows that close."""

from __future__ import annotations

from huey import crontab

from app.models.base import utcnow
from app.services.claims import escalation
from app.tasks import huey, job


@job(retries=2, retry_delay=60)
def run_claim_clocks() -> None:
    """One unit of work: every step due now. Idempotent: a second run finds nothing due.

    The deadlines live in the database, so a consumer restarted after an outage makes
    every step that fell due meanwhile on its first run.
    """
    escalation.run_clocks(utcnow())


@huey.periodic_task(crontab(minute="*"))
def run_claim_clocks_every_minute() -> None:
    run_claim_clocks()
