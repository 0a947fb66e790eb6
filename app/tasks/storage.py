"""Daily, in the job consumer: stored files that nothing refers to are removed."""

from __future__ import annotations

import logging

from huey import crontab

from app.models.base import utcnow
from app.services.files.sweep import sweep_orphans
from app.tasks import huey, job

log = logging.getLogger(__name__)


@job(retries=1, retry_delay=600)
def sweep_stored_files() -> None:
    """Remove orphaned files (uploads whose transaction rolled back, stray temporaries)."""
    removed = sweep_orphans(utcnow())
    log.info("file sweep removed %d orphaned files", len(removed), extra={"removed": len(removed)})


@huey.periodic_task(crontab(hour="3", minute="17"))
def sweep_orphaned_files() -> None:
    """At 03:17 UTC, queue the sweep (retried on its own)."""
    sweep_stored_files()
