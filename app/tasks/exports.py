"""Register exports built in the background: the ZIP of a filtered set of invoice PDFs."""

from __future__ import annotations

from app.tasks import job


@job(retries=2, retry_delay=30)
def build_register_zip(export_id: int) -> None:
    """Build one export's ZIP (``app.services.register_zip.build_zip``); a repeat does nothing.

    The service commits its progress as it goes and records its own failures on the export,
    so a retry only follows an error before the build started (the database unreachable).
    """
    # Imported here: the service queues this task, so it imports this module first.
    from app.services.register_zip import build_zip

    build_zip(export_id)
