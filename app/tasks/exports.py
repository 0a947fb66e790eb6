"""Register exports built in the background: the ZIP of a filtered set of invoice PDFs."""

from __future__ import annotations

from huey import crontab

from app.tasks import huey, in_app_context, job


@job(retries=2, retry_delay=30)
def build_register_zip(export_id: int) -> None:
    """Build one export's ZIP (``app.services.register_zip.build_zip``); a repeat does nothing.

    The service commits its progress as it goes and records its own failures on the export,
    so a retry only follows an error before the build started (the database unreachable).
    """
    # Imported here: the service queues this task, so it imports this module first.
    from app.services.register_zip import build_zip

    build_zip(export_id)


@huey.periodic_task(crontab(minute="23"))
def remove_old_register_zips() -> None:
    """Hourly, in the job consumer: finished ZIPs go after a week (they can be rebuilt)."""
    from app.models.base import utcnow
    from app.services.register_zip import remove_old_zips

    with in_app_context():
        remove_old_zips(utcnow())
