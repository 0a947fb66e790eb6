"""Register exports built in the background: the ZIP of a filtered set of invoice PDFs."""

from __future__ import annotations

from huey import crontab

from app.database import commit, rollback
from app.models.base import utcnow
from app.services.finance import register_zip
from app.tasks import huey, in_app_context, job


@job(retries=2, retry_delay=30)
def build_register_zip(export_id: int) -> None:
    """Build one export's ZIP a batch at a time; a repeated job finds it claimed and stops.

    Each batch is its own short transaction: progress is committed so the export page sees
    it move, and the read ends before the PDFs are written to disk. Failures are recorded
    on the export, so a retry only follows an error before the build was claimed.
    """
    claimed = register_zip.claim_export(export_id)
    if claimed is None:
        return
    commit()
    writer: register_zip.ZipWriter | None = None
    try:
        document_ids = register_zip.exportable_document_ids(
            claimed.company_id, claimed.chosen, claimed.day
        )
        register_zip.set_progress(export_id, total=len(document_ids), done=0)
        commit()
        writer = register_zip.ZipWriter(register_zip.partial_path(claimed.public_id))
        for start in range(0, len(document_ids), register_zip.BATCH_SIZE):
            batch = document_ids[start : start + register_zip.BATCH_SIZE]
            register_zip.set_progress(export_id, done=start)
            rows = register_zip.load_pdfs(batch)
            commit()
            writer.add(batch, rows)
        target = register_zip.export_root() / f"{claimed.public_id}.zip"
        byte_size = writer.complete(target)
        register_zip.publish_zip(claimed.public_id, target)
    except Exception as error:
        rollback()
        if writer is not None:
            writer.close()
        register_zip.fail_export(claimed, error)
        commit()
        return
    register_zip.finish_export(export_id, len(document_ids), byte_size)


@huey.periodic_task(crontab(minute="23"))
def remove_old_register_zips() -> None:
    """Hourly, in the job consumer: finished ZIPs go after a week (they can be rebuilt)."""
    with in_app_context():
        register_zip.remove_old_zips(utcnow())
