"""A ZIP of the issued PDFs in a filtered invoice register, built by a job, then downloaded.

Finance staff ask for it from the register (``start_export``); the job
selects the same filtered set the page shows, as it stood on the day they asked, and
writes the PDFs a small batch at a time into a temporary file beside the finished ZIPs
(``EXPORT_ROOT``), so memory stays bounded whatever the size of the set. Every PDF's
SHA-256 is checked against the digest stored when it was rendered; ``manifest.csv``, the
last entry, lists each file with its digest so the receiver can check them too. The
finished file then goes into the file storage as ``<public id>.zip`` (``publish_zip``), which
every web machine reads: a ZIP is in the storage only once complete.

The job (``app.tasks.exports.build_register_zip``) drives the build a batch at a time and
commits after each, in its own short transaction, so the export page (another connection)
sees progress advance; the read transaction ends before the disk writes, so no lock is
held while files are written. A failure marks the export failed with the reason and
removes the temporary file. The functions here only flush.

Only documents whose PDF exists are exported: invoices still being rendered are left out,
and ``total`` counts what goes in.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import LazyString, force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult

from app.extensions import db
from app.models import Company, Document, DocumentStatus, User
from app.models.base import utcnow
from app.models.finance import ExportStatus, RegisterExport
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed
from app.services.files.storage import file_storage
from app.services.finance.register import RegisterFilter, register_document_ids
from app.services.jobs import enqueue

log = logging.getLogger(__name__)

# PDFs loaded per query: bounds memory (a few MB) while keeping the queries few. Progress
# is committed once per batch.
BATCH_SIZE = 50
# Ids checked for readiness per query (well under every database's parameter limit).
_ID_CHUNK = 500
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("number", "file", "sha256", "bytes")
_UNFINISHED = (ExportStatus.QUEUED, ExportStatus.RUNNING)
# The manifest stays in memory up to this size, then spills to a temporary file.
_MANIFEST_IN_MEMORY = 1024 * 1024


class ExportProblem(Exception):
    """Why a ZIP could not be built; stored on the export and shown on its page."""

    def __init__(self, reason: LazyString) -> None:
        super().__init__(str(reason))
        self.reason = reason


def export_root() -> Path:
    """Where ZIPs are built, on the job consumer's own disk (``EXPORT_ROOT``, else
    ``<instance>/exports``); finished ones move to the file storage."""
    configured = current_app.config.get("EXPORT_ROOT")
    return Path(configured) if configured else Path(current_app.instance_path) / "exports"


def zip_key(export: RegisterExport) -> str:
    """The storage key of ``export``'s finished ZIP (present once it is done)."""
    return f"{export.public_id}.zip"


def publish_zip(public_id: str, built: Path) -> None:
    """Move the finished ZIP at ``built`` into the file storage, streamed from disk."""
    file_storage().put_file(f"{public_id}.zip", built, "application/zip")
    built.unlink(missing_ok=True)


def zip_chunks(export: RegisterExport) -> Iterator[bytes] | None:
    """The finished ZIP in chunks, or None when it is not (or no longer) stored."""
    storage = file_storage()
    key = zip_key(export)
    if export.status is not ExportStatus.DONE or not storage.exists(key):
        return None
    return storage.stream(key)


# Finished ZIPs are copies of stored PDFs, rebuilt in seconds: they are kept a week.
ZIP_KEPT_FOR = timedelta(days=7)
# A finished export's key (``zip_key``): a public id is letters and digits.
_ZIP_KEY = re.compile(r"[A-Za-z0-9]{8,40}\.zip")


def is_expired(export: RegisterExport) -> bool:
    """Built, but its ZIP has since been removed (see ``remove_old_zips``)."""
    return export.status is ExportStatus.DONE and not file_storage().exists(zip_key(export))


def remove_old_zips(now: datetime) -> int:
    """Delete finished ZIPs older than ``ZIP_KEPT_FOR``, and leftovers of builds that died
    (older than a day); returns how many files went. The export rows stay for the record."""
    removed = 0
    storage = file_storage()
    for entry in list(storage.inventory()):
        if _ZIP_KEY.fullmatch(entry.key) and now - entry.modified_at > ZIP_KEPT_FOR:
            storage.delete(entry.key)
            removed += 1
    root = export_root()
    for path in root.glob("*.zip*") if root.is_dir() else ():
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        if now - modified > timedelta(days=1):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _ready_ids(document_ids: Sequence[int]) -> list[int]:
    """Those of ``document_ids`` whose PDF is stored, in the order given."""
    ready: set[int] = set()
    for start in range(0, len(document_ids), _ID_CHUNK):
        chunk = document_ids[start : start + _ID_CHUNK]
        ready.update(
            db.session.scalars(
                select(Document.id).where(
                    Document.id.in_(chunk), Document.status == DocumentStatus.ISSUED
                )
            )
        )
    return [document_id for document_id in document_ids if document_id in ready]


def exportable_document_ids(company_id: int, chosen: RegisterFilter, today: date) -> list[int]:
    """The ids of the filtered register's documents that have a PDF, in register order."""
    return _ready_ids(register_document_ids(company_id, chosen, today))


def company_export(company_id: int, public_id: str) -> RegisterExport | None:
    """The company's export ``public_id`` (None for another company's or an unknown one)."""
    export: RegisterExport | None = db.session.scalar(
        select(RegisterExport).where(
            RegisterExport.public_id == public_id, RegisterExport.company_id == company_id
        )
    )
    return export


def start_export(
    actor: Actor, company: Company, chosen: RegisterFilter, today: date
) -> RegisterExport:
    """Queue a ZIP of the PDFs in ``company``'s register filtered by ``chosen``.

    The job starts once the caller commits. Asking again for the same filter while the
    same person's export of it is still queued or running returns that export instead of
    building the same ZIP twice (a double click). Never commits.
    """
    user = require(actor.user, Action.EXPORT_REGISTER, company)
    filters = chosen.to_args()
    for unfinished in db.session.scalars(
        select(RegisterExport).where(
            RegisterExport.company_id == company.id,
            RegisterExport.requested_by_id == user.id,
            RegisterExport.status.in_(_UNFINISHED),
        )
    ):
        # An abandoned build is not reused: asking again starts a fresh one.
        if unfinished.filters == filters and not unfinished.is_abandoned(utcnow()):
            return unfinished
    total = len(exportable_document_ids(company.id, chosen, today))
    if not total:
        raise ValidationFailed(
            _l("No issued invoice or credit note with a PDF matches this filter.")
        )
    export = RegisterExport(
        company_id=company.id,
        requested_by_id=user.id,
        filters=filters,
        status=ExportStatus.QUEUED,
        total=total,
        done=0,
    )
    db.session.add(export)
    db.session.flush()
    record_audit(
        actor,
        "register.zip_requested",
        company_id=company.id,
        object_type="register_export",
        object_id=export.public_id,
        details={"filter": filters, "documents": total},
    )
    enqueue("build_register_zip", export.id)
    return export


@dataclass(frozen=True)
class ClaimedExport:
    """What the build needs of an export it claimed, read before its transaction ends."""

    export_id: int
    public_id: str
    company_id: int
    chosen: RegisterFilter
    day: date
    locale: str  # a failure is written down in the language of whoever asked


def claim_export(export_id: int) -> ClaimedExport | None:
    """Mark a queued export running; None if it is not queued (a repeated job). Flushes."""
    claimed: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(RegisterExport)
        .where(RegisterExport.id == export_id, RegisterExport.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING, done=0, error=None)
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:
        return None
    export = db.session.get(RegisterExport, export_id)
    assert export is not None  # just claimed
    locale = db.session.scalar(select(User.locale).where(User.id == export.requested_by_id))
    return ClaimedExport(
        export_id,
        export.public_id,
        export.company_id,
        RegisterFilter.from_args(dict(export.filters)),
        export.created_at.date(),
        locale or "en",
    )


def partial_path(public_id: str) -> Path:
    """Where the ZIP is written until it is complete."""
    return export_root() / f"{public_id}.zip.part"


def set_progress(export_id: int, **values: int) -> None:
    db.session.execute(
        update(RegisterExport)
        .where(RegisterExport.id == export_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def finish_export(export_id: int, done: int, byte_size: int) -> None:
    """The ZIP is in place: the export is done."""
    _finish(export_id, ExportStatus.DONE, done=done, byte_size=byte_size)


def fail_export(claimed: ClaimedExport, error: Exception) -> None:
    """Record why the build stopped, in the requester's language, never as a Python error."""
    partial_path(claimed.public_id).unlink(missing_ok=True)
    if isinstance(error, ExportProblem):
        log.warning("register export %s failed: %s", claimed.public_id, error)
    else:
        log.exception("register export %s failed", claimed.public_id)
    with force_locale(claimed.locale):
        reason = (
            str(error.reason)
            if isinstance(error, ExportProblem)
            else gettext("An unexpected error stopped the build. Try again.")
        )
    _finish(claimed.export_id, ExportStatus.FAILED, error=reason[:2000])


def _finish(export_id: int, status: ExportStatus, **values: Any) -> None:
    db.session.execute(
        update(RegisterExport)
        .where(RegisterExport.id == export_id)
        .values(status=status, finished_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )


def load_pdfs(document_ids: Sequence[int]) -> dict[int, Any]:
    """One batch's stored PDFs with what the ZIP and its manifest print, by document id."""
    return {
        row.id: row
        for row in db.session.execute(
            select(
                Document.id, Document.number, Document.issued_at, Document.sha256, Document.pdf
            ).where(Document.id.in_(document_ids))
        )
    }


class ZipWriter:
    """Writes the PDFs, then ``manifest.csv``, into ``path``; touches no database.

    The manifest stays in memory up to a size, then spills to a temporary file, so memory
    stays bounded whatever the number of documents.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._raw = path.open("wb")
        self._manifest = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - closed in close()
            max_size=_MANIFEST_IN_MEMORY, mode="w+", encoding="utf-8", newline=""
        )
        self._manifest_rows = csv.writer(self._manifest)
        self._manifest_rows.writerow(MANIFEST_COLUMNS)
        self._archive = zipfile.ZipFile(self._raw, "w", compression=zipfile.ZIP_STORED)

    def add(self, document_ids: Sequence[int], rows: dict[int, Any]) -> None:
        """Add the batch's PDFs in ``document_ids`` order, each checked against its digest."""
        for document_id in document_ids:
            row = rows.get(document_id)
            if row is None or row.pdf is None:
                raise ExportProblem(_l("Document %(id)s has no stored PDF.", id=document_id))
            _add_pdf(self._archive, self._manifest_rows, row)

    def complete(self, target: Path) -> int:
        """Add the manifest, make the file durable and rename it to ``target``; its size."""
        self._manifest.seek(0)
        _add_manifest(self._archive, self._manifest)
        self._archive.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        size = self._raw.tell()
        self.close()
        os.replace(self._raw.name, target)
        return size

    def close(self) -> None:
        self._archive.close()
        self._manifest.close()
        self._raw.close()


def _entry(name: str, when: tuple[int, int, int, int, int, int]) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_STORED  # PDFs are compressed already
    info.external_attr = 0o644 << 16
    return info


def _add_pdf(archive: zipfile.ZipFile, manifest_rows: Any, row: Any) -> None:
    pdf: bytes = row.pdf
    digest = hashlib.sha256(pdf).hexdigest()
    if digest != row.sha256:
        raise ExportProblem(
            _l("%(number)s: the PDF does not match its stored SHA-256.", number=row.number)
        )
    filename = f"{row.number}.pdf"  # as Document.filename; numbers are unique
    issued = row.issued_at
    when = (issued.year, issued.month, issued.day, issued.hour, issued.minute, issued.second)
    archive.writestr(_entry(filename, when), pdf)
    manifest_rows.writerow((row.number, filename, digest, len(pdf)))


def _add_manifest(archive: zipfile.ZipFile, manifest: IO[str]) -> None:
    now = utcnow()
    when = (now.year, now.month, now.day, now.hour, now.minute, now.second)
    with archive.open(_entry(MANIFEST_NAME, when), "w") as target:
        while chunk := manifest.read(64 * 1024):
            target.write(chunk.encode("utf-8"))
