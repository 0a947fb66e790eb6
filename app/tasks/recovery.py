"""Every minute, in the job consumer: jobs lost with a killed consumer are queued again."""

from __future__ import annotations

import logging

from huey import crontab

from app.models.base import utcnow
from app.services.stalled import requeue_stalled
from app.tasks import huey, job

log = logging.getLogger(__name__)


@job(retries=0)
def requeue_stalled_work() -> None:
    renders, emails = requeue_stalled(utcnow())
    if renders or emails:
        log.warning(
            "queued again %d stalled renders and %d stalled e-mails",
            renders,
            emails,
            extra={"renders": renders, "emails": emails},
        )


@huey.periodic_task(crontab(minute="*"))
def recover_stalled_work() -> None:
    """Each minute: whatever a killed consumer was doing is queued again (idempotent)."""
    requeue_stalled_work()
